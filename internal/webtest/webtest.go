// Package webtest is the harness a feature package's own tests use to drive
// its routes: a migrated database on the engine under test (internal/testdb),
// the real templates and translations, sessions with CSRF, and the one error
// handler, mounted the way cmd/tadrib mounts them. It imports no feature, so
// courses, quiz, certs and accounts can each test their handlers in their own
// package; cmd/tadrib keeps the whole-application tests.
package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/assets"
	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/i18n"
	"tadrib/internal/testdb"
	"tadrib/internal/web"
	"tadrib/models"
)

// Env is one test's server: mount the feature's routes on App and API, then
// send requests as Anonymous or as a user.
type Env struct {
	DB       *db.DB
	Catalog  *i18n.Catalog
	Renderer *web.Renderer
	Sessions *auth.Sessions
	Cookies  auth.Cookies
	App      *fiber.App
	API      fiber.Router // the /api/v1 group

	t *testing.T
}

// New builds an Env on a fresh database. Mount routes before the first
// request; New adds no catch-all, so an unmounted path is Fiber's 404.
func New(t *testing.T) *Env {
	t.Helper()
	d := testdb.New(t)
	fsys := assets.FS("")
	cat, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	static, err := web.NewStatic(fsys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := web.NewRenderer(fsys, cat, static, false)
	if err != nil {
		t.Fatal(err)
	}
	sessions := &auth.Sessions{DB: d, Keys: auth.NewKeys("webtest-secret-0123456789abcdef", "http://tadrib.test"),
		TTL: 24 * time.Hour, Idle: 24 * time.Hour}
	cookies := auth.Cookies{}
	app := fiber.New(fiber.Config{ErrorHandler: web.ErrorHandler(cat, r), Immutable: true,
		DisableStartupMessage: true, JSONEncoder: web.EncodeJSON, JSONDecoder: json.Unmarshal})
	app.Use(web.RequestIDs(), web.Recover(), sessions.Middleware(cookies), web.Languages(false))
	return &Env{DB: d, Catalog: cat, Renderer: r, Sessions: sessions, Cookies: cookies, App: app,
		API: app.Group("/api/v1"), t: t}
}

var seq atomic.Int64

// User stores an account with a role (models.RoleTrainee, RoleTrainer,
// RoleAdmin) and a unique email built from name.
func (e *Env) User(name, role string) models.User {
	e.t.Helper()
	u := models.User{Email: fmt.Sprintf("%s.%d@example.org", strings.ToLower(name), seq.Add(1)),
		Name: name, Role: role, Profession: "police", PasswordHash: "x"}
	if err := e.DB.W.Create(&u).Error; err != nil {
		e.t.Fatal(err)
	}
	return u
}

// Client sends requests to the Env's app, signed in as one user (or no one).
type Client struct {
	env     *Env
	User    *models.User
	session string
	csrf    string
	Lang    string // sent as ?lang= on pages when set
}

// Anonymous is a visitor with no session.
func (e *Env) Anonymous() *Client { return &Client{env: e} }

// As signs u in with a new session cookie; writes carry its CSRF token, as
// the pages' forms and the JSON clients do.
func (e *Env) As(u models.User) *Client {
	e.t.Helper()
	tok, sess, err := e.Sessions.Create(context.Background(), u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return &Client{env: e, User: &u, session: tok, csrf: e.Sessions.Keys.CSRFToken(sess.ID)}
}

// Response is a finished request: status, headers and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("status %d, body is not JSON (%v): %.300s", r.Status, err, r.Body)
	}
}

// Do sends a request. A body that is a string or []byte goes as is (set the
// Content-Type in header); url.Values goes as a form; anything else as JSON.
func (c *Client) Do(method, path string, body any, header ...string) Response {
	c.env.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = strings.NewReader(string(b))
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.env.t.Fatal(err)
		}
		rd, ctype = strings.NewReader(string(j)), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: c.env.Cookies.Session(), Value: c.session})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.Lang != "" {
		req.AddCookie(&http.Cookie{Name: web.LangCookie, Value: c.Lang})
		req.Header.Set("Accept-Language", c.Lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.env.App.Test(req, -1)
	if err != nil {
		c.env.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.env.t.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get is Do("GET", path, nil).
func (c *Client) Get(path string) Response { return c.Do(fiber.MethodGet, path, nil) }

// Post is Do("POST", path, body).
func (c *Client) Post(path string, body any) Response { return c.Do(fiber.MethodPost, path, body) }

// Want fails the test unless the response has the status, showing the body.
func (r Response) Want(t testing.TB, status int) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.500s", r.Status, status, r.Body)
	}
	return r
}
