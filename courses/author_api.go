package courses

import (
	"io"
	"mime/multipart"
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
	api.Post("/courses/:slug/images", staff, h.uploadImage)
	api.Post("/markdown/preview", staff, h.previewMarkdown)
	app.Get(ImagePath+":name", h.serveImage)
}

func (h *Handler) updateModule(c *fiber.Ctx) error {
	mid, err := PathID(c)
	if err != nil {
		return err
	}
	var in ModuleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.svc.UpdateModule(c.UserContext(), *Viewer(c), mid, in)
	if err != nil {
		return HTTPError(err)
	}
	return c.JSON(m)
}

func (h *Handler) deleteLesson(c *fiber.Ctx) error {
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteLesson(c.UserContext(), *Viewer(c), lid); err != nil {
		return HTTPError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) deleteModule(c *fiber.Ctx) error {
	mid, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteModule(c.UserContext(), *Viewer(c), mid); err != nil {
		return HTTPError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// imageBody reads an uploaded image: a multipart form's "image" file, or the
// raw body. The client's name is kept only as the image's description.
func imageBody(c *fiber.Ctx) (data []byte, name string, err error) {
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("image")
		if err != nil {
			return nil, "", web.Invalid(web.Field("image", "err.required"))
		}
		data, err := ReadUpload(fh, MaxImage)
		return data, fh.Filename, err
	}
	return c.Body(), c.Query("name"), nil
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

func (h *Handler) uploadImage(c *fiber.Ctx) error {
	data, name, err := imageBody(c)
	if err != nil {
		return err
	}
	alt := c.FormValue("alt", name)
	img, err := h.svc.SaveImage(c.UserContext(), *Viewer(c), c.Params("slug"), alt, data)
	if err != nil {
		return HTTPError(err)
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
