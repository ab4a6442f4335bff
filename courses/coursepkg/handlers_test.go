package coursepkg_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"tadrib/courses/coursepkg/pkgtest"
	"tadrib/internal/webtest"
	"tadrib/models"
)

func importZip(c *webtest.Client, query string, data []byte) webtest.Response {
	return c.Do(http.MethodPost, "/api/v1/courses/import"+query, data, "Content-Type", "application/zip")
}

// TestImportAPI: trainers and admins import a package as a draft they own;
// trainees may not, visitors must sign in; a broken package is a 422 naming
// each file and line and writes nothing; a taken slug is a 409, a malformed
// one a 400 naming the field.
func TestImportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	trainer := e.User("Nadia", models.RoleTrainer)
	admin := e.User("Amina", models.RoleAdmin)
	data := zipOfFS(t, goodPackage(t), "")

	before := e.rows(t)
	e.Anonymous().Do(http.MethodPost, "/api/v1/courses/import", data, "Content-Type", "application/zip").Want(t, http.StatusUnauthorized)
	importZip(e.As(e.User("Youssef", models.RoleTrainee)), "", data).WantProblem(t, http.StatusForbidden)
	if after := e.rows(t); !reflect.DeepEqual(after, before) {
		t.Errorf("a refused import wrote rows: %v, was %v", after, before)
	}

	r := importZip(e.As(trainer), "", data).Want(t, http.StatusCreated)
	if loc := r.Header.Get("Location"); loc != "/api/v1/courses/paquet" {
		t.Errorf("Location %q", loc)
	}
	var got struct {
		Slug      string `json:"slug"`
		Published bool   `json:"published"`
	}
	r.JSON(t, &got)
	// The package says published: an import is a draft all the same, checked
	// before trainees see it.
	if got.Slug != "paquet" || got.Published {
		t.Errorf("imported %+v, want a draft paquet", got)
	}
	var c models.Course
	e.DB.R.Take(&c, "slug = ?", "paquet")
	if c.Published || c.CreatedBy == nil || *c.CreatedBy != trainer.ID {
		t.Errorf("stored published %v, created by %v: want a draft of %d", c.Published, c.CreatedBy, trainer.ID)
	}
	var audits int64
	e.DB.R.Model(&models.AuditEvent{}).Where("action = 'course.import' AND actor_id = ? AND object = 'course:paquet'", trainer.ID).Count(&audits)
	if audits != 1 {
		t.Errorf("%d course.import audit events, want 1", audits)
	}

	// The same package again: the slug is taken; renamed, it imports.
	before = e.rows(t)
	p := importZip(e.As(admin), "", data).WantProblem(t, http.StatusConflict)
	if len(p.Errors) != 1 || p.Errors[0].Field != "slug" {
		t.Errorf("409 errors %+v, want the slug field", p.Errors)
	}
	p = importZip(e.As(admin), "?slug=Mauvais%20Slug", data).WantProblem(t, http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "slug" {
		t.Errorf("400 errors %+v, want the slug field", p.Errors)
	}
	if after := e.rows(t); !reflect.DeepEqual(after, before) {
		t.Errorf("refused imports wrote rows: %v, was %v", after, before)
	}
	importZip(e.As(admin), "?slug=copie", data).Want(t, http.StatusCreated)

	// Broken: every problem comes back with its file and line.
	bad := goodPackage(t)
	bad["01-un/01-lecon.ar.md"].Data = []byte("pas de front matter")
	delete(bad, "02-deux/quiz.gift")
	before = e.rows(t)
	p = importZip(e.As(trainer), "", zipOfFS(t, bad, "")).WantProblem(t, http.StatusUnprocessableEntity)
	found := map[string]int{}
	for _, fe := range p.Errors {
		found[fe.File] = fe.Line
	}
	if l, ok := found["01-un/01-lecon.ar.md"]; !ok || l != 1 {
		t.Errorf("errors %+v lack 01-un/01-lecon.ar.md:1", p.Errors)
	}
	if _, ok := found["02-deux/quiz.gift"]; !ok {
		t.Errorf("errors %+v lack 02-deux/quiz.gift", p.Errors)
	}
	// A GIFT error found while writing: its file and line, and no course.
	bad = goodPackage(t)
	bad["02-deux/quiz.gift"].Data = []byte("::Q1:: Bonne ? {=oui ~non}\n\n::Q2:: Mauvaise ? {=oui ~non\n")
	p = importZip(e.As(trainer), "?slug=autre", zipOfFS(t, bad, "")).WantProblem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) == 0 || p.Errors[0].File != "02-deux/quiz.gift" || p.Errors[0].Line != 3 {
		t.Errorf("GIFT errors %+v, want 02-deux/quiz.gift:3", p.Errors)
	}
	p = importZip(e.As(trainer), "", []byte("PK not a zip")).WantProblem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].File != "(zip)" {
		t.Errorf("not a zip: errors %+v", p.Errors)
	}
	if after := e.rows(t); !reflect.DeepEqual(after, before) {
		t.Errorf("broken packages wrote rows: %v, was %v", after, before)
	}
}

// TestExportAPI: the author and admins download the course as a zip, not
// cached; another trainer gets 404 for a draft and 403 for a published
// course, a trainee 403, a visitor 401.
func TestExportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	author := e.User("Nadia", models.RoleTrainer)
	importZip(e.As(author), "", zipOfFS(t, goodPackage(t), "")).Want(t, http.StatusCreated)
	e.Course("publie", 1, &author)

	for _, u := range []models.User{author, e.User("Amina", models.RoleAdmin)} {
		r := e.As(u).Get("/api/v1/courses/paquet/export").Want(t, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="paquet.zip"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q: a package holds every answer", cc)
		}
		files := pkgtest.Files(t, []byte(r.Body))
		for _, name := range []string{"course.yaml", "01-un/quiz.gift", "01-un/quiz.ar.gift", "02-deux/quiz.gift"} {
			if _, ok := files[name]; !ok {
				t.Errorf("the export lacks %s: %v", name, keys(files))
			}
		}
	}
	other := e.As(e.User("Karim", models.RoleTrainer))
	other.Get("/api/v1/courses/paquet/export").WantProblem(t, http.StatusNotFound)
	other.Get("/api/v1/courses/publie/export").WantProblem(t, http.StatusForbidden)
	e.As(e.User("Youssef", models.RoleTrainee)).Get("/api/v1/courses/publie/export").WantProblem(t, http.StatusForbidden)
	e.As(author).Get("/api/v1/courses/absent/export").WantProblem(t, http.StatusNotFound)
	e.Anonymous().Get("/api/v1/courses/publie/export").Want(t, http.StatusUnauthorized)
}

// multipartPackage is the import form: a file field "package" (absent when
// data is nil) and a slug.
func multipartPackage(t *testing.T, data []byte, slug string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if data != nil {
		w, err := mw.CreateFormFile("package", "paquet.zip")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	mw.WriteField("slug", slug)
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

// TestImportPage: the import page renders in French and Arabic for staff;
// a submission without a file, a broken package and a taken slug render the
// page again with the problem, a good package redirects to the course editor.
func TestImportPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	trainer := e.User("Nadia", models.RoleTrainer)
	for lang, dir := range map[string]string{"fr": `dir="ltr"`, "ar": `dir="rtl"`} {
		c := e.As(trainer)
		c.Lang = lang
		r := c.Get("/author/courses/import").Want(t, http.StatusOK)
		if !strings.Contains(r.Body, `lang="`+lang+`"`) || !strings.Contains(r.Body, dir) || !strings.Contains(r.Body, `name="package"`) {
			t.Errorf("%s: the page is not in its language or lacks the form:\n%.600s", lang, r.Body)
		}
	}
	e.As(e.User("Youssef", models.RoleTrainee)).Get("/author/courses/import").Want(t, http.StatusForbidden)

	post := func(data []byte, slug string) webtest.Response {
		ct, body := multipartPackage(t, data, slug)
		return e.As(trainer).Do(http.MethodPost, "/author/courses/import", body, "Content-Type", ct)
	}
	before := e.rows(t)
	if r := post(nil, ""); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `role="alert"`) {
		t.Errorf("no file: %d, want 422 with an alert", r.Status)
	}
	bad := goodPackage(t)
	delete(bad, "01-un/01-lecon.fr.md")
	delete(bad, "01-un/01-lecon.ar.md")
	delete(bad, "01-un/01-lecon.en.md")
	r := post(zipOfFS(t, bad, ""), "")
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "01-un/01-lecon.fr.md") {
		t.Errorf("broken package: %d, want 422 naming 01-un/01-lecon.fr.md:\n%.2000s", r.Status, r.Body)
	}
	if after := e.rows(t); !reflect.DeepEqual(after, before) {
		t.Errorf("refused imports wrote rows: %v, was %v", after, before)
	}
	good := zipOfFS(t, goodPackage(t), "")
	r = post(good, "")
	r.Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/author/courses/paquet?imported=1" {
		t.Errorf("redirected to %q", loc)
	}
	// Again: the slug is taken; the page says so and keeps what was typed.
	r = post(good, "paquet")
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `value="paquet"`) {
		t.Errorf("taken slug: %d, want 409 keeping the slug", r.Status)
	}
	if r = post(good, "Pas Un Slug"); r.Status != http.StatusBadRequest {
		t.Errorf("malformed slug: %d, want 400", r.Status)
	}
	post(good, "copie").Want(t, http.StatusSeeOther)
}
