package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

// AttemptJSON is an attempt as its owner sees it (openapi.json:
// showAttempt, schema Attempt).
type AttemptJSON struct {
	ID        string            `json:"id"`
	QuizID    string            `json:"quiz_id"`
	Status    string            `json:"status"`
	StartedAt time.Time         `json:"started_at"`
	Deadline  *time.Time        `json:"deadline"`
	Questions []QuestionView    `json:"questions"`
	Answers   map[string]Answer `json:"-"` // decoded, for the pages
	// Saved is each answer as it was sent: re-encoding the decoded form
	// would turn {"choices": []} into {} (openapi.json, schema Attempt:
	// saved answers come back "in the shape they were sent").
	Saved  map[string]json.RawMessage `json:"answers"`
	Result *ResultJSON                `json:"result,omitempty"`
	// Lang is the language the attempt is worded in ("" for the original).
	Lang string `json:"lang,omitempty"`
}

// ReviewItem is one question of a graded attempt. Feedback and
// CorrectAnswer are shown only when the quiz's review setting allows.
type ReviewItem struct {
	QuestionID    string  `json:"question_id"`
	Correct       bool    `json:"correct"`
	Points        float64 `json:"points"`
	MaxPoints     float64 `json:"max_points"`
	Pending       bool    `json:"pending,omitempty"` // an essay waiting for a trainer
	Feedback      string  `json:"feedback,omitempty"`
	CorrectAnswer *Answer `json:"correct_answer,omitempty"`
	Comment       string  `json:"comment,omitempty"` // the trainer's, on an essay
}

// limits are the time and attempts a trainee has at a quiz, overrides included.
func (s *Service) limits(ctx context.Context, tx *gorm.DB, q models.Quiz, userID int64) (timeLimit time.Duration, maxAttempts int, err error) {
	if q.TimeLimitS == 0 && q.MaxAttempts == 0 {
		return 0, 0, nil // no limit for an override to extend
	}
	var o models.QuizOverride
	err = tx.WithContext(ctx).Where("quiz_id = ? AND user_id = ?", q.ID, userID).Limit(1).Find(&o).Error
	timeLimit = time.Duration(q.TimeLimitS) * time.Second
	if q.TimeLimitS > 0 {
		timeLimit += time.Duration(o.ExtraTimeS) * time.Second
	}
	maxAttempts = q.MaxAttempts
	if maxAttempts > 0 {
		maxAttempts += o.ExtraAttempts
	}
	return timeLimit, maxAttempts, err
}

// canTake checks that user may take the quiz: it is in a course they can
// see, and a trainee must be enrolled (staff may try their own quizzes).
func (s *Service) canTake(ctx context.Context, user models.User, q models.Quiz) error {
	_, visible, enrolled, err := s.courses.ModuleAccess(ctx, user, q.ModuleID)
	if err != nil {
		return mapCourseErr(err)
	}
	if !visible {
		return ErrNotFound
	}
	if !enrolled && user.Role == models.RoleTrainee {
		return ErrNotEnrolled
	}
	return nil
}

// openAttempt selects attempts in progress. The status is written into the
// SQL, not bound: the partial indexes on open attempts can only serve a
// query whose condition is known when it is planned, and SQLite re-plans a
// statement at every run when a bound value decides whether such an index
// applies (it did, on every start of an attempt).
const openAttempt = "status = '" + models.AttemptInProgress + "'"

// Start starts an attempt in the quiz's original wording, or returns the
// one in progress (resumed is true).
func (s *Service) Start(ctx context.Context, user models.User, quizID int64) (AttemptJSON, bool, error) {
	return s.StartIn(ctx, user, quizID, "")
}

// StartIn starts an attempt worded in lang (each question's translation
// where it has one, else its original text), or returns the one in progress
// in the language it was started in: a second tab in another language
// resumes the same attempt, worded as it was frozen.
func (s *Service) StartIn(ctx context.Context, user models.User, quizID int64, lang string) (AttemptJSON, bool, error) {
	// One read for the quiz, whether the trainee may take it, and their
	// attempt in progress: at the start of an exam every trainee comes at once.
	var st struct {
		models.Quiz   `gorm:"embedded"`
		CoursePub     bool
		CourseCreator *int64
		Enrolled      bool
		OpenID        *int64
		CourseLocale  string
	}
	res := s.db.R.WithContext(ctx).Raw(`SELECT q.*, c.published AS course_pub, c.created_by AS course_creator, c.locale AS course_locale,
			EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = ? AND e.course_id = c.id) AS enrolled,
			(SELECT a.id FROM attempts a WHERE a.quiz_id = q.id AND a.user_id = ? AND a.`+openAttempt+` LIMIT 1) AS open_id
		FROM quizzes q JOIN modules m ON m.id = q.module_id JOIN courses c ON c.id = m.course_id
		WHERE q.id = ?`, user.ID, user.ID, quizID).Scan(&st)
	if res.Error != nil {
		return AttemptJSON{}, false, res.Error
	}
	q := st.Quiz
	if res.RowsAffected == 0 || !courses.CanSee(&user, models.Course{Published: st.CoursePub, CreatedBy: st.CourseCreator}) {
		return AttemptJSON{}, false, ErrNotFound
	}
	if !st.Enrolled && user.Role == models.RoleTrainee {
		return AttemptJSON{}, false, ErrNotEnrolled
	}
	// An attempt in progress is resumed (a second tab, a reload), or graded
	// first if its time is up.
	if st.OpenID != nil {
		var a models.Attempt
		if err := s.db.R.WithContext(ctx).Take(&a, "id = ?", *st.OpenID).Error; err != nil {
			return AttemptJSON{}, false, err
		}
		if !s.overdue(a) {
			out, err := s.attemptJSON(ctx, a, q)
			return out, true, err
		}
		if err := s.finish(ctx, a.ID, models.AttemptExpired); err != nil {
			return AttemptJSON{}, false, err
		}
	}
	limit, maxAttempts, err := s.limits(ctx, s.db.R, q, user.ID)
	if err != nil {
		return AttemptJSON{}, false, err
	}
	if maxAttempts > 0 {
		var n int64
		if err := s.db.R.WithContext(ctx).Model(&models.Attempt{}).Where("quiz_id = ? AND user_id = ?", quizID, user.ID).Count(&n).Error; err != nil {
			return AttemptJSON{}, false, err
		}
		if int(n) >= maxAttempts {
			// Unless another tab started the last one a moment ago.
			return s.resumeRaced(ctx, user, q, ErrNoAttemptsLeft)
		}
	}
	bank, err := s.renderedBank(ctx, q, lang, st.CourseLocale)
	if err != nil {
		return AttemptJSON{}, false, err
	}
	if len(bank.questions) == 0 {
		return AttemptJSON{}, false, ErrEmptyQuiz
	}
	compactSnap, snap, frozen, err := s.freeze(q, bank, lang)
	if err != nil {
		return AttemptJSON{}, false, err
	}
	now := s.now()
	a := models.Attempt{QuizID: quizID, UserID: user.ID, Status: models.AttemptInProgress, StartedAt: now, Snapshot: frozen}
	if limit > 0 {
		d := now.Add(limit)
		a.Deadline = &d
	}
	// The count above may be a moment old (and no lock was held while the
	// bank was read and the draw frozen): the limit is enforced by the
	// insert itself, and a start that loses a race resumes the winner's
	// attempt, or is told there are no attempts left.
	for try := 0; ; try++ {
		created, err := s.insertAttempt(ctx, &a, maxAttempts)
		switch {
		case err == nil && created:
			// A new attempt: its snapshot is the one just frozen, and it
			// has no answers yet.
			s.cacheFrozen(a, compactSnap, snap)
			return baseJSON(a, snap), false, nil
		case err == nil:
			return s.resumeRaced(ctx, user, q, ErrNoAttemptsLeft)
		case !errors.Is(err, gorm.ErrDuplicatedKey):
			return AttemptJSON{}, false, err
		}
		// Another start took this number or has an attempt open. Resume
		// it; if it is already finished, try the next number, which the
		// limit may refuse.
		out, resumed, err := s.resumeRaced(ctx, user, q, errRaced)
		if !errors.Is(err, errRaced) {
			return out, resumed, err
		}
		if try == 4 {
			if maxAttempts > 0 {
				return AttemptJSON{}, false, ErrNoAttemptsLeft
			}
			return AttemptJSON{}, false, ErrClosed
		}
	}
}

// errRaced: a start lost a race to one that has already finished.
var errRaced = errors.New("quiz: start raced a finished attempt")

// insertAttempt inserts a as the user's next attempt at the quiz, numbered
// one past their last, unless maxAttempts (0: unlimited) are used up; the
// check and the insert are one statement, and two starts taking the same
// number collide on the unique index (gorm.ErrDuplicatedKey), as do two
// open attempts. created is false when the limit refused it.
func (s *Service) insertAttempt(ctx context.Context, a *models.Attempt, maxAttempts int) (created bool, err error) {
	var ids []struct {
		ID        int64
		AttemptNo int
	}
	err = s.db.W.WithContext(ctx).Raw(`INSERT INTO attempts (quiz_id, user_id, attempt_no, status, started_at, deadline, snapshot, pending_manual, result)
		SELECT ?, ?, n.last + 1, ?, ?, ?, ?, FALSE, ''
		FROM (SELECT COALESCE(MAX(attempt_no), 0) AS last FROM attempts WHERE quiz_id = ? AND user_id = ?) n
		WHERE ? = 0 OR n.last < ?
		RETURNING id, attempt_no`,
		a.QuizID, a.UserID, a.Status, a.StartedAt, a.Deadline, a.Snapshot, a.QuizID, a.UserID, maxAttempts, maxAttempts).
		Scan(&ids).Error
	if t, ok := s.db.W.Dialector.(gorm.ErrorTranslator); ok && err != nil {
		// GORM translates the errors of Exec, not those met reading the
		// rows a RETURNING hands back (PostgreSQL reports a duplicate there).
		err = t.Translate(err)
	}
	if err != nil {
		return false, fmt.Errorf("quiz: start attempt at quiz %d: %w", a.QuizID, err)
	}
	if len(ids) == 0 {
		return false, nil
	}
	a.ID, a.AttemptNo = ids[0].ID, ids[0].AttemptNo
	return true, nil
}

// resumeRaced returns the attempt in progress that another tab or node
// started a moment ago, or otherwise (it was started and finished in
// between, or there is none) the error.
func (s *Service) resumeRaced(ctx context.Context, user models.User, q models.Quiz, otherwise error) (AttemptJSON, bool, error) {
	// A reader sees the winner: its insert committed before ours collided
	// with it, or before ours found the limit reached.
	var open models.Attempt
	res := s.db.R.WithContext(ctx).Where("quiz_id = ? AND user_id = ? AND "+openAttempt, q.ID, user.ID).Limit(1).Find(&open)
	if res.Error != nil {
		return AttemptJSON{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		return AttemptJSON{}, false, otherwise
	}
	out, err := s.attemptJSON(ctx, open, q)
	return out, true, err
}

// load reads an attempt of its owner's; anyone else gets ErrNotFound. An
// attempt past its deadline is graded first.
func (s *Service) load(ctx context.Context, user models.User, attemptID int64) (models.Attempt, error) {
	return s.loadCols(ctx, user, attemptID, "*")
}

// headCols are an attempt's columns without its snapshot and result, which
// are large (the whole frozen quiz) and not needed to save an answer: the
// parsed snapshot is cached.
const headCols = "id, quiz_id, user_id, status, started_at, deadline"

func (s *Service) loadCols(ctx context.Context, user models.User, attemptID int64, cols string) (models.Attempt, error) {
	var a models.Attempt
	err := s.db.R.WithContext(ctx).Select(cols).Take(&a, "id = ?", attemptID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && a.UserID != user.ID) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	if a.Status == models.AttemptInProgress && s.overdue(a) {
		if err := s.finish(ctx, a.ID, models.AttemptExpired); err != nil {
			return a, err
		}
		return s.loadCols(ctx, user, attemptID, cols)
	}
	return a, nil
}

// snapshotOf returns the parsed snapshot of a, reading it when a was loaded
// without it and it is not cached. Not inside a transaction: it may read
// and render the quiz's bank, for the snapshot to share it.
func (s *Service) snapshotOf(ctx context.Context, a models.Attempt) (cachedSnapshot, error) {
	if e, ok := s.snapshots.cached(a.ID); ok {
		return e, nil
	}
	if a.Snapshot == "" {
		if err := s.db.R.WithContext(ctx).Model(&models.Attempt{}).Where("id = ?", a.ID).Pluck("snapshot", &a.Snapshot).Error; err != nil {
			return cachedSnapshot{}, err
		}
	}
	if !s.keepFullSnapshots {
		var head struct {
			Lang string `json:"lang"`
		}
		if json.Unmarshal([]byte(a.Snapshot), &head) == nil {
			if err := s.warmBank(ctx, a.QuizID, head.Lang); err != nil {
				return cachedSnapshot{}, err
			}
		}
	}
	return s.cachedSnapshotOf(a)
}

func (s *Service) overdue(a models.Attempt) bool {
	return a.Deadline != nil && s.now().After(a.Deadline.Add(Grace))
}

// Get returns an attempt with its saved answers.
func (s *Service) Get(ctx context.Context, user models.User, attemptID int64) (AttemptJSON, error) {
	a, err := s.load(ctx, user, attemptID)
	if err != nil {
		return AttemptJSON{}, err
	}
	q, err := s.quiz(ctx, a.QuizID)
	if err != nil {
		return AttemptJSON{}, err
	}
	return s.attemptJSON(ctx, a, q)
}

// baseJSON is an attempt's JSON without its answers or result.
func baseJSON(a models.Attempt, sn *snapshot) AttemptJSON {
	return AttemptJSON{ID: id(a.ID), QuizID: id(a.QuizID), Status: a.Status, StartedAt: a.StartedAt, Deadline: a.Deadline,
		Questions: sn.view(), Answers: map[string]Answer{}, Saved: map[string]json.RawMessage{}, Lang: sn.Lang}
}

func (s *Service) attemptJSON(ctx context.Context, a models.Attempt, q models.Quiz) (AttemptJSON, error) {
	e, err := s.snapshotOf(ctx, a)
	if err != nil {
		return AttemptJSON{}, err
	}
	sn := e.full()
	var rows []models.AttemptAnswer
	if err := s.db.R.WithContext(ctx).Where("attempt_id = ?", a.ID).Find(&rows).Error; err != nil {
		return AttemptJSON{}, err
	}
	out := baseJSON(a, sn)
	for _, r := range rows {
		var ans Answer
		if json.Unmarshal([]byte(r.Body), &ans) == nil {
			out.Answers[r.QuestionID] = ans
			out.Saved[r.QuestionID] = json.RawMessage(r.Body)
		}
	}
	if a.Status != models.AttemptInProgress && a.Result != "" {
		var r result
		if err := json.Unmarshal([]byte(a.Result), &r); err == nil {
			shown := r.show(q.Review)
			out.Result = &shown
		}
	}
	return out, nil
}
