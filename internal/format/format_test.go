package format

import (
	"testing"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

func TestDate(t *testing.T) {
	t.Parallel()
	// 23:30 in Rabat (UTC+1) on the 7th is still the 7th in UTC.
	d := time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("Rabat", 3600))
	for l, want := range map[string]string{"fr": "7 décembre 2026", "ar": "7 دجنبر 2026", "en": "7 December 2026", "xx": "7 décembre 2026"} {
		if got := Date(l, d); got != want {
			t.Errorf("Date(%s) = %q, want %q", l, got, want)
		}
	}
	if got := Day("ar", "2026-08-01"); got != "1 غشت 2026" {
		t.Errorf("Day(ar) = %q", got)
	}
	if got := Day("fr", "not a date"); got != "not a date" {
		t.Errorf("Day kept %q", got)
	}
	if Date("fr", time.Time{}) != "" || ISO(time.Time{}) != "" {
		t.Error("the zero time is not empty")
	}
	if got := ISO(d); got != "2026-12-07" {
		t.Errorf("ISO = %q", got)
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		l    string
		f    float64
		frac int
		want string
	}{
		{"fr", 2.25, 2, "2,25"}, {"ar", 2.25, 2, "2,25"}, {"en", 2.25, 2, "2.25"},
		{"fr", 2, 2, "2"}, {"fr", 1234.5, 1, "1\u202f234,5"}, {"ar", 1234.5, 1, "1.234,5"}, {"en", 1234567, 0, "1,234,567"},
		{"fr", -0.001, 2, "0"}, {"en", -3.5, 1, "-3.5"}, {"fr", 66.666, 1, "66,7"}, {"en", 999.96, 1, "1,000"},
	} {
		if got := Number(c.l, c.f, c.frac); got != c.want {
			t.Errorf("Number(%s, %v, %d) = %q, want %q", c.l, c.f, c.frac, got, c.want)
		}
	}
	for l, want := range map[string]string{"fr": "100\u202f%", "ar": "100%", "en": "100%"} {
		if got := Percent(l, 100, 0); got != want {
			t.Errorf("Percent(%s) = %q, want %q", l, got, want)
		}
	}
	if got := Percent("fr", 72.25, 1); got != "72,3\u202f%" && got != "72,2\u202f%" {
		t.Errorf("Percent(fr, 72.25, 1) = %q", got)
	}
}

// TestNumbersAgreeWithCLDR holds the separators against golang.org/x/text's
// CLDR data (ar-MA for Arabic); x/text's French data predates CLDR 34's
// narrow no-break space, which is the only difference allowed.
func TestNumbersAgreeWithCLDR(t *testing.T) {
	t.Parallel()
	tags := map[string]string{"fr": "fr", "ar": "ar-MA", "en": "en"}
	for _, f := range []float64{0, 7, 2.25, 1234.5, 98765432.1} {
		for l, tag := range tags {
			want := message.NewPrinter(language.MustParse(tag)).Sprint(number.Decimal(f, number.MaxFractionDigits(2)))
			if l == "fr" {
				want = replaceNBSP(want)
			}
			if got := Number(l, f, 2); got != want {
				t.Errorf("Number(%s, %v) = %q, CLDR says %q", l, f, got, want)
			}
		}
	}
}

func replaceNBSP(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\u00a0' {
			r = '\u202f'
		}
		out = append(out, r)
	}
	return string(out)
}

func TestIsolate(t *testing.T) {
	t.Parallel()
	if got := Isolate("2026-12-07"); got != "\u20682026-12-07\u2069" {
		t.Errorf("Isolate = %q", got)
	}
	if Isolate("") != "" {
		t.Error("an empty value gained isolates")
	}
}
