package certs

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// verifyHeaders makes a verification answer short-lived in caches, so that
// a revocation shows within a minute, and keeps the capability URL out of
// referrers and search engines: the verification URL is a capability URL
// (W3C TAG, "Good Practices for Capability URLs",
// https://www.w3.org/TR/capability-urls/). A page rendered for a
// signed-in visitor (their name, a CSRF token) or one that sets a cookie is
// never stored by a shared cache.
func verifyHeaders(c *fiber.Ctx) {
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Vary(fiber.HeaderAccept, fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	if auth.From(c) != nil || len(c.Response().Header.PeekCookie(web.LangCookie)) > 0 {
		c.Set(fiber.HeaderCacheControl, "private, max-age=0, no-cache")
		return
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(c *fiber.Ctx) bool {
	a := c.Get(fiber.HeaderAccept)
	return strings.Contains(a, "json") && !strings.Contains(a, "html")
}

func (h *Handler) verify(c *fiber.Ctx) error {
	// Fiber leaves path parameters escaped: "ABCD%20EFGH" typed with a space.
	code, uerr := url.PathUnescape(c.Params("code"))
	if uerr != nil {
		code = ""
	}
	v, err := h.svc.Verify(c.UserContext(), code, web.Lang(c))
	status := v.Status
	if errors.Is(err, ErrNotFound) {
		status = "not_found"
	} else if err != nil {
		return err
	}
	// The code is a capability: logged as a pseudonym, with the outcome only.
	norm, _ := Normalize(code)
	web.LogEvent(c, "certificate.verify", "code", web.Pseudonym(norm), "status", status)
	verifyHeaders(c)
	if wantsJSON(c) {
		if status == "not_found" {
			return c.Status(fiber.StatusNotFound).JSON(fiber.Map{"status": "not_found"})
		}
		return c.JSON(v)
	}
	if status == "not_found" {
		return h.r.Page(c, fiber.StatusNotFound, "verify", h.r.T(c, "verify.title"), verifyPage{NotFound: true, Typed: code})
	}
	return h.r.Page(c, fiber.StatusOK, "verify", h.r.T(c, "verify.title"), verifyPage{V: v, Status: status})
}

type verifyPage struct {
	V        Verification
	Status   string
	NotFound bool
	Typed    string
	Err      string
}

// verifyForm shows the form for a typed code and, given ?code=, sends the
// visitor to its page under the code's normal spelling.
func (h *Handler) verifyForm(c *fiber.Ctx) error {
	verifyHeaders(c)
	typed := strings.TrimSpace(c.Query("code"))
	if typed != "" {
		if code, ok := Normalize(typed); ok {
			return c.Redirect("/verify/"+code, fiber.StatusSeeOther)
		}
		norm, _ := Normalize(typed)
		web.LogEvent(c, "certificate.verify", "code", web.Pseudonym(norm), "status", "malformed")
		return h.r.Page(c, fiber.StatusBadRequest, "verify_form", h.r.T(c, "verify.form_title"),
			verifyPage{Typed: typed, Err: h.r.T(c, "verify.malformed")})
	}
	if c.Request().URI().QueryArgs().Has("code") {
		// The form was sent empty: say so at the field, not a silent reload.
		return h.r.Page(c, fiber.StatusBadRequest, "verify_form", h.r.T(c, "verify.form_title"),
			verifyPage{Err: h.r.T(c, "verify.empty")})
	}
	return h.r.Page(c, fiber.StatusOK, "verify_form", h.r.T(c, "verify.form_title"), verifyPage{})
}
