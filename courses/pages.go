package courses

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

type catalogPage struct {
	Items       []CatalogItem
	Professions []string
	Profession  string
	Welcome     bool
}

func (h *Handler) showHome(c *fiber.Ctx) error {
	if c.Path() != "/" {
		return web.ErrNotFound
	}
	items, err := h.svc.Catalog(c.UserContext(), auth.User(c), "", web.Lang(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "home", h.r.T(c, "home.title"), catalogPage{Items: items, Professions: models.Professions})
}

func (h *Handler) showCatalogPage(c *fiber.Ctx) error {
	p, err := ProfessionFilter(c)
	if err != nil {
		return err
	}
	if p == "" && c.Query("profession") == "" && auth.User(c) != nil && c.Query("all") == "" && auth.User(c).Profession != "other" {
		p = auth.User(c).Profession // a trainee sees the courses for their profession first
	}
	items, err := h.svc.Catalog(c.UserContext(), auth.User(c), p, web.Lang(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "catalog", h.r.T(c, "catalog.title"),
		catalogPage{Items: items, Professions: models.Professions, Profession: p, Welcome: c.Query("welcome") == "1"})
}

func (h *Handler) showCoursePage(c *fiber.Ctx) error {
	d, err := h.svc.Course(c.UserContext(), c.Params("slug"), auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	p := coursePage{CourseDetail: d}
	if p.Done, err = h.justDone(c); err != nil {
		return err
	}
	if d.Enrolled {
		if p.Next, err = h.svc.NextStep(c.UserContext(), *auth.User(c), d.Slug, web.Lang(c)); err != nil {
			return err
		}
	}
	return h.r.Page(c, fiber.StatusOK, "course", d.Title, p)
}

// coursePage is the data of the course page: the course, and for a trainee
// who follows it the next step (after the last lesson, the certificate).
type coursePage struct {
	CourseDetail
	Next Step
	Done bool // a lesson was just marked done (?done=)
}

func (h *Handler) submitEnrol(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if _, err := h.svc.Enrol(c.UserContext(), *auth.User(c), slug); err != nil {
		return err
	}
	d, err := h.svc.Course(c.UserContext(), slug, auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	if d.ResumeLessonID() != 0 {
		return c.Redirect("/lessons/"+strconv.FormatInt(d.ResumeLessonID(), 10), fiber.StatusSeeOther)
	}
	return c.Redirect("/courses/"+slug, fiber.StatusSeeOther)
}

func (h *Handler) showLessonPage(c *fiber.Ctx) error {
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Lesson(c.UserContext(), lid, *auth.User(c), web.Lang(c))
	if errors.Is(err, ErrNotEnrolled) {
		// Not an error for a person: show the course, with its enrol button.
		if lc, lerr := h.svc.lessonCourse(c.UserContext(), lid); lerr == nil {
			return c.Redirect("/courses/"+lc.Slug+"?enrol=1", fiber.StatusSeeOther)
		}
	}
	if err != nil {
		return err
	}
	p := lessonPage{LessonView: v}
	if p.Done, err = h.justDone(c); err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "lesson", v.Title, p)
}

// lessonPage is the data of the lesson page: the lesson, and whether the
// previous one was just marked done (the redirect of submitComplete).
type lessonPage struct {
	LessonView
	Done bool
}

// justDone reports whether ?done= names a lesson the viewer has completed:
// submitComplete redirects with it, and the next page confirms it. A made-up
// id confirms nothing.
func (h *Handler) justDone(c *fiber.Ctx) (bool, error) {
	v := auth.User(c)
	lid, err := strconv.ParseInt(c.Query("done"), 10, 64)
	if v == nil || err != nil || lid <= 0 {
		return false, nil
	}
	return h.svc.HasCompleted(c.UserContext(), v.ID, lid)
}

func (h *Handler) submitComplete(c *fiber.Ctx) error {
	lid, err := PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.Complete(c.UserContext(), *auth.User(c), lid); err != nil {
		return err
	}
	v, err := h.svc.Lesson(c.UserContext(), lid, *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	if v.NextID != nil {
		return c.Redirect("/lessons/"+*v.NextID+"?done="+v.ID, fiber.StatusSeeOther)
	}
	return c.Redirect("/courses/"+v.CourseSlug+"?done="+v.ID, fiber.StatusSeeOther)
}

// dashboardPage is the data of /dashboard: the courses followed, and the
// invitations waiting for an answer.
type dashboardPage struct {
	Items       []ProgressItem
	Invitations any // PendingInvitations.PendingFor
	Notice      string
}

func (h *Handler) showDashboard(c *fiber.Ctx) error {
	p := dashboardPage{}
	var err error
	if p.Items, err = h.svc.MyProgressSteps(c.UserContext(), *auth.User(c), web.Lang(c)); err != nil {
		return err
	}
	if h.invitations != nil {
		if p.Invitations, err = h.invitations.PendingFor(c.UserContext(), *auth.User(c), web.Lang(c)); err != nil {
			return err
		}
	}
	for _, k := range []string{"joined", "declined"} {
		if c.Query(k) == "1" {
			p.Notice = "invite.notice." + k
		}
	}
	return h.r.Page(c, fiber.StatusOK, "dashboard", h.r.T(c, "dashboard.title"), p)
}
