// Package csvcell keeps CSV cells from being run as formulas by the
// spreadsheet that opens the file (OWASP "CSV Injection", ASVS 1.2.10).
package csvcell

import "strings"

// triggers are the characters that make a spreadsheet read a cell as a
// formula (or, for tab and CR, let it skip to one).
const triggers = "=+-@\t\r"

// separators are the characters a spreadsheet may split a line on: a comma,
// and the semicolon French Excel uses as its list separator, which
// encoding/csv does not quote. After one of them a new cell begins, so what
// follows is guarded too (SECURITY.md §10, finding L3: "Karim;=cmd|' /C calc'!A0;").
const separators = ",;"

// Safe returns s with an apostrophe before every character that would start
// a formula at the beginning of a cell: at the start of s, and after each
// comma or semicolon. Spreadsheets show the apostrophe's cell as text.
func Safe(s string) string {
	if s == "" {
		return s
	}
	// Bytes, not runes: every trigger and separator is ASCII, which no byte
	// of a multi-byte character equals, and invalid UTF-8 stays as it was.
	var b strings.Builder
	start := true
	for i := 0; i < len(s); i++ {
		if start && strings.IndexByte(triggers, s[i]) >= 0 {
			b.WriteByte('\'')
		}
		b.WriteByte(s[i])
		start = strings.IndexByte(separators, s[i]) >= 0
	}
	return b.String()
}
