package quiz

import (
	"context"
	"fmt"

	"tadrib/models"
)

// Regraded is the grade an attempt gets again from what is stored of it.
type Regraded struct {
	Score, MaxScore, Percent float64
	Passed, PendingManual    bool
}

// Regrade grades a finished attempt again from its frozen questions (the
// snapshot) and the answers stored for it, with the code Submit grades with,
// and writes nothing. The load command's chaos exam compares it with the grade
// on record: a difference means a grade was computed from answers that are
// not the stored ones (lost, or written after the grade).
func (s *Service) Regrade(ctx context.Context, attemptID int64) (Regraded, error) {
	var a models.Attempt
	if err := s.db.R.WithContext(ctx).Take(&a, "id = ?", attemptID).Error; err != nil {
		return Regraded{}, err
	}
	if a.Status == models.AttemptInProgress {
		return Regraded{}, fmt.Errorf("quiz: attempt %d is still in progress", attemptID)
	}
	var q models.Quiz
	if err := s.db.R.WithContext(ctx).Take(&q, "id = ?", a.QuizID).Error; err != nil {
		return Regraded{}, err
	}
	var rows []models.AttemptAnswer
	if err := s.db.R.WithContext(ctx).Where("attempt_id = ?", a.ID).Find(&rows).Error; err != nil {
		return Regraded{}, err
	}
	if a.Status == models.AttemptExpired && a.Deadline != nil {
		kept := rows[:0]
		for _, r := range rows {
			if !r.SavedAt.After(a.Deadline.Add(Grace)) {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	sn, err := s.parsedSnapshot(a)
	if err != nil {
		return Regraded{}, err
	}
	r := grade(*sn, rows, a.Status, q.PassMark)
	return Regraded{Score: r.Score, MaxScore: r.MaxScore, Percent: r.Percent, Passed: r.Passed, PendingManual: r.PendingManual}, nil
}
