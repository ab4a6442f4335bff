package certs

import (
	"crypto/rand"
	"strings"
)

// CodeLen is the length of a code: crypto/rand.Text's 26 base32 characters,
// 130 bits from the CSPRNG (SECURITY.md C1: at least 128).
const CodeLen = 26

// NewCode returns a fresh code, upper-case base32 (A–Z, 2–7).
func NewCode() string { return rand.Text() }

// Normalize turns a code as typed or read aloud into its stored form:
// spaces, hyphens and dots dropped, letters upper-cased. It reports false
// when what is left cannot be a code, so the lookup is skipped.
func Normalize(s string) (string, bool) {
	if len(s) > 4*CodeLen {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '\t' || r == '\u00a0' || r == '\u202f':
			continue
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case (r >= 'A' && r <= 'Z') || (r >= '2' && r <= '7'):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != CodeLen {
		return "", false
	}
	return b.String(), true
}

// Group prints a code in groups of four for reading: ABCD-EFGH-…-YZ.
func Group(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}
