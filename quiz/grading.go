package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

// PendingEssay is an essay waiting for a trainer.
type PendingEssay struct {
	AttemptID  string     `json:"attempt_id"`
	QuizID     string     `json:"quiz_id"`
	QuizTitle  string     `json:"quiz_title"`
	UserName   string     `json:"user_name"`
	QuestionID string     `json:"question_id"`
	Stem       string     `json:"stem"` // sanitized HTML
	Answer     string     `json:"answer"`
	MaxPoints  float64    `json:"max_points"`
	FinishedAt *time.Time `json:"finished_at"`
}

// GradingQueue lists the essays waiting for viewer: those of quizzes they may
// edit, oldest first.
func (s *Service) GradingQueue(ctx context.Context, viewer models.User) ([]PendingEssay, error) {
	var rows []struct {
		models.Attempt
		Title    string
		ModuleID int64
		Name     string
	}
	err := s.db.R.WithContext(ctx).Table("attempts a").
		Select("a.*, q.title, q.module_id, u.name").
		Joins("JOIN quizzes q ON q.id = a.quiz_id JOIN users u ON u.id = a.user_id").
		Where("a.pending_manual = ? AND a.status <> ?", true, models.AttemptInProgress).
		Order("a.finished_at, a.id").Limit(500).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("quiz: grading queue: %w", err)
	}
	out := []PendingEssay{}
	allowed := map[int64]bool{}
	for _, r := range rows {
		ok, seen := allowed[r.ModuleID]
		if !seen {
			_, err := s.courses.CheckEditModule(ctx, viewer, r.ModuleID)
			ok = err == nil
			allowed[r.ModuleID] = ok
		}
		if !ok {
			continue
		}
		var res result
		if json.Unmarshal([]byte(r.Result), &res) != nil {
			continue
		}
		sn, err := s.parsedSnapshot(r.Attempt)
		if err != nil {
			return nil, err
		}
		for _, it := range res.Review {
			if !it.Pending {
				continue
			}
			sq, _ := sn.question(it.QuestionID)
			var ans models.AttemptAnswer
			s.db.R.WithContext(ctx).Where("attempt_id = ? AND question_id = ?", r.ID, it.QuestionID).Limit(1).Find(&ans)
			var a Answer
			_ = json.Unmarshal([]byte(ans.Body), &a)
			text := ""
			if a.Text != nil {
				text = *a.Text
			}
			out = append(out, PendingEssay{AttemptID: id(r.ID), QuizID: id(r.QuizID), QuizTitle: r.Title, UserName: r.Name,
				QuestionID: it.QuestionID, Stem: sq.Stem, Answer: text, MaxPoints: it.MaxPoints, FinishedAt: r.FinishedAt})
		}
	}
	return out, nil
}

// GradeInput is a trainer's grade for one essay.
type GradeInput struct {
	Points  *float64 `json:"points"`
	Comment string   `json:"comment"`
}

// GradeEssay records a trainer's points and comment for an essay, and grades
// the attempt again: its score, whether it passed, and the course progress
// that depends on it follow.
func (s *Service) GradeEssay(ctx context.Context, grader models.User, attemptID int64, questionID string, in GradeInput) (ResultJSON, error) {
	var a models.Attempt
	err := s.db.R.WithContext(ctx).Take(&a, "id = ?", attemptID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ResultJSON{}, ErrNotFound
	}
	if err != nil {
		return ResultJSON{}, err
	}
	q, c, err := s.editable(ctx, grader, a.QuizID)
	if errors.Is(err, ErrForbidden) {
		err = ErrNotFound // another trainer's trainees' work: not theirs to know of
	}
	if err != nil {
		return ResultJSON{}, err
	}
	sn, err := s.parsedSnapshot(a)
	if err != nil {
		return ResultJSON{}, err
	}
	sq, ok := sn.question(questionID)
	if !ok || sq.Q.Type != Essay {
		return ResultJSON{}, ErrNotInAttempt
	}
	if a.Status == models.AttemptInProgress {
		return ResultJSON{}, ErrNotEssayPending
	}
	in.Comment = strings.TrimSpace(in.Comment)
	switch {
	case in.Points == nil || math.IsNaN(*in.Points):
		return ResultJSON{}, web.Invalid(web.Field("points", "err.required"))
	case *in.Points < 0 || *in.Points > sq.Q.Points:
		return ResultJSON{}, web.Invalid(web.Field("points", "err.range", 0, int(sq.Q.Points)))
	case len(in.Comment) > 10000:
		return ResultJSON{}, web.Invalid(web.Field("comment", "err.too_long", 10000))
	}
	now := s.now()
	var out result
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.AttemptAnswer{}).Where("attempt_id = ? AND question_id = ?", a.ID, questionID).
			Updates(map[string]any{"manual_points": *in.Points, "comment": in.Comment, "graded_by": grader.ID, "graded_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotEssayPending // nothing was answered: nothing to grade
		}
		var rows []models.AttemptAnswer
		if err := tx.Where("attempt_id = ?", a.ID).Find(&rows).Error; err != nil {
			return err
		}
		out = grade(*sn, rows, a.Status, q.PassMark)
		body, err := json.Marshal(out)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.Attempt{}).Where("id = ?", a.ID).Updates(map[string]any{
			"score": out.Score, "max_score": out.MaxScore, "percent": out.Percent, "passed": out.Passed,
			"pending_manual": out.PendingManual, "result": string(body)}).Error; err != nil {
			return err
		}
		return models.Audit(tx, &grader.ID, "essay.grade", "course:"+c.Slug, fmt.Sprintf("attempt:%d question:%s points:%g", a.ID, questionID, *in.Points))
	})
	if err != nil {
		return ResultJSON{}, err
	}
	return out.show(ReviewAfterSubmit), nil
}
