package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink the test reads while the app writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecurityH1ForwardedForCannotDodgeLimits: behind a trusted proxy, a
// client that writes its own X-Forwarded-For entries before the proxy's must
// still be counted under the address the proxy saw, on every per-address
// limiter, and logged under it.
func TestSecurityH1ForwardedForCannotDodgeLimits(t *testing.T) {
	t.Parallel() // its subtests build the apps, one after another
	const max = 5
	routes := []struct {
		name, method, path string
		body               any
	}{
		{"login", "POST", "/api/v1/auth/login", map[string]any{"password": "whatever pass"}},
		{"register", "POST", "/api/v1/auth/register", map[string]any{"password": "short"}},
		{"verify", "GET", "/verify/" + strings.Repeat("A", 26), nil},
		{"set-password", "GET", "/set-password/" + strings.Repeat("a", 26), nil},
		{"join", "POST", "/api/v1/cohorts/join/" + strings.Repeat("b", 26), nil},
	}
	for _, rt := range routes {
		t.Run(rt.name, func(t *testing.T) {
			logs := &syncBuffer{}
			// app.Test's peer address is 0.0.0.0: it plays the proxy.
			a := newLoggedTestApp(t, map[string]string{"TADRIB_TRUSTED_PROXIES": "0.0.0.0",
				"TADRIB_RATE_AUTH": fmt.Sprint(max), "TADRIB_RATE_VERIFY": fmt.Sprint(max)}, logs)
			limited := 0
			for i := 0; i < 3*max; i++ {
				body := rt.body
				if m, ok := body.(map[string]any); ok {
					// A new account each time: only the address limit applies.
					body = map[string]any{"email": fmt.Sprintf("spray%d@example.org", i), "password": m["password"]}
				}
				r := a.do(rt.method, rt.path, body, "Accept", "application/json",
					"X-Forwarded-For", fmt.Sprintf("198.51.100.%d, 203.0.113.9", i))
				if r.StatusCode == 429 {
					limited++
				}
			}
			if limited < 2*max {
				t.Errorf("%s: %d of %d requests with a rotating X-Forwarded-For prefix were limited, want at least %d",
					rt.path, limited, 3*max, 2*max)
			}
			if strings.Contains(logs.String(), "198.51.100.") || !strings.Contains(logs.String(), `"ip":"203.0.113.9"`) {
				t.Errorf("the access log should name 203.0.113.9 and never the client's own entries:\n%.1500s", logs.String())
			}
		})
	}
}

// TestSecurityM1LockoutKeysOnTheCheckedEmail: the per-account limit must count
// the email whose password is checked, not one in the query string.
func TestSecurityM1LockoutKeysOnTheCheckedEmail(t *testing.T) {
	t.Parallel() // its subtests build the apps, one after another
	for _, via := range []string{"api", "form"} {
		t.Run(via, func(t *testing.T) {
			a := newTestApp(t, nil)
			victim := a.register("police")
			login := func(i int, password string) resp {
				decoy := fmt.Sprintf("?email=decoy%d@x", i)
				if via == "api" {
					return a.do("POST", "/api/v1/auth/login"+decoy, map[string]any{"email": victim.Email, "password": password})
				}
				page := a.do("GET", "/login", nil)
				csrf, cookie := metaCSRF(t, page), page.Header.Get("Set-Cookie")
				return a.do("POST", "/login"+decoy, "_csrf="+csrf+"&email="+url.QueryEscape(victim.Email)+"&password="+url.QueryEscape(password),
					"Cookie", strings.Split(cookie, ";")[0])
			}
			for i := 0; i < 25; i++ {
				if r := login(i, "wrong password"); r.StatusCode != 401 && r.StatusCode != 429 {
					t.Fatalf("wrong password %d: %d, want 401 or 429", i, r.StatusCode)
				}
			}
			if r := login(99, testPassword); r.StatusCode != 429 {
				t.Errorf("after 25 wrong passwords for %s the right one got %d, want 429", victim.Email, r.StatusCode)
			}
		})
	}
}

// TestSecurityM1FormsReadTheBodyOnly: the same query-versus-body split on the
// other forms: a CSRF token (or a password) in the query string is not read.
func TestSecurityM1FormsReadTheBodyOnly(t *testing.T) {
	a := newTestApp(t, nil)
	victim := a.register("police")
	page := a.do("GET", "/login", nil)
	csrf, cookie := metaCSRF(t, page), strings.Split(page.Header.Get("Set-Cookie"), ";")[0]
	r := a.do("POST", "/login?_csrf="+csrf, "email="+url.QueryEscape(victim.Email)+"&password="+url.QueryEscape(testPassword), "Cookie", cookie)
	wantStatus(t, r, 403)
	r = a.do("POST", "/login?password="+url.QueryEscape(testPassword), "_csrf="+csrf+"&email="+url.QueryEscape(victim.Email), "Cookie", cookie)
	wantStatus(t, r, 401)
}

// kvLongestKey is the length of the longest rate-limit key stored.
func kvLongestKey(t *testing.T, a *testApp) int {
	t.Helper()
	var n int
	if err := a.db.W.Raw("SELECT COALESCE(MAX(LENGTH(k)), 0) FROM kv").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSecurityM2AnonymousBodiesStayBounded: what an anonymous client sends
// must not become a row of its size (a 4 MiB email was a 4 MiB key).
func TestSecurityM2AnonymousBodiesStayBounded(t *testing.T) {
	a := newTestApp(t, nil)
	huge := strings.Repeat("a", 4<<20) + "@example.org"
	wantProblem(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": huge, "password": "whatever pass"}), 413, "")
	wantStatus(t, a.do("POST", "/login", "email="+huge+"&password=x", "Accept", "text/html"), 413)
	wantProblem(t, a.do("POST", "/api/v1/auth/register", map[string]any{"email": huge, "password": "whatever pass"}), 413, "")
	// Under the body cap, the key is still a fixed-size hash.
	long := strings.Repeat("b", 12<<10) + "@example.org"
	wantProblem(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": long, "password": "whatever pass"}), 401, "")
	if n := kvLongestKey(t, a); n > 64 {
		t.Errorf("longest rate-limit key is %d bytes, want at most 64", n)
	}
	// A compressed body would be inflated without bound by c.Body().
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"email":"` + huge + `","password":"whatever pass"}`))
	zw.Close()
	r := a.do("POST", "/api/v1/auth/login", gz.Bytes(), "Content-Type", "application/json", "Content-Encoding", "gzip")
	wantProblem(t, r, 415, "")
}

// TestSecurityL4MetricsNotOpenThroughALocalProxy: a proxy on the same host
// makes every visitor a loopback client; loopback alone must not open
// /metrics then, only the token.
func TestSecurityL4MetricsNotOpenThroughALocalProxy(t *testing.T) {
	t.Parallel() // its subtests build the apps, one after another
	get := func(t *testing.T, base string, headers ...string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	cases := []struct {
		name    string
		proxies string
		headers []string
		want    int
	}{
		{"loopback, no proxy", "", nil, 200},
		{"loopback behind a configured proxy", "127.0.0.1", nil, 404},
		{"loopback behind a configured proxy, forwarded", "127.0.0.1", []string{"X-Forwarded-For", "203.0.113.9"}, 404},
		{"forwarded header, no proxy configured", "", []string{"X-Forwarded-For", "203.0.113.9"}, 404},
		{"Forwarded header", "", []string{"Forwarded", "for=203.0.113.9"}, 404},
		{"token behind a proxy", "127.0.0.1", []string{"Authorization", "Bearer metrics-secret"}, 200},
		{"wrong token behind a proxy", "127.0.0.1", []string{"Authorization", "Bearer metrics-secreT"}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(t, map[string]string{"TADRIB_TRUSTED_PROXIES": tc.proxies, "TADRIB_METRICS_TOKEN": "metrics-secret"})
			if got := get(t, a.serve(t), tc.headers...); got != tc.want {
				t.Errorf("GET /metrics from 127.0.0.1 (proxies %q, headers %q) = %d, want %d", tc.proxies, tc.headers, got, tc.want)
			}
		})
	}
}

// TestSecurityL1NoRedirectOrLinkToAnotherHost: neither a login's next nor a
// page's language links may lead off the site.
func TestSecurityL1NoRedirectOrLinkToAnotherHost(t *testing.T) {
	a := newTestApp(t, nil)
	u := a.register("police")
	t.Run("next", func(t *testing.T) {
		for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\\evil.example", "//evil.example"} {
			page := a.do("GET", "/login?next="+url.QueryEscape(next), nil)
			if !strings.Contains(string(page.Body), `name="next" value="/"`) {
				t.Errorf("the login page keeps next=%q", next)
			}
			csrf, cookie := metaCSRF(t, page), strings.Split(page.Header.Get("Set-Cookie"), ";")[0]
			r := a.do("POST", "/login", "_csrf="+csrf+"&email="+url.QueryEscape(u.Email)+"&password="+url.QueryEscape(testPassword)+
				"&next="+url.QueryEscape(next), "Cookie", cookie)
			wantStatus(t, r, 303)
			if loc := r.Header.Get("Location"); loc != "/dashboard" {
				t.Errorf("login with next=%q redirects to %q, want /dashboard", next, loc)
			}
		}
	})
	t.Run("language links", func(t *testing.T) {
		hrefs := regexp.MustCompile(`href="([^"]*)"`)
		for _, path := range []string{"//evil.example/x", "//evil.example/", "/\\evil.example/x"} {
			r := a.do("GET", path, nil, "Accept", "text/html")
			for _, m := range hrefs.FindAllStringSubmatch(string(r.Body), -1) {
				if strings.Contains(m[1], "evil.example") || strings.HasPrefix(m[1], "//") {
					t.Errorf("GET %s: the page links to %q", path, m[1])
				}
			}
		}
	})
}

// TestSecurityInvitationTokensStayOutOfTheAccessLog: an invitation token (and,
// by the same rule, a certificate code) is a capability; the access log
// writes paths, so these must be hidden there as set-password and verify
// codes are.
func TestSecurityInvitationTokensStayOutOfTheAccessLog(t *testing.T) {
	logs := &syncBuffer{}
	a := newLoggedTestApp(t, nil, logs)
	u := a.register("police")
	token := strings.Repeat("q", 26)
	code := "CODE" + strings.Repeat("Z", 22)
	a.do("GET", "/join/"+token, nil)
	a.do("POST", "/join/"+token, "email=x@example.org")
	u.do("POST", "/api/v1/cohorts/join/"+token, nil)
	u.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
	u.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "x"})
	a.do("GET", "/author/certificates/"+code, nil)
	out := logs.String()
	if strings.Contains(out, token) || strings.Contains(out, code) {
		t.Errorf("the access log holds a token or code:\n%s", out)
	}
	for _, p := range []string{`"path":"/join/-"`, `"path":"/api/v1/cohorts/join/-"`, `"path":"/api/v1/certificates/-/pdf"`} {
		if !strings.Contains(out, p) {
			t.Errorf("no access log line with %s:\n%s", p, out)
		}
	}
}

// TestSecurityM5LessonMarkdownBounded: a lesson body whose rendering would
// take the server down (a table filled out to thousands of columns,
// thousands of unclosed links) is refused with a 400 naming body_md, on
// create, update and preview, and on the editor's page.
func TestSecurityM5LessonMarkdownBounded(t *testing.T) {
	a := newTestApp(t, nil)
	tr, _, ids := authorCourse(t, a, []string{"police"}, false)
	bombs := map[string]string{
		"table": strings.Repeat("|a", 1000) + "\n" + strings.Repeat("|-", 1000) + "\n" + strings.Repeat("x\n", 300),
		"links": strings.Repeat("[a](", 16<<10),
	}
	m := tr.do("GET", "/api/v1/lessons/"+ids[0], nil).JSON(t)
	mid, _ := m["module_id"].(string)
	if mid == "" {
		t.Fatalf("GET /api/v1/lessons/%s has no module_id: %v", ids[0], m)
	}
	for name, body := range bombs {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, tr.do("POST", "/api/v1/modules/"+mid+"/lessons", map[string]any{"title": "L", "body_md": body}), 400, "body_md")
			wantProblem(t, tr.do("PATCH", "/api/v1/lessons/"+ids[0], map[string]any{"body_md": body}), 400, "body_md")
			wantProblem(t, tr.do("POST", "/api/v1/markdown/preview", map[string]any{"body_md": body}), 400, "body_md")
		})
	}
	// An ordinary lesson still saves.
	wantStatus(t, tr.do("PATCH", "/api/v1/lessons/"+ids[0], map[string]any{"body_md": "| a | b |\n|---|---|\n| 1 | 2 |\n\n[lien](https://example.org)"}), 200)
}
