package main

import (
	"strings"
	"testing"
)

// authorCourse makes a trainer author a course with one module and two
// lessons; it returns the trainer, the slug and the lesson ids.
func authorCourse(t testing.TB, a *testApp, audiences []string, publish bool) (user, string, []string) {
	t.Helper()
	tr := a.trainer()
	slug := "cours-test-" + next()
	wantStatus(t, tr.do("POST", "/api/v1/courses", map[string]any{"slug": slug, "title": "Identifier et orienter",
		"summary": "Un cours de test.", "hours": 2, "audiences": audiences, "locale": "fr"}), 201)
	m := tr.do("POST", "/api/v1/courses/"+slug+"/modules", map[string]any{"slug": "identifier", "title": "Identifier"})
	wantStatus(t, m, 201)
	mid := m.JSON(t)["id"].(string)
	var ids []string
	for _, body := range []string{
		"# Identifier\n\nLes **indicateurs** :\n\n- documents confisqués\n- dette\n\n<script>alert('x')</script>\n[piège](javascript:alert(1))",
		"## Orienter\n\nUne approche *centrée sur la victime*.",
	} {
		l := tr.do("POST", "/api/v1/modules/"+mid+"/lessons", map[string]any{"title": "Leçon", "body_md": body, "minutes": 5})
		wantStatus(t, l, 201)
		ids = append(ids, l.JSON(t)["id"].(string))
	}
	if publish {
		wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)
	}
	return tr, slug, ids
}

func catalogSlugs(t *testing.T, r resp) []string {
	t.Helper()
	wantStatus(t, r, 200)
	var out []string
	for _, it := range r.JSON(t)["items"].([]any) {
		out = append(out, it.(map[string]any)["slug"].(string))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDraftsAreHidden(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, lessons := authorCourse(t, a, []string{"labour_inspector"}, false)
	trainee := a.register("labour_inspector")
	if contains(catalogSlugs(t, trainee.do("GET", "/api/v1/courses", nil)), slug) {
		t.Error("a trainee sees a draft in the catalog")
	}
	if contains(catalogSlugs(t, a.do("GET", "/api/v1/courses", nil)), slug) {
		t.Error("a visitor sees a draft in the catalog")
	}
	wantStatus(t, trainee.do("GET", "/api/v1/courses/"+slug, nil), 404)
	wantStatus(t, trainee.do("GET", "/api/v1/lessons/"+lessons[0], nil), 404)
	wantStatus(t, trainee.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 404)
	// Another trainer neither sees nor edits it; its author does.
	other := a.trainer()
	wantStatus(t, other.do("GET", "/api/v1/courses/"+slug, nil), 404)
	wantStatus(t, other.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 404)
	wantStatus(t, tr.do("GET", "/api/v1/lessons/"+lessons[0], nil), 200)
	// A trainee calling authoring endpoints gets 403 whatever the object.
	wantStatus(t, trainee.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 403)
	wantStatus(t, trainee.do("POST", "/api/v1/courses", map[string]any{"slug": "x"}), 403)
}

func TestTrainingJourney(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, lessons := authorCourse(t, a, []string{"labour_inspector", "police"}, true)
	trainee := a.register("labour_inspector")
	judge := a.register("judiciary")

	if !contains(catalogSlugs(t, trainee.do("GET", "/api/v1/courses?profession=labour_inspector", nil)), slug) {
		t.Fatal("the published course is not listed for its profession")
	}
	if contains(catalogSlugs(t, judge.do("GET", "/api/v1/courses?profession=judiciary", nil)), slug) {
		t.Error("the profession filter lets another profession's course through")
	}
	wantProblem(t, a.do("GET", "/api/v1/courses?profession=astronaut", nil), 400, "profession")
	anon := a.do("GET", "/api/v1/courses", nil)
	if strings.Contains(string(anon.Body), `"enrolled"`) || strings.Contains(string(anon.Body), `"progress"`) {
		t.Errorf("a visitor's catalog carries enrolled/progress: %s", anon.Body)
	}

	wantProblem(t, judge.do("GET", "/api/v1/lessons/"+lessons[0], nil), 403, "")
	wantStatus(t, trainee.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	wantStatus(t, trainee.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 200)

	l := trainee.do("GET", "/api/v1/lessons/"+lessons[0], nil)
	wantStatus(t, l, 200)
	lm := l.JSON(t)
	html := lm["html"].(string)
	if !strings.Contains(html, "<strong>indicateurs</strong>") || strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "javascript:") {
		t.Errorf("lesson html not rendered or not sanitized: %s", html)
	}
	if lm["next_id"] != lessons[1] || lm["prev_id"] != nil || lm["completed"] != false {
		t.Errorf("lesson navigation wrong: %v", lm)
	}
	if _, ok := lm["body_md"]; ok {
		t.Error("a trainee gets body_md")
	}

	wantStatus(t, trainee.do("POST", "/api/v1/lessons/"+lessons[0]+"/complete", nil), 204)
	wantStatus(t, trainee.do("POST", "/api/v1/lessons/"+lessons[0]+"/complete", nil), 204)
	wantStatus(t, judge.do("POST", "/api/v1/lessons/"+lessons[0]+"/complete", nil), 403)
	wantStatus(t, trainee.do("POST", "/api/v1/lessons/99999999/complete", nil), 404)
	wantStatus(t, trainee.do("GET", "/api/v1/lessons/abc", nil), 404)

	c := trainee.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	if p := c["progress"].(map[string]any)["percent"].(float64); p != 50 {
		t.Errorf("progress after one of two lessons = %v, want 50", p)
	}
	prog := trainee.do("GET", "/api/v1/me/progress", nil).JSON(t)["items"].([]any)
	var row map[string]any
	for _, it := range prog {
		if it.(map[string]any)["course"].(map[string]any)["slug"] == slug {
			row = it.(map[string]any)
		}
	}
	if row == nil || row["lessons_done"].(float64) != 1 || row["resume_lesson_id"] != lessons[1] {
		t.Fatalf("/me/progress row = %v; want 1 lesson done and lesson %s to resume", row, lessons[1])
	}
	wantStatus(t, trainee.do("POST", "/api/v1/lessons/"+lessons[1]+"/complete", nil), 204)
	c = trainee.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	pr := c["progress"].(map[string]any)
	if pr["percent"].(float64) != 100 || pr["completed_at"] == nil {
		t.Errorf("all lessons done: progress = %v, want 100 and a completed_at", pr)
	}
}

func TestSeedCurriculum(t *testing.T) {
	a := newTestApp(t, nil)
	a.loadWholeSeed()
	items := a.do("GET", "/api/v1/courses", nil).JSON(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("the seed curriculum is not loaded")
	}
	slug := items[0].(map[string]any)["slug"].(string)
	u := a.register("police")
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	for _, lang := range []string{"fr", "ar", "en"} {
		c := u.do("GET", "/api/v1/courses/"+slug+"?lang="+lang, nil)
		wantStatus(t, c, 200)
		if c.Header.Get("Content-Language") != lang {
			t.Errorf("Content-Language = %q, want %s", c.Header.Get("Content-Language"), lang)
		}
		m := c.JSON(t)
		mods := m["modules"].([]any)
		if len(mods) < 3 {
			t.Fatalf("seed course has %d modules, want at least 3", len(mods))
		}
		for _, mod := range mods {
			ls := mod.(map[string]any)["lessons"].([]any)
			if len(ls) < 2 {
				t.Errorf("module %v has %d lessons, want at least 2", mod.(map[string]any)["slug"], len(ls))
			}
			for _, l := range ls {
				id := l.(map[string]any)["id"].(string)
				lr := u.do("GET", "/api/v1/lessons/"+id+"?lang="+lang, nil).JSON(t)
				if len(lr["html"].(string)) < 200 || lr["untranslated"] == true {
					t.Errorf("lesson %s in %s: %d bytes of HTML, untranslated=%v", id, lang, len(lr["html"].(string)), lr["untranslated"])
				}
			}
		}
	}
	// A second load changes nothing.
	created, err := a.packages.LoadSeed(t.Context(), assetsFS())
	if err != nil || len(created) != 0 {
		t.Errorf("loading the seed again = %v, %v; want nothing created", created, err)
	}
}

// TestLessonEditShowsAtOnce: the lesson answer is cached by course version;
// an edit, and the trainee's own completion, show on the next read.
func TestLessonEditShowsAtOnce(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, lessons := authorCourse(t, a, []string{"police"}, true)
	u := a.register("police")
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	first := u.do("GET", "/api/v1/lessons/"+lessons[1], nil).JSON(t)
	if first["completed"] != false || !strings.Contains(first["html"].(string), "victime") {
		t.Fatalf("first read: %v", first)
	}
	wantStatus(t, tr.do("PATCH", "/api/v1/lessons/"+lessons[1], map[string]any{"body_md": "Texte **révisé**."}), 200)
	wantStatus(t, u.do("POST", "/api/v1/lessons/"+lessons[1]+"/complete", nil), 204)
	again := u.do("GET", "/api/v1/lessons/"+lessons[1], nil).JSON(t)
	if again["completed"] != true || !strings.Contains(again["html"].(string), "<strong>révisé</strong>") {
		t.Errorf("after an edit and completion: %v", again)
	}
	if _, ok := again["body_md"]; ok {
		t.Error("a trainee's cached answer carries body_md")
	}
	if staff := tr.do("GET", "/api/v1/lessons/"+lessons[1], nil).JSON(t); staff["body_md"] != "Texte **révisé**." {
		t.Errorf("the author's view lacks body_md: %v", staff["body_md"])
	}
}
