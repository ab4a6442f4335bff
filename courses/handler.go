package courses

import (
	"context"
	"io"
	"mime/multipart"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// PendingInvitations lists, for a user's dashboard, what waits for their
// answer (package cohorts: invitations to cohorts), as the dashboard page
// shows it.
type PendingInvitations interface {
	PendingFor(ctx context.Context, user models.User, lang string) (any, error)
}

// Handler serves courses as JSON and as pages.
type Handler struct {
	svc         *Service
	r           *web.Renderer
	invitations PendingInvitations // nil: none
}

// NewHandler builds the courses handler; invitations fills the dashboard's
// list of pending invitations.
func NewHandler(svc *Service, r *web.Renderer, invitations PendingInvitations) *Handler {
	return &Handler{svc: svc, r: r, invitations: invitations}
}

// Routes mounts the handlers: the JSON API on api, the pages on app.
func (h *Handler) Routes(app fiber.Router, api fiber.Router) {
	api.Get("/courses", h.listCourses)
	api.Get("/courses/:slug", h.showCourse)
	api.Post("/courses/:slug/enroll", auth.RequireUser, h.enrol)
	api.Get("/lessons/:id", auth.RequireUser, h.showLesson)
	api.Post("/lessons/:id/complete", auth.RequireUser, h.completeLesson)
	api.Get("/me/progress", auth.RequireUser, h.myProgress)

	app.Get("/", h.showHome)
	app.Get("/courses", h.showCatalogPage)
	app.Get("/courses/:slug", h.showCoursePage)
	app.Post("/courses/:slug/enroll", auth.RequireUser, h.submitEnrol)
	app.Get("/lessons/:id", auth.RequireUser, h.showLessonPage)
	app.Post("/lessons/:id/complete", auth.RequireUser, h.submitComplete)
	app.Get("/dashboard", auth.RequireUser, h.showDashboard)
}

// PathID reads a numeric id from the path; anything else is not found.
func PathID(c *fiber.Ctx) (int64, error) {
	n, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, web.ErrNotFound
	}
	return n, nil
}

func ProfessionFilter(c *fiber.Ctx) (string, error) {
	p := c.Query("profession")
	if p != "" && !models.Valid(p, models.Professions) {
		return "", web.Invalid(web.Field("profession", "err.profession"))
	}
	return p, nil
}

func (h *Handler) listCourses(c *fiber.Ctx) error {
	p, err := ProfessionFilter(c)
	if err != nil {
		return err
	}
	items, err := h.svc.Catalog(c.UserContext(), auth.User(c), p, web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *Handler) showCourse(c *fiber.Ctx) error {
	d, err := h.svc.Course(c.UserContext(), c.Params("slug"), auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handler) enrol(c *fiber.Ctx) error {
	created, err := h.svc.Enrol(c.UserContext(), *auth.User(c), c.Params("slug"))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"course_slug": c.Params("slug"), "enrolled": true})
}

func (h *Handler) showLesson(c *fiber.Ctx) error {
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	b, err := h.svc.LessonJSON(c.UserContext(), lid, *auth.User(c), web.Lang(c), web.EncodeJSON)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}

func (h *Handler) completeLesson(c *fiber.Ctx) error {
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Complete(c.UserContext(), *auth.User(c), lid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) myProgress(c *fiber.Ctx) error {
	items, err := h.svc.MyProgress(c.UserContext(), *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// ReadUpload reads at most max+1 bytes of an uploaded file (the check of
// the size is the caller's).
func ReadUpload(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max+1))
}
