package web

import (
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"tadrib/internal/auth"
	"tadrib/internal/i18n"
)

// CSP allows only this site's own scripts, styles, images and fonts: no
// inline script or style, no framing, no plugin, forms only to this site.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the security headers of every response (helmet), HSTS
// over HTTPS only, and a default `Cache-Control: no-store` that handlers of
// public, cacheable resources override: pages of signed-in users and the
// login page must never be served from a cache (SECURITY.md H6).
func SecurityHeaders() fiber.Handler {
	h := helmet.New(helmet.Config{
		ContentSecurityPolicy:     CSP,
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		XFrameOptions:             "DENY",
		HSTSMaxAge:                31536000,
		CrossOriginEmbedderPolicy: "credentialless",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), payment=()",
	})
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h(c)
	}
}

// RequestIDs gives each request an id, echoed in X-Request-ID and the logs.
func RequestIDs() fiber.Handler {
	return requestid.New(requestid.Config{ContextKey: "requestid"})
}

// RequestID returns the id of the request.
func RequestID(c *fiber.Ctx) string {
	s, _ := c.Locals("requestid").(string)
	return s
}

// AccessLog logs one structured line per request, after its error (if any)
// has been written, so the status logged is the one the client got.
func AccessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
				log.Error("error handler failed", "error", herr.Error(), "request_id", RequestID(c))
			}
		}
		status := c.Response().StatusCode()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(c.UserContext(), level, "request",
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int("bytes", len(c.Response().Body())),
			slog.String("ip", ClientIP(c)),
			slog.String("request_id", RequestID(c)),
			slog.Int64("user_id", userID(c)),
		)
		return nil
	}
}

const (
	langKey    = "tadrib.lang"
	LangCookie = "tadrib_lang"
)

// Lang returns the language chosen for this request.
func Lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(langKey).(string); ok {
		return l
	}
	// Before Languages ran: a request Fiber refused before any route (a
	// body over BodyLimit) is answered in the language it asked for.
	if l := c.Query("lang"); i18n.Supported(l) {
		return l
	}
	return i18n.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// Languages picks the request's language (openapi.json, info.description,
// Conventions, "Content language"): ?lang= when given (a page also
// remembers it in a cookie), then, for pages, that cookie, then the
// signed-in user's locale, then Accept-Language.
func Languages(secure bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		api := IsAPI(c)
		lang := c.Query("lang")
		switch {
		case i18n.Supported(lang):
			if !api && c.Cookies(LangCookie) != lang {
				c.Cookie(&fiber.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
					Secure: secure, SameSite: fiber.CookieSameSiteLaxMode, HTTPOnly: true})
			}
		case !api && i18n.Supported(c.Cookies(LangCookie)):
			lang = c.Cookies(LangCookie)
		case auth.From(c) != nil && i18n.Supported(auth.User(c).Locale):
			lang = auth.User(c).Locale
		default:
			lang = i18n.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
		}
		c.Locals(langKey, lang)
		c.Set(fiber.HeaderContentLanguage, lang)
		c.Set(fiber.HeaderVary, "Accept-Language, Cookie")
		return c.Next()
	}
}

// HideParam keeps the route parameter name (an invitation token, a
// certificate code: capabilities) out of the access log and error logs,
// which write the request path: once the chain has returned (pages have
// used the real path by then) the path becomes the route's, with "-" for
// that parameter. Deferred, so a panic's log does not keep it either.
func HideParam(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		route := c.Route().Path
		segs := strings.Split(route, "/")
		for i, s := range segs {
			switch {
			case s == ":"+name:
				segs[i] = "-"
			case strings.HasPrefix(s, ":"):
				segs[i] = c.Params(strings.TrimSuffix(s[1:], "?"))
			}
		}
		hidden := strings.Join(segs, "/")
		defer c.Path(hidden)
		return c.Next()
	}
}
