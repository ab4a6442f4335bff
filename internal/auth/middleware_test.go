package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// mwEnv is a Fiber app with the session middleware and a few routes, over a
// database of this test. Its error handler stands in for web.ErrorHandler
// (which imports this package): 401 for no session, 403 for forbidden, 403
// "csrf" for a CSRF failure, 500 otherwise.
type mwEnv struct {
	sessionEnv
	app *fiber.App
	k   Cookies
}

func newMWEnv(t *testing.T, secure bool) mwEnv {
	t.Helper()
	return newMWEnvOn(t, testdb.New(t), secure)
}

func newMWEnvOn(t *testing.T, d *db.DB, secure bool) mwEnv {
	t.Helper()
	e := mwEnv{sessionEnv: newSessionEnvOn(t, d), k: Cookies{Secure: secure}}
	e.s.Now = nil // real time: cookies and tokens made here are checked now
	e.app = fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		switch {
		case errors.Is(err, ErrNoSession), errors.Is(err, ErrDisabled):
			return c.Status(401).SendString("unauthenticated")
		case errors.Is(err, ErrCSRF):
			return c.Status(403).SendString("csrf")
		case errors.Is(err, ErrForbidden):
			return c.Status(403).SendString("forbidden")
		}
		return c.Status(500).SendString("internal")
	}})
	e.app.Use(e.s.Middleware(e.k))
	whoami := func(c *fiber.Ctx) error {
		id := From(c)
		if id == nil {
			return c.SendString("anonymous csrf=" + CSRFFrom(c))
		}
		via := "bearer"
		if id.ViaCookie {
			via = "cookie"
		}
		return c.SendString(id.User.Email + " " + id.User.Role + " " + via + " csrf=" + CSRFFrom(c))
	}
	e.app.Get("/whoami", whoami)
	e.app.All("/write", whoami)
	e.app.Get("/user", RequireUser, whoami)
	e.app.Post("/user", RequireUser, whoami)
	e.app.Get("/staff", RequireRole(models.RoleTrainer, models.RoleAdmin), whoami)
	e.app.Get("/admin", RequireRole(models.RoleAdmin), whoami)
	e.app.Get("/login", func(c *fiber.Ctx) error {
		e.s.EnsureAnonCSRF(c, e.k)
		return c.SendString(CSRFFrom(c))
	})
	e.app.Post("/login", func(c *fiber.Ctx) error {
		if err := e.s.CheckAnonCSRF(c, e.k); err != nil {
			return err
		}
		return c.SendString("ok")
	})
	return e
}

type req struct {
	method, path string
	bearer       string
	cookies      map[string]string
	csrfHeader   string
	form         url.Values // sent urlencoded
	multipart    url.Values
	raw          string // Authorization header as is
}

func (e mwEnv) do(t *testing.T, r req) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case r.form != nil:
		body, ctype = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.multipart != nil:
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, vs := range r.multipart {
			for _, v := range vs {
				w.WriteField(k, v)
			}
		}
		w.Close()
		body, ctype = &b, w.FormDataContentType()
	}
	if r.method == "" {
		r.method = "GET"
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	if r.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.raw != "" {
		hr.Header.Set("Authorization", r.raw)
	}
	if r.csrfHeader != "" {
		hr.Header.Set("X-CSRF-Token", r.csrfHeader)
	}
	for k, v := range r.cookies {
		hr.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := e.app.Test(hr, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e mwEnv) signIn(t *testing.T, email, role string) (models.User, string, models.Session) {
	t.Helper()
	u := e.user(t, email, role)
	tok, sess, err := e.s.Create(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, tok, sess
}

func testMiddlewareResolvesCaller(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, false)
	u, tok, sess := e.signIn(t, "amina@example.org", models.RoleTrainee)
	csrf := e.s.Keys.CSRFToken(sess.ID)
	cases := []struct {
		name string
		r    req
		want string
	}{
		{"nothing", req{path: "/whoami"}, "anonymous csrf="},
		{"cookie", req{path: "/whoami", cookies: map[string]string{"tadrib_session": tok}}, u.Email + " trainee cookie csrf=" + csrf},
		{"bearer", req{path: "/whoami", bearer: tok}, u.Email + " trainee bearer csrf=" + csrf},
		{"bearer any case", req{path: "/whoami", raw: "bEaReR " + tok}, u.Email + " trainee bearer csrf=" + csrf},
		{"bad bearer beats good cookie", req{path: "/whoami", bearer: "x.y.z", cookies: map[string]string{"tadrib_session": tok}}, "anonymous csrf="},
		{"Basic is no bearer", req{path: "/whoami", raw: "Basic " + tok}, "anonymous csrf="},
		{"secure-prefixed cookie on plain HTTP", req{path: "/whoami", cookies: map[string]string{"__Host-tadrib_session": tok}}, "anonymous csrf="},
		{"garbage cookie", req{path: "/whoami", cookies: map[string]string{"tadrib_session": "garbage"}}, "anonymous csrf="},
	}
	for _, tc := range cases {
		if _, body := e.do(t, tc.r); body != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, body, tc.want)
		}
	}
}

// testMiddlewareCSRF: a state-changing request authenticated by the session
// cookie needs that session's CSRF token, in X-CSRF-Token or the posted form
// (never the query string); Bearer requests carry no ambient credential and
// need none; safe methods need none.
func testMiddlewareCSRF(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, false)
	_, tok, sess := e.signIn(t, "csrf@example.org", models.RoleTrainee)
	_, _, otherSess := e.signIn(t, "other@example.org", models.RoleTrainee)
	good := e.s.Keys.CSRFToken(sess.ID)
	cookie := map[string]string{"tadrib_session": tok}
	cases := []struct {
		name string
		r    req
		want int
	}{
		{"cookie POST without token", req{method: "POST", path: "/write", cookies: cookie}, 403},
		{"cookie POST wrong token", req{method: "POST", path: "/write", cookies: cookie, csrfHeader: "wrong"}, 403},
		{"cookie POST other session's token", req{method: "POST", path: "/write", cookies: cookie, csrfHeader: e.s.Keys.CSRFToken(otherSess.ID)}, 403},
		{"cookie POST anonymous token of same id", req{method: "POST", path: "/write", cookies: cookie, csrfHeader: e.s.Keys.CSRFToken("anon:" + sess.ID)}, 403},
		{"cookie POST token in query only", req{method: "POST", path: "/write?_csrf=" + url.QueryEscape(good), cookies: cookie}, 403},
		{"cookie POST empty form field", req{method: "POST", path: "/write", cookies: cookie, form: url.Values{"_csrf": {""}}}, 403},
		{"cookie POST header", req{method: "POST", path: "/write", cookies: cookie, csrfHeader: good}, 200},
		{"cookie POST form field", req{method: "POST", path: "/write", cookies: cookie, form: url.Values{"_csrf": {good}, "x": {"1"}}}, 200},
		{"cookie POST multipart field", req{method: "POST", path: "/write", cookies: cookie, multipart: url.Values{"_csrf": {good}}}, 200},
		{"cookie PUT without token", req{method: "PUT", path: "/write", cookies: cookie}, 403},
		{"cookie PATCH without token", req{method: "PATCH", path: "/write", cookies: cookie}, 403},
		{"cookie DELETE without token", req{method: "DELETE", path: "/write", cookies: cookie}, 403},
		{"cookie DELETE header", req{method: "DELETE", path: "/write", cookies: cookie, csrfHeader: good}, 200},
		{"cookie GET", req{method: "GET", path: "/write", cookies: cookie}, 200},
		{"cookie HEAD", req{method: "HEAD", path: "/write", cookies: cookie}, 200},
		{"cookie OPTIONS", req{method: "OPTIONS", path: "/write", cookies: cookie}, 200},
		{"bearer POST without token", req{method: "POST", path: "/write", bearer: tok}, 200},
		{"bearer DELETE without token", req{method: "DELETE", path: "/write", bearer: tok}, 200},
		{"bearer and cookie POST without token", req{method: "POST", path: "/write", bearer: tok, cookies: cookie}, 200},
	}
	for _, tc := range cases {
		resp, body := e.do(t, tc.r)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %q, want %d", tc.name, resp.StatusCode, body, tc.want)
		}
		if tc.want == 403 && body != "csrf" {
			t.Errorf("%s: refused with %q, want the CSRF error", tc.name, body)
		}
	}
}

// testMiddlewareEndedSessionClearsCookie: a cookie naming no live session (or
// a disabled user) is removed and the request goes on anonymous; a bad Bearer
// token leaves cookies alone.
func testMiddlewareEndedSessionClearsCookie(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, false)
	u, tok, sess := e.signIn(t, "ended@example.org", models.RoleTrainee)
	cookie := map[string]string{"tadrib_session": tok}
	if resp, _ := e.do(t, req{path: "/user", cookies: cookie}); resp.StatusCode != 200 || cleared(resp, "tadrib_session") {
		t.Fatalf("live session: %d, cleared %v", resp.StatusCode, cleared(resp, "tadrib_session"))
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", u.ID).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	resp, body := e.do(t, req{path: "/user", cookies: cookie})
	if resp.StatusCode != 401 || !cleared(resp, "tadrib_session") {
		t.Errorf("disabled user: %d %q, cookie cleared %v", resp.StatusCode, body, cleared(resp, "tadrib_session"))
	}
	// A write by a disabled user is refused as unauthenticated, not CSRF.
	if resp, body := e.do(t, req{method: "POST", path: "/user", cookies: cookie, csrfHeader: e.s.Keys.CSRFToken(sess.ID)}); resp.StatusCode != 401 {
		t.Errorf("disabled user's POST: %d %q, want 401", resp.StatusCode, body)
	}
	if resp, _ := e.do(t, req{path: "/user", bearer: tok}); resp.StatusCode != 401 || cleared(resp, "tadrib_session") {
		t.Errorf("disabled user by Bearer: %d, cookie cleared %v (want 401, untouched)", resp.StatusCode, cleared(resp, "tadrib_session"))
	}
	_, tok2, sess2 := e.signIn(t, "logout@example.org", models.RoleTrainee)
	if err := e.s.Revoke(context.Background(), sess2.ID); err != nil {
		t.Fatal(err)
	}
	resp, body = e.do(t, req{path: "/whoami", cookies: map[string]string{"tadrib_session": tok2}})
	if body != "anonymous csrf=" || !cleared(resp, "tadrib_session") {
		t.Errorf("after logout: %q, cookie cleared %v", body, cleared(resp, "tadrib_session"))
	}
	// After logout, the old CSRF token opens nothing either.
	if resp, _ := e.do(t, req{method: "POST", path: "/user", cookies: map[string]string{"tadrib_session": tok2}, csrfHeader: e.s.Keys.CSRFToken(sess2.ID)}); resp.StatusCode != 401 {
		t.Errorf("a write after logout: %d, want 401", resp.StatusCode)
	}
}

func cleared(resp *http.Response, name string) bool {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.Value == "" && (c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now()))) {
			return true
		}
	}
	return false
}

// TestMiddlewareDatabaseDown: when the session cannot be looked up the
// request fails (500 here, 503 in the app), it does not go on anonymous.
func TestMiddlewareDatabaseDown(t *testing.T) {
	t.Parallel()
	e := newMWEnv(t, false)
	_, tok, _ := e.signIn(t, "down@example.org", models.RoleTrainee)
	e.db.Close()
	resp, body := e.do(t, req{path: "/whoami", cookies: map[string]string{"tadrib_session": tok}})
	if resp.StatusCode != 500 || cleared(resp, "tadrib_session") {
		t.Errorf("database closed: %d %q, cookie cleared %v; want 500 and the cookie kept", resp.StatusCode, body, cleared(resp, "tadrib_session"))
	}
}

// testRequireUserAndRole: anonymous is 401 everywhere; a role outside the
// list is 403; the role is the database's of this request.
func testRequireUserAndRole(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, false)
	trainee, tTok, _ := e.signIn(t, "trainee@example.org", models.RoleTrainee)
	_, trTok, _ := e.signIn(t, "trainer@example.org", models.RoleTrainer)
	_, aTok, _ := e.signIn(t, "admin@example.org", models.RoleAdmin)
	cases := []struct {
		path, tok string
		want      int
	}{
		{"/user", "", 401}, {"/staff", "", 401}, {"/admin", "", 401},
		{"/user", tTok, 200}, {"/staff", tTok, 403}, {"/admin", tTok, 403},
		{"/user", trTok, 200}, {"/staff", trTok, 200}, {"/admin", trTok, 403},
		{"/user", aTok, 200}, {"/staff", aTok, 200}, {"/admin", aTok, 200},
	}
	for _, tc := range cases {
		resp, body := e.do(t, req{path: tc.path, bearer: tc.tok})
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s with %q: %d %q, want %d", tc.path, strings.SplitN(body, " ", 2)[0], resp.StatusCode, body, tc.want)
		}
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", trainee.ID).Update("role", models.RoleAdmin).Error; err != nil {
		t.Fatal(err)
	}
	if resp, _ := e.do(t, req{path: "/admin", bearer: tTok}); resp.StatusCode != 200 {
		t.Errorf("promoted to admin: /admin %d, want 200 on the next request", resp.StatusCode)
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", trainee.ID).Update("role", models.RoleTrainee).Error; err != nil {
		t.Fatal(err)
	}
	if resp, _ := e.do(t, req{path: "/staff", bearer: tTok}); resp.StatusCode != 403 {
		t.Errorf("demoted to trainee: /staff %d, want 403 on the next request", resp.StatusCode)
	}
}

// testAnonCSRF: the login and register forms are protected by a token bound
// to a cookie of the visitor's own (login CSRF): cookie and form field are
// both required, and must belong together.
func testAnonCSRF(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, false)
	resp, token := e.do(t, req{path: "/login"})
	var anon *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "tadrib_csrf" {
			anon = c
		}
	}
	if anon == nil || anon.Value == "" || token == "" {
		t.Fatalf("GET /login: cookie %+v, token %q", anon, token)
	}
	if !anon.HttpOnly || anon.SameSite != http.SameSiteLaxMode || anon.Path != "/" {
		t.Errorf("anonymous CSRF cookie attributes: %+v", anon)
	}
	_, other := e.do(t, req{path: "/login"})
	ck := map[string]string{"tadrib_csrf": anon.Value}
	cases := []struct {
		name string
		r    req
		want int
	}{
		{"cookie and form", req{method: "POST", path: "/login", cookies: ck, form: url.Values{"_csrf": {token}}}, 200},
		{"cookie and header", req{method: "POST", path: "/login", cookies: ck, csrfHeader: token}, 200},
		{"form without cookie", req{method: "POST", path: "/login", form: url.Values{"_csrf": {token}}}, 403},
		{"cookie without token", req{method: "POST", path: "/login", cookies: ck, form: url.Values{"x": {"1"}}}, 403},
		{"another visitor's token", req{method: "POST", path: "/login", cookies: ck, form: url.Values{"_csrf": {other}}}, 403},
		{"token in query", req{method: "POST", path: "/login?_csrf=" + url.QueryEscape(token), cookies: ck}, 403},
		{"cookie value as token", req{method: "POST", path: "/login", cookies: ck, form: url.Values{"_csrf": {anon.Value}}}, 403},
	}
	for _, tc := range cases {
		if resp, body := e.do(t, tc.r); resp.StatusCode != tc.want {
			t.Errorf("%s: %d %q, want %d", tc.name, resp.StatusCode, body, tc.want)
		}
	}
	// The middleware hands the same token to later pages of the visitor.
	if _, body := e.do(t, req{path: "/whoami", cookies: ck}); body != "anonymous csrf="+token {
		t.Errorf("anonymous page with the cookie: %q", body)
	}
	// A second visit keeps the cookie it has: no new cookie, same token.
	resp, again := e.do(t, req{path: "/login", cookies: ck})
	if again != token || len(resp.Cookies()) != 0 {
		t.Errorf("second GET /login: token %q (want %q), cookies %v", again, token, resp.Cookies())
	}
	// A signed-in user gets the session's token and no anonymous cookie.
	_, tok, sess := e.signIn(t, "in@example.org", models.RoleTrainee)
	resp, got := e.do(t, req{path: "/login", bearer: tok})
	if got != e.s.Keys.CSRFToken(sess.ID) || len(resp.Cookies()) != 0 {
		t.Errorf("GET /login signed in: %q, cookies %v", got, resp.Cookies())
	}
}

// TestCookies: over HTTPS the cookies carry the __Host- prefix and Secure; the
// session cookie is HttpOnly, SameSite=Lax, Path=/, and clearing expires it.
func TestCookies(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		k := Cookies{Secure: secure}
		prefix := map[bool]string{false: "", true: "__Host-"}[secure]
		if k.Session() != prefix+"tadrib_session" || k.Anon() != prefix+"tadrib_csrf" {
			t.Errorf("secure=%v: names %q %q", secure, k.Session(), k.Anon())
		}
		app := fiber.New()
		exp := time.Now().Add(time.Hour).Truncate(time.Second)
		app.Get("/set", func(c *fiber.Ctx) error { k.SetSession(c, "tok", exp); return nil })
		app.Get("/clear", func(c *fiber.Ctx) error { k.ClearSession(c); return nil })
		for _, path := range []string{"/set", "/clear"} {
			resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			cs := resp.Cookies()
			if len(cs) != 1 {
				t.Fatalf("%s: cookies %v", path, cs)
			}
			c := cs[0]
			if c.Name != k.Session() || !c.HttpOnly || c.Secure != secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Errorf("secure=%v %s: %+v", secure, path, c)
			}
			if path == "/set" && (c.Value != "tok" || !c.Expires.Equal(exp)) {
				t.Errorf("secure=%v set: value %q expires %v, want tok %v", secure, c.Value, c.Expires, exp)
			}
			if path == "/clear" && !cleared(resp, k.Session()) {
				t.Errorf("secure=%v clear: %+v", secure, c)
			}
		}
	}
}

// testMiddlewareSecureCookieNames: on HTTPS the middleware reads only the
// __Host- cookie: a cookie without the prefix could have been set by a
// sibling subdomain.
func testMiddlewareSecureCookieNames(t *testing.T, d *db.DB) {
	e := newMWEnvOn(t, d, true)
	u, tok, _ := e.signIn(t, "secure@example.org", models.RoleTrainee)
	if _, body := e.do(t, req{path: "/whoami", cookies: map[string]string{"__Host-tadrib_session": tok}}); !strings.HasPrefix(body, u.Email) {
		t.Errorf("__Host- cookie: %q", body)
	}
	if _, body := e.do(t, req{path: "/whoami", cookies: map[string]string{"tadrib_session": tok}}); body != "anonymous csrf=" {
		t.Errorf("unprefixed cookie on HTTPS: %q", body)
	}
}
