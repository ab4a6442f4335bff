// Package plaintext checks the one-line texts people type about themselves
// and others — names, organisations — before they are stored, shown on
// pages, printed on certificates and searched.
package plaintext

import (
	"strings"
	"unicode"
)

// BadRune reports a character such a text must not hold: a control
// character (C0, DEL, C1), or a bidirectional formatting character
// (Unicode's Bidi_Control: the embeddings, overrides and isolates U+202A–
// U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C). A name
// holding U+202E reads "Simon Ali" on a page but prints reversed in a PDF
// and is not found by a search (SECURITY.md §10, the bidi names): pages isolate names
// with <bdi> already, so nothing legitimate needs them.
func BadRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || unicode.Is(unicode.Bidi_Control, r)
}

// HasBadRune reports whether s holds a character BadRune refuses.
func HasBadRune(s string) bool { return strings.ContainsFunc(s, BadRune) }
