package web

import (
	"encoding/json"
	"html"
	"strings"
	"testing"
)

// TestErrorHandlerProblems: every kind of error becomes the right status and
// an RFC 9457 problem on the API, translated, with its fields and extra
// members, and no internal text.
func TestErrorHandlerProblems(t *testing.T) {
	t.Parallel()
	cat, _ := catalogAndRenderer(t)
	app := newTestApp(t, testAppOpts{})
	cases := []struct {
		kind, key string
		status    int
	}{
		{"weberror", "err.attempt_closed", 409},
		{"invalid", "err.invalid", 400},
		{"forbidden", "err.forbidden", 403},
		{"csrf", "err.csrf", 403},
		{"nosession", "err.unauthenticated", 401},
		{"disabled", "err.unauthenticated", 401},
		{"notfound", "err.not_found", 404},
		{"method", "err.method", 405},
		{"teapot", "err.http", 418},
		{"unknown", "err.internal", 500},
		{"bug500", "err.internal", 500},
		{"unavailable", "err.unavailable", 503},
		{"panic", "err.internal", 500},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			r := send(t, app, request{method: "POST", target: "/api/v1/fail/" + tc.kind, header: map[string]string{"Accept-Language": "en"}})
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode, tc.status, r.body)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if cl := r.Header.Get("Content-Language"); cl != "en" {
				t.Errorf("Content-Language %q, want en", cl)
			}
			var p map[string]any
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, r.body)
			}
			want := map[string]any{
				"type":   "urn:tadrib:problem:" + strings.TrimPrefix(tc.key, "err."),
				"status": float64(tc.status),
				"detail": cat.T("en", tc.key),
			}
			for k, v := range want {
				if p[k] != v {
					t.Errorf("%s = %v, want %v", k, p[k], v)
				}
			}
			if p["title"] == "" || p["title"] == nil {
				t.Errorf("no title: %s", r.body)
			}
			for _, leak := range []string{"hunter2", "pq:", "nil map", "cause for the log", "internal text", "panic text", "bad connection", "auth:"} {
				if strings.Contains(r.body, leak) {
					t.Errorf("the body leaks %q: %s", leak, r.body)
				}
			}
			if got := r.Header.Get("Retry-After"); (tc.status == 503) != (got == "2") {
				t.Errorf("Retry-After %q on a %d", got, tc.status)
			}
			switch tc.kind {
			case "weberror":
				if p["attempt_id"] != float64(7) {
					t.Errorf("extra member attempt_id = %v", p["attempt_id"])
				}
			case "invalid":
				errs, _ := p["errors"].([]any)
				if len(errs) != 2 {
					t.Fatalf("errors = %v", p["errors"])
				}
				first, second := errs[0].(map[string]any), errs[1].(map[string]any)
				if first["field"] != "title" || first["message"] != cat.T("en", "err.required") {
					t.Errorf("first field error %v", first)
				}
				if second["field"] != "body" || second["line"] != float64(3) || second["message"] != "line 3: bad token" {
					t.Errorf("second field error %v", second)
				}
			}
		})
	}
}

// TestErrorHandlerPageOrProblem: the API always answers problem+json; other
// paths answer a page in the request's language, unless the client asks for
// JSON and not HTML.
func TestErrorHandlerPageOrProblem(t *testing.T) {
	t.Parallel()
	cat, _ := catalogAndRenderer(t)
	app := newTestApp(t, testAppOpts{})
	cases := []struct {
		target, accept string
		problem        bool
	}{
		{"/fail/forbidden", "", false},
		{"/fail/forbidden", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"/fail/forbidden", "application/json", true},
		{"/fail/forbidden", "application/problem+json", true},
		{"/fail/forbidden", "application/json, text/html", false},
		{"/api/v1/fail/forbidden", "text/html", true},
		{"/api/v1/fail/forbidden", "", true},
		{"/nowhere", "", false},
		{"/api/v1/nowhere", "text/html", true},
	}
	for _, tc := range cases {
		r := send(t, app, request{method: "POST", target: tc.target, header: map[string]string{"Accept": tc.accept, "Accept-Language": "ar"}})
		ct := r.Header.Get("Content-Type")
		if tc.problem != (ct == "application/problem+json") {
			t.Errorf("%s, Accept %q: Content-Type %q", tc.target, tc.accept, ct)
		}
		if !tc.problem {
			key := "err.forbidden"
			if strings.Contains(tc.target, "nowhere") {
				key = "err.not_found"
			}
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(r.body, html.EscapeString(cat.T("ar", key))) ||
				!strings.Contains(r.body, `dir="rtl"`) {
				t.Errorf("%s, Accept %q: not the Arabic page of %s: %s %.300s", tc.target, tc.accept, key, ct, r.body)
			}
		}
		if strings.Contains(tc.target, "forbidden") && r.StatusCode != 403 {
			t.Errorf("%s: status %d, want 403", tc.target, r.StatusCode)
		}
		if strings.Contains(tc.target, "nowhere") && r.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", tc.target, r.StatusCode)
		}
	}
}

// TestErrorHandlerUnauthenticatedPage: a page that needs a signed-in user
// sends a browser's GET to the login page, coming back to where it was; a
// form post gets the 401 page (a redirect would drop what was posted); the
// API gets a 401 problem.
func TestErrorHandlerUnauthenticatedPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, testAppOpts{})
	r := send(t, app, request{target: "/fail/nosession?x=1&y=%C3%A9"})
	if r.StatusCode != 303 || r.Header.Get("Location") != "/login?next=%2Ffail%2Fnosession%3Fx%3D1%26y%3D%25C3%25A9" {
		t.Errorf("GET page: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := send(t, app, request{method: "POST", target: "/fail/nosession"}); r.StatusCode != 401 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("POST page: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r := send(t, app, request{target: "/api/v1/fail/nosession"}); r.StatusCode != 401 || r.Header.Get("Location") != "" {
		t.Errorf("GET API: %d Location %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestErrorHandlerLogsBugsOnly: a 500 is logged with its cause and request id
// (the client sees neither); a client error is not logged as a failure.
// Not parallel: it reads slog's default logger.
func TestErrorHandlerLogsBugsOnly(t *testing.T) {
	logs := captureDefaultLog(t)
	app := newTestApp(t, testAppOpts{})
	r := send(t, app, request{target: "/api/v1/fail/unknown"})
	rid := r.Header.Get("X-Request-ID")
	if r.StatusCode != 500 || rid == "" {
		t.Fatalf("%d, request id %q", r.StatusCode, rid)
	}
	line := logs.String()
	if !strings.Contains(line, `"msg":"request failed"`) || !strings.Contains(line, "hunter2") || !strings.Contains(line, rid) {
		t.Errorf("the 500 is not logged with its cause and request id: %s", line)
	}
	logs.Reset()
	for _, kind := range []string{"forbidden", "invalid", "weberror", "nosession", "notfound"} {
		send(t, app, request{target: "/api/v1/fail/" + kind})
	}
	if logs.Len() != 0 {
		t.Errorf("client errors were logged as failures: %s", logs)
	}
	logs.Reset()
	r = send(t, app, request{target: "/fail/panic"})
	if r.StatusCode != 500 || strings.Contains(r.body, "panic text") || strings.Contains(r.body, "goroutine") {
		t.Errorf("panic: %d %.200s", r.StatusCode, r.body)
	}
	if !strings.Contains(logs.String(), `"msg":"panic"`) || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("a panic's stack is not in the log: %.300s", logs)
	}
}
