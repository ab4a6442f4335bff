package markdown

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// table is a table of cols columns whose rows hold one cell each: goldmark
// fills every row up to the header's width.
func table(cols, rows int) string {
	return strings.Repeat("|a", cols) + "\n" + strings.Repeat("|-", cols) + "\n" + strings.Repeat("x\n", rows)
}

// TestSecurityM5MarkdownBounds: inputs whose rendering time or size grows
// with the square of their length are refused before goldmark sees them,
// with a *LimitError naming the bound, and quickly.
func TestSecurityM5MarkdownBounds(t *testing.T) {
	cases := map[string]struct {
		src, key string
	}{
		"unclosed links":      {strings.Repeat("[a](", 16<<10), "err.md_marks"},
		"unbalanced brackets": {strings.Repeat("[", 8<<10) + strings.Repeat("]", 8<<10), "err.md_marks"},
		"backtick runs":       {strings.Repeat("\\``", 8<<10), "err.md_marks"},
		"wide table":          {table(1000, 300), "err.md_table"},
		"wide table in quote": {"> " + strings.Replace(table(1000, 300), "\n", "\n> ", -1), "err.md_table"},
		"many cells":          {table(60, 400), "err.md_table"},
		"nested quotes":       {strings.Repeat("> ", 5000) + "x", "err.md_depth"},
		"nested lists":        {strings.Repeat("- ", 5000) + "x", "err.md_depth"},
		"too long":            {strings.Repeat("word ", 20<<10), "err.md_too_long"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out, err := ToHTML(tc.src)
			var le *LimitError
			if !errors.As(err, &le) || le.Key != tc.key || !errors.Is(err, ErrLimit) {
				t.Fatalf("ToHTML(%d bytes) = %d bytes, %v; want a %s LimitError", len(tc.src), len(out), err, tc.key)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

// TestSecurityM5OutputBounded: what passes the source checks still cannot
// render to more than MaxOutput (one long reference used many times).
func TestSecurityM5OutputBounded(t *testing.T) {
	src := "[x]: /" + strings.Repeat("y", 60<<10) + strings.Repeat("\n[x]", 400)
	out, err := ToHTML(src)
	var le *LimitError
	if !errors.As(err, &le) || le.Key != "err.md_output" {
		t.Fatalf("ToHTML(reference ×400) = %d bytes, %v; want an err.md_output LimitError", len(out), err)
	}
}

// worst are the costliest inputs found that pass the checks.
var worst = map[string]string{
	"links":    strings.Repeat("[a](", MaxMarks) + strings.Repeat("x", MaxSource-4*MaxMarks),
	"brackets": strings.Repeat("[", MaxMarks) + strings.Repeat("x", MaxSource-2*MaxMarks) + strings.Repeat("]", MaxMarks),
	"ticks":    strings.Repeat("\\``", MaxMarks) + strings.Repeat("x", MaxSource-3*MaxMarks),
	"emphasis": strings.Repeat("*a_b*c_d**e_f*g**h*i_j** ", MaxSource/25),
	"table":    table(MaxColumns, MaxCells/MaxColumns-2),
}

// TestSecurityM5WorstCasesStayFast: within the bounds, the known quadratic
// shapes render in well under a second (about 0.25 s at most measured on
// one core; the limit leaves room for a loaded machine).
func TestSecurityM5WorstCasesStayFast(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing (the race detector slows rendering tenfold)")
	}
	for name, src := range worst {
		start := time.Now()
		out, err := ToHTML(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 2*time.Second || len(out) > MaxOutput {
			t.Errorf("%s: %d bytes took %v for %d bytes of HTML", name, len(src), d, len(out))
		}
	}
}

func BenchmarkToHTMLWorst(b *testing.B) {
	for name, src := range worst {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ToHTML(src)
			}
		})
	}
}
