package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"tadrib/internal/webtest"
)

// TestE2ECourseAuthoring is the scenario: a trainer creates a course
// in the browser, with a module, a lesson with an image and a quiz of one
// question, publishes it through the confirmation; then a labour inspector
// finds it in the catalogue and completes it (lesson done, quiz passed).
// Screenshots of the editor in French and Arabic at 360 and 1280 px.
func TestE2ECourseAuthoring(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	tr := a.trainer()
	base := a.serve(t)
	b := startE2EBrowser(t, chrome, 3*e2eTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	img := filepath.Join(t.TempDir(), "carte.png")
	if err := os.WriteFile(img, webtest.PNG(t, 5), 0o644); err != nil {
		t.Fatal(err)
	}

	s.open("/login?next=/author")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), tr.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	if s.url().Path != "/author" {
		t.Fatalf("after login the trainer is on %s", s.url())
	}
	s.wantNoHorizontalScroll("trainer home, empty (fr)")
	s.shotFromTop("course-author-01-home-empty-fr-360")

	// A new course for labour inspectors.
	s.click(`a[href="/author/courses/new"]`)
	s.do(chromedp.SendKeys(chromedp.CSS("#title"), "Inspection du travail et traite"),
		chromedp.Click(chromedp.CSS(`input[name="audience_labour_inspector"]`)))
	s.wantNoHorizontalScroll("new course (fr)")
	s.shotFromTop("course-author-02-new-fr-360")
	s.click(`form[action="/author/courses"] button[type="submit"]`)
	slug := strings.TrimPrefix(s.url().Path, "/author/courses/")
	if slug != "inspection-du-travail-et-traite" {
		t.Fatalf("the new course is at %s", s.url())
	}

	// A module, then a lesson in it.
	s.do(chromedp.SendKeys(chromedp.CSS("#new-module"), "Repérer les victimes"))
	s.click(`form[action$="/modules"] button[type="submit"]`)
	s.do(chromedp.SendKeys(chromedp.CSS(`form.add-lesson input[name="title"]`), "Les indicateurs au travail"))
	s.click(`form.add-lesson button[type="submit"]`)
	if !regexp.MustCompile(`^/author/lessons/\d+$`).MatchString(s.url().Path) {
		t.Fatalf("adding a lesson led to %s", s.url())
	}
	// Text, then an image: the script uploads it and inserts its Markdown
	// at the cursor, and the preview shows it.
	s.do(chromedp.SendKeys(chromedp.CSS("#body_md"), "## Signes\n\nDes **papiers confisqués**, une dette.\n"),
		chromedp.SetValue(chromedp.CSS("#minutes"), "6"),
		chromedp.SendKeys(chromedp.CSS("#alt"), "Carte des signes"),
		chromedp.SetUploadFiles(chromedp.CSS("#image"), []string{img}))
	s.waitJS("the image's Markdown in the text", `/!\[Carte des signes\]\(\/images\/[0-9a-f]{64}\.png\)/.test(document.getElementById("body_md").value)`, 10*time.Second)
	s.waitJS("the live preview with the image", `!!document.querySelector("#preview img") && document.querySelector("#preview strong") !== null`, 10*time.Second)
	s.click(`button[name="action"][value="save"]`)
	lessonPath := s.url().Path
	s.waitJS("the saved image to load", `(() => { const i = document.querySelector("#preview img"); return !!i && i.complete && i.naturalWidth === 8; })()`, 10*time.Second)
	s.wantNoHorizontalScroll("lesson editor (fr)")
	s.shotFromTop("course-author-03-lesson-fr-360")

	// A second lesson from the lesson page, then dragged above the first
	// (the script posts the move the ↑/↓ buttons post).
	s.do(chromedp.SendKeys(chromedp.CSS("#next-lesson"), "Premier contact"))
	s.click(`form.next-lesson button[type="submit"]`)
	s.do(chromedp.SendKeys(chromedp.CSS("#body_md"), "Se présenter, expliquer, rassurer."))
	s.click(`button[name="action"][value="save"]`)
	s.open("/author/courses/" + slug)
	s.do(chromedp.Evaluate[chromedp.Void](`(() => {
		const ls = document.querySelectorAll(".ed-lessons > li.ed-lesson"), dt = new DataTransfer();
		ls[1].dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		ls[0].dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt}));
		ls[0].dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
	})()`))
	// The page reloads once the move is saved: watch the server's order.
	firstLesson := func() string {
		mods := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any)
		return mods[0].(map[string]any)["lessons"].([]any)[0].(map[string]any)["title"].(string)
	}
	for deadline := time.Now().Add(10 * time.Second); firstLesson() != "Premier contact"; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("dragging the second lesson above the first did not move it")
		}
	}

	// The module's quiz: create it, and import one question.
	s.open("/author/courses/" + slug)
	s.click(`form[action$="/quiz"] button[type="submit"]`)
	quizPath := s.url().Path
	s.open(quizPath + "/import")
	s.do(chromedp.SendKeys(chromedp.CSS("#gift"), "::Q1:: Confisquer les papiers d'identité d'un travailleur est un indicateur de traite. {TRUE}"))
	s.click(`form[action$="/import"] button[type="submit"]`)
	s.open("/author/courses/" + slug)
	s.wantNoHorizontalScroll("course editor (fr)")
	s.shotFromTop("course-author-04-editor-fr-360")

	// Publish, through the confirmation that shows the course.
	s.click(`a[href^="/author/courses/` + slug + `/publish"]`)
	if txt := s.text("main"); !strings.Contains(txt, "Les indicateurs au travail") || !strings.Contains(txt, "1 module") {
		t.Errorf("the publish confirmation does not show the course: %q", txt)
	}
	s.wantNoHorizontalScroll("publish confirmation (fr)")
	s.shotFromTop("course-author-05-publish-fr-360")
	s.click(`form[action$="/publish"] button[type="submit"]`)
	if !strings.Contains(s.text(".notice"), "publié") {
		t.Errorf("publishing says %q", s.text(".notice"))
	}

	// The editor in Arabic, and both languages at 1280 px.
	for _, p := range []string{"/author", "/author/courses/" + slug, lessonPath, "/author/courses/" + slug + "/publish"} {
		s.open(p + "?lang=ar")
		s.wantDocument("ar", "rtl")
		s.wantNoHorizontalScroll(p + " (ar)")
		s.shotFromTop("course-author-ar-360-" + shotName(p))
	}
	s.do(chromedp.EmulateViewport(1280, 900))
	for _, lang := range []string{"fr", "ar"} {
		for _, p := range []string{"/author/courses/" + slug, lessonPath} {
			s.open(p + "?lang=" + lang)
			s.shotFromTop("course-author-" + lang + "-1280-" + shotName(p))
		}
	}
	s.do(chromedp.EmulateViewport(e2eWidth, e2eHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile))

	// A labour inspector finds it and completes it.
	s.open("/courses?lang=fr")
	s.logout()
	s.open("/register")
	s.do(chromedp.SendKeys(chromedp.CSS("#name"), "Nadia Alaoui"),
		chromedp.SendKeys(chromedp.CSS("#email"), "nadia.e2e@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.SetValue(chromedp.CSS("#profession"), "labour_inspector"))
	s.click(`form[action="/register"] button[type="submit"]`)
	s.click(`a[href="/courses/` + slug + `"]`)
	s.click(`form[action$="/enroll"] button[type="submit"]`)
	s.click(`form[action$="/complete"] button[type="submit"]`) // "Premier contact"
	if p := strings.TrimPrefix(lessonPath, "/author"); s.url().Path != p {
		s.open(p)
	}
	s.settleJS("the lesson's image", `(() => { const i = document.querySelector(".prose img"); return !!i && i.complete && i.naturalWidth === 8; })()`, 10*time.Second)
	s.click(`form[action$="/complete"] button[type="submit"]`)
	s.open(strings.Replace(quizPath, "/author", "", 1))
	s.click(`form[action$="/start"] button[type="submit"]`)
	s.tapChoice("true_false", "Vrai")
	s.waitSaved("after answering")
	dialog := b.acceptDialogs()
	s.click("#finish")
	<-dialog
	if n := eval[int](s, `document.querySelectorAll(".card.result.passed").length`); n != 1 {
		t.Fatalf("the trainee did not pass the quiz: %q", s.text("main"))
	}
	s.open("/courses/" + slug)
	if !strings.Contains(s.text(".course-status"), "terminé") {
		t.Errorf("the course is not completed for the trainee: %q", s.text(".course-status"))
	}
	for _, p := range b.problems() {
		t.Errorf("the browser reported: %s", p)
	}
}

func shotName(p string) string {
	return strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(p, "-"), "-")
}

// settleJS waits until a JavaScript expression is true, through the page
// loads that may still be under way (a redirect after a form).
func (s *e2eSession) settleJS(what, expr string, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s at %s: %v", what, s.url().Path, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
