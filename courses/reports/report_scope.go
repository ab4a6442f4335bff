package reports

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

// ReportFilter narrows a progress report. The zero value is every trainee.
type ReportFilter struct {
	CohortID   int64  // 0: every cohort
	Profession string // "": every profession
}

// reportScope is who a report may show, decided once per request.
type reportScope struct {
	all     bool  // every enrolee (admins, and trainers who may edit the course)
	trainer int64 // otherwise: only members of this trainer's cohorts that follow the course
}

// scopeFor says whether viewer may report on course c and on whom. Admins and
// the course's editors see every enrolee; a trainer who runs a cohort following
// the course sees that cohort's members only (SECURITY.md X4: a trainer does
// not read another trainer's cohort). Anyone else: not found.
func (s *Service) scopeFor(ctx context.Context, viewer models.User, c models.Course) (reportScope, error) {
	if !courses.IsStaff(&viewer) {
		return reportScope{}, courses.ErrForbidden
	}
	if courses.CanEdit(&viewer, c) {
		return reportScope{all: true}, nil
	}
	var n int64
	err := s.db.R.WithContext(ctx).Table("cohorts co").
		Joins("JOIN cohort_courses cc ON cc.cohort_id = co.id").
		Where("co.created_by = ? AND cc.course_id = ?", viewer.ID, c.ID).Count(&n).Error
	if err != nil {
		return reportScope{}, fmt.Errorf("courses: report scope: %w", err)
	}
	if n == 0 {
		return reportScope{}, courses.ErrNotFound
	}
	return reportScope{trainer: viewer.ID}, nil
}

// checkCohort makes sure the cohort filter names a cohort viewer may see:
// any for an admin; for a trainer, their own, or one following a course they
// edit. Others are not found, like a cohort that does not exist.
func (s *Service) checkCohort(ctx context.Context, viewer models.User, c models.Course, sc reportScope, cohortID int64) error {
	var co struct {
		ID        int64
		CreatedBy *int64
	}
	err := s.db.R.WithContext(ctx).Table("cohorts").Select("id, created_by").Where("id = ?", cohortID).Take(&co).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return courses.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("courses: cohort %d: %w", cohortID, err)
	}
	if viewer.Role == models.RoleAdmin || (co.CreatedBy != nil && *co.CreatedBy == viewer.ID) {
		return nil
	}
	if sc.all {
		var n int64
		if err := s.db.R.WithContext(ctx).Table("cohort_courses").Where("cohort_id = ? AND course_id = ?", cohortID, c.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("courses: cohort %d: %w", cohortID, err)
		}
		if n > 0 {
			return nil
		}
	}
	return courses.ErrNotFound
}

// population is the SQL condition, over enrolments e joined to users u, that
// picks the report's trainees, and its arguments. Every query of a report
// uses it, so all numbers count the same people.
func population(courseID int64, sc reportScope, f ReportFilter) (string, []any) {
	where := "e.course_id = ?"
	args := []any{courseID}
	if f.Profession != "" {
		where += " AND u.profession = ?"
		args = append(args, f.Profession)
	}
	if f.CohortID != 0 {
		where += " AND EXISTS (SELECT 1 FROM cohort_members fm WHERE fm.cohort_id = ? AND fm.user_id = e.user_id)"
		args = append(args, f.CohortID)
	}
	if !sc.all {
		where += ` AND EXISTS (SELECT 1 FROM cohort_members sm JOIN cohorts sco ON sco.id = sm.cohort_id
			JOIN cohort_courses scc ON scc.cohort_id = sco.id AND scc.course_id = e.course_id
			WHERE sm.user_id = e.user_id AND sco.created_by = ?)`
		args = append(args, sc.trainer)
	}
	return where, args
}
