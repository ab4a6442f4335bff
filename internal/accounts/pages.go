package accounts

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// authForm is the data of the login and register pages: what the user typed
// (never the password) and what is wrong with it.
type authForm struct {
	In          NewUser
	Next        string
	Errors      map[string]web.FieldError
	Message     string // a translated key for a form-level error
	Professions []string
	Closed      bool
}

func (h *Handler) renderAuth(c *fiber.Ctx, status int, page, title string, f authForm) error {
	h.sessions.EnsureAnonCSRF(c, h.cookies)
	f.Professions = models.Professions
	f.Closed = h.registration != "open"
	f.In.Password = ""
	return h.r.Page(c, status, page, h.r.T(c, title), f)
}

func (h *Handler) showLogin(c *fiber.Ctx) error {
	if auth.From(c) != nil {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	return h.renderAuth(c, fiber.StatusOK, "login", "login.title", authForm{Next: web.SafeNext(c.Query("next"))})
}

func (h *Handler) submitLogin(c *fiber.Ctx) error {
	if err := h.sessions.CheckAnonCSRF(c, h.cookies); err != nil && auth.From(c) == nil {
		return err
	}
	in, _ := loginCredentials(c) // a form always reads
	form := authForm{In: NewUser{Email: in.Email}, Next: web.SafeNext(c.FormValue("next"))}
	u, err := h.authenticate(c, in)
	if err != nil {
		var we *web.Error
		if errors.As(err, &we) && we.Status < 500 {
			form.Message = we.Key
			return h.renderAuth(c, we.Status, "login", "login.title", form)
		}
		return err
	}
	if _, err := h.signIn(c, u); err != nil {
		return err
	}
	next := form.Next
	if next == "/" || next == "" {
		next = "/dashboard"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *Handler) showRegister(c *fiber.Ctx) error {
	if auth.From(c) != nil {
		return c.Redirect("/dashboard", fiber.StatusSeeOther)
	}
	return h.renderAuth(c, fiber.StatusOK, "register", "register.title", authForm{In: NewUser{Locale: web.Lang(c)}})
}

func (h *Handler) submitRegister(c *fiber.Ctx) error {
	if err := h.sessions.CheckAnonCSRF(c, h.cookies); err != nil {
		return err
	}
	in := NewUser{Email: web.PostValue(c, "email"), Password: web.PostValue(c, "password"), Name: web.PostValue(c, "name"),
		NameAr: web.PostValue(c, "name_ar"), Profession: web.PostValue(c, "profession"),
		Organization: web.PostValue(c, "organization"), Locale: web.Lang(c)}
	if h.registration != "open" {
		return h.renderAuth(c, fiber.StatusForbidden, "register", "register.title", authForm{In: in, Message: "err.registration_closed"})
	}
	u, err := h.registerUser(c, in)
	if err != nil {
		var we *web.Error
		if errors.As(err, &we) && we.Status < 500 {
			return h.renderAuth(c, fiber.StatusUnprocessableEntity, "register", "register.title",
				authForm{In: in, Errors: web.FormErrors(we.Fields)})
		}
		return err
	}
	if _, err := h.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect("/courses?profession="+url.QueryEscape(u.Profession)+"&welcome=1", fiber.StatusSeeOther)
}

func (h *Handler) submitLogout(c *fiber.Ctx) error {
	if id := auth.From(c); id != nil {
		if err := h.sessions.Revoke(c.UserContext(), id.SessionID); err != nil {
			return err
		}
	}
	h.cookies.ClearSession(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}
