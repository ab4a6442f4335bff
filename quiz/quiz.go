package quiz

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Sentinel errors of the service. Each carries the status and message the
// client gets; handlers return them as they are (see web.Error).
var (
	ErrNotFound        = web.Sentinel("quiz: not found", fiber.StatusNotFound, "err.not_found")
	ErrForbidden       = web.Sentinel("quiz: not allowed", fiber.StatusForbidden, "err.forbidden")
	ErrNotEnrolled     = web.Sentinel("quiz: not enrolled", fiber.StatusForbidden, "err.not_enrolled")
	ErrNoAttemptsLeft  = web.Sentinel("quiz: no attempts left", fiber.StatusForbidden, "err.no_attempts")
	ErrClosed          = web.Sentinel("quiz: attempt is finished or past its deadline", fiber.StatusConflict, "err.attempt_closed")
	ErrQuizExists      = web.Sentinel("quiz: the module has a quiz already", fiber.StatusConflict, "err.quiz_exists")
	ErrEmptyQuiz       = web.Sentinel("quiz: the quiz has no questions", fiber.StatusConflict, "err.quiz_empty")
	ErrNotInAttempt    = web.Sentinel("quiz: question not in this attempt", fiber.StatusNotFound, "err.not_found")
	ErrNotEssayPending = web.Sentinel("quiz: nothing to grade", fiber.StatusConflict, "err.nothing_to_grade")
	// ErrTooManyQuestions: the change would leave more than MaxQuestions
	// questions in a quiz's bank.
	ErrTooManyQuestions = &web.Error{Msg: "quiz: too many questions", Status: fiber.StatusUnprocessableEntity,
		Key: "err.too_many_questions", Args: []any{MaxQuestions}}
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

	// keepFullSnapshots, set only by tests, caches every snapshot whole, a
	// copy per attempt, as before the compact form (snapshot_compact.go):
	// the baseline BenchmarkOpenAttempts measures it against.
	keepFullSnapshots bool
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
