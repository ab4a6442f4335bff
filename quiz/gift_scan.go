package quiz

// The GIFT reader's scanning of one question's escaped source: finding,
// trimming and splitting at unescaped characters, and reading texts,
// format markers, feedback and weights out of it.

import (
	"strings"
	"unicode/utf8"
)

// find is the offset of the first unescaped c in s[from:to] (from at a token
// boundary), or -1.
func (g *giftSrc) find(c byte, from, to int) int {
	for i := from; i < to; i += giftTok(g.s, i) {
		if g.s[i] == c {
			return i
		}
	}
	return -1
}

// trim trims PHP's white space from the span [a, b).
func (g *giftSrc) trim(a, b int) (int, int) {
	for a < b && isPHPSpace(g.s[a]) {
		a++
	}
	for b > a && isPHPSpace(g.s[b-1]) {
		b--
	}
	return a, b
}

// span is a part of the source: [a, b) and the separator before it (0 for
// the text before the first separator).
type giftSpan struct {
	sep  byte
	a, b int
}

// split cuts [from, to) at every unescaped byte of seps, like Moodle's
// explode() on the escaped text. The first part is dropped when it is blank.
func (g *giftSrc) split(from, to int, seps string) []giftSpan {
	var out []giftSpan
	cur := giftSpan{a: from}
	for i := from; i < to; i += giftTok(g.s, i) {
		if strings.IndexByte(seps, g.s[i]) >= 0 {
			cur.b = i
			out = append(out, cur)
			cur = giftSpan{sep: g.s[i], a: i + 1}
		}
	}
	cur.b = to
	out = append(out, cur)
	if a, b := g.trim(out[0].a, out[0].b); a == b {
		out = out[1:]
	}
	return out
}

// text is the span unescaped and trimmed.
func (g *giftSrc) text(a, b int) string {
	a, b = g.trim(a, b)
	return phpTrim(giftUnescape(g.s[a:b]))
}

// marker is the format named by a "[format]" marker at s[a:b] (trimmed) and
// the offset after it, or "" and a.
func (g *giftSrc) marker(a, b int) (format string, name string, after int) {
	if a >= b || g.s[a] != '[' {
		return "", "", a
	}
	k := strings.IndexByte(g.s[a:b], ']')
	if k < 0 {
		return "", "", a
	}
	name = g.s[a+1 : a+k]
	switch name {
	case FormatHTML, FormatMarkdown, FormatPlain, FormatMoodle:
		return name, name, a + k + 1
	}
	return "", name, a
}

// isFormatWord says whether a "[word]" at the start of a question text
// looks like a format marker (see giftSrc.stem).
func isFormatWord(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// field is a text of an answer (answer, feedback, left item, general
// feedback): Moodle's parse_text_with_format drops a format marker at its
// start. Tadrib keeps one format per question, so the marker is dropped.
func (g *giftSrc) field(a, b int) string {
	a, b = g.trim(a, b)
	_, _, a = g.marker(a, b)
	return g.text(a, b)
}

// comment splits an answer at its first unescaped "#" into text and
// feedback (Moodle's commentparser).
func (g *giftSrc) comment(a, b int) (text, feedback string) {
	if h := g.find('#', a, b); h >= 0 {
		return g.field(a, h), g.field(h+1, b)
	}
	return g.field(a, b), ""
}

// weight reads a "%n%" weight at the start of s[a:b] (trimmed): the weight
// as a fraction (0.5 for %50%) and the offset after it. ok is false when
// there is no weight. Like Moodle, "%" not followed by a number and "%" is
// answer text; unlike Moodle, a malformed number ("%5.5.5%", "%--50%") or a
// weight outside -100 % … 100 % is an error.
func (g *giftSrc) weight(a, b int) (w float64, after int, ok bool, err *GIFTError) {
	a, b = g.trim(a, b)
	if a >= b || g.s[a] != '%' {
		return 0, a, false, nil
	}
	k := strings.IndexByte(g.s[a+1:b], '%')
	if k < 0 {
		return 0, a, false, nil
	}
	c := g.s[a+1 : a+1+k]
	digits := false
	for i := 0; i < len(c); i++ {
		switch ch := c[i]; {
		case ch >= '0' && ch <= '9':
			digits = true
		case ch == '.' || ch == '-' || ch == '+' || ch == ' ':
		default:
			return 0, a, false, nil
		}
	}
	if !digits {
		return 0, a, false, nil
	}
	v, good := parseGIFTWeight(c)
	if !good {
		return 0, a, false, g.errAt(a, "gift.bad_weight", firstLine(c))
	}
	if v < -1 || v > 1 {
		return 0, a, false, g.errAt(a, "gift.weight_range", firstLine(c))
	}
	return v, a + k + 2, true, nil
}

// firstLine shortens a text quoted in an error to its first line, at most
// 60 bytes.
func firstLine(s string) string {
	if k := strings.IndexByte(s, '\n'); k >= 0 {
		s = s[:k]
	}
	if len(s) > 60 {
		i := 60
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
}
