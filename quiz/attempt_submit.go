package quiz

// Submitting an attempt: on submit, or when its time runs out (the sweep);
// its grading from the frozen snapshot, and the result its owner sees.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"gorm.io/gorm"

	"tadrib/models"
)

// result is a graded attempt, stored whole; responses show what the review
// setting allows of it.
type result struct {
	Status        string       `json:"status"`
	Score         float64      `json:"score"`
	MaxScore      float64      `json:"max_score"`
	Percent       float64      `json:"percent"`
	Passed        bool         `json:"passed"`
	PendingManual bool         `json:"pending_manual"`
	Review        []ReviewItem `json:"review"`
}

// ResultJSON is the answer of POST /attempts/{id}/submit.
type ResultJSON struct {
	Status        string       `json:"status"`
	Score         *float64     `json:"score"`
	MaxScore      *float64     `json:"max_score"`
	Percent       *float64     `json:"percent"`
	Passed        bool         `json:"passed"`
	PendingManual bool         `json:"pending_manual"`
	Review        []ReviewItem `json:"review"`
}

// show filters a result by the review setting.
func (r result) show(review string) ResultJSON {
	out := ResultJSON{Status: r.Status, Passed: r.Passed, PendingManual: r.PendingManual, Review: []ReviewItem{}}
	if review == ReviewNever {
		return out
	}
	out.Score, out.MaxScore, out.Percent = &r.Score, &r.MaxScore, &r.Percent
	for _, it := range r.Review {
		if review != ReviewAfterSubmit {
			it.Feedback, it.CorrectAnswer = "", nil
		}
		out.Review = append(out.Review, it)
	}
	return out
}

// Submit grades an attempt. Submitting again returns the stored result.
func (s *Service) Submit(ctx context.Context, user models.User, attemptID int64) (ResultJSON, error) {
	a, err := s.load(ctx, user, attemptID)
	if err != nil {
		return ResultJSON{}, err
	}
	if a.Status == models.AttemptInProgress {
		if err := s.finish(ctx, a.ID, models.AttemptSubmitted); err != nil {
			return ResultJSON{}, err
		}
		if a, err = s.load(ctx, user, attemptID); err != nil {
			return ResultJSON{}, err
		}
	}
	q, err := s.quiz(ctx, a.QuizID)
	if err != nil {
		return ResultJSON{}, err
	}
	var r result
	if err := json.Unmarshal([]byte(a.Result), &r); err != nil {
		return ResultJSON{}, fmt.Errorf("quiz: result of attempt %d: %w", a.ID, err)
	}
	return r.show(q.Review), nil
}

// finish grades an attempt in progress and closes it with status. Several
// callers at once (a double click, two nodes, the sweeper) grade it once:
// the row is locked, and an attempt already closed is left as it is.
func (s *Service) finish(ctx context.Context, attemptID int64, status string) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the row (PostgreSQL: FOR UPDATE semantics through the
		// update; SQLite: the IMMEDIATE transaction already serializes).
		if err := tx.Exec("UPDATE attempts SET status = status WHERE id = ?", attemptID).Error; err != nil {
			return err
		}
		var a models.Attempt
		if err := tx.Select(headCols).Take(&a, "id = ?", attemptID).Error; err != nil {
			return err
		}
		if a.Status != models.AttemptInProgress {
			return nil
		}
		if _, ok := s.snapshots.cached(a.ID); !ok {
			// Through tx: on PostgreSQL a second connection taken from a
			// full pool while this one is held would wait forever.
			if err := tx.Model(&models.Attempt{}).Where("id = ?", a.ID).Pluck("snapshot", &a.Snapshot).Error; err != nil {
				return err
			}
		}
		if status == models.AttemptSubmitted && s.overdue(a) {
			status = models.AttemptExpired
		}
		var q models.Quiz
		if err := tx.Take(&q, "id = ?", a.QuizID).Error; err != nil {
			return err
		}
		var rows []models.AttemptAnswer
		if err := tx.Where("attempt_id = ?", a.ID).Find(&rows).Error; err != nil {
			return err
		}
		if status == models.AttemptExpired && a.Deadline != nil {
			// Only what was saved in time counts.
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
			return err
		}
		r := grade(*sn, rows, status, q.PassMark)
		if err := storePoints(tx, a.ID, rows, r.Review); err != nil {
			return err
		}
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		now := s.now()
		return tx.Model(&models.Attempt{}).Where("id = ?", a.ID).Updates(map[string]any{
			"status": status, "finished_at": now, "score": r.Score, "max_score": r.MaxScore, "percent": r.Percent,
			"passed": r.Passed, "pending_manual": r.PendingManual, "result": string(body),
		}).Error
	})
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// grade computes the result of an attempt from its snapshot and answers.
// Essays are pending until a trainer grades them (manual points then apply).
func grade(sn snapshot, rows []models.AttemptAnswer, status string, passMark int) result {
	answers := map[string]models.AttemptAnswer{}
	for _, r := range rows {
		answers[r.QuestionID] = r
	}
	r := result{Status: status, Review: []ReviewItem{}}
	for _, sq := range sn.Questions {
		q := sq.Q
		if q.Type == Description {
			continue
		}
		var ans *Answer
		row, ok := answers[q.ID]
		if ok {
			var a Answer
			if json.Unmarshal([]byte(row.Body), &a) == nil {
				ans = &a
			}
		}
		g := Grade(q, ans)
		it := ReviewItem{QuestionID: q.ID, Correct: g.Correct, Points: round(g.Points, 4), MaxPoints: g.MaxPoints, CorrectAnswer: CorrectAnswer(q)}
		if g.Manual {
			if ok && row.ManualPoints != nil {
				it.Points = math.Min(math.Max(*row.ManualPoints, 0), g.MaxPoints)
				it.Correct = it.Points >= g.MaxPoints
				it.Comment = row.Comment
			} else if ans != nil {
				it.Pending = true
				r.PendingManual = true
			}
		}
		var fb []string
		for _, f := range g.Feedback {
			if f != "" {
				fb = append(fb, renderText(q.Format, f, true))
			}
		}
		if q.GeneralFeedback != "" {
			fb = append(fb, renderText(q.Format, q.GeneralFeedback, true))
		}
		for i, f := range fb {
			if i > 0 {
				it.Feedback += "<br>"
			}
			it.Feedback += f
		}
		r.Score += it.Points
		r.MaxScore += it.MaxPoints
		r.Review = append(r.Review, it)
	}
	r.Score, r.MaxScore = round(r.Score, 4), round(r.MaxScore, 4)
	if r.MaxScore > 0 {
		r.Percent = round(r.Score/r.MaxScore*100, 2)
	}
	r.Passed = !r.PendingManual && r.Percent >= float64(passMark)
	return r
}

// expireOverdue grades the attempts whose time ran out (optionally of one
// quiz and user) with what was saved in time.
func (s *Service) expireOverdue(ctx context.Context, quizID, userID *int64) error {
	q := s.db.R.WithContext(ctx).Model(&models.Attempt{}).Where(openAttempt+" AND deadline < ?", s.now().Add(-Grace))
	if quizID != nil {
		q = q.Where("quiz_id = ? AND user_id = ?", *quizID, *userID)
	}
	var ids []int64
	if err := q.Limit(500).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, aid := range ids {
		if err := s.finish(ctx, aid, models.AttemptExpired); err != nil {
			return err
		}
	}
	return nil
}

// SweepExpired grades every attempt whose time ran out; the server runs it
// every few seconds, so an abandoned attempt is closed even if nobody
// touches it.
func (s *Service) SweepExpired(ctx context.Context) error { return s.expireOverdue(ctx, nil, nil) }

// storePoints records each saved answer's points in one statement (an
// attempt of 20 questions took 20 statements, in the writer's transaction,
// at the end of an exam when everyone submits).
func storePoints(tx *gorm.DB, attemptID int64, rows []models.AttemptAnswer, review []ReviewItem) error {
	saved := make(map[string]bool, len(rows))
	for _, r := range rows {
		saved[r.QuestionID] = true
	}
	var sql strings.Builder
	var args []any
	var ids []string
	sql.WriteString("UPDATE answers SET points = CASE question_id")
	for _, it := range review {
		if !saved[it.QuestionID] {
			continue
		}
		sql.WriteString(" WHEN ? THEN CAST(? AS DOUBLE PRECISION)")
		args = append(args, it.QuestionID, it.Points)
		ids = append(ids, it.QuestionID)
	}
	if len(ids) == 0 {
		return nil
	}
	sql.WriteString(" END WHERE attempt_id = ? AND question_id IN ?")
	args = append(args, attemptID, ids)
	return tx.Exec(sql.String(), args...).Error
}
