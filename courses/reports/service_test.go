package reports_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"tadrib/courses"
	"tadrib/courses/reports"
	"tadrib/models"
)

func (w *world) report(t *testing.T, viewer models.User, f reports.ReportFilter) reports.Report {
	t.Helper()
	r, err := w.svc.CourseReport(context.Background(), viewer, w.course.Slug, f, "fr")
	if err != nil {
		t.Fatalf("report for %s: %v", viewer.Name, err)
	}
	return r
}

func counts(c reports.Counts) [4]int {
	return [4]int{c.Enrolled, c.InProgress, c.Completed, c.Certified}
}

func (w *world) rows(r reports.Report) map[string]reports.TraineeRow {
	byID := map[string]reports.TraineeRow{}
	for _, tr := range r.Trainees {
		byID[tr.ID] = tr
	}
	out := map[string]reports.TraineeRow{}
	for k, u := range w.t {
		if tr, ok := byID[idOf(u)]; ok {
			out[k] = tr
		}
	}
	return out
}

func idOf(u models.User) string { return itoa(u.ID) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestCourseReportNumbers: per trainee (percent, lessons done, quizzes
// passed, completion, last activity, certificate code, best scores), per
// profession, per cohort and per module, computed by the same rule as a
// trainee's own progress (courses.Progress.Finish).
func TestCourseReportNumbers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.report(t, w.editor, reports.ReportFilter{})
	if r.Course.Slug != "traite" || r.Course.Title != "Cours traite" {
		t.Errorf("course %+v", r.Course)
	}
	if got, want := counts(r.Counts), [4]int{6, 3, 2, 1}; got != want {
		t.Errorf("enrolled, in progress, completed, certified = %v, want %v", got, want)
	}
	wantProf := map[string][4]int{"police": {2, 1, 1, 1}, "judiciary": {2, 1, 0, 0}, "labour_inspector": {1, 1, 0, 0},
		"child_protection": {1, 0, 1, 0}, "other": {0, 0, 0, 0}}
	for p, want := range wantProf {
		if got := counts(*r.ByProfession[p]); got != want {
			t.Errorf("by_profession[%s] = %v, want %v", p, got, want)
		}
	}
	if len(r.ByProfession) != len(models.Professions) {
		t.Errorf("by_profession has %d entries, want every profession", len(r.ByProfession))
	}
	// By cohort, by name: Rabat (p2, j2) and Tanger (p1); Fès follows
	// another course and does not appear.
	if len(r.ByCohort) != 2 || r.ByCohort[0].Name != "Session Rabat" || counts(r.ByCohort[0].Counts) != [4]int{2, 2, 0, 0} ||
		r.ByCohort[1].Name != "Session Tanger" || counts(r.ByCohort[1].Counts) != [4]int{1, 0, 1, 1} || r.ByCohort[0].ID != itoa(w.rabat) {
		t.Errorf("by_cohort = %+v", r.ByCohort)
	}
	// Module A: p1 100, p2 0, j2 100, c1 100 finished (l1's is open);
	// module B: p1 100, j2 50, c1 100.
	if len(r.Modules) != 2 {
		t.Fatalf("modules %+v", r.Modules)
	}
	for i, want := range []struct {
		slug              string
		attempted, passed int
		rate, mean        float64
	}{{"m1", 4, 3, 0.75, 75}, {"orienter", 3, 2, 0.6667, 83.33}} {
		m := r.Modules[i]
		if m.Slug != want.slug || !m.HasQuiz || m.Attempted != want.attempted || m.Passed != want.passed ||
			m.PassRate == nil || *m.PassRate != want.rate || m.MeanPercent == nil || *m.MeanPercent != want.mean {
			t.Errorf("module %d = %+v, want %+v", i, m, want)
		}
	}
	h := func(n int) time.Time { return w.base.Add(time.Duration(n) * time.Hour) }
	type want struct {
		percent, lessons, quizzes int
		started                   bool
		completed, last           time.Time
		cert                      string
		scores                    [2]string
	}
	wants := map[string]want{
		"p1": {100, 4, 2, true, h(6), h(6), "CODEP1LIVE", [2]string{"100+", "100+"}},
		"p2": {16, 1, 0, true, time.Time{}, h(2), "", [2]string{"0", "-"}},
		"j1": {0, 0, 0, false, time.Time{}, time.Time{}, "", [2]string{"-", "-"}},
		"j2": {50, 2, 1, true, time.Time{}, h(4), "", [2]string{"100+", "50"}},
		"l1": {0, 0, 0, true, time.Time{}, h(7), "", [2]string{"-", "-"}},
		// c1 passed both quizzes before the last lesson: done when the last
		// lesson was.
		"c1": {100, 4, 2, true, h(24).Add(3 * time.Minute), h(24).Add(3 * time.Minute), "", [2]string{"100+", "100+"}},
	}
	rows := w.rows(r)
	if len(r.Trainees) != 6 || len(rows) != 6 {
		t.Fatalf("%d trainee rows, want the 6 enrolled (not the other course's)", len(r.Trainees))
	}
	for k, wt := range wants {
		got := rows[k]
		code := ""
		if got.CertificateCode != nil {
			code = *got.CertificateCode
		}
		var scores [2]string
		for i, s := range got.Scores {
			switch {
			case s.BestPercent == nil:
				scores[i] = "-"
			case s.Passed:
				scores[i] = ftoa(*s.BestPercent) + "+"
			default:
				scores[i] = ftoa(*s.BestPercent)
			}
		}
		if got.Percent != wt.percent || got.LessonsDone != wt.lessons || got.QuizzesPassed != wt.quizzes || got.Started != wt.started ||
			code != wt.cert || scores != wt.scores || got.LessonsTotal != 4 || got.QuizzesTotal != 2 || len(got.Scores) != 2 {
			t.Errorf("%s = %+v (code %q, scores %v), want %+v", k, got, code, scores, wt)
		}
		if !sameTime(got.CompletedAt, wt.completed) || !sameTime(got.LastActivity, wt.last) {
			t.Errorf("%s: completed %v, last activity %v; want %v, %v", k, got.CompletedAt, got.LastActivity, wt.completed, wt.last)
		}
		if got.Profession != w.t[k].Profession || got.Email != w.t[k].Email || got.Organization != "DGSN" || got.Name != w.t[k].Name {
			t.Errorf("%s: identity %+v", k, got)
		}
	}
	if c := rows["p2"].Cohorts; len(c) != 1 || c[0] != "Session Rabat" {
		t.Errorf("p2 cohorts %v, want [Session Rabat]", c)
	}
	if c := rows["p1"].Cohorts; len(c) != 1 || c[0] != "Session Tanger" {
		t.Errorf("p1 cohorts %v: want Tanger only (Fès follows another course)", c)
	}
}

func sameTime(p *time.Time, want time.Time) bool {
	if p == nil {
		return want.IsZero()
	}
	return p.Equal(want)
}

// TestCourseReportFilters: filters narrow every number of the report to the
// same people.
func TestCourseReportFilters(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name string
		f    reports.ReportFilter
		want [4]int
	}{
		{"police", reports.ReportFilter{Profession: "police"}, [4]int{2, 1, 1, 1}},
		{"judiciary", reports.ReportFilter{Profession: "judiciary"}, [4]int{2, 1, 0, 0}},
		{"other: nobody", reports.ReportFilter{Profession: "other"}, [4]int{}},
		{"cohort", reports.ReportFilter{CohortID: w.rabat}, [4]int{2, 2, 0, 0}},
		{"cohort and profession", reports.ReportFilter{CohortID: w.rabat, Profession: "police"}, [4]int{1, 1, 0, 0}},
	}
	for _, tc := range cases {
		r := w.report(t, w.editor, tc.f)
		if got := counts(r.Counts); got != tc.want || len(r.Trainees) != tc.want[0] {
			t.Errorf("%s: %v with %d rows, want %v", tc.name, got, len(r.Trainees), tc.want)
		}
	}
	// The cohort's module numbers: p2 failed A (0), j2 passed A (100).
	r := w.report(t, w.editor, reports.ReportFilter{CohortID: w.rabat})
	if m := r.Modules[0]; m.Attempted != 2 || m.Passed != 1 || *m.PassRate != 0.5 || *m.MeanPercent != 50 {
		t.Errorf("cohort module A = %+v", m)
	}
	// Nobody: the modules are there, without rates.
	r = w.report(t, w.editor, reports.ReportFilter{Profession: "other"})
	if len(r.Modules) != 2 || r.Modules[0].PassRate != nil || r.Modules[0].MeanPercent != nil || r.Trainees == nil || r.ByCohort == nil {
		t.Errorf("empty report = %+v", r)
	}
}

// TestCourseReportScope: admins and the course's editor see every enrolee; a
// trainer running a cohort that follows the course sees its members only
// (SECURITY.md X4); another trainer gets not found, a trainee forbidden. A
// cohort filter must name a cohort the viewer may see.
func TestCourseReportScope(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	for _, u := range []models.User{w.admin, w.editor} {
		if r := w.report(t, u, reports.ReportFilter{}); r.Enrolled != 6 {
			t.Errorf("%s sees %d enrolled, want 6", u.Name, r.Enrolled)
		}
	}
	r := w.report(t, w.runner, reports.ReportFilter{})
	rows := w.rows(r)
	if r.Enrolled != 2 || len(rows) != 2 || rows["p2"].ID == "" || rows["j2"].ID == "" || len(r.ByCohort) != 1 || r.ByCohort[0].Name != "Session Rabat" {
		t.Errorf("the runner sees %d enrolled, rows %v, cohorts %+v; want their 2 members", r.Enrolled, rows, r.ByCohort)
	}
	for _, c := range []struct {
		who  models.User
		slug string
		f    reports.ReportFilter
		want error
	}{
		{w.stranger, "traite", reports.ReportFilter{}, courses.ErrNotFound},
		{w.t["p1"], "traite", reports.ReportFilter{}, courses.ErrForbidden},
		{w.editor, "absent", reports.ReportFilter{}, courses.ErrNotFound},
		{w.runner, "traite", reports.ReportFilter{CohortID: w.tanger}, courses.ErrNotFound}, // the editor's cohort
		{w.editor, "traite", reports.ReportFilter{CohortID: w.fes}, courses.ErrNotFound},    // follows another course
		{w.editor, "traite", reports.ReportFilter{CohortID: 999999}, courses.ErrNotFound},
		{w.runner, "traite", reports.ReportFilter{CohortID: w.rabat}, nil},
		{w.editor, "traite", reports.ReportFilter{CohortID: w.rabat}, nil}, // follows their course
		{w.admin, "traite", reports.ReportFilter{CohortID: w.fes}, nil},    // admins: any cohort
	} {
		_, err := w.svc.CourseReport(ctx, c.who, c.slug, c.f, "fr")
		if !errors.Is(err, c.want) && !(err == nil && c.want == nil) {
			t.Errorf("%s on %s %+v: %v, want %v", c.who.Name, c.slug, c.f, err, c.want)
		}
	}
	// The admin filtering by a cohort of another course: nobody of it here.
	if r := w.report(t, w.admin, reports.ReportFilter{CohortID: w.fes}); r.Enrolled != 1 {
		t.Errorf("admin with Fès: %d enrolled, want p1", r.Enrolled)
	}
}

// TestReportLists: the list of reports holds every course for an admin, and
// for a trainer the courses they edit and those their cohorts follow, each
// with the trainees they may see; the cohorts to filter by are the viewer's.
func TestReportLists(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	list := func(u models.User, f reports.ReportFilter) map[string]int {
		t.Helper()
		cs, err := w.svc.ReportCourses(ctx, u, f, "ar")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, c := range cs {
			out[c.Slug] = c.Enrolled
		}
		return out
	}
	eq := func(a, b map[string]int) bool {
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if bv, ok := b[k]; !ok || bv != v {
				return false
			}
		}
		return true
	}
	for _, c := range []struct {
		name string
		who  models.User
		f    reports.ReportFilter
		want map[string]int
	}{
		{"admin", w.admin, reports.ReportFilter{}, map[string]int{"traite": 6, "autre": 1}},
		{"editor", w.editor, reports.ReportFilter{}, map[string]int{"traite": 6}},
		{"runner", w.runner, reports.ReportFilter{}, map[string]int{"traite": 2}},
		{"other course's author", w.stranger, reports.ReportFilter{}, map[string]int{"autre": 1}},
		{"admin, police", w.admin, reports.ReportFilter{Profession: "police"}, map[string]int{"traite": 2, "autre": 1}},
		{"admin, a cohort", w.admin, reports.ReportFilter{CohortID: w.rabat}, map[string]int{"traite": 2}},
	} {
		if got := list(c.who, c.f); !eq(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	cs, _ := w.svc.ReportCourses(ctx, w.admin, reports.ReportFilter{}, "ar")
	if cs[0].Title != "الاتجار بالبشر" || !cs[0].Published {
		t.Errorf("list in Arabic: %+v", cs[0])
	}
	if _, err := w.svc.ReportCourses(ctx, w.t["p1"], reports.ReportFilter{}, "fr"); !errors.Is(err, courses.ErrForbidden) {
		t.Errorf("a trainee lists reports: %v", err)
	}

	names := func(u models.User, course int64, editor bool) []string {
		t.Helper()
		cos, err := w.svc.ReportCohorts(ctx, u, course, editor)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cos {
			out = append(out, c.Name)
		}
		return out
	}
	for _, c := range []struct {
		name   string
		got    []string
		wanted []string
	}{
		{"admin, all", names(w.admin, 0, false), []string{"Session Fès", "Session Rabat", "Session Tanger"}},
		{"runner, all", names(w.runner, 0, false), []string{"Session Rabat"}},
		{"editor of the course", names(w.editor, w.course.ID, true), []string{"Session Rabat", "Session Tanger"}},
		{"runner on the course", names(w.runner, w.course.ID, false), []string{"Session Rabat"}},
		{"stranger on the course", names(w.stranger, w.course.ID, false), nil},
	} {
		if len(c.got) != len(c.wanted) || (len(c.got) > 0 && c.got[0] != c.wanted[0]) || (len(c.got) > 1 && c.got[len(c.got)-1] != c.wanted[len(c.wanted)-1]) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.wanted)
		}
	}
}

// TestCourseReportWithoutQuizzesOrCertificates: without the quiz engine a
// report counts lessons only; without the register nobody is certified; an
// error of either fails the report rather than showing wrong numbers.
func TestCourseReportWithoutQuizzesOrCertificates(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	svc := reports.NewService(w.DB, courses.NewService(w.DB, nil, nil), nil, nil)
	r, err := svc.CourseReport(ctx, w.editor, "traite", reports.ReportFilter{}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	rows := w.rows(r)
	if rows["j2"].Percent != 50 || rows["j2"].QuizzesTotal != 0 || rows["p1"].CompletedAt == nil || rows["l1"].Started || r.Certified != 0 {
		t.Errorf("lessons only: j2 %+v, p1 %+v, l1 %+v, certified %d", rows["j2"], rows["p1"], rows["l1"], r.Certified)
	}
	for _, m := range r.Modules {
		if m.HasQuiz {
			t.Errorf("module %s has a quiz without the quiz engine", m.Slug)
		}
	}
	boom := errors.New("engine down")
	w.quizzes.err = boom
	if _, err := w.svc.CourseReport(ctx, w.editor, "traite", reports.ReportFilter{}, "fr"); !errors.Is(err, boom) {
		t.Errorf("quiz engine failing: %v", err)
	}
	w.quizzes.err = nil
	w.certs.err = boom
	if _, err := w.svc.CourseReport(ctx, w.editor, "traite", reports.ReportFilter{}, "fr"); !errors.Is(err, boom) {
		t.Errorf("register failing: %v", err)
	}
}
