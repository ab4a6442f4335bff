package quiz

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeText is the form in which short answers are compared: a
// trainee's answer matches an accepted answer when both normalize to the
// same text (wildcards aside). It
//
//   - applies Unicode NFKC (composed accents, presentation forms and
//     ligatures of Arabic and Latin, full-width letters and digits, no-break
//     spaces become their plain forms);
//   - folds case with Unicode full case folding (cases.Fold: "STRASSE" and
//     "straße" match, so do "ΣΟΦΟΣ" and "σοφος"; a Turkish "İ" is an "i");
//   - drops invisible format characters (zero-width spaces and joiners,
//     left-to-right and right-to-left marks, soft hyphens, BOM), which
//     phones and copy-paste slip into right-to-left text;
//   - trims, and collapses every run of white space to one space;
//   - for Arabic: drops the tatweel (ـ) and the harakat and Quranic marks
//     (U+064B–U+065F, superscript alef U+0670, U+06D6–U+06ED, and the small
//     signs U+0610–U+061A and U+08D3–U+08FF), so "الاتّجار" is "الاتجار";
//     writes every alef with hamza or madda (أ إ آ ٱ) as a bare alef ا;
//     writes the alef maqsura ى (and the Persian yeh ی) as ya ي and the ta
//     marbuta ة as ha ه (see below); writes the Persian kaf ک as ك;
//   - writes Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits as
//     0-9, and the Arabic comma, semicolon, question mark, percent sign and
//     decimal and thousands separators as , ; ? % . ,
//   - writes typographic apostrophes (’ ‘ ʼ ´) as ', quotation marks (“ ” „
//     « ») as ", and hyphens, dashes and the minus sign as -; and the
//     ligatures œ and æ as oe and ae (French keyboards lack them).
//
// Latin letters keep their accents: "où" is not "ou", as in Moodle.
//
// Why fold ى into ي and ة into ه: in a short answer a trainer checks
// knowledge, not spelling, and these are the two most frequent spelling
// variants of written Arabic. Many writers (in Egypt above all) end words
// with ى where the norm has ي and the reverse ("مصطفي" for "مصطفى"), and
// write a final ة as ه ("المدرسه"), which keyboards and autocorrection make
// worse. A trainer marking by hand accepts them, and Arabic search and
// information retrieval (Larkey's light stemmers) fold them alike. The cost
// is a few minimal pairs (على / علي, كتابة / كتابه) that a short-answer key
// practically never relies on; it is the trade already made for the hamza
// on alef. Hamza on waw and ya (ؤ ئ) stays: folding ئ into ي would confuse
// real words, and "مسؤول" / "مسئول" is better listed as two answers.
//
// NormalizeText is idempotent; invalid UTF-8 becomes U+FFFD.
func NormalizeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	t := normalizeOnce(s)
	if isASCII(t) { // lowercase, collapsed: another pass changes nothing
		return t
	}
	// Dropping a character can let NFKC compose characters that it had to
	// leave apart (a mark after a dropped joiner): more passes settle what
	// the first left, so that NormalizeText is idempotent.
	for range 3 {
		u := normalizeOnce(t)
		if u == t {
			break
		}
		t = u
	}
	return t
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func normalizeOnce(s string) string {
	s = foldRunes(s) // before NFKC too, which would make ´ a space and an accent
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s) // a Caser is not safe for concurrent use: a new one each time
	s = foldRunes(s)           // what NFKC decomposed and folding lowered
	s = norm.NFKC.String(s)
	return collapseSpace(s)
}

// foldRunes drops and rewrites the characters listed in NormalizeText.
func foldRunes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(-1)
	for _, r := range s {
		switch {
		case r == 0x0640, // tatweel
			0x064B <= r && r <= 0x065F, // harakat, hamza and madda marks
			r == 0x0670,                // superscript alef
			0x06D6 <= r && r <= 0x06ED, // Quranic annotation marks
			0x0610 <= r && r <= 0x061A, // honorific signs, small marks
			0x08D3 <= r && r <= 0x08FF, // Arabic Extended-A marks
			unicode.Is(unicode.Cf, r):  // invisible format characters
			continue
		case r == 0x0307 && prev == 'i': // "İ" folds into "i" + dot above
			continue
		}
		prev = r
		switch {
		case r == 0x0622 || r == 0x0623 || r == 0x0625 || r == 0x0671 || r == 0x0672 || r == 0x0673:
			r = 0x0627 // آ أ إ ٱ → ا
		case r == 0x0649 || r == 0x06CC:
			r = 0x064A // ى ی → ي
		case r == 0x0629:
			r = 0x0647 // ة → ه
		case r == 0x06A9:
			r = 0x0643 // ک → ك
		case 0x0660 <= r && r <= 0x0669:
			r = '0' + r - 0x0660
		case 0x06F0 <= r && r <= 0x06F9:
			r = '0' + r - 0x06F0
		case r == 0x060C || r == 0x066C:
			r = ',' // Arabic comma, thousands separator
		case r == 0x061B:
			r = ';'
		case r == 0x061F:
			r = '?'
		case r == 0x066A:
			r = '%'
		case r == 0x066B || r == 0x06D4:
			r = '.' // Arabic decimal separator, Urdu full stop
		case r == 0x2018 || r == 0x2019 || r == 0x201A || r == 0x201B || r == 0x02BC || r == 0x00B4:
			r = '\''
		case r == 0x201C || r == 0x201D || r == 0x201E || r == 0x201F || r == 0x00AB || r == 0x00BB:
			r = '"'
		case (0x2010 <= r && r <= 0x2015) || r == 0x2212 || r == 0xFE58 || r == 0xFE63 || r == 0xFF0D:
			r = '-'
		case r == 0x0153:
			b.WriteString("oe")
			continue
		case r == 0x00E6:
			b.WriteString("ae")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
