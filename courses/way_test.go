package courses_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// fakeCodes is the certificates a test says a user holds, by course id.
type fakeCodes map[int64]string

func (f fakeCodes) CodesByCourse(context.Context, int64) (map[int64]string, error) { return f, nil }

// wayEnv mounts the courses routes (no quiz; certificates from codes).
func wayEnv(t *testing.T, codes fakeCodes) *webtest.Env {
	t.Helper()
	e := webtest.New(t)
	svc := courses.NewService(e.DB, nil, codes)
	courses.NewHandler(svc, e.Renderer, nil).Routes(e.App, e.API)
	return e
}

func lessonID(c models.Course, i int) string {
	return strconv.FormatInt(c.Modules[0].Lessons[i].ID, 10)
}

func enrol(t *testing.T, e *webtest.Env, u models.User, c models.Course) *webtest.Client {
	t.Helper()
	cl := e.As(u)
	cl.Post("/courses/"+c.Slug+"/enroll", url.Values{}).Want(t, http.StatusSeeOther)
	return cl
}

// TestLessonDoneIsConfirmed: after "J'ai terminé cette leçon" the next lesson
// (or, after the last, the course page) says so in a role="status", in the
// viewer's language; a ?done= naming a lesson not completed confirms nothing.
func TestLessonDoneIsConfirmed(t *testing.T) {
	t.Parallel()
	e := wayEnv(t, nil)
	c := e.Course("confirme", 2, nil)
	u := e.User("Nadia", models.RoleTrainee)
	cl := enrol(t, e, u, c)

	notDone := cl.Get("/lessons/"+lessonID(c, 1)+"?done="+lessonID(c, 0)).Want(t, http.StatusOK)
	if strings.Contains(notDone.Body, `role="status"`) {
		t.Error("a lesson not completed is confirmed as done")
	}

	r := cl.Post("/lessons/"+lessonID(c, 0)+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if loc != "/lessons/"+lessonID(c, 1)+"?done="+lessonID(c, 0) {
		t.Fatalf("completing lesson 1 redirects to %q", loc)
	}
	for lang, want := range map[string]string{"fr": "marquée comme terminée", "ar": "سُجِّل إنهاء الدرس السابق", "en": "marked as done"} {
		cl.Lang = lang
		page := cl.Get(loc).Want(t, http.StatusOK)
		if !regexp.MustCompile(`<p class="notice" role="status">[^<]*` + regexp.QuoteMeta(want)).MatchString(page.Body) {
			t.Errorf("%s: the next lesson does not confirm the one done with a status saying %q", lang, want)
		}
	}
	cl.Lang = ""
	r = cl.Post("/lessons/"+lessonID(c, 1)+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	course := cl.Get(r.Header.Get("Location")).Want(t, http.StatusOK)
	if !strings.Contains(course.Body, `role="status">✓ Leçon marquée comme terminée`) {
		t.Errorf("the course page, after the last lesson, does not confirm it: %q", r.Header.Get("Location"))
	}
	// Someone else's completion is not this viewer's.
	other := enrol(t, e, e.User("Karim", models.RoleTrainee), c)
	if p := other.Get("/lessons/"+lessonID(c, 1)+"?done="+lessonID(c, 0)).Want(t, http.StatusOK); strings.Contains(p.Body, `role="status"`) {
		t.Error("another trainee's completion is confirmed to this one")
	}
}

var nextStepRE = regexp.MustCompile(`(?s)<div class="next-step">.*?</div>`)

// nextStep is the dashboard's next-step block of the only course followed.
func nextStep(t *testing.T, cl *webtest.Client) string {
	t.Helper()
	page := cl.Get("/dashboard").Want(t, http.StatusOK)
	blocks := nextStepRE.FindAllString(page.Body, -1)
	if len(blocks) != 1 {
		t.Fatalf("the dashboard shows %d next steps, want one per course: %s", len(blocks), page.Body)
	}
	return blocks[0]
}

// TestDashboardSaysWhatToDoNext walks a trainee through a course on a path:
// start, resume, a prerequisite to finish before the certificate, the claim,
// then (certificate held) the next course that requires this one.
func TestDashboardSaysWhatToDoNext(t *testing.T) {
	t.Parallel()
	codes := fakeCodes{}
	e := wayEnv(t, codes)
	first := e.Course("premier", 1, nil)
	c := e.Course("second", 2, nil)
	after := e.Course("troisieme", 1, nil)
	e.DB.W.Model(&models.Course{}).Where("id = ?", c.ID).Update("prerequisites", "premier")
	e.DB.W.Model(&models.Course{}).Where("id = ?", after.ID).Update("prerequisites", "premier,second")
	u := e.User("Nadia", models.RoleTrainee)
	cl := enrol(t, e, u, c)

	if s := nextStep(t, cl); !strings.Contains(s, `href="/lessons/`+lessonID(c, 0)+`"`) || !strings.Contains(s, "Commencer") {
		t.Errorf("before anything, the step is not to start lesson 1: %s", s)
	}
	cl.Post("/lessons/"+lessonID(c, 0)+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	if s := nextStep(t, cl); !strings.Contains(s, `href="/lessons/`+lessonID(c, 1)+`"`) || !strings.Contains(s, "Continuer") {
		t.Errorf("after lesson 1, the step is not to resume at lesson 2: %s", s)
	}
	cl.Post("/lessons/"+lessonID(c, 1)+"/complete", url.Values{}).Want(t, http.StatusSeeOther)
	if s := nextStep(t, cl); !strings.Contains(s, `href="/courses/premier"`) {
		t.Errorf("done, but the prerequisite is not: the step is not the prerequisite: %s", s)
	}
	enrol(t, e, u, first)
	cl.Post("/lessons/"+lessonID(first, 0)+"/complete", url.Values{}).Want(t, http.StatusSeeOther)

	page := cl.Get("/dashboard").Want(t, http.StatusOK)
	if !strings.Contains(page.Body, `<form method="post" action="/certificates/claim">`) ||
		!strings.Contains(page.Body, `name="course" value="second"`) || !strings.Contains(page.Body, `name="_csrf"`) {
		t.Errorf("a finished course's step is not the claim of its certificate: %s", nextStepRE.FindAllString(page.Body, -1))
	}

	codes[c.ID] = "CODE2ND"
	codes[first.ID] = "CODE1ST"
	page = cl.Get("/dashboard").Want(t, http.StatusOK)
	if !strings.Contains(page.Body, `href="/courses/troisieme"`) || !strings.Contains(page.Body, `href="/certificates#c-CODE2ND"`) {
		t.Errorf("certificate held: the step is not the next course of the path with the certificate beside it: %s", nextStepRE.FindAllString(page.Body, -1))
	}
	cl.Lang = "ar"
	if s := cl.Get("/courses/second").Want(t, http.StatusOK).Body; !strings.Contains(s, "الدورة التالية في مسارك التكويني") {
		t.Errorf("the Arabic course page does not name the next course of the path")
	}
	cl.Lang = ""

	// Nothing after it: the certificate itself, to view or download.
	e.DB.W.Model(&models.Course{}).Where("id = ?", after.ID).Update("published", false)
	course := cl.Get("/courses/second").Want(t, http.StatusOK)
	if !strings.Contains(course.Body, `href="/certificates#c-CODE2ND"`) || !strings.Contains(course.Body, `href="/api/v1/certificates/CODE2ND/pdf"`) {
		t.Errorf("a certified course's page does not offer its certificate to view and download")
	}
}

// TestCatalogueHeadingsDoNotSkip: h1, then h2, then the cards' h3 (axe-core
// "heading-order"), signed out and in.
func TestCatalogueHeadingsDoNotSkip(t *testing.T) {
	t.Parallel()
	e := wayEnv(t, nil)
	e.Course("titres", 1, nil)
	levels := regexp.MustCompile(`<h([1-6])[ >]`)
	for _, cl := range []*webtest.Client{e.Anonymous(), e.As(e.User("Nadia", models.RoleTrainee))} {
		for _, path := range []string{"/courses", "/courses?all=1", "/"} {
			body := cl.Get(path).Want(t, http.StatusOK).Body
			prev := 0
			for _, m := range levels.FindAllStringSubmatch(body, -1) {
				n, _ := strconv.Atoi(m[1])
				if n > prev+1 {
					t.Errorf("%s: heading h%d follows h%d", path, n, prev)
				}
				prev = n
			}
			if prev == 0 {
				t.Errorf("%s has no heading", path)
			}
		}
	}
}
