package main

import (
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"tadrib/internal/webtest"
	"testing"
)

// SECURITY.md X1 (access matrix), X2, X4: every route of the router that
// names an object, called by each person of catPeople on the objects of a
// catWorld, with the answer each cell must give. The table below is the
// expected matrix; a route the router has and the table lacks fails the
// test, so a new route gets its row. TADRIB_CATALOGUE_PRINT=1 prints the
// matrix as it is, in the table's form, to review a new row.
//
// A cell is the status, and for a redirect where it goes: "303>login" is a
// redirect to the sign-in page, "303" a redirect elsewhere. Requests carry
// a Bearer token (no CSRF token needed: the cell tests the authorization,
// SECURITY.md H1 has its own tests) and no body, so a write that passes its
// authorization answers its validation error (400) or succeeds.
//
// Columns, in the order the cells are sent (least privileged first):
// anonymous, another trainee (same course and cohort), a trainer of another
// course, the course's trainer (runs the cohort, did not write the course),
// the owner (the trainee whose attempt, certificate, invitation and
// membership they are), the course's author, an admin.

var catCallers = []string{"anon", "trainee", "otherTr", "cohortTr", "owner", "author", "admin"}

// catMatrix is the expected matrix: "METHOD /pattern" → one cell per caller.
var catMatrix = map[string][7]string{
	//                                          anon, trainee, otherTr, cohortTr, owner, author, admin
	"GET /admin/users/:id":                          {"303>login", "403", "403", "403", "403", "403", "200"},
	"GET /admin/users/:id/confirm/:action":          {"303>login", "403", "403", "403", "403", "403", "200"},
	"POST /admin/users/:id/delete":                  {"401", "403", "403", "403", "403", "403", "422"},
	"POST /admin/users/:id/disable":                 {"401", "403", "403", "403", "403", "403", "303"},
	"POST /admin/users/:id/enable":                  {"401", "403", "403", "403", "403", "403", "303"},
	"POST /admin/users/:id/export":                  {"401", "403", "403", "403", "403", "403", "200"},
	"POST /admin/users/:id/reset":                   {"401", "403", "403", "403", "403", "403", "200"},
	"POST /admin/users/:id/role":                    {"401", "403", "403", "403", "403", "403", "400"},
	"PATCH /api/v1/admin/users/:id":                 {"401", "403", "403", "403", "403", "403", "200"},
	"GET /api/v1/attempts/:id":                      {"401", "404", "404", "404", "200", "404", "404"},
	"PUT /api/v1/attempts/:id/answers/:qid":         {"401", "404", "404", "404", "204", "404", "404"},
	"POST /api/v1/attempts/:id/answers/:qid/grade":  {"401", "403", "404", "404", "403", "404", "404"},
	"POST /api/v1/attempts/:id/submit":              {"401", "404", "404", "404", "200", "404", "404"},
	"GET /api/v1/certificates/:code/pdf":            {"401", "404", "404", "404", "200", "200", "200"},
	"POST /api/v1/certificates/:code/reissue":       {"401", "403", "404", "404", "403", "201", "201"},
	"POST /api/v1/certificates/:code/revoke":        {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/cohorts/:id":                       {"401", "403", "404", "200", "403", "404", "200"},
	"PATCH /api/v1/cohorts/:id":                     {"401", "403", "404", "200", "403", "404", "200"},
	"GET /api/v1/cohorts/:id/members":               {"401", "403", "404", "200", "403", "404", "200"},
	"POST /api/v1/cohorts/:id/members":              {"401", "403", "404", "400", "403", "404", "400"},
	"DELETE /api/v1/cohorts/:id/members/:user":      {"401", "403", "404", "204", "403", "404", "204"},
	"POST /api/v1/cohorts/join/:token":              {"401", "200", "200", "200", "200", "200", "200"},
	"GET /api/v1/courses/:slug":                     {"200", "200", "200", "200", "200", "200", "200"},
	"PATCH /api/v1/courses/:slug":                   {"401", "403", "403", "403", "403", "200", "200"},
	"POST /api/v1/courses/:slug/certificate":        {"401", "422", "422", "422", "200", "422", "422"},
	"POST /api/v1/courses/:slug/enroll":             {"401", "200", "201", "201", "200", "201", "201"},
	"GET /api/v1/courses/:slug/export":              {"401", "403", "403", "403", "403", "200", "200"},
	"POST /api/v1/courses/:slug/images":             {"401", "403", "403", "403", "403", "201", "201"},
	"POST /api/v1/courses/:slug/modules":            {"401", "403", "403", "403", "403", "201", "201"},
	"DELETE /api/v1/lessons/:id":                    {"401", "403", "403", "403", "403", "204", "204"},
	"GET /api/v1/lessons/:id":                       {"401", "200", "200", "200", "200", "200", "200"},
	"PATCH /api/v1/lessons/:id":                     {"401", "403", "403", "403", "403", "200", "200"},
	"POST /api/v1/lessons/:id/complete":             {"401", "204", "204", "204", "204", "204", "204"},
	"POST /api/v1/me/invitations/:id/accept":        {"401", "404", "404", "404", "204", "404", "404"},
	"POST /api/v1/me/invitations/:id/decline":       {"401", "404", "404", "404", "204", "404", "404"},
	"DELETE /api/v1/modules/:id":                    {"401", "403", "403", "403", "403", "204", "204"},
	"PATCH /api/v1/modules/:id":                     {"401", "403", "403", "403", "403", "200", "200"},
	"POST /api/v1/modules/:id/lessons":              {"401", "403", "403", "403", "403", "201", "201"},
	"POST /api/v1/modules/:id/quiz":                 {"401", "403", "403", "403", "403", "409", "409"},
	"DELETE /api/v1/questions/:id":                  {"401", "403", "404", "404", "403", "204", "204"},
	"GET /api/v1/questions/:id":                     {"401", "403", "404", "404", "403", "200", "200"},
	"PUT /api/v1/questions/:id":                     {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id":                       {"401", "200", "200", "200", "200", "200", "200"},
	"PATCH /api/v1/quizzes/:id":                     {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id/attempts":              {"401", "200", "200", "200", "200", "200", "200"},
	"POST /api/v1/quizzes/:id/attempts":             {"401", "201", "201", "201", "200", "201", "201"},
	"GET /api/v1/quizzes/:id/export.gift":           {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/import":               {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/overrides":            {"401", "403", "404", "404", "403", "200", "200"},
	"GET /api/v1/quizzes/:id/questions":             {"401", "403", "404", "404", "403", "200", "200"},
	"POST /api/v1/quizzes/:id/questions":            {"401", "403", "404", "404", "403", "201", "201"},
	"GET /api/v1/reports/courses/:slug":             {"401", "403", "404", "200", "403", "200", "200"},
	"GET /api/v1/reports/quizzes/:id/items":         {"401", "403", "404", "404", "403", "200", "200"},
	"GET /attempts/:id":                             {"303>login", "404", "404", "404", "200", "404", "404"},
	"POST /attempts/:id":                            {"401", "404", "404", "404", "303", "404", "404"},
	"GET /attempts/:id/result":                      {"303>login", "404", "404", "404", "200", "404", "404"},
	"GET /author/certificates/:code":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/certificates/:code/reissue":       {"401", "403", "404", "404", "403", "400", "400"},
	"POST /author/certificates/:code/revoke":        {"401", "403", "404", "404", "403", "400", "400"},
	"GET /author/cohorts/:id":                       {"303>login", "403", "404", "200", "403", "404", "200"},
	"POST /author/cohorts/:id":                      {"401", "403", "404", "422", "403", "404", "422"},
	"GET /author/cohorts/:id/invite":                {"303>login", "403", "404", "200", "403", "404", "200"},
	"POST /author/cohorts/:id/invite":               {"401", "403", "404", "303", "403", "404", "303"},
	"POST /author/cohorts/:id/members":              {"401", "403", "404", "422", "403", "404", "422"},
	"GET /author/cohorts/:id/members/:user/remove":  {"303>login", "403", "404", "200", "403", "404", "200"},
	"POST /author/cohorts/:id/members/:user/remove": {"401", "403", "404", "303", "403", "404", "303"},
	"GET /author/courses/:slug":                     {"303>login", "403", "403", "403", "403", "200", "200"},
	"POST /author/courses/:slug":                    {"401", "403", "403", "403", "403", "422", "422"},
	"POST /author/courses/:slug/modules":            {"401", "403", "403", "403", "403", "422", "422"},
	"GET /author/courses/:slug/publish":             {"303>login", "403", "403", "403", "403", "200", "200"},
	"POST /author/courses/:slug/publish":            {"401", "403", "403", "403", "403", "303", "303"},
	"GET /author/lessons/:id":                       {"303>login", "403", "403", "403", "403", "200", "200"},
	"POST /author/lessons/:id":                      {"401", "403", "403", "403", "403", "422", "422"},
	"GET /author/lessons/:id/delete":                {"303>login", "403", "403", "403", "403", "200", "200"},
	"POST /author/lessons/:id/delete":               {"401", "403", "403", "403", "403", "303", "303"},
	"POST /author/lessons/:id/move":                 {"401", "403", "403", "403", "403", "400", "400"},
	"POST /author/modules/:id":                      {"401", "403", "403", "403", "403", "422", "422"},
	"GET /author/modules/:id/delete":                {"303>login", "403", "403", "403", "403", "200", "200"},
	"POST /author/modules/:id/delete":               {"401", "403", "403", "403", "403", "303", "303"},
	"POST /author/modules/:id/lessons":              {"401", "403", "403", "403", "403", "422", "422"},
	"POST /author/modules/:id/move":                 {"401", "403", "403", "403", "403", "400", "400"},
	"POST /author/modules/:id/quiz":                 {"401", "403", "403", "403", "403", "409", "409"},
	"GET /author/questions/:id":                     {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id":                    {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/questions/:id/delete":              {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/questions/:id/delete":             {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id":                       {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id":                      {"401", "403", "404", "404", "403", "422", "422"},
	"GET /author/quizzes/:id/import":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/import":               {"401", "403", "404", "404", "403", "200", "200"},
	"POST /author/quizzes/:id/questions":            {"401", "403", "404", "404", "403", "303", "303"},
	"GET /author/quizzes/:id/questions/new":         {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/quizzes/:id/report":                {"303>login", "403", "404", "404", "403", "200", "200"},
	"GET /author/reports/courses/:slug":             {"303>login", "403", "404", "200", "403", "200", "200"},
	"GET /courses/:slug":                            {"200", "200", "200", "200", "200", "200", "200"},
	"POST /courses/:slug/enroll":                    {"401", "303", "303", "303", "303", "303", "303"},
	"GET /images/:name":                             {"200", "200", "200", "200", "200", "200", "200"},
	"POST /invitations/:id/accept":                  {"401", "404", "404", "404", "303", "404", "404"},
	"POST /invitations/:id/decline":                 {"401", "404", "404", "404", "303", "404", "404"},
	"GET /invite/:token":                            {"200", "200", "200", "200", "200", "200", "200"},
	"POST /invite/:token":                           {"403", "403", "403", "403", "400", "403", "403"},
	"GET /join/:token":                              {"200", "200", "200", "200", "200", "200", "200"},
	"POST /join/:token":                             {"403", "303", "303", "303", "303", "303", "303"},
	"GET /keys/:kid":                                {"200", "200", "200", "200", "200", "200", "200"},
	"GET /lessons/:id":                              {"303>login", "200", "200", "200", "200", "200", "200"},
	"POST /lessons/:id/complete":                    {"401", "303", "303", "303", "303", "303", "303"},
	"GET /quizzes/:id":                              {"303>login", "200", "200", "200", "200", "200", "200"},
	"POST /quizzes/:id/start":                       {"401", "303", "303", "303", "303", "303", "303"},
	"GET /set-password/:token":                      {"200", "200", "200", "200", "200", "200", "200"},
	"POST /set-password/:token":                     {"403", "422", "422", "422", "422", "422", "422"},
	"GET /static/*":                                 {"200", "200", "200", "200", "200", "200", "200"},
	"GET /v/:code":                                  {"200", "200", "200", "200", "200", "200", "200"},
	"GET /verify/:code":                             {"200", "200", "200", "200", "200", "200", "200"},
	"GET /verify/:code.json":                        {"200", "200", "200", "200", "200", "200", "200"},
}

// catBodies are the bodies of the writes whose empty body every caller's
// validation refuses before (or instead of) the authorization: with a valid
// body the cell says who may really write (SECURITY.md C3: a trainer of
// another course revoking a certificate gets 404, not 400).
var catBodies = map[string]func(t *testing.T, w catWorld, p catPeople) (ctype, body string){
	"POST /api/v1/certificates/:code/revoke":  catJSON(`{"reason":"Erreur de saisie"}`),
	"POST /api/v1/certificates/:code/reissue": catJSON(`{"reason":"Nom corrigé","name":"Nadia Corrigée"}`),
	"POST /api/v1/courses/:slug/modules":      catJSON(`{"slug":"orienter","title":"Orienter"}`),
	"POST /api/v1/modules/:id/lessons":        catJSON(`{"title":"Leçon 2","body_md":"Texte.","minutes":3}`),
	"POST /api/v1/modules/:id/quiz":           catJSON(`{"title":"Autre quiz","pass_mark":50}`),
	"POST /api/v1/quizzes/:id/questions":      catJSON(`{"type":"true_false","stem":"Le consentement est indifférent.","correct":true}`),
	"PUT /api/v1/questions/:id":               catJSON(`{"type":"true_false","stem":"Le consentement est indifférent.","correct":true}`),
	"POST /api/v1/quizzes/:id/overrides": func(t *testing.T, w catWorld, p catPeople) (string, string) {
		return "application/json", `{"user_id":"` + p.owner.ID + `","extra_time_s":60}`
	},
	"POST /api/v1/courses/:slug/images": func(t *testing.T, w catWorld, p catPeople) (string, string) {
		b, ctype := webtest.Multipart(t, map[string]string{"alt": "Schéma"}, "image", "autre.png", webtest.PNG(t, uint8(serial.Add(1))))
		return ctype, string(b)
	},
	"POST /author/quizzes/:id/questions": catForm("type=true_false&format=markdown&stem=Indiff%C3%A9rent&correct=true"),
	"PUT /api/v1/attempts/:id/answers/:qid": func(t *testing.T, w catWorld, p catPeople) (string, string) {
		return "application/json", `{"text":"réponse"}`
	},
}

func catJSON(body string) func(*testing.T, catWorld, catPeople) (string, string) {
	return func(*testing.T, catWorld, catPeople) (string, string) { return "application/json", body }
}

func catForm(body string) func(*testing.T, catWorld, catPeople) (string, string) {
	return func(*testing.T, catWorld, catPeople) (string, string) {
		return "application/x-www-form-urlencoded", body
	}
}

// catPublicHolder are the routes that show a person to whoever holds a
// capability naming them, and the leak check leaves out: a certificate's
// holder to whoever has its code (SECURITY.md C6), an invitation's address
// (the one its trainer typed) to whoever has its personal link, which was
// made for that address (SECURITY.md finding M4).
var catPublicHolder = map[string]bool{"GET /verify/:code": true, "GET /verify/:code.json": true, "GET /v/:code": true, "GET /invite/:token": true}

// catSelfWrites are the writes whose success concerns the caller alone:
// enrolling, joining a cohort, completing a lesson, starting an attempt
// change the caller's own enrolment, membership, progress or attempts, and
// nothing another caller's cell of the same row reads. After one of them
// the row goes on with the same world (each caller of such a row succeeds:
// a new world per cell made six per row); the next row gets a new one.
var catSelfWrites = map[string]bool{
	"POST /api/v1/cohorts/join/:token": true, "POST /join/:token": true,
	"POST /api/v1/courses/:slug/enroll": true, "POST /courses/:slug/enroll": true,
	"POST /api/v1/lessons/:id/complete": true, "POST /lessons/:id/complete": true,
	"POST /api/v1/quizzes/:id/attempts": true, "POST /quizzes/:id/start": true,
}

// catClass is the cell of one answer.
func catClass(status int, location string) string {
	s := strconv.Itoa(status)
	if status >= 300 && status < 400 {
		if strings.HasPrefix(location, "/login") {
			return s + ">login"
		}
	}
	return s
}

// catRoutes are the routes of the matrix: those with a path parameter (the
// ones that name an object), HEAD twins left out.
func catRoutes(a *testApp) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range a.GetRoutes(true) {
		if r.Method == "HEAD" || !strings.ContainsAny(r.Path, ":*") {
			continue
		}
		k := r.Method + " " + r.Path
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := strings.SplitN(out[i], " ", 2)[1], strings.SplitN(out[j], " ", 2)[1]
		if pi != pj {
			return pi < pj
		}
		return out[i] < out[j]
	})
	return out
}

func TestCatalogueAccessMatrix(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_RATE_VERIFY": "100000"})
	p := newCatPeople(t, a)
	callers := map[string]user{"trainee": p.trainee, "otherTr": p.otherTrainer, "cohortTr": p.cohortTr,
		"owner": p.owner, "author": p.author, "admin": p.admin}
	w := newCatWorld(t, a, p)
	dirty, worlds := false, 1
	printing := os.Getenv("TADRIB_CATALOGUE_PRINT") != ""
	routes := catRoutes(a)
	cells, failures := 0, 0
	var printed []string
	for _, route := range routes {
		want, ok := catMatrix[route]
		if !ok && !printing {
			t.Errorf("%s: a route that names an object and has no row in catMatrix: add one", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		var got [7]string
		rowDirty := false
		for i, who := range catCallers {
			if dirty {
				w, dirty = newCatWorld(t, a, p), false
				worlds++
			}
			u := walkUser{role: who}
			if who != "anon" {
				u.auth = "Bearer " + callers[who].Token
			}
			path := w.fillPath(t, p, pattern)
			req := walkRequest{method: method, path: path}
			if mk := catBodies[route]; mk != nil {
				req.ctype, req.body = mk(t, w, p)
			}
			status, loc, body := catSend(t, a, u, req)
			// Beyond the status: whoever has no business with the owner
			// never reads who they are (SECURITY.md X1, "0 foreign objects
			// readable").
			if status < 400 && !catPublicHolder[route] && (who == "anon" || who == "trainee" || who == "otherTr") {
				for _, secret := range []string{p.owner.Email, catOwnerName} {
					if strings.Contains(body, secret) {
						t.Errorf("%s as %s (%s) shows the owner's %q", route, who, path, secret)
					}
				}
			}
			got[i] = catClass(status, loc)
			cells++
			// A write that got through may have changed the world (a
			// delete, a submit, a revocation): the next cell gets a new
			// one, or the next row after a write of the caller's own.
			switch {
			case method == "GET" || status >= 400:
			case catSelfWrites[route]:
				rowDirty = true
			default:
				dirty = true
			}
			if ok && got[i] != want[i] {
				failures++
				t.Errorf("%s as %s (%s) = %s, want %s: %.200s", route, who, path, got[i], want[i], body)
			}
		}
		dirty = dirty || rowDirty
		printed = append(printed, fmt.Sprintf("\t%q: {%q, %q, %q, %q, %q, %q, %q},", route, got[0], got[1], got[2], got[3], got[4], got[5], got[6]))
	}
	for route := range catMatrix {
		if !contains(routes, route) {
			t.Errorf("catMatrix has a row for %s, which the router no longer has", route)
		}
	}
	if printing {
		fmt.Println(strings.Join(printed, "\n"))
	}
	t.Logf("access matrix: %d routes × %d callers = %d cells, %d differ from the table (%d worlds built)",
		len(routes), len(catCallers), cells, failures, worlds)
}

// catSend sends one request straight to Fiber, like the route walk's send,
// and returns its status, Location header and body.
func catSend(t *testing.T, a *testApp, u walkUser, r walkRequest) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if u.auth != "" {
		req.Header.Set("Authorization", u.auth)
	}
	if strings.HasPrefix(r.path, "/api/") {
		req.Header.Set("Accept", "application/json")
	} else {
		req.Header.Set("Accept", "text/html")
	}
	res, err := a.app.App.Test(req, -1)
	if err != nil {
		t.Fatalf("%s as %s: %v", r, u.role, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location"), string(b)
}
