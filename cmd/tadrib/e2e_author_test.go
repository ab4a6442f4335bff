package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EQuizEditor walks a trainer through the quiz editor on a phone, in
// French and Arabic: the question bank, a question form, an import with an
// error, the item analysis and the grading queue. It checks the pages fit
// 360 px and keeps screenshots to look at.
func TestE2EQuizEditor(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	// Two trainees take it, so that the report has figures.
	for _, all := range []bool{true, false} {
		u := enrolled(t, a, slug)
		at := start(t, u, quizID, 201)
		for qid, body := range rightAnswers(t, at) {
			if all || byType(at)["single"]["id"] == qid {
				u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body)
			}
		}
		u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
	}
	base := a.serve(t)
	b := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}

	s.open("/login?next=/author/quizzes/" + quizID)
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), tr.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	if p := s.url().Path; p != "/author/quizzes/"+quizID {
		t.Fatalf("after login the trainer is on %s", p)
	}
	if n := eval[int](s, `document.querySelectorAll("ol.bank > li").length`); n != 6 {
		t.Errorf("the editor lists %d questions, want 6", n)
	}
	s.wantNoHorizontalScroll("quiz editor (fr)")
	s.shotFromTop("author-01-editor-fr")

	s.open("/author/quizzes/" + quizID + "/questions/new?type=multiple")
	s.wantNoHorizontalScroll("question form (fr)")
	s.shotFromTop("author-02-question-multiple-fr")

	s.open("/author/quizzes/" + quizID + "/import")
	s.do(chromedp.SendKeys(chromedp.CSS("#gift"), "::Q:: Jamais fermée {=oui ~non"))
	// The answer is a 422 page with the errors: not a failed click.
	s.do(chromedp.Click(chromedp.CSS(`form[action$="/import"] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`.problems`)))
	if n := eval[int](s, `document.querySelectorAll(".problems li").length`); n != 1 {
		t.Errorf("the import lists %d errors, want 1", n)
	}
	s.wantNoHorizontalScroll("import with errors (fr)")
	s.shotFromTop("author-03-import-error-fr")

	s.open("/author/quizzes/" + quizID + "/report")
	if n := eval[int](s, `document.querySelectorAll("svg.chart").length`); n != 6 {
		t.Errorf("the report draws %d charts, want 6", n)
	}
	s.wantNoHorizontalScroll("item analysis (fr)")
	s.shotFromTop("author-04-report-fr")

	s.open("/author/quizzes/" + quizID + "?lang=ar")
	s.wantDocument("ar", "rtl")
	s.wantNoHorizontalScroll("quiz editor (ar)")
	s.shotFromTop("author-05-editor-ar")
	s.open("/author/quizzes/" + quizID + "/report")
	s.wantNoHorizontalScroll("item analysis (ar)")
	s.shotFromTop("author-06-report-ar")
	s.open("/author/grading")
	s.shotFromTop("author-07-grading-ar")
	for _, p := range b.problems() {
		if !strings.Contains(p, "status of 422") { // the import's error page, on purpose
			t.Errorf("the browser reported: %s", p)
		}
	}
}
