package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestSecurityHeadersOnEveryResponse: pages, JSON, problems, error pages,
// redirects, not-found, refusals by middleware, panics and static files all
// carry the security headers; everything but static files is no-store.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, testAppOpts{})
	cases := []struct {
		name   string
		r      request
		status int
		static bool
	}{
		{"api json", request{target: "/api/v1/thing"}, 200, false},
		{"page", request{target: "/page"}, 200, false},
		{"problem", request{target: "/api/v1/fail/weberror"}, 409, false},
		{"error page", request{target: "/fail/forbidden"}, 403, false},
		{"login redirect", request{target: "/fail/nosession"}, 303, false},
		{"redirect", request{target: "/redirect"}, 303, false},
		{"not found page", request{target: "/nowhere"}, 404, false},
		{"not found api", request{target: "/api/v1/nowhere"}, 404, false},
		{"refused encoding", request{method: "POST", target: "/api/v1/thing", header: map[string]string{"Content-Encoding": "gzip"}, body: "x"}, 415, false},
		{"panic", request{target: "/fail/panic"}, 500, false},
		{"unavailable", request{target: "/api/v1/fail/unavailable"}, 503, false},
		{"static", request{target: "/static/app.css"}, 200, true},
		{"static missing", request{target: "/static/nope.css"}, 404, false},
	}
	want := map[string]string{
		"Content-Security-Policy":      CSP,
		"X-Frame-Options":              "DENY",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), payment=()",
		"Cross-Origin-Embedder-Policy": "credentialless",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	}
	for _, tc := range cases {
		r := send(t, app, tc.r)
		if r.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.StatusCode, tc.status)
		}
		for h, v := range want {
			if got := r.Header.Get(h); got != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, h, got, v)
			}
		}
		cc := r.Header.Get("Cache-Control")
		if tc.static != strings.HasPrefix(cc, "public") || (!tc.static && cc != "no-store") {
			t.Errorf("%s: Cache-Control %q", tc.name, cc)
		}
		if hsts := r.Header.Get("Strict-Transport-Security"); hsts != "" {
			t.Errorf("%s: HSTS over plain HTTP: %q", tc.name, hsts)
		}
		if !tc.static && r.Header.Get("Content-Language") == "" {
			t.Errorf("%s: no Content-Language", tc.name)
		}
		if r.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", tc.name)
		}
	}
}

// TestHSTSOnlyOverHTTPS: HSTS is sent when the request came over HTTPS, which
// a client may only claim through a trusted proxy.
func TestHSTSOnlyOverHTTPS(t *testing.T) {
	t.Parallel()
	https := map[string]string{"X-Forwarded-Proto": "https"}
	behind := newTestApp(t, testAppOpts{trusted: []string{"0.0.0.0"}}) // app.Test's peer
	for _, target := range []string{"/page", "/api/v1/fail/forbidden", "/nowhere"} {
		if got := send(t, behind, request{target: target, header: https}).Header.Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains" {
			t.Errorf("%s via a trusted proxy over HTTPS: HSTS %q", target, got)
		}
	}
	if got := send(t, behind, request{target: "/page"}).Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("via a trusted proxy over HTTP: HSTS %q", got)
	}
	direct := newTestApp(t, testAppOpts{trusted: []string{"10.0.0.0/8"}})
	if got := send(t, direct, request{target: "/page", header: https}).Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("an untrusted client claiming HTTPS: HSTS %q", got)
	}
}

// TestLanguageChoice: ?lang= first (pages remember it in a cookie), then the
// cookie for pages only, then the user's locale, then Accept-Language, then
// French.
func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, testAppOpts{})
	cases := []struct {
		name, target string
		header       map[string]string
		want         string
		setsCookie   bool
	}{
		{"default", "/lang", nil, "fr", false},
		{"accept-language", "/lang", map[string]string{"Accept-Language": "ar-MA,ar;q=0.9"}, "ar", false},
		{"accept-language unsupported", "/lang", map[string]string{"Accept-Language": "de-DE"}, "fr", false},
		{"query", "/lang?lang=en", map[string]string{"Accept-Language": "ar"}, "en", true},
		{"query already in cookie", "/lang?lang=en", map[string]string{"Cookie": "tadrib_lang=en"}, "en", false},
		{"query beats cookie", "/lang?lang=ar", map[string]string{"Cookie": "tadrib_lang=en"}, "ar", true},
		{"unsupported query", "/lang?lang=de", map[string]string{"Accept-Language": "en"}, "en", false},
		{"cookie beats user and header", "/lang", map[string]string{"Cookie": "tadrib_lang=en", "X-Test-Locale": "ar", "Accept-Language": "ar"}, "en", false},
		{"bad cookie", "/lang", map[string]string{"Cookie": "tadrib_lang=xx", "Accept-Language": "en"}, "en", false},
		{"user locale beats header", "/lang", map[string]string{"X-Test-Locale": "ar", "Accept-Language": "en"}, "ar", false},
		{"unsupported user locale", "/lang", map[string]string{"X-Test-Locale": "de", "Accept-Language": "en"}, "en", false},
		{"api query, no cookie set", "/api/v1/thing?lang=ar", nil, "ar", false},
		{"api ignores the page cookie", "/api/v1/thing", map[string]string{"Cookie": "tadrib_lang=en", "Accept-Language": "ar"}, "ar", false},
		{"api user locale", "/api/v1/thing", map[string]string{"X-Test-Locale": "en"}, "en", false},
	}
	for _, tc := range cases {
		r := send(t, app, request{target: tc.target, header: tc.header})
		got := r.body
		if strings.HasPrefix(tc.target, "/api/") {
			var v struct{ Lang string }
			json.Unmarshal([]byte(r.body), &v)
			got = v.Lang
		}
		if got != tc.want || r.Header.Get("Content-Language") != tc.want {
			t.Errorf("%s: language %q, Content-Language %q; want %q", tc.name, got, r.Header.Get("Content-Language"), tc.want)
		}
		if v := r.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
			t.Errorf("%s: Vary %q", tc.name, v)
		}
		var cookie string
		for _, c := range r.Cookies() {
			if c.Name == LangCookie {
				cookie = c.Value
				if !c.HttpOnly || c.Path != "/" || c.MaxAge < 300*24*3600 {
					t.Errorf("%s: language cookie %+v", tc.name, c)
				}
			}
		}
		if tc.setsCookie != (cookie != "") || (tc.setsCookie && cookie != tc.want) {
			t.Errorf("%s: language cookie %q, want set=%v", tc.name, cookie, tc.setsCookie)
		}
	}
}

// TestAccessLog: one line per request with the status the client got, the
// request id it was given and its address; no capability from the path, no
// query string, no credential, no body.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	app := newTestApp(t, testAppOpts{log: slog.New(slog.NewJSONHandler(&buf, nil))})
	secrets := map[string]string{
		"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.SECRET-BEARER.sig",
		"Cookie":        "tadrib_session=SECRET-COOKIE; tadrib_csrf=SECRET-ANON",
		"X-CSRF-Token":  "SECRET-CSRF",
		"Content-Type":  "application/x-www-form-urlencoded",
	}
	cases := []struct {
		target string
		status int
		path   string
	}{
		{"/join/SECRET-INVITE?code=SECRET-CODE&password=SECRET-PW", 200, "/join/-"},
		{"/join/SECRET-INVITE/fail", 500, "/join/-/fail"},
		{"/api/v1/fail/weberror?token=SECRET-QUERY", 409, "/api/v1/fail/weberror"},
		{"/nowhere?code=SECRET-CODE", 404, "/nowhere"},
		{"/fail/nosession?next=SECRET-NEXT", 303, "/fail/nosession"},
	}
	for _, tc := range cases {
		buf.mu.Lock()
		buf.Reset()
		buf.mu.Unlock()
		r := send(t, app, request{method: "GET", target: tc.target, header: secrets, body: "password=SECRET-BODY&_csrf=SECRET-FORM"})
		buf.mu.Lock()
		out := buf.String()
		buf.mu.Unlock()
		if strings.Contains(out, "SECRET") {
			t.Errorf("%s: the log holds a secret: %s", tc.target, out)
		}
		lines := bytes.Split(bytes.TrimSpace([]byte(out)), []byte("\n"))
		var entry map[string]any
		if len(lines) != 1 || json.Unmarshal(lines[0], &entry) != nil {
			t.Fatalf("%s: want one JSON line, got %q", tc.target, out)
		}
		want := map[string]any{"msg": "request", "method": "GET", "path": tc.path, "status": float64(tc.status),
			"ip": "0.0.0.0", "request_id": r.Header.Get("X-Request-ID"), "user_id": float64(0)}
		for k, v := range want {
			if entry[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.target, k, entry[k], v)
			}
		}
		if r.StatusCode != tc.status {
			t.Errorf("%s: client got %d, want %d", tc.target, r.StatusCode, tc.status)
		}
		if tc.status >= 500 && entry["level"] != "ERROR" || tc.status < 500 && entry["level"] != "INFO" {
			t.Errorf("%s: level %v for a %d", tc.target, entry["level"], tc.status)
		}
		if tc.status == 200 && r.body != "joined SECRET-INVITE" {
			t.Errorf("HideParam changed what the handler saw: %q", r.body)
		}
	}
}

// TestErrorLogsHideParams: the error and panic logs, written with the path,
// do not keep a hidden route parameter either. Not parallel: it reads slog's
// default logger.
func TestErrorLogsHideParams(t *testing.T) {
	logs := captureDefaultLog(t)
	app := newTestApp(t, testAppOpts{})
	for _, target := range []string{"/join/SECRET-INVITE/fail", "/join/SECRET-INVITE/panic"} {
		logs.Reset()
		if r := send(t, app, request{target: target}); r.StatusCode != 500 {
			t.Fatalf("%s: %d", target, r.StatusCode)
		}
		if out := logs.String(); out == "" || strings.Contains(out, "SECRET") {
			t.Errorf("%s: %q", target, out)
		}
	}
}

// TestLogEvent: security events carry the request id, the actor and the
// address, and Pseudonym correlates an email without writing it. Not
// parallel: it reads slog's default logger.
func TestLogEvent(t *testing.T) {
	logs := captureDefaultLog(t)
	app := newTestApp(t, testAppOpts{trusted: []string{"0.0.0.0"}, routes: func(app *fiber.App) {
		app.Get("/event", func(c *fiber.Ctx) error {
			LogEvent(c, "login_failed", "who", Pseudonym("amina@example.org"))
			return nil
		})
	}})
	r := send(t, app, request{target: "/event", header: map[string]string{"X-Test-Locale": "fr", "X-Forwarded-For": "203.0.113.9"}})
	var entry map[string]any
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("%v: %s", err, logs)
	}
	want := map[string]any{"msg": "security", "event": "login_failed", "request_id": r.Header.Get("X-Request-ID"),
		"actor_id": float64(99), "ip": "203.0.113.9", "who": Pseudonym("amina@example.org")}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("%s = %v, want %v", k, entry[k], v)
		}
	}
	if strings.Contains(logs.String(), "amina") {
		t.Errorf("the email is in the log: %s", logs)
	}
	if p := Pseudonym("amina@example.org"); len(p) != 16 || p == Pseudonym("amina@example.com") || p != Pseudonym("amina@example.org") {
		t.Errorf("Pseudonym is not a stable 16-hex-digit digest: %q", p)
	}
}
