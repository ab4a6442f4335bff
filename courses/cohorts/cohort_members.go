package cohorts

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/web"
	"tadrib/models"
)

// Member is one person of a cohort, with their progress in each of its
// courses (in the order of Cohort.Courses; nil when not computed).
type Member struct {
	UserID       string    `json:"user_id"`
	Name         string    `json:"name"`
	NameAr       string    `json:"name_ar"`
	Email        string    `json:"email"`
	Profession   string    `json:"profession"`
	Organization string    `json:"organization"`
	Via          string    `json:"via"`
	JoinedAt     time.Time `json:"joined_at"`
	Percents     []int     `json:"percents,omitempty"`
}

// maxProgressMembers bounds the per-member progress computed for the cohort
// page (one progress query per member and course).
const maxProgressMembers = 300

// CohortMembers lists a cohort's members by name, with progress per course.
func (s *Service) CohortMembers(ctx context.Context, editor models.User, cohortID int64, lang string) ([]Member, error) {
	co, err := s.Cohort(ctx, editor, cohortID, lang)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		models.User
		Via      string
		JoinedAt time.Time
	}
	err = s.db.R.WithContext(ctx).Table("cohort_members m").
		Select("u.id, u.name, u.name_ar, u.email, u.profession, u.organization, m.via, m.joined_at").
		Joins("JOIN users u ON u.id = m.user_id").Where("m.cohort_id = ?", cohortID).
		Order("u.name, u.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("courses: members of cohort %d: %w", cohortID, err)
	}
	var trees []courses.Tree
	if len(rows) <= maxProgressMembers {
		for _, ref := range co.Courses {
			t, err := s.courses.LoadTree(ctx, ref.Slug)
			if err != nil {
				return nil, err
			}
			trees = append(trees, t)
		}
	}
	out := make([]Member, 0, len(rows))
	for _, r := range rows {
		m := Member{UserID: id(r.ID), Name: r.Name, NameAr: r.NameAr, Email: r.Email, Profession: r.Profession,
			Organization: r.Organization, Via: r.Via, JoinedAt: r.JoinedAt}
		for _, t := range trees {
			p, _, _, err := s.courses.CourseProgress(ctx, t, r.ID, lang)
			if err != nil {
				return nil, err
			}
			m.Percents = append(m.Percents, p.Percent)
		}
		out = append(out, m)
	}
	return out, nil
}

// userParam reads the :user path parameter; anything else is not found.
func userParam(c *fiber.Ctx) (int64, error) {
	n, err := strconv.ParseInt(c.Params("user"), 10, 64)
	if err != nil || n <= 0 {
		return 0, web.ErrNotFound
	}
	return n, nil
}
