package csvcell

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"Karim":                     "Karim",
		"=1+1":                      "'=1+1",
		"-3":                        "'-3",
		"@SUM(A1)":                  "'@SUM(A1)",
		"\tx":                       "'\tx",
		"a-b=c":                     "a-b=c",
		"Karim;=cmd|' /C calc'!A0;": "Karim;'=cmd|' /C calc'!A0;",
		"x,+1;@y":                   "x,'+1;'@y",
		"كريم;=1":                   "كريم;'=1",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecurityL3SemicolonCells: a cell holding a semicolon, which
// encoding/csv leaves unquoted and French Excel splits on, yields no cell
// that starts a formula, whichever of , and ; the spreadsheet splits on.
func TestSecurityL3SemicolonCells(t *testing.T) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{Safe("Karim;=cmd|' /C calc'!A0;"), Safe("ok"), Safe("a,-2+3")})
	w.Flush()
	for _, sep := range []string{",", ";"} {
		for _, cell := range strings.Split(strings.TrimSpace(buf.String()), sep) {
			cell = strings.TrimPrefix(cell, `"`)
			if cell != "" && strings.ContainsRune(triggers, rune(cell[0])) {
				t.Errorf("split on %q: cell %q starts a formula (line %q)", sep, cell, buf.String())
			}
		}
	}
}

// FuzzSafe: whatever a trainee types, no cell of the written line starts a
// formula, whether the spreadsheet splits on commas or semicolons; Safe only
// adds apostrophes; and the line reads back through encoding/csv.
func FuzzSafe(f *testing.F) {
	for _, s := range []string{"=1", "+1", "-1", "@a", "\t", "\r\n=x", "a,b\"c", "أمينة", "", "x;=1", "a,@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Safe(s)
		if strings.ReplaceAll(c, "'", "") != strings.ReplaceAll(s, "'", "") {
			t.Fatalf("Safe(%q) = %q: changed more than apostrophes", s, c)
		}
		for _, sep := range []string{",", ";"} {
			for _, cell := range strings.Split(c, sep) {
				if cell != "" && strings.ContainsRune(triggers, rune(cell[0])) {
					t.Fatalf("Safe(%q) = %q: cell %q starts a formula when split on %q", s, c, cell, sep)
				}
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{c, "x"})
		w.Flush()
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 1 || len(recs[0]) != 2 {
			t.Fatalf("cell %q does not read back: %v %q", c, err, recs)
		}
	})
}
