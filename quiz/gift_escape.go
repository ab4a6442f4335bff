package quiz

// GIFT's escapes ("\\" "\~" "\=" "\#" "\{" "\}" "\:" and "\n"), read
// and written, and PHP's trim, which Moodle's importer applies everywhere.

import (
	"strings"
)

// giftEscapable are the characters that "\" escapes ("n" is a newline).
const giftEscapable = "\\:#={}~n"

// giftTok is the length of the token at s[i]: 2 for an escape, else 1.
func giftTok(s string, i int) int {
	if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(giftEscapable, s[i+1]) >= 0 {
		return 2
	}
	return 1
}

// giftUnescape replaces GIFT's escapes: "\\" "\~" "\=" "\#" "\{" "\}" "\:"
// by the character and "\n" by a newline; any other backslash stays.
func giftUnescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if giftTok(s, i) == 2 {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// giftEscape writes s with GIFT's escapes (Moodle's repchar): a backslash,
// ~ = # { } : and newlines.
func giftEscape(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '~', '=', '#', '{', '}', ':':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
}

// isPHPSpace is what PHP's trim() removes.
func isPHPSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 || c == '\x0B'
}

func phpTrim(s string) string {
	a, b := 0, len(s)
	for a < b && isPHPSpace(s[a]) {
		a++
	}
	for b > a && isPHPSpace(s[b-1]) {
		b--
	}
	return s[a:b]
}
