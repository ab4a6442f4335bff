package certs

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"tadrib/courses"
	"tadrib/models"
)

// Missing is one thing left before a course is complete.
type Missing struct {
	Kind   string `json:"kind"` // lesson, quiz, enrolment, or course (a prerequisite to complete first)
	ID     string `json:"id,omitempty"`
	Title  string `json:"title"`
	Module string `json:"module,omitempty"`
	URL    string `json:"url,omitempty"` // the page where to do it
	// AwaitingGrading: a quiz whose essays wait for a trainer; nothing is
	// left for the trainee to do.
	AwaitingGrading bool `json:"awaiting_grading,omitempty"`
}

// Eligibility lists what user still has to do in course slug: every
// prerequisite course completed, every lesson read and every module quiz
// passed (an essay counts once graded, since only then is its attempt
// passed). An empty list means complete.
func (s *Service) Eligibility(ctx context.Context, user models.User, slug, lang string) (courses.CourseDetail, []Missing, error) {
	d, err := s.courses.Course(ctx, slug, &user, lang)
	if errors.Is(err, courses.ErrNotFound) {
		return d, nil, ErrNotFound
	}
	if err != nil {
		return d, nil, err
	}
	missing := []Missing{}
	for _, p := range d.Prerequisites {
		if !p.Completed {
			missing = append(missing, Missing{Kind: "course", Title: p.Title, URL: "/courses/" + p.Slug})
		}
	}
	if !d.Enrolled {
		missing = append(missing, Missing{Kind: "enrolment", Title: d.Title, URL: "/courses/" + d.Slug})
	}
	for _, m := range d.Modules {
		for _, l := range m.Lessons {
			if !l.Completed {
				missing = append(missing, Missing{Kind: "lesson", ID: l.ID, Title: l.Title, Module: m.Title, URL: "/lessons/" + l.ID})
			}
		}
		if m.Quiz != nil && !m.Quiz.Passed {
			missing = append(missing, Missing{Kind: "quiz", ID: m.Quiz.ID, Title: m.Quiz.Title, Module: m.Title, URL: "/quizzes/" + m.Quiz.ID})
		}
	}
	if err := s.awaitingGrading(ctx, user.ID, missing); err != nil {
		return d, nil, err
	}
	return d, missing, nil
}

// awaitingGrading marks the missing quizzes whose last attempt waits for a
// trainer to grade its essays.
func (s *Service) awaitingGrading(ctx context.Context, userID int64, missing []Missing) error {
	var ids []int64
	for _, m := range missing {
		if n, err := strconv.ParseInt(m.ID, 10, 64); err == nil && m.Kind == "quiz" {
			ids = append(ids, n)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var waiting []int64
	err := s.db.R.WithContext(ctx).Table("attempts").Distinct("quiz_id").
		Where("user_id = ? AND quiz_id IN ? AND pending_manual = ? AND status <> ?", userID, ids, true, models.AttemptInProgress).
		Pluck("quiz_id", &waiting).Error
	if err != nil {
		return fmt.Errorf("certs: attempts awaiting grading: %w", err)
	}
	for _, q := range waiting {
		for i := range missing {
			if missing[i].Kind == "quiz" && missing[i].ID == strconv.FormatInt(q, 10) {
				missing[i].AwaitingGrading = true
			}
		}
	}
	return nil
}
