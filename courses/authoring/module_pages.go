package authoring

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

func (h *Handler) submitNewModule(c *fiber.Ctx) error {
	slug := c.Params("slug")
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	title := c.FormValue("title")
	mslug := courses.Slugify(title, "module")
	// Slugs are unique in a course: number a repeated one.
	taken := map[string]bool{}
	for _, m := range e.Modules {
		taken[m.Slug] = true
	}
	for i, base := 2, mslug; taken[mslug]; i++ {
		mslug = fmt.Sprintf("%s-%d", base, i)
	}
	m, err := h.svc.AddModule(c.UserContext(), *auth.User(c), slug, ModuleInput{Slug: &mslug, Title: &title, Lang: &e.TL})
	if err != nil {
		fe, err := fieldErrors(err)
		if err != nil {
			return err
		}
		e.Errors = map[string]web.FieldError{}
		if f, ok := fe["title"]; ok {
			e.Errors["module_title"] = f
		}
		return h.renderEditor(c, fiber.StatusUnprocessableEntity, e)
	}
	return c.Redirect(editorURL(slug, e.TL, "", "module-"+m.ID), fiber.StatusSeeOther)
}

func (h *Handler) submitModule(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	tl := textLang(c, course.Locale)
	title := c.FormValue("title")
	if _, err := h.svc.UpdateModule(c.UserContext(), *auth.User(c), mid, ModuleInput{Title: &title, Lang: &tl}); err != nil {
		return h.editorFieldError(c, course.Slug, fmt.Sprintf("module_%d", mid), err)
	}
	return c.Redirect(editorURL(course.Slug, tl, "saved=1", fmt.Sprintf("module-%d", mid)), fiber.StatusSeeOther)
}

// wantedPosition reads a move: position=N (drag-and-drop), or dir=up|down
// from the current position (the buttons).
func wantedPosition(c *fiber.Ctx, current int) (int, error) {
	if p := c.FormValue("position"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			return 0, web.Invalid(web.Field("position", "err.range", 1, 10000))
		}
		return n, nil
	}
	switch c.FormValue("dir") {
	case "up":
		return max(current-1, 1), nil
	case "down":
		return current + 1, nil
	}
	return 0, web.Invalid(web.Field("dir", "err.required"))
}

func (h *Handler) submitMoveModule(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	var m models.Module
	if err := h.svc.db.R.WithContext(c.UserContext()).Take(&m, "id = ?", mid).Error; err != nil {
		return err
	}
	pos, err := wantedPosition(c, m.Position)
	if err != nil {
		return err
	}
	if _, err := h.svc.UpdateModule(c.UserContext(), *auth.User(c), mid, ModuleInput{Position: &pos}); err != nil {
		return err
	}
	return c.Redirect(editorURL(course.Slug, textLang(c, course.Locale), "", fmt.Sprintf("module-%d", mid)), fiber.StatusSeeOther)
}

func (h *Handler) showDeleteModule(c *fiber.Ctx) error {
	mid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	course, w, err := h.svc.ModuleWeight(c.UserContext(), *auth.User(c), mid)
	if err != nil {
		return err
	}
	var m models.Module
	if err := h.svc.db.R.WithContext(c.UserContext()).Preload("Texts").Take(&m, "id = ?", mid).Error; err != nil {
		return err
	}
	tl := textLang(c, course.Locale)
	return h.r.Page(c, fiber.StatusOK, "author_module_delete", h.r.T(c, "authoring.delete_module"), map[string]any{
		"Course": course, "ModuleID": mid, "Title": courses.ModuleTitle(m, tl, course.Locale), "TL": tl,
		"Lessons": int(w.Lessons), "Questions": int(w.Questions), "Attempts": int(w.Attempts)})
}

func (h *Handler) submitDeleteModule(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteModule(c.UserContext(), *auth.User(c), mid); err != nil {
		return err
	}
	return c.Redirect(editorURL(course.Slug, textLang(c, course.Locale), "module_deleted=1", ""), fiber.StatusSeeOther)
}

// editorFieldError shows the course editor again with the field errors of
// err (a validation error) under one form's key; any other error is
// returned as is.
func (h *Handler) editorFieldError(c *fiber.Ctx, slug, key string, err error) error {
	fe, err := fieldErrors(err)
	if err != nil {
		return err
	}
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	e.Errors = map[string]web.FieldError{}
	for _, f := range fe {
		e.Errors[key] = f
	}
	return h.renderEditor(c, fiber.StatusUnprocessableEntity, e)
}

// editableModule reads the module id of the path and checks that the viewer
// may edit its course.
func (h *Handler) editableModule(c *fiber.Ctx) (int64, models.Course, error) {
	mid, err := courses.PathID(c)
	if err != nil {
		return 0, models.Course{}, err
	}
	course, err := h.courses.CheckEditModule(c.UserContext(), *auth.User(c), mid)
	if err != nil {
		return 0, models.Course{}, err
	}
	return mid, course, nil
}
