package web

import (
	"testing"
	"time"
)

// TestPageFormats: the helpers templates write dates, numbers and
// percentages with are internal/format's, in the page's language, and a
// date is isolated for bidi (an Arabic page must not reorder it).
func TestPageFormats(t *testing.T) {
	t.Parallel()
	_, r := catalogAndRenderer(t)
	d := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	half := 72.5
	for lang, want := range map[string][4]string{
		"fr": {"7 décembre 2026", "100\u202f%", "2,25", "72,5\u202f%"},
		"ar": {"7 دجنبر 2026", "100%", "2,25", "72,5%"},
		"en": {"7 December 2026", "100%", "2.25", "72.5%"},
	} {
		p := PageData{Lang: lang, r: r}
		if got := p.Date(d); got != "\u2068"+want[0]+"\u2069" {
			t.Errorf("%s: Date = %q", lang, got)
		}
		if got := p.Date(&d); got != "\u2068"+want[0]+"\u2069" || p.Date((*time.Time)(nil)) != "" {
			t.Errorf("%s: Date(*time.Time) = %q", lang, got)
		}
		if got := p.Date("2026-12-07"); got != "\u2068"+want[0]+"\u2069" {
			t.Errorf("%s: Date(string) = %q", lang, got)
		}
		if got := p.Pct(100); got != want[1] {
			t.Errorf("%s: Pct(100) = %q", lang, got)
		}
		if got := p.Num(2.25); got != want[2] {
			t.Errorf("%s: Num(2.25) = %q", lang, got)
		}
		if got := p.PctN(&half, 1); got != want[3] {
			t.Errorf("%s: PctN(72.5) = %q", lang, got)
		}
	}
	p := PageData{Lang: "fr", r: r}
	if p.ISO(d) != "2026-12-07" || p.ISO("2026-12-07") != "2026-12-07" || p.Pct((*float64)(nil)) != "0\u202f%" {
		t.Error("ISO or a nil percentage")
	}
}
