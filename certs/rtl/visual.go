package rtl

import (
	"reflect"
	"strings"

	"github.com/go-text/typesetting/bidi"
)

// Direction is the paragraph direction, chosen by the caller (the line's
// language), never guessed from the text.
type Direction uint8

const (
	LTR Direction = iota
	RTL
)

// Visual shapes s (see Shape) and returns it in visual order, left to right,
// for a paragraph of direction dir: bidi levels from UAX #9 (rules up to
// L1), mirrored brackets at odd levels, and rule L2 applied here.
//
// L2 is done here because golang.org/x/text's Order() cuts runs by parity in
// logical order and gets nested levels wrong (golang/go#69819). A letter's
// marks stay after it (UAX #9 L3) so that zero-width marks draw over it.
func Visual(s string, dir Direction) string {
	shaped := []rune(Shape(s))
	if len(shaped) == 0 {
		return ""
	}
	levels := levelsOf(shaped, dir)
	for i, r := range shaped {
		if levels[i]%2 == 1 {
			if m, ok := mirror[r]; ok {
				shaped[i] = m
			}
		}
	}
	return string(reorder(shaped, levels))
}

// levelsOf returns the embedding level of every rune.
func levelsOf(text []rune, dir Direction) []bidi.Level {
	d := bidi.LeftToRight
	if dir == RTL {
		d = bidi.RightToLeft
	}
	var p bidi.Paragraph
	runs := p.Segment(text, d)
	levels := make([]bidi.Level, len(text))
	// Runs only splits where the parity changes and reports the level of a
	// run's first rune, but adjacent runes of the same parity can differ
	// by two ("رقم 2025 ID" in a left-to-right line: 2025 is at level 2,
	// " ID" at 0). The per-rune levels are kept in an unexported field: read
	// it, and fall back to the run levels if a later version renames it
	// (TestVisualGolden would catch the difference).
	if v := reflect.ValueOf(runs).FieldByName("levels"); v.IsValid() && v.Kind() == reflect.Slice && v.Len() >= len(text) {
		for i := range levels {
			levels[i] = bidi.Level(v.Index(i).Int())
		}
	} else {
		for k := 0; k < runs.NumRuns(); k++ {
			r := runs.Run(k)
			for i := r.Start; i < r.End && i < len(levels); i++ {
				levels[i] = r.Level
			}
		}
	}
	// L1: trailing whitespace goes back to the paragraph level.
	base := bidi.Level(0)
	if dir == RTL {
		base = 1
	}
	for i := len(text) - 1; i >= 0 && (text[i] == ' ' || text[i] == '\t'); i-- {
		levels[i] = base
	}
	return levels
}

// reorder applies UAX #9 rule L2: from the highest level down to the lowest
// odd level, reverse every maximal sequence at that level or higher. A mark
// moves with the letter before it, so clusters are reversed, not runes.
func reorder(text []rune, levels []bidi.Level) []rune {
	type unit struct {
		start, end int
		level      bidi.Level
	}
	units := make([]unit, 0, len(text))
	for i := 0; i < len(text); i++ {
		if i > 0 && isTransparent(text[i]) && len(units) > 0 {
			units[len(units)-1].end = i + 1
			continue
		}
		units = append(units, unit{i, i + 1, levels[i]})
	}
	var hi, lo bidi.Level = 0, 127
	for _, u := range units {
		hi = max(hi, u.level)
		if u.level%2 == 1 {
			lo = min(lo, u.level)
		}
	}
	for lvl := hi; lvl >= lo && lvl > 0; lvl-- {
		for i := 0; i < len(units); {
			if units[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(units) && units[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				units[a], units[b] = units[b], units[a]
			}
			i = j
		}
	}
	out := make([]rune, 0, len(text))
	for _, u := range units {
		out = append(out, text[u.start:u.end]...)
	}
	return out
}

// mirror holds the Bidi_Mirrored pairs a certificate can contain.
var mirror = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹', '⁅': '⁆', '⁆': '⁅',
}

// Script tells a run's script, for choosing its font.
type Script uint8

const (
	Latin  Script = iota // anything that is not Arabic
	Arabic               // Arabic letters, marks and presentation forms
)

// Run is a piece of a visual line written in one script.
type Run struct {
	Text   string
	Script Script
}

// Runs splits a visual line (the result of Visual) into runs of one script.
// Neutral runes (spaces, digits, punctuation) join the run they touch on the
// left, or the first run when the line starts with them, so that a run
// boundary only falls where the script really changes.
func Runs(visual string) []Run {
	var runs []Run
	var cur strings.Builder
	curScript, known := Latin, false
	for _, r := range visual {
		sc, strong := scriptOf(r)
		if strong && known && sc != curScript {
			runs = append(runs, Run{cur.String(), curScript})
			cur.Reset()
		}
		if strong {
			curScript, known = sc, true
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		runs = append(runs, Run{cur.String(), curScript})
	}
	return runs
}

// IsArabic reports whether r belongs to the Arabic script blocks.
func IsArabic(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) || (r >= 0x08A0 && r <= 0x08FF) ||
		(r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFF)
}

func scriptOf(r rune) (Script, bool) {
	switch {
	case IsArabic(r) && !(r >= 0x0660 && r <= 0x066D) && r != 0x060C && r != 0x061B && r != 0x061F && !(r >= 0x06F0 && r <= 0x06F9):
		return Arabic, true
	case (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= 0xC0 && r <= 0x24F && r != 0xD7 && r != 0xF7):
		return Latin, true
	}
	return Latin, false
}
