package main

import (
	"fmt"
	"os"
	"strings"
	"tadrib/internal/webtest"
	"testing"
)

// SECURITY.md AM1, drafts: the routes that name a course's content (the
// course, its modules, lessons, quizzes, questions, images), called by each
// person of catPeople on a draft that nobody but its author and the admins
// may see. Anyone else gets exactly the answer they get for an object that
// does not exist (no existence leak: the cell is compared with the same
// route on a made-up slug or id) and never reads the draft's title; its
// author and the admins work on it as on a published course. The table is
// the expected matrix; a content route the router has and the table lacks
// fails the test. TADRIB_CATALOGUE_PRINT=1 prints it as it is.
//
// Lessons, modules and quizzes have no draft state of their own: a course
// is published or not as a whole (models.Course.Published), so "a draft
// lesson of a published course" does not exist; a course taken back to
// draft after trainees followed it is the second world of the test.

// catDraftMatrix is the expected matrix on a never-published draft.
var catDraftMatrix = map[string][7]string{
	//                                          anon, trainee, otherTr, cohortTr, owner, author, admin
	"GET /api/v1/courses/:slug":              {"404", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/courses/:slug":            {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/courses/:slug/certificate": {"401", "404", "404", "404", "404", "422", "422"},
	"POST /api/v1/courses/:slug/enroll":      {"401", "404", "404", "404", "404", "201", "201"},
	"GET /api/v1/courses/:slug/export":       {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/courses/:slug/images":      {"401", "403", "404", "404", "403", "201", "201"},
	"POST /api/v1/courses/:slug/modules":     {"401", "403", "404", "404", "403", "201", "201"},
	"DELETE /api/v1/lessons/:id":             {"401", "403", "404", "404", "403", "204", "204"},
	"GET /api/v1/lessons/:id":                {"401", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/lessons/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/lessons/:id/complete":      {"401", "404", "404", "404", "404", "204", "204"},
	"DELETE /api/v1/modules/:id":             {"401", "403", "404", "404", "403", "204", "204"},
	"PATCH /api/v1/modules/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/modules/:id/lessons":       {"401", "403", "404", "404", "403", "201", "201"},
	"POST /api/v1/modules/:id/quiz":          {"401", "403", "404", "404", "403", "409", "409"},
	"DELETE /api/v1/questions/:id":           {"401", "403", "404", "404", "403", "204", "204"},
	"GET /api/v1/questions/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"PUT /api/v1/questions/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id":                {"401", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/quizzes/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id/attempts":       {"401", "404", "404", "404", "404", "200", "200"},
	"POST /api/v1/quizzes/:id/attempts":      {"401", "404", "404", "404", "404", "201", "201"},
	"GET /api/v1/quizzes/:id/export.gift":    {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/import":        {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/overrides":     {"401", "403", "404", "404", "403", "400", "400"},
	"GET /api/v1/quizzes/:id/questions":      {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/questions":     {"401", "403", "404", "404", "403", "201", "201"},
	"GET /api/v1/reports/courses/:slug":      {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/reports/quizzes/:id/items":  {"401", "403", "404", "404", "403", "200", "200"},
	"GET /author/courses/:slug":              {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/courses/:slug":             {"401", "403", "404", "404", "403", "422", "422"},
	"POST /author/courses/:slug/modules":     {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/courses/:slug/publish":      {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/courses/:slug/publish":     {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/lessons/:id":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/lessons/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/lessons/:id/delete":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/lessons/:id/delete":        {"401", "403", "404", "404", "403", "303", "303"},
	"POST /author/lessons/:id/move":          {"401", "403", "404", "404", "403", "400", "400"},
	"POST /author/modules/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/modules/:id/delete":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/modules/:id/delete":        {"401", "403", "404", "404", "403", "303", "303"},
	"POST /author/modules/:id/lessons":       {"401", "403", "404", "404", "403", "422", "422"},
	"POST /author/modules/:id/move":          {"401", "403", "404", "404", "403", "400", "400"},
	"POST /author/modules/:id/quiz":          {"401", "403", "404", "404", "403", "409", "409"},
	"GET /author/questions/:id":              {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id":             {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/questions/:id/delete":       {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id/delete":      {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/quizzes/:id/import":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/import":        {"401", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/questions":     {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id/questions/new":  {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/quizzes/:id/report":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/reports/courses/:slug":      {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /courses/:slug":                     {"404", "404", "404", "404", "404", "200", "200"},
	"POST /courses/:slug/enroll":             {"401", "404", "404", "404", "404", "303", "303"},
	"GET /images/:name":                      {"404", "404", "404", "404", "404", "200", "200"},
	"GET /lessons/:id":                       {"303>login", "404", "404", "404", "404", "200", "200"},
	"POST /lessons/:id/complete":             {"401", "404", "404", "404", "404", "303", "303"},
	"GET /quizzes/:id":                       {"303>login", "404", "404", "404", "404", "200", "200"},
	"POST /quizzes/:id/start":                {"401", "404", "404", "404", "404", "303", "303"},
}

// catWithdrawnMatrix is the expected matrix on a course taken back to
// draft after its trainees followed it (the owner enrolled, with a
// certificate and an attempt in progress).
var catWithdrawnMatrix = map[string][7]string{
	//                                          anon, trainee, otherTr, cohortTr, owner, author, admin
	"GET /api/v1/courses/:slug":              {"404", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/courses/:slug":            {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/courses/:slug/certificate": {"401", "404", "404", "404", "404", "422", "422"},
	"POST /api/v1/courses/:slug/enroll":      {"401", "404", "404", "404", "404", "201", "201"},
	"GET /api/v1/courses/:slug/export":       {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/courses/:slug/images":      {"401", "403", "404", "404", "403", "201", "201"},
	"POST /api/v1/courses/:slug/modules":     {"401", "403", "404", "404", "403", "201", "201"},
	"DELETE /api/v1/lessons/:id":             {"401", "403", "404", "404", "403", "204", "204"},
	"GET /api/v1/lessons/:id":                {"401", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/lessons/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/lessons/:id/complete":      {"401", "404", "404", "404", "404", "204", "204"},
	"DELETE /api/v1/modules/:id":             {"401", "403", "404", "404", "403", "204", "204"},
	"PATCH /api/v1/modules/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/modules/:id/lessons":       {"401", "403", "404", "404", "403", "201", "201"},
	"POST /api/v1/modules/:id/quiz":          {"401", "403", "404", "404", "403", "409", "409"},
	"DELETE /api/v1/questions/:id":           {"401", "403", "404", "404", "403", "204", "204"},
	"GET /api/v1/questions/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"PUT /api/v1/questions/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id":                {"401", "404", "404", "404", "404", "200", "200"},
	"PATCH /api/v1/quizzes/:id":              {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id/attempts":       {"401", "404", "404", "404", "404", "200", "200"},
	"POST /api/v1/quizzes/:id/attempts":      {"401", "404", "404", "404", "404", "201", "201"},
	"GET /api/v1/quizzes/:id/export.gift":    {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/import":        {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/overrides":     {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id/questions":      {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/questions":     {"401", "403", "404", "404", "403", "201", "201"},
	"GET /api/v1/reports/courses/:slug":      {"401", "403", "404", "200", "403", "200", "200"},
	"GET /api/v1/reports/quizzes/:id/items":  {"401", "403", "404", "404", "403", "200", "200"},
	"GET /author/courses/:slug":              {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/courses/:slug":             {"401", "403", "404", "404", "403", "422", "422"},
	"POST /author/courses/:slug/modules":     {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/courses/:slug/publish":      {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/courses/:slug/publish":     {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/lessons/:id":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/lessons/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/lessons/:id/delete":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/lessons/:id/delete":        {"401", "403", "404", "404", "403", "303", "303"},
	"POST /author/lessons/:id/move":          {"401", "403", "404", "404", "403", "400", "400"},
	"POST /author/modules/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/modules/:id/delete":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/modules/:id/delete":        {"401", "403", "404", "404", "403", "303", "303"},
	"POST /author/modules/:id/lessons":       {"401", "403", "404", "404", "403", "422", "422"},
	"POST /author/modules/:id/move":          {"401", "403", "404", "404", "403", "400", "400"},
	"POST /author/modules/:id/quiz":          {"401", "403", "404", "404", "403", "409", "409"},
	"GET /author/questions/:id":              {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id":             {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/questions/:id/delete":       {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id/delete":      {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id":               {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/quizzes/:id/import":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/import":        {"401", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/questions":     {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id/questions/new":  {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/quizzes/:id/report":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/reports/courses/:slug":      {"303>login", "403", "404", "200", "403", "200", "200"},
	"GET /courses/:slug":                     {"404", "404", "404", "404", "404", "200", "200"},
	"POST /courses/:slug/enroll":             {"401", "404", "404", "404", "404", "303", "303"},
	"GET /images/:name":                      {"404", "404", "404", "404", "404", "200", "200"},
	"GET /lessons/:id":                       {"303>login", "404", "404", "404", "404", "200", "200"},
	"POST /lessons/:id/complete":             {"401", "404", "404", "404", "404", "303", "303"},
	"GET /quizzes/:id":                       {"303>login", "404", "404", "404", "404", "200", "200"},
	"POST /quizzes/:id/start":                {"401", "404", "404", "404", "404", "303", "303"},
}

// catDraftTitle is the draft's title, looked for where it must not be.
const catDraftTitle = "Brouillon-Confidentiel-Titre"

// catContentRoute says whether every parameter of a route names course
// content.
func catContentRoute(route string) bool {
	_, pattern, _ := strings.Cut(route, " ")
	segs := strings.Split(pattern, "/")
	params := 0
	for i, s := range segs {
		if !strings.HasPrefix(s, ":") && s != "*" {
			continue
		}
		params++
		prev := segs[i-1]
		switch {
		case s == ":slug" && prev == "courses":
		case s == ":id" && (prev == "modules" || prev == "lessons" || prev == "quizzes" || prev == "questions"):
		case s == ":name" && prev == "images":
		default:
			return false
		}
	}
	return params > 0
}

// newCatDraft is a draft course of the author with a module, a lesson, a
// quiz with its questions and an image, never published.
func newCatDraft(t *testing.T, a *testApp, p catPeople) catWorld {
	t.Helper()
	var w catWorld
	au := p.author
	w.slug = "cat-brouillon-" + next()
	wantStatus(t, au.do("POST", "/api/v1/courses", map[string]any{"slug": w.slug, "title": catDraftTitle,
		"summary": "Un brouillon.", "hours": 2, "audiences": []string{"police"}, "locale": "fr"}), 201)
	m := au.do("POST", "/api/v1/courses/"+w.slug+"/modules", map[string]any{"slug": "identifier", "title": catDraftTitle + " module"})
	wantStatus(t, m, 201)
	w.module = m.JSON(t)["id"].(string)
	l := au.do("POST", "/api/v1/modules/"+w.module+"/lessons", map[string]any{"title": catDraftTitle + " leçon", "body_md": "Les **indicateurs**.", "minutes": 5})
	wantStatus(t, l, 201)
	w.lesson = l.JSON(t)["id"].(string)
	q := au.do("POST", "/api/v1/modules/"+w.module+"/quiz", map[string]any{"title": catDraftTitle + " quiz", "pass_mark": 50})
	wantStatus(t, q, 201)
	w.quiz = q.JSON(t)["id"].(string)
	wantStatus(t, au.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", []byte(webtest.SixTypesGIFT), "Content-Type", "text/plain; charset=utf-8"), 200)
	qs := au.do("GET", "/api/v1/quizzes/"+w.quiz+"/questions", nil)
	wantStatus(t, qs, 200)
	w.question = qs.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	img := uploadImage(au, w.slug, "schema.png", webtest.PNG(t, uint8(serial.Add(1))))
	wantStatus(t, img, 201)
	w.image = img.JSON(t)["sha256"].(string) + ".png"
	return w
}

// newCatWithdrawn is a catWorld whose course is then taken back to draft.
func newCatWithdrawn(t *testing.T, a *testApp, p catPeople) catWorld {
	t.Helper()
	w := newCatWorld(t, a, p)
	wantStatus(t, p.author.do("PATCH", "/api/v1/courses/"+w.slug, map[string]any{"published": false, "title": catDraftTitle}), 200)
	return w
}

// catMissing is w with every content object replaced by one that does not
// exist.
func catMissing(t *testing.T, w catWorld) catWorld {
	t.Helper()
	w.slug = "cat-inexistant-" + next()
	w.module, w.lesson, w.quiz, w.question = "987654321", "987654322", "987654323", "987654324"
	w.image = strings.Repeat("ab", 32) + ".png"
	return w
}

func TestCatalogueAccessDrafts(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_RATE_VERIFY": "100000"})
	p := newCatPeople(t, a)
	for _, world := range []struct {
		name  string
		table map[string][7]string
		build func(*testing.T, *testApp, catPeople) catWorld
	}{
		{"draft", catDraftMatrix, newCatDraft},
		{"withdrawn", catWithdrawnMatrix, newCatWithdrawn},
	} {
		t.Run(world.name, func(t *testing.T) { catDraftCells(t, a, p, world.name, world.table, world.build) })
	}
}

func catDraftCells(t *testing.T, a *testApp, p catPeople, name string, table map[string][7]string, build func(*testing.T, *testApp, catPeople) catWorld) {
	callers := map[string]user{"trainee": p.trainee, "otherTr": p.otherTrainer, "cohortTr": p.cohortTr,
		"owner": p.owner, "author": p.author, "admin": p.admin}
	printing := os.Getenv("TADRIB_CATALOGUE_PRINT") != ""
	w := build(t, a, p)
	dirty, worlds, cells, failures := false, 1, 0, 0
	var routes, printed []string
	for _, route := range catRoutes(a) {
		if catContentRoute(route) {
			routes = append(routes, route)
		}
	}
	for _, route := range routes {
		want, ok := table[route]
		if !ok && !printing {
			t.Errorf("%s: a route that names course content and has no row in the %s table: add one", route, name)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		var got [7]string
		for i, who := range catCallers {
			if dirty {
				w, dirty = build(t, a, p), false
				worlds++
			}
			u := walkUser{role: who}
			if who != "anon" {
				u.auth = "Bearer " + callers[who].Token
			}
			send := func(w catWorld) (int, string, string) {
				req := walkRequest{method: method, path: w.fillPath(t, p, pattern)}
				if mk := catBodies[route]; mk != nil {
					req.ctype, req.body = mk(t, w, p)
				}
				return catSend(t, a, u, req)
			}
			status, loc, body := send(w)
			got[i] = catClass(status, loc)
			cells++
			if method != "GET" && status < 400 {
				dirty = true
			}
			if ok && got[i] != want[i] {
				failures++
				t.Errorf("%s as %s = %s, want %s: %.200s", route, who, got[i], want[i], body)
			}
			if who == "author" || who == "admin" || catMayKnow(name, who, route) {
				continue
			}
			// Whoever may not see the draft learns nothing from the
			// answer: it is the one of an object that does not exist.
			if strings.Contains(body, catDraftTitle) {
				t.Errorf("%s as %s shows the draft's title", route, who)
			}
			mStatus, mLoc, mBody := send(catMissing(t, w))
			if missing := catClass(mStatus, mLoc); missing != got[i] {
				t.Errorf("%s as %s: %s for the draft, %s for nothing: %.200s | %.200s", route, who, got[i], missing, body, mBody)
			}
		}
		printed = append(printed, fmt.Sprintf("\t%q: {%q, %q, %q, %q, %q, %q, %q},", route, got[0], got[1], got[2], got[3], got[4], got[5], got[6]))
	}
	for route := range table {
		if !contains(routes, route) {
			t.Errorf("the %s table has a row for %s, which is not a content route of the router", name, route)
		}
	}
	if printing {
		fmt.Printf("%s:\n%s\n", name, strings.Join(printed, "\n"))
	}
	t.Logf("%s access matrix: %d routes × %d callers = %d cells, %d differ from the table (%d worlds built)",
		name, len(routes), len(catCallers), cells, failures, worlds)
}

// catMayKnow says who, besides the author and admins, has a business with
// a course taken back to draft: the trainer of its cohort keeps the
// course's report (their cohort followed it). Its trainees lose the
// course's pages (courses/progress.go: it leaves their dashboard); their
// certificates still verify (the main matrix).
func catMayKnow(world, who, route string) bool {
	return world == "withdrawn" && who == "cohortTr" && strings.Contains(route, "/reports/courses/:slug")
}
