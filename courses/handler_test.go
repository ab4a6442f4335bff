package courses

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// server mounts the courses routes on a webtest.Env, the way cmd/tadrib
// does, with a fake list of pending invitations for the dashboard.
func server(t *testing.T, invitations PendingInvitations) env {
	t.Helper()
	e := newEnv(t, nil, nil)
	NewHandler(e.svc, e.Renderer, invitations).Routes(e.App, e.API)
	return e
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAPIStatuses walks the JSON API as a visitor, a trainee who enrols and
// one who does not: the statuses, and problem+json for every refusal.
func TestAPIStatuses(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	author := e.User("Amina", models.RoleTrainer)
	c := e.Course("cours", 2, &author)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)
	l1, l2 := itoa(lessons(c)[0]), itoa(lessons(c)[1])
	nadia, karim := e.As(e.User("Nadia", models.RoleTrainee)), e.As(e.User("Karim", models.RoleTrainee))
	anon := e.Anonymous()

	for _, tc := range []struct {
		who            *webtest.Client
		method, path   string
		status         int
		problem        bool
		problemField   string
		name           string
		bodyContains   string
		bodyNotContain string
	}{
		{anon, "GET", "/api/v1/courses", 200, false, "", "catalogue, visitor", `"slug":"cours"`, `"enrolled"`},
		{anon, "GET", "/api/v1/courses?profession=astronaut", 400, true, "profession", "bad profession", "", ""},
		{anon, "GET", "/api/v1/courses?profession=judiciary", 200, false, "", "profession filter", `"items":[]`, ""},
		{anon, "GET", "/api/v1/courses/cours", 200, false, "", "course, visitor", `"enrolled":false`, ""},
		{anon, "GET", "/api/v1/courses/brouillon", 404, true, "", "draft, visitor", "", ""},
		{nadia, "GET", "/api/v1/courses/brouillon", 404, true, "", "draft, trainee", "", ""},
		{nadia, "GET", "/api/v1/courses/inconnu", 404, true, "", "unknown course", "", ""},
		{anon, "POST", "/api/v1/courses/cours/enroll", 401, true, "", "enrol, visitor", "", ""},
		{anon, "GET", "/api/v1/lessons/" + l1, 401, true, "", "lesson, visitor", "", ""},
		{anon, "POST", "/api/v1/lessons/" + l1 + "/complete", 401, true, "", "complete, visitor", "", ""},
		{anon, "GET", "/api/v1/me/progress", 401, true, "", "progress, visitor", "", ""},
		{nadia, "GET", "/api/v1/courses", 200, false, "", "catalogue, trainee", `"enrolled":false`, ""},
		{nadia, "GET", "/api/v1/lessons/" + l1, 403, true, "", "lesson before enrolling", "", ""},
		{nadia, "POST", "/api/v1/lessons/" + l1 + "/complete", 403, true, "", "complete before enrolling", "", ""},
		{nadia, "POST", "/api/v1/courses/brouillon/enroll", 404, true, "", "enrol in a draft", "", ""},
		{nadia, "POST", "/api/v1/courses/inconnu/enroll", 404, true, "", "enrol in nothing", "", ""},
		{nadia, "POST", "/api/v1/courses/cours/enroll", 201, false, "", "enrol", `"enrolled":true`, ""},
		{nadia, "POST", "/api/v1/courses/cours/enroll", 200, false, "", "enrol again", `"course_slug":"cours"`, ""},
		{nadia, "GET", "/api/v1/lessons/" + l1, 200, false, "", "lesson", `"next_id":"` + l2 + `"`, `"body_md"`},
		{nadia, "GET", "/api/v1/lessons/" + itoa(lessons(draft)[0]), 404, true, "", "a draft's lesson", "", ""},
		{nadia, "POST", "/api/v1/lessons/" + l1 + "/complete", 204, false, "", "complete", "", ""},
		{nadia, "POST", "/api/v1/lessons/" + l1 + "/complete", 204, false, "", "complete again", "", ""},
		{nadia, "POST", "/api/v1/lessons/99999999/complete", 404, true, "", "complete unknown", "", ""},
		{nadia, "GET", "/api/v1/lessons/abc", 404, true, "", "lesson id not a number", "", ""},
		{nadia, "GET", "/api/v1/lessons/0", 404, true, "", "lesson id zero", "", ""},
		{nadia, "POST", "/api/v1/lessons/-3/complete", 404, true, "", "lesson id negative", "", ""},
		{nadia, "GET", "/api/v1/courses/cours", 200, false, "", "course, half done", `"progress":{"percent":50,"completed_at":null}`, ""},
		{nadia, "GET", "/api/v1/me/progress", 200, false, "", "my progress", `"resume_lesson_id":"` + l2 + `"`, ""},
		{karim, "GET", "/api/v1/me/progress", 200, false, "", "nothing followed", `{"items":[]}`, ""},
		{e.As(author), "GET", "/api/v1/lessons/" + itoa(lessons(draft)[0]), 200, false, "", "author reads the draft", `"body_md"`, ""},
	} {
		r := tc.who.Do(tc.method, tc.path, nil)
		if tc.problem {
			r.WantProblem(t, tc.status, tc.problemField)
		} else if r.Status != tc.status {
			t.Errorf("%s: %s %s → %d, want %d: %.300s", tc.name, tc.method, tc.path, r.Status, tc.status, r.Body)
		}
		if tc.bodyContains != "" && !strings.Contains(r.Body, tc.bodyContains) {
			t.Errorf("%s: body lacks %s: %.500s", tc.name, tc.bodyContains, r.Body)
		}
		if tc.bodyNotContain != "" && strings.Contains(r.Body, tc.bodyNotContain) {
			t.Errorf("%s: body has %s: %.500s", tc.name, tc.bodyNotContain, r.Body)
		}
	}
}

// TestAPILessonLanguage: the lesson in the language asked, or the course's
// marked untranslated, with the language in Content-Language.
func TestAPILessonLanguage(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 1, nil)
	e.enrol(t, u, c)
	path := "/api/v1/lessons/" + itoa(lessons(c)[0]) + "?lang=ar"
	var v LessonView
	r := e.As(u).Get(path).Want(t, http.StatusOK)
	r.JSON(t, &v)
	if v.Lang != "fr" || !v.Untranslated || r.Header.Get("Content-Language") != "ar" {
		t.Errorf("untranslated: lang %q untranslated %v Content-Language %q", v.Lang, v.Untranslated, r.Header.Get("Content-Language"))
	}
	e.translate(t, c)
	e.As(u).Get(path).Want(t, http.StatusOK).JSON(t, &v)
	if v.Lang != "ar" || v.Untranslated || v.Title != "الدرس 1" {
		t.Errorf("translated: lang %q untranslated %v title %q", v.Lang, v.Untranslated, v.Title)
	}
}

// TestPagesRenderInFrenchAndArabic: every page of the courses renders in
// French left to right and in Arabic right to left.
func TestPagesRenderInFrenchAndArabic(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	e.translate(t, c)
	e.enrol(t, u, c)
	e.complete(t, u, lessons(c)[0])
	lesson := "/lessons/" + itoa(lessons(c)[1])

	for _, tc := range []struct {
		lang, html string
		want       map[string]string // path → a text the page must show
	}{
		{"fr", `<html lang="fr" dir="ltr">`, map[string]string{
			"/": "Cours cours", "/courses": "Catalogue des cours", "/courses/cours": "Leçon 2",
			lesson: "Leçon 2 : à lire.", "/dashboard": "Mon tableau de bord"}},
		{"ar", `<html lang="ar" dir="rtl">`, map[string]string{
			"/": "دورة cours", "/courses": "فهرس الدورات", "/courses/cours": "الدرس 2",
			lesson: "<p>الدرس 2</p>", "/dashboard": "لوحة متابعتي"}},
	} {
		client := e.As(u)
		client.Lang = tc.lang
		for path, text := range tc.want {
			r := client.Get(path).Want(t, http.StatusOK)
			if !strings.Contains(r.Body, tc.html) || !strings.Contains(r.Body, text) {
				t.Errorf("%s %s: want %s and %q in the page", tc.lang, path, tc.html, text)
			}
		}
	}
}

// TestCoursePageShowsUntranslatedNoteAndPath: the page says when a course
// is not in the reader's language, and shows the path of prerequisites.
func TestCoursePageShowsUntranslatedNoteAndPath(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	e.Course("base", 1, nil)
	e.set(t, e.Course("metier", 1, nil), "prerequisites", "base")
	ar := e.Anonymous()
	ar.Lang = "ar"
	page := ar.Get("/courses/metier").Want(t, http.StatusOK).Body
	if !strings.Contains(page, "هذا المحتوى غير مترجم") || !strings.Contains(page, `href="/courses/base"`) || !strings.Contains(page, "مسارك التكويني") {
		t.Errorf("the Arabic page of a French course lacks the untranslated note or the path: %.2000s", page)
	}
	fr := e.Anonymous().Get("/courses/metier").Want(t, http.StatusOK).Body
	if strings.Contains(fr, "pas encore traduit") {
		t.Error("the French page of a French course says it is untranslated")
	}
	if !strings.Contains(e.Anonymous().Get("/courses").Body, "Commencez par") {
		t.Error("the catalogue does not say where the path starts")
	}
}

// TestPageFlows: the forms a person without JavaScript uses: enrol, read,
// complete, and the redirects between them.
func TestPageFlows(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	l1, l2 := itoa(lessons(c)[0]), itoa(lessons(c)[1])
	b := e.As(u)

	// A lesson before enrolling shows the course with its enrol button.
	r := b.Get("/lessons/"+l1).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/courses/cours?enrol=1" {
		t.Errorf("lesson before enrolling → %q", loc)
	}
	if !strings.Contains(b.Get("/courses/cours").Body, `action="/courses/cours/enroll"`) {
		t.Error("the course page has no enrol form")
	}
	r = b.Post("/courses/cours/enroll", url.Values{}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/lessons/"+l1 {
		t.Errorf("enrolling → %q, want the first lesson", loc)
	}
	page := b.Get("/lessons/"+l1).Want(t, http.StatusOK).Body
	if !strings.Contains(page, `rel="next" href="/lessons/`+l2+`"`) || strings.Contains(page, `rel="prev"`) {
		t.Error("the first lesson's page lacks its next link or has a previous one")
	}
	r = b.Post("/lessons/"+l1+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/lessons/"+l2+"?done="+l1 {
		t.Errorf("completing the first lesson → %q, want the next", loc)
	}
	r = b.Post("/lessons/"+l2+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/courses/cours?done="+l2 {
		t.Errorf("completing the last lesson → %q, want the course", loc)
	}
	// Enrolling again in a finished course goes to the course page.
	r = b.Post("/courses/cours/enroll", url.Values{}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/courses/cours" {
		t.Errorf("enrolling in a finished course → %q", loc)
	}
	if !regexp.MustCompile(`<progress max="100" value="100"`).MatchString(b.Get("/dashboard").Body) {
		t.Error("the dashboard does not show the course finished")
	}
}

// TestPageRefusals: pages answer refusals with pages, not JSON; a visitor
// is sent to sign in; a form post without its token is refused.
func TestPageRefusals(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	author := e.User("Amina", models.RoleTrainer)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 1, nil)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)
	lid := itoa(lessons(c)[0])

	for _, tc := range []struct {
		who    *webtest.Client
		method string
		path   string
		status int
	}{
		{e.As(u), "GET", "/courses/brouillon", 404},
		{e.As(u), "GET", "/courses/inconnu", 404},
		{e.As(u), "GET", "/lessons/" + itoa(lessons(draft)[0]), 404},
		{e.As(u), "GET", "/lessons/abc", 404},
		{e.As(u), "POST", "/courses/brouillon/enroll", 404},
		{e.As(u), "POST", "/lessons/" + lid + "/complete", 403}, // not enrolled
		{e.As(u), "GET", "/courses?profession=astronaut", 400},
		{e.Anonymous(), "POST", "/courses/cours/enroll", 401},
	} {
		r := tc.who.Do(tc.method, tc.path, url.Values{}, "Accept", "text/html")
		r.Want(t, tc.status)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(r.Body, "<html") {
			t.Errorf("%s %s: %q, want an HTML page", tc.method, tc.path, ct)
		}
	}
	for _, path := range []string{"/dashboard", "/lessons/" + lid} {
		r := e.Anonymous().Get(path).Want(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape(path) {
			t.Errorf("visitor on %s → %q, want the login page", path, loc)
		}
	}

	// A form post without the session's token (a forged form on another
	// site) is refused and changes nothing; the page's own token passes.
	b := e.As(u)
	b.Do("POST", "/courses/cours/enroll", url.Values{}, "X-CSRF-Token", "").Want(t, http.StatusForbidden)
	b.Do("POST", "/courses/cours/enroll", url.Values{"_csrf": {"forged"}}, "X-CSRF-Token", "").Want(t, http.StatusForbidden)
	if n := e.count(t, &models.Enrolment{}, "user_id = ?", u.ID); n != 0 {
		t.Fatalf("a forged form enrolled the trainee (%d rows)", n)
	}
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(b.Get("/courses/cours").Body)
	if m == nil {
		t.Fatal("the course page carries no CSRF token")
	}
	b.Do("POST", "/courses/cours/enroll", url.Values{"_csrf": {m[1]}}, "X-CSRF-Token", "").Want(t, http.StatusSeeOther)
	if n := e.count(t, &models.Enrolment{}, "user_id = ?", u.ID); n != 1 {
		t.Errorf("the form with its token did not enrol (%d rows)", n)
	}
}

// TestCataloguePage: a trainee sees the courses for their profession first,
// and all of them on asking; a visitor sees all.
func TestCataloguePage(t *testing.T) {
	t.Parallel()
	e := server(t, nil)
	e.set(t, e.Course("pour-police", 1, nil), "audiences", "police")
	e.set(t, e.Course("pour-juges", 1, nil), "audiences", "judiciary")
	u := e.User("Nadia", models.RoleTrainee) // profession police (webtest.User)

	for _, tc := range []struct {
		who        *webtest.Client
		path       string
		want, hide []string
	}{
		{e.As(u), "/courses", []string{"pour-police"}, []string{"pour-juges"}},
		{e.As(u), "/courses?all=1", []string{"pour-police", "pour-juges"}, nil},
		{e.As(u), "/courses?profession=judiciary", []string{"pour-juges"}, []string{"pour-police"}},
		{e.Anonymous(), "/courses", []string{"pour-police", "pour-juges"}, nil},
		{e.Anonymous(), "/", []string{"pour-police", "pour-juges"}, nil},
	} {
		page := tc.who.Get(tc.path).Want(t, http.StatusOK).Body
		for _, s := range tc.want {
			if !strings.Contains(page, `href="/courses/`+s+`"`) {
				t.Errorf("%s lacks %s", tc.path, s)
			}
		}
		for _, s := range tc.hide {
			if strings.Contains(page, `href="/courses/`+s+`"`) {
				t.Errorf("%s shows %s", tc.path, s)
			}
		}
	}
	if page := e.As(u).Get("/courses?welcome=1").Body; !strings.Contains(page, e.Catalog.T("fr", "catalog.welcome")) {
		t.Error("the welcome note is missing after registering")
	}
	if page := e.As(u).Get("/courses?profession=child_protection").Body; !strings.Contains(page, `href="/courses?all=1"`) {
		t.Error("an empty filter does not offer every course")
	}
}

// TestDashboardPage: the courses followed, the invitations waiting, and the
// notice after answering one.
func TestDashboardPage(t *testing.T) {
	t.Parallel()
	e := server(t, invitationsFunc(func(u models.User) []invitation {
		if u.Name != "Nadia" {
			return nil
		}
		return []invitation{{ID: "42", Cohort: "Session de Tanger", StartsOn: "2025-03-01", EndsOn: "2025-03-05",
			Courses: []CourseRef{{Slug: "cours", Title: "Cours cours"}}}}
	}))
	nadia := e.User("Nadia", models.RoleTrainee)
	karim := e.User("Karim", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	e.enrol(t, karim, c)

	page := e.As(nadia).Get("/dashboard").Want(t, http.StatusOK).Body
	if !strings.Contains(page, "Invitations en attente") || !strings.Contains(page, "Session de Tanger") ||
		!strings.Contains(page, `action="/invitations/42/accept"`) {
		t.Error("the dashboard does not show the pending invitation")
	}
	if !strings.Contains(page, `href="/courses"`) || strings.Contains(page, "<progress") {
		t.Error("a dashboard with no course should offer the catalogue and no progress bar")
	}
	page = e.As(karim).Get("/dashboard?joined=1").Want(t, http.StatusOK).Body
	if strings.Contains(page, "Invitations en attente") || !strings.Contains(page, "Vous participez à la session.") {
		t.Error("the notice after joining is missing, or an invitation is shown to someone without one")
	}
	if !strings.Contains(page, `href="/lessons/`+itoa(lessons(c)[0])+`"`) || !strings.Contains(page, `<progress max="100" value="0"`) {
		t.Error("the dashboard lacks the followed course's start link or progress bar")
	}
}
