package authoring

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/internal/web"
	"tadrib/models"
)

// ModuleInput is the body of POST /courses/{slug}/modules.
type ModuleInput struct {
	Slug     *string `json:"slug"`
	Title    *string `json:"title"`
	Position *int    `json:"position"`
	Lang     *string `json:"lang"`
}

// ModuleJSON is a module as the authoring API answers it.
type ModuleJSON struct {
	ID         string `json:"id"`
	CourseSlug string `json:"course_slug"`
	Slug       string `json:"slug"`
	Title      string `json:"title"`
	Position   int    `json:"position"`
}

// AddModule appends (or inserts at Position) a module to a course.
func (s *Service) AddModule(ctx context.Context, editor models.User, slug string, in ModuleInput) (ModuleJSON, error) {
	errs := courses.ValidText("title", in.Title, true, 200)
	if in.Slug == nil || !courses.ValidSlug(*in.Slug) {
		errs = append(errs, web.Field("slug", "err.slug"))
	}
	if in.Position != nil && (*in.Position < 1 || *in.Position > 10000) {
		errs = append(errs, web.Field("position", "err.range", 1, 10000))
	}
	if in.Lang != nil && !models.Valid(*in.Lang, models.Locales) {
		errs = append(errs, web.Field("lang", "err.locale"))
	}
	if len(errs) > 0 {
		return ModuleJSON{}, web.Invalid(errs...)
	}
	var m models.Module
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.courses.Editable(ctx, tx, editor, slug)
		if err != nil {
			return err
		}
		pos, err := placeAt(tx, "modules", "course_id", c.ID, in.Position)
		if err != nil {
			return err
		}
		lang := c.Locale
		if in.Lang != nil {
			lang = *in.Lang
		}
		m = models.Module{CourseID: c.ID, Slug: *in.Slug, Position: pos}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.ModuleText{ModuleID: m.ID, Lang: lang, Title: *in.Title}).Error; err != nil {
			return err
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "module.create", "course:"+c.Slug, "module:"+m.Slug)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ModuleJSON{}, web.Invalid(web.Field("slug", "err.slug_taken"))
	}
	if err != nil {
		return ModuleJSON{}, err
	}
	return ModuleJSON{ID: id(m.ID), CourseSlug: slug, Slug: m.Slug, Title: *in.Title, Position: m.Position}, nil
}

// placeAt returns the position for a new row among its siblings: the end, or
// the requested place, moving the rows from there one step down.
func placeAt(tx *gorm.DB, table, parentCol string, parentID int64, want *int) (int, error) {
	var maxPos int
	if err := tx.Table(table).Where(parentCol+" = ?", parentID).Select("COALESCE(MAX(position), 0)").Scan(&maxPos).Error; err != nil {
		return 0, err
	}
	if want == nil || *want > maxPos {
		return maxPos + 1, nil
	}
	err := tx.Table(table).Where(parentCol+" = ? AND position >= ?", parentID, *want).
		Update("position", gorm.Expr("position + 1")).Error
	return *want, err
}

// UpdateModule renames a module in a language, changes its slug, or moves it.
func (s *Service) UpdateModule(ctx context.Context, editor models.User, moduleID int64, in ModuleInput) (ModuleJSON, error) {
	errs := courses.ValidText("title", in.Title, false, 200)
	if in.Title != nil && *in.Title == "" {
		errs = append(errs, web.Field("title", "err.required"))
	}
	if in.Slug != nil && !courses.ValidSlug(*in.Slug) {
		errs = append(errs, web.Field("slug", "err.slug"))
	}
	if in.Position != nil && (*in.Position < 1 || *in.Position > 10000) {
		errs = append(errs, web.Field("position", "err.range", 1, 10000))
	}
	if in.Lang != nil && !models.Valid(*in.Lang, models.Locales) {
		errs = append(errs, web.Field("lang", "err.locale"))
	}
	if len(errs) > 0 {
		return ModuleJSON{}, web.Invalid(errs...)
	}
	var out ModuleJSON
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.courses.ModuleCourse(ctx, tx, editor, moduleID)
		if err != nil {
			return err
		}
		var m models.Module
		if err := tx.Take(&m, "id = ?", moduleID).Error; err != nil {
			return err
		}
		if in.Slug != nil && *in.Slug != m.Slug {
			if err := tx.Model(&m).Update("slug", *in.Slug).Error; err != nil {
				return err
			}
			m.Slug = *in.Slug
		}
		if in.Position != nil && *in.Position != m.Position {
			if m.Position, err = move(tx, "modules", "course_id", c.ID, m.ID, *in.Position); err != nil {
				return err
			}
		}
		lang := c.Locale
		if in.Lang != nil {
			lang = *in.Lang
		}
		var title string
		if in.Title != nil {
			t := models.ModuleText{ModuleID: m.ID, Lang: lang, Title: *in.Title}
			if err := tx.Save(&t).Error; err != nil {
				return err
			}
			title = t.Title
		} else {
			var t models.ModuleText
			if err := tx.Where("module_id = ? AND lang IN ?", m.ID, []string{lang, c.Locale}).Order(orderLang(lang)).Limit(1).Find(&t).Error; err != nil {
				return err
			}
			title = t.Title
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		out = ModuleJSON{ID: id(m.ID), CourseSlug: c.Slug, Slug: m.Slug, Title: title, Position: m.Position}
		return models.Audit(tx, &editor.ID, "module.update", "course:"+c.Slug, "module:"+m.Slug)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ModuleJSON{}, web.Invalid(web.Field("slug", "err.slug_taken"))
	}
	return out, err
}

// orderLang sorts the rows in lang first (lang is one of models.Locales).
func orderLang(lang string) string {
	return "CASE WHEN lang = '" + lang + "' THEN 0 ELSE 1 END"
}

// move puts one row at position want (1-based, clamped) among its siblings
// and numbers them all 1..n again, so that positions stay a plain sequence
// whatever order the moves come in (a form's up/down, a drag, the API).
func move(tx *gorm.DB, table, parentCol string, parentID, rowID int64, want int) (int, error) {
	var ids []int64
	if err := tx.Table(table).Where(parentCol+" = ?", parentID).Order("position, id").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	rest := make([]int64, 0, len(ids))
	for _, x := range ids {
		if x != rowID {
			rest = append(rest, x)
		}
	}
	want = min(max(want, 1), len(rest)+1)
	order := append(append(append([]int64{}, rest[:want-1]...), rowID), rest[want-1:]...)
	for i, x := range order {
		if err := tx.Table(table).Where("id = ?", x).Update("position", i+1).Error; err != nil {
			return 0, err
		}
	}
	return want, nil
}

// ModuleWeight is what deleting a module would take with it.
type ModuleWeight struct {
	Lessons   int64
	Questions int64
	Attempts  int64
}

// ModuleWeight counts a module's lessons, quiz questions and trainees'
// attempts, for the confirmation before deleting it.
func (s *Service) ModuleWeight(ctx context.Context, editor models.User, moduleID int64) (models.Course, ModuleWeight, error) {
	db := s.db.R.WithContext(ctx)
	c, err := s.courses.ModuleCourse(ctx, db, editor, moduleID)
	if err != nil {
		return c, ModuleWeight{}, err
	}
	var w ModuleWeight
	err = errors.Join(
		db.Table("lessons").Where("module_id = ?", moduleID).Count(&w.Lessons).Error,
		db.Table("questions").Joins("JOIN quizzes q ON q.id = questions.quiz_id").Where("q.module_id = ?", moduleID).Count(&w.Questions).Error,
		db.Table("attempts").Joins("JOIN quizzes q ON q.id = attempts.quiz_id").Where("q.module_id = ?", moduleID).Count(&w.Attempts).Error,
	)
	return c, w, err
}

// DeleteModule removes a module with its lessons, its quiz and everything
// that hangs from them (the schema cascades), and renumbers the others.
func (s *Service) DeleteModule(ctx context.Context, editor models.User, moduleID int64) (string, error) {
	var slug string
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.courses.ModuleCourse(ctx, tx, editor, moduleID)
		if err != nil {
			return err
		}
		slug = c.Slug
		var m models.Module
		if err := tx.Take(&m, "id = ?", moduleID).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM modules WHERE id = ?", moduleID).Error; err != nil {
			return err
		}
		if err := renumber(tx, "modules", "course_id", c.ID); err != nil {
			return err
		}
		if err := s.courses.Touch(tx, c.ID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "module.delete", "course:"+c.Slug, "module:"+m.Slug)
	})
	return slug, err
}

// renumber numbers a parent's rows 1..n in their order, after a deletion.
func renumber(tx *gorm.DB, table, parentCol string, parentID int64) error {
	var ids []int64
	if err := tx.Table(table).Where(parentCol+" = ?", parentID).Order("position, id").Pluck("id", &ids).Error; err != nil {
		return err
	}
	for i, x := range ids {
		if err := tx.Table(table).Where("id = ?", x).Update("position", i+1).Error; err != nil {
			return err
		}
	}
	return nil
}
