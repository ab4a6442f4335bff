package rtl

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cps writes runes as code points, so a failing golden shows what differs
// (presentation forms look alike in a terminal).
func cps(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "%04X ", r)
	}
	return strings.TrimSpace(b.String())
}

// The expected strings are in visual order, left to right, as code points
// of Arabic Presentation Forms; each was checked letter by letter against
// the Unicode charts (comments name the forms).
func TestVisualGolden(t *testing.T) {
	tests := []struct {
		name string
		in   string
		dir  Direction
		want string
	}{
		{"name, three words, right to left", "فاطمة الزهراء بنعلي", RTL,
			// بنعلي: yeh final, lam medial, ain medial, noon medial, beh initial
			"FEF2 FEE0 FECC FEE8 FE91 0020 " +
				// الزهراء: hamza (no forms), alef isolated, reh final, heh initial, zain final, lam initial, alef isolated
				"0621 FE8D FEAE FEEB FEB0 FEDF FE8D 0020 " +
				// فاطمة: teh marbuta final, meem medial, tah initial, alef final, feh initial
				"FE94 FEE4 FEC3 FE8E FED3"},
		{"digits keep left-to-right order", "رقم 2025", RTL,
			"0032 0030 0032 0035 0020 FEE2 FED7 FEAD"},
		{"nested level: Arabic with a number inside a left-to-right line", "ID فاطمة 2024 بنعلي", LTR,
			"0049 0044 0020 FEF2 FEE0 FECC FEE8 FE91 0020 0032 0030 0032 0034 0020 FE94 FEE4 FEC3 FE8E FED3"},
		{"number at level 2 next to Latin at level 0", "رقم 2025 ID", LTR,
			"0032 0030 0032 0035 0020 FEE2 FED7 FEAD 0020 0049 0044"},
		{"brackets mirrored", "(24 ساعة)", RTL,
			"0028 FE94 FECB FE8E FEB3 0020 0032 0034 0029"},
		{"lam-alef ligature, isolated", "الاستماع", RTL,
			"FEC9 FE8E FEE4 FE98 FEB3 FEFB FE8D"},
		{"lam before alef maksura is no ligature", "إلى", RTL, "FEF0 FEDF FE87"},
		{"lam-alef ligature, final", "سلام", RTL, "FEE1 FEFC FEB3"},
		{"lam-alef with hamza below", "لإ", RTL, "FEF9"},
		{"harakat are transparent and stay after their letter", "بَب", RTL, "FE90 FE91 064E"},
		{"fatha on lam goes after the ligature", "لَا", RTL, "FEFB 064E"},
		{"ZWNJ breaks joining and is dropped", "ب\u200cب", RTL, "FE8F FE8F"},
		{"ZWJ forces joining and is dropped", "ب\u200d", RTL, "FE91"},
		{"tatweel joins both sides", "بـب", RTL, "FE90 0640 FE91"},
		{"Maghrebi veh and gaf", "ڤڭ", RTL, "FBD4 FB6C"},
		{"NFC first: alef + madda above becomes alef with madda", "\u0627\u0653", RTL, "FE81"},
		{"Latin only unchanged", "Hélène Dupré-Benali (3)", LTR, cps("Hélène Dupré-Benali (3)")},
		{"Latin in a right-to-left line keeps its order", "Tadrib", RTL, cps("Tadrib")},
		{"empty", "", RTL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cps(Visual(tt.in, tt.dir)); got != tt.want {
				t.Errorf("Visual(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestShapeKeepsLogicalOrder(t *testing.T) {
	if got, want := cps(Shape("رقم 12")), "FEAD FED7 FEE2 0020 0031 0032"; got != want {
		t.Errorf("Shape = %s, want %s", got, want)
	}
}

func TestShapeGivesBackTextAfterNFKC(t *testing.T) {
	// pdftotext returns the presentation forms; NFKC folds them back.
	for _, s := range []string{"فاطمة الزهراء بنعلي", "الاستماع إلى القاصرين", "سلام"} {
		if got := norm.NFKC.String(Shape(s)); got != s {
			t.Errorf("NFKC(Shape(%q)) = %q", s, got)
		}
	}
}

func TestRuns(t *testing.T) {
	v := Visual("Certificat — شهادة تكوين 2025", LTR)
	runs := Runs(v)
	var scripts []Script
	var joined strings.Builder
	for _, r := range runs {
		scripts = append(scripts, r.Script)
		joined.WriteString(r.Text)
	}
	if joined.String() != v {
		t.Fatalf("runs do not add up to the line: %q vs %q", joined.String(), v)
	}
	if !slices.Equal(scripts, []Script{Latin, Arabic}) {
		t.Fatalf("scripts = %v, want [Latin Arabic] (%q)", scripts, runs)
	}
	if runs[0].Text != "Certificat — 2025 " {
		t.Errorf("first run %q: neutrals should stay with the Latin run on their left", runs[0].Text)
	}
	if Runs("") != nil {
		t.Error("Runs(\"\") should be empty")
	}
	if r := Runs("2025"); len(r) != 1 || r[0].Text != "2025" {
		t.Errorf("neutral-only line: %v", r)
	}
}

func TestWrap(t *testing.T) {
	width := func(s string) float64 { return float64(utf8.RuneCountInString(s)) }
	tests := []struct {
		in    string
		width float64
		want  []string
	}{
		{"فاطمة الزهراء بنت محمد بنعلي", 14, []string{"فاطمة الزهراء", "بنت محمد بنعلي"}},
		{"short", 40, []string{"short"}},
		{"Anticonstitutionnellement long", 10, []string{"Anticonstitutionnellement", "long"}},
		{"  a   b  ", 1, []string{"a", "b"}},
		{"", 10, nil},
		{"titre\u202f: suite", 6, []string{"titre\u202f:", "suite"}},
	}
	for _, tt := range tests {
		if got := Wrap(tt.in, tt.width, width); !slices.Equal(got, tt.want) {
			t.Errorf("Wrap(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// baseRunes folds what Visual legitimately changes (presentation forms,
// ligatures, mirrored brackets, dropped invisible controls; decomposed, so
// that a mark moved next to another letter cannot compose with it) so that the
// rune multiset of input and output can be compared.
func baseRunes(s string, dropInvisible bool) []rune {
	var out []rune
	for _, r := range norm.NFKD.String(s) {
		if dropInvisible && isInvisible(r) {
			continue
		}
		if m, ok := mirror[r]; ok && m < r {
			r = m
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

func FuzzVisual(f *testing.F) {
	for _, s := range []string{"فاطمة الزهراء بنعلي", "رقم 2025", "ID فاطمة 2024 بنعلي", "(24 ساعة)",
		"الاستماع إلى", "لَا", "\u202bبب\u202c x", "ب\u200dـ\u200cل", "Hélène", "«[{<>}]»", "\u064e\u0644"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, rtlPara bool) {
		if !utf8.ValidString(s) {
			return
		}
		dir := LTR
		if rtlPara {
			dir = RTL
		}
		v := Visual(s, dir)
		if !utf8.ValidString(v) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		// NFKC of the input may itself contain presentation-form
		// decompositions: compare both sides folded the same way.
		if got, want := baseRunes(v, false), baseRunes(norm.NFC.String(s), true); !slices.Equal(got, want) {
			t.Fatalf("runes changed for %q (%v):\n got %q\nwant %q", s, dir, string(got), string(want))
		}
		var total strings.Builder
		for _, r := range Runs(v) {
			total.WriteString(r.Text)
		}
		if total.String() != v {
			t.Fatalf("Runs lost text for %q", s)
		}
	})
}
