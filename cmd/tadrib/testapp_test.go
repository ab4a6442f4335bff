package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tadrib/assets"
	"tadrib/internal/accounts"
	"tadrib/internal/config"
	"tadrib/internal/testdb"
)

// testApp is a whole Tadrib app on its own database, driven in-process with
// Fiber's app.Test (the handler main serves).
type testApp struct {
	*app
	t   testing.TB
	cfg config.Config
	// checks counts this app's responses checked against the contract
	// (testApp.Test): a count of its own, as other tests run alongside.
	checks atomic.Int64
	// proxy, when set, sends the requests through HAProxy to one node
	// (twoNodes) instead of calling the app in process.
	proxy *proxyRoute
}

// newTestApp builds the app with env overriding the defaults, seeded.
// A top-level test that builds one runs in parallel with the others (see
// parallel), as each app has its own database and services.
func newTestApp(t testing.TB, env map[string]string) *testApp {
	t.Helper()
	return newLoggedTestApp(t, env, io.Discard)
}

// newLoggedTestApp is newTestApp with the server's logs (the access log
// among them) written to logs.
func newLoggedTestApp(t testing.TB, env map[string]string, logs io.Writer) *testApp {
	t.Helper()
	parallel(t)
	base := map[string]string{"TADRIB_ADDR": "127.0.0.1:0", "TADRIB_SECRET": strings.Repeat("s", 40), "TADRIB_RATE_AUTH": "100000", "TADRIB_SIGNING_KEY": testSigningKey}
	for k, v := range env {
		base[k] = v
	}
	cfg, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	d := testdb.New(t)
	log := slog.New(slog.NewJSONHandler(logs, nil))
	a, err := newApp(context.Background(), cfg, d, log)
	if err != nil {
		t.Fatalf("newApp: %v", err)
	}
	if _, err := a.packages.LoadSeed(context.Background(), coreSeedFS()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return &testApp{app: a, t: t, cfg: cfg}
}

// loadWholeSeed adds the rest of the seed curriculum (the profession
// courses) to a test app, which loads only the core course: most tests need
// one course, and importing five took most of each test's time.
func (a *testApp) loadWholeSeed() {
	a.t.Helper()
	if _, err := a.packages.LoadSeed(context.Background(), assets.FS("")); err != nil {
		a.t.Fatalf("seed: %v", err)
	}
}

// seedOnly is the embedded assets with only some courses under seed/.
type seedOnly struct {
	fs.FS
	keep map[string]bool
}

func (s seedOnly) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(s.FS, name)
	if name != "seed" || err != nil {
		return entries, err
	}
	var out []fs.DirEntry
	for _, e := range entries {
		if s.keep[e.Name()] {
			out = append(out, e)
		}
	}
	return out, nil
}

// coreSeedFS is the seed with the core course only.
func coreSeedFS() fs.FS {
	return seedOnly{FS: assets.FS(""), keep: map[string]bool{"traite-identifier-orienter-poursuivre": true}}
}

// resp is a response read whole.
type resp struct {
	*http.Response
	Body []byte
}

func (r resp) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%d %s): %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	return m
}

// do sends a request. body may be nil, a string, []byte, or any value sent as JSON.
func (a *testApp) do(method, path string, body any, headers ...string) resp {
	a.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/x-www-form-urlencoded"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/octet-stream"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.Test(req, -1)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res, b}
}

// user is a registered account with its Bearer token.
type user struct {
	ID, Email, Token string
	a                *testApp
}

func (u user) do(method, path string, body any, headers ...string) resp {
	u.a.t.Helper()
	return u.a.do(method, path, body, append([]string{"Authorization", "Bearer " + u.Token}, headers...)...)
}

const testPassword = "une phrase assez longue"

// serial numbers the accounts and courses a test makes, unique across
// the tests running in parallel.
var serial atomic.Int64

// next returns a new serial number, as a string.
func next() string { return strconv.FormatInt(serial.Add(1), 10) }

// serialTests are the top-level tests that stay serial although they build
// a test app: they measure time or load the machine on purpose, and would
// become flaky (or skew the others) sharing two cores with the rest.
// TestE2E* (a browser each) are serial too, and so is TestGracefulShutdown
// (t.Setenv, no test app). Serial tests run alone, before the parallel ones
// start.
var serialTests = map[string]bool{
	"TestExamStartSpike":     true, // 48 attempts started at once, each within a time limit
	"TestCourseReportScales": true, // times the report against a COUNT(*)
	"TestMeasureL5":          true, // times an import or a page (run by hand)
}

// parallelized remembers the tests parallel has run in parallel: a test
// that builds two apps calls t.Parallel only once (a second call panics).
var parallelized sync.Map

// parallel calls t.Parallel for a top-level *testing.T that is not in
// serialTests nor a TestE2E test. Subtests are left as their test runs
// them: a test may check, after t.Run, what its subtests did.
func parallel(tb testing.TB) {
	t, ok := tb.(*testing.T)
	if !ok {
		return // a benchmark
	}
	name := t.Name()
	if strings.Contains(name, "/") || strings.HasPrefix(name, "TestE2E") || serialTests[name] {
		return
	}
	if _, done := parallelized.LoadOrStore(t, true); !done {
		t.Parallel()
	}
}

// register signs a trainee up through the API.
func (a *testApp) register(profession string) user {
	a.t.Helper()
	email := strings.ToLower(a.t.Name())
	email = strings.NewReplacer("/", "-", " ", "-").Replace(email)
	email = email + "-" + next() + "@example.org"
	r := a.do("POST", "/api/v1/auth/register", map[string]any{
		"email": email, "password": testPassword, "name": "Test User", "profession": profession})
	if r.StatusCode != 201 {
		a.t.Fatalf("register %s: %d %s", email, r.StatusCode, r.Body)
	}
	m := r.JSON(a.t)
	u := m["user"].(map[string]any)
	return user{ID: u["id"].(string), Email: email, Token: m["token"].(string), a: a}
}

// admin returns a signed-in admin.
func (a *testApp) admin() user {
	a.t.Helper()
	email := "admin" + next() + "@example.org"
	acc := accounts.NewService(a.db)
	u, err := acc.CreateAdmin(context.Background(), email, "Admin", testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	r := a.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": testPassword})
	if r.StatusCode != 200 {
		a.t.Fatalf("admin login: %d %s", r.StatusCode, r.Body)
	}
	return user{ID: jsonID(u.ID), Email: email, Token: r.JSON(a.t)["token"].(string), a: a}
}

// trainer registers a user and makes them a trainer.
func (a *testApp) trainer() user {
	a.t.Helper()
	u := a.register("other")
	ad := a.admin()
	if r := ad.do("PATCH", "/api/v1/admin/users/"+u.ID, map[string]any{"role": "trainer"}); r.StatusCode != 200 {
		a.t.Fatalf("make trainer: %d %s", r.StatusCode, r.Body)
	}
	return u
}

func jsonID(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func wantStatus(t testing.TB, r resp, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", r.Request.Method, r.Request.URL, r.StatusCode, want, r.Body)
	}
}

func wantProblem(t testing.TB, r resp, status int, field string) map[string]any {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type = %q, want application/problem+json: %s", ct, r.Body)
	}
	m := r.JSON(t)
	for _, k := range []string{"type", "title", "status", "detail"} {
		if _, ok := m[k]; !ok {
			t.Errorf("problem lacks %q: %s", k, r.Body)
		}
	}
	if field != "" {
		found := false
		errs, _ := m["errors"].([]any)
		for _, e := range errs {
			if e.(map[string]any)["field"] == field {
				found = true
			}
		}
		if !found {
			t.Errorf("problem does not name field %q: %s", field, r.Body)
		}
	}
	return m
}

func assetsFS() fs.FS { return assets.FS("") }

// serve runs the app on a real loopback socket until the test ends and
// returns its base URL.
func (a *testApp) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go a.Listener(ln)
	t.Cleanup(func() { a.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}
