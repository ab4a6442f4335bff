package markdown

import (
	"errors"
	"fmt"
	"strings"
)

// Bounds on what one text may cost. goldmark (v1.8.7, the newest served)
// still has inputs whose time or output grows with the square of their
// size: "[a](" repeated (each "](" scans the rest of the line for a ")": 200
// KB took 22 s of a core), unbalanced "[" and backtick runs, emphasis mixes
// (yuin/goldmark#555), and tables, which fill every row up to the header's
// column count (24 KB of 5,000 columns rendered 100 MB with a 3 GB peak; the
// same trap as pulldown-cmark#832 and commonmark-hs#145, which cmark-gfm and
// md4c close with a cell or column limit). These checks run on the source
// before goldmark sees it, and do not depend on how raw HTML is treated.
const (
	// MaxSource bounds the Markdown of one text: a long lesson is 10-30 KB.
	MaxSource = 64 << 10
	// MaxOutput bounds the HTML one text renders to (a reference used a
	// thousand times repeats its URL a thousand times).
	MaxOutput = 1 << 20
	// MaxColumns and MaxCells bound tables.
	MaxColumns = 64
	MaxCells   = 20000
	// MaxDepth bounds nested quotes and lists on one line.
	MaxDepth = 32
	// MaxMarks bounds link brackets and backtick runs, the openers whose
	// search for a closer goldmark repeats: at this count the worst case
	// stays near a fifth of a second (measured: BenchmarkToHTMLWorst).
	MaxMarks = 500
)

// LimitError says which bound a text broke. Key is a translation key of the
// error catalog; Args are its arguments.
type LimitError struct {
	Key  string
	Args []any
	msg  string
}

func (e *LimitError) Error() string { return "markdown: " + e.msg }

// ErrLimit matches every *LimitError with errors.Is.
var ErrLimit = errors.New("markdown: limit")

// Is lets errors.Is(err, ErrLimit) match.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

func limitErr(key, msg string, args ...any) *LimitError {
	return &LimitError{Key: key, Args: args, msg: fmt.Sprintf(msg, args...)}
}

// check refuses a source that breaks a bound, before any parsing.
func check(src string) error {
	if len(src) > MaxSource {
		return limitErr("err.md_too_long", "the text is longer than %d KiB", MaxSource>>10)
	}
	if n := strings.Count(src, "["); n > MaxMarks {
		return limitErr("err.md_marks", "more than %d link brackets", MaxMarks)
	}
	if n := backtickRuns(src); n > MaxMarks {
		return limitErr("err.md_marks", "more than %d backtick runs", MaxMarks)
	}
	lines := strings.Split(src, "\n")
	cells := 0
	for i, line := range lines {
		if d := depth(line); d > MaxDepth {
			return limitErr("err.md_depth", "quotes or lists nested more than %d deep", MaxDepth)
		}
		cols := delimiterColumns(line)
		if cols == 0 {
			continue
		}
		if cols > MaxColumns {
			return limitErr("err.md_table", "a table has more than %d columns or %d cells", MaxColumns, MaxCells)
		}
		// The header, and every line up to the end of the paragraph, is a
		// row of cols cells, however few the line holds.
		rows := 2
		for _, l := range lines[i+1:] {
			if strings.Trim(l, " \t\r>") == "" {
				break
			}
			rows++
		}
		if cells += cols * rows; cells > MaxCells {
			return limitErr("err.md_table", "a table has more than %d columns or %d cells", MaxColumns, MaxCells)
		}
	}
	return nil
}

func backtickRuns(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' && (i == 0 || s[i-1] != '`') {
			n++
		}
	}
	return n
}

// depth counts the quote and list markers that open a line.
func depth(line string) int {
	d := 0
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		switch c := line[i]; {
		case c == '>':
			i++
		case c == '-' || c == '+' || c == '*':
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' {
				return d
			}
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j >= len(line) || (line[j] != '.' && line[j] != ')') {
				return d
			}
			i = j + 1
		default:
			return d
		}
		d++
	}
	return d
}

// delimiterColumns returns the number of columns of a table delimiter row
// ("|---|:-:|") at the end of line, whatever precedes it (quote or list
// markers), or 0. It errs on the side of more columns.
func delimiterColumns(line string) int {
	line = strings.TrimRight(line, "\r")
	start := len(line)
	for start > 0 && strings.IndexByte(" \t\f\v|:-", line[start-1]) >= 0 {
		start--
	}
	tail := line[start:]
	if !strings.Contains(tail, "|") || !strings.Contains(tail, "-") {
		return 0
	}
	cols := strings.Split(tail, "|")
	if strings.TrimSpace(cols[0]) == "" {
		cols = cols[1:]
	}
	if len(cols) > 0 && strings.TrimSpace(cols[len(cols)-1]) == "" {
		cols = cols[:len(cols)-1]
	}
	n := 0
	for _, c := range cols {
		if strings.Contains(c, "-") {
			n++
		}
	}
	return n
}

// limitWriter keeps at most max bytes and notes that more were offered, so a
// render that would explode stops costing memory at the bound.
type limitWriter struct {
	buf  []byte
	max  int
	over bool
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > w.max {
		w.over = true
		return 0, errOutput
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

var errOutput = limitErr("err.md_output", "the text renders to more than %d KiB of HTML", MaxOutput>>10)
