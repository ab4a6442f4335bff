package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/i18n"
	"tadrib/internal/markdown"
	"tadrib/models"
)

// TestStatic: versioned URLs are immutable for a year, others for five
// minutes; ETags answer 304; unknown files are 404; types come from the
// extension.
func TestStatic(t *testing.T) {
	t.Parallel()
	st, err := NewStatic(testStaticFS)
	if err != nil {
		t.Fatal(err)
	}
	u := st.URL("app.css")
	if !strings.HasPrefix(u, "/static/app.css?v=") || len(u) != len("/static/app.css?v=")+12 {
		t.Fatalf("URL(app.css) = %q", u)
	}
	if st.URL("js/app.js") == st.URL("app.css") || st.URL("missing.css") != "/static/missing.css" {
		t.Errorf("URL: %q %q", st.URL("js/app.js"), st.URL("missing.css"))
	}
	hash := strings.TrimPrefix(u, "/static/app.css?v=")
	other, _ := NewStatic(fstest.MapFS{"static/app.css": {Data: []byte("body{color:#456}")}})
	if other.URL("app.css") == u {
		t.Error("a changed file kept its URL: browsers would keep the old one for a year")
	}
	app := newTestApp(t, testAppOpts{})
	cases := []struct {
		name   string
		r      request
		status int
		cc     string
		ctype  string
		body   string
	}{
		{"versioned", request{target: u}, 200, "public, max-age=31536000, immutable", "text/css; charset=utf-8", "body{color:#123}"},
		{"stale version", request{target: "/static/app.css?v=000000000000"}, 200, "public, max-age=300", "text/css; charset=utf-8", "body{color:#123}"},
		{"unversioned", request{target: "/static/app.css"}, 200, "public, max-age=300", "text/css; charset=utf-8", "body{color:#123}"},
		{"subfolder", request{target: "/static/js/app.js"}, 200, "public, max-age=300", "text/javascript; charset=utf-8", "console.log(1)"},
		{"unknown type", request{target: "/static/blob.zzz"}, 200, "public, max-age=300", "application/octet-stream", "\x00\x01\x02"},
		{"not modified", request{target: u, header: map[string]string{"If-None-Match": `"` + hash + `"`}}, 304, "public, max-age=31536000, immutable", "", ""},
		{"other etag", request{target: u, header: map[string]string{"If-None-Match": `"abc"`}}, 200, "public, max-age=31536000, immutable", "text/css; charset=utf-8", "body{color:#123}"},
		{"missing", request{target: "/static/nope.css"}, 404, "no-store", "", ""},
		{"traversal", request{target: "/static/../app_test.go"}, 404, "no-store", "", ""},
		{"folder", request{target: "/static/js"}, 404, "no-store", "", ""},
	}
	for _, tc := range cases {
		r := send(t, app, tc.r)
		if r.StatusCode != tc.status || r.Header.Get("Cache-Control") != tc.cc {
			t.Errorf("%s: %d Cache-Control %q; want %d %q", tc.name, r.StatusCode, r.Header.Get("Cache-Control"), tc.status, tc.cc)
		}
		if tc.status == 200 && (r.Header.Get("Content-Type") != tc.ctype || r.body != tc.body || r.Header.Get("ETag") != `"`+hashOf(st, tc.r.target)+`"`) {
			t.Errorf("%s: %q %q ETag %q", tc.name, r.Header.Get("Content-Type"), r.body, r.Header.Get("ETag"))
		}
	}
}

func hashOf(st *Static, target string) string {
	name := strings.TrimPrefix(strings.SplitN(target, "?", 2)[0], "/static/")
	return st.files[name].hash
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type in struct {
		Title string `json:"title"`
		N     int    `json:"n"`
	}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		var e *Error
		if !errors.As(err, &e) {
			return c.Status(599).SendString(err.Error())
		}
		s := e.Key
		for _, f := range e.Fields {
			s += " " + f.Field + ":" + f.Key
		}
		return c.Status(e.Status).SendString(s)
	}})
	app.Post("/", func(c *fiber.Ctx) error {
		var v in
		if err := DecodeJSON(c, &v); err != nil {
			return err
		}
		return c.JSON(v)
	})
	cases := []struct {
		ctype, body string
		status      int
		want        string
	}{
		{"application/json", `{"title":"a","n":2}`, 200, `{"title":"a","n":2}`},
		{"application/json; charset=utf-8", ` {"title":"a"} `, 200, `{"title":"a","n":0}`},
		{"", ``, 200, `{"title":"","n":0}`},
		{"application/x-www-form-urlencoded", `{"title":"a"}`, 415, "err.media_type"},
		{"text/plain", `{"title":"a"}`, 415, "err.media_type"},
		{"", `{"title":"a"}`, 415, "err.media_type"},
		{"application/json", `["a"]`, 400, "err.invalid body:err.json_object"},
		{"application/json", `"a"`, 400, "err.invalid body:err.json_object"},
		{"application/json", `{"title":`, 400, "err.invalid body:err.json"},
		{"application/json", `{"n":"two"}`, 400, "err.invalid n:err.json_type"},
		{"application/json", `{"title":5}`, 400, "err.invalid title:err.json_type"},
	}
	for _, tc := range cases {
		r := send(t, app, request{method: "POST", target: "/", body: tc.body, header: map[string]string{"Content-Type": tc.ctype}})
		if r.StatusCode != tc.status || r.body != tc.want {
			t.Errorf("%q as %q: %d %q; want %d %q", tc.body, tc.ctype, r.StatusCode, r.body, tc.status, tc.want)
		}
	}
}

func TestEncodeJSONKeepsHTMLCharacters(t *testing.T) {
	t.Parallel()
	b, err := EncodeJSON(map[string]string{"html": "<p>a & b</p>"})
	if err != nil || string(b) != `{"html":"<p>a & b</p>"}` {
		t.Errorf("EncodeJSON = %s, %v", b, err)
	}
}

// TestPostValue reads the posted form only, never the query string.
func TestPostValue(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.Post("/", func(c *fiber.Ctx) error { return c.SendString(PostValue(c, "role") + "|" + PostValue(c, "name")) })
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("role", "trainee")
	w.Close()
	cases := []struct {
		target, ctype, body, want string
	}{
		{"/?role=admin", "application/x-www-form-urlencoded", "name=amina", "|amina"},
		{"/?role=admin", "application/x-www-form-urlencoded", "role=trainee", "trainee|"},
		{"/?role=admin", w.FormDataContentType(), mp.String(), "trainee|"},
		{"/?role=admin&name=x", "", "", "|"},
	}
	for _, tc := range cases {
		req := httptest.NewRequest("POST", tc.target, strings.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		if b.String() != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.target, tc.body, b.String(), tc.want)
		}
	}
}

func TestMaxBodyAndPlainBodies(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, testAppOpts{routes: func(app *fiber.App) {
		app.Post("/small", MaxBody(16<<10), func(c *fiber.Ctx) error { return c.SendString("ok") })
	}})
	big := strings.Repeat("a", 16<<10+1)
	cases := []struct {
		body, encoding string
		status         int
	}{
		{"x=1", "", 200},
		{strings.Repeat("a", 16<<10), "", 200},
		{big, "", 413},
		{"x=1", "gzip", 415},
		{"x=1", "br", 415},
		{"x=1", " Deflate ", 415},
		{"x=1", "identity", 200},
	}
	for _, tc := range cases {
		r := send(t, app, request{method: "POST", target: "/small", body: tc.body,
			header: map[string]string{"Content-Encoding": tc.encoding, "Accept": "application/json"}})
		if r.StatusCode != tc.status {
			t.Errorf("%d bytes, Content-Encoding %q: %d, want %d", len(tc.body), tc.encoding, r.StatusCode, tc.status)
		}
		if tc.status == 413 && !strings.Contains(r.body, "16") {
			t.Errorf("413 does not name the limit: %s", r.body)
		}
	}
}

func TestIsAPI(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.All("/*", func(c *fiber.Ctx) error {
		if IsAPI(c) {
			return c.SendString("api")
		}
		return c.SendString("page")
	})
	cases := []struct{ path, accept, want string }{
		{"/api/v1/courses", "", "api"},
		{"/api/v1/courses", "text/html", "api"},
		{"/courses", "", "page"},
		{"/courses", "*/*", "page"},
		{"/courses", "application/json", "api"},
		{"/courses", "application/json, text/html;q=0.1", "page"},
		{"/apis", "", "page"},
	}
	for _, tc := range cases {
		r := send(t, app, request{target: tc.path, header: map[string]string{"Accept": tc.accept}})
		if r.body != tc.want {
			t.Errorf("IsAPI(%s, Accept %q) = %s, want %s", tc.path, tc.accept, r.body, tc.want)
		}
	}
}

// TestSettle: the error is written where Settle stands, so the middleware
// before it sees the final status (rate limiters counting failures).
func TestSettle(t *testing.T) {
	t.Parallel()
	var seen int
	app := newTestApp(t, testAppOpts{routes: func(app *fiber.App) {
		app.Get("/settled", func(c *fiber.Ctx) error {
			err := c.Next()
			seen = c.Response().StatusCode()
			return err
		}, Settle, func(c *fiber.Ctx) error { return ErrForbidden })
	}})
	r := send(t, app, request{target: "/settled", header: map[string]string{"Accept": "application/json"}})
	if seen != 403 || r.StatusCode != 403 || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("before Settle the status was %d; the client got %d %s", seen, r.StatusCode, r.Header.Get("Content-Type"))
	}
}

// TestRenderPage: the page is rendered in the request's language and
// direction, with the CSRF token and the user; language links are query-only
// (a path-relative link from "//evil.example/x" would leave the site); a
// template error is a clean error, not half a page.
func TestRenderPage(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"templates/layout.html":       {Data: []byte(`<html lang="{{.Lang}}" dir="{{.Dir}}"><title>{{.Title}}</title>{{template "content" .}}{{range .Langs}}<a href="{{.URL}}"{{if .Current}} aria-current="true"{{end}}>{{.Name}}</a>{{end}}</html>`)},
		"templates/partials/nav.html": {Data: []byte(`{{define "nav"}}nav{{end}}`)},
		"templates/pages/ok.html":     {Data: []byte(`{{define "content"}}<p>{{.T "error.title"}}|{{.Data}}|{{.CSRF}}|{{if .User}}{{.User.Email}}{{end}}|{{.Static "app.css"}}</p>{{end}}`)},
		"templates/pages/broken.html": {Data: []byte(`{{define "content"}}<p>before</p>{{.Data.NoSuchField}}{{end}}`)},
		"i18n/fr.json":                {Data: []byte(`{"error.title":"Un problème"}`)},
		"i18n/ar.json":                {Data: []byte(`{"error.title":"مشكلة"}`)},
		"i18n/en.json":                {Data: []byte(`{"error.title":"A problem"}`)},
		"static/app.css":              {Data: []byte("x")},
	}
	cat, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := NewStatic(fsys)
	r, err := NewRenderer(fsys, cat, st, false)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error { return c.Status(500).SendString("clean 500") }})
	app.Use(Languages(false))
	app.Get("/*", func(c *fiber.Ctx) error {
		return r.Page(c, 201, c.Query("page", "ok"), "Titre <x>", "<script>alert(1)</script>")
	})
	res := send(t, app, request{target: "/courses/3?lang=ar&x=%3Cy%3E"})
	for _, want := range []string{`<html lang="ar" dir="rtl">`, "<title>Titre &lt;x&gt;</title>", "مشكلة", "&lt;script&gt;alert(1)&lt;/script&gt;",
		st.URL("app.css"), `href="?lang=fr&amp;x=%3Cy%3E"`, `href="?lang=ar&amp;x=%3Cy%3E" aria-current="true"`, `href="?lang=en&amp;x=%3Cy%3E"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the page lacks %q: %s", want, res.body)
		}
	}
	if res.StatusCode != 201 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" || res.Header.Get("Content-Language") != "ar" {
		t.Errorf("%d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Language"))
	}
	evil := send(t, app, request{target: "//evil.example/x"})
	if strings.Contains(evil.body, "evil.example") {
		t.Errorf("a language link points to another host: %s", evil.body)
	}
	for _, page := range []string{"broken", "missing"} {
		if res := send(t, app, request{target: "/x?page=" + page}); res.StatusCode != 500 || res.body != "clean 500" {
			t.Errorf("page %s: %d %q", page, res.StatusCode, res.body)
		}
	}
}

// TestPageHelpers: the helpers templates call translate field errors in the
// page's language and keep the first error of each field; Hours takes the
// plural form of the whole number (Arabic has a dual) and shows fractions
// with the language's decimal separator.
func TestPageHelpers(t *testing.T) {
	t.Parallel()
	cat, r := catalogAndRenderer(t)
	errs := FormErrors([]FieldError{Field("title", "err.required"), Field("title", "err.json"), Field("body", "err.json")})
	if len(errs) != 2 || errs["title"].Key != "err.required" {
		t.Errorf("FormErrors = %v", errs)
	}
	for _, lang := range i18n.Languages {
		p := PageData{Lang: lang, r: r}
		if got := p.Err(errs, "title"); got != cat.T(lang, "err.required") || got == "err.required" {
			t.Errorf("%s: Err(title) = %q", lang, got)
		}
		if got := p.Err(errs, "none"); got != "" {
			t.Errorf("%s: Err(none) = %q", lang, got)
		}
		// The decimal separator is the language's (internal/format), as on the certificate.
		if got, want := p.Hours(1.5), map[string]string{"fr": "1,5", "ar": "1,5", "en": "1.5"}[lang]; !strings.Contains(got, want) {
			t.Errorf("%s: Hours(1.5) = %q", lang, got)
		}
		if got := p.Hours(2); lang == "ar" && got != "ساعتان" || lang != "ar" && (!strings.Contains(got, "2") || strings.Contains(got, "2.0")) {
			t.Errorf("%s: Hours(2) = %q", lang, got)
		}
	}
	staff := PageData{User: &models.User{Role: models.RoleTrainer}}
	if !staff.IsStaff() || (PageData{User: &models.User{Role: models.RoleTrainee}}).IsStaff() || (PageData{}).IsStaff() {
		t.Error("IsStaff")
	}
}

func TestForwarded(t *testing.T) {
	t.Parallel()
	app := fiber.New()
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString(map[bool]string{true: "yes", false: "no"}[Forwarded(c)]) })
	for h, want := range map[string]string{"": "no", "X-Forwarded-For": "yes", "Forwarded": "yes", "X-Real-Ip": "yes",
		"X-Forwarded-Proto": "yes", "X-Forwarded-Host": "yes", "X-Other": "no"} {
		hdr := map[string]string{}
		if h != "" {
			hdr[h] = "1.2.3.4"
		}
		if r := send(t, app, request{target: "/", header: hdr}); r.body != want {
			t.Errorf("Forwarded with %q = %s, want %s", h, r.body, want)
		}
	}
}

func TestMarkdownField(t *testing.T) {
	t.Parallel()
	if f := MarkdownField("body", fmt.Errorf("render: %w", &markdown.LimitError{Key: "err.markdown_long", Args: []any{100}})); f.Field != "body" || f.Key != "err.markdown_long" || len(f.Args) != 1 {
		t.Errorf("a limit: %+v", f)
	}
	if f := MarkdownField("body", errors.New("boom")); f.Field != "body" || f.Key != "err.markdown" {
		t.Errorf("another error: %+v", f)
	}
}
