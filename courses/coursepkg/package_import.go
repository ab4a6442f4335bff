package coursepkg

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/internal/markdown"
	"tadrib/models"
)

// ImportPackage creates the course a package describes, in one transaction:
// all of it, or nothing. slug, when not empty, renames it.
func (s *Service) ImportPackage(ctx context.Context, pkg Package, actor *int64, slug string) (models.Course, error) {
	m := pkg.Manifest
	if slug == "" {
		slug = m.Slug
	}
	now := s.now()
	c := models.Course{Slug: slug, Locale: m.Locale, Hours: m.Hours, Audiences: strings.Join(m.Audiences, ","),
		Prerequisites: strings.Join(m.Prerequisites, ","), Published: m.Published, ValidityDays: m.ValidityDays, CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		for _, lang := range sortedKeys(m.Title) {
			if err := tx.Create(&models.CourseText{CourseID: c.ID, Lang: lang, Title: m.Title[lang], Summary: m.Summary[lang]}).Error; err != nil {
				return err
			}
		}
		for i, mm := range m.Modules {
			mod := models.Module{CourseID: c.ID, Slug: mm.Slug, Position: i + 1}
			if err := tx.Create(&mod).Error; err != nil {
				return err
			}
			for _, lang := range sortedKeys(mm.Title) {
				if err := tx.Create(&models.ModuleText{ModuleID: mod.ID, Lang: lang, Title: mm.Title[lang]}).Error; err != nil {
					return err
				}
			}
			for j, lp := range mm.Lessons {
				files := pkg.Lessons[lp]
				first, _ := courses.PickText(files, m.Locale, m.Locale)
				l := models.Lesson{ModuleID: mod.ID, Position: j + 1, Minutes: first.Minutes, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&l).Error; err != nil {
					return err
				}
				for _, lang := range sortedKeys(files) {
					f := files[lang]
					html, err := markdown.ToHTML(f.Body)
					if err != nil {
						pe := perr(lp+"."+lang+".md", 0, "err.markdown")
						if le := (*markdown.LimitError)(nil); errors.As(err, &le) {
							pe = perr(lp+"."+lang+".md", 0, le.Key, le.Args...)
						}
						pe.Message = err.Error() // err.* keys are the catalogue's, not registered English
						return PackageErrors{pe}
					}
					if err := tx.Create(&models.LessonText{LessonID: l.ID, Lang: lang, Title: f.Title, BodyMD: f.Body, HTML: html}).Error; err != nil {
						return err
					}
				}
			}
			if q := mm.Quiz; q != nil {
				if s.quizzes == nil {
					return PackageErrors{perr(q.File, 0, "pkg.no_quizzes")}
				}
				st := q.QuizSettings
				if len(q.Translations) > 0 {
					st.TranslatedGIFT = map[string]QuizTranslationFile{}
					for lang, file := range q.Translations {
						st.TranslatedGIFT[lang] = QuizTranslationFile{File: file, Text: pkg.Quizzes[file]}
					}
				}
				if err := s.quizzes.ImportQuiz(ctx, tx, mod.ID, st, pkg.Quizzes[q.File]); err != nil {
					var pe PackageErrors
					if errors.As(err, &pe) {
						for i := range pe {
							if pe[i].File == "" {
								pe[i].File = q.File
							}
						}
						return pe
					}
					return err
				}
			}
		}
		for _, name := range sortedKeys(pkg.Images) {
			m := courses.ImageName.FindStringSubmatch(path.Base(name))
			ctype := http.DetectContentType(pkg.Images[name])
			if err := courses.InsertImage(tx, c.ID, m[1], m[2], ctype, pkg.Images[name], actor, now); err != nil {
				return err
			}
		}
		return models.Audit(tx, actor, "course.import", "course:"+slug, "")
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return c, courses.ErrSlugTaken
	}
	var pe PackageErrors
	if errors.As(err, &pe) {
		return c, pe
	}
	if err != nil {
		return c, fmt.Errorf("courses: import %q: %w", slug, err)
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
