// Package courses owns courses, their modules and lessons, the catalogue,
// the course page, lessons, enrolment, lesson completion and progress,
// prerequisites, and what its sub-packages share: who may see and edit a
// course, slugs and texts, the images table. It serves the trainees' side as
// JSON under /api/v1 and as pages.
//
// The sub-packages stand on it, and it imports none of them:
// courses/authoring (the course editor), courses/cohorts (cohorts, member
// imports, invitations, join links), courses/coursepkg (course packages and
// the seed) and courses/reports (progress reports, above the others).
// Quizzes live in package quiz, which depends on this one; where progress
// must know whether a module's quiz is passed, this package asks through the
// QuizProgress seam, and the dashboard asks cohorts for pending invitations
// through PendingInvitations.
package courses

import (
	"context"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Sentinel errors of the service. Each carries the status and message the
// client gets; handlers return them as they are (see web.Error).
var (
	ErrNotFound    = web.Sentinel("courses: not found", fiber.StatusNotFound, "err.not_found")
	ErrNotEnrolled = web.Sentinel("courses: not enrolled", fiber.StatusForbidden, "err.not_enrolled")
	ErrForbidden   = web.Sentinel("courses: not allowed", fiber.StatusForbidden, "err.forbidden")
	ErrSlugTaken   = web.Sentinel("courses: slug already used", fiber.StatusConflict, "err.slug_taken",
		web.Field("slug", "err.slug_taken"))
)

// QuizStatus is what progress needs to know of one module's quiz.
type QuizStatus struct {
	ModuleID    int64
	QuizID      int64
	Title       string
	PassMark    int
	Passed      bool
	BestPercent *float64
	PassedAt    *time.Time
}

// QuizResult is a trainee's results at one module's quiz, as progress
// reports count them: the best percent and whether they passed among
// finished attempts, how many they finished, when they first passed, and
// when they last started or finished an attempt.
type QuizResult struct {
	UserID       int64
	ModuleID     int64
	BestPercent  *float64
	Passed       bool
	Finished     int
	FirstPass    time.Time
	LastActivity time.Time
}

// QuizProgress reports, for a user and a course, the quiz of each module that
// has one. Package quiz implements it; a Service given nil counts no quiz.
type QuizProgress interface {
	CourseQuizzes(ctx context.Context, userID, courseID int64, lang string) (map[int64]QuizStatus, error)
}

// CertificateCodes returns a user's certificate code per course id. Package
// certs implements it; a Service given nil names no certificate.
type CertificateCodes interface {
	CodesByCourse(ctx context.Context, userID int64) (map[int64]string, error)
}

// Service is the courses service.
type Service struct {
	db      *db.DB
	quizzes QuizProgress
	certs   CertificateCodes

	content contentCache // lesson texts and reading order by course version
	encoded struct {     // trainees' lesson answers, encoded, by course version
		mu sync.Mutex
		m  map[encodedKey][]byte
	}

	lessonQuery db.ReadStatement // the lesson query, prepared on first use
}

// NewService builds the courses service on d. Progress counts the passed
// quizzes that quizzes reports, and /me/progress names the certificates that
// certs reports; either may be nil.
func NewService(d *db.DB, quizzes QuizProgress, certs CertificateCodes) *Service {
	return &Service{db: d, quizzes: quizzes, certs: certs}
}

// CourseQuizzes is the quiz of each module of a course that has one, with
// the user's status (QuizProgress); empty when the service counts no quiz.
func (s *Service) CourseQuizzes(ctx context.Context, userID, courseID int64, lang string) (map[int64]QuizStatus, error) {
	if s.quizzes == nil {
		return map[int64]QuizStatus{}, nil
	}
	return s.quizzes.CourseQuizzes(ctx, userID, courseID, lang)
}

// Time is the service's clock, for the packages built on this one.
func (s *Service) Time() time.Time { return s.now() }

func (s *Service) now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// IsStaff reports whether u may author and follow courses.
func IsStaff(u *models.User) bool {
	return u != nil && (u.Role == models.RoleTrainer || u.Role == models.RoleAdmin)
}

// CanSee reports whether u may see course c (a published course, or one
// they may edit); for features that read a course with their own query.
func CanSee(u *models.User, c models.Course) bool { return canSee(u, c) }

// canSee reports whether u may see course c at all: a published course is
// public; a draft only to its author and to admins.
func canSee(u *models.User, c models.Course) bool {
	return c.Published || CanEdit(u, c)
}

// CanEdit reports whether u may change course c: admins, and the trainer who
// created it.
func CanEdit(u *models.User, c models.Course) bool {
	if u == nil {
		return false
	}
	return u.Role == models.RoleAdmin || (u.Role == models.RoleTrainer && c.CreatedBy != nil && *c.CreatedBy == u.ID)
}

// PickText chooses, among a text's versions, the one in lang, else the
// course's default language, else any; and says whether it fell back.
func PickText[T any](versions map[string]T, lang, def string) (T, string) {
	if v, ok := versions[lang]; ok {
		return v, lang
	}
	if v, ok := versions[def]; ok {
		return v, def
	}
	for _, l := range models.Locales {
		if v, ok := versions[l]; ok {
			return v, l
		}
	}
	var zero T
	return zero, def
}

// slugRE is what a course's or a module's slug looks like.
var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// ValidSlug reports whether s may be a course's or a module's slug.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// SortedKeys returns the keys of m in order (languages, files).
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
