package accounts

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/internal/web"
	"tadrib/models"
)

// Handler serves the accounts API and pages.
type Handler struct {
	svc          *Service
	sessions     *auth.Sessions
	cookies      auth.Cookies
	r            *web.Renderer
	registration string // "open" or "closed"
	baseURL      string
	limits       Limits
	exporters    []ExportPart
	retention    config.Retention
	issuer       string
	issuerAr     string
}

// Env is what the handler needs besides the service, the sessions and the
// renderer.
type Env struct {
	Registration string // "open" or "closed"
	// BaseURL is the public address, for the set-password links an admin
	// hands over.
	BaseURL string
	Limits  Limits
	// Exporters gather the features' parts of a user's data export; cmd
	// connects them (internal/ imports no feature).
	Exporters []ExportPart
	// Privacy is what the privacy notice states: the retention periods
	// and the issuing organisation.
	Privacy PrivacyEnv
}

// NewHandler returns the handler of the accounts API and pages and of the
// administration.
func NewHandler(svc *Service, sessions *auth.Sessions, cookies auth.Cookies, r *web.Renderer, env Env) *Handler {
	return &Handler{svc: svc, sessions: sessions, cookies: cookies, r: r, registration: env.Registration,
		baseURL: env.BaseURL, limits: env.Limits, exporters: env.Exporters,
		retention: env.Privacy.Retention, issuer: env.Privacy.Issuer, issuerAr: env.Privacy.IssuerAr}
}

// Limits are the rate limiters the routes need (built by the app, which owns
// their shared storage).
type Limits struct {
	PerAddress fiber.Handler // every /auth request and login/register form post
	PerAccount fiber.Handler // failed logins per account
}

// Routes mounts the accounts API and pages, then the administration.
func (h *Handler) Routes(app fiber.Router, api fiber.Router) {
	lim := h.limits
	api.Post("/auth/register", lim.PerAddress, web.Settle, h.register)
	api.Post("/auth/login", lim.PerAddress, lim.PerAccount, web.Settle, h.login)
	api.Post("/auth/logout", lim.PerAddress, web.Settle, auth.RequireUser, h.logout)
	api.Get("/me", auth.RequireUser, h.showMe)
	api.Patch("/me", auth.RequireUser, h.updateMe)
	api.Get("/admin/users", auth.RequireRole(models.RoleAdmin), h.listUsers)
	api.Patch("/admin/users/:id", auth.RequireRole(models.RoleAdmin), h.updateUser)

	app.Get("/login", h.showLogin)
	app.Post("/login", lim.PerAddress, lim.PerAccount, web.Settle, h.submitLogin)
	app.Get("/register", h.showRegister)
	app.Post("/register", lim.PerAddress, web.Settle, h.submitRegister)
	app.Post("/logout", h.submitLogout)
	h.passwordSetRoutes(app, lim)
	h.profileRoutes(app)
	h.privacyRoutes(app, api)
	(&admin{h}).routes(app, api)
}

// UserJSON is a user as the API shows it: never the password hash.
type UserJSON struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	NameAr       string    `json:"name_ar"`
	Role         string    `json:"role"`
	Profession   string    `json:"profession"`
	Organization string    `json:"organization"`
	Locale       string    `json:"locale"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// ToJSON converts a user for the API.
func ToJSON(u models.User) UserJSON {
	return UserJSON{ID: strconv.FormatInt(u.ID, 10), Email: u.Email, Name: u.Name, NameAr: u.NameAr, Role: u.Role,
		Profession: u.Profession, Organization: u.Organization, Locale: u.Locale, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

// signIn starts a session for u, sets the cookie, and makes u the identity of
// the rest of this request.
func (h *Handler) signIn(c *fiber.Ctx, u models.User) (string, error) {
	token, sess, err := h.sessions.Create(c.UserContext(), u.ID)
	if err != nil {
		return "", err
	}
	h.cookies.SetSession(c, token, sess.ExpiresAt)
	h.sessions.SetIdentity(c, &auth.Identity{User: u, SessionID: sess.ID, ViaCookie: true})
	return token, nil
}

func (h *Handler) register(c *fiber.Ctx) error {
	if h.registration != "open" {
		return web.Errorf(fiber.StatusForbidden, "err.registration_closed")
	}
	var in NewUser
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.registerUser(c, in)
	if err != nil {
		return err
	}
	token, err := h.signIn(c, u)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": ToJSON(u), "token": token, "csrf_token": auth.CSRFFrom(c)})
}

func (h *Handler) registerUser(c *fiber.Ctx, in NewUser) (models.User, error) {
	if errs := in.Validate(); len(errs) > 0 {
		return models.User{}, web.Invalid(errs...)
	}
	return h.svc.Create(c.UserContext(), in, models.RoleTrainee)
}

type credentials struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
}

// loginCredentials reads a sign-in request exactly as its handler does: the
// JSON body on the API, the posted form (never the query string) on the page.
// The per-account limiter keys on the same reading (LoginKey), so no request
// can be counted against one account and check the password of another.
func loginCredentials(c *fiber.Ctx) (credentials, error) {
	var in credentials
	if web.IsAPIRoute(c) {
		err := web.DecodeJSON(c, &in)
		return in, err
	}
	return credentials{Email: web.PostValue(c, "email"), Password: web.PostValue(c, "password")}, nil
}

// LoginKey is the per-account rate-limit key of a sign-in request: the
// normalized email its handler will check.
func LoginKey(c *fiber.Ctx) string {
	in, _ := loginCredentials(c)
	return NormalizeEmail(in.Email)
}

func (h *Handler) login(c *fiber.Ctx) error {
	in, err := loginCredentials(c)
	if err != nil {
		return err
	}
	u, err := h.authenticate(c, in)
	if err != nil {
		return err
	}
	token, err := h.signIn(c, u)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": ToJSON(u), "token": token, "csrf_token": auth.CSRFFrom(c)})
}

// authenticate signs in and logs the outcome. The service answers the same
// 401 (ErrInvalidCredentials) for an unknown email and a wrong password, and
// 403 (ErrDisabled) for a disabled account that gave the right password.
func (h *Handler) authenticate(c *fiber.Ctx, in credentials) (models.User, error) {
	u, err := h.svc.Authenticate(c.UserContext(), in.Email, in.Password)
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		web.LogEvent(c, "auth.login_failed", "email_hash", web.Pseudonym(NormalizeEmail(in.Email)))
		return u, err
	case errors.Is(err, ErrDisabled):
		web.LogEvent(c, "auth.login_disabled", "user_id", u.ID)
		return u, err
	case err != nil:
		return u, err
	}
	web.LogEvent(c, "auth.login", "user_id", u.ID)
	return u, nil
}

func (h *Handler) logout(c *fiber.Ctx) error {
	id := auth.From(c)
	if err := h.sessions.Revoke(c.UserContext(), id.SessionID); err != nil {
		return err
	}
	h.cookies.ClearSession(c)
	c.Set("Clear-Site-Data", `"cache", "cookies"`)
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) showMe(c *fiber.Ctx) error {
	return c.JSON(meJSON(c, *auth.User(c)))
}

func meJSON(c *fiber.Ctx, u models.User) fiber.Map {
	j := ToJSON(u)
	return fiber.Map{"id": j.ID, "email": j.Email, "name": j.Name, "name_ar": j.NameAr, "role": j.Role,
		"profession": j.Profession, "organization": j.Organization, "locale": j.Locale,
		"created_at": j.CreatedAt, "csrf_token": auth.CSRFFrom(c)}
}

func (h *Handler) updateMe(c *fiber.Ctx) error {
	var ch ProfileChange
	if err := web.DecodeJSON(c, &ch); err != nil {
		return err
	}
	id := auth.From(c)
	u, err := h.svc.UpdateProfile(c.UserContext(), id.User, h.sessions, id.SessionID, ch)
	if err != nil {
		return err
	}
	return c.JSON(meJSON(c, u))
}

func (h *Handler) listUsers(c *fiber.Ctx) error {
	q := UserQuery{Q: c.Query("q"), Role: c.Query("role"), Limit: 50}
	var errs []web.FieldError
	if q.Role != "" && !models.Valid(q.Role, models.Roles) {
		errs = append(errs, web.Field("role", "err.role"))
	}
	errs = pageParams(c, &q.Limit, &q.Offset, errs)
	if len(errs) > 0 {
		return web.Invalid(errs...)
	}
	users, total, err := h.svc.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	items := make([]UserJSON, len(users))
	for i, u := range users {
		items[i] = ToJSON(u)
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (h *Handler) updateUser(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return web.ErrNotFound
	}
	var ch AdminChange
	if err := web.DecodeJSON(c, &ch); err != nil {
		return err
	}
	u, err := h.svc.AdminUpdate(c.UserContext(), *auth.User(c), id, ch)
	if err != nil {
		return err
	}
	web.LogEvent(c, "admin.user_update", "target_id", id)
	return c.JSON(ToJSON(u))
}

// pageParams reads ?limit= (1–500) and ?offset= (≥ 0) of a JSON list into
// limit and offset when given, adding an error per bad value to errs.
func pageParams(c *fiber.Ctx, limit, offset *int, errs []web.FieldError) []web.FieldError {
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			errs = append(errs, web.Field("limit", "err.range", 1, 500))
		}
		*limit = n
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, web.Field("offset", "err.range", 0, 1<<31))
		}
		*offset = n
	}
	return errs
}
