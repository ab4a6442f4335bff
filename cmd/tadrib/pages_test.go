package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// browser is a cookie-keeping client of the HTML pages, as a person without
// JavaScript uses them.
type browser struct {
	a       *testApp
	cookies map[string]string
	lang    string
}

func (a *testApp) browser() *browser { return &browser{a: a, cookies: map[string]string{}} }

func (b *browser) send(method, path, form string) resp {
	b.a.t.Helper()
	var pairs []string
	for k, v := range b.cookies {
		pairs = append(pairs, k+"="+v)
	}
	h := []string{"Accept", "text/html", "Cookie", strings.Join(pairs, "; ")}
	if b.lang != "" {
		h = append(h, "Accept-Language", b.lang)
	}
	var body any
	if form != "" {
		body = form
	}
	r := b.a.do(method, path, body, h...)
	for _, c := range r.Header.Values("Set-Cookie") {
		kv := strings.SplitN(strings.Split(c, ";")[0], "=", 2)
		if kv[1] == "" || strings.Contains(c, "max-age=-1") || strings.Contains(strings.ToLower(c), "expires=thu, 01 jan 1970") {
			delete(b.cookies, kv[0])
		} else {
			b.cookies[kv[0]] = kv[1]
		}
	}
	return r
}

func (b *browser) get(path string) resp { b.a.t.Helper(); return b.send("GET", path, "") }

// post submits a form with the CSRF token of the page it came from.
func (b *browser) post(page resp, action string, fields url.Values) resp {
	b.a.t.Helper()
	fields.Set("_csrf", metaCSRF(b.a.t, page))
	return b.send("POST", action, fields.Encode())
}

var lessonLink = regexp.MustCompile(`href="/lessons/(\d+)"`)

func TestPagesWithoutJavaScript(t *testing.T) {
	a := newTestApp(t, nil)
	b := a.browser()

	home := b.get("/")
	wantStatus(t, home, 200)
	if !strings.Contains(string(home.Body), `<html lang="fr" dir="ltr">`) {
		t.Error("the home page is not French and left-to-right by default")
	}
	reg := b.get("/register")
	wantStatus(t, reg, 200)
	bad := b.post(reg, "/register", url.Values{"name": {"Karim"}, "email": {"karim@example.org"}, "password": {"court"}, "profession": {"labour_inspector"}})
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), `value="karim@example.org"`) || !strings.Contains(string(bad.Body), `aria-invalid`) {
		t.Error("an invalid form is not shown again with what was typed and the field marked")
	}
	ok := b.post(bad, "/register", url.Values{"name": {"Karim"}, "email": {"karim@example.org"}, "password": {testPassword}, "profession": {"labour_inspector"}})
	wantStatus(t, ok, 303)
	loc := ok.Header.Get("Location")
	if !strings.HasPrefix(loc, "/courses?profession=labour_inspector") {
		t.Fatalf("after registering, redirected to %q", loc)
	}
	catalog := b.get(loc)
	wantStatus(t, catalog, 200)
	m := regexp.MustCompile(`href="/courses/([a-z0-9-]+)"`).FindStringSubmatch(string(catalog.Body))
	if m == nil {
		t.Fatal("the catalog for labour inspectors lists no course")
	}
	course := b.get("/courses/" + m[1])
	wantStatus(t, course, 200)
	enrolled := b.post(course, "/courses/"+m[1]+"/enroll", url.Values{})
	wantStatus(t, enrolled, 303)
	lessonPath := enrolled.Header.Get("Location")
	lesson := b.get(lessonPath)
	wantStatus(t, lesson, 200)
	if !strings.Contains(string(lesson.Body), `class="prose"`) || !strings.Contains(string(lesson.Body), `rel="next"`) {
		t.Error("the lesson page lacks its text or its next link")
	}
	done := b.post(lesson, lessonPath+"/complete", url.Values{})
	wantStatus(t, done, 303)
	dash := b.get("/dashboard")
	wantStatus(t, dash, 200)
	if !regexp.MustCompile(`<progress max="100" value="[1-9]\d*"`).Match(dash.Body) {
		t.Error("the dashboard's progress bar did not move")
	}
	if !lessonLink.Match(dash.Body) {
		t.Error("the dashboard has no resume link")
	}

	// Switching to Arabic gives a right-to-left page, and is remembered.
	ar := b.get("/dashboard?lang=ar")
	if !strings.Contains(string(ar.Body), `<html lang="ar" dir="rtl">`) {
		t.Error("?lang=ar does not give a right-to-left Arabic page")
	}
	again := b.get("/courses")
	if !strings.Contains(string(again.Body), `dir="rtl"`) {
		t.Error("the language choice is not remembered")
	}
	// A forged form post without the token is refused.
	wantStatus(t, b.send("POST", lessonPath+"/complete", "x=1"), 403)

	// Logging out is a POST with the token; the dashboard then asks to sign in.
	out := b.post(again, "/logout", url.Values{})
	wantStatus(t, out, 303)
	r := b.get("/dashboard")
	wantStatus(t, r, 303)
	if !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
		t.Errorf("an anonymous dashboard redirects to %q", r.Header.Get("Location"))
	}
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	a := newTestApp(t, nil)
	b := a.browser()
	b.lang = "ar-MA,ar;q=0.9"
	r := b.get("/courses")
	if !strings.Contains(string(r.Body), `dir="rtl"`) || r.Header.Get("Content-Language") != "ar" {
		t.Error("Accept-Language: ar does not give an Arabic page")
	}
	b.lang = "en-GB"
	if r := b.get("/"); !strings.Contains(string(r.Body), `lang="en"`) {
		t.Error("Accept-Language: en does not give an English page")
	}
}

func TestLoginFormAndErrors(t *testing.T) {
	a := newTestApp(t, nil)
	u := a.register("police")
	b := a.browser()
	page := b.get("/login")
	if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the login page is cacheable: %q", cc)
	}
	wrong := b.post(page, "/login", url.Values{"email": {u.Email}, "password": {"nope nope nope"}})
	wantStatus(t, wrong, 401)
	// Without the form's token the login is refused (login CSRF).
	wantStatus(t, b.send("POST", "/login", "email="+url.QueryEscape(u.Email)+"&password="+url.QueryEscape(testPassword)), 403)
	ok := b.post(wrong, "/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"//evil.example/x"}})
	wantStatus(t, ok, 303)
	if loc := ok.Header.Get("Location"); loc != "/dashboard" {
		t.Errorf("an off-site next= redirected to %q", loc)
	}
	nf := b.get("/courses/no-such-course")
	wantStatus(t, nf, 404)
	if !strings.Contains(string(nf.Body), "<html") {
		t.Error("a missing page is not a friendly HTML page")
	}
}

func TestLessonPageWeight(t *testing.T) {
	a := newTestApp(t, nil)
	u := a.register("police")
	items := u.do("GET", "/api/v1/courses", nil).JSON(t)["items"].([]any)
	slug := items[0].(map[string]any)["slug"].(string)
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	biggest := 0
	for _, mod := range c["modules"].([]any) {
		for _, l := range mod.(map[string]any)["lessons"].([]any) {
			id := l.(map[string]any)["id"].(string)
			for _, lang := range []string{"fr", "ar"} {
				r := u.do("GET", "/lessons/"+id+"?lang="+lang, nil, "Accept-Encoding", "gzip")
				wantStatus(t, r, 200)
				if r.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("lesson page not compressed: %v", r.Header)
				}
				biggest = max(biggest, len(r.Body))
			}
		}
	}
	css := a.do("GET", "/static/app.css", nil, "Accept-Encoding", "gzip")
	total := biggest + len(css.Body)
	t.Logf("largest lesson page %d B + stylesheet %d B compressed", biggest, len(css.Body))
	if total > 60*1024 {
		t.Errorf("a lesson page weighs %d bytes compressed, over 60 KB", total)
	}
}
