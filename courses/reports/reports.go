// Package reports computes the progress reports of courses for their
// trainers and admins (head counts, per profession and cohort, quiz results
// per module, one row per trainee) and serves them as JSON, CSV and pages
// with SVG charts.
//
// It stands above the other course packages: it reads courses through
// package courses, asks quiz results and certificates held through the
// QuizResults and Certificates interfaces (packages quiz and certs satisfy
// them), and nothing but cmd/tadrib imports it.
package reports

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// QuizResults is what a report asks of the quiz engine (package quiz): each
// trainee's results at each module's quiz of a course, and the modules whose
// quiz counts for progress.
type QuizResults interface {
	CourseResults(ctx context.Context, courseID int64) ([]courses.QuizResult, map[int64]bool, error)
}

// Certificates is what a report asks of the certificate register (package
// certs): the code of the certificate each user holds for a course.
type Certificates interface {
	HeldCodes(ctx context.Context, courseID int64) (map[int64]string, error)
}

// Service computes reports.
type Service struct {
	db      *db.DB
	courses *courses.Service
	quizzes QuizResults  // nil: no quiz counts
	certs   Certificates // nil: nobody is certified
}

// NewService builds the report service on the courses service, the quiz
// results and the certificates held.
func NewService(d *db.DB, cs *courses.Service, quizzes QuizResults, certs Certificates) *Service {
	return &Service{db: d, courses: cs, quizzes: quizzes, certs: certs}
}

func (s *Service) now() time.Time { return s.courses.Time() }

// Handler serves reports as JSON, CSV and pages.
type Handler struct {
	svc *Service
	r   *web.Renderer
}

// NewHandler builds the report handler.
func NewHandler(svc *Service, r *web.Renderer) *Handler {
	return &Handler{svc: svc, r: r}
}

// Routes mounts the progress reports: the JSON and CSV API on api, the
// trainers' pages on app.
func (h *Handler) Routes(app, api fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	api.Get("/reports/courses/:slug", staff, h.courseReport)
	app.Get("/author/reports", staff, h.showReports)
	app.Get("/author/reports/courses/:slug", staff, h.showCourseReport)
}

// id formats an id for JSON: the API's ids are strings.
func id(n int64) string { return strconv.FormatInt(n, 10) }
