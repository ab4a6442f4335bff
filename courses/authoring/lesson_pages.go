package authoring

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/markdown"
	"tadrib/internal/web"
	"tadrib/models"
)

func (h *Handler) submitNewLesson(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	tl := textLang(c, course.Locale)
	title := c.FormValue("title")
	errs := map[string]web.FieldError{}
	minutes := formInt(c, "minutes", errs)
	key := fmt.Sprintf("lesson_%d", mid)
	if len(errs) > 0 {
		// Refused before anything is stored: a lesson must not be created
		// by a form that is shown again as wrong.
		var fields []web.FieldError
		for _, f := range errs {
			fields = append(fields, f)
		}
		return h.editorFieldError(c, course.Slug, key, web.Invalid(fields...))
	}
	l, err := h.svc.AddLesson(c.UserContext(), *auth.User(c), mid, LessonInput{Title: &title, Minutes: minutes, Lang: &tl})
	if err != nil {
		return h.editorFieldError(c, course.Slug, key, err)
	}
	return c.Redirect("/author/lessons/"+l.ID+"?tl="+tl+"&created=1", fiber.StatusSeeOther)
}

func (h *Handler) submitMoveLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	le, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	pos, err := wantedPosition(c, le.Lesson.Position)
	if err != nil {
		return err
	}
	if _, err := h.svc.UpdateLesson(c.UserContext(), *auth.User(c), lid, LessonInput{Position: &pos}); err != nil {
		return err
	}
	return c.Redirect(editorURL(le.Course.Slug, le.TL, "", fmt.Sprintf("module-%d", le.Lesson.ModuleID)), fiber.StatusSeeOther)
}

// lessonEditor is the data of the lesson editor.
type lessonEditor struct {
	Course      models.Course
	Lesson      models.Lesson
	ModuleTitle string
	TL          string
	Locales     []string
	Texts       map[string]models.LessonText // by language
	Has         map[string]bool              // languages the lesson has a text in
	Title       string
	BodyMD      string
	Minutes     int
	PreviewHTML string
	Fallback    *models.LessonText // the default language's text, when TL has none
	Errors      map[string]web.FieldError
	Notice      string
	MaxImageMB  int
}

// lessonData loads a lesson for its editor, checking editor's rights.
func (h *Handler) lessonData(c *fiber.Ctx, lid int64) (lessonEditor, error) {
	ctx := c.UserContext()
	var l models.Lesson
	if err := h.svc.db.R.WithContext(ctx).Preload("Texts").Take(&l, "id = ?", lid).Error; err != nil {
		return lessonEditor{}, web.ErrNotFound
	}
	course, err := h.courses.CheckEditModule(ctx, *auth.User(c), l.ModuleID)
	if err != nil {
		return lessonEditor{}, err
	}
	var m models.Module
	if err := h.svc.db.R.WithContext(ctx).Preload("Texts").Take(&m, "id = ?", l.ModuleID).Error; err != nil {
		return lessonEditor{}, err
	}
	e := lessonEditor{Course: course, Lesson: l, TL: textLang(c, course.Locale), Locales: models.Locales, Texts: map[string]models.LessonText{},
		Minutes: l.Minutes, MaxImageMB: courses.MaxImage >> 20}
	e.ModuleTitle = courses.ModuleTitle(m, e.TL, course.Locale)
	e.Has = map[string]bool{}
	for _, t := range l.Texts {
		e.Texts[t.Lang] = t
		e.Has[t.Lang] = true
	}
	if t, ok := e.Texts[e.TL]; ok {
		e.Title, e.BodyMD, e.PreviewHTML = t.Title, t.BodyMD, t.HTML
	} else if t, ok := e.Texts[course.Locale]; ok {
		e.Fallback = &t
	}
	return e, nil
}

func (h *Handler) showLessonEditor(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	e, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	for _, n := range []string{"created", "saved", "image"} {
		if c.Query(n) == "1" {
			e.Notice = "authoring.notice_lesson_" + n
		}
	}
	return h.r.Page(c, fiber.StatusOK, "author_lesson", e.Title, e)
}

// submitLesson saves a lesson's text in one language. The same form
// previews it (the "preview" button: rendered, not saved) and uploads an
// image (its Markdown is added at the end of the text, then all is saved),
// so that nothing typed is lost without JavaScript.
func (h *Handler) submitLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	e, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	e.Errors = map[string]web.FieldError{}
	e.Title, e.BodyMD = c.FormValue("title"), strings.ReplaceAll(c.FormValue("body_md"), "\r\n", "\n")
	minutes := formInt(c, "minutes", e.Errors)
	if minutes == nil && strings.TrimSpace(c.FormValue("minutes")) == "" && e.TL == e.Course.Locale {
		// Left empty: estimated from the text, at 180 words a minute.
		n := max((len(strings.Fields(e.BodyMD))+179)/180, 1)
		minutes = &n
	}
	if minutes != nil {
		e.Minutes = *minutes
	}
	e.PreviewHTML, err = markdown.ToHTML(e.BodyMD)
	if err != nil {
		e.Errors["body_md"] = web.MarkdownField("body_md", err)
	}
	action := c.FormValue("action")
	if action == "preview" || len(e.Errors) > 0 {
		status := fiber.StatusOK
		if len(e.Errors) > 0 {
			status = fiber.StatusUnprocessableEntity
		}
		return h.r.Page(c, status, "author_lesson", e.Title, e)
	}
	query := "saved=1"
	if fh, ferr := c.FormFile("image"); ferr == nil && fh.Size > 0 {
		data, err := courses.ReadUpload(fh, courses.MaxImage)
		if err != nil {
			return err
		}
		img, err := h.svc.SaveImage(c.UserContext(), *auth.User(c), e.Course.Slug, c.FormValue("alt", fh.Filename), data)
		if err != nil {
			var we *web.Error
			if errors.As(err, &we) && len(we.Fields) > 0 {
				e.Errors["image"] = we.Fields[0]
				return h.r.Page(c, we.Status, "author_lesson", e.Title, e)
			}
			return err
		}
		e.BodyMD = strings.TrimRight(e.BodyMD, "\n") + "\n\n" + img.Markdown + "\n"
		query = "image=1"
	}
	_, err = h.svc.UpdateLesson(c.UserContext(), *auth.User(c), lid, LessonInput{Title: &e.Title, BodyMD: &e.BodyMD, Minutes: minutes, Lang: &e.TL})
	if err != nil {
		fe, err := fieldErrors(err)
		if err != nil {
			return err
		}
		e.Errors = fe
		return h.r.Page(c, fiber.StatusUnprocessableEntity, "author_lesson", e.Title, e)
	}
	return c.Redirect(fmt.Sprintf("/author/lessons/%d?tl=%s&%s", lid, e.TL, query), fiber.StatusSeeOther)
}

func (h *Handler) showDeleteLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	e, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	if e.Title == "" && e.Fallback != nil {
		e.Title = e.Fallback.Title
	}
	return h.r.Page(c, fiber.StatusOK, "author_lesson_delete", h.r.T(c, "authoring.delete_lesson"), e)
}

func (h *Handler) submitDeleteLesson(c *fiber.Ctx) error {
	lid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	e, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteLesson(c.UserContext(), *auth.User(c), lid); err != nil {
		return err
	}
	return c.Redirect(editorURL(e.Course.Slug, e.TL, "deleted=1", fmt.Sprintf("module-%d", e.Lesson.ModuleID)), fiber.StatusSeeOther)
}
