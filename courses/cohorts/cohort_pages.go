package cohorts

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// cohortForm is what a trainer typed in a cohort's form.
type cohortForm struct {
	Name, StartsOn, EndsOn, Place string
	Slugs                         map[string]bool
}

func formOf(co Cohort) cohortForm {
	f := cohortForm{Name: co.Name, StartsOn: co.StartsOn, EndsOn: co.EndsOn, Place: co.Place, Slugs: map[string]bool{}}
	for _, c := range co.Courses {
		f.Slugs[c.Slug] = true
	}
	return f
}

// readCohortForm reads the create and edit forms.
func readCohortForm(c *fiber.Ctx) (cohortForm, CohortInput) {
	f := cohortForm{Name: c.FormValue("name"), StartsOn: c.FormValue("starts_on"), EndsOn: c.FormValue("ends_on"),
		Place: c.FormValue("place"), Slugs: map[string]bool{}}
	slugs := []string{}
	for _, v := range c.Request().PostArgs().PeekMulti("course_slugs") {
		slugs = append(slugs, string(v))
		f.Slugs[string(v)] = true
	}
	in := CohortInput{Name: &f.Name, StartsOn: &f.StartsOn, EndsOn: &f.EndsOn, Place: &f.Place, CourseSlugs: &slugs}
	return f, in
}

type cohortsPage struct {
	Cohort  Cohort // none: the form creates one
	Items   []Cohort
	Courses []courses.CatalogItem
	Form    cohortForm
	Errors  map[string]web.FieldError
}

func (ch *Handler) renderCohorts(c *fiber.Ctx, status int, p cohortsPage) error {
	u := *auth.User(c)
	var err error
	if p.Items, err = ch.svc.Cohorts(c.UserContext(), u, web.Lang(c)); err != nil {
		return err
	}
	if p.Courses, err = ch.courses.Catalog(c.UserContext(), &u, "", web.Lang(c)); err != nil {
		return err
	}
	return ch.r.Page(c, status, "cohorts", ch.r.T(c, "cohort.list_title"), p)
}

func (ch *Handler) showCohortsPage(c *fiber.Ctx) error {
	return ch.renderCohorts(c, fiber.StatusOK, cohortsPage{Form: cohortForm{Slugs: map[string]bool{}}})
}

func (ch *Handler) submitCohort(c *fiber.Ctx) error {
	f, in := readCohortForm(c)
	co, err := ch.svc.CreateCohort(c.UserContext(), *auth.User(c), in, web.Lang(c))
	if fe := formError(err); fe != nil {
		return ch.renderCohorts(c, fiber.StatusUnprocessableEntity, cohortsPage{Form: f, Errors: web.FormErrors(fe.Fields)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/author/cohorts/"+co.ID+"?created=1", fiber.StatusSeeOther)
}

// formError returns err as a *web.Error a form can show, or nil.
func formError(err error) *web.Error {
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 && len(we.Fields) > 0 {
		return we
	}
	return nil
}

// cohortPage is the data of one cohort's page.
type cohortPage struct {
	Cohort      Cohort
	InviteURL   string
	Members     []Member
	Courses     []courses.CatalogItem
	Form        cohortForm
	Errors      map[string]web.FieldError
	Invitations []InvitedPerson
	Admin       bool // an admin's list matches accounts; a trainer's invites
	Report      *ImportReport
	Links       []ImportRow // invitations, or accounts an admin's list created, and their links
	ImportErr   *web.Error
	ImportMsg   string
	CSV         string
	Notice      string
	Professions []string
}

func (ch *Handler) renderCohort(c *fiber.Ctx, status int, cid int64, p cohortPage) error {
	u := *auth.User(c)
	lang := web.Lang(c)
	co, err := ch.svc.Cohort(c.UserContext(), u, cid, lang)
	if err != nil {
		return err
	}
	p.Cohort, p.InviteURL, p.Professions = co, ch.inviteURL(co.Token()), models.Professions
	p.Admin = u.Role == models.RoleAdmin
	if p.Form.Slugs == nil {
		p.Form = formOf(co)
	}
	if p.Members, err = ch.svc.CohortMembers(c.UserContext(), u, cid, lang); err != nil {
		return err
	}
	if p.Invitations, err = ch.svc.CohortInvitations(c.UserContext(), u, cid); err != nil {
		return err
	}
	if p.Courses, err = ch.courses.Catalog(c.UserContext(), &u, "", lang); err != nil {
		return err
	}
	if p.ImportErr != nil {
		p.ImportMsg = ch.r.T(c, p.ImportErr.Key, p.ImportErr.Args...)
	}
	if p.Notice == "" {
		for _, k := range []string{"created", "saved", "regenerated", "removed"} {
			if c.Query(k) == "1" {
				p.Notice = "cohort.notice." + k
			}
		}
	}
	return ch.r.Page(c, status, "cohort", co.Name, p)
}

func (ch *Handler) showCohortPage(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	return ch.renderCohort(c, fiber.StatusOK, cid, cohortPage{})
}

func (ch *Handler) submitCohortEdit(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	f, in := readCohortForm(c)
	_, err = ch.svc.UpdateCohort(c.UserContext(), *auth.User(c), cid, in, web.Lang(c))
	if fe := formError(err); fe != nil {
		return ch.renderCohort(c, fiber.StatusUnprocessableEntity, cid, cohortPage{Form: f, Errors: web.FormErrors(fe.Fields)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/author/cohorts/"+strconv.FormatInt(cid, 10)+"?saved=1", fiber.StatusSeeOther)
}

// submitMembers imports a pasted or uploaded list and shows the report on
// the page that answers the post: the invitation (or set-password) links
// appear this once.
func (ch *Handler) submitMembers(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if _, err := ch.svc.Cohort(c.UserContext(), *auth.User(c), cid, web.Lang(c)); err != nil {
		return err
	}
	text := c.FormValue("csv")
	var data []byte
	if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
		if fh.Size > maxMemberBytes {
			return ch.renderCohort(c, fiber.StatusUnprocessableEntity, cid, cohortPage{CSV: text,
				ImportErr: &web.Error{Status: 400, Key: "cohort.csv.too_large", Args: []any{maxMemberBytes >> 10}}})
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(f, maxMemberBytes+1))
		f.Close()
		if err != nil {
			return err
		}
	} else {
		data = []byte(text)
	}
	if strings.TrimSpace(string(data)) == "" {
		return ch.renderCohort(c, fiber.StatusUnprocessableEntity, cid, cohortPage{ImportErr: &web.Error{Status: 400, Key: "cohort.csv.nothing"}})
	}
	rows, err := ParseMembersCSV(data)
	if err != nil {
		var we *web.Error
		if errors.As(err, &we) {
			return ch.renderCohort(c, fiber.StatusUnprocessableEntity, cid, cohortPage{CSV: text, ImportErr: we})
		}
		return err
	}
	ch.professionLabels(c, rows)
	rep, err := ch.svc.ImportMembers(c.UserContext(), *auth.User(c), cid, rows, web.Lang(c))
	if err != nil {
		return err
	}
	ch.finishReport(c, &rep)
	p := cohortPage{Report: &rep}
	for _, r := range rep.Rows {
		if r.Status == RowCreated || r.Status == RowInvited {
			p.Links = append(p.Links, r)
		}
	}
	return ch.renderCohort(c, fiber.StatusOK, cid, p)
}

// confirmPage is the data of the confirmation before a destructive action.
type confirmPage struct {
	Message, Action, Back, Button string
}

func (ch *Handler) confirmRegenerate(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	co, err := ch.svc.Cohort(c.UserContext(), *auth.User(c), cid, web.Lang(c))
	if err != nil {
		return err
	}
	back := "/author/cohorts/" + co.ID
	return ch.r.Page(c, fiber.StatusOK, "cohort_confirm", ch.r.T(c, "cohort.regenerate"), confirmPage{
		Message: ch.r.T(c, "cohort.regenerate_confirm", co.Name), Action: back + "/invite", Back: back, Button: ch.r.T(c, "cohort.regenerate")})
}

func (ch *Handler) submitRegenerate(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if err := ch.svc.RegenerateInvite(c.UserContext(), *auth.User(c), cid); err != nil {
		return err
	}
	return c.Redirect("/author/cohorts/"+strconv.FormatInt(cid, 10)+"?regenerated=1#invite", fiber.StatusSeeOther)
}

func (ch *Handler) confirmRemove(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	uid, err := userParam(c)
	if err != nil {
		return err
	}
	ms, err := ch.svc.CohortMembers(c.UserContext(), *auth.User(c), cid, web.Lang(c))
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.UserID == strconv.FormatInt(uid, 10) {
			back := "/author/cohorts/" + strconv.FormatInt(cid, 10)
			return ch.r.Page(c, fiber.StatusOK, "cohort_confirm", ch.r.T(c, "cohort.remove_member"), confirmPage{
				Message: ch.r.T(c, "cohort.remove_confirm", m.Name, m.Email), Action: back + "/members/" + m.UserID + "/remove",
				Back: back + "#members", Button: ch.r.T(c, "cohort.remove")})
		}
	}
	return web.ErrNotFound
}

func (ch *Handler) submitRemove(c *fiber.Ctx) error {
	cid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	uid, err := userParam(c)
	if err != nil {
		return err
	}
	if err := ch.svc.RemoveMember(c.UserContext(), *auth.User(c), cid, uid); err != nil {
		return err
	}
	return c.Redirect("/author/cohorts/"+strconv.FormatInt(cid, 10)+"?removed=1#members", fiber.StatusSeeOther)
}
