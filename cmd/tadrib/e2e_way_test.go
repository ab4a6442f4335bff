package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// wayBank is a one-question quiz: the scenario is about the way from lesson
// to certificate, not about answering (TestE2EQuiz is).
const wayBank = "::Q1:: The consent of a child victim is irrelevant. {TRUE}\n"

// wayCourse authors a published course of two lessons and a module quiz
// for the police, and returns its trainer and slug.
func wayCourse(t *testing.T, a *testApp) (user, string) {
	t.Helper()
	tr, slug, _ := authorCourse(t, a, []string{"police"}, false)
	c := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	mid := c["modules"].([]any)[0].(map[string]any)["id"].(string)
	r := tr.do("POST", "/api/v1/modules/"+mid+"/quiz", map[string]any{"title": "Définitions", "pass_mark": 50})
	wantStatus(t, r, 201)
	qid := r.JSON(t)["id"].(string)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+qid+"/import", []byte(wayBank), "Content-Type", "text/plain; charset=utf-8"), 200)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)
	return tr, slug
}

// TestE2EWayThrough is issue 11's way through, on a phone at 360 px, in
// French and in Arabic: a signed-out visitor finds /verify from the home
// page (an empty code is refused at the field); the header is one row;
// a new trainee registers, reads both lessons and sees each "done"
// confirmed, is led from the course to its quiz, passes it, and claims the
// certificate from the result page.
func TestE2EWayThrough(t *testing.T) {
	chrome, shots := e2eSetup(t)
	for _, lang := range []string{"fr", "ar"} {
		t.Run(lang, func(t *testing.T) {
			a := newTestApp(t, nil)
			_, slug := wayCourse(t, a)
			base := a.serve(t)
			b := startE2EBrowser(t, chrome, 2*e2eTimeout)
			s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
			dir := map[string]string{"fr": "ltr", "ar": "rtl"}[lang]
			shot := func(name string) { s.shotFromTop("way-" + lang + "-" + name) }

			// A signed-out visitor: one-row header, the menu opens without
			// script and leads to /verify.
			s.open("/?lang=" + lang)
			s.wantDocument(lang, dir)
			s.wantOneRowHeader("home, signed out")
			shot("01-home")
			s.do(chromedp.Click(chromedp.CSS("details.menu > summary")))
			if !eval[bool](s, `document.querySelector("details.menu").open`) {
				t.Fatal("the menu did not open")
			}
			s.wantNoHorizontalScroll("home with the menu open")
			shot("02-menu-open")
			s.click(`details.menu nav a[href="/verify"]`)
			if p := s.url().Path; p != "/verify" {
				t.Fatalf("the menu's verify link led to %s", p)
			}
			help := s.text("main p")
			if want := map[string]string{"fr": "à côté du QR code", "ar": "بجانب رمز QR"}[lang]; !strings.Contains(help, want) {
				t.Errorf("the verify form says %q, want it to say the code is %q", help, want)
			}
			// An empty code: a field error, not the same form again.
			res, err := chromedp.RunResponse(s.ctx, chromedp.Click(chromedp.CSS(`form[action="/verify"] button[type="submit"]`)))
			if err != nil || res == nil || res.Status != 400 {
				t.Fatalf("submitting an empty code: %v (response %v), want a 400 page", err, res)
			}
			if msg := s.text("#code-error"); strings.TrimSpace(msg) == "" {
				t.Errorf("an empty code shows no field error")
			}
			if got := eval[string](s, `document.getElementById("code").getAttribute("aria-invalid") || ""`); got != "true" {
				t.Errorf("the empty code field is not marked invalid (aria-invalid=%q)", got)
			}
			shot("03-verify-empty")

			// Register through the form, then go to the course and enrol.
			s.open("/register")
			s.do(
				chromedp.SendKeys(chromedp.CSS("#name"), "Nadia Alaoui"),
				chromedp.SendKeys(chromedp.CSS("#name_ar"), "نادية العلوي"),
				chromedp.SendKeys(chromedp.CSS("#email"), "nadia."+lang+"@example.org"),
				chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
				chromedp.SetValue(chromedp.CSS("#profession"), "police"),
			)
			s.click(`form[action="/register"] button[type="submit"]`)
			s.open("/courses/" + slug)
			s.click(`form[action$="/enroll"] button[type="submit"]`)
			if p := s.url().Path; !strings.HasPrefix(p, "/lessons/") {
				t.Fatalf("enrolling led to %s, want the first lesson", p)
			}
			s.wantDocument(lang, dir)
			s.wantOneRowHeader("lesson, signed in")
			if n := eval[int](s, `document.querySelectorAll("[role=status]").length`); n != 0 {
				t.Errorf("the first lesson confirms %d things before anything was done", n)
			}

			// "Done" on lesson 1: lesson 2 confirms it.
			s.click(`form[action$="/complete"] button[type="submit"]`)
			if u := s.url(); !strings.HasPrefix(u.Path, "/lessons/") || u.Query().Get("done") == "" {
				t.Fatalf("completing the first lesson led to %s", u)
			}
			s.wantStatusText("after the first lesson", map[string]string{"fr": "terminée", "ar": "إنهاء الدرس"}[lang])
			s.wantNoHorizontalScroll("lesson 2")
			shot("04-lesson-done")

			// "Done" on lesson 2, the last: the course page confirms it and
			// offers the quiz as the next step.
			s.click(`form[action$="/complete"] button[type="submit"]`)
			if p := s.url().Path; p != "/courses/"+slug {
				t.Fatalf("completing the last lesson led to %s", p)
			}
			s.wantStatusText("after the last lesson", map[string]string{"fr": "terminée", "ar": "إنهاء الدرس"}[lang])
			shot("05-course-next-quiz")
			s.click(`.course-status .next-step a.button[href^="/quizzes/"]`)
			quizPath := s.url().Path

			// Take the quiz: one true/false question, answered "true".
			s.click(`form[action="` + quizPath + `/start"] button[type="submit"]`)
			s.do(chromedp.Click(chromedp.CSS(`fieldset[data-type="true_false"] input[value="true"]`)))
			dialog := b.acceptDialogs()
			s.click("#finish")
			select {
			case <-dialog:
			default:
				t.Errorf("finishing asked no confirmation")
			}
			if p := s.url().Path; !strings.HasSuffix(p, "/result") {
				t.Fatalf("finishing led to %s, want the result", p)
			}
			if n := eval[int](s, `document.querySelectorAll(".card.result.passed").length`); n != 1 {
				t.Fatalf("the quiz is not passed")
			}
			// The result page's next step is the certificate, ready to claim.
			s.wantNoHorizontalScroll("result")
			shot("06-result-claim")
			s.click(`.result .next-step form[action="/certificates/claim"] button[type="submit"]`)
			if u := s.url(); u.Path != "/certificates" || u.Query().Get("issued") == "" {
				t.Fatalf("claiming from the result page led to %s", u)
			}
			if n := eval[int](s, `document.querySelectorAll(".cert-card a[href$='/pdf']").length`); n != 1 {
				t.Errorf("the certificates page offers %d PDF downloads after the claim, want 1", n)
			}
			s.wantNoHorizontalScroll("certificates")
			shot("07-certificate")

			// The dashboard's one action for the course is now the certificate.
			s.open("/dashboard")
			if href := eval[string](s, `(document.querySelector("ul.cards .next-step a.button") || {}).getAttribute?.("href") || ""`); !strings.HasPrefix(href, "/certificates#c-") {
				t.Errorf("the dashboard's action for a certified course is %q, want the certificate", href)
			}
			shot("08-dashboard")

			// The profile page: what the certificate prints, and the forms.
			s.open("/profile")
			s.wantNoHorizontalScroll("profile")
			if names := s.text(".cert-names"); !strings.Contains(names, "Nadia Alaoui") || !strings.Contains(names, "نادية العلوي") {
				t.Errorf("the profile's certificate names read %q", names)
			}
			shot("09-profile")

			for _, p := range b.problems() {
				if strings.Contains(p, "status of 400") && strings.Contains(p, "/verify?code=") {
					continue // the empty code, refused on purpose above
				}
				t.Errorf("the browser reported: %s", p)
			}
		})
	}
}

// wantOneRowHeader measures the header at the phone's width: one row, the
// logo, the languages and the menu toggle side by side, about 56 px tall.
func (s *e2eSession) wantOneRowHeader(what string) {
	s.t.Helper()
	got := eval[[]float64](s, `(() => {
		const box = sel => document.querySelector(sel).getBoundingClientRect();
		const h = box("header.top");
		return [h.height, ...[".brand", "nav.langs", "details.menu > summary"].map(sel => { const r = box(sel); return (r.top + r.bottom) / 2 - h.top; })];
	})()`)
	height := got[0]
	s.t.Logf("%s: the header is %.0f px tall at %d px", what, height, e2eWidth)
	if height > 60 {
		s.t.Errorf("%s: the header is %.0f px tall, want one row of about 56 px", what, height)
	}
	for i, name := range []string{"logo", "languages", "menu"} {
		if mid := got[i+1]; mid < 0 || mid > height {
			s.t.Errorf("%s: the %s is not in the header's row (middle at %.0f px of %.0f)", what, name, mid, height)
		}
	}
}

// wantStatusText wants a visible role="status" message containing want.
func (s *e2eSession) wantStatusText(what, want string) {
	s.t.Helper()
	got := eval[string](s, `[...document.querySelectorAll("[role=status]")].filter(e => e.offsetParent).map(e => e.textContent).join(" | ")`)
	if !strings.Contains(got, want) {
		s.t.Errorf("%s: the page confirms %q, want a status saying %q", what, got, want)
	}
}

// logout signs out with the header's button, which sits in the menu: on a
// phone the menu is opened first, as a person taps it (TestE2EWayThrough
// taps the toggle itself; here only the way out matters).
func (s *e2eSession) logout() {
	s.t.Helper()
	s.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("details.menu").open = true`))
	s.click(`form[action="/logout"] button`)
}
