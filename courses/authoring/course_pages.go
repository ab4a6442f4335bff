package authoring

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// textLang is the content language a page edits (?tl=, or the form's tl):
// the course's language unless another is asked for.
func textLang(c *fiber.Ctx, def string) string {
	tl := c.Query("tl", c.FormValue("tl"))
	if models.Valid(tl, models.Locales) {
		return tl
	}
	return def
}

// fieldErrors gives a form the field errors of a client error that names
// fields (an invalid input, a slug already taken); other errors come back
// as they are.
func fieldErrors(err error) (map[string]web.FieldError, error) {
	if we, bug := web.Classify(err); !bug && len(we.Fields) > 0 {
		return web.FormErrors(we.Fields), nil
	}
	return nil, err
}

func (h *Handler) showAuthorHome(c *fiber.Ctx) error {
	items, err := h.svc.Authored(c.UserContext(), *auth.User(c), web.Lang(c))
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
		slug = courses.Slugify(f.Title, "")
	}
	in := CourseInput{Slug: &slug, Title: &f.Title, Summary: &f.Summary, Locale: &f.Locale, Audiences: &aud,
		Hours: formFloat(c, "hours", f.Errors), ValidityDays: formInt(c, "validity_days", f.Errors)}
	var d courses.CourseDetail
	var err error
	if len(f.Errors) == 0 {
		d, err = h.svc.CreateCourse(c.UserContext(), *auth.User(c), in)
	} else {
		err = web.Invalid(in.validate(true)...) // the other fields' errors too
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
	PrereqOptions        []courses.CourseRef // the other courses the editor may name as prerequisites
	Prereqs              map[string]bool     // those named
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
	me := *auth.User(c)
	ctx := c.UserContext()
	if _, err := h.courses.Editable(ctx, h.svc.db.R.WithContext(ctx), me, slug); err != nil {
		return courseEditor{}, err
	}
	t, err := h.courses.LoadTree(ctx, slug)
	if err != nil {
		return courseEditor{}, err
	}
	e := courseEditor{Course: t.Course, TL: textLang(c, t.Locale), Locales: models.Locales, Professions: models.Professions,
		Audiences: map[string]bool{}, Hours: strconv.FormatFloat(t.Hours, 'f', -1, 64)}
	for _, a := range t.AudienceList() {
		e.Audiences[a] = true
	}
	others, err := h.courses.Catalog(ctx, &me, "", e.TL)
	if err != nil {
		return e, err
	}
	for _, o := range others {
		if o.Slug != t.Slug {
			e.PrereqOptions = append(e.PrereqOptions, courses.CourseRef{Slug: o.Slug, Title: o.Title})
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
	quizzes, err := h.courses.CourseQuizzes(ctx, me.ID, t.ID, e.TL)
	if err != nil {
		return e, err
	}
	for i, m := range t.Modules {
		em := edModule{ID: m.ID, Slug: m.Slug, Title: courses.ModuleTitle(m, e.TL, t.Locale), QuizID: quizzes[m.ID].QuizID,
			First: i == 0, Last: i == len(t.Modules)-1, Position: i + 1, MoveURL: fmt.Sprintf("/author/modules/%d/move", m.ID)}
		has := map[string]bool{}
		for _, tx := range m.Texts {
			has[tx.Lang] = true
		}
		em.Missing, em.Fallback = missing(has), !has[e.TL]
		for j, l := range m.Lessons {
			el := edLesson{ID: l.ID, Title: courses.LessonTitle(l, e.TL, t.Locale), Minutes: l.Minutes, First: j == 0, Last: j == len(m.Lessons)-1, Position: j + 1,
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
		_, err = h.svc.UpdateCourse(c.UserContext(), *auth.User(c), slug, in)
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

// publishPage shows a course as trainees will see it before it is
// published: its outline in the reader's language, its counts and what is
// not translated.
type publishPage struct {
	Editor courseEditor
	Detail courses.CourseDetail
	Gaps   []string // "module title (ar, en)" lines
	Empty  bool     // no lesson at all: nothing to publish
}

func (h *Handler) showPublish(c *fiber.Ctx) error {
	slug := c.Params("slug")
	e, err := h.editorData(c, slug)
	if err != nil {
		return err
	}
	d, err := h.courses.Course(c.UserContext(), slug, auth.User(c), web.Lang(c))
	if err != nil {
		return err
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
	if _, err := h.svc.UpdateCourse(c.UserContext(), *auth.User(c), slug, CourseInput{Published: &publish}); err != nil {
		return err
	}
	q := "unpublished=1"
	if publish {
		q = "published=1"
	}
	return c.Redirect(editorURL(slug, textLang(c, ""), q, ""), fiber.StatusSeeOther)
}
