package authoring

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

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
	q := s.db.R.WithContext(ctx).Preload("Texts").Preload("Modules").Preload("Modules.Lessons", func(db *gorm.DB) *gorm.DB { return db.Select("id", "module_id") }).
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
		t, _ := courses.PickText(courses.CourseTexts(c.Texts), lang, c.Locale)
		a := AuthoredCourse{Slug: c.Slug, Title: t.Title, Published: c.Published, Modules: len(c.Modules), UpdatedAt: c.UpdatedAt.Format("2006-01-02")}
		for _, m := range c.Modules {
			a.Lessons += len(m.Lessons)
		}
		out = append(out, a)
	}
	return out, nil
}
