package courses

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tadrib/models"
)

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

// ModuleCourse finds the course of a module, checking editor's rights.
func (s *Service) ModuleCourse(ctx context.Context, tx *gorm.DB, editor models.User, moduleID int64) (models.Course, error) {
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

// CheckEditModule returns the course of a module if user may change it:
// ErrNotFound when the module does not exist or its draft course is not
// theirs to see, ErrForbidden when they may see but not change it.
func (s *Service) CheckEditModule(ctx context.Context, user models.User, moduleID int64) (models.Course, error) {
	return s.ModuleCourse(ctx, s.db.R.WithContext(ctx), user, moduleID)
}

// ModuleAccess tells what a user may do with a module's course: see it
// (published, or theirs), and whether they are enrolled.
func (s *Service) ModuleAccess(ctx context.Context, user models.User, moduleID int64) (course models.Course, visible, enrolled bool, err error) {
	// One query (this runs at every quiz start of an exam spike).
	var row struct {
		models.Course `gorm:"embedded"`
		Enrolled      bool
	}
	res := s.db.R.WithContext(ctx).Raw(`SELECT c.*, EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = ? AND e.course_id = c.id) AS enrolled
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

// Touch marks a course changed. Its updated_at is the version readers'
// caches are keyed by, so every change to its content must call it.
func (s *Service) Touch(tx *gorm.DB, courseID int64) error {
	return tx.Model(&models.Course{}).Where("id = ?", courseID).Update("updated_at", s.now()).Error
}
