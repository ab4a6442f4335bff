package accounts

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// setPasswordForm is the data of set_password.html.
type setPasswordForm struct {
	Token   string
	Email   string
	Name    string
	Invalid bool // unknown, used or expired: one message for all three
	Done    bool
	Errors  map[string]web.FieldError
}

// passwordSetRoutes mounts the public set-password page, rate limited per
// address like the sign-in forms: a token is 130 random bits, the limit only
// keeps scanners from costing the database.
func (h *Handler) passwordSetRoutes(app fiber.Router, lim Limits) {
	app.Get("/set-password/:token", hideToken, lim.PerAddress, h.showSetPassword)
	app.Post("/set-password/:token", hideToken, lim.PerAddress, web.Settle, h.submitSetPassword)
}

// hideToken keeps the token out of the access log, which writes the path
// once the chain has returned: by then the page is rendered (its language
// links keep the token), so the path can be rewritten.
func hideToken(c *fiber.Ctx) error {
	err := c.Next()
	c.Path("/set-password/-")
	return err
}

func (h *Handler) renderSetPassword(c *fiber.Ctx, status int, f setPasswordForm) error {
	// The token is in this page's URL: never send it on in a Referer.
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	h.sessions.EnsureAnonCSRF(c, h.cookies)
	return h.r.Page(c, status, "set_password", h.r.T(c, "admin.setpw.title"), f)
}

func (h *Handler) showSetPassword(c *fiber.Ctx) error {
	token := c.Params("token")
	u, err := h.svc.TokenUser(c.UserContext(), token)
	if errors.Is(err, ErrTokenInvalid) {
		return h.renderSetPassword(c, fiber.StatusNotFound, setPasswordForm{Invalid: true})
	}
	if err != nil {
		return err
	}
	return h.renderSetPassword(c, fiber.StatusOK, setPasswordForm{Token: token, Email: u.Email, Name: u.Name})
}

func (h *Handler) submitSetPassword(c *fiber.Ctx) error {
	// A signed-in visitor's CSRF was checked by the session middleware.
	if auth.From(c) == nil {
		if err := h.sessions.CheckAnonCSRF(c, h.cookies); err != nil {
			return err
		}
	}
	token := c.Params("token")
	u, err := h.svc.SetPasswordWithToken(c.UserContext(), token, web.PostValue(c, "password"), web.PostValue(c, "confirm"))
	var we *web.Error
	switch {
	case errors.Is(err, ErrTokenInvalid):
		return h.renderSetPassword(c, fiber.StatusNotFound, setPasswordForm{Invalid: true})
	case errors.As(err, &we) && we.Status < 500:
		return h.renderSetPassword(c, fiber.StatusUnprocessableEntity,
			setPasswordForm{Token: token, Email: u.Email, Name: u.Name, Errors: web.FormErrors(we.Fields)})
	case err != nil:
		return err
	}
	web.LogEvent(c, "auth.password_set", "user_id", u.ID)
	// The user's own sessions ended with the change, this browser's included.
	if id := auth.From(c); id != nil && id.User.ID == u.ID {
		h.cookies.ClearSession(c)
	}
	return h.renderSetPassword(c, fiber.StatusOK, setPasswordForm{Done: true, Email: u.Email})
}
