package cohorts

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// invitationRoutes mounts personal invitations: the link's page, the
// answers from the dashboard, and the same in JSON.
func (ch *Handler) invitationRoutes(app, api fiber.Router, limit fiber.Handler) {
	api.Get("/me/invitations", auth.RequireUser, ch.listMyInvitations)
	api.Post("/me/invitations/:id/accept", auth.RequireUser, ch.answerInvitation(true, false))
	api.Post("/me/invitations/:id/decline", auth.RequireUser, ch.answerInvitation(false, false))
	app.Post("/invitations/:id/accept", auth.RequireUser, ch.answerInvitation(true, true))
	app.Post("/invitations/:id/decline", auth.RequireUser, ch.answerInvitation(false, true))
	// Like /join: only the posts are limited, and 130-bit tokens leave
	// nothing to guess.
	hide := web.HideParam("token") // a capability: never in the logs
	app.Get("/invite/:token", hide, ch.showInvitePage)
	app.Post("/invite/:token", hide, limit, ch.submitInvite)
}

// invitationURL is the personal link of an invitation.
func (ch *Handler) invitationURL(token string) string {
	return ch.env.BaseURL + "/invite/" + token
}

func (ch *Handler) listMyInvitations(c *fiber.Ctx) error {
	list, err := ch.svc.MyInvitations(c.UserContext(), *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// answerInvitation accepts or declines one of the viewer's invitations by
// its id (the dashboard's buttons; the session middleware checked the CSRF
// token). Another person's invitation is not found.
func (ch *Handler) answerInvitation(accept, page bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		iid, err := courses.PathID(c)
		if err != nil {
			return err
		}
		detail := "api"
		if page {
			detail = "dashboard"
		}
		if err := ch.svc.RespondInvitation(c.UserContext(), *auth.User(c), iid, accept, detail); err != nil {
			return err
		}
		if !page {
			return c.SendStatus(fiber.StatusNoContent)
		}
		return c.Redirect(answeredURL(accept), fiber.StatusSeeOther)
	}
}

func answeredURL(accept bool) string {
	if accept {
		return "/dashboard?joined=1"
	}
	return "/dashboard?declined=1"
}

// invitePage is the data of /invite/{token}. Before any form is sent it
// depends only on the invitation (what the trainer typed, the cohort, the
// inviter) and on who is signed in, never on the invited account: whoever
// holds the link, the trainer included, cannot tell whether it existed.
type invitePage struct {
	Inv            Invitation
	Token          string
	Invalid        bool // unknown, expired or answered: one message for all
	Mine, Other    bool // signed in as the invited person, or as someone else
	CanSetPassword bool
	Message        string // a form-level error key
	Errors         map[string]web.FieldError
}

func (ch *Handler) renderInvite(c *fiber.Ctx, status int, p invitePage) error {
	// The token is in this page's URL: never send it on in a Referer.
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	p.CanSetPassword = ch.env.Accounts != nil && ch.env.Sessions != nil
	if u := auth.User(c); u != nil {
		p.Mine, p.Other = !p.Invalid && p.Inv.For(*u), !p.Invalid && !p.Inv.For(*u)
	} else if ch.env.Sessions != nil {
		ch.env.Sessions.EnsureAnonCSRF(c, ch.env.Cookies)
	}
	title := ch.r.T(c, "invite.title")
	if !p.Invalid {
		title = ch.r.T(c, "cohort.join_title", p.Inv.Cohort)
	}
	return ch.r.Page(c, status, "invite", title, p)
}

func (ch *Handler) showInvitePage(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := ch.svc.InvitationByToken(c.UserContext(), token, web.Lang(c))
	if errors.Is(err, courses.ErrNotFound) {
		return ch.renderInvite(c, fiber.StatusNotFound, invitePage{Invalid: true})
	}
	if err != nil {
		return err
	}
	return ch.renderInvite(c, fiber.StatusOK, invitePage{Inv: inv, Token: token})
}

// submitInvite answers an invitation from its page: Accept or Decline for
// the invited person signed in, or, for a visitor, the first password of an
// account the list created (which accepts it).
func (ch *Handler) submitInvite(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := ch.svc.InvitationByToken(c.UserContext(), token, web.Lang(c))
	if errors.Is(err, courses.ErrNotFound) {
		return ch.renderInvite(c, fiber.StatusNotFound, invitePage{Invalid: true})
	}
	if err != nil {
		return err
	}
	page := invitePage{Inv: inv, Token: token}
	if u := auth.User(c); u != nil {
		if !inv.For(*u) {
			return ch.renderInvite(c, fiber.StatusForbidden, page)
		}
		action := c.FormValue("action")
		if action != "accept" && action != "decline" {
			return web.Invalid(web.Field("action", "err.required"))
		}
		if err := ch.svc.RespondInvitation(c.UserContext(), *u, inv.id, action == "accept", "page"); err != nil {
			return err
		}
		return c.Redirect(answeredURL(action == "accept"), fiber.StatusSeeOther)
	}
	if ch.env.Accounts == nil || ch.env.Sessions == nil {
		return web.ErrUnauth
	}
	if err := ch.env.Sessions.CheckAnonCSRF(c, ch.env.Cookies); err != nil {
		return err
	}
	u, err := ch.svc.AcceptWithPassword(c.UserContext(), token, c.FormValue("password"), c.FormValue("confirm"), web.Lang(c))
	switch fe := formError(err); {
	case errors.Is(err, courses.ErrNotFound):
		return ch.renderInvite(c, fiber.StatusNotFound, invitePage{Invalid: true})
	case errors.Is(err, accounts.ErrEmailTaken):
		// The registration page's answer for a taken address.
		page.Message = "err.email_taken"
		return ch.renderInvite(c, fiber.StatusUnprocessableEntity, page)
	case fe != nil:
		page.Errors = web.FormErrors(fe.Fields)
		return ch.renderInvite(c, fiber.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	web.LogEvent(c, "auth.password_set", "user_id", u.ID, "via", "invitation")
	tok, sess, err := ch.env.Sessions.Create(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	ch.env.Cookies.SetSession(c, tok, sess.ExpiresAt)
	ch.env.Sessions.SetIdentity(c, &auth.Identity{User: u, SessionID: sess.ID, ViaCookie: true})
	return c.Redirect("/dashboard?joined=1", fiber.StatusSeeOther)
}
