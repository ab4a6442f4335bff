package authoring

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/markdown"
	"tadrib/internal/web"
)

func (h *Handler) createCourse(c *fiber.Ctx) error {
	var in CourseInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.svc.CreateCourse(c.UserContext(), *auth.User(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handler) updateCourse(c *fiber.Ctx) error {
	var in CourseInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.svc.UpdateCourse(c.UserContext(), *auth.User(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handler) addModule(c *fiber.Ctx) error {
	var in ModuleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.svc.AddModule(c.UserContext(), *auth.User(c), c.Params("slug"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handler) addLesson(c *fiber.Ctx) error {
	mid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	var in LessonInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	l, err := h.svc.AddLesson(c.UserContext(), *auth.User(c), mid, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

func (h *Handler) updateLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	var in LessonInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	l, err := h.svc.UpdateLesson(c.UserContext(), *auth.User(c), lid, in)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *Handler) updateModule(c *fiber.Ctx) error {
	mid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	var in ModuleInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.svc.UpdateModule(c.UserContext(), *auth.User(c), mid, in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *Handler) deleteLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteLesson(c.UserContext(), *auth.User(c), lid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) deleteModule(c *fiber.Ctx) error {
	mid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteModule(c.UserContext(), *auth.User(c), mid); err != nil {
		return err
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
		data, err := courses.ReadUpload(fh, courses.MaxImage)
		return data, fh.Filename, err
	}
	return c.Body(), c.Query("name"), nil
}

func (h *Handler) uploadImage(c *fiber.Ctx) error {
	data, name, err := imageBody(c)
	if err != nil {
		return err
	}
	alt := c.FormValue("alt", name)
	img, err := h.svc.SaveImage(c.UserContext(), *auth.User(c), c.Params("slug"), alt, data)
	if err != nil {
		return err
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
