package reports_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"tadrib/internal/format"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

func (w *world) api(query string) string { return "/api/v1/reports/courses/" + w.course.Slug + query }

// TestReportAPI: the JSON report for staff, not cached; filters and format
// checked with the parameter named; who may not read it gets the same status
// as from the service, on JSON and CSV alike.
func TestReportAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.As(w.editor).Get(w.api("")).Want(t, http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q: trainees' personal data may be cached", cc)
	}
	var rep struct {
		Enrolled int `json:"enrolled"`
		Trainees []struct {
			ID              string  `json:"id"`
			Percent         int     `json:"percent"`
			CertificateCode *string `json:"certificate_code"`
		} `json:"trainees"`
		ByProfession map[string]map[string]int `json:"by_profession"`
	}
	r.JSON(t, &rep)
	if rep.Enrolled != 6 || len(rep.Trainees) != 6 || rep.ByProfession["police"]["certified"] != 1 {
		t.Errorf("report %+v", rep)
	}
	w.As(w.runner).Get(w.api("?profession=judiciary")).Want(t, http.StatusOK).JSON(t, &rep)
	if rep.Enrolled != 1 || rep.Trainees[0].ID != idOf(w.t["j2"]) || rep.Trainees[0].Percent != 50 {
		t.Errorf("the runner's judiciary: %+v, want j2 at 50 %%", rep)
	}
	for _, b := range []struct{ query, field string }{
		{"?cohort=abc", "cohort"}, {"?cohort=-1", "cohort"}, {"?cohort=0", "cohort"},
		{"?profession=pilot", "profession"}, {"?format=xlsx", "format"},
	} {
		w.As(w.editor).Get(w.api(b.query)).WantProblem(t, http.StatusBadRequest, b.field)
	}
	w.As(w.editor).Get(w.api("?cohort=999999")).WantProblem(t, http.StatusNotFound)
	w.As(w.runner).Get(w.api("?cohort="+itoa(w.tanger))).WantProblem(t, http.StatusNotFound)
	w.As(w.editor).Get("/api/v1/reports/courses/absent").WantProblem(t, http.StatusNotFound)
	for _, q := range []string{"", "?format=csv"} {
		w.As(w.stranger).Get(w.api(q)).WantProblem(t, http.StatusNotFound)
		w.As(w.t["p1"]).Get(w.api(q)).WantProblem(t, http.StatusForbidden)
		w.Anonymous().Get(w.api(q)).Want(t, http.StatusUnauthorized)
	}
	var audits int64
	w.DB.R.Model(&models.AuditEvent{}).Where("action = 'report.export'").Count(&audits)
	if audits != 0 {
		t.Errorf("%d report.export audit events from refused or JSON requests, want 0", audits)
	}
}

// TestReportCSV: UTF-8 with a BOM, the contract's header, one row per
// trainee with their numbers, formula cells neutralised (SECURITY.md M3 and
// L3), a file name from the course and filters, and an audit event per
// download.
func TestReportCSV(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.As(w.editor).Get(w.api("?format=csv&profession=police&cohort="+itoa(w.tanger))).Want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="tadrib-report-traite-cohort-\d+-police-\d{8}\.csv"$`).MatchString(cd) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}
	recs := readCSV(t, r.Body)
	if got := strings.Join(recs[0], ","); got != "name,name_ar,email,profession,organization,cohort,percent,lessons_done,quizzes_passed,last_activity,completed_at,certificate_code" {
		t.Errorf("header %s", got)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records, want the header and p1: %q", len(recs), recs)
	}
	p1 := recs[1]
	want := []string{`'=HYPERLINK("http://evil.example","x")`, "أمينة العلوي", w.t["p1"].Email, "police", "DGSN", "Session Tanger",
		"100", "4", "2", "2026-03-02T15:00:00Z", "2026-03-02T15:00:00Z", "CODEP1LIVE"}
	if strings.Join(p1, "|") != strings.Join(want, "|") {
		t.Errorf("p1 row\n%q\nwant\n%q", p1, want)
	}

	all := readCSV(t, w.As(w.admin).Get(w.api("?format=csv")).Want(t, http.StatusOK).Body)
	if len(all) != 7 {
		t.Errorf("%d records, want header and 6 trainees", len(all))
	}
	for _, rec := range all[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
	// The cohort runner's download holds their members only.
	if mine := readCSV(t, w.As(w.runner).Get(w.api("?format=csv")).Want(t, http.StatusOK).Body); len(mine) != 3 {
		t.Errorf("the runner's CSV has %d records, want header and 2 members", len(mine))
	}
	var events []models.AuditEvent
	w.DB.R.Where("action = 'report.export'").Order("id").Find(&events)
	if len(events) != 3 || events[0].Object != "course:traite" || events[0].ActorID == nil || *events[0].ActorID != w.editor.ID ||
		!strings.Contains(events[0].Detail, "rows:1") || !strings.Contains(events[0].Detail, "profession=police") ||
		*events[2].ActorID != w.runner.ID || !strings.Contains(events[2].Detail, "rows:2") {
		t.Errorf("audit events %+v", events)
	}
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("no UTF-8 BOM: %.20q", body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func (w *world) page(t *testing.T, u models.User, lang, path string) webtest.Response {
	t.Helper()
	c := w.As(u)
	c.Lang = lang
	return c.Get(path)
}

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// TestReportPages: the list and the course report render in French and
// Arabic with the numbers formatted for the language, two charts that are
// well-formed and mirrored in Arabic, trainees' text escaped, and a CSV link
// that keeps the filters; pages decide access as the API does.
func TestReportPages(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, c := range []struct {
		lang, dir, rate, prof string
	}{
		{"fr", "ltr", "83,3\u202f%", "Police"},
		{"ar", "rtl", format.Percent("ar", 83.3, 1), "الشرطة"},
	} {
		r := w.page(t, w.editor, c.lang, "/author/reports/courses/traite").Want(t, http.StatusOK)
		body := r.Body
		if !strings.Contains(body, `lang="`+c.lang+`"`) || !strings.Contains(body, `dir="`+c.dir+`"`) {
			t.Errorf("%s: the page is not in its language and direction", c.lang)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q", c.lang, cc)
		}
		svgs := svgRE.FindAllString(body, -1)
		if len(svgs) != 2 {
			t.Fatalf("%s: %d charts, want professions and modules", c.lang, len(svgs))
		}
		for _, s := range svgs {
			if err := wellFormed(s); err != nil {
				t.Errorf("%s: a chart is not well-formed: %v", c.lang, err)
			}
			if (c.dir == "rtl") != strings.Contains(s, `direction="rtl"`) {
				t.Errorf("%s: a chart's direction does not follow the page", c.lang)
			}
		}
		if !strings.Contains(svgs[0], c.prof) || !strings.Contains(html.UnescapeString(body), c.rate) {
			t.Errorf("%s: lacks the profession %q or module B's rate %q", c.lang, c.prof, c.rate)
		}
		// Trainee text is escaped (SECURITY.md M3): no markup of theirs, no
		// attribute they could close.
		if strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, `"http://evil.example"`) {
			t.Errorf("%s: a trainee's name is not escaped", c.lang)
		}
		if !strings.Contains(body, "CODEP1LIVE") || !strings.Contains(body, "أمينة العلوي") {
			t.Errorf("%s: lacks p1's certificate or Arabic name", c.lang)
		}
	}
	// The CSV link keeps the filters, and gives the same rows as the page.
	r := w.page(t, w.editor, "fr", "/author/reports/courses/traite?profession=police&cohort="+itoa(w.tanger)).Want(t, http.StatusOK)
	link := regexp.MustCompile(`href="(/api/v1/reports/courses/[^"]+format=csv[^"]*)"`).FindStringSubmatch(r.Body)
	if link == nil {
		t.Fatal("no CSV link")
	}
	if recs := readCSV(t, w.As(w.editor).Get(html.UnescapeString(link[1])).Want(t, http.StatusOK).Body); len(recs) != 2 {
		t.Errorf("the filtered download has %d records, want header and p1", len(recs))
	}
	// Nobody matches: an empty state, no chart.
	empty := w.page(t, w.editor, "fr", "/author/reports/courses/traite?profession=other").Want(t, http.StatusOK)
	if !strings.Contains(empty.Body, `class="empty"`) || strings.Contains(empty.Body, "<svg") {
		t.Errorf("no empty state for a filter matching nobody")
	}
	w.page(t, w.editor, "fr", "/author/reports/courses/traite?cohort=x").Want(t, http.StatusBadRequest)
	for _, c := range []struct {
		u    models.User
		want int
	}{{w.t["p1"], 403}, {w.stranger, 404}, {w.admin, 200}, {w.runner, 200}} {
		w.page(t, c.u, "fr", "/author/reports/courses/traite").Want(t, c.want)
	}
	// A visitor is sent to sign in, not shown the page.
	if r := w.Anonymous().Get("/author/reports/courses/traite"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("a visitor: %d to %q, want 303 to /login", r.Status, r.Header.Get("Location"))
	}

	// The list: each course the viewer may report on, with their count.
	for _, lang := range []string{"fr", "ar"} {
		l := w.page(t, w.runner, lang, "/author/reports").Want(t, http.StatusOK)
		if !strings.Contains(l.Body, "/author/reports/courses/traite") || strings.Contains(l.Body, "/author/reports/courses/autre") ||
			!strings.Contains(l.Body, `lang="`+lang+`"`) {
			t.Errorf("%s: the runner's list:\n%.3000s", lang, l.Body)
		}
	}
	if l := w.page(t, w.runner, "fr", "/author/reports").Body; !strings.Contains(l, "2 inscrits") {
		t.Errorf("the runner's list does not count their 2 members")
	}
	l := w.page(t, w.editor, "fr", "/author/reports?cohort="+itoa(w.tanger)+"&profession=police").Want(t, http.StatusOK)
	if !strings.Contains(l.Body, "/author/reports/courses/traite?cohort="+itoa(w.tanger)) {
		t.Errorf("the list's links do not keep the filters")
	}
	w.page(t, w.runner, "fr", "/author/reports?cohort="+itoa(w.tanger)).Want(t, http.StatusNotFound)
	w.page(t, w.runner, "fr", "/author/reports?profession=pilot").Want(t, http.StatusBadRequest)
	w.page(t, w.t["p1"], "fr", "/author/reports").Want(t, http.StatusForbidden)
	nobody := w.page(t, w.User("Nouveau", models.RoleTrainer), "fr", "/author/reports").Want(t, http.StatusOK)
	if !strings.Contains(nobody.Body, `class="empty"`) {
		t.Errorf("no empty state for a trainer without courses")
	}
}

// TestSecurityM3ReportReviewNeverScores: a module's quiz set to review
// "never" tells a trainee whether they passed and nothing more (SECURITY.md
// M3, Q2, X5). Its scores are in the report for trainers, so the report in
// every form (JSON, CSV, page) must stay closed to trainees, the one whose
// score it is included; trainers still see the score.
func TestSecurityM3ReportReviewNeverScores(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := w.base
	w.create(t, &models.Quiz{ModuleID: w.m1, Title: "Quiz", PassMark: 70, Review: "never", CreatedAt: now, UpdatedAt: now})
	score := 16.67
	rs := w.quizzes.results[w.course.ID]
	for i := range rs {
		if rs[i].UserID == w.t["p2"].ID && rs[i].ModuleID == w.m1 {
			rs[i].BestPercent = &score
		}
	}
	leak := regexp.MustCompile(`16[.,]67|16[.,]7|\b1[67](\s|&nbsp;|\x{a0}|\x{202f})*%`)
	for _, path := range []string{w.api(""), w.api("?format=csv"), w.api("?cohort=" + itoa(w.rabat)), "/author/reports/courses/traite", "/author/reports"} {
		r := w.page(t, w.t["p2"], "fr", path)
		if r.Status != http.StatusForbidden {
			t.Errorf("trainee p2 GET %s: %d, want 403", path, r.Status)
		}
		if m := leak.FindString(r.Body); m != "" {
			t.Errorf("trainee p2 GET %s shows the score (%q)", path, m)
		}
	}
	// Trainers see it: the runner of p2's cohort, in JSON and on the page.
	r := w.As(w.runner).Get(w.api("")).Want(t, http.StatusOK)
	if !strings.Contains(r.Body, `"best_percent":16.67`) {
		t.Errorf("the runner's report lacks p2's score: %.2000s", r.Body)
	}
	if p := w.page(t, w.runner, "fr", "/author/reports/courses/traite").Want(t, http.StatusOK); !strings.Contains(html.UnescapeString(p.Body), "16,7\u202f%") {
		t.Errorf("the runner's page lacks p2's score")
	}
}

func wellFormed(s string) error {
	d := xml.NewDecoder(bytes.NewReader([]byte(s)))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
