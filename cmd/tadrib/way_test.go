package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// passWayQuiz takes the one-question quiz of wayCourse through the API,
// answering value, and returns the attempt's id.
func passWayQuiz(t *testing.T, u user, quizID string, value bool) string {
	t.Helper()
	at := start(t, u, quizID, 201)
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+at.Questions[0]["id"].(string), map[string]any{"value": value}), 204)
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
	return at.ID
}

var nextBlock = regexp.MustCompile(`(?s)<div class="next-step">.*?</div>`)

// TestResultPageOffersTheWayOn: after a passed quiz the result page leads
// on — to the next module's lesson, then, once all is done, to claiming the
// certificate, then to the certificate itself — in French and Arabic; a
// failed attempt offers no "next" beyond retaking it.
func TestResultPageOffersTheWayOn(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug := wayCourse(t, a)
	m2 := tr.do("POST", "/api/v1/courses/"+slug+"/modules", map[string]any{"slug": "orienter", "title": "Orienter"})
	wantStatus(t, m2, 201)
	l3 := tr.do("POST", "/api/v1/modules/"+m2.JSON(t)["id"].(string)+"/lessons", map[string]any{"title": "Orienter", "body_md": "Texte.", "minutes": 5})
	wantStatus(t, l3, 201)
	lesson3 := l3.JSON(t)["id"].(string)

	u := enrolled(t, a, slug)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	mod1 := c["modules"].([]any)[0].(map[string]any)
	for _, l := range mod1["lessons"].([]any) {
		wantStatus(t, u.do("POST", "/api/v1/lessons/"+l.(map[string]any)["id"].(string)+"/complete", nil), 204)
	}
	quizID := mod1["quiz"].(map[string]any)["id"].(string)
	result := "/attempts/" + passWayQuiz(t, u, quizID, true) + "/result"
	b := a.signIn(t, u.Email)

	page := b.get(result)
	wantStatus(t, page, 200)
	if got := nextBlock.FindString(string(page.Body)); !strings.Contains(got, `href="/lessons/`+lesson3+`"`) || !strings.Contains(got, "Prochaine leçon") {
		t.Errorf("a passed quiz does not lead to the next module's lesson: %q", got)
	}
	if !strings.Contains(string(page.Body), `class="button secondary" href="/courses/`+slug+`"`) {
		t.Error("with a next step, 'Retour au cours' is not the secondary action")
	}

	wantStatus(t, u.do("POST", "/api/v1/lessons/"+lesson3+"/complete", nil), 204)
	page = b.get(result)
	got := nextBlock.FindString(string(page.Body))
	if !strings.Contains(got, `action="/certificates/claim"`) || !strings.Contains(got, `name="course" value="`+slug+`"`) {
		t.Fatalf("a finished course's result page does not offer to claim the certificate: %q", got)
	}
	if ar := nextBlock.FindString(string(b.get(result + "?lang=ar").Body)); !strings.Contains(ar, "شهادتك جاهزة") || !strings.Contains(ar, "احصل على شهادتي") {
		t.Errorf("the Arabic result page's claim reads %q", ar)
	}
	b.get(result + "?lang=fr")
	claimed := b.post(page, "/certificates/claim", url.Values{"course": {slug}})
	wantStatus(t, claimed, 303)
	if loc := claimed.Header.Get("Location"); !strings.HasPrefix(loc, "/certificates?issued=") {
		t.Fatalf("claiming from the result page redirects to %q", loc)
	}
	got = nextBlock.FindString(string(b.get(result).Body))
	if !strings.Contains(got, `href="/certificates#c-`) || !strings.Contains(got, `/pdf" download`) {
		t.Errorf("once claimed, the result page does not lead to the certificate: %q", got)
	}

	// Failing: the way on is to retake the quiz, which the page's own
	// links offer; no other "next".
	f := enrolled(t, a, slug)
	for _, l := range mod1["lessons"].([]any) {
		wantStatus(t, f.do("POST", "/api/v1/lessons/"+l.(map[string]any)["id"].(string)+"/complete", nil), 204)
	}
	failed := "/attempts/" + passWayQuiz(t, f, quizID, false) + "/result"
	fb := a.signIn(t, f.Email)
	body := string(fb.get(failed).Body)
	if strings.Contains(body, `class="next-step"`) {
		t.Errorf("a failed attempt's page offers a next step: %q", nextBlock.FindString(body))
	}
	if !strings.Contains(body, `<a class="button" href="/courses/`+slug+`"`) {
		t.Error("without a next step, 'Retour au cours' is not the primary action")
	}
}

// TestVerifyIsFoundAndAnEmptyCodeRefused: the header and the footer link
// to /verify for a signed-out visitor; the form says where the code is on
// the PDF (beside the QR code, certs/pdf/layout.go); an empty code is a
// field error, in French and Arabic.
func TestVerifyIsFoundAndAnEmptyCodeRefused(t *testing.T) {
	a := newTestApp(t, nil)
	b := a.browser()
	home := string(b.get("/").Body)
	if n := strings.Count(home, `href="/verify"`); n < 2 {
		t.Errorf("the signed-out home page links to /verify %d times, want the menu and the footer", n)
	}
	form := b.get("/verify")
	wantStatus(t, form, 200)
	if strings.Contains(string(form.Body), `id="code-error"`) || !strings.Contains(string(form.Body), "à côté du QR code") {
		t.Error("the verify form shows an error before any submit, or does not say the code is beside the QR code")
	}
	for lang, want := range map[string]string{"fr": "Saisissez le code du certificat.", "ar": "أدخل رمز الشهادة."} {
		b.lang = lang
		empty := b.get("/verify?code=" + url.QueryEscape("  "))
		wantStatus(t, empty, 400)
		body := string(empty.Body)
		if !strings.Contains(body, `<p class="field-error" id="code-error">`+want+`</p>`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("%s: an empty code is not refused at the field with %q", lang, want)
		}
	}
}

// TestHeaderMenuWithoutJavaScript: the navigation is in a <details> menu
// (it opens without script), with the profile for a signed-in user.
func TestHeaderMenuWithoutJavaScript(t *testing.T) {
	a := newTestApp(t, nil)
	u := a.register("police")
	for who, b := range map[string]*browser{"signed out": a.browser(), "trainee": a.signIn(t, u.Email)} {
		body := string(b.get("/courses").Body)
		menu := regexp.MustCompile(`(?s)<details class="menu">\s*<summary>.*?</summary>\s*<nav class="main-nav" aria-label="[^"]+">.*?</nav>\s*</details>`).FindString(body)
		if menu == "" {
			t.Fatalf("%s: no <details> menu holding the navigation", who)
		}
		if hasProfile := strings.Contains(menu, `href="/profile"`); hasProfile != (who == "trainee") {
			t.Errorf("%s: the menu's profile link present = %v", who, hasProfile)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s: the catalogue needs a script", who)
		}
	}
}

// TestBrotliIsNotLargerThanGzip: for the largest lesson page and the
// stylesheet, the brotli answer is no larger than the gzip one (issue 11,
// point 11: at the level Fiber's LevelBestSpeed gave, it was larger). The
// sizes are logged: the before/after figures of the report.
func TestBrotliIsNotLargerThanGzip(t *testing.T) {
	a := newTestApp(t, nil)
	a.static.Packed() // the static files are compressed in the background
	u := a.register("police")
	items := u.do("GET", "/api/v1/courses", nil).JSON(t)["items"].([]any)
	slug := items[0].(map[string]any)["slug"].(string)
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	largest, size := "", 0
	for _, mod := range c["modules"].([]any) {
		for _, l := range mod.(map[string]any)["lessons"].([]any) {
			p := "/lessons/" + l.(map[string]any)["id"].(string) + "?lang=fr"
			if r := u.do("GET", p, nil); len(r.Body) > size {
				largest, size = p, len(r.Body)
			}
		}
	}
	for _, tc := range []struct {
		what, path string
		get        func(method, path string, body any, h ...string) resp
	}{
		{"lesson page", largest, u.do},
		{"stylesheet", "/static/app.css", a.do},
	} {
		sizes := map[string]int{}
		for _, enc := range []string{"br", "gzip", "identity"} {
			r := tc.get("GET", tc.path, nil, "Accept-Encoding", enc)
			wantStatus(t, r, 200)
			if got := r.Header.Get("Content-Encoding"); enc != "identity" && got != enc {
				t.Fatalf("%s asked in %s came in %q", tc.what, enc, got)
			}
			if tc.what == "stylesheet" && enc != "identity" && !strings.HasSuffix(r.Header.Get("ETag"), "-"+enc+`"`) {
				t.Errorf("the stylesheet in %s is not the one compressed at start-up (ETag %s)", enc, r.Header.Get("ETag"))
			}
			sizes[enc] = len(r.Body)
		}
		t.Logf("%s: %d bytes, brotli %d, gzip %d", tc.what, sizes["identity"], sizes["br"], sizes["gzip"])
		if sizes["br"] > sizes["gzip"] {
			t.Errorf("%s: brotli %d bytes, larger than gzip's %d", tc.what, sizes["br"], sizes["gzip"])
		}
	}
}
