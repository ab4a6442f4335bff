package courses

import (
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/markdown"
	"tadrib/internal/web"
)

// authorAPIRoutes mounts the authoring API that handler.go does not: module
// changes, images, the Markdown preview, course packages; and the public
// image URLs.
func (h *Handler) authorAPIRoutes(app, api fiber.Router, staff fiber.Handler) {
	api.Patch("/modules/:id", staff, h.updateModule)
	api.Delete("/lessons/:id", staff, h.deleteLesson)
	api.Delete("/modules/:id", staff, h.deleteModule)
	api.Post("/courses/import", staff, h.importCourse)
	api.Get("/courses/:slug/export", staff, h.exportCourse)
	api.Post("/courses/:slug/images", staff, h.uploadImage)
	api.Post("/markdown/preview", staff, h.previewMarkdown)
	app.Get(ImagePath+":name", h.serveImage)
}

func (h *Handler) updateModule(c *fiber.Ctx) error {
	mid, err := pathID(c)
	if err != nil {
		return err
	}
	var in ModuleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.Svc.UpdateModule(c.UserContext(), *viewer(c), mid, in)
	if err != nil {
		return httpError(err)
	}
	return c.JSON(m)
}

func (h *Handler) deleteLesson(c *fiber.Ctx) error {
	lid, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := h.Svc.DeleteLesson(c.UserContext(), *viewer(c), lid); err != nil {
		return httpError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) deleteModule(c *fiber.Ctx) error {
	mid, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := h.Svc.DeleteModule(c.UserContext(), *viewer(c), mid); err != nil {
		return httpError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// packageProblem is the 422 of a broken package: every problem, with its
// file and line.
func packageProblem(pe PackageErrors) error {
	fields := make([]web.FieldError, len(pe))
	for i, e := range pe {
		fields[i] = web.FieldError{File: e.File, Line: e.Line, Message: e.Message}
	}
	return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "authoring.package_broken", Fields: fields}
}

// importZip reads and imports a zipped package as a draft.
func (h *Handler) importZip(c *fiber.Ctx, data []byte, slug string) (string, error) {
	if slug != "" && !slugRE.MatchString(slug) {
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
	me := viewer(c)
	course, err := h.Svc.ImportPackage(c.UserContext(), pkg, &me.ID, slug)
	if errors.As(err, &pe) {
		return "", packageProblem(pe)
	}
	if err != nil {
		return "", httpError(err)
	}
	return course.Slug, nil
}

func (h *Handler) importCourse(c *fiber.Ctx) error {
	slug, err := h.importZip(c, c.Body(), c.Query("slug"))
	if err != nil {
		return err
	}
	d, err := h.Svc.Course(c.UserContext(), slug, viewer(c), web.Lang(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/courses/" + slug)
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handler) exportCourse(c *fiber.Ctx) error {
	slug := c.Params("slug")
	b, err := h.Svc.ExportPackage(c.UserContext(), *viewer(c), slug)
	if err != nil {
		return httpError(err)
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+slug+`.zip"; filename*=UTF-8''`+url.PathEscape(slug)+".zip")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}

// imageBody reads an uploaded image: a multipart form's "image" file, or the
// raw body. The client's name is kept only as the image's description.
func imageBody(c *fiber.Ctx) (data []byte, name string, err error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("image")
		if err != nil {
			return nil, "", web.Invalid(web.Field("image", "err.required"))
		}
		data, err := readUpload(fh, MaxImage)
		return data, fh.Filename, err
	}
	return c.Body(), c.Query("name"), nil
}

// readUpload reads at most max+1 bytes of an uploaded file (the check of
// the size is the caller's).
func readUpload(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max+1))
}

func (h *Handler) uploadImage(c *fiber.Ctx) error {
	data, name, err := imageBody(c)
	if err != nil {
		return err
	}
	alt := c.FormValue("alt", name)
	img, err := h.Svc.SaveImage(c.UserContext(), *viewer(c), c.Params("slug"), alt, data)
	if err != nil {
		return httpError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(img)
}

// previewMarkdown renders Markdown exactly as trainees will see it: the same
// renderer and sanitizer as a saved lesson.
func (h *Handler) previewMarkdown(c *fiber.Ctx) error {
	var in struct {
		BodyMD string `json:"body_md"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	html, err := markdown.ToHTML(in.BodyMD)
	if err != nil {
		return web.Invalid(web.MarkdownField("body_md", err))
	}
	return c.JSON(fiber.Map{"html": html})
}
