package coursepkg

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/web"
)

// packageProblem is the 422 of a broken package: every problem, with its
// file and line.
func packageProblem(pe PackageErrors) error {
	fields := make([]web.FieldError, len(pe))
	for i, e := range pe {
		// The error handler translates Key and Args (nested i18n.Msgs
		// included) into the request's language.
		fields[i] = web.FieldError{File: e.File, Line: e.Line, Message: e.Message, Key: e.Key, Args: e.Args}
	}
	return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "authoring.package_broken", Fields: fields}
}

// importZip reads and imports a zipped package as a draft.
func (h *Handler) importZip(c *fiber.Ctx, data []byte, slug string) (string, error) {
	if slug != "" && !courses.ValidSlug(slug) {
		return "", web.Invalid(web.Field("slug", "err.slug"))
	}
	pkg, err := ReadZip(data)
	var pe PackageErrors
	if errors.As(err, &pe) {
		return "", packageProblem(pe)
	}
	if err != nil {
		return "", err
	}
	pkg.Manifest.Published = false // an import is checked before trainees see it
	me := courses.Viewer(c)
	course, err := h.svc.ImportPackage(c.UserContext(), pkg, &me.ID, slug)
	if errors.As(err, &pe) {
		return "", packageProblem(pe)
	}
	if err != nil {
		return "", courses.HTTPError(err)
	}
	return course.Slug, nil
}

func (h *Handler) importCourse(c *fiber.Ctx) error {
	slug, err := h.importZip(c, c.Body(), c.Query("slug"))
	if err != nil {
		return err
	}
	d, err := h.courses.Course(c.UserContext(), slug, courses.Viewer(c), web.Lang(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/courses/" + slug)
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handler) exportCourse(c *fiber.Ctx) error {
	slug := c.Params("slug")
	b, err := h.svc.ExportPackage(c.UserContext(), *courses.Viewer(c), slug)
	if err != nil {
		return courses.HTTPError(err)
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
		var we *web.Error
		if errors.As(err, &we) && (we.Status == fiber.StatusUnprocessableEntity || we.Status == fiber.StatusConflict || we.Status == fiber.StatusBadRequest) {
			return render(we.Status, map[string]any{"Problems": we.Fields, "Conflict": we.Status == fiber.StatusConflict, "Slug": c.FormValue("slug")})
		}
		return err
	}
	return c.Redirect("/author/courses/"+slug+"?imported=1", fiber.StatusSeeOther)
}
