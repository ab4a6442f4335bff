package authoring

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tadrib/courses"
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

func (in *CourseInput) validate(create bool) []web.FieldError {
	var errs []web.FieldError
	if create || in.Slug != nil {
		if in.Slug == nil || !courses.ValidSlug(*in.Slug) {
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
	errs = append(errs, courses.ValidText("title", in.Title, needTitle, 200)...)
	errs = append(errs, courses.ValidText("summary", in.Summary, false, 2000)...)
	for _, lang := range courses.SortedKeys(in.Texts) {
		t := in.Texts[lang]
		if !models.Valid(lang, models.Locales) {
			errs = append(errs, web.Field("texts", "err.locale"))
			continue
		}
		errs = append(errs, courses.ValidText("texts."+lang+".title", t.Title, false, 200)...)
		errs = append(errs, courses.ValidText("texts."+lang+".summary", t.Summary, false, 2000)...)
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

// CreateCourse creates a draft course authored by editor.
func (s *Service) CreateCourse(ctx context.Context, editor models.User, in CourseInput) (courses.CourseDetail, error) {
	if errs := in.validate(true); len(errs) > 0 {
		return courses.CourseDetail{}, web.Invalid(errs...)
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
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.CourseText{CourseID: c.ID, Lang: locale, Title: *in.Title, Summary: summary}).Error; err != nil {
			return err
		}
		for _, lang := range courses.SortedKeys(in.Texts) {
			if err := upsertCourseText(tx, c.ID, lang, in.Texts[lang].Title, in.Texts[lang].Summary); err != nil {
				return err
			}
		}
		return models.Audit(tx, &editor.ID, "course.create", "course:"+c.Slug, "")
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return courses.CourseDetail{}, courses.ErrSlugTaken
	}
	if err != nil {
		return courses.CourseDetail{}, fmt.Errorf("courses: create %q: %w", c.Slug, err)
	}
	return s.courses.Course(ctx, c.Slug, &editor, locale)
}

// UpdateCourse changes a course's fields and, with Published, its state.
func (s *Service) UpdateCourse(ctx context.Context, editor models.User, slug string, in CourseInput) (courses.CourseDetail, error) {
	if errs := in.validate(false); len(errs) > 0 {
		return courses.CourseDetail{}, web.Invalid(errs...)
	}
	var c models.Course
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = s.courses.Editable(ctx, tx, editor, slug); err != nil {
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
			if err := courses.CheckPrerequisitesExist(tx, c.Slug, *in.Prerequisites); err != nil {
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
		for _, lang := range courses.SortedKeys(in.Texts) {
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
		return courses.CourseDetail{}, courses.ErrSlugTaken
	}
	if err != nil {
		return courses.CourseDetail{}, err
	}
	if in.Slug != nil {
		slug = *in.Slug
	}
	return s.courses.Course(ctx, slug, &editor, c.Locale)
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
