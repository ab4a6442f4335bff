package main

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"tadrib/internal/webtest"
	"testing"
)

// postFile submits a multipart form from a page, with its CSRF token.
func (b *browser) postFile(page resp, action string, fields map[string]string, fileField, fileName string, data []byte) resp {
	b.a.t.Helper()
	fields["_csrf"] = metaCSRF(b.a.t, page)
	body, ctype := webtest.Multipart(b.a.t, fields, fileField, fileName, data)
	var pairs []string
	for k, v := range b.cookies {
		pairs = append(pairs, k+"="+v)
	}
	return b.a.do("POST", action, body, "Accept", "text/html", "Cookie", strings.Join(pairs, "; "), "Content-Type", ctype)
}

func uploadImage(u user, slug, name string, data []byte) resp {
	body, ctype := webtest.Multipart(u.a.t, map[string]string{"alt": "Schéma"}, "image", name, data)
	return u.do("POST", "/api/v1/courses/"+slug+"/images", body, "Content-Type", ctype)
}

func TestAuthoringAPIPerObject(t *testing.T) {
	a := newTestApp(t, nil)
	owner, slug, lessons := authorCourse(t, a, []string{"police"}, false)
	other := a.trainer()
	trainee := a.register("police")
	mid := owner.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any)[0].(map[string]any)["id"].(string)

	// Every course field, texts in several languages, in one PATCH.
	r := owner.do("PATCH", "/api/v1/courses/"+slug, map[string]any{
		"hours": 3.5, "validity_days": 365, "audiences": []string{"police", "judiciary"},
		"texts": map[string]any{"ar": map[string]any{"title": "التعرف والتوجيه", "summary": "ملخص"}, "en": map[string]any{"title": "Identify and refer"}},
	})
	wantStatus(t, r, 200)
	if c := r.JSON(t); c["hours"] != 3.5 || c["validity_days"] != 365.0 || len(c["audiences"].([]any)) != 2 {
		t.Errorf("PATCH did not change the fields: %s", r.Body)
	}
	if c := owner.do("GET", "/api/v1/courses/"+slug+"?lang=ar", nil).JSON(t); c["title"] != "التعرف والتوجيه" {
		t.Errorf("the Arabic title is %q", c["title"])
	}
	wantProblem(t, owner.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"texts": map[string]any{"de": map[string]any{"title": "x"}}}), 400, "texts")
	wantProblem(t, owner.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"validity_days": -1}), 400, "validity_days")

	// Another trainer: a draft does not exist for them; a published course is forbidden.
	wantStatus(t, other.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"hours": 1}), 404)
	wantStatus(t, other.do("PATCH", "/api/v1/modules/"+mid, map[string]any{"title": "x"}), 404)
	wantStatus(t, other.do("PATCH", "/api/v1/lessons/"+lessons[0], map[string]any{"title": "x"}), 404)
	wantStatus(t, uploadImage(other, slug, "a.png", webtest.PNG(t, 1)), 404)
	wantStatus(t, other.do("GET", "/api/v1/courses/"+slug+"/export", nil), 404)
	wantStatus(t, trainee.do("POST", "/api/v1/courses", map[string]any{"slug": "x", "title": "x", "audiences": []string{"police"}}), 403)
	wantStatus(t, owner.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)
	wantStatus(t, other.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"hours": 1}), 403)
	wantStatus(t, other.do("PATCH", "/api/v1/modules/"+mid, map[string]any{"title": "x"}), 403)
	wantStatus(t, a.admin().do("PATCH", "/api/v1/modules/"+mid, map[string]any{"title": "Identifier (admin)"}), 200)

	// Reordering by position: a lesson moved to 2 comes after the other.
	r = owner.do("PATCH", "/api/v1/lessons/"+lessons[0], map[string]any{"position": 2})
	wantStatus(t, r, 200)
	outline := owner.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	ls := outline["modules"].([]any)[0].(map[string]any)["lessons"].([]any)
	if ls[0].(map[string]any)["id"] != lessons[1] || ls[1].(map[string]any)["position"] != 2.0 {
		t.Errorf("after moving lesson 1 to position 2 the order is %v", ls)
	}
	m2 := owner.do("POST", "/api/v1/courses/"+slug+"/modules", map[string]any{"slug": "orienter", "title": "Orienter"})
	wantStatus(t, m2, 201)
	r = owner.do("PATCH", "/api/v1/modules/"+m2.JSON(t)["id"].(string), map[string]any{"position": 1, "title": "توجيه", "lang": "ar"})
	wantStatus(t, r, 200)
	mods := owner.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any)
	if mods[0].(map[string]any)["slug"] != "orienter" || mods[1].(map[string]any)["position"] != 2.0 {
		t.Errorf("after moving module 2 first the order is %v", mods)
	}
	wantProblem(t, owner.do("PATCH", "/api/v1/modules/"+mid, map[string]any{"position": 0}), 400, "position")
	wantStatus(t, other.do("DELETE", "/api/v1/modules/"+mid, nil), 403)
	wantStatus(t, owner.do("DELETE", "/api/v1/modules/"+mid, nil), 204)
	if mods := owner.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any); len(mods) != 1 || mods[0].(map[string]any)["position"] != 1.0 {
		t.Errorf("after deleting a module the course has %v", mods)
	}
	wantStatus(t, owner.do("GET", "/api/v1/lessons/"+lessons[0], nil), 404)
	wantProblem(t, owner.do("PATCH", "/api/v1/modules/"+mid, map[string]any{"slug": "Pas Bon"}), 400, "slug")
}

func TestImageUploads(t *testing.T) {
	a := newTestApp(t, nil)
	owner, slug, lessons := authorCourse(t, a, []string{"police"}, false)
	pngBytes := webtest.PNG(t, 7)
	r := uploadImage(owner, slug, "photo.png", pngBytes)
	wantStatus(t, r, 201)
	img := r.JSON(t)
	url := img["url"].(string)
	if !regexp.MustCompile(`^/images/[0-9a-f]{64}\.png$`).MatchString(url) || img["markdown"] != "![Schéma]("+url+")" {
		t.Fatalf("upload answered %s", r.Body)
	}
	// The same bytes again: the same URL, no error.
	if again := uploadImage(owner, slug, "copie.png", pngBytes); again.StatusCode != 201 || again.JSON(t)["url"] != url {
		t.Errorf("uploading the same image twice: %d %s", again.StatusCode, again.Body)
	}
	got := owner.do("GET", url, nil) // a draft's image: its author sees it (TestSecurityDraftImages)
	wantStatus(t, got, 200)
	for h, want := range map[string]string{"Content-Type": "image/png", "Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"} {
		if v := got.Header.Get(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	if !bytes.Equal(got.Body, pngBytes) {
		t.Error("the served image is not the uploaded one")
	}
	wantStatus(t, a.do("GET", "/images/"+strings.Repeat("0", 64)+".png", nil), 404)
	wantStatus(t, a.do("GET", "/images/../../etc/passwd", nil), 404)

	for _, bad := range []struct {
		name   string
		data   []byte
		status int
	}{
		{"page.png", []byte("<!doctype html><html><script>alert(1)</script></html>"), 415},
		{"logo.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`), 415},
		{"logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`), 415},
		{"big.png", append(webtest.PNG(t, 9), make([]byte, 2<<20)...), 413},
		{"empty.png", nil, 400},
	} {
		r := uploadImage(owner, slug, bad.name, bad.data)
		wantProblem(t, r, bad.status, "image")
	}

	// A lesson that shows the image keeps it through the sanitizer.
	r = owner.do("PATCH", "/api/v1/lessons/"+lessons[0], map[string]any{"body_md": "Voir :\n\n![Schéma](" + url + ")"})
	wantStatus(t, r, 200)
	if html := r.JSON(t)["html"].(string); !strings.Contains(html, `<img src="`+url+`" alt="Schéma"`) {
		t.Errorf("the lesson's HTML lost the image: %s", html)
	}
}

func TestMarkdownPreviewIsSanitized(t *testing.T) {
	a := newTestApp(t, nil)
	tr := a.trainer()
	r := tr.do("POST", "/api/v1/markdown/preview", map[string]any{"body_md": "# Titre\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) ![i](/images/" + strings.Repeat("a", 64) + ".png) <img src=x onerror=alert(3)>"})
	wantStatus(t, r, 200)
	html := r.JSON(t)["html"].(string)
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(html, bad) {
			t.Errorf("the preview kept %q: %s", bad, html)
		}
	}
	if !strings.Contains(html, "<h1") || !strings.Contains(html, `<img src="/images/`) {
		t.Errorf("the preview lost the heading or the image: %s", html)
	}
	wantStatus(t, a.register("police").do("POST", "/api/v1/markdown/preview", map[string]any{"body_md": "x"}), 403)
}

// TestCourseEditorPages builds a course with the pages only, as a trainer
// without JavaScript does.
func TestCourseEditorPages(t *testing.T) {
	a := newTestApp(t, nil)
	tr := a.trainer()
	b := a.signIn(t, tr.Email)
	home := b.get("/author")
	wantStatus(t, home, 200)
	for _, want := range []string{`href="/author/courses/new"`, `href="/author/cohorts"`, `href="/author/reports"`, `href="/author/certificates"`, `href="/author/grading"`, `class="empty"`} {
		if !strings.Contains(string(home.Body), want) {
			t.Errorf("the trainer's home lacks %s", want)
		}
	}
	form := b.get("/author/courses/new")
	wantStatus(t, form, 200)
	bad := b.post(form, "/author/courses", url.Values{"title": {"Cours d'essai"}, "locale": {"fr"}, "hours": {"deux"}})
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), `value="Cours d&#39;essai"`) || strings.Count(string(bad.Body), `class="field-error"`) < 2 {
		t.Error("a wrong new-course form does not come back with what was typed and its errors (hours, audiences)")
	}
	created := b.post(bad, "/author/courses", url.Values{"title": {"Cours d'essai"}, "locale": {"fr"}, "hours": {"1,5"}, "audience_police": {"1"}, "validity_days": {"730"}})
	wantStatus(t, created, 303)
	if loc := created.Header.Get("Location"); loc != "/author/courses/cours-d-essai?created=1" {
		t.Fatalf("after creating, redirected to %q", loc)
	}
	editor := b.get("/author/courses/cours-d-essai")
	wantStatus(t, editor, 200)

	// Two modules, a lesson in the first.
	for _, title := range []string{"Identifier", "Orienter"} {
		wantStatus(t, b.post(editor, "/author/courses/cours-d-essai/modules", url.Values{"title": {title}, "tl": {"fr"}}), 303)
	}
	editor = b.get("/author/courses/cours-d-essai")
	mids := regexp.MustCompile(`id="module-(\d+)"`).FindAllStringSubmatch(string(editor.Body), -1)
	if len(mids) != 2 {
		t.Fatalf("the editor shows %d modules, want 2", len(mids))
	}
	r := b.post(editor, "/author/modules/"+mids[0][1]+"/lessons", url.Values{"title": {"Les indicateurs"}, "tl": {"fr"}})
	wantStatus(t, r, 303)
	lessonPath := strings.Split(r.Header.Get("Location"), "?")[0]
	lessonPage := b.get(lessonPath)
	wantStatus(t, lessonPage, 200)

	// Preview renders without saving; the script is gone.
	pv := b.postFile(lessonPage, lessonPath, map[string]string{"action": "preview", "title": "Les indicateurs", "minutes": "7", "body_md": "## Signes\n\n<script>alert(1)</script>\n\nUne **dette**", "tl": "fr"}, "", "", nil)
	wantStatus(t, pv, 200)
	if !strings.Contains(string(pv.Body), "<strong>dette</strong>") || strings.Contains(string(pv.Body), "<script>alert") {
		t.Error("the preview is not the sanitized rendering")
	}
	// Saving with an image: the image's Markdown is added and saved.
	saved := b.postFile(pv, lessonPath, map[string]string{"action": "save", "title": "Les indicateurs", "minutes": "7", "body_md": "## Signes", "tl": "fr", "alt": "Carte"}, "image", "carte.png", webtest.PNG(t, 3))
	wantStatus(t, saved, 303)
	lessonPage = b.get(saved.Header.Get("Location"))
	if !regexp.MustCompile(`!\[Carte\]\(/images/[0-9a-f]{64}\.png\)`).Match(lessonPage.Body) || !strings.Contains(string(lessonPage.Body), `<img src="/images/`) {
		t.Error("the uploaded image is not in the saved lesson")
	}
	// An HTML file named .png is refused next to the field, and nothing typed is lost.
	refused := b.postFile(lessonPage, lessonPath, map[string]string{"action": "save", "title": "Les indicateurs", "body_md": "texte gardé", "tl": "fr"}, "image", "x.png", []byte("<html><script>alert(1)</script></html>"))
	wantStatus(t, refused, 415)
	if !strings.Contains(string(refused.Body), "texte gardé") || !strings.Contains(string(refused.Body), `role="alert"`) {
		t.Error("a refused image loses the text or says nothing")
	}

	// A second lesson, its reading time left empty: estimated from its text.
	r = b.post(lessonPage, "/author/modules/"+mids[0][1]+"/lessons", url.Values{"title": {"À supprimer"}, "tl": {"fr"}})
	wantStatus(t, r, 303)
	second := strings.Split(r.Header.Get("Location"), "?")[0]
	page2 := b.get(second)
	wantStatus(t, b.postFile(page2, second, map[string]string{"action": "save", "title": "À supprimer", "minutes": "", "body_md": strings.Repeat("mot ", 400), "tl": "fr"}, "", "", nil), 303)
	if l := tr.do("GET", "/api/v1/lessons/"+strings.TrimPrefix(second, "/author/lessons/"), nil).JSON(t); l["minutes"] != 3.0 {
		t.Errorf("400 words are estimated at %v minutes, want 3", l["minutes"])
	}
	// Deleting it asks first.
	confirmDel := b.get(second + "/delete")
	wantStatus(t, confirmDel, 200)
	if !strings.Contains(string(confirmDel.Body), "À supprimer") {
		t.Error("the delete confirmation does not name the lesson")
	}
	wantStatus(t, b.post(confirmDel, second+"/delete", url.Values{}), 303)
	wantStatus(t, b.get(second), 404)

	// Moving the second module up without JavaScript.
	editor = b.get("/author/courses/cours-d-essai")
	wantStatus(t, b.post(editor, "/author/modules/"+mids[1][1]+"/move?tl=fr", url.Values{"dir": {"up"}}), 303)
	editor = b.get("/author/courses/cours-d-essai")
	if got := regexp.MustCompile(`id="module-(\d+)"`).FindAllStringSubmatch(string(editor.Body), -1); got[0][1] != mids[1][1] {
		t.Error("moving a module up did not change the order")
	}
	// The Arabic tab marks what is not translated yet.
	ar := b.get("/author/courses/cours-d-essai?tl=ar")
	if n := strings.Count(string(ar.Body), "badge untranslated"); n < 4 {
		t.Errorf("the Arabic tab shows %d untranslated markers, want the course, 2 modules and the lesson", n)
	}
	wantStatus(t, b.post(ar, "/author/modules/"+mids[0][1]+"?tl=ar", url.Values{"title": {"التعرف"}, "tl": {"ar"}}), 303)

	// Publishing goes through a confirmation that shows the course.
	confirm := b.get("/author/courses/cours-d-essai/publish")
	wantStatus(t, confirm, 200)
	for _, want := range []string{"Les indicateurs", "2 modules", "1 leçon", `name="state" value="publish"`} {
		if !strings.Contains(string(confirm.Body), want) {
			t.Errorf("the publish confirmation lacks %q", want)
		}
	}
	wantStatus(t, b.post(confirm, "/author/courses/cours-d-essai/publish", url.Values{"state": {"publish"}}), 303)
	if c := tr.do("GET", "/api/v1/courses/cours-d-essai", nil).JSON(t); c["published"] != true || c["hours"] != 1.5 || c["validity_days"] != 730.0 {
		t.Errorf("after the pages, the course is %v", c)
	}
	// The editor's export link works with the page's session.
	if zip := b.get("/api/v1/courses/cours-d-essai/export"); zip.StatusCode != 200 || zip.Header.Get("Content-Type") != "application/zip" {
		t.Errorf("the export link answers %d %s", zip.StatusCode, zip.Header.Get("Content-Type"))
	}
	// Without the form's token, nothing changes.
	wantStatus(t, b.send("POST", "/author/courses/cours-d-essai/publish", "state=unpublish"), 403)

	// Deleting a module asks first, saying what goes with it.
	delPage := b.get("/author/modules/" + mids[0][1] + "/delete")
	wantStatus(t, delPage, 200)
	if body := string(delPage.Body); !strings.Contains(body, "Identifier") || !strings.Contains(body, "1 leçon") {
		t.Error("the module's delete confirmation does not say what it deletes")
	}
	wantStatus(t, b.post(delPage, "/author/modules/"+mids[0][1]+"/delete", url.Values{}), 303)
	if mods := tr.do("GET", "/api/v1/courses/cours-d-essai", nil).JSON(t)["modules"].([]any); len(mods) != 1 || mods[0].(map[string]any)["position"] != 1.0 {
		t.Errorf("after deleting a module the course has %v", mods)
	}

	// An Arabic title without a slug gives a readable Latin address.
	arForm := b.get("/author/courses/new?lang=ar")
	r = b.post(arForm, "/author/courses", url.Values{"title": {"الاتجار بالبشر"}, "locale": {"ar"}, "audience_judiciary": {"1"}})
	wantStatus(t, r, 303)
	if loc := r.Header.Get("Location"); loc != "/author/courses/alatjar-balbshr?created=1" {
		t.Errorf("an Arabic title made the address %q", loc)
	}

	// Someone else's course: not found in the editor; a trainee: forbidden.
	other := a.signIn(t, a.trainer().Email)
	wantStatus(t, other.get("/author/courses/"+mustDraft(t, a, tr)), 404)
	wantStatus(t, other.get("/author/courses/cours-d-essai"), 403) // published, not theirs
	trainee := a.signIn(t, a.register("police").Email)
	wantStatus(t, trainee.get("/author"), 403)

	// The audit log has the trainer's changes.
	var n int64
	a.db.R.Table("audit_events").Where("actor_id = ? AND action IN ?", tr.ID, []string{"course.create", "module.create", "lesson.create", "lesson.update", "image.upload", "module.update", "course.publish"}).Count(&n)
	if n < 7 {
		t.Errorf("%d audit events for the trainer's changes, want at least 7", n)
	}
}

// mustDraft creates a draft course of tr and returns its slug.
func mustDraft(t *testing.T, a *testApp, tr user) string {
	t.Helper()
	slug := "brouillon-" + next()
	wantStatus(t, tr.do("POST", "/api/v1/courses", map[string]any{"slug": slug, "title": "Brouillon", "audiences": []string{"police"}}), 201)
	return slug
}
