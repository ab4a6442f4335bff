package auth

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/models"
)

// More sentinel errors, turned into 403 by the error handler.
var (
	ErrForbidden = errors.New("auth: not allowed")
	ErrCSRF      = errors.New("auth: missing or wrong CSRF token")
)

const (
	identityKey = "tadrib.identity"
	csrfKey     = "tadrib.csrf"
)

// Cookies names the cookies; over HTTPS they carry the __Host- prefix, which
// browsers only accept with Secure, Path=/ and no Domain (ASVS 3.3.1).
type Cookies struct {
	Secure bool
}

// Session is the session cookie's name.
func (k Cookies) Session() string { return k.prefix() + "tadrib_session" }

// Anon is the name of the cookie that binds a visitor's CSRF token before
// they sign in (login and register forms).
func (k Cookies) Anon() string { return k.prefix() + "tadrib_csrf" }

func (k Cookies) prefix() string {
	if k.Secure {
		return "__Host-"
	}
	return ""
}

// SetSession sets the session cookie.
func (k Cookies) SetSession(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: k.Session(), Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: k.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// ClearSession removes the session cookie.
func (k Cookies) ClearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: k.Session(), Value: "", Path: "/", MaxAge: -1,
		Expires: time.Unix(0, 0), HTTPOnly: true, Secure: k.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// From returns the caller's identity, or nil for an anonymous request.
func From(c *fiber.Ctx) *Identity {
	id, _ := c.Locals(identityKey).(*Identity)
	return id
}

// User returns the signed-in user, or nil for an anonymous request: the one
// way a handler reads who is asking. Behind RequireUser or RequireRole it is
// never nil.
func User(c *fiber.Ctx) *models.User {
	if id := From(c); id != nil {
		return &id.User
	}
	return nil
}

// CSRFFrom returns the CSRF token that pages and JSON answers hand out for
// this request.
func CSRFFrom(c *fiber.Ctx) string {
	s, _ := c.Locals(csrfKey).(string)
	return s
}

// SetIdentity records a new identity for the rest of the request (right after
// login or register) with its CSRF token.
func (s *Sessions) SetIdentity(c *fiber.Ctx, id *Identity) {
	c.Locals(identityKey, id)
	c.Locals(csrfKey, s.Keys.CSRFToken(id.SessionID))
}

// Middleware resolves the caller from `Authorization: Bearer` or, failing
// that, the session cookie. An invalid credential leaves the request
// anonymous; routes that need a user say so with RequireUser. It also checks
// CSRF: a state-changing request authenticated by the cookie must carry the
// session's token in X-CSRF-Token or the form field _csrf. Bearer requests
// carry no ambient credential and need none.
func (s *Sessions) Middleware(k Cookies) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token, viaCookie := bearer(c), false
		if token == "" {
			token, viaCookie = c.Cookies(k.Session()), true
		}
		var id *Identity
		if token != "" {
			resolved, err := s.Resolve(c.UserContext(), token)
			switch {
			case err == nil:
				resolved.ViaCookie = viaCookie
				id = &resolved
			case errors.Is(err, ErrNoSession), errors.Is(err, ErrDisabled):
				if viaCookie {
					k.ClearSession(c)
				}
			default:
				return err // the database did not answer: not the caller's fault
			}
		}
		if id != nil {
			s.SetIdentity(c, id)
		} else if anon := c.Cookies(k.Anon()); anon != "" {
			c.Locals(csrfKey, s.Keys.CSRFToken("anon:"+anon))
		}
		if id != nil && id.ViaCookie && !safeMethod(c.Method()) {
			if !s.Keys.CheckCSRF(id.SessionID, csrfToken(c)) {
				return ErrCSRF
			}
		}
		return c.Next()
	}
}

// EnsureAnonCSRF gives an anonymous visitor a CSRF cookie and token, for the
// login and register forms (login CSRF). Call it from those pages' GET
// handlers.
func (s *Sessions) EnsureAnonCSRF(c *fiber.Ctx, k Cookies) {
	if From(c) != nil || CSRFFrom(c) != "" {
		return
	}
	v := NewSessionID()
	c.Cookie(&fiber.Cookie{Name: k.Anon(), Value: v, Path: "/", HTTPOnly: true, Secure: k.Secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(24 * time.Hour)})
	c.Locals(csrfKey, s.Keys.CSRFToken("anon:"+v))
}

// CheckAnonCSRF checks the token of an anonymous form post.
func (s *Sessions) CheckAnonCSRF(c *fiber.Ctx, k Cookies) error {
	anon := c.Cookies(k.Anon())
	if anon == "" || !s.Keys.CheckCSRF("anon:"+anon, csrfToken(c)) {
		return ErrCSRF
	}
	return nil
}

func csrfToken(c *fiber.Ctx) string {
	if t := c.Get("X-CSRF-Token"); t != "" {
		return t
	}
	// From the posted form only: a token in a URL ends up in logs, history
	// and Referer headers (SECURITY.md H4), and FormValue reads the query.
	if v := c.Request().PostArgs().Peek("_csrf"); v != nil {
		return string(v)
	}
	if f, err := c.Request().MultipartForm(); err == nil && len(f.Value["_csrf"]) > 0 {
		return f.Value["_csrf"][0]
	}
	return ""
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// RequireUser refuses anonymous requests with 401.
func RequireUser(c *fiber.Ctx) error {
	if From(c) == nil {
		return ErrNoSession
	}
	return c.Next()
}

// RequireRole refuses anonymous requests with 401 and users without one of
// roles with 403. The role is the one read from the database on this request.
func RequireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id := From(c)
		if id == nil {
			return ErrNoSession
		}
		if !models.Valid(id.User.Role, roles) {
			return ErrForbidden
		}
		return c.Next()
	}
}
