// Package rtl prepares Arabic text for PDF engines that draw runes one after
// the other, left to right, with no shaping (fpdf): it turns each letter into
// its contextual Presentation Form, orders the line visually by the Unicode
// bidi algorithm (UAX #9) and splits the result into runs by script, so that
// the caller can pick a font per run.
//
// Only the Arabic letters used in Morocco, the Maghreb and Persian loans are
// shaped (Presentation Forms-A/B exist for them); other scripts pass through.
package rtl

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// joining is the Unicode joining type of a rune (ArabicShaping.txt).
type joining uint8

const (
	joinNone        joining = iota // U: never joins (spaces, Latin, hamza, ZWNJ)
	joinRight                      // R: joins the previous letter only (alef, dal, reh, waw…)
	joinDual                       // D: joins both sides (beh, lam, meem…)
	joinCausing                    // C: joins both sides, has no forms (tatweel, ZWJ)
	joinTransparent                // T: skipped when looking for neighbours (harakat)
)

// forms holds the Presentation Forms of one letter: isolated, final,
// initial, medial. Right-joining letters have no initial or medial form.
type forms [4]rune

const (
	isolated = iota
	final
	initial
	medial
)

// letters maps each shaped Arabic letter to its forms. Dual-joining letters
// have all four, right-joining ones two (zero for the rest).
var letters = map[rune]forms{
	0x0621: {0xFE80, 0, 0, 0},                // hamza (non-joining)
	0x0622: {0xFE81, 0xFE82, 0, 0},           // alef with madda
	0x0623: {0xFE83, 0xFE84, 0, 0},           // alef with hamza above
	0x0624: {0xFE85, 0xFE86, 0, 0},           // waw with hamza
	0x0625: {0xFE87, 0xFE88, 0, 0},           // alef with hamza below
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, // yeh with hamza
	0x0627: {0xFE8D, 0xFE8E, 0, 0},           // alef
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92}, // beh
	0x0629: {0xFE93, 0xFE94, 0, 0},           // teh marbuta
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98}, // teh
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, // theh
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, // jeem
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}, // hah
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, // khah
	0x062F: {0xFEA9, 0xFEAA, 0, 0},           // dal
	0x0630: {0xFEAB, 0xFEAC, 0, 0},           // thal
	0x0631: {0xFEAD, 0xFEAE, 0, 0},           // reh
	0x0632: {0xFEAF, 0xFEB0, 0, 0},           // zain
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}, // seen
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, // sheen
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC}, // sad
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0}, // dad
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, // tah
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8}, // zah
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC}, // ain
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0}, // ghain
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, // feh
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8}, // qaf
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, // kaf
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}, // lam
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, // meem
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, // noon
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, // heh
	0x0648: {0xFEED, 0xFEEE, 0, 0},           // waw
	0x0649: {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9}, // alef maksura (dual-joining; initial/medial are in Forms-A)
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4}, // yeh
	// Maghrebi and Persian letters (Presentation Forms-A).
	0x0671: {0xFB50, 0xFB51, 0, 0},           // alef wasla
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59}, // peh
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, // tcheh
	0x0698: {0xFB8A, 0xFB8B, 0, 0},           // jeh
	0x06A4: {0xFB6A, 0xFB6B, 0xFB6C, 0xFB6D}, // veh (Maghrebi "v")
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91}, // keheh
	0x06AD: {0xFBD3, 0xFBD4, 0xFBD5, 0xFBD6}, // ng (Moroccan "g", as in ڭ)
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95}, // gaf
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}, // farsi yeh
}

// lamAlef maps the alef that follows a lam to the ligature's isolated form;
// the final form is the next code point.
var lamAlef = map[rune]rune{
	0x0622: 0xFEF5,
	0x0623: 0xFEF7,
	0x0625: 0xFEF9,
	0x0627: 0xFEFB,
}

const (
	lam  = 0x0644
	zwj  = 0x200D
	zwnj = 0x200C
)

func joiningOf(r rune) joining {
	switch {
	case r == 0x0640 || r == zwj: // tatweel, zero width joiner
		return joinCausing
	case isTransparent(r):
		return joinTransparent
	}
	f, ok := letters[r]
	switch {
	case !ok || f[final] == 0:
		return joinNone
	case f[initial] == 0:
		return joinRight
	}
	return joinDual
}

// isTransparent reports the Arabic combining marks (harakat, shadda,
// superscript alef, Quranic marks): they sit on a letter and do not break
// its joining.
func isTransparent(r rune) bool {
	return (r >= 0x0610 && r <= 0x061A) || (r >= 0x064B && r <= 0x065F) || r == 0x0670 ||
		(r >= 0x06D6 && r <= 0x06DC) || (r >= 0x06DF && r <= 0x06E4) || r == 0x06E7 || r == 0x06E8 ||
		(r >= 0x06EA && r <= 0x06ED)
}

// isInvisible reports format characters that only steer shaping or bidi;
// they are dropped from the output because fonts have no glyph for them
// (fpdf would draw a box).
func isInvisible(r rune) bool {
	return r == zwj || r == zwnj || r == 0x200E || r == 0x200F || r == 0x061C ||
		(r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0xFEFF
}

// cluster is one letter (or lam-alef ligature) with the marks that follow it.
type cluster struct {
	base  rune
	alef  rune // not zero: base is a lam joined with this alef into a ligature
	marks []rune
	join  joining
}

// Shape returns s, NFC-normalised, with every Arabic letter replaced by its
// contextual Presentation Form (isolated, initial, medial or final), lam
// followed by alef replaced by the lam-alef ligature, and the invisible
// joiners and bidi controls removed. The result stays in logical order.
func Shape(s string) string {
	cs := clusters(norm.NFC.String(s))
	var b strings.Builder
	b.Grow(len(s) * 3 / 2)
	for i, c := range cs {
		if !isInvisible(c.base) {
			b.WriteRune(c.shaped(cs, i))
		}
		for _, m := range c.marks {
			b.WriteRune(m)
		}
	}
	return b.String()
}

// clusters groups s into letters with their marks, merging lam + alef.
func clusters(s string) []cluster {
	rs := []rune(s)
	cs := make([]cluster, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		j := joiningOf(r)
		if j == joinTransparent && len(cs) > 0 && !isInvisible(cs[len(cs)-1].base) {
			last := &cs[len(cs)-1]
			last.marks = append(last.marks, r)
			continue
		}
		c := cluster{base: r, join: j}
		if j == joinTransparent {
			c.join = joinNone // a mark with nothing to sit on
		}
		if r == lam {
			// The ligature takes the alef even across harakat on the
			// lam ("لَا"): the marks are written after the ligature.
			k := i + 1
			for k < len(rs) && isTransparent(rs[k]) {
				k++
			}
			if k < len(rs) && lamAlef[rs[k]] != 0 {
				c.alef = rs[k]
				c.join = joinRight // the ligature ends on an alef
				c.marks = append(c.marks, rs[i+1:k]...)
				i = k
			}
		}
		cs = append(cs, c)
	}
	return cs
}

// shaped returns the Presentation Form of cs[i] given its neighbours.
func (c cluster) shaped(cs []cluster, i int) rune {
	if c.join == joinNone || c.join == joinCausing {
		return c.base
	}
	prev := i > 0 && (cs[i-1].join == joinDual || cs[i-1].join == joinCausing)
	next := c.join == joinDual && i+1 < len(cs) &&
		(cs[i+1].join == joinDual || cs[i+1].join == joinRight || cs[i+1].join == joinCausing)
	if c.alef != 0 {
		if prev {
			return lamAlef[c.alef] + 1
		}
		return lamAlef[c.alef]
	}
	f := letters[c.base]
	switch {
	case prev && next:
		return f[medial]
	case prev:
		return f[final]
	case next:
		return f[initial]
	}
	return f[isolated]
}
