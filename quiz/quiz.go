package quiz

import (
	"errors"
	"time"

	"tadrib/courses"
	"tadrib/internal/db"
)

// Sentinel errors of the service; handlers map them to statuses.
var (
	ErrNotFound        = errors.New("quiz: not found")
	ErrForbidden       = errors.New("quiz: not allowed")
	ErrNotEnrolled     = errors.New("quiz: not enrolled")
	ErrNoAttemptsLeft  = errors.New("quiz: no attempts left")
	ErrClosed          = errors.New("quiz: attempt is finished or past its deadline")
	ErrQuizExists      = errors.New("quiz: the module has a quiz already")
	ErrEmptyQuiz       = errors.New("quiz: the quiz has no questions")
	ErrNotInAttempt    = errors.New("quiz: question not in this attempt")
	ErrNotEssayPending = errors.New("quiz: nothing to grade")
	// ErrTooManyQuestions: the change would leave more than MaxQuestions
	// questions in a quiz's bank.
	ErrTooManyQuestions = errors.New("quiz: too many questions")
)

// MaxQuestions is the most questions a quiz's bank may hold, however they
// come (the editor, the API, a GIFT import, a course package). Exams here
// have tens of questions; a bank of 60,000 held SQLite's writer for 5 s on
// import and took 85 s to render as an attempt (issue 15, L5).
const MaxQuestions = 500

// Review settings: what a trainee sees after submitting.
const (
	ReviewAfterSubmit = "after_submit" // score, per-question points, feedback and correct answers
	ReviewScoreOnly   = "score_only"   // score and per-question points
	ReviewNever       = "never"        // whether they passed, nothing else
)

// Grace is how long after the deadline an answer in flight is still taken:
// the time a phone on a slow network needs to deliver a save sent in time.
// Later answers get 409 (SECURITY.md Q4, R7).
const Grace = 3 * time.Second

// Service is the quiz service.
type Service struct {
	DB      *db.DB
	Courses *courses.Service // who may see, take and edit a module's quiz
	Now     func() time.Time
	// Rand, when set, makes draws and shuffles reproducible in tests.
	Rand func(n int) int

	snapshots snapshotCache // parsed snapshots by attempt id (per service: ids are per database)
	banks     bankCache     // rendered banks by quiz id
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}
