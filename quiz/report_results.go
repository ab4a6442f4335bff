package quiz

import (
	"context"
	"fmt"
	"time"

	"tadrib/courses"
)

// CourseResults gives progress reports, for each trainee and module of a
// course, their results at the module's quiz, and the modules whose quiz
// counts for progress: those with questions, as CourseQuizzes counts them
// (reports.QuizResults). Best and passed count finished attempts only, like
// CourseQuizzes; any attempt shows activity. The attempts are read as rows,
// not aggregated in SQL, so that both drivers hand back times.
func (s *Service) CourseResults(ctx context.Context, courseID int64) ([]courses.QuizResult, map[int64]bool, error) {
	var rows []struct {
		UserID     int64
		ModuleID   int64
		Status     string
		Percent    *float64
		Passed     *bool
		StartedAt  time.Time
		FinishedAt *time.Time
	}
	err := s.db.R.WithContext(ctx).Raw(`SELECT a.user_id, q.module_id, a.status, a.percent, a.passed, a.started_at, a.finished_at
		FROM attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN modules m ON m.id = q.module_id
		WHERE m.course_id = ? ORDER BY a.id`, courseID).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("quiz: results in course %d: %w", courseID, err)
	}
	type key struct{ user, module int64 }
	byKey := map[key]*courses.QuizResult{}
	var order []key
	for _, r := range rows {
		k := key{r.UserID, r.ModuleID}
		res := byKey[k]
		if res == nil {
			res = &courses.QuizResult{UserID: r.UserID, ModuleID: r.ModuleID}
			byKey[k] = res
			order = append(order, k)
		}
		passed := r.Passed != nil && *r.Passed
		if r.Status != "in_progress" {
			res.Finished++
			if r.Percent != nil && (res.BestPercent == nil || *r.Percent > *res.BestPercent) {
				best := *r.Percent
				res.BestPercent = &best
			}
			res.Passed = res.Passed || passed
		}
		if passed && r.FinishedAt != nil && (res.FirstPass.IsZero() || r.FinishedAt.Before(res.FirstPass)) {
			res.FirstPass = r.FinishedAt.UTC()
		}
		res.LastActivity = later(res.LastActivity, r.StartedAt.UTC())
		if r.FinishedAt != nil {
			res.LastActivity = later(res.LastActivity, r.FinishedAt.UTC())
		}
	}
	out := make([]courses.QuizResult, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	var counted []int64
	err = s.db.R.WithContext(ctx).Raw(`SELECT q.module_id FROM quizzes q JOIN modules m ON m.id = q.module_id
		WHERE m.course_id = ? AND EXISTS (SELECT 1 FROM questions x WHERE x.quiz_id = q.id)`, courseID).Scan(&counted).Error
	if err != nil {
		return nil, nil, fmt.Errorf("quiz: quizzes of course %d: %w", courseID, err)
	}
	quizzes := make(map[int64]bool, len(counted))
	for _, mid := range counted {
		quizzes[mid] = true
	}
	return out, quizzes, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
