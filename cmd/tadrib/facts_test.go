package main

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"tadrib/assets"
)

// TestCurriculumFactsSourced: every number and article reference in a lesson
// or a question, outside the fictional cases, appears in the fact sheets
// (assets/seed/content-facts.md, assets/seed/FACTS.md) that carry its source.
// Numbers are compared after normalisation: Arabic-Indic digits, thousands
// separators ("10 000", "10,000"), and "27.14" written for "27-14".
func TestCurriculumFactsSourced(t *testing.T) {
	fsys := assets.FS("")
	known := map[string]bool{}
	for _, f := range []string{"seed/content-facts.md", "seed/FACTS.md"} {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range numbers(string(b)) {
			known[n] = true
			for _, part := range strings.Split(n, "-") {
				known[part] = true
			}
		}
	}
	for _, c := range readCurriculum(t) {
		for lp, files := range c.pkg.Lessons {
			for lang, f := range files {
				for _, n := range numbers(stripForFacts(f.Body, lang)) {
					if !known[n] {
						t.Errorf("%s/%s.%s: %q is in no fact sheet", c.dir, lp, lang, n)
					}
				}
			}
		}
		for file, text := range c.pkg.Quizzes {
			for _, n := range numbers(stripGIFT(text)) {
				if !known[n] {
					t.Errorf("%s/%s: %q is in no fact sheet", c.dir, file, n)
				}
			}
		}
	}
}

var (
	arabicDigits = strings.NewReplacer("٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9")
	// thousands: 10 000, 10 000 (no-break spaces), 10,000 — not a dot,
	// which joins the parts of a law's or a dahir's number (27.14, 1.16.121).
	thousands = regexp.MustCompile(`\b(\d{1,3})((?:[  \x{202F},]\d{3})+)\b`)
	sepDigit  = regexp.MustCompile(`(\d)[.](\d)`)
	numberRE  = regexp.MustCompile(`\d+(?:[-–‑]\d+)*`)
	// References to the course's own lessons and modules are not facts.
	selfRef = regexp.MustCompile(`(?i)(leçons?|lessons?|modules?|الدرس|الدروس|الدرسان|الدرسين|الوحدة|الوحدات|الوحدتان|الوحدتين)\s*\d+(?:[.]\d+)?(?:\s*(?:et|and|و|,|à|to|-|–)\s*\d+(?:[.]\d+)?)*`)
	mdURL   = regexp.MustCompile(`\]\([^)]*\)|https?://\S+`)
)

// numbers lists the numbers in text, normalised.
func numbers(text string) []string {
	text = arabicDigits.Replace(text)
	text = thousands.ReplaceAllStringFunc(text, func(m string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m)
	})
	for sepDigit.MatchString(text) { // 1.16.121: matches overlap
		text = sepDigit.ReplaceAllString(text, "$1-$2")
	}
	var out []string
	for _, n := range numberRE.FindAllString(text, -1) {
		out = append(out, strings.NewReplacer("–", "-", "‑", "-").Replace(n))
	}
	return out
}

// stripForFacts removes from a lesson what is not a factual statement: its
// sources (titles and addresses), links' addresses, references to the
// course's own lessons, and the fictional cases — blockquotes that open with
// the case marker, and sections under a heading that starts with it.
func stripForFacts(body, lang string) string {
	var keep []string
	lines := strings.Split(body, "\n")
	caseLevel := 0
	inQuote := false
	for _, l := range lines {
		trim := strings.TrimSpace(l)
		if strings.HasPrefix(trim, "#") {
			lv := level(trim)
			if caseLevel > 0 && lv <= caseLevel {
				caseLevel = 0
			}
			h := strings.TrimSpace(strings.TrimLeft(trim, "#"))
			if strings.HasPrefix(h, caseMarker[lang]) {
				caseLevel = lv
			}
			if trim == sourcesHeading[lang] {
				break
			}
		}
		if strings.HasPrefix(trim, "> **"+caseMarker[lang]+"**") {
			inQuote = true
		} else if !strings.HasPrefix(trim, ">") {
			inQuote = false
		}
		if caseLevel > 0 || inQuote {
			continue
		}
		keep = append(keep, l)
	}
	s := strings.Join(keep, "\n")
	s = mdURL.ReplaceAllString(s, "]")
	return selfRef.ReplaceAllString(arabicDigits.Replace(s), "")
}

var (
	giftTitle  = regexp.MustCompile(`::[^:]*::`)
	giftWeight = regexp.MustCompile(`%-?\d+(?:[.]\d+)?%`)
	giftNumAns = regexp.MustCompile(`([=~]?%?-?\d*%?)(-?\d+(?:[.]\d+)?)(?::\d+(?:[.]\d+)?|\.\.-?\d+(?:[.]\d+)?)`)
	giftCase   = regexp.MustCompile(`(?m)^.*(Cas fictif|حالة افتراضية|Fictional case).*$`)
)

// stripGIFT removes from a GIFT file what is not a statement: comments,
// question titles, weights, tolerances, references to lessons, and the
// situation of a question that is a fictional case (a stem that names the
// case marker; its answers and feedback are still checked).
func stripGIFT(text string) string {
	var keep []string
	for _, block := range strings.Split(text, "\n\n") {
		if i := strings.Index(block, "{"); i > 0 && giftCase.MatchString(block[:i]) {
			block = block[i:]
		}
		for _, l := range strings.Split(block, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "//") {
				continue
			}
			keep = append(keep, l)
		}
	}
	s := strings.Join(keep, "\n")
	s = giftTitle.ReplaceAllString(s, "")
	s = giftWeight.ReplaceAllString(s, "")
	s = giftNumAns.ReplaceAllString(s, "$2")
	s = mdURL.ReplaceAllString(s, "]")
	return selfRef.ReplaceAllString(arabicDigits.Replace(s), "")
}
