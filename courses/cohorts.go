package courses

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// CohortEnv is what the cohort pages need from outside this package: the
// public address (invitation and set-password links), accounts (a visitor
// registers through an invitation) and sessions (to sign them in).
type CohortEnv struct {
	BaseURL   string // TADRIB_BASE_URL, without a trailing slash
	Accounts  *accounts.Service
	Sessions  *auth.Sessions
	Cookies   auth.Cookies
	JoinLimit fiber.Handler // the per-address limiter of /auth; nil for none
}

// passwordSetter is the accounts service's one-time set-password link, asked
// for through an interface so that cohorts keep working (without links)
// where it is missing.
type passwordSetter interface {
	PasswordSetToken(ctx context.Context, userID, actorID int64, ttl time.Duration) (string, error)
}

// setPasswordTTL is how long a set-password link handed out at import
// works: long enough to reach people before a session starts.
const setPasswordTTL = 14 * 24 * time.Hour

// cohortHandler serves cohorts: the Handler plus the environment.
type cohortHandler struct {
	*Handler
	env CohortEnv
}

// cohortRoutes mounts the cohort pages and API.
func (h *Handler) cohortRoutes(app, api fiber.Router, staff fiber.Handler) {
	ch := &cohortHandler{Handler: h, env: h.Cohorts}
	ch.env.BaseURL = strings.TrimSuffix(ch.env.BaseURL, "/")
	limit := ch.env.JoinLimit
	if limit == nil {
		limit = func(c *fiber.Ctx) error { return c.Next() }
	}

	api.Post("/cohorts", staff, ch.createCohort)
	api.Get("/cohorts", staff, ch.listCohorts)
	hide := web.HideParam("token") // a capability: never in the logs
	api.Post("/cohorts/join/:token", hide, limit, auth.RequireUser, ch.joinCohort)
	api.Get("/cohorts/:id", staff, ch.showCohort)
	api.Patch("/cohorts/:id", staff, ch.updateCohort)
	api.Post("/cohorts/:id/members", staff, ch.importMembers)
	api.Get("/cohorts/:id/members", staff, ch.listMembers)
	api.Delete("/cohorts/:id/members/:user", staff, ch.removeMember)

	app.Get("/author/cohorts", staff, ch.showCohortsPage)
	app.Post("/author/cohorts", staff, ch.submitCohort)
	app.Get("/author/cohorts/:id", staff, ch.showCohortPage)
	app.Post("/author/cohorts/:id", staff, ch.submitCohortEdit)
	app.Post("/author/cohorts/:id/members", staff, ch.submitMembers)
	app.Get("/author/cohorts/:id/invite", staff, ch.confirmRegenerate)
	app.Post("/author/cohorts/:id/invite", staff, ch.submitRegenerate)
	app.Get("/author/cohorts/:id/members/:user/remove", staff, ch.confirmRemove)
	app.Post("/author/cohorts/:id/members/:user/remove", staff, ch.submitRemove)
	// Only the posts are limited: a whole classroom behind one address opens
	// the link at once, and 130-bit tokens leave nothing to guess.
	app.Get("/join/:token", hide, ch.showJoinPage)
	app.Post("/join/:token", hide, limit, ch.submitJoin)
	ch.invitationRoutes(app, api, limit)
}

// inviteURL is the link that lets whoever holds it join the cohort.
func (ch *cohortHandler) inviteURL(token string) string {
	return ch.env.BaseURL + "/join/" + token
}

// out prepares a cohort for the API.
func (ch *cohortHandler) out(co Cohort) Cohort {
	co.InviteURL = ch.inviteURL(co.Token())
	return co
}

func (ch *cohortHandler) createCohort(c *fiber.Ctx) error {
	var in CohortInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := ch.Svc.CreateCohort(c.UserContext(), *Viewer(c), in, web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	return c.Status(fiber.StatusCreated).JSON(ch.out(co))
}

func (ch *cohortHandler) listCohorts(c *fiber.Ctx) error {
	list, err := ch.Svc.Cohorts(c.UserContext(), *Viewer(c), web.Lang(c))
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = ch.out(list[i])
	}
	return c.JSON(fiber.Map{"items": list})
}

func (ch *cohortHandler) showCohort(c *fiber.Ctx) error {
	cid, err := pathID(c)
	if err != nil {
		return err
	}
	co, err := ch.Svc.Cohort(c.UserContext(), *Viewer(c), cid, web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	return c.JSON(ch.out(co))
}

func (ch *cohortHandler) updateCohort(c *fiber.Ctx) error {
	cid, err := pathID(c)
	if err != nil {
		return err
	}
	var in CohortInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	co, err := ch.Svc.UpdateCohort(c.UserContext(), *Viewer(c), cid, in, web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	return c.JSON(ch.out(co))
}

func (ch *cohortHandler) listMembers(c *fiber.Ctx) error {
	cid, err := pathID(c)
	if err != nil {
		return err
	}
	ms, err := ch.Svc.CohortMembers(c.UserContext(), *Viewer(c), cid, web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	invs, err := ch.Svc.CohortInvitations(c.UserContext(), *Viewer(c), cid)
	if err != nil {
		return HTTPError(err)
	}
	return c.JSON(fiber.Map{"items": ms, "invitations": invs})
}

func (ch *cohortHandler) removeMember(c *fiber.Ctx) error {
	cid, err := pathID(c)
	if err != nil {
		return err
	}
	uid, err := userParam(c)
	if err != nil {
		return err
	}
	if err := ch.Svc.RemoveMember(c.UserContext(), *Viewer(c), cid, uid); err != nil {
		return HTTPError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// importMembers takes a member list as text/csv or as JSON {members:[…]}.
func (ch *cohortHandler) importMembers(c *fiber.Ctx) error {
	cid, err := pathID(c)
	if err != nil {
		return err
	}
	// Ownership first: someone else's cohort is not found, whatever the body.
	if _, err := ch.Svc.Cohort(c.UserContext(), *Viewer(c), cid, web.Lang(c)); err != nil {
		return HTTPError(err)
	}
	var rows []MemberInput
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if strings.HasPrefix(ct, "text/csv") {
		if rows, err = ParseMembersCSV(c.Body()); err != nil {
			return err
		}
	} else {
		var in struct {
			Members []MemberInput `json:"members"`
		}
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		switch {
		case len(in.Members) == 0:
			return web.Invalid(web.Field("members", "err.required"))
		case len(in.Members) > maxMemberRows:
			return web.Invalid(web.Field("members", "cohort.csv.too_many_rows", maxMemberRows))
		}
		rows = in.Members
	}
	ch.professionLabels(c, rows)
	rep, err := ch.Svc.ImportMembers(c.UserContext(), *Viewer(c), cid, rows, web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	ch.finishReport(c, &rep)
	return c.JSON(rep)
}

// professionLabels lets a list name professions as the trainer reads them
// on the site, in their language.
func (ch *cohortHandler) professionLabels(c *fiber.Ctx, rows []MemberInput) {
	useProfessionLabels(rows, func(p string) string { return ch.R.T(c, "profession."+p) })
}

// finishReport adds, after the import is committed, each invitation's link
// and a one-time set-password link for each account an admin's list created,
// and the reasons in the reader's language.
func (ch *cohortHandler) finishReport(c *fiber.Ctx, rep *ImportReport) {
	ps, _ := any(ch.env.Accounts).(passwordSetter)
	actor := Viewer(c).ID
	for i := range rep.Rows {
		r := &rep.Rows[i]
		if r.Reason != "" {
			r.Message = ch.R.T(c, "cohort.reason."+r.Reason)
		}
		if r.Status == RowMember {
			r.Message = ch.R.T(c, "cohort.row_member")
		}
		if r.Token() != "" {
			r.InviteURL = ch.invitationURL(r.Token())
		}
		if r.Status != RowCreated || ps == nil || ch.env.Accounts == nil {
			continue
		}
		tok, err := ps.PasswordSetToken(c.UserContext(), r.UserID, actor, setPasswordTTL)
		if err != nil {
			web.LogEvent(c, "cohort.set_password_link_failed", "user_id", r.UserID, "error", err.Error())
			continue
		}
		r.SetPasswordURL = ch.env.BaseURL + "/set-password/" + tok
	}
	for i := range rep.Rejected {
		rep.Rejected[i].Message = ch.R.T(c, "cohort.reason."+rep.Rejected[i].Reason)
	}
}

// joinCohort lets a signed-in user join through an invitation.
func (ch *cohortHandler) joinCohort(c *fiber.Ctx) error {
	co, joined, err := ch.Svc.JoinCohort(c.UserContext(), *Viewer(c), c.Params("token"), "api", web.Lang(c))
	if err != nil {
		return HTTPError(err)
	}
	return c.JSON(fiber.Map{"cohort": ch.out(co), "joined": joined})
}
