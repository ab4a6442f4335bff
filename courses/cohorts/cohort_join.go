package cohorts

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// joinPage is the data of /join/{token}: the cohort, and for a visitor the
// registration form (what they typed, never the password, and its errors).
type joinPage struct {
	Cohort      Cohort
	Token       string
	Member      bool
	In          accounts.NewUser
	Errors      map[string]web.FieldError
	Message     string
	Professions []string
	CanRegister bool
}

func (ch *Handler) renderJoin(c *fiber.Ctx, status int, co Cohort, p joinPage) error {
	p.Cohort, p.Token, p.Professions = co, co.Token(), models.Professions
	p.CanRegister = ch.env.Accounts != nil && ch.env.Sessions != nil
	p.In.Password = ""
	if u := auth.User(c); u != nil {
		cid, _ := strconv.ParseInt(co.ID, 10, 64)
		member, err := ch.svc.IsMember(c.UserContext(), u.ID, cid)
		if err != nil {
			return err
		}
		p.Member = member
	} else if ch.env.Sessions != nil {
		ch.env.Sessions.EnsureAnonCSRF(c, ch.env.Cookies)
	}
	return ch.r.Page(c, status, "join", ch.r.T(c, "cohort.join_title", co.Name), p)
}

func (ch *Handler) showJoinPage(c *fiber.Ctx) error {
	co, err := ch.svc.CohortByToken(c.UserContext(), c.Params("token"), web.Lang(c))
	if err != nil {
		return err
	}
	return ch.renderJoin(c, fiber.StatusOK, co, joinPage{In: accounts.NewUser{Locale: web.Lang(c)}})
}

// submitJoin joins a signed-in user (the session middleware has checked the
// CSRF token), or registers a visitor and joins them: an invitation opens
// registration even when it is closed to the public.
func (ch *Handler) submitJoin(c *fiber.Ctx) error {
	token := c.Params("token")
	lang := web.Lang(c)
	if u := auth.User(c); u != nil {
		if _, _, err := ch.svc.JoinCohort(c.UserContext(), *u, token, "page", lang); err != nil {
			return err
		}
		return c.Redirect("/dashboard?joined=1", fiber.StatusSeeOther)
	}
	co, err := ch.svc.CohortByToken(c.UserContext(), token, lang)
	if err != nil {
		return err
	}
	if ch.env.Accounts == nil || ch.env.Sessions == nil {
		return web.ErrUnauth
	}
	if err := ch.env.Sessions.CheckAnonCSRF(c, ch.env.Cookies); err != nil {
		return err
	}
	in := accounts.NewUser{Email: web.PostValue(c, "email"), Password: web.PostValue(c, "password"), Name: web.PostValue(c, "name"),
		NameAr: web.PostValue(c, "name_ar"), Profession: web.PostValue(c, "profession"),
		Organization: web.PostValue(c, "organization"), Locale: c.FormValue("locale")}
	if in.Locale == "" {
		in.Locale = lang
	}
	if errs := in.Validate(); len(errs) > 0 {
		return ch.renderJoin(c, fiber.StatusUnprocessableEntity, co, joinPage{In: in, Errors: web.FormErrors(errs)})
	}
	u, err := ch.env.Accounts.Create(c.UserContext(), in, models.RoleTrainee)
	if errors.Is(err, accounts.ErrEmailTaken) {
		return ch.renderJoin(c, fiber.StatusConflict, co, joinPage{In: in, Message: "cohort.email_taken",
			Errors: web.FormErrors([]web.FieldError{web.Field("email", "err.email_taken")})})
	}
	if err != nil {
		return err
	}
	web.LogEvent(c, "auth.register", "user_id", u.ID, "via", "invite")
	if _, _, err := ch.svc.JoinCohort(c.UserContext(), u, token, "page,new_account", lang); err != nil {
		return err
	}
	tok, sess, err := ch.env.Sessions.Create(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	ch.env.Cookies.SetSession(c, tok, sess.ExpiresAt)
	ch.env.Sessions.SetIdentity(c, &auth.Identity{User: u, SessionID: sess.ID, ViaCookie: true})
	return c.Redirect("/dashboard?joined=1", fiber.StatusSeeOther)
}
