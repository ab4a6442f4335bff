package courses

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/markdown"
	"tadrib/internal/web"
	"tadrib/models"
)

// authorRoutes mounts the course editor's pages (a trainer's home, a course,
// its modules and lessons, publishing, packages) and the authoring API that
// handler.go does not mount. Every page works without JavaScript;
// assets/static/author.js adds drag-and-drop, a live preview and image
// uploads that insert their Markdown where the cursor is.
func (h *Handler) authorRoutes(app, api fiber.Router, staff fiber.Handler) {
	h.authorAPIRoutes(app, api, staff)
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

// textLang is the content language a page edits (?tl=, or the form's tl):
// the course's language unless another is asked for.
func textLang(c *fiber.Ctx, def string) string {
	tl := c.Query("tl", c.FormValue("tl"))
	if models.Valid(tl, models.Locales) {
		return tl
	}
	return def
}

// fieldErrors gives a form the field errors of a service error; other
// errors come back as they are.
func fieldErrors(err error) (map[string]web.FieldError, error) {
	var we *web.Error
	if errors.As(err, &we) && we.Status == fiber.StatusBadRequest {
		return web.FormErrors(we.Fields), nil
	}
	return nil, HTTPError(err)
}

func (h *Handler) showAuthorHome(c *fiber.Ctx) error {
	items, err := h.svc.Authored(c.UserContext(), *Viewer(c), web.Lang(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "author_home", h.r.T(c, "authoring.home_title"), map[string]any{"Items": items})
}

// courseForm is the new-course form and what was typed into it.
type courseForm struct {
	Slug, Title, Summary, Locale, Hours, ValidityDays string
	Audiences                                         map[string]bool
	Professions, Locales                              []string
	Errors                                            map[string]web.FieldError
}

func (h *Handler) showNewCourse(c *fiber.Ctx) error {
	f := courseForm{Locale: web.Lang(c), Hours: "1", ValidityDays: "0", Audiences: map[string]bool{}, Professions: models.Professions, Locales: models.Locales}
	return h.r.Page(c, fiber.StatusOK, "author_course_new", h.r.T(c, "authoring.new_course"), f)
}

// formFloat and formInt read optional numbers; a malformed one is a field error.
func formFloat(c *fiber.Ctx, key string, errs map[string]web.FieldError) *float64 {
	v := strings.TrimSpace(strings.ReplaceAll(c.FormValue(key), ",", "."))
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		errs[key] = web.Field(key, "err.number")
		return nil
	}
	return &f
}

func formInt(c *fiber.Ctx, key string, errs map[string]web.FieldError) *int {
	v := strings.TrimSpace(c.FormValue(key))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		errs[key] = web.Field(key, "err.number")
		return nil
	}
	return &n
}

func formAudiences(c *fiber.Ctx) []string {
	var out []string
	for _, p := range models.Professions {
		if c.FormValue("audience_"+p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) submitNewCourse(c *fiber.Ctx) error {
	f := courseForm{Slug: strings.TrimSpace(c.FormValue("slug")), Title: c.FormValue("title"), Summary: c.FormValue("summary"),
		Locale: c.FormValue("locale"), Hours: c.FormValue("hours"), ValidityDays: c.FormValue("validity_days"),
		Audiences: map[string]bool{}, Professions: models.Professions, Locales: models.Locales, Errors: map[string]web.FieldError{}}
	aud := formAudiences(c)
	for _, a := range aud {
		f.Audiences[a] = true
	}
	slug := f.Slug
	if slug == "" {
		slug = Slugify(f.Title, "")
	}
	in := CourseInput{Slug: &slug, Title: &f.Title, Summary: &f.Summary, Locale: &f.Locale, Audiences: &aud,
		Hours: formFloat(c, "hours", f.Errors), ValidityDays: formInt(c, "validity_days", f.Errors)}
	var d CourseDetail
	var err error
	if len(f.Errors) == 0 {
		d, err = h.svc.CreateCourse(c.UserContext(), *Viewer(c), in)
	} else {
		err = web.Invalid(in.validate(true)...) // the other fields' errors too
	}
	if errors.Is(err, ErrSlugTaken) {
		err = web.Invalid(web.Field("slug", "err.slug_taken"))
	}
	if err != nil {
		errs, err := fieldErrors(err)
		if err != nil {
			return err
		}
		for k, v := range errs {
			f.Errors[k] = v
		}
		if _, ok := f.Errors["slug"]; ok && f.Slug == "" {
			f.Slug = slug // show the slug we made, to be corrected
		}
		return h.r.Page(c, fiber.StatusUnprocessableEntity, "author_course_new", h.r.T(c, "authoring.new_course"), f)
	}
	return c.Redirect("/author/courses/"+d.Slug+"?created=1", fiber.StatusSeeOther)
}

// edModule and edLesson are a module and a lesson in the course editor, in
// the language being edited, with the languages they lack.
type edModule struct {
	ID       int64
	Slug     string
	Title    string
	Missing  []string // languages without a title
	Fallback bool     // no title in the edited language: Title is the default language's
	QuizID   int64
	Lessons  []edLesson
	First    bool
	Last     bool
	Position int
	MoveURL  string
}

type edLesson struct {
	ID       int64
	Title    string
	Minutes  int
	Missing  []string
	Fallback bool
	First    bool
	Last     bool
	Position int
	MoveURL  string
}

// courseEditor is the data of the course editor page.
type courseEditor struct {
	Course               models.Course
	TL                   string
	Locales, Professions []string
	Title, Summary       string
	Heading              string   // the title in TL, else in the default language
	TextMissing          []string // languages the course's title lacks
	HasText              bool     // the course has a title in TL
	Audiences            map[string]bool
	PrereqOptions        []CourseRef     // the other courses the editor may name as prerequisites
	Prereqs              map[string]bool // those named
	Modules              []edModule
	LessonCount          int
	Errors               map[string]web.FieldError
	Notice               string
	Hours                string
}

func missing(has map[string]bool) []string {
	var out []string
	for _, l := range models.Locales {
		if !has[l] {
			out = append(out, l)
		}
	}
	return out
}

// editorData loads a course for its editor, checking editor's rights.
func (h *Handler) editorData(c *fiber.Ctx, slug string) (courseEditor, error) {
	me := *Viewer(c)
	ctx := c.UserContext()
	if _, err := h.svc.Editable(ctx, h.svc.DB.R.WithContext(ctx), me, slug); err != nil {
		return courseEditor{}, HTTPError(err)
	}
	t, err := h.svc.LoadTree(ctx, slug)
	if err != nil {
		return courseEditor{}, HTTPError(err)
	}
	e := courseEditor{Course: t.Course, TL: textLang(c, t.Locale), Locales: models.Locales, Professions: models.Professions,
		Audiences: map[string]bool{}, Hours: strconv.FormatFloat(t.Hours, 'f', -1, 64)}
	for _, a := range t.AudienceList() {
		e.Audiences[a] = true
	}
	others, err := h.svc.Catalog(ctx, &me, "", e.TL)
	if err != nil {
		return e, err
	}
	for _, o := range others {
		if o.Slug != t.Slug {
			e.PrereqOptions = append(e.PrereqOptions, CourseRef{Slug: o.Slug, Title: o.Title})
		}
	}
	e.Prereqs = map[string]bool{}
	for _, p := range t.PrerequisiteList() {
		e.Prereqs[p] = true
	}
	has := map[string]bool{}
	for _, tx := range t.Texts {
		has[tx.Lang] = true
		if tx.Lang == e.TL {
			e.Title, e.Summary, e.HasText = tx.Title, tx.Summary, true
		}
	}
	e.TextMissing = missing(has)
	e.Heading, _ = t.Title(e.TL)
	var quizzes map[int64]QuizStatus
	if h.svc.Quizzes != nil {
		if quizzes, err = h.svc.Quizzes.CourseQuizzes(ctx, me.ID, t.ID, e.TL); err != nil {
			return e, err
		}
	}
	for i, m := range t.Modules {
		em := edModule{ID: m.ID, Slug: m.Slug, Title: ModuleTitle(m, e.TL, t.Locale), QuizID: quizzes[m.ID].QuizID,
			First: i == 0, Last: i == len(t.Modules)-1, Position: i + 1, MoveURL: fmt.Sprintf("/author/modules/%d/move", m.ID)}
		has := map[string]bool{}
		for _, tx := range m.Texts {
			has[tx.Lang] = true
		}
		em.Missing, em.Fallback = missing(has), !has[e.TL]
		for j, l := range m.Lessons {
			el := edLesson{ID: l.ID, Title: lessonTitle(l, e.TL, t.Locale), Minutes: l.Minutes, First: j == 0, Last: j == len(m.Lessons)-1, Position: j + 1,
				MoveURL: fmt.Sprintf("/author/lessons/%d/move", l.ID)}
			has := map[string]bool{}
			for _, tx := range l.Texts {
				has[tx.Lang] = true
			}
			el.Missing, el.Fallback = missing(has), !has[e.TL]
			em.Lessons = append(em.Lessons, el)
			e.LessonCount++
		}
		e.Modules = append(e.Modules, em)
	}
	return e, nil
}

func (h *Handler) renderEditor(c *fiber.Ctx, status int, e courseEditor) error {
	title := e.Heading
	if title == "" {
		title = e.Course.Slug
	}
	return h.r.Page(c, status, "author_course", title, e)
}

func (h *Handler) showCourseEditor(c *fiber.Ctx) error {
	e, err := h.editorData(c, c.Params("slug"))
	if err != nil {
		return err
	}
	for _, n := range []string{"created", "saved", "published", "unpublished", "imported", "deleted", "module_deleted"} {
		if c.Query(n) == "1" {
			e.Notice = "authoring.notice_" + n
		}
	}
	return h.renderEditor(c, fiber.StatusOK, e)
}

// editorURL is the course editor in a content language, at an anchor.
func editorURL(slug, tl, query, anchor string) string {
	u := "/author/courses/" + slug + "?tl=" + url.QueryEscape(tl)
	if query != "" {
		u += "&" + query
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

func (h *Handler) submitCourse(c *fiber.Ctx) error {
	slug := c.Params("slug")
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	errs := map[string]web.FieldError{}
	aud := formAudiences(c)
	prereqs := []string{}
	for _, o := range e.PrereqOptions {
		if c.FormValue("prereq_"+o.Slug) != "" {
			prereqs = append(prereqs, o.Slug)
		}
	}
	locale := c.FormValue("locale", e.Course.Locale)
	in := CourseInput{Audiences: &aud, Prerequisites: &prereqs, Locale: &locale, Lang: &e.TL,
		Hours: formFloat(c, "hours", errs), ValidityDays: formInt(c, "validity_days", errs)}
	title, summary := c.FormValue("title"), c.FormValue("summary")
	// A language not translated yet may stay so: the form's empty fields
	// then add nothing.
	if e.HasText || strings.TrimSpace(title+summary) != "" {
		in.Title, in.Summary = &title, &summary
		if strings.TrimSpace(title) == "" {
			errs["title"] = web.Field("title", "err.required")
		}
	}
	if len(errs) == 0 {
		_, err = h.svc.UpdateCourse(c.UserContext(), *Viewer(c), slug, in)
		if err == nil {
			return c.Redirect(editorURL(slug, e.TL, "saved=1", ""), fiber.StatusSeeOther)
		}
		fe, err := fieldErrors(err)
		if err != nil {
			return err
		}
		errs = fe
	}
	e.Errors, e.Title, e.Summary = errs, title, summary
	e.Audiences = map[string]bool{}
	for _, a := range aud {
		e.Audiences[a] = true
	}
	e.Prereqs = map[string]bool{}
	for _, p := range prereqs {
		e.Prereqs[p] = true
	}
	return h.renderEditor(c, fiber.StatusUnprocessableEntity, e)
}

func (h *Handler) submitNewModule(c *fiber.Ctx) error {
	slug := c.Params("slug")
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	title := c.FormValue("title")
	mslug := Slugify(title, "module")
	// Slugs are unique in a course: number a repeated one.
	taken := map[string]bool{}
	for _, m := range e.Modules {
		taken[m.Slug] = true
	}
	for i, base := 2, mslug; taken[mslug]; i++ {
		mslug = fmt.Sprintf("%s-%d", base, i)
	}
	m, err := h.svc.AddModule(c.UserContext(), *Viewer(c), slug, ModuleInput{Slug: &mslug, Title: &title, Lang: &e.TL})
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
	if _, err := h.svc.UpdateModule(c.UserContext(), *Viewer(c), mid, ModuleInput{Title: &title, Lang: &tl}); err != nil {
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
	if err := h.svc.DB.R.WithContext(c.UserContext()).Take(&m, "id = ?", mid).Error; err != nil {
		return err
	}
	pos, err := wantedPosition(c, m.Position)
	if err != nil {
		return err
	}
	if _, err := h.svc.UpdateModule(c.UserContext(), *Viewer(c), mid, ModuleInput{Position: &pos}); err != nil {
		return HTTPError(err)
	}
	return c.Redirect(editorURL(course.Slug, textLang(c, course.Locale), "", fmt.Sprintf("module-%d", mid)), fiber.StatusSeeOther)
}

func (h *Handler) submitNewLesson(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	tl := textLang(c, course.Locale)
	title := c.FormValue("title")
	errs := map[string]web.FieldError{}
	minutes := formInt(c, "minutes", errs)
	l, err := h.svc.AddLesson(c.UserContext(), *Viewer(c), mid, LessonInput{Title: &title, Minutes: minutes, Lang: &tl})
	if err == nil && len(errs) > 0 {
		err = web.Invalid()
	}
	if err != nil {
		return h.editorFieldError(c, course.Slug, fmt.Sprintf("lesson_%d", mid), err)
	}
	return c.Redirect("/author/lessons/"+l.ID+"?tl="+tl+"&created=1", fiber.StatusSeeOther)
}

func (h *Handler) submitMoveLesson(c *fiber.Ctx) error {
	lid, err := PathID(c)
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
	if _, err := h.svc.UpdateLesson(c.UserContext(), *Viewer(c), lid, LessonInput{Position: &pos}); err != nil {
		return HTTPError(err)
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
	if err := h.svc.DB.R.WithContext(ctx).Preload("Texts").Take(&l, "id = ?", lid).Error; err != nil {
		return lessonEditor{}, web.ErrNotFound
	}
	course, err := h.svc.CheckEditModule(ctx, *Viewer(c), l.ModuleID)
	if err != nil {
		return lessonEditor{}, HTTPError(err)
	}
	var m models.Module
	if err := h.svc.DB.R.WithContext(ctx).Preload("Texts").Take(&m, "id = ?", l.ModuleID).Error; err != nil {
		return lessonEditor{}, err
	}
	e := lessonEditor{Course: course, Lesson: l, TL: textLang(c, course.Locale), Locales: models.Locales, Texts: map[string]models.LessonText{},
		Minutes: l.Minutes, MaxImageMB: MaxImage >> 20}
	e.ModuleTitle = ModuleTitle(m, e.TL, course.Locale)
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
	lid, err := PathID(c)
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
	lid, err := PathID(c)
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
		data, err := ReadUpload(fh, MaxImage)
		if err != nil {
			return err
		}
		img, err := h.svc.SaveImage(c.UserContext(), *Viewer(c), e.Course.Slug, c.FormValue("alt", fh.Filename), data)
		if err != nil {
			var we *web.Error
			if errors.As(err, &we) && len(we.Fields) > 0 {
				e.Errors["image"] = we.Fields[0]
				return h.r.Page(c, we.Status, "author_lesson", e.Title, e)
			}
			return HTTPError(err)
		}
		e.BodyMD = strings.TrimRight(e.BodyMD, "\n") + "\n\n" + img.Markdown + "\n"
		query = "image=1"
	}
	_, err = h.svc.UpdateLesson(c.UserContext(), *Viewer(c), lid, LessonInput{Title: &e.Title, BodyMD: &e.BodyMD, Minutes: minutes, Lang: &e.TL})
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
	lid, err := PathID(c)
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
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	e, err := h.lessonData(c, lid)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteLesson(c.UserContext(), *Viewer(c), lid); err != nil {
		return HTTPError(err)
	}
	return c.Redirect(editorURL(e.Course.Slug, e.TL, "deleted=1", fmt.Sprintf("module-%d", e.Lesson.ModuleID)), fiber.StatusSeeOther)
}

// publishPage shows a course as trainees will see it before it is
// published: its outline in the reader's language, its counts and what is
// not translated.
type publishPage struct {
	Editor courseEditor
	Detail CourseDetail
	Gaps   []string // "module title (ar, en)" lines
	Empty  bool     // no lesson at all: nothing to publish
}

func (h *Handler) showPublish(c *fiber.Ctx) error {
	slug := c.Params("slug")
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	d, err := h.svc.Course(c.UserContext(), slug, Viewer(c), web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	p := publishPage{Editor: e, Detail: d, Empty: e.LessonCount == 0}
	if len(e.TextMissing) > 0 {
		p.Gaps = append(p.Gaps, fmt.Sprintf("%s (%s)", d.Title, strings.Join(e.TextMissing, ", ")))
	}
	for _, m := range e.Modules {
		if len(m.Missing) > 0 {
			p.Gaps = append(p.Gaps, fmt.Sprintf("%s (%s)", m.Title, strings.Join(m.Missing, ", ")))
		}
		for _, l := range m.Lessons {
			if len(l.Missing) > 0 {
				p.Gaps = append(p.Gaps, fmt.Sprintf("%s › %s (%s)", m.Title, l.Title, strings.Join(l.Missing, ", ")))
			}
		}
	}
	return h.r.Page(c, fiber.StatusOK, "author_publish", h.r.T(c, "authoring.publish_title"), p)
}

func (h *Handler) submitPublish(c *fiber.Ctx) error {
	slug := c.Params("slug")
	publish := c.FormValue("state") == "publish"
	if _, err := h.svc.UpdateCourse(c.UserContext(), *Viewer(c), slug, CourseInput{Published: &publish}); err != nil {
		return HTTPError(err)
	}
	q := "unpublished=1"
	if publish {
		q = "published=1"
	}
	return c.Redirect(editorURL(slug, textLang(c, ""), q, ""), fiber.StatusSeeOther)
}

func (h *Handler) showDeleteModule(c *fiber.Ctx) error {
	mid, err := PathID(c)
	if err != nil {
		return err
	}
	course, w, err := h.svc.ModuleWeight(c.UserContext(), *Viewer(c), mid)
	if err != nil {
		return HTTPError(err)
	}
	var m models.Module
	if err := h.svc.DB.R.WithContext(c.UserContext()).Preload("Texts").Take(&m, "id = ?", mid).Error; err != nil {
		return err
	}
	tl := textLang(c, course.Locale)
	return h.r.Page(c, fiber.StatusOK, "author_module_delete", h.r.T(c, "authoring.delete_module"), map[string]any{
		"Course": course, "ModuleID": mid, "Title": ModuleTitle(m, tl, course.Locale), "TL": tl,
		"Lessons": int(w.Lessons), "Questions": int(w.Questions), "Attempts": int(w.Attempts)})
}

func (h *Handler) submitDeleteModule(c *fiber.Ctx) error {
	mid, course, err := h.editableModule(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteModule(c.UserContext(), *Viewer(c), mid); err != nil {
		return HTTPError(err)
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
	mid, err := PathID(c)
	if err != nil {
		return 0, models.Course{}, err
	}
	course, err := h.svc.CheckEditModule(c.UserContext(), *Viewer(c), mid)
	if err != nil {
		return 0, models.Course{}, HTTPError(err)
	}
	return mid, course, nil
}
