package courses

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"tadrib/internal/markdown"
	"tadrib/internal/web"
	"tadrib/models"
)

// CourseInput is the body of POST /courses and PATCH /courses/{slug}; nil
// fields are left as they are on PATCH. Lang says which language the texts
// are in (default: the course's language).
type CourseInput struct {
	Slug         *string   `json:"slug"`
	Title        *string   `json:"title"`
	Summary      *string   `json:"summary"`
	Hours        *float64  `json:"hours"`
	Audiences    *[]string `json:"audiences"`
	Locale       *string   `json:"locale"`
	Published    *bool     `json:"published"`
	ValidityDays *int      `json:"validity_days"`
	Lang         *string   `json:"lang"`
	// Prerequisites are the slugs of existing courses to complete before
	// this one's certificate.
	Prerequisites *[]string `json:"prerequisites"`
	// Texts sets the title and summary in several languages at once.
	Texts map[string]TextInput `json:"texts"`
}

// TextInput is a course's title and summary in one language.
type TextInput struct {
	Title   *string `json:"title"`
	Summary *string `json:"summary"`
}

func ValidText(field string, v *string, required bool, max int) []web.FieldError {
	if v == nil {
		if required {
			return []web.FieldError{web.Field(field, "err.required")}
		}
		return nil
	}
	*v = strings.TrimSpace(*v)
	switch {
	case required && *v == "":
		return []web.FieldError{web.Field(field, "err.required")}
	case !utf8.ValidString(*v):
		return []web.FieldError{web.Field(field, "err.text_chars")}
	case utf8.RuneCountInString(*v) > max:
		return []web.FieldError{web.Field(field, "err.too_long", max)}
	}
	return nil
}

func (in *CourseInput) validate(create bool) []web.FieldError {
	var errs []web.FieldError
	if create || in.Slug != nil {
		if in.Slug == nil || !slugRE.MatchString(*in.Slug) {
			errs = append(errs, web.Field("slug", "err.slug"))
		}
	}
	needTitle := create
	if create && in.Title == nil && in.Texts != nil {
		// A new course may name its title only in texts, in its language.
		locale := "fr"
		if in.Locale != nil {
			locale = *in.Locale
		}
		if t, ok := in.Texts[locale]; ok && t.Title != nil {
			in.Title, in.Summary = t.Title, t.Summary
			delete(in.Texts, locale)
		}
	}
	errs = append(errs, ValidText("title", in.Title, needTitle, 200)...)
	errs = append(errs, ValidText("summary", in.Summary, false, 2000)...)
	for _, lang := range sortedKeys(in.Texts) {
		t := in.Texts[lang]
		if !models.Valid(lang, models.Locales) {
			errs = append(errs, web.Field("texts", "err.locale"))
			continue
		}
		errs = append(errs, ValidText("texts."+lang+".title", t.Title, false, 200)...)
		errs = append(errs, ValidText("texts."+lang+".summary", t.Summary, false, 2000)...)
		if t.Title != nil && *t.Title == "" {
			errs = append(errs, web.Field("texts."+lang+".title", "err.required"))
		}
	}
	if in.Hours != nil && (*in.Hours < 0 || *in.Hours > 1000) {
		errs = append(errs, web.Field("hours", "err.range", 0, 1000))
	}
	if in.ValidityDays != nil && (*in.ValidityDays < 0 || *in.ValidityDays > 36500) {
		errs = append(errs, web.Field("validity_days", "err.range", 0, 36500))
	}
	if in.Audiences != nil {
		if len(*in.Audiences) == 0 {
			errs = append(errs, web.Field("audiences", "err.required"))
		}
		for _, a := range *in.Audiences {
			if !models.Valid(a, models.Professions) {
				errs = append(errs, web.Field("audiences", "err.profession"))
				break
			}
		}
	} else if create {
		errs = append(errs, web.Field("audiences", "err.required"))
	}
	if in.Locale != nil && !models.Valid(*in.Locale, models.Locales) {
		errs = append(errs, web.Field("locale", "err.locale"))
	}
	if in.Lang != nil && !models.Valid(*in.Lang, models.Locales) {
		errs = append(errs, web.Field("lang", "err.locale"))
	}
	return errs
}

// Editable loads a course that editor may change; others get ErrNotFound for
// a draft they cannot see and ErrForbidden for a published course.
func (s *Service) Editable(ctx context.Context, tx *gorm.DB, editor models.User, slug string) (models.Course, error) {
	var c models.Course
	err := tx.WithContext(ctx).Where("slug = ?", slug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("courses: load %q: %w", slug, err)
	}
	if !CanEdit(&editor, c) {
		if !canSee(&editor, c) {
			return c, ErrNotFound
		}
		return c, ErrForbidden
	}
	return c, nil
}

// CreateCourse creates a draft course authored by editor.
func (s *Service) CreateCourse(ctx context.Context, editor models.User, in CourseInput) (CourseDetail, error) {
	if errs := in.validate(true); len(errs) > 0 {
		return CourseDetail{}, web.Invalid(errs...)
	}
	locale := "fr"
	if in.Locale != nil {
		locale = *in.Locale
	}
	now := s.now()
	c := models.Course{Slug: *in.Slug, Locale: locale, Audiences: strings.Join(*in.Audiences, ","), CreatedBy: &editor.ID,
		CreatedAt: now, UpdatedAt: now}
	if in.Hours != nil {
		c.Hours = *in.Hours
	}
	if in.ValidityDays != nil {
		c.ValidityDays = *in.ValidityDays
	}
	summary := ""
	if in.Summary != nil {
		summary = *in.Summary
	}
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.CourseText{CourseID: c.ID, Lang: locale, Title: *in.Title, Summary: summary}).Error; err != nil {
			return err
		}
		for _, lang := range sortedKeys(in.Texts) {
			if err := upsertCourseText(tx, c.ID, lang, in.Texts[lang].Title, in.Texts[lang].Summary); err != nil {
				return err
			}
		}
		return models.Audit(tx, &editor.ID, "course.create", "course:"+c.Slug, "")
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return CourseDetail{}, ErrSlugTaken
	}
	if err != nil {
		return CourseDetail{}, fmt.Errorf("courses: create %q: %w", c.Slug, err)
	}
	return s.Course(ctx, c.Slug, &editor, locale)
}

// UpdateCourse changes a course's fields and, with Published, its state.
func (s *Service) UpdateCourse(ctx context.Context, editor models.User, slug string, in CourseInput) (CourseDetail, error) {
	if errs := in.validate(false); len(errs) > 0 {
		return CourseDetail{}, web.Invalid(errs...)
	}
	var c models.Course
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = s.Editable(ctx, tx, editor, slug); err != nil {
			return err
		}
		updates := map[string]any{"updated_at": s.now()}
		var changed []string
		set := func(col string, v any) { updates[col] = v; changed = append(changed, col) }
		if in.Slug != nil && *in.Slug != c.Slug {
			set("slug", *in.Slug)
		}
		if in.Hours != nil {
			set("hours", *in.Hours)
		}
		if in.Audiences != nil {
			set("audiences", strings.Join(*in.Audiences, ","))
		}
		if in.Prerequisites != nil {
			if err := checkPrerequisitesExist(tx, c.Slug, *in.Prerequisites); err != nil {
				return err
			}
			set("prerequisites", strings.Join(*in.Prerequisites, ","))
		}
		if in.Locale != nil {
			set("locale", *in.Locale)
		}
		if in.ValidityDays != nil {
			set("validity_days", *in.ValidityDays)
		}
		if in.Published != nil && *in.Published != c.Published {
			set("published", *in.Published)
		}
		if err := tx.Model(&models.Course{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
			return err
		}
		if in.Title != nil || in.Summary != nil {
			lang := c.Locale
			if in.Lang != nil {
				lang = *in.Lang
			}
			if err := upsertCourseText(tx, c.ID, lang, in.Title, in.Summary); err != nil {
				return err
			}
			changed = append(changed, "text:"+lang)
		}
		for _, lang := range sortedKeys(in.Texts) {
			if err := upsertCourseText(tx, c.ID, lang, in.Texts[lang].Title, in.Texts[lang].Summary); err != nil {
				return err
			}
			changed = append(changed, "text:"+lang)
		}
		action := "course.update"
		if in.Published != nil && *in.Published != c.Published {
			action = map[bool]string{true: "course.publish", false: "course.unpublish"}[*in.Published]
		}
		return models.Audit(tx, &editor.ID, action, "course:"+c.Slug, strings.Join(changed, ","))
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return CourseDetail{}, ErrSlugTaken
	}
	if err != nil {
		return CourseDetail{}, err
	}
	if in.Slug != nil {
		slug = *in.Slug
	}
	return s.Course(ctx, slug, &editor, c.Locale)
}

func upsertCourseText(tx *gorm.DB, courseID int64, lang string, title, summary *string) error {
	var t models.CourseText
	err := tx.Where("course_id = ? AND lang = ?", courseID, lang).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		if title == nil {
			return web.Invalid(web.Field("title", "err.required"))
		}
		t = models.CourseText{CourseID: courseID, Lang: lang, Title: *title}
		if summary != nil {
			t.Summary = *summary
		}
		return tx.Create(&t).Error
	}
	if err != nil {
		return err
	}
	if title != nil {
		t.Title = *title
	}
	if summary != nil {
		t.Summary = *summary
	}
	return tx.Save(&t).Error
}

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
	errs := ValidText("title", in.Title, true, 200)
	if in.Slug == nil || !slugRE.MatchString(*in.Slug) {
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
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.Editable(ctx, tx, editor, slug)
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
		if err := s.touch(tx, c.ID); err != nil {
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

// LessonInput is the body of POST /modules/{id}/lessons and PATCH /lessons/{id}.
type LessonInput struct {
	Title    *string `json:"title"`
	BodyMD   *string `json:"body_md"`
	Minutes  *int    `json:"minutes"`
	Position *int    `json:"position"`
	Lang     *string `json:"lang"`
}

func (in *LessonInput) validate(create bool) []web.FieldError {
	errs := ValidText("title", in.Title, create, 200)
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

// moduleCourse finds the course of a module, checking editor's rights.
func (s *Service) moduleCourse(ctx context.Context, tx *gorm.DB, editor models.User, moduleID int64) (models.Course, error) {
	var slug string
	res := tx.Table("modules m").Select("c.slug").Joins("JOIN courses c ON c.id = m.course_id").Where("m.id = ?", moduleID).Scan(&slug)
	if res.Error != nil {
		return models.Course{}, res.Error
	}
	if res.RowsAffected == 0 {
		return models.Course{}, ErrNotFound
	}
	return s.Editable(ctx, tx, editor, slug)
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
	err = s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.moduleCourse(ctx, tx, editor, moduleID)
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
		if err := s.touch(tx, c.ID); err != nil {
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
		if err := s.touch(tx, c.ID); err != nil {
			return err
		}
		out = LessonJSON{ID: id(l.ID), ModuleID: id(l.ModuleID), Title: t.Title, BodyMD: t.BodyMD, HTML: t.HTML, Minutes: l.Minutes, Position: l.Position, Lang: lang}
		return models.Audit(tx, &editor.ID, "lesson.update", "course:"+c.Slug, "lesson:"+id(l.ID))
	})
	return out, err
}

// CheckEditModule returns the course of a module if user may change it:
// ErrNotFound when the module does not exist or its draft course is not
// theirs to see, ErrForbidden when they may see but not change it.
func (s *Service) CheckEditModule(ctx context.Context, user models.User, moduleID int64) (models.Course, error) {
	return s.moduleCourse(ctx, s.DB.R.WithContext(ctx), user, moduleID)
}

// ModuleAccess tells what a user may do with a module's course: see it
// (published, or theirs), and whether they are enrolled.
func (s *Service) ModuleAccess(ctx context.Context, user models.User, moduleID int64) (course models.Course, visible, enrolled bool, err error) {
	// One query (this runs at every quiz start of an exam spike).
	var row struct {
		models.Course `gorm:"embedded"`
		Enrolled      bool
	}
	res := s.DB.R.WithContext(ctx).Raw(`SELECT c.*, EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = ? AND e.course_id = c.id) AS enrolled
		FROM modules m JOIN courses c ON c.id = m.course_id WHERE m.id = ?`, user.ID, moduleID).Scan(&row)
	c := row.Course
	if res.Error != nil {
		return c, false, false, res.Error
	}
	if res.RowsAffected == 0 {
		return c, false, false, ErrNotFound
	}
	if !canSee(&user, c) {
		return c, false, false, nil
	}
	return c, true, row.Enrolled, nil
}

// touch marks a course changed. Its updated_at is the version readers'
// caches are keyed by, so every change to its content must call it.
func (s *Service) touch(tx *gorm.DB, courseID int64) error {
	return tx.Model(&models.Course{}).Where("id = ?", courseID).Update("updated_at", s.now()).Error
}
