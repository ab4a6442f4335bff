package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, pinned in testdata/axe/package.json and installed
// with `npm ci --prefix cmd/tadrib/testdata/axe` (CI does, in .ci/run).
var axeScript = filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")

// axeTags are the rule sets run on every page: WCAG 2.0 and 2.1, levels A
// and AA, and axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeViolation is one node that breaks one rule, on one page, in one language.
type axeViolation struct {
	Rule, Impact, Target, Page, Lang, Summary string
}

// a11yWorld is what the pages of each role show: a published course with a
// quiz, a trainee who passed it (a certificate) and has a second attempt
// open, trainees of every profession, with long names, in a cohort with a
// long name (the report's tables are wider than a phone).
type a11yWorld struct {
	trainee, trainer, admin        user
	slug, quizID, lessonID         string
	questionID, cohortID           string
	openAttempt, doneAttempt, code string
}

func a11yFixture(t *testing.T, a *testApp) a11yWorld {
	t.Helper()
	var w a11yWorld
	w.trainer, w.slug, w.quizID = quizCourse(t, a, nil)
	w.admin = a.admin()
	w.trainee = enrolled(t, a, w.slug)
	wantStatus(t, w.trainee.do("PATCH", "/api/v1/me", map[string]any{"name": "Nadia Alaoui", "name_ar": "نادية العلوي"}), 200)

	c := w.trainee.do("GET", "/api/v1/courses/"+w.slug, nil).JSON(t)
	for _, m := range c["modules"].([]any) {
		for _, l := range m.(map[string]any)["lessons"].([]any) {
			id := l.(map[string]any)["id"].(string)
			if w.lessonID == "" {
				w.lessonID = id
			}
			wantStatus(t, w.trainee.do("POST", "/api/v1/lessons/"+id+"/complete", nil), 204)
		}
	}
	at := start(t, w.trainee, w.quizID, 201)
	for qid, body := range rightAnswers(t, at) {
		wantStatus(t, w.trainee.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	wantStatus(t, w.trainee.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
	w.doneAttempt = at.ID
	w.questionID = at.Questions[0]["id"].(string)
	r := w.trainee.do("POST", "/api/v1/courses/"+w.slug+"/certificate", nil)
	wantStatus(t, r, 201)
	w.code = r.JSON(t)["code"].(string)
	w.openAttempt = start(t, w.trainee, w.quizID, 201).ID

	// Trainees of every profession, some with long names, for the report.
	long := []string{"Fatima-Zahra Benjelloun El Idrissi", "Abdelmoughit Ouazzani-Touhami", "Soumaya Chraïbi-Lahlou", "Mohammed-Amine Bensouda Korachi", "Khadija"}
	for i, prof := range []string{"police", "judiciary", "labour_inspector", "child_protection", "other"} {
		for j := 0; j <= i%3; j++ {
			email := fmt.Sprintf("a11y-%s-%d-%s@example.org", prof, j, next())
			r := a.do("POST", "/api/v1/auth/register", map[string]any{"email": email, "password": testPassword, "name": long[(i+j)%len(long)], "profession": prof})
			wantStatus(t, r, 201)
			u := user{Email: email, Token: r.JSON(t)["token"].(string), a: a}
			wantStatus(t, u.do("POST", "/api/v1/courses/"+w.slug+"/enroll", nil), 201)
		}
	}
	co := w.trainer.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session régionale des inspecteurs du travail et des magistrats — Casablanca-Settat",
		"starts_on": "2026-12-01", "ends_on": "2026-12-05", "place": "Casablanca", "course_slugs": []string{w.slug}})
	wantStatus(t, co, 201)
	w.cohortID = fmt.Sprint(co.JSON(t)["id"])
	members := []map[string]any{
		{"name": "Hassan Oulad Ben Taïeb El Hachimi", "name_ar": "حسن أولاد بن الطيب الهاشمي", "email": "hassan." + next() + "@example.org", "profession": "judiciary", "organization": "Tribunal de première instance de Casablanca"},
		{"name": "Zineb Alami", "email": "zineb." + next() + "@example.org", "profession": "child_protection"},
	}
	wantStatus(t, w.trainer.do("POST", "/api/v1/cohorts/"+w.cohortID+"/members", map[string]any{"members": members}), 200)
	return w
}

// TestE2EAccessibility runs axe-core over the main pages of each role, in
// French and Arabic, on a phone 360 px wide: 0 violations of any impact of
// WCAG 2.0/2.1 A and AA and axe's best practices (issue 11). On the way it
// opens the header menus of a trainer and an admin and checks every item
// fits and can be reached, and that the report's profession table scrolls
// inside its frame with the shadow on the side where columns are hidden.
// One server, one browser; screenshots with TADRIB_SCREENSHOTS.
func TestE2EAccessibility(t *testing.T) {
	chrome, shots := e2eSetup(t)
	axe, err := os.ReadFile(axeScript)
	if err != nil {
		t.Fatalf("%s=1 but axe-core is not installed (%v): npm ci --prefix cmd/tadrib/testdata/axe", e2eEnv, err)
	}
	began := time.Now()
	axeReview, axeRuns = map[string][]string{}, 0
	a := newTestApp(t, nil)
	w := a11yFixture(t, a)
	base := a.serve(t)
	b := startE2EBrowser(t, chrome, 5*time.Minute)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	t.Logf("fixture and browser ready in %s", time.Since(began).Round(time.Millisecond))

	langs := []string{"fr", "ar"}
	roles := []struct {
		name  string
		who   *user
		pages []string
	}{
		{"visitor", nil, []string{"/", "/login", "/register", "/verify", "/verify/" + w.code, "/courses"}},
		{"trainee", &w.trainee, []string{"/dashboard", "/courses/" + w.slug, "/lessons/" + w.lessonID, "/quizzes/" + w.quizID,
			"/attempts/" + w.openAttempt, "/attempts/" + w.doneAttempt + "/result", "/certificates", "/profile"}},
		{"trainer", &w.trainer, []string{"/author", "/author/courses/" + w.slug, "/author/lessons/" + w.lessonID,
			"/author/quizzes/" + w.quizID, "/author/questions/" + w.questionID, "/author/quizzes/" + w.quizID + "/report",
			"/author/cohorts", "/author/cohorts/" + w.cohortID, "/author/reports", "/author/reports/courses/" + w.slug,
			"/author/certificates", "/author/grading"}},
		{"admin", &w.admin, []string{"/admin/users", "/admin/users/" + w.trainee.ID, "/admin/users/" + w.trainee.ID + "/confirm/disable",
			"/admin/audit", "/author/certificates/" + w.code}},
	}

	var found []axeViolation
	for _, role := range roles {
		if role.who != nil {
			s.open("/login?lang=fr")
			s.do(chromedp.SendKeys(chromedp.CSS("#email"), role.who.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
			s.click(`form[action="/login"] button[type="submit"]`)
		}
		for _, lang := range langs {
			for _, p := range role.pages {
				s.open(withLang(p, lang))
				s.wantDocument(lang, map[string]string{"fr": "ltr", "ar": "rtl"}[lang])
				found = append(found, s.axe(axe, role.name+" "+p, lang)...)
			}
			if role.who == nil {
				found = append(found, s.axeErrorStates(axe, lang)...)
			}
			switch role.name {
			case "trainer", "admin":
				found = append(found, s.checkMenu(axe, role.name, lang)...)
			}
			if role.name == "trainer" {
				s.checkReportTable(w.slug, lang)
			}
		}
		if role.who != nil {
			s.logout()
		}
	}

	byRule := map[string]int{}
	for _, v := range found {
		byRule[v.Rule+" ("+v.Impact+")"]++
		t.Errorf("axe %s [%s] on %s (%s): %s — %s", v.Rule, v.Impact, v.Page, v.Lang, v.Target, v.Summary)
	}
	rules := make([]string, 0, len(byRule))
	for r, n := range byRule {
		rules = append(rules, fmt.Sprintf("%s ×%d", r, n))
	}
	sort.Strings(rules)
	t.Logf("axe: %d pages, %d violations %v, in %s", axeRuns, len(found), rules, time.Since(began).Round(time.Millisecond))
	for id, pages := range axeReview {
		t.Logf("axe could not decide %s on %d pages, e.g. %s", id, len(pages), pages)
	}
	for _, p := range b.problems() {
		if !strings.Contains(p, "the server responded with a status of 4") || !a11yRefusals.MatchString(p) {
			t.Errorf("the browser reported: %s", p)
		}
	}
}

// a11yRefusals are the addresses of the error pages axeErrorStates opens on
// purpose, as the browser's log names them.
var a11yRefusals = regexp.MustCompile(`\((` + regexp.QuoteMeta("http://127.0.0.1:") + `\d+/(register|login|verify(\?code=|/A{26})|no-such-page)[^ ]*)\)$`)

// axeErrorStates runs axe on the pages a visitor meets when something is
// refused: a form sent empty (register, verify), a wrong password, an
// unknown certificate code, a page that does not exist.
func (s *e2eSession) axeErrorStates(axe []byte, lang string) []axeViolation {
	s.t.Helper()
	var out []axeViolation
	for _, st := range []struct{ name, path, submit string }{
		{"register sent empty", "/register", `form[action="/register"] button[type="submit"]`},
		{"login with a wrong password", "/login", `form[action="/login"] button[type="submit"]`},
		{"verify sent empty", "/verify", `form[action="/verify"] button[type="submit"]`},
		{"verify an unknown code", "/verify/" + strings.Repeat("A", 26), ""},
		{"a page that does not exist", "/no-such-page", ""},
	} {
		var res *network.Response
		var err error
		res, err = chromedp.RunResponse(s.ctx, chromedp.Navigate(s.base+withLang(st.path, lang)))
		if err == nil && st.submit != "" {
			if st.path == "/login" {
				s.do(chromedp.SendKeys(chromedp.CSS("#email"), "nobody@example.org"), chromedp.SendKeys(chromedp.CSS("#password"), "not the password"))
			}
			res, err = chromedp.RunResponse(s.ctx, chromedp.Click(chromedp.CSS(st.submit)))
		}
		if err != nil || res == nil || res.Status < 400 || res.Status > 499 {
			s.t.Errorf("visitor, %s (%s): %v, response %v, want a 4xx page", st.name, lang, err, res)
			continue
		}
		out = append(out, s.axe(axe, "visitor, "+st.name, lang)...)
	}
	return out
}

// withLang adds ?lang= to a path.
func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// axe runs axe-core on the page as it is and returns its violations, one
// per node. What axe cannot decide ("incomplete": a contrast over a
// gradient, say) is counted in s.review, to be looked at, not failed.
func (s *e2eSession) axe(script []byte, page, lang string) []axeViolation {
	s.t.Helper()
	if !eval[bool](s, `typeof window.axe === "object"`) {
		s.do(chromedp.Evaluate[chromedp.Void](string(script)))
	}
	tags, _ := json.Marshal(axeTags)
	res, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify({incomplete: r.incomplete.map(v => v.id + " " + v.nodes.map(n => n.target.join(" ") + " " + JSON.stringify(n.any.map(c => c.message))).join(" | ")), violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("axe on %s (%s): %v", page, lang, err)
	}
	var r struct {
		Incomplete []string
		Violations []struct {
			ID, Impact, Help string
			Nodes            []struct{ Target, Summary string }
		}
	}
	if err := json.Unmarshal([]byte(res), &r); err != nil {
		s.t.Fatalf("axe's answer on %s: %v: %s", page, err, res)
	}
	axeRuns++
	for _, id := range r.Incomplete {
		axeReview[id] = append(axeReview[id], page+" ("+lang+")")
	}
	var out []axeViolation
	for _, v := range r.Violations {
		for _, n := range v.Nodes {
			out = append(out, axeViolation{Rule: v.ID, Impact: v.Impact, Target: n.Target, Page: page, Lang: lang,
				Summary: v.Help + ": " + strings.Join(strings.Fields(n.Summary), " ")})
		}
	}
	return out
}

// axeReview lists, by rule, the pages where axe could not decide (one
// browser test at a time runs: TestE2E tests are serial).
var axeReview = map[string][]string{}

// axeRuns counts the pages axe looked at.
var axeRuns int

// checkMenu opens the header's menu with a tap on a phone, as a trainer or
// an admin has it (their longest), and wants the page no wider than the
// screen and every item on screen, uncovered, where a tap would reach it.
// It runs axe with the menu open too.
func (s *e2eSession) checkMenu(axe []byte, role, lang string) []axeViolation {
	s.t.Helper()
	s.open(withLang(map[string]string{"trainer": "/author", "admin": "/admin/users"}[role], lang))
	s.do(chromedp.Click(chromedp.CSS("details.menu > summary")))
	if !eval[bool](s, `document.querySelector("details.menu").open`) {
		s.t.Fatalf("%s (%s): the menu did not open", role, lang)
	}
	what := fmt.Sprintf("%s's open menu (%s)", role, lang)
	// A phone's browser widens its layout viewport to a page that is too
	// wide: innerWidth must still be the phone's.
	if got := eval[[]int](s, `[document.documentElement.scrollWidth, window.innerWidth]`); got[0] > got[1] || got[1] != e2eWidth {
		s.t.Errorf("%s: the page is %d px wide in a %d px window, want both %d%s", what, got[0], got[1], e2eWidth, s.widest())
	}
	s.viewShot(fmt.Sprintf("a11y-menu-%s-%s", role, lang))
	items := eval[[]string](s, `[...document.querySelectorAll("details.menu nav a, details.menu nav button")].map(el => {
		el.scrollIntoView({block: "nearest"});
		const r = el.getBoundingClientRect(), label = el.textContent.trim();
		if (r.width < 1 || r.height < 1 || getComputedStyle(el).visibility !== "visible") return label + ": not shown";
		if (r.left < 0 || r.right > window.innerWidth) return label + ": sticks out [" + Math.round(r.left) + ", " + Math.round(r.right) + "]";
		if (r.height < 24) return label + ": " + Math.round(r.height) + " px tall, too small to tap";
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (!hit || !el.contains(hit)) return label + ": covered by " + (hit ? hit.tagName.toLowerCase() + "." + hit.className : "nothing");
		return "";
	})`)
	want := map[string]int{"trainer": 6, "admin": 7}[role] // dashboard, courses, certificates, author, (admin,) profile, logout
	if len(items) != want {
		s.t.Errorf("%s: %d items, want %d", what, len(items), want)
	}
	for _, p := range items {
		if p != "" {
			s.t.Errorf("%s: %s", what, p)
		}
	}
	s.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	return s.axe(axe, role+" open menu", lang)
}

// checkReportTable: at 360 px the report's "by profession" table is wider
// than its frame; the frame scrolls, not the page, and a shadow shows on the
// side where columns are hidden: the end side (right in French, left in
// Arabic) at first, the start side once scrolled to the end.
func (s *e2eSession) checkReportTable(slug, lang string) {
	s.t.Helper()
	s.open(withLang("/author/reports/courses/"+slug, lang))
	what := "the report's profession table (" + lang + ")"
	const frame = "#h-prof + .rep-pair > .rep-wide"
	const wrap = `document.querySelector("` + frame + `")`
	// The French table is wider than a phone; the Arabic one, with shorter
	// words, fits at the default text size: there it is checked as a reader
	// who enlarged the text to 125 % (WCAG 1.4.4) sees it.
	var table, width, page, window float64
	for _, size := range []string{"", "125%"} {
		got := eval[[]float64](s, `(() => { document.documentElement.style.fontSize = "`+size+`";
			const w = `+wrap+`, t = w.querySelector("table"); w.scrollIntoView({block: "center"});
			return [t.getBoundingClientRect().width, w.clientWidth, document.documentElement.scrollWidth, window.innerWidth]; })()`)
		table, width, page, window = got[0], got[1], got[2], got[3]
		s.t.Logf("%s, text size %q: table %.0f px in a frame of %.0f px", what, size, table, width)
		if table > width {
			break
		}
	}
	if table <= width {
		s.t.Errorf("%s: the fixture's table (%.0f px) fits its frame (%.0f px): nothing to check", what, table, width)
		return
	}
	if page > window || window != e2eWidth {
		s.t.Errorf("%s: the page scrolls sideways (%.0f px in a window of %.0f)%s", what, page, window, s.widest())
	}
	// The shadow's side, before and after scrolling the frame to its end.
	end, start := "right", "left"
	if lang == "ar" {
		end, start = "left", "right"
	}
	// The shadow is what the frame's background adds at an edge: the same
	// frame is shot with its background layers off, so that cut text at
	// the edge does not count as a shadow.
	shade := func(when, darker string) {
		img := s.elementShot(frame, fmt.Sprintf("a11y-report-table-%s-%s", lang, when))
		s.do(chromedp.Evaluate[chromedp.Void](wrap + `.style.backgroundImage = "none"`))
		bare := s.elementShot(frame, "")
		s.do(chromedp.Evaluate[chromedp.Void](wrap + `.style.backgroundImage = ""`))
		l, r := edgeDarkness(img)
		l0, r0 := edgeDarkness(bare)
		shadow := map[string]float64{"left": l - l0, "right": r - r0}
		s.t.Logf("%s %s: the shadow darkens the left edge by %.1f, the right by %.1f", what, when, shadow["left"], shadow["right"])
		other := map[string]string{"left": "right", "right": "left"}[darker]
		if shadow[darker] < 10 || shadow[other] > 3 {
			s.t.Errorf("%s %s: want a shadow on the %s edge only: it darkens the left edge by %.1f, the right by %.1f", what, when, darker, shadow["left"], shadow["right"])
		}
	}
	shade("start", end)
	moved := eval[float64](s, `(() => { const w = `+wrap+`; w.scrollLeft = `+map[string]string{"fr": "w.scrollWidth", "ar": "-w.scrollWidth"}[lang]+`; return Math.abs(w.scrollLeft); })()`)
	if moved < 1 {
		s.t.Errorf("%s: the frame does not scroll", what)
	}
	if x := eval[float64](s, `window.scrollX`); x != 0 {
		s.t.Errorf("%s: the page scrolled sideways with the table (%.0f px)", what, x)
	}
	shade("end", start)
	// The page's top at that text size: the header wraps rather than widen the page.
	s.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	s.viewShot("a11y-report-top-" + lang)
	s.do(chromedp.Evaluate[chromedp.Void](`document.documentElement.style.fontSize = ""`))
}

// viewShot saves what the phone's screen shows.
func (s *e2eSession) viewShot(name string) {
	s.t.Helper()
	b, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(s.shots, name+".png")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.t.Logf("screenshot %s", p)
}

// elementShot saves a screenshot of one element (unless name is empty) and
// returns it decoded.
func (s *e2eSession) elementShot(sel, name string) image.Image {
	s.t.Helper()
	b, err := chromedp.Run(s.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("screenshot of %s: %v", sel, err)
	}
	if name != "" {
		p := filepath.Join(s.shots, name+".png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			s.t.Fatal(err)
		}
		s.t.Logf("screenshot %s", p)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		s.t.Fatalf("screenshot of %s: %v", sel, err)
	}
	return img
}

// edgeDarkness is how much darker than white, on 0–255, a strip 3 px wide
// along each side edge is, on average over the middle half of the height
// (where a side shadow is deepest).
func edgeDarkness(img image.Image) (left, right float64) {
	r := img.Bounds()
	strip := func(x0, x1 int) float64 {
		var sum, n float64
		for y := r.Min.Y + r.Dy()/4; y < r.Max.Y-r.Dy()/4; y++ {
			for x := x0; x < x1; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				sum += 255 - float64(cr+cg+cb)/3/257
				n++
			}
		}
		return sum / n
	}
	return strip(r.Min.X, r.Min.X+3), strip(r.Max.X-3, r.Max.X)
}
