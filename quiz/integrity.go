package quiz

import (
	"context"
	"fmt"
	"math"

	"tadrib/models"
)

// Integrity is what CheckIntegrity counts: ManyInProgress, DuplicateNumbers,
// LateAnswers and Regraded must be zero
// whatever failed while trainees worked (a node killed, the database
// restarted), and Examples names the first differences.
type Integrity struct {
	Finished, InProgress                                    int
	ManyInProgress, DuplicateNumbers, LateAnswers, Regraded int
	Examples                                                []string
}

// CheckIntegrity reads every attempt and counts what must never happen: a
// trainee with two attempts in progress at one quiz, two attempts with one
// number, an answer stored after its attempt's deadline and grace, a grade
// that differs from a re-grade of the stored answers (Regrade). The chaos
// exam (tadrib-load check) runs it after the load.
func (s *Service) CheckIntegrity(ctx context.Context) (Integrity, error) {
	var c Integrity
	d := s.db
	var rows []models.Attempt
	if err := d.R.WithContext(ctx).Select("id, user_id, quiz_id, attempt_no, status, deadline, score, percent, passed, pending_manual").
		Find(&rows).Error; err != nil {
		return c, err
	}
	open := map[[2]int64]int{}
	numbers := map[[3]int64]int{}
	deadlines := map[int64]models.Attempt{}
	for _, a := range rows {
		numbers[[3]int64{a.UserID, a.QuizID, int64(a.AttemptNo)}]++
		if a.Status == models.AttemptInProgress {
			c.InProgress++
			open[[2]int64{a.UserID, a.QuizID}]++
			continue
		}
		c.Finished++
		if a.Deadline != nil {
			deadlines[a.ID] = a
		}
		g, err := s.Regrade(ctx, a.ID)
		if err != nil {
			return c, err
		}
		if a.PendingManual || g.PendingManual {
			continue // essays wait for a trainer: no final grade to compare
		}
		if a.Score == nil || math.Abs(*a.Score-g.Score) > 1e-9 || a.Passed == nil || *a.Passed != g.Passed {
			c.Regraded++
			if len(c.Examples) < 5 {
				c.Examples = append(c.Examples, fmt.Sprintf("attempt %d: graded %v (passed %v), re-graded %v (passed %v)", a.ID, orNil(a.Score), orNil(a.Passed), g.Score, g.Passed))
			}
		}
	}
	for _, n := range open {
		if n > 1 {
			c.ManyInProgress++
		}
	}
	for _, n := range numbers {
		if n > 1 {
			c.DuplicateNumbers++
		}
	}
	var answers []models.AttemptAnswer
	if err := d.R.WithContext(ctx).Select("attempt_id, question_id, saved_at").Find(&answers).Error; err != nil {
		return c, err
	}
	for _, an := range answers {
		if a, ok := deadlines[an.AttemptID]; ok && an.SavedAt.After(a.Deadline.Add(Grace)) {
			c.LateAnswers++
		}
	}
	return c, nil
}

func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
