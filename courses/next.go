package courses

import (
	"context"
	"fmt"
	"slices"
	"time"

	"tadrib/models"
)

// Kinds of Step: what a trainee should do next in a course they follow.
const (
	StepStart        = "start"        // no lesson read yet: the first lesson
	StepResume       = "resume"       // the first lesson not read
	StepQuiz         = "quiz"         // every lesson of a module read, its quiz not passed
	StepPrerequisite = "prerequisite" // the course is done, but its certificate needs another course first
	StepClaim        = "claim"        // the course is done and its certificate can be claimed
	StepNextCourse   = "next_course"  // certificate held: the next course of the path
	StepCertificate  = "certificate"  // certificate held, nothing after it: view it
)

// Step is the one thing a trainee should do next in a course: the pages
// show it as the course's primary action (dashboard, course page, quiz
// result), so that no page is a dead end.
type Step struct {
	Kind  string
	URL   string // the page to go to; a claim is a form posted to /certificates/claim
	Title string // what the step names: a lesson, a quiz, a course
	Slug  string // the course a claim is for
	Code  string // the certificate held (certificate, next_course)
}

// IsClaim reports whether the step is a form to post, not a link.
func (s Step) IsClaim() bool { return s.Kind == StepClaim }

// NextStep returns the next step of user in course slug (a zero Step when
// they do not follow it or it cannot be seen).
func (s *Service) NextStep(ctx context.Context, user models.User, slug, lang string) (Step, error) {
	t, err := s.LoadTree(ctx, slug)
	if err != nil {
		return Step{}, err
	}
	if !canSee(&user, t.Course) {
		return Step{}, ErrNotFound
	}
	p, done, quizzes, err := s.CourseProgress(ctx, t, user.ID, lang)
	if err != nil {
		return Step{}, err
	}
	codes := map[int64]string{}
	if s.certs != nil {
		if codes, err = s.certs.CodesByCourse(ctx, user.ID); err != nil {
			return Step{}, err
		}
	}
	return s.nextStep(ctx, t, user, lang, p, done, quizzes, codes)
}

// nextStep walks the course in reading order: the first lesson not read,
// or the quiz of a module whose lessons are all read; once everything is
// done, the certificate (claim it, or first finish a prerequisite), then the
// next course that requires this one.
func (s *Service) nextStep(ctx context.Context, t Tree, user models.User, lang string, p Progress,
	done map[int64]time.Time, quizzes map[int64]QuizStatus, codes map[int64]string) (Step, error) {
	for _, m := range t.Modules {
		for _, l := range m.Lessons {
			if _, ok := done[l.ID]; !ok {
				kind := StepResume
				if p.LessonsDone == 0 && p.QuizzesPassed == 0 {
					kind = StepStart
				}
				return Step{Kind: kind, URL: "/lessons/" + id(l.ID), Title: LessonTitle(l, lang, t.Locale)}, nil
			}
		}
		if q, ok := quizzes[m.ID]; ok && !q.Passed {
			return Step{Kind: StepQuiz, URL: "/quizzes/" + id(q.QuizID), Title: q.Title}, nil
		}
	}
	if p.CompletedAt == nil {
		return Step{}, nil // a course with nothing in it
	}
	code, held := codes[t.ID]
	if !held {
		pre, err := s.prerequisites(ctx, t.Course, &user, lang)
		if err != nil {
			return Step{}, err
		}
		for _, it := range pre {
			if !it.Completed {
				return Step{Kind: StepPrerequisite, URL: "/courses/" + it.Slug, Title: it.Title}, nil
			}
		}
		return Step{Kind: StepClaim, URL: "/certificates/claim", Slug: t.Slug}, nil
	}
	next, err := s.nextInPath(ctx, t.Slug, user, lang)
	if err != nil {
		return Step{}, err
	}
	if next.Slug != "" {
		return Step{Kind: StepNextCourse, URL: "/courses/" + next.Slug, Title: next.Title, Code: code}, nil
	}
	return Step{Kind: StepCertificate, URL: "/certificates#c-" + code, Code: code}, nil
}

// nextInPath is the first published course (in catalogue order) that
// requires course slug and that user has not completed; empty when none.
func (s *Service) nextInPath(ctx context.Context, slug string, user models.User, lang string) (CourseRef, error) {
	var rows []models.Course
	err := s.db.R.WithContext(ctx).Select("id", "slug", "prerequisites").Where("published = ? AND prerequisites <> ''", true).
		Order("id").Find(&rows).Error
	if err != nil {
		return CourseRef{}, fmt.Errorf("courses: courses after %q: %w", slug, err)
	}
	var slugs []string
	for _, c := range rows {
		if slices.Contains(c.PrerequisiteList(), slug) {
			slugs = append(slugs, c.Slug)
		}
	}
	for _, sl := range slugs {
		t, err := s.LoadTree(ctx, sl)
		if err != nil {
			return CourseRef{}, err
		}
		p, _, _, err := s.CourseProgress(ctx, t, user.ID, lang)
		if err != nil {
			return CourseRef{}, err
		}
		if p.CompletedAt == nil {
			title, _ := t.Title(lang)
			return CourseRef{Slug: sl, Title: title}, nil
		}
	}
	return CourseRef{}, nil
}
