package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"

	"tadrib/internal/auth"
	"tadrib/internal/format"
	"tadrib/internal/i18n"
	"tadrib/models"
)

// Renderer executes the HTML templates: templates/layout.html wraps each
// templates/pages/<name>.html, and templates/partials/*.html are shared.
// Templates are parsed once at start-up (or on every render in development,
// when reload is true).
type Renderer struct {
	fsys   fs.FS
	cat    *i18n.Catalog
	static *Static
	reload bool

	pages map[string]*template.Template // parsed once; with reload, parsed per request instead
}

// NewRenderer parses every page.
func NewRenderer(fsys fs.FS, cat *i18n.Catalog, static *Static, reload bool) (*Renderer, error) {
	r := &Renderer{fsys: fsys, cat: cat, static: static, reload: reload}
	pages, err := r.parse()
	if err != nil {
		return nil, err
	}
	r.pages = pages
	return r, nil
}

var funcs = template.FuncMap{
	"percent": func(n, d int) int {
		if d <= 0 {
			return 0
		}
		return n * 100 / d
	},
	"add": func(a, b int) int { return a + b },
	// dirOf is a language's writing direction, for a text in another
	// language than the page's (lang="fr" dir="ltr" on an Arabic page).
	"dirOf": i18n.Dir,
	// card pairs the page with one item, for partials that need both.
	"card": func(p PageData, item any) map[string]any { return map[string]any{"P": p, "C": item} },
	// value is what an optional field holds, or its type's zero when it
	// holds nothing: {{if value .Passed}}, {{printf "%.0f" (value .Percent)}}.
	"value":   value,
	"minutes": func(seconds int) int { return (seconds + 59) / 60 },
	"int":     func(f float64) int { return int(math.Round(f)) },
	"pct":     func(f float64) float64 { return math.Round(f*1e5) / 1e3 },
	"list":    func(xs ...string) []string { return xs },
	// plain is the text of sanitized HTML, for places that take no markup
	// (the options of a <select>).
	"plain": func(s string) string {
		z := html.NewTokenizer(strings.NewReader(s))
		var b strings.Builder
		for {
			switch z.Next() {
			case html.ErrorToken:
				return strings.TrimSpace(b.String())
			case html.TextToken:
				b.Write(z.Text())
			}
		}
	},
	"trusted": func(s string) template.HTML {
		// Only for HTML that went through the sanitizer (lesson bodies):
		// the callers' field names say so (HTML, SanitizedHTML).
		return template.HTML(s) //nolint:gosec
	},
}

func (r *Renderer) parse() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(r.fsys, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(r.fsys, "templates/pages/*.html")
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("web: no templates/pages/*.html (%v)", err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(r.fsys, f)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return pages, nil
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Code, Name, URL string
	Current         bool
}

// PageData is what every template receives. Templates translate with
// {{.T "key"}} (or {{$.T "key"}} inside a range).
type PageData struct {
	Lang, Dir, Title, CSRF, Path string
	User                         *models.User
	Langs                        []LangLink
	Data                         any
	r                            *Renderer
}

// T translates key into the page's language.
func (p PageData) T(key string, args ...any) string { return p.r.cat.T(p.Lang, key, args...) }

// Static returns the cache-busting URL of a static file.
func (p PageData) Static(name string) string { return p.r.static.URL(name) }

// IsStaff reports whether the viewer is a trainer or an admin.
func (p PageData) IsStaff() bool {
	return p.User != nil && (p.User.Role == models.RoleTrainer || p.User.Role == models.RoleAdmin)
}

var langNames = map[string]string{"fr": "Français", "ar": "العربية", "en": "English"}

// Page renders templates/pages/<name>.html in the layout, with status.
func (r *Renderer) Page(c *fiber.Ctx, status int, name, title string, data any) error {
	pages := r.pages
	if r.reload {
		p, err := r.parse()
		if err != nil {
			return err
		}
		pages = p
	}
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	lang := Lang(c)
	pd := PageData{Lang: lang, Dir: i18n.Dir(lang), Title: title, CSRF: auth.CSRFFrom(c), Path: c.Path(), Data: data, r: r}
	if id := auth.From(c); id != nil {
		u := id.User
		pd.User = &u
	}
	for _, l := range i18n.Languages {
		q := c.Request().URI().QueryArgs()
		args := fiber.AcquireArgs()
		q.CopyTo(args)
		args.Set("lang", l)
		// A query-only reference keeps the page's own path: built from the
		// request path, "GET //evil.example/x" made links to another host.
		pd.Langs = append(pd.Langs, LangLink{Code: l, Name: langNames[l], URL: "?" + string(args.QueryString()), Current: l == lang})
		fiber.ReleaseArgs(args)
	}
	// Execute into a buffer first: a template error becomes a clean 500,
	// not half a page.
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", pd); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, lang)
	return c.Send(buf.Bytes())
}

// Msg translates a field error.
func (p PageData) Msg(fe FieldError) string { return p.r.cat.T(p.Lang, fe.Key, fe.Args...) }

// FormErrors indexes field errors by field, for templates.
func FormErrors(errs []FieldError) map[string]FieldError {
	m := make(map[string]FieldError, len(errs))
	for _, e := range errs {
		if _, seen := m[e.Field]; !seen {
			m[e.Field] = e
		}
	}
	return m
}

// T translates key into the request's language.
func (r *Renderer) T(c *fiber.Ctx, key string, args ...any) string {
	return r.cat.T(Lang(c), key, args...)
}

// Err returns the translated error of field in errs, or "".
func (p PageData) Err(errs map[string]FieldError, field string) string {
	if e, ok := errs[field]; ok {
		return p.Msg(e)
	}
	return ""
}

// TN translates a count-dependent message with n's plural form; n is also
// the first format argument unless args are given.
func (p PageData) TN(key string, n int, args ...any) string {
	if len(args) == 0 {
		args = []any{n}
	}
	return p.r.cat.N(p.Lang, key, n, args...)
}

// Hours formats a number of hours for TN: its plural form follows the whole
// number, and "%s" is internal/format's ("2,25" in French, as on the
// certificate).
func (p PageData) Hours(h float64) string {
	n := int(h)
	if float64(n) != h {
		n = 100 // a fraction takes the general form in every language here
	}
	return p.TN("catalog.hours", n, format.Hours(p.Lang, h))
}

// Date writes a day in the page's language ("7 décembre 2026", "7 دجنبر
// 2026"), isolated for bidi (format.Isolate) so that it keeps its order in
// text of the other direction; it takes a time.Time, a *time.Time, or a
// "2006-01-02" string (a session's dates). Nothing (nil, zero) is "".
func (p PageData) Date(v any) string {
	switch t := v.(type) {
	case time.Time:
		return format.Isolate(format.Date(p.Lang, t))
	case *time.Time:
		if t == nil {
			return ""
		}
		return format.Isolate(format.Date(p.Lang, *t))
	case string:
		return format.Isolate(format.Day(p.Lang, t))
	}
	return fmt.Sprint(v)
}

// ISO is the "2006-01-02" of a day, for <time datetime>; it takes what
// Date takes.
func (p PageData) ISO(v any) string {
	switch t := v.(type) {
	case time.Time:
		return format.ISO(t)
	case *time.Time:
		if t == nil {
			return ""
		}
		return format.ISO(*t)
	case string:
		return t
	}
	return ""
}

// Num writes a number in the page's language with at most two decimals
// ("2,25", "1 234"); it takes any integer or float, or a pointer to one.
func (p PageData) Num(v any) string { return format.Number(p.Lang, number(v), 2) }

// Pct writes a percentage (0–100) rounded to a whole number in the page's
// language: "70 %" (narrow no-break space) in French, "70%" in Arabic and
// English. Every percentage on a page goes through it (or PctN).
func (p PageData) Pct(v any) string { return format.Percent(p.Lang, number(v), 0) }

// PctN is Pct with at most frac decimals.
func (p PageData) PctN(v any, frac int) string { return format.Percent(p.Lang, number(v), frac) }

// number reads the numbers templates hold: ints, floats and pointers to
// them (optional fields); nil is 0.
func number(v any) float64 {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return 0
		}
		rv = rv.Elem()
	}
	switch {
	case rv.CanInt():
		return float64(rv.Int())
	case rv.CanUint():
		return float64(rv.Uint())
	case rv.CanFloat():
		return rv.Float()
	}
	return 0
}

func value(p any) any {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer {
		return p
	}
	if v.IsNil() {
		return reflect.Zero(v.Type().Elem()).Interface()
	}
	return v.Elem().Interface()
}
