package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"gorm.io/gorm"

	"tadrib/courses/reports"
	"tadrib/models"
)

// reportWorld is a course with two modules, each with a quiz, and trainees of
// several professions at different stages (see newReportWorld).
type reportWorld struct {
	a                *testApp
	slug             string
	editor, runner   user // the course's author; a trainer running a cohort that follows it
	stranger, admin  user
	trainees         map[string]user // by key: p1 p2 j1 j2 l1 c1
	cohortID, otherC int64           // the runner's cohort (p2, j2); another trainer's cohort (p1)
}

const (
	quizA = "::A1:: ALPHA is true. {TRUE}\n"
	quizB = "::B1:: BETA-ONE is true. {TRUE}\n\n::B2:: BETA-TWO is false. {FALSE}\n"
)

// addQuiz gives module mid a quiz from GIFT text; it returns the quiz id.
func addQuiz(t *testing.T, tr user, mid, gift string, passMark int) string {
	t.Helper()
	r := tr.do("POST", "/api/v1/modules/"+mid+"/quiz", map[string]any{"title": "Quiz", "pass_mark": passMark})
	wantStatus(t, r, 201)
	qid := r.JSON(t)["id"].(string)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+qid+"/import", []byte(gift), "Content-Type", "text/plain; charset=utf-8"), 200)
	return qid
}

// takeQuiz makes u answer every true/false question: right when the stem's
// marker is in right, wrong otherwise; submit false leaves it in progress.
func takeQuiz(t *testing.T, u user, qid string, right []string, submit bool) {
	t.Helper()
	r := u.do("POST", "/api/v1/quizzes/"+qid+"/attempts", nil)
	wantStatus(t, r, 201)
	at := r.JSON(t)
	for _, q := range at["questions"].([]any) {
		q := q.(map[string]any)
		stem := q["stem"].(string)
		truth := !strings.Contains(stem, "BETA-TWO") // the one false statement
		ok := false
		for _, m := range right {
			ok = ok || strings.Contains(stem, m+" ")
		}
		answer := truth == ok
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at["id"].(string)+"/answers/"+q["id"].(string), map[string]any{"value": answer}), 204)
	}
	if submit {
		wantStatus(t, u.do("POST", "/api/v1/attempts/"+at["id"].(string)+"/submit", nil), 200)
	}
}

func (w *reportWorld) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := w.a.db.W.Exec(q, args...).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (w *reportWorld) courseID(t *testing.T) int64 {
	var id int64
	if err := w.a.db.R.Raw("SELECT id FROM courses WHERE slug = ?", w.slug).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// newReportWorld builds:
//
//	p1 police            all lessons, both quizzes passed      completed, certified
//	p2 police            lesson 1, quiz A failed (0 %)         in progress
//	j1 judiciary         nothing                               enrolled only
//	j2 judiciary         lessons 1–2, A passed, B 50 % failed  in progress
//	l1 labour_inspector  an attempt at A left open             in progress
//	c1 child_protection  everything                            completed, certificate revoked
//
// Names are set in SQL to what a trainee could type: formulas, a tab, Arabic.
func newReportWorld(t *testing.T) *reportWorld {
	a := newTestApp(t, nil)
	tr, slug, lessons := authorCourse(t, a, []string{"police", "judiciary", "labour_inspector", "child_protection"}, false)
	w := &reportWorld{a: a, slug: slug, editor: tr, trainees: map[string]user{}}
	c := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	m1 := c["modules"].([]any)[0].(map[string]any)["id"].(string)
	m := tr.do("POST", "/api/v1/courses/"+slug+"/modules", map[string]any{"slug": "orienter", "title": "Orienter"})
	wantStatus(t, m, 201)
	m2 := m.JSON(t)["id"].(string)
	l := tr.do("POST", "/api/v1/modules/"+m2+"/lessons", map[string]any{"title": "Orienter", "body_md": "Texte.", "minutes": 5})
	wantStatus(t, l, 201)
	lessons = append(lessons, l.JSON(t)["id"].(string))
	qa := addQuiz(t, tr, m1, quizA, 50)
	qb := addQuiz(t, tr, m2, quizB, 60)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)

	names := map[string][2]string{
		"p1": {`=HYPERLINK("http://evil.example","x")`, "أمينة العلوي"},
		"p2": {"+212 600 000 000", ""},
		"j1": {"@SUM(A1)", ""},
		"j2": {"-2+3", "يوسف"},
		"l1": {"\tTabulation", ""},
		"c1": {"Karim Benali", ""},
	}
	prof := map[string]string{"p1": "police", "p2": "police", "j1": "judiciary", "j2": "judiciary", "l1": "labour_inspector", "c1": "child_protection"}
	for _, k := range []string{"p1", "p2", "j1", "j2", "l1", "c1"} {
		u := a.register(prof[k])
		wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
		w.exec(t, "UPDATE users SET name = ?, name_ar = ?, organization = ? WHERE id = ?", names[k][0], names[k][1], "DGSN", u.ID)
		w.trainees[k] = u
	}
	done := func(k string, ls ...int) {
		for _, i := range ls {
			wantStatus(t, w.trainees[k].do("POST", "/api/v1/lessons/"+lessons[i]+"/complete", nil), 204)
		}
	}
	done("p1", 0, 1, 2)
	takeQuiz(t, w.trainees["p1"], qa, []string{"ALPHA"}, true)
	takeQuiz(t, w.trainees["p1"], qb, []string{"BETA-ONE", "BETA-TWO"}, true)
	done("p2", 0)
	takeQuiz(t, w.trainees["p2"], qa, nil, true)
	done("j2", 0, 1)
	takeQuiz(t, w.trainees["j2"], qa, []string{"ALPHA"}, true)
	takeQuiz(t, w.trainees["j2"], qb, []string{"BETA-ONE"}, true)
	takeQuiz(t, w.trainees["l1"], qa, []string{"ALPHA"}, false)
	done("c1", 0, 1, 2)
	takeQuiz(t, w.trainees["c1"], qa, []string{"ALPHA"}, true)
	takeQuiz(t, w.trainees["c1"], qb, []string{"BETA-ONE", "BETA-TWO"}, true)

	// Someone enrolled in another course only: never counted here.
	other := a.register("police")
	_, otherSlug, _ := authorCourse(t, a, []string{"police"}, true)
	wantStatus(t, other.do("POST", "/api/v1/courses/"+otherSlug+"/enroll", nil), 201)

	// Certificates, as the certificate service would write them: p1's is
	// live, c1's revoked, and one for the outsider in the other course.
	cid := w.courseID(t)
	now := time.Now().UTC()
	cert := func(u user, course int64, code string, revoked *time.Time, n int) {
		w.exec(t, `INSERT INTO certificates (code, course_id, user_id, holder_name, course_title, issued_at, revoked_at, status_index, created_at)
			VALUES (?, ?, ?, 'Holder', 'Course', ?, ?, ?, ?)`, code, course, u.ID, now, revoked, n, now)
	}
	cert(w.trainees["p1"], cid, "CODEP1LIVE", nil, 1)
	cert(w.trainees["c1"], cid, "CODEC1REVOKED", &now, 2)

	// Cohorts, as the cohort service would write them.
	w.runner, w.stranger, w.admin = a.trainer(), a.trainer(), a.admin()
	cohort := func(name string, by user, members ...string) int64 {
		var id int64
		err := a.db.W.Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO cohorts (name, invite_token, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				name, "tok-"+name, by.ID, now, now).Error; err != nil {
				return err
			}
			if err := tx.Raw("SELECT id FROM cohorts WHERE invite_token = ?", "tok-"+name).Scan(&id).Error; err != nil {
				return err
			}
			if err := tx.Exec("INSERT INTO cohort_courses (cohort_id, course_id) VALUES (?, ?)", id, cid).Error; err != nil {
				return err
			}
			for _, k := range members {
				if err := tx.Exec("INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES (?, ?, ?)", id, w.trainees[k].ID, now).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	w.cohortID = cohort("Session Rabat", w.runner, "p2", "j2")
	w.otherC = cohort("Session Tanger", w.editor, "p1")
	return w
}

type reportJSON struct {
	Enrolled     int                       `json:"enrolled"`
	InProgress   int                       `json:"in_progress"`
	Completed    int                       `json:"completed"`
	Certified    int                       `json:"certified"`
	ByProfession map[string]map[string]int `json:"by_profession"`
	ByCohort     []struct {
		Name     string `json:"name"`
		Enrolled int    `json:"enrolled"`
	} `json:"by_cohort"`
	Modules []struct {
		Slug        string   `json:"slug"`
		PassRate    *float64 `json:"pass_rate"`
		MeanPercent *float64 `json:"mean_percent"`
		Attempted   int      `json:"attempted"`
		Passed      int      `json:"passed"`
	} `json:"modules"`
	Trainees []struct {
		ID              string     `json:"id"`
		Percent         int        `json:"percent"`
		LessonsDone     int        `json:"lessons_done"`
		QuizzesPassed   int        `json:"quizzes_passed"`
		CompletedAt     *time.Time `json:"completed_at"`
		LastActivity    *time.Time `json:"last_activity"`
		CertificateCode *string    `json:"certificate_code"`
		Started         bool       `json:"started"`
	} `json:"trainees"`
}

func getReport(t *testing.T, u user, path string) reportJSON {
	t.Helper()
	r := u.do("GET", path, nil)
	wantStatus(t, r, 200)
	var rep reportJSON
	if err := jsonUnmarshal(r.Body, &rep); err != nil {
		t.Fatalf("%s: %v: %s", path, err, r.Body)
	}
	return rep
}

func TestCourseReportNumbers(t *testing.T) {
	w := newReportWorld(t)
	base := "/api/v1/reports/courses/" + w.slug
	rep := getReport(t, w.editor, base)

	counts := [4]int{rep.Enrolled, rep.InProgress, rep.Completed, rep.Certified}
	if want := [4]int{6, 3, 2, 1}; counts != want {
		t.Errorf("enrolled, in_progress, completed, certified = %v, want %v", counts, want)
	}
	wantProf := map[string][3]int{ // enrolled, completed, certified
		"police": {2, 1, 1}, "judiciary": {2, 0, 0}, "labour_inspector": {1, 0, 0}, "child_protection": {1, 1, 0}, "other": {0, 0, 0}}
	for p, want := range wantProf {
		got := rep.ByProfession[p]
		if g := [3]int{got["enrolled"], got["completed"], got["certified"]}; g != want {
			t.Errorf("by_profession[%s] = %v, want %v", p, g, want)
		}
	}
	if len(rep.Modules) != 2 {
		t.Fatalf("modules = %+v, want 2", rep.Modules)
	}
	// Module 1: p1 100, p2 0, j2 100, c1 100 finished (l1's attempt is open).
	// Module 2: p1 100, j2 50, c1 100.
	wantMods := []struct {
		slug              string
		attempted, passed int
		rate, mean        float64
	}{{"identifier", 4, 3, 0.75, 75}, {"orienter", 3, 2, 0.6667, 83.33}}
	for i, want := range wantMods {
		got := rep.Modules[i]
		if got.Slug != want.slug || got.Attempted != want.attempted || got.Passed != want.passed ||
			got.PassRate == nil || *got.PassRate != want.rate || got.MeanPercent == nil || *got.MeanPercent != want.mean {
			t.Errorf("module %d = %+v (rate %v, mean %v), want %+v", i, got, deref(got.PassRate), deref(got.MeanPercent), want)
		}
	}
	// Per trainee, and the same percent and completion as the trainee's own
	// course page (the progress a trainee sees).
	byID := map[string]int{}
	for i, tr := range rep.Trainees {
		byID[tr.ID] = i
	}
	want := map[string]struct {
		percent, lessons, quizzes int
		completed, started        bool
		cert                      string
	}{
		"p1": {100, 3, 2, true, true, "CODEP1LIVE"}, "p2": {20, 1, 0, false, true, ""}, "j1": {0, 0, 0, false, false, ""},
		"j2": {60, 2, 1, false, true, ""}, "l1": {0, 0, 0, false, true, ""}, "c1": {100, 3, 2, true, true, ""},
	}
	for k, u := range w.trainees {
		i, ok := byID[u.ID]
		if !ok {
			t.Errorf("%s missing from the report", k)
			continue
		}
		got, wt := rep.Trainees[i], want[k]
		code := ""
		if got.CertificateCode != nil {
			code = *got.CertificateCode
		}
		if got.Percent != wt.percent || got.LessonsDone != wt.lessons || got.QuizzesPassed != wt.quizzes ||
			(got.CompletedAt != nil) != wt.completed || got.Started != wt.started || code != wt.cert {
			t.Errorf("%s = %+v (code %q), want %+v", k, got, code, wt)
		}
		if wt.started != (got.LastActivity != nil) {
			t.Errorf("%s: last_activity = %v, started %v", k, got.LastActivity, wt.started)
		}
		own := u.do("GET", "/api/v1/courses/"+w.slug, nil).JSON(t)["progress"].(map[string]any)
		if int(own["percent"].(float64)) != got.Percent {
			t.Errorf("%s: report percent %d, the trainee sees %v", k, got.Percent, own["percent"])
		}
		if ownAt, _ := own["completed_at"].(string); (ownAt != "") != (got.CompletedAt != nil) ||
			(got.CompletedAt != nil && !sameInstant(ownAt, *got.CompletedAt)) {
			t.Errorf("%s: report completed_at %v, the trainee sees %v", k, got.CompletedAt, own["completed_at"])
		}
	}
	if len(rep.Trainees) != 6 {
		t.Errorf("%d trainees, want 6", len(rep.Trainees))
	}
	if len(rep.ByCohort) != 2 || rep.ByCohort[0].Name != "Session Rabat" || rep.ByCohort[0].Enrolled != 2 || rep.ByCohort[1].Enrolled != 1 {
		t.Errorf("by_cohort = %+v", rep.ByCohort)
	}
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func sameInstant(s string, t time.Time) bool {
	p, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && p.Equal(t)
}

func TestCourseReportFilters(t *testing.T) {
	w := newReportWorld(t)
	base := "/api/v1/reports/courses/" + w.slug
	cohort := strconv.FormatInt(w.cohortID, 10)
	cases := []struct {
		name, query string
		want        [4]int // enrolled, in_progress, completed, certified
	}{
		{"police", "?profession=police", [4]int{2, 1, 1, 1}},
		{"judiciary", "?profession=judiciary", [4]int{2, 1, 0, 0}},
		{"other: nobody", "?profession=other", [4]int{0, 0, 0, 0}},
		{"cohort", "?cohort=" + cohort, [4]int{2, 2, 0, 0}},
		{"cohort and profession", "?cohort=" + cohort + "&profession=police", [4]int{1, 1, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := getReport(t, w.editor, base+tc.query)
			if got := [4]int{rep.Enrolled, rep.InProgress, rep.Completed, rep.Certified}; got != tc.want {
				t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
			}
			if len(rep.Trainees) != tc.want[0] {
				t.Errorf("%s: %d trainee rows, want %d", tc.query, len(rep.Trainees), tc.want[0])
			}
		})
	}
	// The cohort's module numbers: p2 failed A (0), j2 passed A (100).
	rep := getReport(t, w.editor, base+"?cohort="+cohort)
	if m := rep.Modules[0]; m.Attempted != 2 || m.Passed != 1 || *m.PassRate != 0.5 || *m.MeanPercent != 50 {
		t.Errorf("cohort module 1 = %+v", m)
	}
	bad := []struct{ query, field string }{
		{"?cohort=abc", "cohort"}, {"?cohort=-1", "cohort"}, {"?profession=pilot", "profession"}, {"?format=xlsx", "format"},
	}
	for _, b := range bad {
		wantProblem(t, w.editor.do("GET", base+b.query, nil), 400, b.field)
	}
	wantStatus(t, w.editor.do("GET", base+"?cohort=999999", nil), 404)
	wantStatus(t, w.editor.do("GET", "/api/v1/reports/courses/no-such-course", nil), 404)
}

func TestCourseReportAuthorization(t *testing.T) {
	w := newReportWorld(t)
	base := "/api/v1/reports/courses/" + w.slug
	wantStatus(t, w.trainees["p1"].do("GET", base, nil), 403)
	wantStatus(t, w.trainees["p1"].do("GET", base+"?format=csv", nil), 403)
	wantStatus(t, w.a.do("GET", base, nil), 401)
	wantStatus(t, w.stranger.do("GET", base, nil), 404)
	wantStatus(t, w.stranger.do("GET", base+"?format=csv", nil), 404)
	if rep := getReport(t, w.admin, base); rep.Enrolled != 6 {
		t.Errorf("admin sees %d enrolled, want 6", rep.Enrolled)
	}
	// Admins report on every course, the seed curriculum (no author) included.
	const seed = "traite-identifier-orienter-poursuivre"
	if rep := getReport(t, w.admin, "/api/v1/reports/courses/"+seed); rep.Enrolled != 0 || len(rep.Modules) == 0 {
		t.Errorf("seed course report: %+v", rep)
	}
	wantStatus(t, w.editor.do("GET", "/api/v1/reports/courses/"+seed, nil), 404)
	if l := w.a.signIn(t, w.admin.Email).get("/author/reports"); !strings.Contains(string(l.Body), "/author/reports/courses/"+seed) {
		t.Errorf("the admin's list lacks the seed course")
	}
	// The trainer running a cohort that follows the course sees its members
	// only, and not another trainer's cohort.
	rep := getReport(t, w.runner, base)
	if rep.Enrolled != 2 || len(rep.Trainees) != 2 || len(rep.ByCohort) != 1 {
		t.Errorf("cohort trainer sees %d enrolled, %d rows, cohorts %+v; want their 2 members", rep.Enrolled, len(rep.Trainees), rep.ByCohort)
	}
	wantStatus(t, w.runner.do("GET", base+"?cohort="+strconv.FormatInt(w.otherC, 10), nil), 404)
	list := w.a.signIn(t, w.runner.Email).get("/author/reports")
	wantStatus(t, list, 200)
	if !strings.Contains(string(list.Body), "/author/reports/courses/"+w.slug) || !strings.Contains(string(list.Body), "2 inscrits") {
		t.Errorf("the cohort trainer's list does not show the course with their 2 members:\n%s", list.Body)
	}
	// The editor may filter by any cohort following their course.
	if rep := getReport(t, w.editor, base+"?cohort="+strconv.FormatInt(w.cohortID, 10)); rep.Enrolled != 2 {
		t.Errorf("editor with the runner's cohort: %d enrolled, want 2", rep.Enrolled)
	}
	// The pages decide the same.
	for _, c := range []struct {
		u    user
		want int
	}{{w.trainees["p1"], 403}, {w.stranger, 404}, {w.admin, 200}, {w.runner, 200}, {w.editor, 200}} {
		b := w.a.signIn(t, c.u.Email)
		if r := b.get("/author/reports/courses/" + w.slug); r.StatusCode != c.want {
			t.Errorf("%s: report page = %d, want %d", c.u.Email, r.StatusCode, c.want)
		}
	}
}

func TestCourseReportCSV(t *testing.T) {
	w := newReportWorld(t)
	r := w.editor.do("GET", "/api/v1/reports/courses/"+w.slug+"?format=csv&profession=police", nil)
	wantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	cd := r.Header.Get("Content-Disposition")
	if !regexp.MustCompile(`^attachment; filename="tadrib-report-[a-z0-9-]+-police-\d{8}\.csv"$`).MatchString(cd) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: %q", r.Body[:min(len(r.Body), 10)])
	}
	recs, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "name,name_ar,email,profession,organization,cohort,percent,lessons_done,quizzes_passed,last_activity,completed_at,certificate_code" {
		t.Errorf("header = %s", got)
	}
	if len(recs) != 3 {
		t.Fatalf("%d rows, want header + 2 police trainees: %q", len(recs), recs)
	}
	rows := map[string][]string{}
	for _, rec := range recs[1:] {
		rows[rec[2]] = rec
	}
	p1, p2 := rows[w.trainees["p1"].Email], rows[w.trainees["p2"].Email]
	if p1 == nil || p2 == nil {
		t.Fatalf("rows by email: %q", recs)
	}
	if p1[0] != `'=HYPERLINK("http://evil.example","x")` || p1[1] != "أمينة العلوي" || p1[3] != "police" || p1[6] != "100" ||
		p1[7] != "3" || p1[8] != "2" || p1[10] == "" || p1[11] != "CODEP1LIVE" || p1[5] != "Session Tanger" {
		t.Errorf("p1 row = %q", p1)
	}
	if p2[0] != "'+212 600 000 000" || p2[5] != "Session Rabat" || p2[6] != "20" || p2[10] != "" || p2[11] != "" {
		t.Errorf("p2 row = %q", p2)
	}
	if _, err := time.Parse(time.RFC3339, p1[9]); err != nil {
		t.Errorf("last_activity %q: %v", p1[9], err)
	}
	// Every formula starter is neutralised, whoever's row it is in.
	all := w.editor.do("GET", "/api/v1/reports/courses/"+w.slug+"?format=csv", nil)
	recs, _ = csv.NewReader(bytes.NewReader(all.Body[3:])).ReadAll()
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
	if !strings.Contains(string(all.Body), "'\tTabulation") || !strings.Contains(string(all.Body), "'@SUM(A1)") || !strings.Contains(string(all.Body), "'-2+3,يوسف") {
		t.Errorf("names not neutralised as expected:\n%s", all.Body)
	}
	// The export is in the audit log.
	var n int64
	w.a.db.R.Raw("SELECT COUNT(*) FROM audit_events WHERE action = 'report.export'").Scan(&n)
	if n != 2 {
		t.Errorf("%d report.export audit events, want 2", n)
	}
}

func TestReportPages(t *testing.T) {
	w := newReportWorld(t)
	b := w.a.signIn(t, w.editor.Email)
	list := b.get("/author/reports")
	wantStatus(t, list, 200)
	if !strings.Contains(string(list.Body), "/author/reports/courses/"+w.slug) {
		t.Errorf("the list does not link to the course report")
	}
	for _, lang := range []string{"fr", "ar", "en"} {
		r := b.get("/author/reports/courses/" + w.slug + "?lang=" + lang)
		wantStatus(t, r, 200)
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control = %q: personal data may be cached", lang, cc)
		}
		body := string(r.Body)
		svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(body, -1)
		if len(svgs) != 2 {
			t.Fatalf("%s: %d charts, want 2 (professions, modules)", lang, len(svgs))
		}
		for _, s := range svgs {
			if err := wellFormed(s); err != nil {
				t.Errorf("%s: chart is not well-formed XML: %v\n%s", lang, err, s)
			}
			if !strings.Contains(s, "<title") || !strings.Contains(s, "<desc") {
				t.Errorf("%s: chart without title or desc", lang)
			}
		}
		if lang == "ar" {
			for _, label := range []string{"الشرطة", "المسجَّلون", "نسبة النجاح"} {
				if !strings.Contains(svgs[0]+svgs[1], label) {
					t.Errorf("Arabic chart lacks %q", label)
				}
			}
			if !strings.Contains(svgs[0], `direction="rtl"`) {
				t.Errorf("Arabic chart is not right to left")
			}
		}
		// Trainee text is escaped, the CSV link keeps the filters.
		if strings.Contains(body, `"http://evil.example"`) {
			t.Errorf("%s: a trainee's name is not escaped", lang)
		}
	}
	r := b.get("/author/reports/courses/" + w.slug + "?profession=police&cohort=" + strconv.FormatInt(w.otherC, 10))
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.Body), "format=csv") || !strings.Contains(string(r.Body), "profession=police") {
		t.Errorf("the CSV link does not keep the filters")
	}
	csvLink := regexp.MustCompile(`href="(/api/v1/reports/courses/[^"]+format=csv[^"]*)"`).FindStringSubmatch(string(r.Body))
	if csvLink == nil {
		t.Fatal("no CSV link")
	}
	dl := b.get(strings.ReplaceAll(csvLink[1], "&amp;", "&"))
	wantStatus(t, dl, 200)
	if n := strings.Count(string(dl.Body), "\n"); n != 2 {
		t.Errorf("the filtered download has %d lines, want header + p1", n)
	}
	// Empty states: a filter matching nobody, a course nobody follows.
	empty := b.get("/author/reports/courses/" + w.slug + "?profession=other")
	wantStatus(t, empty, 200)
	if !strings.Contains(string(empty.Body), `class="empty"`) || strings.Contains(string(empty.Body), "<svg") {
		t.Errorf("no empty state for a filter matching nobody")
	}
	_, lonely, _ := authorCourse(t, w.a, []string{"police"}, true)
	tb := w.a.signIn(t, w.a.trainerEmail(t, lonely))
	e := tb.get("/author/reports/courses/" + lonely)
	wantStatus(t, e, 200)
	if !strings.Contains(string(e.Body), `class="empty"`) {
		t.Errorf("no empty state for a course nobody follows")
	}
	wantStatus(t, b.get("/author/reports/courses/"+w.slug+"?cohort=x"), 400)
	// A trainer with nothing to report on.
	nb := w.a.signIn(t, w.stranger.Email)
	nl := nb.get("/author/reports")
	wantStatus(t, nl, 200)
	if !strings.Contains(string(nl.Body), `class="empty"`) {
		t.Errorf("no empty state for a trainer without courses")
	}
	wantStatus(t, nb.get("/author/reports?cohort="+strconv.FormatInt(w.cohortID, 10)), 404)
}

// trainerEmail finds who created a course.
func (a *testApp) trainerEmail(t *testing.T, slug string) string {
	var email string
	if err := a.db.R.Raw("SELECT u.email FROM courses c JOIN users u ON u.id = c.created_by WHERE c.slug = ?", slug).Scan(&email).Error; err != nil {
		t.Fatal(err)
	}
	return email
}

func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestCourseReportScales fills a course with thousands of trainees and checks
// that the report's number of queries does not grow with them, then times it
// against a plain COUNT(*) over the same enrolments, in the same run.
func TestCourseReportScales(t *testing.T) {
	if testing.Short() {
		t.Skip("fills thousands of rows")
	}
	w := newReportWorld(t)
	var queries atomic.Int64
	count := func(*gorm.DB) { queries.Add(1) }
	cb := w.a.db.R.Callback()
	cb.Query().After("gorm:query").Register("test:count_query", count)
	cb.Row().After("gorm:row").Register("test:count_row", count)
	cb.Raw().After("gorm:raw").Register("test:count_raw", count)
	measure := func() (int64, reportJSON) {
		queries.Store(0)
		rep := getReport(t, w.editor, "/api/v1/reports/courses/"+w.slug)
		return queries.Load(), rep
	}
	small, _ := measure()

	n := 5000
	if v := testingScale(); v > 0 {
		n = v
	}
	bulkTrainees(t, w, n)
	big, rep := measure()
	if rep.Enrolled != 6+n {
		t.Fatalf("enrolled = %d, want %d", rep.Enrolled, 6+n)
	}
	if big != small {
		t.Errorf("queries: %d with 6 trainees, %d with %d: the report must not query per trainee", small, big, 6+n)
	}

	cid := w.courseID(t)
	const runs = 5
	start := time.Now()
	for range runs {
		var c int64
		w.a.db.R.Raw("SELECT COUNT(*) FROM enrolments WHERE course_id = ?", cid).Scan(&c)
	}
	baseline := time.Since(start) / runs
	// A second baseline: reading the trainees' rows, the least a CSV needs.
	start = time.Now()
	for range runs {
		var rows []struct{ Name, Email, Profession string }
		w.a.db.R.Raw("SELECT u.name, u.email, u.profession FROM enrolments e JOIN users u ON u.id = e.user_id WHERE e.course_id = ?", cid).Scan(&rows)
	}
	listing := time.Since(start) / runs
	start = time.Now()
	for range runs {
		if _, err := w.a.reports.CourseReport(context.Background(), adminUser(t, w), w.slug, reports.ReportFilter{}, "fr"); err != nil {
			t.Fatal(err)
		}
	}
	report := time.Since(start) / runs
	start = time.Now()
	for range runs {
		r := w.editor.do("GET", "/api/v1/reports/courses/"+w.slug+"?format=csv", nil)
		wantStatus(t, r, 200)
	}
	csvTime := time.Since(start) / runs
	t.Logf("%s, %d trainees: COUNT(*) %v; SELECT of their rows %v; report %v (%.0f× the count, %.1f× the rows); CSV over HTTP %v; %d queries",
		w.a.db.Engine, 6+n, baseline, listing, report, float64(report)/float64(baseline), float64(report)/float64(listing), csvTime, big)
	if report > 5*time.Second {
		t.Errorf("the report took %v for %d trainees", report, 6+n)
	}
}

// bulkTrainees adds n trainees to the world's course in a few statements:
// half did the first lesson, a third passed quiz A, a fifth failed it.
func bulkTrainees(t *testing.T, w *reportWorld, n int) {
	t.Helper()
	cid := w.courseID(t)
	now := time.Now().UTC()
	var lesson, quiz int64
	w.a.db.R.Raw(`SELECT l.id FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.course_id = ? ORDER BY m.position, l.position LIMIT 1`, cid).Scan(&lesson)
	w.a.db.R.Raw(`SELECT q.id FROM quizzes q JOIN modules m ON m.id = q.module_id WHERE m.course_id = ? ORDER BY m.position LIMIT 1`, cid).Scan(&quiz)
	profs := "CASE i % 4 WHEN 0 THEN 'police' WHEN 1 THEN 'judiciary' WHEN 2 THEN 'labour_inspector' ELSE 'child_protection' END"
	w.exec(t, `INSERT INTO users (email, password_hash, name, profession, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		SELECT 'bulk' || i || '@example.org', 'x', 'Bulk ' || i, `+profs+`, ?, ? FROM n`, n, now, now)
	w.exec(t, `INSERT INTO enrolments (user_id, course_id, created_at) SELECT id, ?, ? FROM users WHERE email LIKE 'bulk%'`, cid, now)
	w.exec(t, `INSERT INTO lesson_completions (user_id, lesson_id, completed_at) SELECT id, ?, ? FROM users WHERE email LIKE 'bulk%' AND id % 2 = 0`, lesson, now)
	w.exec(t, `INSERT INTO attempts (quiz_id, user_id, status, started_at, finished_at, snapshot, percent, passed)
		SELECT ?, id, 'submitted', ?, ?, '{}', CASE WHEN id % 3 = 0 THEN 100 ELSE 0 END, id % 3 = 0
		FROM users WHERE email LIKE 'bulk%' AND (id % 3 = 0 OR id % 5 = 0)`, quiz, now, now)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// testingScale is TADRIB_REPORT_TRAINEES, to time the report on more trainees.
func testingScale() int {
	n, _ := strconv.Atoi(os.Getenv("TADRIB_REPORT_TRAINEES"))
	return n
}

func adminUser(t *testing.T, w *reportWorld) models.User {
	var u models.User
	if err := w.a.db.R.Take(&u, "id = ?", w.admin.ID).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

// TestE2EReportPage opens the report in Chromium at a phone's width and on a
// desktop screen, in French and Arabic: no sideways scroll on the phone, no
// error from the browser (a refused style would show here), and screenshots
// (TADRIB_SCREENSHOTS=dir keeps them).
func TestE2EReportPage(t *testing.T) {
	chrome, shots := e2eSetup(t)
	w := newReportWorld(t)
	base := w.a.serve(t)
	b := startE2EBrowser(t, chrome, 90*time.Second)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	s.open("/login?next=/author/reports")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), w.editor.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	if s.url().Path != "/author/reports" {
		t.Fatalf("after login: %s", s.url())
	}
	s.shot("reports-list-fr-360")
	for _, lang := range []string{"fr", "ar"} {
		s.open("/author/reports/courses/" + w.slug + "?lang=" + lang)
		s.wantDocument(lang, map[string]string{"fr": "ltr", "ar": "rtl"}[lang])
		s.wantNoHorizontalScroll("report " + lang)
		s.shot("report-" + lang + "-360")
		shotScreens(s, "report-"+lang+"-360", 800)
		// One trainee's card, magnified, to read the bidi of names and dates.
		card, err := chromedp.Run(s.ctx, chromedp.ScreenshotScale(chromedp.CSS(`.rep-cards tbody tr:nth-child(4)`), 2))
		if err != nil {
			t.Fatalf("card screenshot: %v", err)
		}
		os.WriteFile(filepath.Join(shots, "report-"+lang+"-360-card.png"), card, 0o644)
	}
	s.open("/author/reports/courses/" + w.slug + "?profession=other&lang=ar")
	s.wantNoHorizontalScroll("empty report ar")
	s.shot("report-empty-ar-360")
	s.open("/author/reports?lang=ar")
	s.shot("reports-list-ar-360")
	s.do(chromedp.EmulateViewport(1280, 900))
	for _, lang := range []string{"fr", "ar"} {
		s.open("/author/reports/courses/" + w.slug + "?lang=" + lang)
		s.shot("report-" + lang + "-1280")
		shotScreens(s, "report-"+lang+"-1280", 900)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("the browser reported: %q", p)
	}
}

// shotScreens saves the page screen by screen (name-1.png, …), as a person
// scrolling sees it; a full-page image of a long report is too tall to read.
func shotScreens(s *e2eSession, name string, height int) {
	s.t.Helper()
	total := eval[int](s, `document.documentElement.scrollHeight`)
	for i, y := 0, 0; y < total && i < 8; i, y = i+1, y+height {
		s.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.scrollTo(0, %d)`, y)))
		png, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			s.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(s.shots, fmt.Sprintf("%s-%d.png", name, i+1)), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}
