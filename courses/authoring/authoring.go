// Package authoring is the course editor: creating and changing courses,
// their texts in each language, modules and lessons (the JSON API and the
// pages under /author), images uploaded into lessons and their public URLs,
// and the Markdown preview. Every page works without JavaScript;
// assets/static/author.js adds drag-and-drop, a live preview and image
// uploads that insert their Markdown where the cursor is.
//
// It stands on package courses (courses, permissions, the images table).
package authoring

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Service changes courses.
type Service struct {
	db      *db.DB
	courses *courses.Service
}

// NewService builds the authoring service on the courses service.
func NewService(d *db.DB, cs *courses.Service) *Service {
	return &Service{db: d, courses: cs}
}

func (s *Service) now() time.Time { return s.courses.Time() }

// Handler serves the course editor as JSON and as pages.
type Handler struct {
	svc     *Service
	courses *courses.Service
	r       *web.Renderer
}

// NewHandler builds the course editor's handler.
func NewHandler(svc *Service, cs *courses.Service, r *web.Renderer) *Handler {
	return &Handler{svc: svc, courses: cs, r: r}
}

// Routes mounts the authoring API on api, and the editor's pages (a
// trainer's home, a course, its modules and lessons, publishing) and the
// public image URLs on app.
func (h *Handler) Routes(app, api fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	api.Post("/courses", staff, h.createCourse)
	api.Patch("/courses/:slug", staff, h.updateCourse)
	api.Post("/courses/:slug/modules", staff, h.addModule)
	api.Post("/modules/:id/lessons", staff, h.addLesson)
	api.Patch("/lessons/:id", staff, h.updateLesson)
	api.Patch("/modules/:id", staff, h.updateModule)
	api.Delete("/lessons/:id", staff, h.deleteLesson)
	api.Delete("/modules/:id", staff, h.deleteModule)
	api.Post("/courses/:slug/images", staff, h.uploadImage)
	api.Post("/markdown/preview", staff, h.previewMarkdown)
	app.Get(courses.ImagePath+":name", h.serveImage)

	app.Get("/author", staff, h.showAuthorHome)
	app.Get("/author/courses/new", staff, h.showNewCourse)
	app.Post("/author/courses", staff, h.submitNewCourse)
	app.Get("/author/courses/:slug", staff, h.showCourseEditor)
	app.Post("/author/courses/:slug", staff, h.submitCourse)
	app.Post("/author/courses/:slug/modules", staff, h.submitNewModule)
	app.Get("/author/courses/:slug/publish", staff, h.showPublish)
	app.Post("/author/courses/:slug/publish", staff, h.submitPublish)
	app.Post("/author/modules/:id", staff, h.submitModule)
	app.Post("/author/modules/:id/move", staff, h.submitMoveModule)
	app.Post("/author/modules/:id/lessons", staff, h.submitNewLesson)
	app.Get("/author/modules/:id/delete", staff, h.showDeleteModule)
	app.Post("/author/modules/:id/delete", staff, h.submitDeleteModule)
	app.Get("/author/lessons/:id", staff, h.showLessonEditor)
	app.Post("/author/lessons/:id", staff, h.submitLesson)
	app.Post("/author/lessons/:id/move", staff, h.submitMoveLesson)
	app.Get("/author/lessons/:id/delete", staff, h.showDeleteLesson)
	app.Post("/author/lessons/:id/delete", staff, h.submitDeleteLesson)
}

// id formats an id for JSON: the API's ids are strings.
func id(n int64) string { return strconv.FormatInt(n, 10) }
