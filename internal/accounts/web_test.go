package accounts

// The accounts routes on a webtest.Env: the service on the Env's database
// with an injected clock, the real templates, the one error handler. The
// rate limiters are pass-through unless a test gives its own.

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/config"
	"tadrib/internal/web"
	"tadrib/internal/webtest"
	"tadrib/models"
)

const testBaseURL = "http://tadrib.test"

// testPrivacy is what the test notice states: the default periods.
var testPrivacy = PrivacyEnv{Retention: config.Retention{InactiveDays: 1095, EndedDays: 90, AuditDays: 1825},
	Issuer: "Direction de la formation", IssuerAr: "مديرية التكوين"}

type webEnv struct {
	*webtest.Env
	svc   *Service
	clock *clock
}

func pass(c *fiber.Ctx) error { return c.Next() }

// newWeb mounts the accounts routes; registration is "open" or "closed".
func newWeb(t *testing.T, registration string, limits Limits, parts ...ExportPart) *webEnv {
	t.Helper()
	e := webtest.New(t)
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := NewService(e.DB)
	s.Now = clk.now
	if limits.PerAddress == nil {
		limits.PerAddress = pass
	}
	if limits.PerAccount == nil {
		limits.PerAccount = pass
	}
	NewHandler(s, e.Sessions, e.Cookies, e.Renderer, Env{Registration: registration, BaseURL: testBaseURL + "/",
		Limits: limits, Exporters: parts, Privacy: testPrivacy}).Routes(e.App, e.API)
	return &webEnv{Env: e, svc: s, clock: clk}
}

// account registers a user with a known password through the service.
func (e *webEnv) account(t *testing.T, email, role string) models.User {
	t.Helper()
	return mustUser(t, e.svc, email, role)
}

func (e *webEnv) as(u models.User, lang string) *webtest.Client {
	c := e.As(u)
	c.Lang = lang
	return c
}

// anonForm posts a form as an anonymous visitor holding the CSRF cookie
// the sign-in and registration pages hand out (login CSRF).
func (e *webEnv) anonForm(path string, form url.Values, lang string) webtest.Response {
	const anon = "anon-visitor"
	cookie := e.Cookies.Anon() + "=" + anon
	if lang != "" {
		cookie += "; " + web.LangCookie + "=" + lang
	}
	return e.Anonymous().Do(fiber.MethodPost, path, form, "Cookie", cookie, "X-CSRF-Token", e.Sessions.Keys.CSRFToken("anon:"+anon))
}

// sessionCookie returns the session cookie a response set ("" when none).
func (e *webEnv) sessionCookie(r webtest.Response) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == e.Cookies.Session() {
			return c.Value
		}
	}
	return ""
}

// withToken is a request with a bearer token (the JSON clients' session).
func (e *webEnv) withToken(method, path, token string, body any) webtest.Response {
	return e.Anonymous().Do(method, path, body, "Authorization", "Bearer "+token)
}

// audited counts audit events of action on object.
func (e *webEnv) audited(t *testing.T, action, object string) []models.AuditEvent {
	t.Helper()
	var evs []models.AuditEvent
	if err := e.DB.R.Where("action = ? AND object = ?", action, object).Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}
