package reports_test

import (
	"context"
	"testing"
	"time"

	"tadrib/courses"
	"tadrib/courses/reports"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// fakeResults is the quiz engine as a report sees it (reports.QuizResults):
// results per course, and the modules whose quiz counts.
type fakeResults struct {
	results map[int64][]courses.QuizResult
	counted map[int64]map[int64]bool
	err     error
}

func (f *fakeResults) CourseResults(_ context.Context, courseID int64) ([]courses.QuizResult, map[int64]bool, error) {
	if f.err != nil {
		return nil, nil, f.err
	}
	counted := f.counted[courseID]
	if counted == nil {
		counted = map[int64]bool{}
	}
	return f.results[courseID], counted, nil
}

// fakeCerts is the certificate register as a report sees it
// (reports.Certificates): the live certificate codes per course and user.
type fakeCerts struct {
	codes map[int64]map[int64]string
	err   error
}

func (f *fakeCerts) HeldCodes(_ context.Context, courseID int64) (map[int64]string, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.codes[courseID] == nil {
		return map[int64]string{}, nil
	}
	return f.codes[courseID], nil
}

// world is a course of two modules (three lessons and a quiz, then one lesson
// and a quiz) and trainees at every stage, as in cmd/tadrib/reports_test.go:
//
//	p1 police            all lessons, both quizzes passed     completed, certified
//	p2 police            lesson 1, quiz A failed (0 %)        in progress
//	j1 judiciary         nothing                              enrolled only
//	j2 judiciary         lessons 1–2, A passed, B 50 % failed in progress
//	l1 labour_inspector  an attempt at A left open            in progress
//	c1 child_protection  everything, quizzes before lessons   completed, no live certificate
//
// The runner (a trainer) runs "Session Rabat" (p2, j2) following the course;
// the editor runs "Session Tanger" (p1); a third trainer runs "Session Fès"
// (p1 too) following another course only.
type world struct {
	*webtest.Env
	svc      *reports.Service
	quizzes  *fakeResults
	certs    *fakeCerts
	course   models.Course
	m1, m2   int64
	lessons  []int64
	editor   models.User
	runner   models.User
	stranger models.User // a trainer with nothing to do with the course
	admin    models.User
	t        map[string]models.User
	rabat    int64 // the runner's cohort
	tanger   int64 // the editor's cohort
	fes      int64 // another trainer's cohort, following another course
	other    models.Course
	base     time.Time
}

func (w *world) create(t *testing.T, v any) {
	t.Helper()
	if err := w.DB.W.Create(v).Error; err != nil {
		t.Fatalf("create %T: %v", v, err)
	}
}

func newWorld(t *testing.T) *world {
	t.Helper()
	e := webtest.New(t)
	cs := courses.NewService(e.DB, nil, nil)
	w := &world{Env: e, quizzes: &fakeResults{results: map[int64][]courses.QuizResult{}, counted: map[int64]map[int64]bool{}},
		certs: &fakeCerts{codes: map[int64]map[int64]string{}}, t: map[string]models.User{},
		base: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.svc = reports.NewService(e.DB, cs, w.quizzes, w.certs)
	reports.NewHandler(w.svc, e.Renderer).Routes(e.App, e.API)

	w.editor = e.User("Editor", models.RoleTrainer)
	w.runner = e.User("Runner", models.RoleTrainer)
	w.stranger = e.User("Stranger", models.RoleTrainer)
	w.admin = e.User("Admin", models.RoleAdmin)
	w.course = e.Course("traite", 3, &w.editor)
	w.course.Texts = append(w.course.Texts, models.CourseText{CourseID: w.course.ID, Lang: "ar", Title: "الاتجار بالبشر"})
	w.create(t, &w.course.Texts[1])
	w.m1 = w.course.Modules[0].ID
	for _, l := range w.course.Modules[0].Lessons {
		w.lessons = append(w.lessons, l.ID)
	}
	m2 := models.Module{CourseID: w.course.ID, Slug: "orienter", Position: 2, Texts: []models.ModuleText{{Lang: "fr", Title: "Orienter"}, {Lang: "ar", Title: "التوجيه"}},
		Lessons: []models.Lesson{{Position: 1, Minutes: 5, Texts: []models.LessonText{{Lang: "fr", Title: "Orienter", BodyMD: "x", HTML: "<p>x</p>"}}}}}
	w.create(t, &m2)
	w.m2 = m2.ID
	w.lessons = append(w.lessons, m2.Lessons[0].ID)
	w.other = e.Course("autre", 1, &w.stranger)

	// Names as a trainee could type them: formulas, a tab, markup, Arabic.
	people := []struct{ key, name, nameAr, prof string }{
		{"p1", `=HYPERLINK("http://evil.example","x")`, "أمينة العلوي", "police"},
		{"p2", "+212 600 000 000", "", "police"},
		{"j1", "@SUM(A1)", "", "judiciary"},
		{"j2", "-2+3", "يوسف", "judiciary"},
		{"l1", "\tTabulation", "", "labour_inspector"},
		{"c1", "<script>alert(1)</script>", "", "child_protection"},
	}
	for i, p := range people {
		u := e.User("trainee", models.RoleTrainee)
		u.Name, u.NameAr, u.Profession, u.Organization = p.name, p.nameAr, p.prof, "DGSN"
		if err := e.DB.W.Save(&u).Error; err != nil {
			t.Fatal(err)
		}
		w.t[p.key] = u
		w.create(t, &models.Enrolment{UserID: u.ID, CourseID: w.course.ID, CreatedAt: w.base.Add(time.Duration(i) * time.Minute)})
	}
	// Someone in the other course only: never counted in this one.
	outsider := e.User("Outsider", models.RoleTrainee)
	w.create(t, &models.Enrolment{UserID: outsider.ID, CourseID: w.other.ID, CreatedAt: w.base})

	h := func(n int) time.Time { return w.base.Add(time.Duration(n) * time.Hour) }
	done := func(k string, at time.Time, lessons ...int) {
		for i, l := range lessons {
			w.create(t, &models.LessonCompletion{UserID: w.t[k].ID, LessonID: w.lessons[l], CompletedAt: at.Add(time.Duration(i) * time.Minute)})
		}
	}
	done("p1", h(1), 0, 1, 2, 3)
	done("p2", h(1), 0)
	done("j2", h(1), 0, 1)
	done("c1", h(24), 0, 1, 2, 3) // last lesson at h(24)+3 min, after both passes
	pct := func(v float64) *float64 { return &v }
	res := func(k string, module int64, best *float64, passed bool, finished int, firstPass, last time.Time) courses.QuizResult {
		return courses.QuizResult{UserID: w.t[k].ID, ModuleID: module, BestPercent: best, Passed: passed, Finished: finished, FirstPass: firstPass, LastActivity: last}
	}
	w.quizzes.results[w.course.ID] = []courses.QuizResult{
		res("p1", w.m1, pct(100), true, 1, h(5), h(5)),
		res("p1", w.m2, pct(100), true, 2, h(6), h(6)),
		res("p2", w.m1, pct(0), false, 1, time.Time{}, h(2)),
		res("j2", w.m1, pct(100), true, 1, h(3), h(3)),
		res("j2", w.m2, pct(50), false, 1, time.Time{}, h(4)),
		res("l1", w.m1, nil, false, 0, time.Time{}, h(7)),
		res("c1", w.m1, pct(100), true, 1, h(2), h(2)),
		res("c1", w.m2, pct(100), true, 1, h(3), h(3)),
	}
	w.quizzes.counted[w.course.ID] = map[int64]bool{w.m1: true, w.m2: true}
	w.certs.codes[w.course.ID] = map[int64]string{w.t["p1"].ID: "CODEP1LIVE"}

	cohort := func(name string, by models.User, course int64, members ...string) int64 {
		co := models.Cohort{Name: name, InviteToken: "tok-" + name, CreatedBy: &by.ID, CreatedAt: w.base, UpdatedAt: w.base}
		w.create(t, &co)
		w.create(t, &models.CohortCourse{CohortID: co.ID, CourseID: course})
		for _, k := range members {
			w.create(t, &models.CohortMember{CohortID: co.ID, UserID: w.t[k].ID, JoinedAt: w.base, Via: models.ViaList})
		}
		return co.ID
	}
	w.rabat = cohort("Session Rabat", w.runner, w.course.ID, "p2", "j2")
	w.tanger = cohort("Session Tanger", w.editor, w.course.ID, "p1")
	fesTrainer := e.User("Fes", models.RoleTrainer)
	w.fes = cohort("Session Fès", fesTrainer, w.other.ID, "p1")
	return w
}
