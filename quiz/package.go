package quiz

import (
	"context"
	"errors"
	"fmt"
	"tadrib/internal/i18n"

	"gorm.io/gorm"

	"tadrib/courses/coursepkg"
	"tadrib/models"
)

// ExportQuiz gives a module's quiz, for a course package: its settings and
// its questions as GIFT. ok is false when the module has no quiz.
// It implements coursepkg.QuizPackages.
func (s *Service) ExportQuiz(ctx context.Context, moduleID int64) (coursepkg.QuizSettings, string, bool, error) {
	var q models.Quiz
	err := s.db.R.WithContext(ctx).Take(&q, "module_id = ?", moduleID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return coursepkg.QuizSettings{}, "", false, nil
	}
	if err != nil {
		return coursepkg.QuizSettings{}, "", false, fmt.Errorf("quiz: export of module %d: %w", moduleID, err)
	}
	qs, err := s.Bank(ctx, q.ID)
	if err != nil {
		return coursepkg.QuizSettings{}, "", false, err
	}
	st := coursepkg.QuizSettings{Title: q.Title, PassMark: q.PassMark, TimeLimitS: q.TimeLimitS, MaxAttempts: q.MaxAttempts,
		Draw: q.Draw, DrawPerCategory: q.DrawPerCategory, Shuffle: q.Shuffle, Review: q.Review, OnePerPage: q.OnePerPage,
		TranslatedGIFT: translatedGIFT(qs)}
	if titles := parseTitles(q.Titles); len(titles) > 0 {
		st.Titles = titles
	}
	return st, ExportGIFT(qs), true, nil
}

// ImportQuiz creates a module's quiz from a package, in the package's
// transaction: every question must parse and be valid, or nothing is
// created; the problems come back as coursepkg.PackageErrors with their lines.
func (s *Service) ImportQuiz(ctx context.Context, tx *gorm.DB, moduleID int64, st coursepkg.QuizSettings, gift string) error {
	in := Settings{Title: &st.Title, PassMark: &st.PassMark, TimeLimitS: &st.TimeLimitS, MaxAttempts: &st.MaxAttempts,
		Draw: &st.Draw, DrawPerCategory: &st.DrawPerCategory, Shuffle: &st.Shuffle, Review: &st.Review, OnePerPage: &st.OnePerPage}
	if st.Review == "" {
		in.Review = nil
	}
	if st.Titles != nil {
		in.Titles = &st.Titles
	}
	var perrs coursepkg.PackageErrors
	for _, fe := range in.validate(true) {
		perrs = append(perrs, packageError("course.yaml", 0, "gift.quiz_setting", fe.Field, i18n.M(fe.Key, fe.Args...)))
	}
	qs, gerrs := ParseGIFT(gift)
	for _, e := range gerrs {
		perrs = append(perrs, packageError("", e.Line, e.Key, e.Args...))
	}
	if len(gerrs) == 0 {
		for _, lang := range sortedLangs(st.TranslatedGIFT) {
			perrs = append(perrs, attachTranslation(qs, lang, st.TranslatedGIFT[lang])...)
		}
	}
	for i := range qs {
		if fe := ValidateQuestion(&qs[i]); len(fe) > 0 {
			perrs = append(perrs, packageError("", qs[i].Line, "gift.invalid", fe[0].Field, i18n.M(fe[0].Key, fe[0].Args...)))
		}
	}
	if e, ok := overLimit(0, qs); ok {
		perrs = append(perrs, packageError("", e.Line, e.Key, e.Args...))
	}
	if len(perrs) > 0 {
		return perrs
	}
	now := s.now()
	q := models.Quiz{ModuleID: moduleID, PassMark: 70, Shuffle: true, Review: ReviewAfterSubmit, CreatedAt: now, UpdatedAt: now}
	apply(&q, in)
	if err := tx.WithContext(ctx).Create(&q).Error; err != nil {
		return err
	}
	_, err := s.addQuestions(tx.WithContext(ctx), q.ID, qs)
	return err
}

// packageError is a problem of a package's quiz file (file "" is filled in
// by the package reader with the quiz's file) in coursepkg's form.
func packageError(file string, line int, key string, args ...any) coursepkg.PackageError {
	return coursepkg.PackageError{File: file, Line: line, Message: i18n.English(key, args...), Key: key, Args: args}
}
