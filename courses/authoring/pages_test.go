package authoring

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tadrib/internal/format"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// TestEditorPagesRenderInFrenchAndArabic: every editor page a trainer
// opens renders in both reading directions, with its translated title.
func TestEditorPagesRenderInFrenchAndArabic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tr := e.User("Nadia", models.RoleTrainer)
	mid, lid := e.draft(t, tr, "traite-101")
	for _, lang := range []string{"fr", "ar"} {
		c := e.in(tr, lang)
		home := c.Get("/author").Want(t, http.StatusOK)
		home.WantPage(t, lang, e.Title(lang, "authoring.home_title"))
		if !strings.Contains(home.Body, `href="/author/courses/traite-101"`) {
			t.Errorf("%s: the home does not list the trainer's course", lang)
		}
		// The date written out in the page's language, not ISO.
		today := time.Now().UTC()
		if day := format.Date(lang, today); !strings.Contains(home.Body, day) || strings.Contains(home.Body, today.Format("2006-01-02")) {
			t.Errorf("%s: the home does not date the course %q (or shows it ISO)", lang, day)
		}
		c.Get("/author/courses/new").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "authoring.new_course"))
		ed := c.Get("/author/courses/traite-101?created=1").Want(t, http.StatusOK)
		ed.WantPage(t, lang)
		if !strings.Contains(ed.Body, `id="module-`+itoa(mid)+`"`) || !strings.Contains(ed.Body, html.EscapeString(e.Catalog.T(lang, "authoring.notice_created"))) {
			t.Errorf("%s: the editor lacks the module or the notice", lang)
		}
		c.Get("/author/courses/traite-101/publish").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "authoring.publish_title"))
		c.Get("/author/lessons/"+itoa(lid)+"?saved=1").Want(t, http.StatusOK).WantPage(t, lang)
		c.Get("/author/lessons/"+itoa(lid)+"/delete").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "authoring.delete_lesson"))
		c.Get("/author/modules/"+itoa(mid)+"/delete").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "authoring.delete_module"))
	}
	// The Arabic tab marks what is not translated yet: the course, its
	// module and its lesson.
	ar := e.As(tr).Get("/author/courses/traite-101?tl=ar").Want(t, http.StatusOK)
	if n := strings.Count(ar.Body, "badge untranslated"); n < 3 {
		t.Errorf("the Arabic tab shows %d untranslated markers, want 3", n)
	}
	// The publish page lists the gaps, and an empty course says so.
	pub := e.As(tr).Get("/author/courses/traite-101/publish").Body
	if !strings.Contains(pub, "Les indicateurs") || !strings.Contains(pub, "(ar, en)") {
		t.Errorf("the publish page does not list the untranslated texts")
	}
}

// TestEditorPagesRights: the editor's pages follow the service's rights.
func TestEditorPagesRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, other := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	mid, lid := e.draft(t, owner, "traite-101")
	paths := []string{"/author/courses/traite-101", "/author/courses/traite-101/publish", "/author/lessons/" + itoa(lid),
		"/author/lessons/" + itoa(lid) + "/delete", "/author/modules/" + itoa(mid) + "/delete"}
	for _, p := range paths {
		e.As(other).Get(p).Want(t, http.StatusNotFound)
		e.As(trainee).Get(p).Want(t, http.StatusForbidden)
		e.As(admin).Get(p).Want(t, http.StatusOK)
	}
	if r := e.Anonymous().Get("/author").Want(t, http.StatusSeeOther); !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("a visitor is sent to %q, want the login page", r.Header.Get("Location"))
	}
	e.As(trainee).Get("/author").Want(t, http.StatusForbidden)
	e.As(other).Post("/author/courses/traite-101/publish", url.Values{"state": {"publish"}}).Want(t, http.StatusNotFound)
	e.As(other).Post("/author/modules/"+itoa(mid)+"/delete", url.Values{}).Want(t, http.StatusNotFound)
	e.As(other).Post("/author/lessons/"+itoa(lid)+"/delete", url.Values{}).Want(t, http.StatusNotFound)
	e.publish(t, owner, "traite-101")
	e.As(other).Get("/author/courses/traite-101").Want(t, http.StatusForbidden)
	e.As(other).Post("/author/modules/"+itoa(mid), url.Values{"title": {"pris"}}).Want(t, http.StatusForbidden)
	e.As(owner).Get("/author/lessons/999999").Want(t, http.StatusNotFound)
	e.As(owner).Get("/author/lessons/abc").Want(t, http.StatusNotFound)
	if e.audits(t, "module.update", "course:traite-101") != 0 {
		t.Error("a refused page changed a module")
	}
}

// TestNewCourseForm: a wrong form comes back (422) with what was typed and
// its errors by field; a title without a slug gives one; a taken slug is
// shown on the slug field.
func TestNewCourseForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tr := e.User("Nadia", models.RoleTrainer)
	c := e.As(tr)
	bad := c.Post("/author/courses", url.Values{"title": {"Cours d'essai"}, "locale": {"fr"}, "hours": {"deux"}}).Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, `value="Cours d&#39;essai"`) || strings.Count(bad.Body, `class="field-error"`) < 2 {
		t.Error("a wrong form does not come back with what was typed and its errors (hours, audiences)")
	}
	r := c.Post("/author/courses", url.Values{"title": {"Cours d'essai"}, "locale": {"fr"}, "hours": {"1,5"}, "validity_days": {"730"},
		"audience_police": {"1"}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/author/courses/cours-d-essai?created=1" {
		t.Fatalf("redirected to %q", loc)
	}
	d, err := e.cs.Course(context.Background(), "cours-d-essai", &tr, "fr")
	if err != nil || d.Hours != 1.5 || d.ValidityDays != 730 || len(d.Audiences) != 1 {
		t.Errorf("created %+v (%v)", d, err)
	}
	// The same title again: the slug made from it is taken, shown to be corrected.
	taken := c.Post("/author/courses", url.Values{"title": {"Cours d'essai"}, "locale": {"fr"}, "audience_police": {"1"}}).
		Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(taken.Body, `value="cours-d-essai"`) || !strings.Contains(taken.Body, html.EscapeString(e.Catalog.T("fr", "err.slug_taken"))) {
		t.Error("a taken slug is not shown on the slug field")
	}
	e.As(tr).Post("/author/courses", url.Values{"title": {"x"}, "validity_days": {"un an"}, "audience_police": {"1"}}).Want(t, http.StatusUnprocessableEntity)
	// An Arabic title gives a readable Latin address.
	r = c.Post("/author/courses", url.Values{"title": {"الاتجار بالبشر"}, "locale": {"ar"}, "audience_judiciary": {"1"}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/author/courses/alatjar-balbshr?created=1" {
		t.Errorf("an Arabic title made %q", loc)
	}
}

// TestCourseEditorForms builds and changes a course with the pages only, as
// a trainer without JavaScript does.
func TestCourseEditorForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	e.draft(t, tr, "traite-102")
	mid, lid := e.draft(t, tr, "traite-101")
	c := e.As(tr)

	// The course's form: an empty title is an error; a new language may stay empty.
	c.Post("/author/courses/traite-101", url.Values{"title": {" "}, "summary": {"x"}, "audience_police": {"1"}, "tl": {"fr"}}).
		Want(t, http.StatusUnprocessableEntity)
	c.Post("/author/courses/traite-101", url.Values{"title": {"Cours"}, "audience_police": {"1"}, "hours": {"x"}, "tl": {"fr"}}).
		Want(t, http.StatusUnprocessableEntity)
	c.Post("/author/courses/traite-101", url.Values{"title": {"Cours"}, "tl": {"fr"}}).Want(t, http.StatusUnprocessableEntity) // no audience
	r := c.Post("/author/courses/traite-101", url.Values{"audience_police": {"1"}, "tl": {"en"}, "prereq_traite-102": {"1"}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/author/courses/traite-101?tl=en&saved=1" {
		t.Errorf("saved to %q", loc)
	}
	c.Post("/author/courses/traite-101", url.Values{"title": {"التعرف"}, "summary": {"ملخص"}, "audience_police": {"1"}, "audience_judiciary": {"1"}, "tl": {"ar"}, "hours": {"3"}}).
		Want(t, http.StatusSeeOther)
	if d, _ := e.cs.Course(ctx, "traite-101", &tr, "ar"); d.Title != "التعرف" || d.Hours != 3 || len(d.Audiences) != 2 || len(d.Prerequisites) != 0 {
		t.Errorf("after the Arabic form: %q %v %v prerequisites %v", d.Title, d.Hours, d.Audiences, d.Prerequisites)
	}

	// Modules: a new one, a repeated title gets a numbered slug, an empty one is an error.
	for range 2 {
		c.Post("/author/courses/traite-101/modules", url.Values{"title": {"Orienter"}, "tl": {"fr"}}).Want(t, http.StatusSeeOther)
	}
	var slugs []string
	e.DB.R.Model(&models.Module{}).Joins("JOIN courses c ON c.id = modules.course_id").Where("c.slug = ?", "traite-101").Order("position").Pluck("modules.slug", &slugs)
	if strings.Join(slugs, ",") != "identifier,orienter,orienter-2" {
		t.Errorf("module slugs %v", slugs)
	}
	bad := c.Post("/author/courses/traite-101/modules", url.Values{"title": {""}, "tl": {"fr"}}).Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, `class="field-error"`) {
		t.Error("an empty module title shows no error")
	}
	c.Post("/author/modules/"+itoa(mid)+"?tl=ar", url.Values{"title": {"التعرف"}, "tl": {"ar"}}).Want(t, http.StatusSeeOther)
	c.Post("/author/modules/"+itoa(mid), url.Values{"title": {""}, "tl": {"fr"}}).Want(t, http.StatusUnprocessableEntity)
	// Moving the first module down, then by position, then without a direction.
	c.Post("/author/modules/"+itoa(mid)+"/move", url.Values{"dir": {"down"}}).Want(t, http.StatusSeeOther)
	var pos int
	e.DB.R.Model(&models.Module{}).Where("id = ?", mid).Pluck("position", &pos)
	if pos != 2 {
		t.Errorf("moved down to %d, want 2", pos)
	}
	c.Post("/author/modules/"+itoa(mid)+"/move", url.Values{"position": {"1"}}).Want(t, http.StatusSeeOther)
	c.Post("/author/modules/"+itoa(mid)+"/move", url.Values{"dir": {"up"}}).Want(t, http.StatusSeeOther)
	e.DB.R.Model(&models.Module{}).Where("id = ?", mid).Pluck("position", &pos)
	if pos != 1 {
		t.Errorf("moved to %d, want 1", pos)
	}
	// (a page's error is a page: the status says it)
	c.Post("/author/modules/"+itoa(mid)+"/move", url.Values{}).Want(t, http.StatusBadRequest)
	c.Post("/author/modules/"+itoa(mid)+"/move", url.Values{"position": {"0"}}).Want(t, http.StatusBadRequest)

	// Lessons: a new one goes to its editor; an empty title is an error.
	r = c.Post("/author/modules/"+itoa(mid)+"/lessons", url.Values{"title": {"Orienter"}, "tl": {"fr"}}).Want(t, http.StatusSeeOther)
	second := regexp.MustCompile(`^/author/lessons/(\d+)\?tl=fr&created=1$`).FindStringSubmatch(r.Header.Get("Location"))
	if second == nil {
		t.Fatalf("a new lesson goes to %q", r.Header.Get("Location"))
	}
	c.Post("/author/modules/"+itoa(mid)+"/lessons", url.Values{"title": {""}, "tl": {"fr"}}).Want(t, http.StatusUnprocessableEntity)
	var lessonsBefore, lessonsAfter int64
	e.DB.R.Model(&models.Lesson{}).Count(&lessonsBefore)
	c.Post("/author/modules/"+itoa(mid)+"/lessons", url.Values{"title": {"x"}, "minutes": {"dix"}, "tl": {"fr"}}).Want(t, http.StatusUnprocessableEntity)
	if e.DB.R.Model(&models.Lesson{}).Count(&lessonsAfter); lessonsAfter != lessonsBefore {
		t.Errorf("a form refused for its minutes stored a lesson (%d → %d)", lessonsBefore, lessonsAfter)
	}
	c.Post("/author/lessons/"+second[1]+"/move", url.Values{"dir": {"up"}}).Want(t, http.StatusSeeOther)
	var lpos int
	e.DB.R.Model(&models.Lesson{}).Where("id = ?", lid).Pluck("position", &lpos)
	if lpos != 2 {
		t.Errorf("the first lesson is at %d after moving the second up", lpos)
	}

	// Deleting asks first, then redirects to the editor.
	c.Post("/author/lessons/"+second[1]+"/delete", url.Values{}).Want(t, http.StatusSeeOther)
	c.Get("/author/lessons/"+second[1]).Want(t, http.StatusNotFound)
	r = c.Post("/author/modules/"+itoa(mid)+"/delete", url.Values{}).Want(t, http.StatusSeeOther)
	if !strings.Contains(r.Header.Get("Location"), "module_deleted=1") {
		t.Errorf("after deleting a module: %q", r.Header.Get("Location"))
	}

	// Publishing and unpublishing through the confirmation's form.
	r = c.Post("/author/courses/traite-101/publish", url.Values{"state": {"publish"}}).Want(t, http.StatusSeeOther)
	if d, _ := e.cs.Course(ctx, "traite-101", &tr, "fr"); !d.Published || !strings.Contains(r.Header.Get("Location"), "published=1") {
		t.Errorf("after publishing: %v, %q", d.Published, r.Header.Get("Location"))
	}
	c.Post("/author/courses/traite-101/publish", url.Values{"state": {"unpublish"}}).Want(t, http.StatusSeeOther)
	if d, _ := e.cs.Course(ctx, "traite-101", &tr, "fr"); d.Published {
		t.Error("unpublishing left the course published")
	}
	// Without the form's token nothing changes (the session middleware's CSRF check).
	e.As(tr).Do("POST", "/author/courses/traite-101/publish", "state=publish", "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", "forged").
		Want(t, http.StatusForbidden)
}

// TestLessonEditorForm: preview renders without saving, saving estimates
// the reading time, an image is added to the text, a refused image keeps
// what was typed, and Markdown past its bounds is an error on body_md.
func TestLessonEditorForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tr := e.User("Nadia", models.RoleTrainer)
	_, lid := e.draft(t, tr, "traite-101")
	path := "/author/lessons/" + itoa(lid)
	post := func(fields map[string]string, file string, data []byte) (int, string, string) {
		body, ctype := webtest.Multipart(t, fields, map[bool]string{true: "image"}[file != ""], file, data)
		r := e.As(tr).Do("POST", path, body, "Content-Type", ctype)
		return r.Status, r.Header.Get("Location"), r.Body
	}
	text := func(lang string) models.LessonText {
		var lt models.LessonText
		e.DB.R.Where("lesson_id = ? AND lang = ?", lid, lang).Limit(1).Find(&lt)
		return lt
	}

	st, _, body := post(map[string]string{"action": "preview", "title": "Les indicateurs", "body_md": "## Signes\n\n<script>alert(1)</script>\n\nUne **grosse** dette", "tl": "fr"}, "", nil)
	if st != 200 || !strings.Contains(body, "<strong>grosse</strong>") || strings.Contains(body, "<script>alert") {
		t.Errorf("preview: %d", st)
	}
	if text("fr").BodyMD != "Une **dette**." {
		t.Error("the preview saved the text")
	}
	st, loc, _ := post(map[string]string{"action": "save", "title": "Les indicateurs", "minutes": "", "body_md": strings.Repeat("mot ", 400), "tl": "fr"}, "", nil)
	if st != 303 || loc != path+"?tl=fr&saved=1" {
		t.Errorf("save: %d %q", st, loc)
	}
	var l models.Lesson
	e.DB.R.Take(&l, "id = ?", lid)
	if l.Minutes != 3 {
		t.Errorf("400 words are estimated at %d minutes, want 3", l.Minutes)
	}
	st, loc, _ = post(map[string]string{"action": "save", "title": "Les indicateurs", "minutes": "7", "body_md": "## Signes", "tl": "fr", "alt": "Carte"}, "carte.png", webtest.PNG(t, 3))
	if st != 303 || !strings.HasSuffix(loc, "image=1") || !regexp.MustCompile(`## Signes\n\n!\[Carte\]\(/images/[0-9a-f]{64}\.png\)\n$`).MatchString(text("fr").BodyMD) {
		t.Errorf("save with an image: %d %q %q", st, loc, text("fr").BodyMD)
	}
	st, _, body = post(map[string]string{"action": "save", "title": "Les indicateurs", "body_md": "texte gardé", "tl": "fr"}, "x.png", []byte("<html><script>alert(1)</script></html>"))
	if st != 415 || !strings.Contains(body, "texte gardé") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("a refused image: %d, keeps the text and says why: %v", st, strings.Contains(body, "texte gardé"))
	}
	st, _, body = post(map[string]string{"action": "save", "title": "x", "body_md": strings.Repeat("[a](", 600), "tl": "fr"}, "", nil)
	if st != 422 || !strings.Contains(body, `class="field-error"`) {
		t.Errorf("Markdown past its bounds: %d", st)
	}
	// A translation: its own text, and the French one stays.
	st, loc, _ = post(map[string]string{"action": "save", "title": "المؤشرات", "minutes": "", "body_md": "نص", "tl": "ar"}, "", nil)
	if st != 303 || loc != path+"?tl=ar&saved=1" || text("ar").Title != "المؤشرات" || text("fr").Title != "Les indicateurs" {
		t.Errorf("the Arabic text: %d %q %+v", st, loc, text("ar"))
	}
	// The Arabic editor of a lesson without Arabic text shows the French as a guide.
	_, lid2 := e.draft(t, tr, "traite-102")
	if page := e.As(tr).Get("/author/lessons/"+itoa(lid2)+"?tl=ar").Want(t, http.StatusOK); !strings.Contains(page.Body, "<summary>Les indicateurs</summary>") ||
		!strings.Contains(page.Body, "<strong>dette</strong>") {
		t.Error("the untranslated lesson does not show its French text")
	}
}
