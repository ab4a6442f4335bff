package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	sqlite "github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tadrib/internal/auth"
	"tadrib/internal/db"
)

// The route walk (issue 10: "one way to fail"). Every route of the app, as
// anonymous, trainee, trainer and admin, with each path parameter filled by
// a plausible value (a real lesson, course, quiz…) and by absurd ones, and
// with empty, broken and wrong bodies:
//
//   - on a working database, no answer is a 500: whatever a client sends,
//     a feature answers with its own error (4xx), never a bug;
//   - on a failing database, every answer is a 503 with Retry-After, or a
//     4xx, or a success from a route that needs no database: never a 500.
//     The failure is injected twice, because the app reads the database in
//     two ways. (1) "sessions failing": the session lookup (a raw prepared
//     statement, internal/auth/session.go) runs on a database that refuses
//     every connection, so signed-in requests fail in the middleware, and
//     GORM callbacks make every statement of the services fail too
//     (anonymous requests, sign-in and registration). (2) "sessions
//     resolving": the session lookup works and only the GORM statements
//     fail, so each signed-in request reaches its handler and its service,
//     and the service's failure is what must come out as a 503.
//
// The requests go to Fiber directly (a.app.App.Test), not through the
// OpenAPI contract check (testApp.Test): broken bodies and absurd
// parameters are not what the contract describes, and its statuses are
// checked by the tests that send real requests.

// walkUser is one role of the walk: its Authorization header ("" for an
// anonymous visitor).
type walkUser struct {
	role, auth string
}

// walkRequest is one request of the walk.
type walkRequest struct {
	method, path, ctype, body string
}

func (r walkRequest) String() string {
	b := r.body
	if len(b) > 30 {
		b = b[:30] + "…"
	}
	return fmt.Sprintf("%s %s [%s %q]", r.method, r.path, r.ctype, b)
}

// paramValues are the values a path parameter takes: plausible ones first
// (the seed's first course, lesson, module and quiz are id 1 or the core
// slug), then absurd ones.
func paramValues(name string, plausibleOnly bool) []string {
	var v []string
	switch name {
	case "slug":
		v = []string{"traite-identifier-orienter-poursuivre", "no-such-course", strings.Repeat("a", 300), "%E2%80%AE%00"}
	case "code", "kid":
		v = []string{"ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-45", "x", "%00%FF"}
	case "token":
		v = []string{"abcdefghijklmnopqrstuvwxyz", "x", strings.Repeat("%2F", 50)}
	case "name":
		v = []string{strings.Repeat("ab", 32) + ".png", "x.exe", "..%2F..%2Fetc"}
	case "action":
		v = []string{"disable", "explode"}
	case "*":
		v = []string{"app.css", "..%2F..%2Fgo.mod"}
	default: // id, qid, user: numbers
		v = []string{"1", "0", "-7", "9223372036854775808", "1e3", "abc"}
	}
	if plausibleOnly {
		return v[:1]
	}
	return v
}

// fill gives every concrete path of a route pattern: the first value of
// each parameter together, then each absurd value of one parameter with the
// others plausible.
func fill(pattern string, plausibleOnly bool) []string {
	segs := strings.Split(pattern, "/")
	var params []int
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || s == "*" {
			params = append(params, i)
		}
	}
	build := func(pick map[int]string) string {
		out := make([]string, len(segs))
		for i, s := range segs {
			out[i] = s
			if strings.HasPrefix(s, ":") || s == "*" {
				name := strings.TrimPrefix(s, ":")
				out[i] = paramValues(name, true)[0]
				if v, ok := pick[i]; ok {
					out[i] = v
				}
			}
		}
		return strings.Join(out, "/")
	}
	paths := []string{build(nil)}
	for _, i := range params {
		for _, v := range paramValues(strings.TrimPrefix(segs[i], ":"), plausibleOnly)[1:] {
			paths = append(paths, build(map[int]string{i: v}))
		}
	}
	return paths
}

// bodies are what the walk sends to a route that takes a body. The
// unreadable ones (broken JSON, JSON of the wrong shape, a multipart body
// with a junk file) are refused when the body is read, whatever the path's
// parameters: they go with the plausible path only. With an absurd
// parameter, a handler that reads the body first refuses such a body as it
// does with the plausible path, and one that reads the parameter (or loads
// its object) first refuses the parameter as it does with a readable body;
// the readable bodies (empty, an empty object, a form) are sent with every
// path, as they are the ones that take the absurd value further in.
var walkBodies = []struct {
	ctype, body string
	unreadable  bool
}{
	{"", "", false},
	{"application/json", `{"title":`, true},
	{"application/json", `{}`, false},
	{"application/json", `[1,"x",null]`, true},
	{"application/x-www-form-urlencoded", "title=%zz&position=-1&email=x&password=y", false},
	{"multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.zip\"\r\n\r\nPK\x03\x04junk\r\n--b--\r\n", true},
}

// walkRequests lists the requests of a walk over every route of the app,
// sign-out routes last (they end the session the rest of the walk uses).
func walkRequests(a *testApp, plausibleOnly bool) []walkRequest {
	routes := a.GetRoutes(true)
	sort.SliceStable(routes, func(i, j int) bool {
		return !strings.Contains(routes[i].Path, "logout") && strings.Contains(routes[j].Path, "logout")
	})
	var out []walkRequest
	for _, r := range routes {
		if r.Method == "HEAD" { // Fiber's twin of each GET: the same handler
			continue
		}
		for i, p := range fill(r.Path, plausibleOnly) {
			if r.Method == "GET" {
				out = append(out, walkRequest{method: r.Method, path: p})
				continue
			}
			bodies := walkBodies
			if plausibleOnly {
				bodies = bodies[:3]
			}
			for _, b := range bodies {
				if b.unreadable && i > 0 { // fill puts the plausible path first
					continue
				}
				out = append(out, walkRequest{method: r.Method, path: p, ctype: b.ctype, body: b.body})
			}
		}
	}
	return out
}

// walkUsers signs in one user of each role (Bearer tokens: no CSRF token
// needed, so requests reach the handlers).
func walkUsers(a *testApp) []walkUser {
	return []walkUser{
		{"anonymous", ""},
		{"trainee", "Bearer " + a.register("police").Token},
		{"trainer", "Bearer " + a.trainer().Token},
		{"admin", "Bearer " + a.admin().Token},
	}
}

// send sends one request straight to Fiber and returns its status and
// Retry-After header.
func send(t *testing.T, a *testApp, u walkUser, r walkRequest) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if u.auth != "" {
		req.Header.Set("Authorization", u.auth)
	}
	if strings.HasPrefix(r.path, "/api/") {
		req.Header.Set("Accept", "application/json")
	}
	res, err := a.app.App.Test(req, -1)
	if err != nil {
		t.Fatalf("%s as %s: %v", r, u.role, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Retry-After"), string(b)
}

// failStatements makes every GORM statement of h fail with driver.ErrBadConn
// (what database/sql returns for a connection that is gone) while fail is
// set: a callback before each processor's own sets the error, and GORM then
// runs no SQL.
func failStatements(t *testing.T, h *gorm.DB, fail *atomic.Bool) {
	t.Helper()
	down := func(tx *gorm.DB) {
		if fail.Load() {
			tx.AddError(fmt.Errorf("test: %w", driver.ErrBadConn))
		}
	}
	cb := h.Callback()
	for _, err := range []error{
		cb.Create().Before("gorm:create").Register("test:down", down),
		cb.Query().Before("gorm:query").Register("test:down", down),
		cb.Update().Before("gorm:update").Register("test:down", down),
		cb.Delete().Before("gorm:delete").Register("test:down", down),
		cb.Row().Before("gorm:row").Register("test:down", down),
		cb.Raw().Before("gorm:raw").Register("test:down", down),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// downConnector is a database that refuses every connection.
type downConnector struct{}

func (downConnector) Connect(context.Context) (driver.Conn, error) { return nil, driver.ErrBadConn }
func (downConnector) Driver() driver.Driver                        { return downDriver{} }

type downDriver struct{}

func (downDriver) Open(string) (driver.Conn, error) { return nil, driver.ErrBadConn }

// downDB is a *db.DB on downConnector.
func downDB(t *testing.T, engine string) *db.DB {
	t.Helper()
	sqlDB := sql.OpenDB(downConnector{})
	t.Cleanup(func() { sqlDB.Close() })
	g, err := gorm.Open(sqlite.OpenDB(sqlDB), &gorm.Config{DisableAutomaticPing: true, Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	return &db.DB{W: g, R: g, Engine: engine}
}

// resetSessions gives the app's session store a new database handle and a
// statement to prepare afresh (a prepared lookup is kept per store). No
// request is in flight: the walk sends one at a time.
func resetSessions(a *testApp, d *db.DB) {
	old := a.sessions
	*a.sessions = auth.Sessions{DB: d, Keys: old.Keys, TTL: old.TTL, Idle: old.Idle, Now: old.Now}
}

func TestEveryRouteFailsCleanly(t *testing.T) {
	a := newTestApp(t, nil)
	var fail atomic.Bool
	failStatements(t, a.db.W, &fail)
	if a.db.R != a.db.W {
		failStatements(t, a.db.R, &fail)
	}

	t.Run("working database", func(t *testing.T) {
		users := walkUsers(a)
		reqs := walkRequests(a, false)
		n := 0
		for _, u := range users {
			for _, r := range reqs {
				status, _, body := send(t, a, u, r)
				n++
				if status >= 500 {
					t.Errorf("%s as %s = %d: %.300s", r, u.role, status, body)
				}
			}
		}
		t.Logf("%d requests over %d routes (HEAD twins of GET left out)", n, len(a.GetRoutes(true))/2+len(a.GetRoutes(true))%2)
	})

	// walkFailing walks every route with GORM's statements failing and
	// reports how many answers were 503.
	walkFailing := func(t *testing.T, users []walkUser) map[string]int {
		fail.Store(true)
		defer fail.Store(false)
		unavailable := map[string]int{}
		for _, u := range users {
			for _, r := range walkRequests(a, true) {
				status, retry, body := send(t, a, u, r)
				switch {
				case status == 503 && retry == "":
					t.Errorf("%s as %s = 503 without Retry-After", r, u.role)
				case status == 503:
					unavailable[u.role]++
				case status >= 500:
					t.Errorf("%s as %s = %d, want 503 or 4xx: %.300s", r, u.role, status, body)
				}
			}
		}
		return unavailable
	}

	t.Run("failing database, sessions failing", func(t *testing.T) {
		users := walkUsers(a) // signed in while the database works
		resetSessions(a, downDB(t, a.db.Engine))
		defer resetSessions(a, a.db)
		got := walkFailing(t, users)
		// Every signed-in request fails at its session: far more 503s
		// than routes that read nothing. Anonymous visitors reach the
		// database on fewer routes (the others want a session or a CSRF
		// token first).
		for _, u := range users {
			if min := map[bool]int{true: 10, false: 100}[u.auth == ""]; got[u.role] < min {
				t.Errorf("%s: only %d answers were 503: the failure did not reach the app", u.role, got[u.role])
			}
		}
		t.Logf("503s by role: %v", got)
	})

	t.Run("failing database, sessions resolving", func(t *testing.T) {
		users := walkUsers(a)
		got := walkFailing(t, users)
		for _, u := range users {
			if min := map[bool]int{true: 10, false: 50}[u.auth == ""]; got[u.role] < min {
				t.Errorf("%s: only %d answers were 503: the failure did not reach the services", u.role, got[u.role])
			}
		}
		t.Logf("503s by role: %v", got)
		// The session lookup worked: a signed-in request answers 503 from
		// its service, not a 401 (the middleware refuses a session it could
		// not resolve); with the database back, the same request succeeds.
		r := walkRequest{method: "GET", path: "/api/v1/me/progress"}
		fail.Store(true)
		status, _, body := send(t, a, users[1], r)
		fail.Store(false)
		if status != 503 {
			t.Errorf("%s as trainee, database failing = %d, want 503 from the service: %.300s", r, status, body)
		}
		if status, _, body := send(t, a, users[1], r); status != 200 {
			t.Errorf("%s as trainee, database back = %d, want 200: %.300s", r, status, body)
		}
	})
}
