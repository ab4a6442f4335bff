package authoring

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/internal/markdown"
	"tadrib/internal/web"
	"tadrib/models"
)

// LessonInput is the body of POST /modules/{id}/lessons and PATCH /lessons/{id}.
type LessonInput struct {
	Title    *string `json:"title"`
	BodyMD   *string `json:"body_md"`
	Minutes  *int    `json:"minutes"`
	Position *int    `json:"position"`
	Lang     *string `json:"lang"`
}

func (in *LessonInput) validate(create bool) []web.FieldError {
	errs := courses.ValidText("title", in.Title, create, 200)
	if !create && in.Title != nil && *in.Title == "" {
		// An edit may leave the title out, not blank it (as UpdateModule).
		errs = append(errs, web.Field("title", "err.required"))
	}
	if in.BodyMD != nil {
		// Rendered again when saved; checked here so that the error comes
		// with the others, naming the field and the bound.
		if _, err := markdown.ToHTML(*in.BodyMD); err != nil {
			errs = append(errs, web.MarkdownField("body_md", err))
		}
	}
	if in.Minutes != nil && (*in.Minutes < 0 || *in.Minutes > 600) {
		errs = append(errs, web.Field("minutes", "err.range", 0, 600))
	}
	if in.Position != nil && (*in.Position < 1 || *in.Position > 10000) {
		errs = append(errs, web.Field("position", "err.range", 1, 10000))
	}
	if in.Lang != nil && !models.Valid(*in.Lang, models.Locales) {
		errs = append(errs, web.Field("lang", "err.locale"))
	}
	return errs
}

// LessonJSON is a lesson as the authoring API answers it.
type LessonJSON struct {
	ID       string `json:"id"`
	ModuleID string `json:"module_id"`
	Title    string `json:"title"`
	BodyMD   string `json:"body_md"`
	HTML     string `json:"html"`
	Minutes  int    `json:"minutes"`
	Position int    `json:"position"`
	Lang     string `json:"lang"`
}

// AddLesson adds a lesson to a module.
func (s *Service) AddLesson(ctx context.Context, editor models.User, moduleID int64, in LessonInput) (LessonJSON, error) {
	if errs := in.validate(true); len(errs) > 0 {
		return LessonJSON{}, web.Invalid(errs...)
	}
	body := ""
	if in.BodyMD != nil {
		body = *in.BodyMD
	}
	html, err := markdown.ToHTML(body)
	if err != nil {
		return LessonJSON{}, web.Invalid(web.MarkdownField("body_md", err))
	}
	var out LessonJSON
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.courses.ModuleCourse(ctx, tx, editor, moduleID)
		if err != nil {
			return err
		}
		pos, err := placeAt(tx, "lessons", "module_id", moduleID, in.Position)
		if err != nil {
			return err
		}
		now := s.now()
		l := models.Lesson{ModuleID: moduleID, Position: pos, CreatedAt: now, UpdatedAt: now}
		if in.Minutes != nil {
			l.Minutes = *in.Minutes
		}
		if err := tx.Create(&l).Error; err != nil {
			return err
		}
		lang := c.Locale
		if in.Lang != nil {
			lang = *in.Lang
		}
		if err := tx.Create(&models.LessonText{LessonID: l.ID, Lang: lang, Title: *in.Title, BodyMD: body, HTML: html}).Error; err != nil {
			return err
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		out = LessonJSON{ID: id(l.ID), ModuleID: id(moduleID), Title: *in.Title, BodyMD: body, HTML: html, Minutes: l.Minutes, Position: pos, Lang: lang}
		return models.Audit(tx, &editor.ID, "lesson.create", "course:"+c.Slug, "lesson:"+id(l.ID))
	})
	return out, err
}

// UpdateLesson changes a lesson, or adds or changes its text in Lang.
func (s *Service) UpdateLesson(ctx context.Context, editor models.User, lessonID int64, in LessonInput) (LessonJSON, error) {
	if errs := in.validate(false); len(errs) > 0 {
		return LessonJSON{}, web.Invalid(errs...)
	}
	var out LessonJSON
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l models.Lesson
		if err := tx.Take(&l, "id = ?", lessonID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return courses.ErrNotFound
			}
			return err
		}
		c, err := s.courses.ModuleCourse(ctx, tx, editor, l.ModuleID)
		if err != nil {
			return err
		}
		updates := map[string]any{"updated_at": s.now()}
		if in.Minutes != nil {
			updates["minutes"] = *in.Minutes
			l.Minutes = *in.Minutes
		}
		if err := tx.Model(&models.Lesson{}).Where("id = ?", l.ID).Updates(updates).Error; err != nil {
			return err
		}
		if in.Position != nil && *in.Position != l.Position {
			if l.Position, err = move(tx, "lessons", "module_id", l.ModuleID, l.ID, *in.Position); err != nil {
				return err
			}
		}
		lang := c.Locale
		if in.Lang != nil {
			lang = *in.Lang
		}
		var t models.LessonText
		err = tx.Where("lesson_id = ? AND lang = ?", l.ID, lang).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if in.Title == nil {
				return web.Invalid(web.Field("title", "err.required"))
			}
			t = models.LessonText{LessonID: l.ID, Lang: lang}
		} else if err != nil {
			return err
		}
		if in.Title != nil {
			t.Title = *in.Title
		}
		if in.BodyMD != nil {
			html, err := markdown.ToHTML(*in.BodyMD)
			if err != nil {
				return web.Invalid(web.MarkdownField("body_md", err))
			}
			t.BodyMD, t.HTML = *in.BodyMD, html
		}
		if err := tx.Save(&t).Error; err != nil {
			return err
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		out = LessonJSON{ID: id(l.ID), ModuleID: id(l.ModuleID), Title: t.Title, BodyMD: t.BodyMD, HTML: t.HTML, Minutes: l.Minutes, Position: l.Position, Lang: lang}
		return models.Audit(tx, &editor.ID, "lesson.update", "course:"+c.Slug, "lesson:"+id(l.ID))
	})
	return out, err
}

// DeleteLesson removes a lesson, its texts and its trainees' completions.
func (s *Service) DeleteLesson(ctx context.Context, editor models.User, lessonID int64) (string, error) {
	var slug string
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l models.Lesson
		if err := tx.Take(&l, "id = ?", lessonID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return courses.ErrNotFound
			}
			return err
		}
		c, err := s.courses.ModuleCourse(ctx, tx, editor, l.ModuleID)
		if err != nil {
			return err
		}
		slug = c.Slug
		for _, q := range []string{"DELETE FROM lesson_completions WHERE lesson_id = ?", "DELETE FROM lesson_texts WHERE lesson_id = ?", "DELETE FROM lessons WHERE id = ?"} {
			if err := tx.Exec(q, l.ID).Error; err != nil {
				return err
			}
		}
		if err := renumber(tx, "lessons", "module_id", l.ModuleID); err != nil {
			return err
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "lesson.delete", "course:"+c.Slug, "lesson:"+id(l.ID))
	})
	return slug, err
}
