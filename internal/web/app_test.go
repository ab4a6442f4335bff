package web

import (
	"bytes"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"tadrib/assets"
	"tadrib/internal/auth"
	"tadrib/internal/i18n"
)

// The pieces every test app shares: the real catalog and templates, loaded
// once.
var (
	sharedOnce     sync.Once
	sharedCat      *i18n.Catalog
	sharedRenderer *Renderer
	sharedErr      error
)

func catalogAndRenderer(t *testing.T) (*i18n.Catalog, *Renderer) {
	t.Helper()
	sharedOnce.Do(func() {
		fsys := assets.FS("")
		if sharedCat, sharedErr = i18n.Load(fsys); sharedErr != nil {
			return
		}
		var st *Static
		if st, sharedErr = NewStatic(fsys); sharedErr != nil {
			return
		}
		sharedRenderer, sharedErr = NewRenderer(fsys, sharedCat, st, false)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedCat, sharedRenderer
}

// testStatic serves two small files.
var testStaticFS = fstest.MapFS{
	"static/app.css":   {Data: []byte("body{color:#123}")},
	"static/js/app.js": {Data: []byte("console.log(1)")},
	"static/blob.zzz":  {Data: []byte{0, 1, 2}},
}

// failures are the errors the /fail/:kind routes return.
var failures = map[string]error{
	"weberror": &Error{Status: 409, Key: "err.attempt_closed", Extra: map[string]any{"attempt_id": 7},
		Cause: errors.New("cause for the log: row 7 is closed")},
	"invalid":     Invalid(Field("title", "err.required"), FieldError{Field: "body", Line: 3, Message: "line 3: bad token"}),
	"forbidden":   auth.ErrForbidden,
	"csrf":        fmt.Errorf("post: %w", auth.ErrCSRF),
	"nosession":   auth.ErrNoSession,
	"disabled":    auth.ErrDisabled,
	"notfound":    ErrNotFound,
	"method":      fiber.ErrMethodNotAllowed,
	"teapot":      fiber.NewError(418, "I'm a teapot: internal text"),
	"unknown":     errors.New(`pq: password authentication failed for user "tadrib" password=hunter2`),
	"unavailable": fmt.Errorf("save: %w", driver.ErrBadConn),
	"bug500":      &Error{Status: 500, Key: "err.internal", Cause: errors.New("nil map in grading")},
}

type testAppOpts struct {
	trusted []string
	log     *slog.Logger
	routes  func(app *fiber.App) // more routes, before the not-found fallback
}

// newTestApp wires the package's middleware in the order cmd/tadrib does,
// with a few routes of each kind.
func newTestApp(t *testing.T, o testAppOpts) *fiber.App {
	t.Helper()
	cat, r := catalogAndRenderer(t)
	if o.log == nil {
		o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	app := fiber.New(fiber.Config{
		ErrorHandler:            ErrorHandler(cat, r),
		EnableTrustedProxyCheck: true,
		TrustedProxies:          o.trusted,
		JSONEncoder:             EncodeJSON,
	})
	app.Use(ClientAddress(o.trusted), RequestIDs(), AccessLog(o.log), Recover(), SecurityHeaders(), PlainBodies())
	st, err := NewStatic(testStaticFS)
	if err != nil {
		t.Fatal(err)
	}
	app.Get("/static/*", st.Handler)
	keys := auth.NewKeys("a test secret of at least 32 characters", "https://tadrib.test")
	sessions := &auth.Sessions{Keys: keys}
	// Stands in for the session middleware: X-Test-Locale signs in a user
	// with that locale.
	app.Use(func(c *fiber.Ctx) error {
		if loc := c.Get("X-Test-Locale"); loc != "" {
			id := &auth.Identity{SessionID: "s1"}
			id.User.ID, id.User.Locale, id.User.Role = 99, loc, "trainee"
			sessions.SetIdentity(c, id)
		}
		return c.Next()
	}, Languages(false))
	app.Get("/api/v1/thing", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true, "lang": Lang(c)}) })
	app.Get("/page", func(c *fiber.Ctx) error {
		return r.Page(c, 200, "error", "A page", map[string]any{"Status": 200, "Detail": "hello <b>", "Fields": nil})
	})
	app.Get("/lang", func(c *fiber.Ctx) error { return c.SendString(Lang(c)) })
	app.Get("/redirect", func(c *fiber.Ctx) error { return c.Redirect("/page", fiber.StatusSeeOther) })
	fail := func(c *fiber.Ctx) error {
		if c.Params("kind") == "panic" {
			panic("panic text: secret state")
		}
		err, ok := failures[c.Params("kind")]
		if !ok {
			return fmt.Errorf("no failure %q", c.Params("kind"))
		}
		return err
	}
	app.All("/api/v1/fail/:kind", fail)
	app.All("/fail/:kind", fail)
	app.Get("/join/:token", HideParam("token"), func(c *fiber.Ctx) error { return c.SendString("joined " + c.Params("token")) })
	app.Get("/join/:token/panic", HideParam("token"), func(c *fiber.Ctx) error { panic("boom") })
	app.Get("/join/:token/fail", HideParam("token"), func(c *fiber.Ctx) error { return errors.New("join failed") })
	if o.routes != nil {
		o.routes(app)
	}
	app.Use(func(c *fiber.Ctx) error { return ErrNotFound })
	return app
}

type request struct {
	method, target string
	header         map[string]string
	body           string
}

type response struct {
	*http.Response
	body string
}

func send(t *testing.T, app *fiber.App, r request) response {
	t.Helper()
	if r.method == "" {
		r.method = "GET"
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.target, body)
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return response{resp, string(b)}
}

// captureDefaultLog sends slog's default logger to a buffer for the rest
// of the test. The test must not be parallel.
func captureDefaultLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf lockedBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf.Buffer
}

type lockedBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}
