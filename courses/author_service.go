package courses

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

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

// UpdateModule renames a module in a language, changes its slug, or moves it.
func (s *Service) UpdateModule(ctx context.Context, editor models.User, moduleID int64, in ModuleInput) (ModuleJSON, error) {
	errs := ValidText("title", in.Title, false, 200)
	if in.Title != nil && *in.Title == "" {
		errs = append(errs, web.Field("title", "err.required"))
	}
	if in.Slug != nil && !slugRE.MatchString(*in.Slug) {
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
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.moduleCourse(ctx, tx, editor, moduleID)
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
		if err := s.touch(tx, c.ID); err != nil {
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

// DeleteLesson removes a lesson, its texts and its trainees' completions.
func (s *Service) DeleteLesson(ctx context.Context, editor models.User, lessonID int64) (string, error) {
	var slug string
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l models.Lesson
		if err := tx.Take(&l, "id = ?", lessonID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		c, err := s.moduleCourse(ctx, tx, editor, l.ModuleID)
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
		if err := s.touch(tx, c.ID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "lesson.delete", "course:"+c.Slug, "lesson:"+id(l.ID))
	})
	return slug, err
}

// AuthoredCourse is a course on the trainer's home page.
type AuthoredCourse struct {
	Slug      string
	Title     string
	Published bool
	Modules   int
	Lessons   int
	UpdatedAt string
}

// Authored lists the courses editor may change: their own, or all for an admin.
func (s *Service) Authored(ctx context.Context, editor models.User, lang string) ([]AuthoredCourse, error) {
	q := s.DB.R.WithContext(ctx).Preload("Texts").Preload("Modules").Preload("Modules.Lessons", func(db *gorm.DB) *gorm.DB { return db.Select("id", "module_id") }).
		Order("updated_at DESC, id DESC")
	if editor.Role != models.RoleAdmin {
		q = q.Where("created_by = ?", editor.ID)
	}
	var cs []models.Course
	if err := q.Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("courses: authored by %d: %w", editor.ID, err)
	}
	out := make([]AuthoredCourse, 0, len(cs))
	for _, c := range cs {
		t, _ := PickText(CourseTexts(c.Texts), lang, c.Locale)
		a := AuthoredCourse{Slug: c.Slug, Title: t.Title, Published: c.Published, Modules: len(c.Modules), UpdatedAt: c.UpdatedAt.Format("2006-01-02")}
		for _, m := range c.Modules {
			a.Lessons += len(m.Lessons)
		}
		out = append(out, a)
	}
	return out, nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// latin spells French accented letters and Arabic letters in ASCII, so that
// a title in either gives a readable slug (an address, not a translation).
var latin = strings.NewReplacer(
	"é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ù", "u", "û", "u", "œ", "oe",
	"ا", "a", "أ", "a", "إ", "i", "آ", "a", "ب", "b", "ت", "t", "ث", "th", "ج", "j", "ح", "h", "خ", "kh", "د", "d", "ذ", "dh",
	"ر", "r", "ز", "z", "س", "s", "ش", "sh", "ص", "s", "ض", "d", "ط", "t", "ظ", "z", "ع", "a", "غ", "gh", "ف", "f", "ق", "q",
	"ك", "k", "ل", "l", "م", "m", "ن", "n", "ه", "h", "و", "w", "ي", "y", "ى", "a", "ة", "a", "ؤ", "w", "ئ", "y", "ء", "",
	"٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9")

// Slugify makes a slug from a title, for forms that leave the slug to us:
// its ASCII letters and digits, or fallback when there are none (an Arabic
// title).
func Slugify(title, fallback string) string {
	s := strings.ToLower(title)
	s = latin.Replace(s)
	s = strings.Trim(nonSlug.ReplaceAllString(s, "-"), "-")
	if len(s) > 50 {
		s = strings.TrimRight(s[:50], "-")
	}
	if s == "" {
		return fallback
	}
	return s
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

// ModuleWeight is what deleting a module would take with it.
type ModuleWeight struct {
	Lessons   int64
	Questions int64
	Attempts  int64
}

// ModuleWeight counts a module's lessons, quiz questions and trainees'
// attempts, for the confirmation before deleting it.
func (s *Service) ModuleWeight(ctx context.Context, editor models.User, moduleID int64) (models.Course, ModuleWeight, error) {
	db := s.DB.R.WithContext(ctx)
	c, err := s.moduleCourse(ctx, db, editor, moduleID)
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
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.moduleCourse(ctx, tx, editor, moduleID)
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
		if err := s.touch(tx, c.ID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "module.delete", "course:"+c.Slug, "module:"+m.Slug)
	})
	return slug, err
}
