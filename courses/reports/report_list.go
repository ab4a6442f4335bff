package reports

import (
	"context"
	"fmt"

	"tadrib/courses"
	"tadrib/models"
)

// ReportCourse is a course in the list of reports, with its number of
// enrolled trainees (those the viewer may see, with the filters).
type ReportCourse struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Published bool   `json:"published"`
	Enrolled  int    `json:"enrolled"`
}

// CohortOption is a cohort a viewer may filter a report by.
type CohortOption struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ReportCourses lists the courses viewer may report on: every course for an
// admin; for a trainer, those they may edit and those their cohorts follow.
// With a cohort filter, only the courses that cohort follows.
func (s *Service) ReportCourses(ctx context.Context, viewer models.User, f ReportFilter, lang string) ([]ReportCourse, error) {
	if !courses.IsStaff(&viewer) {
		return nil, courses.ErrForbidden
	}
	mine := "c.created_by = ? OR EXISTS (SELECT 1 FROM cohort_courses mc JOIN cohorts mco ON mco.id = mc.cohort_id WHERE mc.course_id = c.id AND mco.created_by = ?)"
	q := s.db.R.WithContext(ctx).Model(&models.Course{}).Table("courses c").Preload("Texts")
	if viewer.Role != models.RoleAdmin {
		q = q.Where(mine, viewer.ID, viewer.ID)
	}
	if f.CohortID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM cohort_courses fc WHERE fc.course_id = c.id AND fc.cohort_id = ?)", f.CohortID)
	}
	var cs []models.Course
	if err := q.Order("c.id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("courses: report list: %w", err)
	}
	// Enrolled counts in one query: every enrolee where the viewer edits the
	// course, only their cohorts' members where they follow it through a cohort.
	where := "1 = 1"
	var args []any
	if viewer.Role != models.RoleAdmin {
		where = `(c.created_by = ? OR EXISTS (SELECT 1 FROM cohort_members sm JOIN cohorts sco ON sco.id = sm.cohort_id
			JOIN cohort_courses scc ON scc.cohort_id = sco.id AND scc.course_id = e.course_id
			WHERE sm.user_id = e.user_id AND sco.created_by = ?))`
		args = append(args, viewer.ID, viewer.ID)
	}
	if f.Profession != "" {
		where += " AND u.profession = ?"
		args = append(args, f.Profession)
	}
	if f.CohortID != 0 {
		where += " AND EXISTS (SELECT 1 FROM cohort_members fm WHERE fm.cohort_id = ? AND fm.user_id = e.user_id)"
		args = append(args, f.CohortID)
	}
	var counts []struct {
		CourseID int64
		N        int
	}
	err := s.db.R.WithContext(ctx).Raw(`SELECT e.course_id, COUNT(*) AS n FROM enrolments e
		JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id
		WHERE `+where+` GROUP BY e.course_id`, args...).Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("courses: report counts: %w", err)
	}
	n := map[int64]int{}
	for _, c := range counts {
		n[c.CourseID] = c.N
	}
	out := make([]ReportCourse, 0, len(cs))
	for _, c := range cs {
		title, _ := courses.Tree{Course: c}.Title(lang)
		out = append(out, ReportCourse{Slug: c.Slug, Title: title, Published: c.Published, Enrolled: n[c.ID]})
	}
	return out, nil
}

// ReportCohorts lists the cohorts viewer may filter by, by name: all for an
// admin, their own for a trainer; with courseID, only those following it (and
// for a course they edit, every cohort following it).
func (s *Service) ReportCohorts(ctx context.Context, viewer models.User, courseID int64, editor bool) ([]CohortOption, error) {
	q := s.db.R.WithContext(ctx).Table("cohorts co").Select("co.id, co.name")
	if courseID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM cohort_courses cc WHERE cc.cohort_id = co.id AND cc.course_id = ?)", courseID)
	}
	if viewer.Role != models.RoleAdmin && !editor {
		q = q.Where("co.created_by = ?", viewer.ID)
	}
	var out []CohortOption
	if err := q.Order("co.name, co.id").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("courses: report cohorts: %w", err)
	}
	return out, nil
}
