package quiz

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeTextEqual(t *testing.T) {
	for _, c := range []struct{ a, b, why string }{
		{"  Palermo   PROTOCOL ", "palermo protocol", "case and spaces"},
		{"Palermo\tprotocol\n", "palermo protocol", "tabs and newlines"},
		{"palermo\u00a0protocol", "palermo protocol", "no-break space"},
		{"Straße", "STRASSE", "full case folding"},
		{"ΣΟΦΟΣ", "σοφος", "final sigma"},
		{"İstanbul", "istanbul", "Turkish dotted I"},
		{"e\u0301te\u0301", "été", "combining accents compose"},
		{"ＡＢＣ１２３", "abc123", "full-width forms"},
		{"ﬁn", "fin", "ligature"},
		{"Œuvre", "oeuvre", "œ"},
		{"l’exploitation", "l'exploitation", "typographic apostrophe"},
		{"l´exploitation", "l'exploitation", "acute accent as an apostrophe"},
		{"“traite”", "\"traite\"", "curly quotes"},
		{"14–27", "14-27", "en dash"},
		{"−5", "-5", "minus sign"},
		{"pal\u200bermo", "palermo", "zero-width space"},
		{"\u200fالاتجار\u200e", "الاتجار", "directional marks"},
		{"إتجار", "اتجار", "alef with hamza below"},
		{"أمن", "امن", "alef with hamza above"},
		{"آمن", "امن", "alef with madda"},
		{"ٱلله", "الله", "alef wasla"},
		{"ا\u0654من", "امن", "decomposed hamza above"},
		{"الاتّجار", "الاتجار", "shadda"},
		{"الإِتِّجَارُ بِالبَشَرِ", "الاتجار بالبشر", "harakat"},
		{"كِتَابٌ", "كتاب", "tanwin"},
		{"رحمٰن", "رحمن", "superscript alef"},
		{"مـــرحبا", "مرحبا", "tatweel"},
		{"على", "علي", "alef maqsura and ya"},
		{"مصطفي", "مصطفى", "alef maqsura and ya, the other way"},
		{"مدرسة", "مدرسه", "ta marbuta and ha"},
		{"ﻣﺮﺣﺒﺎ", "مرحبا", "presentation forms"},
		{"کتاب", "كتاب", "Persian kaf"},
		{"٢٧-١٤", "27-14", "Arabic-Indic digits"},
		{"۲۷-۱۴", "27-14", "Eastern Arabic-Indic digits"},
		{"٣٫٥", "3.5", "Arabic decimal separator"},
		{"٥٠٪", "50%", "Arabic percent sign"},
		{"نعم، لا؟", "نعم, لا?", "Arabic comma and question mark"},
		{"   ", "", "only spaces"},
		{"", "", "empty"},
	} {
		na, nb := NormalizeText(c.a), NormalizeText(c.b)
		if na != nb {
			t.Errorf("%s: NormalizeText(%q) = %q, NormalizeText(%q) = %q, want equal", c.why, c.a, na, c.b, nb)
		}
	}
}

func TestNormalizeTextDistinct(t *testing.T) {
	for _, c := range []struct{ a, b, why string }{
		{"où", "ou", "Latin accents stay"},
		{"résumé", "resume", "Latin accents stay"},
		{"مسؤول", "مسول", "hamza on waw stays"},
		{"سئل", "سيل", "hamza on ya stays"},
		{"palermo protocol", "palermoprotocol", "a space is not nothing"},
		{"27-14", "2714", "punctuation stays"},
		{"a*b", "ab", "stars stay (wildcards)"},
	} {
		na, nb := NormalizeText(c.a), NormalizeText(c.b)
		if na == nb {
			t.Errorf("%s: NormalizeText(%q) = NormalizeText(%q) = %q, want different", c.why, c.a, c.b, na)
		}
	}
}

func TestNormalizeTextExact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  Palermo   PROTOCOL ", "palermo protocol"},
		{"إتجار", "اتجار"},
		{"الاتّجار", "الاتجار"},
		{"مـــرحبا", "مرحبا"},
		{"٢٧-١٤", "27-14"},
		{"مدرسة", "مدرسه"},
		{"على", "علي"},
		{"\xff", "\ufffd"},
	} {
		if got := NormalizeText(c.in); got != c.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// checkNormalized checks the invariants of NormalizeText's output.
func checkNormalized(t *testing.T, in string) {
	t.Helper()
	out := NormalizeText(in)
	if !utf8.ValidString(out) {
		t.Fatalf("NormalizeText(%q) = %q: invalid UTF-8", in, out)
	}
	if again := NormalizeText(out); again != out {
		t.Fatalf("NormalizeText(%q) = %q, but NormalizeText(%q) = %q: not idempotent", in, out, out, again)
	}
	if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
		t.Fatalf("NormalizeText(%q) = %q: spaces not collapsed", in, out)
	}
	if strings.ContainsAny(out, "\u0640\u064e\u0651\u0623\u0625\u0622\u0649\u0629\u0660\u06f0\u200b\u200f") {
		t.Fatalf("NormalizeText(%q) = %q: Arabic left unnormalized", in, out)
	}
}

func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{
		"  Palermo   PROTOCOL ", "الإِتِّجَارُ بِالبَشَرِ", "٢٧-١٤", "İ", "e\u200d\u0301", "e\u0654\u0301",
		"α\ufe71\u0345", "\ufe7c", "ﻷ", "ß", "\xff\xfe", "Œ\u0301",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalized(t, s)
	})
}

// BenchmarkNormalizeText: a short answer at its length limit (10,000
// characters) of vowelled Arabic and Latin.
func BenchmarkNormalizeText(b *testing.B) {
	s := strings.Repeat("الإِتِّجَارُ بِالبَشَرِ Palermo PROTOCOL ", 250)
	for b.Loop() {
		NormalizeText(s)
	}
}
