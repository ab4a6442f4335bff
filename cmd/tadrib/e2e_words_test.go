package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestE2EWords looks at issue 11's points 5 to 9 on a phone, 360 px wide, in
// French and Arabic: an Arabic trainee's quiz whose texts are French (lined
// up with the page, marked, with the untranslated note), the result with
// localised percentages, a GIFT import's errors in the reader's language
// with plain checkboxes, and the report's profession table, which scrolls
// with a visible cue. Screenshots are kept with TADRIB_SCREENSHOTS.
func TestE2EWords(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	trainees := map[string]user{"fr": enrolled(t, a, slug), "ar": enrolled(t, a, slug)}
	base := a.serve(t)

	for _, lang := range []string{"fr", "ar"} {
		t.Run(lang, func(t *testing.T) {
			b := startE2EBrowser(t, chrome, e2eQuizTimeout)
			s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
			s.open("/login?lang=" + lang + "&next=/quizzes/" + quizID)
			s.do(chromedp.SendKeys(chromedp.CSS("#email"), trainees[lang].Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
			s.click(`form[action="/login"] button[type="submit"]`)
			s.click(`form[action="/quizzes/` + quizID + `/start"] button[type="submit"]`)
			s.wantDocument(lang, map[string]string{"fr": "ltr", "ar": "rtl"}[lang])
			marked := eval[int](s, `document.querySelectorAll(".attempt [lang=fr][dir=ltr]").length`)
			notes := eval[int](s, `document.querySelectorAll(".attempt .note").length`)
			if lang == "ar" {
				// Every French option lines up with the Arabic page: its
				// right edge where the Arabic texts' would be.
				if marked == 0 || notes == 0 {
					t.Errorf("ar: %d texts marked French, %d notes", marked, notes)
				}
				if bad := eval[int](s, `[...document.querySelectorAll(".attempt .choice > span[lang]")].filter(e => getComputedStyle(e).textAlign !== "right").length`); bad != 0 {
					t.Errorf("ar: %d French options are not aligned with the page", bad)
				}
			} else if marked != 0 || notes != 0 {
				t.Errorf("fr: %d texts marked as another language, %d notes, on the course's own language", marked, notes)
			}
			s.wantNoHorizontalScroll("attempt (" + lang + ")")
			s.shotFromTop("words-quiz-" + lang)
			// Submitted as the finish button does, without its confirmation
			// dialog (e2e_quiz_test.go walks that).
			res, err := chromedp.RunResponse(s.ctx, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.getElementById("attempt"), i = document.createElement("input");
				i.type = "hidden"; i.name = "action"; i.value = "submit"; f.appendChild(i); HTMLFormElement.prototype.submit.call(f) })()`))
			if err != nil || res == nil || res.Status != 200 || !strings.HasSuffix(s.url().Path, "/result") {
				t.Fatalf("submitting led to %s: %v", s.url(), err)
			}
			pct := s.text(".progress .pct")
			if want := map[string]string{"fr": "\u202f%", "ar": "%"}[lang]; !strings.HasSuffix(pct, want) || (lang == "ar" && strings.Contains(pct, " ")) {
				t.Errorf("%s: the result's percentage is %q", lang, pct)
			}
			s.wantNoHorizontalScroll("result (" + lang + ")")
			s.shotFromTop("words-result-" + lang)
		})
		t.Run(lang+"/trainer", func(t *testing.T) {
			b := startE2EBrowser(t, chrome, e2eQuizTimeout)
			s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
			s.open("/login?lang=" + lang + "&next=/author/quizzes/" + quizID + "/import")
			s.do(chromedp.SendKeys(chromedp.CSS("#email"), tr.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
			s.click(`form[action="/login"] button[type="submit"]`)
			s.do(chromedp.SendKeys(chromedp.CSS("#gift"), "::Q:: Combien ? {#abc}"))
			s.do(chromedp.Click(chromedp.CSS(`form[action$="/import"] button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`.problems`)))
			msg := s.text(".problems li")
			if strings.Contains(msg, "is not a number") || !strings.Contains(msg, map[string]string{"fr": "n’est pas un nombre", "ar": "ليس رقمًا"}[lang]) {
				t.Errorf("%s: the GIFT error reads %q", lang, msg)
			}
			// A checkbox label is plain text, not the green "done" mark.
			if c := eval[string](s, `getComputedStyle(document.querySelector("label.check")).color`); c == "rgb(30, 122, 60)" {
				t.Errorf("%s: the checkbox label is green", lang)
			}
			s.wantNoHorizontalScroll("import (" + lang + ")")
			s.shotFromTop("words-import-" + lang)

			s.open("/author/reports/courses/" + slug)
			w := `document.querySelector(".rep-wide")`
			if eval[bool](s, w+`.scrollWidth > `+w+`.clientWidth`) {
				// It scrolls: the cue must be drawn (the shadows are
				// background layers) and the region reachable by keyboard.
				if bg := eval[string](s, `getComputedStyle(`+w+`).backgroundImage`); strings.Count(bg, "gradient") < 4 {
					t.Errorf("%s: the profession table scrolls with no cue (background %q)", lang, bg)
				}
				if eval[string](s, w+`.getAttribute("tabindex")`) != "0" {
					t.Errorf("%s: the scrolling table cannot be reached by keyboard", lang)
				}
			}
			s.wantNoHorizontalScroll("report (" + lang + ")")
			s.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("h-prof") ? document.getElementById("h-prof").scrollIntoView() : ` + w + `.scrollIntoView()`))
			s.shot("words-report-" + lang)
		})
	}
}
