package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/internal/i18n"
	"tadrib/internal/web"
	"tadrib/models"
)

// Settings is the body of POST /modules/{id}/quiz and PATCH /quizzes/{id};
// nil fields take their default (create) or stay (update).
type Settings struct {
	Title           *string `json:"title"`
	PassMark        *int    `json:"pass_mark"`
	TimeLimitS      *int    `json:"time_limit_s"`
	MaxAttempts     *int    `json:"max_attempts"`
	Draw            *int    `json:"draw"`
	DrawPerCategory *bool   `json:"draw_per_category"`
	Shuffle         *bool   `json:"shuffle"`
	Review          *string `json:"review"`
	OnePerPage      *bool   `json:"one_per_page"`
	// Titles is the title per language ({"ar": "…"}); a language left
	// empty shows Title. On update it replaces the stored titles.
	Titles *map[string]string `json:"titles"`
}

func (in *Settings) validate(create bool) []web.FieldError {
	var errs []web.FieldError
	if in.Title != nil {
		*in.Title = strings.TrimSpace(*in.Title)
	}
	if (create && (in.Title == nil || *in.Title == "")) || (in.Title != nil && *in.Title == "") {
		errs = append(errs, web.Field("title", "err.required"))
	} else if in.Title != nil && utf8.RuneCountInString(*in.Title) > 200 {
		errs = append(errs, web.Field("title", "err.too_long", 200))
	}
	if in.Titles != nil {
		clean := map[string]string{}
		for lang, t := range *in.Titles {
			t = strings.TrimSpace(t)
			switch {
			case !i18n.Supported(lang):
				errs = append(errs, web.Field("titles."+lang, "qtrans.err_lang"))
			case utf8.RuneCountInString(t) > 200:
				errs = append(errs, web.Field("titles."+lang, "err.too_long", 200))
			case t != "":
				clean[lang] = t
			}
		}
		*in.Titles = clean
	}
	rng := func(field string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			errs = append(errs, web.Field(field, "err.range", lo, hi))
		}
	}
	rng("pass_mark", in.PassMark, 0, 100)
	rng("time_limit_s", in.TimeLimitS, 0, 7*24*3600)
	rng("max_attempts", in.MaxAttempts, 0, 1000)
	rng("draw", in.Draw, 0, 1000)
	if in.Review != nil && *in.Review != ReviewAfterSubmit && *in.Review != ReviewScoreOnly && *in.Review != ReviewNever {
		errs = append(errs, web.Field("review", "err.review"))
	}
	return errs
}

// QuizJSON is a quiz as the authoring API answers it.
type QuizJSON struct {
	ID              string `json:"id"`
	ModuleID        string `json:"module_id"`
	Title           string `json:"title"`
	PassMark        int    `json:"pass_mark"`
	TimeLimitS      int    `json:"time_limit_s"`
	MaxAttempts     int    `json:"max_attempts"`
	Draw            int    `json:"draw"`
	DrawPerCategory bool   `json:"draw_per_category"`
	Shuffle         bool   `json:"shuffle"`
	Review          string `json:"review"`
	OnePerPage      bool   `json:"one_per_page"`
	QuestionCount   int    `json:"question_count"`
	// Titles is the title in other languages; TitleIn picks one.
	Titles map[string]string `json:"titles"`
}

// TitleIn is the quiz's title in lang, or its original title.
func (q QuizJSON) TitleIn(lang string) string {
	if t := q.Titles[lang]; t != "" {
		return t
	}
	return q.Title
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func (s *Service) quizJSON(ctx context.Context, q models.Quiz) (QuizJSON, error) {
	var n int64
	if err := s.db.R.WithContext(ctx).Model(&models.QuizQuestion{}).Where("quiz_id = ?", q.ID).Count(&n).Error; err != nil {
		return QuizJSON{}, err
	}
	return QuizJSON{ID: id(q.ID), ModuleID: id(q.ModuleID), Title: q.Title, PassMark: q.PassMark, TimeLimitS: q.TimeLimitS,
		MaxAttempts: q.MaxAttempts, Draw: q.Draw, DrawPerCategory: q.DrawPerCategory, Shuffle: q.Shuffle, Review: q.Review,
		OnePerPage: q.OnePerPage, QuestionCount: int(n), Titles: parseTitles(q.Titles)}, nil
}

// mapCourseErr turns courses' sentinels into ours.
func mapCourseErr(err error) error {
	switch {
	case errors.Is(err, courses.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, courses.ErrForbidden):
		return ErrForbidden
	}
	return err
}

// CreateQuiz gives a module its quiz.
func (s *Service) CreateQuiz(ctx context.Context, editor models.User, moduleID int64, in Settings) (QuizJSON, error) {
	if errs := in.validate(true); len(errs) > 0 {
		return QuizJSON{}, web.Invalid(errs...)
	}
	c, err := s.courses.CheckEditModule(ctx, editor, moduleID)
	if err != nil {
		return QuizJSON{}, mapCourseErr(err)
	}
	now := s.now()
	q := models.Quiz{ModuleID: moduleID, Title: *in.Title, PassMark: 70, Shuffle: true, Review: ReviewAfterSubmit, CreatedAt: now, UpdatedAt: now}
	apply(&q, in)
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&q).Error; err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "quiz.create", "course:"+c.Slug, "quiz:"+id(q.ID))
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return QuizJSON{}, ErrQuizExists
	}
	if err != nil {
		return QuizJSON{}, fmt.Errorf("quiz: create for module %d: %w", moduleID, err)
	}
	return s.quizJSON(ctx, q)
}

func apply(q *models.Quiz, in Settings) {
	if in.Title != nil {
		q.Title = *in.Title
	}
	if in.PassMark != nil {
		q.PassMark = *in.PassMark
	}
	if in.TimeLimitS != nil {
		q.TimeLimitS = *in.TimeLimitS
	}
	if in.MaxAttempts != nil {
		q.MaxAttempts = *in.MaxAttempts
	}
	if in.Draw != nil {
		q.Draw = *in.Draw
	}
	if in.DrawPerCategory != nil {
		q.DrawPerCategory = *in.DrawPerCategory
	}
	if in.Shuffle != nil {
		q.Shuffle = *in.Shuffle
	}
	if in.Review != nil {
		q.Review = *in.Review
	}
	if in.OnePerPage != nil {
		q.OnePerPage = *in.OnePerPage
	}
	if in.Titles != nil {
		b, _ := json.Marshal(*in.Titles) // a map of strings always encodes
		q.Titles = string(b)
	}
	if q.Titles == "" {
		q.Titles = "{}"
	}
}

// quiz loads a quiz.
func (s *Service) quiz(ctx context.Context, quizID int64) (models.Quiz, error) {
	var q models.Quiz
	err := s.db.R.WithContext(ctx).Take(&q, "id = ?", quizID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return q, ErrNotFound
	}
	return q, err
}

// editable loads a quiz that editor may change.
func (s *Service) editable(ctx context.Context, editor models.User, quizID int64) (models.Quiz, models.Course, error) {
	q, err := s.quiz(ctx, quizID)
	if err != nil {
		return q, models.Course{}, err
	}
	c, err := s.courses.CheckEditModule(ctx, editor, q.ModuleID)
	err = mapCourseErr(err)
	if errors.Is(err, ErrForbidden) {
		// The bank holds the answers: to anyone who may not edit it, it does
		// not exist (SECURITY.md X4).
		err = ErrNotFound
	}
	return q, c, err
}

// UpdateQuiz changes a quiz's settings. Attempts already started keep their
// frozen questions; the new settings apply to attempts started from now on.
func (s *Service) UpdateQuiz(ctx context.Context, editor models.User, quizID int64, in Settings) (QuizJSON, error) {
	if errs := in.validate(false); len(errs) > 0 {
		return QuizJSON{}, web.Invalid(errs...)
	}
	q, c, err := s.editable(ctx, editor, quizID)
	if err != nil {
		return QuizJSON{}, err
	}
	apply(&q, in)
	q.UpdatedAt = s.now()
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Not bank_version: a question saved meanwhile has moved it on.
		if err := tx.Omit("bank_version").Save(&q).Error; err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "quiz.update", "course:"+c.Slug, "quiz:"+id(q.ID))
	})
	if err != nil {
		return QuizJSON{}, fmt.Errorf("quiz: update %d: %w", quizID, err)
	}
	return s.quizJSON(ctx, q)
}
