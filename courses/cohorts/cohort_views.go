package cohorts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

// Cohort returns one cohort viewer manages.
func (s *Service) Cohort(ctx context.Context, viewer models.User, id int64, lang string) (Cohort, error) {
	co, err := ownCohort(ctx, s.db.R, viewer, id)
	if err != nil {
		return Cohort{}, err
	}
	list, err := s.cohortViews(ctx, []models.Cohort{co}, lang)
	if err != nil {
		return Cohort{}, err
	}
	return list[0], nil
}

// Cohorts lists the cohorts viewer manages (an admin: all), latest first.
func (s *Service) Cohorts(ctx context.Context, viewer models.User, lang string) ([]Cohort, error) {
	q := s.db.R.WithContext(ctx).Order("starts_on DESC, id DESC")
	if viewer.Role != models.RoleAdmin {
		q = q.Where("created_by = ?", viewer.ID)
	}
	var cos []models.Cohort
	if err := q.Find(&cos).Error; err != nil {
		return nil, fmt.Errorf("courses: cohorts: %w", err)
	}
	return s.cohortViews(ctx, cos, lang)
}

// cohortViews adds courses and member counts to cohorts, in three queries.
func (s *Service) cohortViews(ctx context.Context, cos []models.Cohort, lang string) ([]Cohort, error) {
	out := make([]Cohort, 0, len(cos))
	if len(cos) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cos))
	for i, co := range cos {
		ids[i] = co.ID
	}
	var links []models.CohortCourse
	if err := s.db.R.WithContext(ctx).Where("cohort_id IN ?", ids).Find(&links).Error; err != nil {
		return nil, fmt.Errorf("courses: cohort courses: %w", err)
	}
	courseIDs := make([]int64, 0, len(links))
	for _, l := range links {
		courseIDs = append(courseIDs, l.CourseID)
	}
	var linked []models.Course
	if len(courseIDs) > 0 {
		if err := s.db.R.WithContext(ctx).Preload("Texts").Where("id IN ?", courseIDs).Order("id").Find(&linked).Error; err != nil {
			return nil, fmt.Errorf("courses: cohort courses: %w", err)
		}
	}
	refs := map[int64]courses.CourseRef{}
	for _, c := range linked {
		t, _ := courses.PickText(courses.CourseTexts(c.Texts), lang, c.Locale)
		refs[c.ID] = courses.CourseRef{Slug: c.Slug, Title: t.Title}
	}
	var counts []struct {
		CohortID int64
		N        int
	}
	if err := s.db.R.WithContext(ctx).Model(&models.CohortMember{}).Select("cohort_id, COUNT(*) AS n").
		Where("cohort_id IN ?", ids).Group("cohort_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("courses: cohort members: %w", err)
	}
	n := map[int64]int{}
	for _, c := range counts {
		n[c.CohortID] = c.N
	}
	for _, co := range cos {
		v := Cohort{ID: id(co.ID), Name: co.Name, StartsOn: co.StartsOn, EndsOn: co.EndsOn, Place: co.Place,
			Courses: []courses.CourseRef{}, MemberCount: n[co.ID], CreatedAt: co.CreatedAt, token: co.InviteToken}
		for _, l := range links {
			if l.CohortID == co.ID {
				v.Courses = append(v.Courses, refs[l.CourseID])
				v.courseID = append(v.courseID, l.CourseID)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// CohortByToken finds the cohort an invitation token opens.
func (s *Service) CohortByToken(ctx context.Context, token, lang string) (Cohort, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if token == "" || len(token) > 64 {
		return Cohort{}, courses.ErrNotFound
	}
	var co models.Cohort
	err := s.db.R.WithContext(ctx).Take(&co, "invite_token = ?", token).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Cohort{}, courses.ErrNotFound
	}
	if err != nil {
		return Cohort{}, fmt.Errorf("courses: cohort by token: %w", err)
	}
	list, err := s.cohortViews(ctx, []models.Cohort{co}, lang)
	if err != nil {
		return Cohort{}, err
	}
	return list[0], nil
}

// IsMember reports whether user belongs to the cohort.
func (s *Service) IsMember(ctx context.Context, userID, cohortID int64) (bool, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Model(&models.CohortMember{}).
		Where("cohort_id = ? AND user_id = ?", cohortID, userID).Count(&n).Error
	return n > 0, err
}
