package webtest

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"mime"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/web"
)

// recorder is a testing.TB that keeps what an assertion reports.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...); runtime.Goexit() }

// failures runs an assertion on its own goroutine, so that a Fatalf ends
// only the assertion, and returns what it reported.
func failures(t *testing.T, assert func(tb testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		assert(r)
	}()
	<-done
	return r.failures
}

func TestWantProblem(t *testing.T) {
	e := New(t)
	e.API.Get("/invalid", func(c *fiber.Ctx) error {
		return web.Invalid(web.Field("title", "err.invalid"), web.Field("hours", "err.invalid"))
	})
	e.API.Get("/plain", func(c *fiber.Ctx) error { return c.Status(http.StatusBadRequest).JSON(fiber.Map{"status": 400}) })
	e.API.Get("/bare", func(c *fiber.Ctx) error {
		c.Set("Content-Type", "application/problem+json")
		return c.Status(http.StatusBadRequest).SendString(`{"status":400,"title":"Bad Request","type":"about:blank","errors":[{"field":"title"}]}`)
	})
	invalid := e.Anonymous().Get("/api/v1/invalid")
	p := invalid.WantProblem(t, http.StatusBadRequest, "hours", "title")
	if strings.Join(p.Fields(), ",") != "title,hours" {
		t.Errorf("Fields() = %v, want title,hours in order", p.Fields())
	}
	for name, c := range map[string]struct {
		r      Response
		status int
		fields []string
		want   string
	}{
		"no field check": {invalid, 400, []string{""}, ""},
		"other status":   {invalid, 422, nil, "status 400, want 422"},
		"missing field":  {invalid, 400, []string{"title"}, "names fields"},
		"other field":    {invalid, 400, []string{"title", "slug"}, "names fields"},
		"not a problem":  {e.Anonymous().Get("/api/v1/plain"), 400, nil, "want application/problem+json"},
		"no detail":      {e.Anonymous().Get("/api/v1/bare"), 400, nil, "with a type, a title and a detail"},
		"no message":     {e.Anonymous().Get("/api/v1/bare"), 400, nil, "has no message"},
	} {
		got := failures(t, func(tb testing.TB) { c.r.WantProblem(tb, c.status, c.fields...) })
		if c.want == "" && len(got) > 0 || c.want != "" && !strings.Contains(strings.Join(got, "\n"), c.want) {
			t.Errorf("%s: reported %q, want %q", name, got, c.want)
		}
	}
}

func TestWantFields(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", web.Invalid(web.Field("slug", "k"), web.Field("title", "k")))
	WantFields(t, err, "slug", "title")
	for name, c := range map[string]struct {
		err  error
		want []string
	}{
		"other order":     {err, []string{"title", "slug"}},
		"one missing":     {err, []string{"slug"}},
		"not validation":  {errors.New("boom"), nil},
		"other web error": {web.ErrNotFound, nil},
	} {
		if got := failures(t, func(tb testing.TB) { WantFields(tb, c.err, c.want...) }); len(got) == 0 {
			t.Errorf("%s: WantFields reported nothing", name)
		}
	}
}

func TestWantPage(t *testing.T) {
	e := New(t)
	title := e.Title("ar", "err.not_found")
	if !strings.HasPrefix(title, "<title>") || strings.Contains(title, "err.not_found") {
		t.Fatalf("Title = %q, want a translated <title>", title)
	}
	r := Response{Status: 200, Body: `<html lang="ar" dir="rtl">` + title + `</title> R&amp;D`}
	r.WantPage(t, "ar", title, "R&D")
	for name, c := range map[string]struct{ lang, text string }{
		"other language":  {"fr", ""},
		"missing text":    {"ar", "absent"},
		"direction wrong": {"en", ""},
	} {
		if got := failures(t, func(tb testing.TB) { r.WantPage(tb, c.lang, c.text) }); len(got) == 0 {
			t.Errorf("%s: WantPage reported nothing", name)
		}
	}
}

func TestFixtures(t *testing.T) {
	a, b := PNG(t, 1), PNG(t, 2)
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil || img.Bounds().Dx() != 8 || bytes.Equal(a, b) {
		t.Errorf("PNG: %v, %v, distinct %v", err, img, !bytes.Equal(a, b))
	}
	body, ctype := Multipart(t, map[string]string{"b": "2", "a": "1"}, "file", "x.png", a)
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatal(err)
	}
	form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if form.Value["a"][0] != "1" || form.Value["b"][0] != "2" || form.File["file"][0].Filename != "x.png" || form.File["file"][0].Size != int64(len(a)) {
		t.Errorf("Multipart: %+v", form)
	}
	if strings.Count(EveryTypeGIFT, "::Q") != 8 || !strings.HasPrefix(EveryTypeGIFT, SixTypesGIFT) {
		t.Error("EveryTypeGIFT is not SixTypesGIFT and two more")
	}
}
