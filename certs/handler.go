package certs

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/certs/credential"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// Handler serves certificates: the JSON API, the public verification
// routes and the pages.
type Handler struct {
	svc         *Service
	r           *web.Renderer
	verifyLimit fiber.Handler
}

// NewHandler returns the handler of svc's API and pages, rendered by r;
// verifyLimit rate-limits the verification routes per address.
func NewHandler(svc *Service, r *web.Renderer, verifyLimit fiber.Handler) *Handler {
	return &Handler{svc: svc, r: r, verifyLimit: verifyLimit}
}

// Routes registers the JSON API under api, the public routes on app
// (/verify, /v/{code}, the JWKS and the status list), then the pages.
func (h *Handler) Routes(app fiber.Router, api fiber.Router) {
	verifyLimit := h.verifyLimit
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	api.Post("/courses/:slug/certificate", auth.RequireUser, h.claim)
	api.Get("/me/certificates", auth.RequireUser, h.mine)
	api.Get("/certificates", staff, h.search)
	api.Post("/certificates/issue", logRefusal, staff, h.issue)
	api.Get("/certificates/:code/pdf", hideParam, logRefusal, auth.RequireUser, h.pdf)
	api.Post("/certificates/:code/revoke", hideParam, logRefusal, staff, h.revoke)
	api.Post("/certificates/:code/reissue", hideParam, logRefusal, staff, h.reissue)

	app.Get("/verify", verifyLimit, h.verifyForm)
	// Before /verify/:code, which would take "CODE.json" for a code.
	app.Get("/verify/:code.json", hideCode, verifyLimit, h.credentialLD)
	app.Get("/verify/:code", hideCode, verifyLimit, h.verify)
	app.Get("/v/:code", hideCode, verifyLimit, h.verify)
	app.Get("/.well-known/jwks.json", h.jwks)
	app.Get("/keys/:kid", h.jwk)
	app.Get("/.well-known/did.json", h.didDocument)
	app.Get("/credentials/status/1", h.statusList)
	h.pageRoutes(app)
}

// hideParam keeps the code out of the logs on the other routes that carry
// one (a holder's download, staff actions).
var hideParam = web.HideParam("code")

// hideCode keeps certificate codes out of the access log, which writes the
// path of every request: the lookup is logged once, by verify, with the
// code's pseudonym. It runs after the handler, so pages still see the path.
func hideCode(c *fiber.Ctx) error {
	err := c.Next()
	c.Path("/verify/-")
	return err
}

// logRefusal logs a refused certificate action: a certificate the viewer may
// not manage is not found to them (ErrNotAllowed answers 404), and the
// refusal is logged (SECURITY.md C3).
func logRefusal(c *fiber.Ctx) error {
	err := c.Next()
	if errors.Is(err, ErrNotAllowed) {
		web.LogEvent(c, "certificate.refused", "path", c.Route().Path, "code", web.Pseudonym(c.Params("code")))
	}
	return err
}

func (h *Handler) claim(c *fiber.Ctx) error {
	cert, created, missing, err := h.svc.Claim(c.UserContext(), *auth.User(c), c.Params("slug"), web.Lang(c))
	if err != nil {
		return err
	}
	if missing != nil {
		return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "certs.err.incomplete", Extra: map[string]any{"missing": missing}}
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(cert)
}

func (h *Handler) mine(c *fiber.Ctx) error {
	items, err := h.svc.Mine(c.UserContext(), *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *Handler) search(c *fiber.Ctx) error {
	f, errs := parseFilter(c.Query("q"), c.Query("course"), c.Query("from"), c.Query("to"))
	if len(errs) > 0 {
		return web.Invalid(errs...)
	}
	items, err := h.svc.Search(c.UserContext(), *auth.User(c), f, web.Lang(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

// parseFilter reads the register's search fields; dates are YYYY-MM-DD.
func parseFilter(q, course, from, to string) (Filter, []web.FieldError) {
	f := Filter{Q: q, Course: course}
	var errs []web.FieldError
	for _, d := range []struct {
		field, v string
		dst      **time.Time
	}{{"from", from, &f.From}, {"to", to, &f.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.v)
		if err != nil {
			errs = append(errs, web.Field(d.field, "certs.err.date"))
			continue
		}
		*d.dst = &t
	}
	return f, errs
}

func (h *Handler) issue(c *fiber.Ctx) error {
	var in IssueIn
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	items, err := h.svc.Issue(c.UserContext(), *auth.User(c), in, web.Lang(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": items})
}

func (h *Handler) pdf(c *fiber.Ctx) error {
	b, r, err := h.svc.PDFFor(c.UserContext(), *auth.User(c), c.Params("code"))
	if err != nil {
		return err
	}
	// ASCII only (slug and code): no name in a header, nothing to inject (SECURITY.md C9).
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="certificate-`+r.Slug+`-`+r.Code+`.pdf"`)
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(b)
}

func (h *Handler) revoke(c *fiber.Ctx) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	cert, err := h.svc.Revoke(c.UserContext(), *auth.User(c), c.Params("code"), in.Reason, web.Lang(c))
	if err != nil {
		return err
	}
	web.LogEvent(c, "certificate.revoke", "code", web.Pseudonym(cert.Code))
	return c.JSON(cert)
}

func (h *Handler) reissue(c *fiber.Ctx) error {
	var in ReissueIn
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	cert, err := h.svc.Reissue(c.UserContext(), *auth.User(c), c.Params("code"), in, web.Lang(c))
	if err != nil {
		return err
	}
	web.LogEvent(c, "certificate.reissue", "code", web.Pseudonym(c.Params("code")), "new_code", web.Pseudonym(cert.Code))
	return c.Status(fiber.StatusCreated).JSON(cert)
}

// jwks serves the public keys. Five minutes of cache: after a rotation,
// certificates signed with the new key verify elsewhere within that time.
func (h *Handler) jwks(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/jwk-set+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(h.svc.keys.JWKS())
}

// jwk serves one public key, so that a credential's kid dereferences to its JWK.
func (h *Handler) jwk(c *fiber.Ctx) error {
	b, ok := h.svc.keys.JWK(c.Params("kid"))
	if !ok {
		return web.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "application/jwk+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

// credentialLD serves the Data Integrity credential as a download, under
// the verification route's rules: rate-limited, the code kept out of logs
// and referrers, a minute of cache.
func (h *Handler) credentialLD(c *fiber.Ctx) error {
	code, uerr := url.PathUnescape(c.Params("code"))
	if uerr != nil {
		code = ""
	}
	b, norm, err := h.svc.CredentialLD(c.UserContext(), code)
	status := "ok"
	if errors.Is(err, ErrNotFound) {
		status = "not_found"
	} else if err != nil {
		return err
	}
	if norm == "" {
		norm, _ = Normalize(code)
	}
	web.LogEvent(c, "certificate.credential", "code", web.Pseudonym(norm), "status", status)
	verifyHeaders(c)
	if err != nil {
		return err
	}
	// ASCII only (the code): nothing to inject in the header (SECURITY.md C9).
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="certificate-`+norm+`.json"`)
	c.Set(fiber.HeaderContentType, credential.MediaType)
	return c.Send(b)
}

// didDocument serves the did:web document: every key, current and older,
// as a Multikey. Under did:key (no public https address) there is none.
func (h *Handler) didDocument(c *fiber.Ctx) error {
	b, ok := h.svc.DIDDocument()
	if !ok {
		return web.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, "application/did+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}

func (h *Handler) statusList(c *fiber.Ctx) error {
	jws, err := h.svc.StatusList(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vc+jwt")
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.SendString(jws)
}
