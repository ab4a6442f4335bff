package courses

import (
	"context"
	"fmt"
	"time"

	"tadrib/models"
)

// CourseRef names a course in lists.
type CourseRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// ProgressItem is one enrolled course in a user's progress.
type ProgressItem struct {
	Course          CourseRef  `json:"course"`
	Percent         int        `json:"percent"`
	LessonsDone     int        `json:"lessons_done"`
	LessonsTotal    int        `json:"lessons_total"`
	QuizzesPassed   int        `json:"quizzes_passed"`
	QuizzesTotal    int        `json:"quizzes_total"`
	CompletedAt     *time.Time `json:"completed_at"`
	LastActivity    *time.Time `json:"last_activity"`
	EnrolledAt      time.Time  `json:"enrolled_at"`
	ResumeLessonID  *string    `json:"resume_lesson_id"`
	CertificateCode *string    `json:"certificate_code"`

	next Step // filled for the dashboard only (MyProgressSteps)
}

// Next is the course's next step for the trainee (MyProgressSteps).
func (it ProgressItem) Next() Step { return it.next }

// MyProgress lists the courses user is enrolled in, with progress and the
// lesson to resume, most recently enrolled first.
func (s *Service) MyProgress(ctx context.Context, user models.User, lang string) ([]ProgressItem, error) {
	return s.myProgress(ctx, user, lang, false)
}

// MyProgressSteps is MyProgress with each course's next step (Next), for
// the dashboard's one primary action per course.
func (s *Service) MyProgressSteps(ctx context.Context, user models.User, lang string) ([]ProgressItem, error) {
	return s.myProgress(ctx, user, lang, true)
}

func (s *Service) myProgress(ctx context.Context, user models.User, lang string, steps bool) ([]ProgressItem, error) {
	var rows []struct {
		Slug      string
		CreatedAt time.Time
	}
	err := s.db.R.WithContext(ctx).Table("enrolments e").Select("c.slug, e.created_at").
		Joins("JOIN courses c ON c.id = e.course_id").
		Where("e.user_id = ?", user.ID).Order("e.created_at DESC, c.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("courses: progress of user %d: %w", user.ID, err)
	}
	items := make([]ProgressItem, 0, len(rows))
	codes := map[int64]string{}
	if s.certs != nil {
		if codes, err = s.certs.CodesByCourse(ctx, user.ID); err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		t, err := s.LoadTree(ctx, r.Slug)
		if err != nil {
			return nil, err
		}
		if !canSee(&user, t.Course) {
			continue // a course taken back to draft leaves the dashboard
		}
		p, done, quizzes, err := s.CourseProgress(ctx, t, user.ID, lang)
		if err != nil {
			return nil, err
		}
		title, _ := t.Title(lang)
		it := ProgressItem{Course: CourseRef{Slug: t.Slug, Title: title}, Percent: p.Percent,
			LessonsDone: p.LessonsDone, LessonsTotal: p.LessonsTotal, QuizzesPassed: p.QuizzesPassed,
			QuizzesTotal: p.QuizzesTotal, CompletedAt: p.CompletedAt, LastActivity: p.LastActivity, EnrolledAt: r.CreatedAt}
		if p.ResumeLessonID != 0 {
			rid := id(p.ResumeLessonID)
			it.ResumeLessonID = &rid
		}
		if code, ok := codes[t.ID]; ok {
			it.CertificateCode = &code
		}
		if steps {
			if it.next, err = s.nextStep(ctx, t, user, lang, p, done, quizzes, codes); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
	}
	return items, nil
}
