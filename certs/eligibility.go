package certs

import (
	"context"
	"errors"

	"tadrib/courses"
	"tadrib/models"
)

// Missing is one thing left before a course is complete.
type Missing struct {
	Kind   string `json:"kind"` // lesson, quiz or enrolment
	ID     string `json:"id,omitempty"`
	Title  string `json:"title"`
	Module string `json:"module,omitempty"`
	URL    string `json:"url,omitempty"` // the page where to do it
}

// Eligibility lists what user still has to do in course slug: every lesson
// read and every module quiz passed (an essay counts once graded, since only
// then is its attempt passed). An empty list means complete.
func (s *Service) Eligibility(ctx context.Context, user models.User, slug, lang string) (courses.CourseDetail, []Missing, error) {
	d, err := s.Courses.Course(ctx, slug, &user, lang)
	if errors.Is(err, courses.ErrNotFound) {
		return d, nil, ErrNotFound
	}
	if err != nil {
		return d, nil, err
	}
	missing := []Missing{}
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
	return d, missing, nil
}
