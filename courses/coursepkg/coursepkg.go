// Package coursepkg reads, checks, imports and exports course packages (the
// format the seed curriculum is written in: course.yaml, Markdown lessons,
// GIFT quizzes, images), loads the seed, and serves the import and export
// of packages to course editors.
//
// It stands on package courses (courses, permissions, images) and asks for
// modules' quizzes through the QuizPackages interface, which package quiz
// satisfies.
package coursepkg

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Service reads and writes course packages.
type Service struct {
	db      *db.DB
	courses *courses.Service
	quizzes QuizPackages // nil: packages with quizzes are refused, exports carry none
}

// NewService builds the package service on the courses service; quizzes
// carries modules' quizzes in and out of packages.
func NewService(d *db.DB, cs *courses.Service, quizzes QuizPackages) *Service {
	return &Service{db: d, courses: cs, quizzes: quizzes}
}

func (s *Service) now() time.Time { return s.courses.Time() }

// Handler serves the import and export of packages, as JSON and as pages.
type Handler struct {
	svc     *Service
	courses *courses.Service
	r       *web.Renderer
}

// NewHandler builds the handler of package imports and exports.
func NewHandler(svc *Service, cs *courses.Service, r *web.Renderer) *Handler {
	return &Handler{svc: svc, courses: cs, r: r}
}

// Routes mounts the package routes: the JSON API on api, the pages on app.
// The import page must be mounted before the course editor's
// /author/courses/:slug.
func (h *Handler) Routes(app, api fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	api.Post("/courses/import", staff, h.importCourse)
	api.Get("/courses/:slug/export", staff, h.exportCourse)
	app.Get("/author/courses/import", staff, h.showImportCourse)
	app.Post("/author/courses/import", staff, h.submitImportCourse)
}
