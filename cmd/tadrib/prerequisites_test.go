package main

import (
	"slices"
	"strings"
	"tadrib/courses/coursepkg/pkgtest"
	"testing"
)

// TestCoursePath: a course may name prerequisite courses. The catalogue lists
// a course after those it requires and says where to start; the course page
// shows the path with the trainee's completion; enrolment stays open; the
// certificate waits for the prerequisites, naming them; an editor cannot make
// a course require itself, an unknown course, or a loop.
func TestCoursePath(t *testing.T) {
	a := newTestApp(t, nil)
	tr, core, coreLessons := authorCourse(t, a, []string{"labour_inspector"}, true)
	_, job, jobLessons := authorCourse(t, a, []string{"labour_inspector"}, true)
	// The second course was made by another trainer; an admin links them.
	adm := a.admin()
	for _, bad := range []map[string]any{
		{"prerequisites": []string{job}},              // itself
		{"prerequisites": []string{"no-such-course"}}, // unknown
		{"prerequisites": []string{"Not A Slug"}},
		{"prerequisites": []string{core, core}},
	} {
		r := adm.do("PATCH", "/api/v1/courses/"+job, bad)
		if r.StatusCode < 400 || r.StatusCode >= 500 || !strings.Contains(string(r.Body), "prerequisites") {
			t.Errorf("PATCH %v → %d %s; want a 4xx naming prerequisites", bad, r.StatusCode, r.Body)
		}
	}
	wantStatus(t, adm.do("PATCH", "/api/v1/courses/"+job, map[string]any{"prerequisites": []string{core}}), 200)
	// A loop: the core course cannot now require the job course.
	if r := tr.do("PATCH", "/api/v1/courses/"+core, map[string]any{"prerequisites": []string{job}}); r.StatusCode != 400 && r.StatusCode != 422 {
		t.Errorf("a loop of prerequisites → %d %s, want 400/422", r.StatusCode, r.Body)
	}

	u := a.register("labour_inspector")
	order := catalogSlugs(t, u.do("GET", "/api/v1/courses?profession=labour_inspector", nil))
	if i, j := slices.Index(order, core), slices.Index(order, job); i < 0 || j < 0 || i > j {
		t.Errorf("catalogue order %v: want %s before %s", order, core, job)
	}
	// Enrolment stays open; the course page shows the path, not completed.
	wantStatus(t, u.do("POST", "/api/v1/courses/"+job+"/enroll", nil), 201)
	d := u.do("GET", "/api/v1/courses/"+job, nil).JSON(t)
	pre, _ := d["prerequisites"].([]any)
	if len(pre) != 1 || pre[0].(map[string]any)["slug"] != core || pre[0].(map[string]any)["completed"] != false {
		t.Fatalf("prerequisites = %v, want [%s not completed]", d["prerequisites"], core)
	}
	b := a.signIn(t, u.Email)
	page := string(b.get("/courses/" + job).Body)
	if !strings.Contains(page, `href="/courses/`+core+`"`) || !strings.Contains(page, "Votre parcours") {
		t.Errorf("course page lacks the path to %s", core)
	}
	if cat := string(b.get("/courses?profession=labour_inspector").Body); !strings.Contains(cat, "Commencez par") {
		t.Error("catalogue page does not say where to start")
	}

	for _, l := range jobLessons {
		wantStatus(t, u.do("POST", "/api/v1/lessons/"+l+"/complete", nil), 204)
	}
	r := u.do("POST", "/api/v1/courses/"+job+"/certificate", nil)
	wantStatus(t, r, 422)
	missing := r.JSON(t)["missing"].([]any)
	if len(missing) != 1 || missing[0].(map[string]any)["kind"] != "course" || missing[0].(map[string]any)["url"] != "/courses/"+core {
		t.Fatalf("missing = %v; want only the core course", missing)
	}
	if p := string(b.get("/certificates").Body); !strings.Contains(p, "demande d&#39;abord de terminer") || !strings.Contains(p, `href="/courses/`+core+`"`) {
		t.Error("the certificates page does not say the core course comes first")
	}

	wantStatus(t, u.do("POST", "/api/v1/courses/"+core+"/enroll", nil), 201)
	for _, l := range coreLessons {
		wantStatus(t, u.do("POST", "/api/v1/lessons/"+l+"/complete", nil), 204)
	}
	d = u.do("GET", "/api/v1/courses/"+job, nil).JSON(t)
	if d["prerequisites"].([]any)[0].(map[string]any)["completed"] != true {
		t.Errorf("after the core course: prerequisites = %v, want completed", d["prerequisites"])
	}
	wantStatus(t, u.do("POST", "/api/v1/courses/"+core+"/certificate", nil), 201)
	wantStatus(t, u.do("POST", "/api/v1/courses/"+job+"/certificate", nil), 201)

	// The path survives a package round trip.
	zip := adm.do("GET", "/api/v1/courses/"+job+"/export", nil)
	wantStatus(t, zip, 200)
	if m := pkgtest.Files(t, zip.Body)["course.yaml"]; !strings.Contains(m, "prerequisites:") || !strings.Contains(m, "- "+core) {
		t.Errorf("exported manifest lacks the prerequisite:\n%s", m)
	}
}
