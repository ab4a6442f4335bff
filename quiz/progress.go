package quiz

import (
	"context"
	"fmt"
	"time"

	"tadrib/courses"
	"tadrib/internal/db"
)

// Progress answers courses' progress (courses.QuizProgress). It needs the
// database only, so that it can be built before the courses service, which
// the quiz service needs.
type Progress struct{ db *db.DB }

// NewProgress returns the quizzes' side of course progress on d.
func NewProgress(d *db.DB) *Progress { return &Progress{db: d} }

// CourseQuizzes tells courses' progress, per module, whether the user passed
// its quiz (courses.QuizProgress). A quiz without questions cannot be passed
// and is not counted.
func (p *Progress) CourseQuizzes(ctx context.Context, userID, courseID int64, lang string) (map[int64]courses.QuizStatus, error) {
	var rows []struct {
		ID       int64
		ModuleID int64
		Title    string
		Titles   string
		PassMark int
		Review   string
		Best     *float64
		Passed   int
	}
	err := p.db.R.WithContext(ctx).Raw(`SELECT q.id, q.module_id, q.title, q.titles, q.pass_mark, q.review,
			MAX(a.percent) AS best,
			MAX(CASE WHEN a.passed THEN 1 ELSE 0 END) AS passed
		FROM quizzes q JOIN modules m ON m.id = q.module_id
		LEFT JOIN attempts a ON a.quiz_id = q.id AND a.user_id = ? AND a.status <> 'in_progress'
		WHERE m.course_id = ? AND EXISTS (SELECT 1 FROM questions x WHERE x.quiz_id = q.id)
		GROUP BY q.id, q.module_id, q.title, q.titles, q.pass_mark, q.review`, userID, courseID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("quiz: progress of user %d in course %d: %w", userID, courseID, err)
	}
	// When each quiz was first passed: a column of its own, not an aggregate,
	// so that both drivers hand back a time.
	var passes []struct {
		QuizID     int64
		FinishedAt time.Time
	}
	err = p.db.R.WithContext(ctx).Table("attempts").Select("quiz_id, finished_at").
		Where("user_id = ? AND passed = ? AND finished_at IS NOT NULL", userID, true).Order("finished_at").Scan(&passes).Error
	if err != nil {
		return nil, fmt.Errorf("quiz: passes of user %d: %w", userID, err)
	}
	first := map[int64]time.Time{}
	for _, p := range passes {
		if _, ok := first[p.QuizID]; !ok {
			first[p.QuizID] = p.FinishedAt
		}
	}
	out := make(map[int64]courses.QuizStatus, len(rows))
	for _, r := range rows {
		st := courses.QuizStatus{ModuleID: r.ModuleID, QuizID: r.ID, Title: QuizJSON{Title: r.Title, Titles: parseTitles(r.Titles)}.TitleIn(lang), PassMark: r.PassMark, Passed: r.Passed == 1, BestPercent: r.Best}
		if r.Review == ReviewNever {
			st.BestPercent = nil // whether they passed, nothing else (Overview)
		}
		if t, ok := first[r.ID]; ok {
			st.PassedAt = &t
		}
		out[r.ModuleID] = st
	}
	return out, nil
}
