package main

import (
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfPage counts a PDF's pages: each page object is "/Type /Page" (the page
// tree is "/Type /Pages").
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestE2EFicheReflexePrintsOnOnePage: each profession course ends with a
// "fiche réflexe" that an officer prints and keeps; printed from its lesson
// page on A4, in French, Arabic and English, it is one page, without the
// site's navigation (the print stylesheet).
func TestE2EFicheReflexePrintsOnOnePage(t *testing.T) {
	chrome, _ := e2eSetup(t)
	a := newTestApp(t, nil)
	a.loadWholeSeed()
	adm := a.admin()
	var fiches []string
	for _, it := range adm.do("GET", "/api/v1/courses", nil).JSON(t)["items"].([]any) {
		slug := it.(map[string]any)["slug"].(string)
		if slug == cohortCourse {
			continue
		}
		mods := adm.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any)
		lessons := mods[len(mods)-1].(map[string]any)["lessons"].([]any)
		fiches = append(fiches, lessons[len(lessons)-1].(map[string]any)["id"].(string))
	}
	if len(fiches) != 4 {
		t.Fatalf("%d profession courses, want 4", len(fiches))
	}
	base := a.serve(t)
	b := startE2EBrowser(t, chrome, 2*e2eTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: t.TempDir()}
	s.open("/login")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), adm.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	for _, id := range fiches {
		for _, lang := range []string{"fr", "ar", "en"} {
			s.open("/lessons/" + id + "?lang=" + lang)
			css := true
			res, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &css})
			if err != nil {
				t.Fatalf("print lesson %s in %s: %v", id, lang, err)
			}
			if n := len(pdfPage.FindAll(res.Data, -1)); n != 1 {
				t.Errorf("fiche réflexe (lesson %s) in %s prints on %d A4 pages, want 1", id, lang, n)
			}
		}
	}
}
