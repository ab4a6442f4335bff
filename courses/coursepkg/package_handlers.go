package coursepkg

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// importZip reads and imports a zipped package as a draft.
func (h *Handler) importZip(c *fiber.Ctx, data []byte, slug string) (string, error) {
	if slug != "" && !courses.ValidSlug(slug) {
		return "", web.Invalid(web.Field("slug", "err.slug"))
	}
	pkg, err := ReadZip(data)
	if err != nil {
		return "", err
	}
	pkg.Manifest.Published = false // an import is checked before trainees see it
	me := auth.User(c)
	course, err := h.svc.ImportPackage(c.UserContext(), pkg, &me.ID, slug)
	if err != nil {
		return "", err
	}
	return course.Slug, nil
}

func (h *Handler) importCourse(c *fiber.Ctx) error {
	slug, err := h.importZip(c, c.Body(), c.Query("slug"))
	if err != nil {
		return err
	}
	d, err := h.courses.Course(c.UserContext(), slug, auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/courses/" + slug)
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handler) exportCourse(c *fiber.Ctx) error {
	slug := c.Params("slug")
	b, err := h.svc.ExportPackage(c.UserContext(), *auth.User(c), slug)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+slug+`.zip"; filename*=UTF-8''`+url.PathEscape(slug)+".zip")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

func (h *Handler) showImportCourse(c *fiber.Ctx) error {
	return h.r.Page(c, fiber.StatusOK, "author_course_import", h.r.T(c, "authoring.import_title"), map[string]any{})
}

func (h *Handler) submitImportCourse(c *fiber.Ctx) error {
	render := func(status int, data map[string]any) error {
		return h.r.Page(c, status, "author_course_import", h.r.T(c, "authoring.import_title"), data)
	}
	fh, err := c.FormFile("package")
	if err != nil {
		return render(fiber.StatusUnprocessableEntity, map[string]any{"Missing": true})
	}
	data, err := courses.ReadUpload(fh, int64(len(c.Body())))
	if err != nil {
		return err
	}
	slug, err := h.importZip(c, data, strings.TrimSpace(c.FormValue("slug")))
	if err != nil {
		if we, bug := web.Classify(err); !bug && (we.Status == fiber.StatusUnprocessableEntity || we.Status == fiber.StatusConflict || we.Status == fiber.StatusBadRequest) {
			return render(we.Status, map[string]any{"Problems": we.Fields, "Conflict": we.Status == fiber.StatusConflict, "Slug": c.FormValue("slug")})
		}
		return err
	}
	return c.Redirect("/author/courses/"+slug+"?imported=1", fiber.StatusSeeOther)
}
