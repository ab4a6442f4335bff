package quiz

import (
	"context"
	"errors"
	"time"

	"tadrib/internal/db"
	"tadrib/models"
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

// Courses is what quizzes ask of courses: who may edit a module, and who
// may see and take it. *courses.Service satisfies it.
type Courses interface {
	CheckEditModule(ctx context.Context, user models.User, moduleID int64) (models.Course, error)
	ModuleAccess(ctx context.Context, user models.User, moduleID int64) (course models.Course, visible, enrolled bool, err error)
}

// Service is the quiz service.
type Service struct {
	db      *db.DB
	courses Courses // who may see, take and edit a module's quiz
	Now     func() time.Time
	// Rand, when set, makes draws and shuffles reproducible in tests.
	Rand func(n int) int

	snapshots snapshotCache // parsed snapshots by attempt id (per service: ids are per database)
	banks     bankCache     // rendered banks by quiz id
}

// NewService builds the quiz service on d; cs says who may see, take and
// edit a module's quiz.
func NewService(d *db.DB, cs Courses) *Service { return &Service{db: d, courses: cs} }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}
