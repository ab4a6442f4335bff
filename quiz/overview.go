package quiz

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/internal/web"
	"tadrib/models"
)

// Overview is a quiz as a trainee sees it before starting: its rules and
// where they stand.
type Overview struct {
	QuizJSON
	CourseSlug   string         `json:"course_slug"`
	AttemptsUsed int            `json:"attempts_used"`
	AttemptsLeft *int           `json:"attempts_left"` // nil: unlimited
	TimeLimitS   int            `json:"time_limit_s"`
	InProgress   *string        `json:"in_progress"` // the attempt to resume
	BestPercent  *float64       `json:"best_percent"`
	Passed       bool           `json:"passed"`
	Attempts     []AttemptBrief `json:"attempts"`
}

// AttemptBrief is an attempt in a list.
type AttemptBrief struct {
	ID            string     `json:"id"`
	UserID        string     `json:"user_id"`
	UserName      string     `json:"user_name,omitempty"`
	Status        string     `json:"status"`
	StartedAt     time.Time  `json:"started_at"`
	Deadline      *time.Time `json:"deadline"`
	FinishedAt    *time.Time `json:"finished_at"`
	Score         *float64   `json:"score"`
	MaxScore      *float64   `json:"max_score"`
	Percent       *float64   `json:"percent"`
	Passed        *bool      `json:"passed"`
	PendingManual bool       `json:"pending_manual"`
}

// Overview returns a quiz's rules and the user's standing.
func (s *Service) Overview(ctx context.Context, user models.User, quizID int64) (Overview, error) {
	q, err := s.quiz(ctx, quizID)
	if err != nil {
		return Overview{}, err
	}
	c, visible, _, err := s.courses.ModuleAccess(ctx, user, q.ModuleID)
	if err != nil {
		return Overview{}, mapCourseErr(err)
	}
	if !visible {
		return Overview{}, ErrNotFound
	}
	if err := s.expireOverdue(ctx, &quizID, &user.ID); err != nil {
		return Overview{}, err
	}
	qj, err := s.quizJSON(ctx, q)
	if err != nil {
		return Overview{}, err
	}
	limit, maxAttempts, err := s.limits(ctx, s.db.R, q, user.ID)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{QuizJSON: qj, CourseSlug: c.Slug, TimeLimitS: int(limit / time.Second)}
	o.Attempts, err = s.briefs(ctx, q, "a.quiz_id = ? AND a.user_id = ?", quizID, user.ID)
	if err != nil {
		return o, err
	}
	o.AttemptsUsed = len(o.Attempts)
	if maxAttempts > 0 {
		left := max(0, maxAttempts-o.AttemptsUsed)
		o.AttemptsLeft = &left
	}
	// A trainee's own standing: with review "never" a score, even a best
	// percent, would let unlimited attempts recover the key one answer at a
	// time; they learn whether they passed, nothing else.
	if q.Review == ReviewNever {
		hideScores(o.Attempts)
	}
	for _, a := range o.Attempts {
		if a.Status == models.AttemptInProgress {
			idCopy := a.ID
			o.InProgress = &idCopy
		}
		if a.Passed != nil && *a.Passed {
			o.Passed = true
		}
		if a.Percent != nil && (o.BestPercent == nil || *a.Percent > *o.BestPercent) {
			p := *a.Percent
			o.BestPercent = &p
		}
	}
	return o, nil
}

// briefs lists attempts; scores are hidden when the review setting is never.
func (s *Service) briefs(ctx context.Context, q models.Quiz, where string, args ...any) ([]AttemptBrief, error) {
	var rows []struct {
		models.Attempt
		Name string
	}
	err := s.db.R.WithContext(ctx).Table("attempts a").
		Select("a.id, a.quiz_id, a.user_id, a.status, a.started_at, a.deadline, a.finished_at, a.score, a.max_score, a.percent, a.passed, a.pending_manual, u.name").
		Joins("JOIN users u ON u.id = a.user_id").Where(where, args...).Order("a.started_at, a.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("quiz: attempts of quiz %d: %w", q.ID, err)
	}
	out := make([]AttemptBrief, 0, len(rows))
	for _, r := range rows {
		b := AttemptBrief{ID: id(r.ID), UserID: id(r.UserID), UserName: r.Name, Status: r.Status, StartedAt: r.StartedAt,
			Deadline: r.Deadline, FinishedAt: r.FinishedAt, Score: r.Score, MaxScore: r.MaxScore, Percent: r.Percent,
			Passed: r.Passed, PendingManual: r.PendingManual}
		out = append(out, b)
	}
	return out, nil
}

// Attempts lists a quiz's attempts: a trainee's own, or everyone's for those
// who may edit the quiz.
func (s *Service) Attempts(ctx context.Context, user models.User, quizID int64) ([]AttemptBrief, error) {
	q, err := s.quiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.editable(ctx, user, quizID); err == nil {
		return s.briefs(ctx, q, "a.quiz_id = ?", quizID)
	}
	if err := s.canTake(ctx, user, q); err != nil {
		return nil, err
	}
	list, err := s.briefs(ctx, q, "a.quiz_id = ? AND a.user_id = ?", quizID, user.ID)
	if q.Review == ReviewNever {
		hideScores(list)
	}
	return list, err
}

// hideScores blanks the scores of a trainee's own attempts, for a quiz whose
// review setting is never: whether each passed stays.
func hideScores(list []AttemptBrief) {
	for i := range list {
		list[i].Score, list[i].MaxScore, list[i].Percent = nil, nil, nil
	}
}

// OverrideInput is the body of POST /quizzes/{id}/overrides.
type OverrideInput struct {
	UserID        string `json:"user_id"`
	ExtraTimeS    *int   `json:"extra_time_s"`
	ExtraAttempts *int   `json:"extra_attempts"`
}

// OverrideJSON is a saved override.
type OverrideJSON struct {
	QuizID        string `json:"quiz_id"`
	UserID        string `json:"user_id"`
	ExtraTimeS    int    `json:"extra_time_s"`
	ExtraAttempts int    `json:"extra_attempts"`
}

// SetOverride gives one trainee extra time or attempts (accommodations,
// incidents). It applies to attempts started from now on.
func (s *Service) SetOverride(ctx context.Context, editor models.User, quizID int64, in OverrideInput) (OverrideJSON, error) {
	var errs []web.FieldError
	uid, err := strconv.ParseInt(in.UserID, 10, 64)
	if err != nil || uid <= 0 {
		errs = append(errs, web.Field("user_id", "err.required"))
	}
	if in.ExtraTimeS != nil && (*in.ExtraTimeS < 0 || *in.ExtraTimeS > 7*24*3600) {
		errs = append(errs, web.Field("extra_time_s", "err.range", 0, 7*24*3600))
	}
	if in.ExtraAttempts != nil && (*in.ExtraAttempts < 0 || *in.ExtraAttempts > 100) {
		errs = append(errs, web.Field("extra_attempts", "err.range", 0, 100))
	}
	if len(errs) > 0 {
		return OverrideJSON{}, web.Invalid(errs...)
	}
	_, c, err := s.editable(ctx, editor, quizID)
	if err != nil {
		return OverrideJSON{}, err
	}
	// Only a trainee of this course may get an override, and whether an
	// account exists outside it is not the editor's to learn: an unknown id
	// and someone not enrolled get the same answer (issue 15).
	var enrolled int64
	if err := s.db.R.WithContext(ctx).Model(&models.Enrolment{}).Where("user_id = ? AND course_id = ?", uid, c.ID).Count(&enrolled).Error; err != nil {
		return OverrideJSON{}, fmt.Errorf("quiz: override: enrolment: %w", err)
	}
	if enrolled == 0 {
		return OverrideJSON{}, web.Invalid(web.Field("user_id", "err.not_in_course"))
	}
	o := models.QuizOverride{QuizID: quizID, UserID: uid, CreatedBy: &editor.ID, CreatedAt: s.now()}
	if in.ExtraTimeS != nil {
		o.ExtraTimeS = *in.ExtraTimeS
	}
	if in.ExtraAttempts != nil {
		o.ExtraAttempts = *in.ExtraAttempts
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "quiz_id"}, {Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"extra_time_s", "extra_attempts", "created_by", "created_at"})}).Create(&o).Error; err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "quiz.override", "course:"+c.Slug,
			fmt.Sprintf("quiz:%d user:%d time:+%ds attempts:+%d", quizID, uid, o.ExtraTimeS, o.ExtraAttempts))
	})
	if err != nil {
		return OverrideJSON{}, fmt.Errorf("quiz: override: %w", err)
	}
	return OverrideJSON{QuizID: id(quizID), UserID: id(uid), ExtraTimeS: o.ExtraTimeS, ExtraAttempts: o.ExtraAttempts}, nil
}
