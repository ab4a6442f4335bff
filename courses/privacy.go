package courses

import (
	"context"
	"fmt"
	"time"
)

// Parts of a trainee's data export (right of access). cmd/tadrib hands them
// to the accounts service; each reads only rows of the one user.

// enrolmentExport is one course the user follows.
type enrolmentExport struct {
	CourseID   int64     `json:"course_id,string"`
	Slug       string    `json:"course_slug"`
	Title      string    `json:"course_title"`
	EnrolledAt time.Time `json:"enrolled_at"`
}

// courseTitle picks the course's title in its default language, or any.
const courseTitle = `COALESCE((SELECT t.title FROM course_texts t WHERE t.course_id = c.id AND t.lang = c.locale),
	(SELECT MIN(t.title) FROM course_texts t WHERE t.course_id = c.id), '')`

// ExportEnrolments is the "enrolments" part.
func (s *Service) ExportEnrolments(ctx context.Context, userID int64) (string, any, error) {
	rows := []enrolmentExport{}
	err := s.db.R.WithContext(ctx).Raw(`SELECT c.id AS course_id, c.slug, `+courseTitle+` AS title, e.created_at AS enrolled_at
		FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.user_id = ? ORDER BY e.created_at, c.id`, userID).
		Scan(&rows).Error
	if err != nil {
		return "enrolments", nil, fmt.Errorf("courses: export enrolments of %d: %w", userID, err)
	}
	return "enrolments", rows, nil
}

// completionExport is one finished lesson.
type completionExport struct {
	LessonID    int64     `json:"lesson_id,string"`
	LessonTitle string    `json:"lesson_title"`
	Slug        string    `json:"course_slug"`
	CompletedAt time.Time `json:"completed_at"`
}

// ExportCompletions is the "lesson_completions" part.
func (s *Service) ExportCompletions(ctx context.Context, userID int64) (string, any, error) {
	rows := []completionExport{}
	err := s.db.R.WithContext(ctx).Raw(`SELECT l.id AS lesson_id, c.slug,
		COALESCE((SELECT t.title FROM lesson_texts t WHERE t.lesson_id = l.id AND t.lang = c.locale),
			(SELECT MIN(t.title) FROM lesson_texts t WHERE t.lesson_id = l.id), '') AS lesson_title,
		lc.completed_at
		FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id JOIN modules m ON m.id = l.module_id
		JOIN courses c ON c.id = m.course_id
		WHERE lc.user_id = ? ORDER BY lc.completed_at, l.id`, userID).Scan(&rows).Error
	if err != nil {
		return "lesson_completions", nil, fmt.Errorf("courses: export completions of %d: %w", userID, err)
	}
	return "lesson_completions", rows, nil
}
