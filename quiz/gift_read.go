package quiz

// Moodle GIFT import (the export is in gift_write.go).
//
// The reader follows Moodle's own importer (question/format/gift/format.php,
// qformat_gift::readquestion, and qformat_default::readquestions for the
// split into questions): questions are separated by blank lines; lines whose
// first non-blank characters are "//" are comments; "\~ \= \# \{ \} \:" and
// "\\" are escapes and "\n" is a newline; "::title::" names a question;
// "$CATEGORY: path" switches category; "[html]", "[markdown]", "[plain]" and
// "[moodle]" at the start of a text give its format; the first "{" and the
// first "}" delimit the answers, and text after the "}" makes the "missing
// word" form (Question.StemAfter); the type follows from the answers exactly
// as in format.php (see giftType). Where Moodle silently imports something
// broken, this reader reports an error instead (see ParseGIFT).
//
// Parsing is linear in the input: every search scans forward once, no
// regular expression, and the input and each question are size-limited.
//
// Files: this one splits the text into questions and reads a question's
// title, text and the frame of its answers; gift_read_types.go reads the
// answers of each type; gift_scan.go holds the scanning of the escaped
// source; gift_escape.go the escapes; gift_number.go weights and numbers.

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits of ParseGIFT.
const (
	MaxGIFTSize     = 1 << 20  // bytes of GIFT text: MaxQuestions of 2 KiB each
	MaxGIFTQuestion = 64 << 10 // bytes of one question (its lines, comments aside)
)

// GIFTError is a question ParseGIFT could not read. Line (1-based) is a line
// of that question, where the problem is when it is known (the line of an
// unclosed "{", of a bad answer, ...), else the question's first line.
type GIFTError struct {
	Line    int    `json:"line"`
	Message string `json:"message"` // English (registered in gift_messages.go) until a handler translates it (Localize)
	Key     string `json:"-"`       // the catalogue key of the message, and its arguments
	Args    []any  `json:"-"`
}

func (e GIFTError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// ParseGIFT reads Moodle GIFT text. It returns every question it could read,
// in order, and one error for each question it could not, so that a caller
// can import all or nothing, or only the good ones. Each question has Line
// set to its first line, Format set (FormatMoodle when the text has no
// marker), Points 1 (0 for a description: Moodle's defaultmark), and the
// ids "1", "2", … of its options and pairs and "r1", "r2", … of its distinct
// right items.
//
// Text over MaxGIFTSize is rejected as a whole, a question over
// MaxGIFTQuestion alone. Beyond format.php, these are errors: an
// unterminated "::title", an unknown "[word]" format marker at the start of
// the question text, a "{" or "}" that does not delimit the answers (a second
// or nested one), a malformed or out-of-range "%weight%", an empty answer, a
// numerical answer that is not a number (Moodle takes it as "*"), a negative
// tolerance, a range whose minimum is above its maximum, answers after a
// numerical "~#feedback", a matching right item that runs onto another line,
// invalid UTF-8 and NUL bytes.
func ParseGIFT(text string) ([]Question, []GIFTError) {
	if len(text) > MaxGIFTSize {
		return nil, []GIFTError{giftError(1, "gift.too_large", MaxGIFTSize>>20)}
	}
	text = strings.TrimPrefix(text, "\uFEFF")
	p := giftParser{}
	var block []giftLine
	size, tooLong := 0, false
	flush := func() {
		if len(block) > 0 {
			p.block(block, tooLong)
		}
		block, size, tooLong = block[:0], 0, false
	}
	lineNo := 0
	for i := 0; i <= len(text); {
		var line string
		line, i = nextGIFTLine(text, i)
		lineNo++
		t := phpTrim(line)
		if t == "" {
			flush()
			continue
		}
		if !strings.HasPrefix(t, "//") {
			size += len(line) + 1
		}
		if size > MaxGIFTQuestion+1 {
			tooLong = true // stop keeping lines; the first is reported
		}
		if !tooLong || len(block) == 0 {
			block = append(block, giftLine{n: lineNo, text: t})
		}
	}
	flush()
	return p.qs, p.errs
}

// nextGIFTLine is the line of text starting at i, and the offset of the
// next one: a line ends at "\n", "\r\n" or a lone "\r".
func nextGIFTLine(text string, i int) (line string, next int) {
	j := i
	for j < len(text) && text[j] != '\n' && text[j] != '\r' {
		j++
	}
	line = text[i:j]
	if j+1 < len(text) && text[j] == '\r' && text[j+1] == '\n' {
		j++
	}
	return line, j + 1
}

type giftLine struct {
	n    int // 1-based line number
	text string
}

type giftParser struct {
	category string
	qs       []Question
	errs     []GIFTError
}

func (p *giftParser) fail(line int, key string, args ...any) {
	p.errs = append(p.errs, giftError(line, key, args...))
}

// block reads one blank-line-separated block: a category switch, a
// question, or only comments.
func (p *giftParser) block(lines []giftLine, tooLong bool) {
	if tooLong {
		p.fail(lines[0].n, "gift.question_too_long", MaxGIFTQuestion>>10)
		return
	}
	kept, ok := p.content(lines)
	if !ok || len(kept) == 0 {
		return
	}
	if rest, ok := strings.CutPrefix(kept[0].text, "$CATEGORY:"); ok {
		// Moodle takes the whole block as the category; a question that
		// follows its category line without a blank line is read as one.
		p.category = phpTrim(giftUnescape(rest))
		kept = kept[1:]
		if len(kept) == 0 {
			return
		}
	}
	g := newGiftSrc(kept)
	q, err := g.question()
	if err != nil {
		p.errs = append(p.errs, *err)
		return
	}
	q.Category = p.category
	q.Line = kept[0].n
	p.qs = append(p.qs, q)
}

// content is the lines of a block but its comments, filtered in place (the
// block's lines are not used afterwards); ok is false (and the error
// recorded) when a line is not valid UTF-8 or holds a NUL byte.
func (p *giftParser) content(lines []giftLine) (kept []giftLine, ok bool) {
	kept = lines[:0]
	for _, l := range lines {
		if strings.HasPrefix(l.text, "//") {
			continue
		}
		if !utf8.ValidString(l.text) {
			p.fail(l.n, "gift.not_utf8")
			return nil, false
		}
		if strings.IndexByte(l.text, 0) >= 0 {
			p.fail(l.n, "gift.nul")
			return nil, false
		}
		kept = append(kept, l)
	}
	return kept, true
}

// giftSrc is one question's text: its lines (trimmed, comments dropped)
// joined with "\n", still escaped. Offsets into s map back to line numbers.
type giftSrc struct {
	s      string
	starts []int // offset in s of each line
	lines  []int // its line number
}

func newGiftSrc(lines []giftLine) *giftSrc {
	g := &giftSrc{starts: make([]int, len(lines)), lines: make([]int, len(lines))}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		g.starts[i] = b.Len()
		g.lines[i] = l.n
		b.WriteString(l.text)
	}
	g.s = b.String()
	return g
}

// line is the line number of offset off.
func (g *giftSrc) line(off int) int {
	i := sort.Search(len(g.starts), func(i int) bool { return g.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return g.lines[i]
}

func (g *giftSrc) errAt(off int, key string, args ...any) *GIFTError {
	e := giftError(g.line(off), key, args...)
	return &e
}

// question reads one question (format.php's readquestion): its title, the
// "{" and "}" of its answers, its text, then its general feedback and the
// answers of its type.
func (g *giftSrc) question() (Question, *GIFTError) {
	q := Question{Format: FormatMoodle, Points: 1}
	pos, err := g.title(&q)
	if err != nil {
		return q, err
	}
	open, close, err := g.braces(pos)
	if err != nil {
		return q, err
	}
	stemEnd := len(g.s)
	if open >= 0 {
		stemEnd = open
	}
	if err := g.stem(&q, pos, stemEnd); err != nil {
		return q, err
	}
	if open < 0 {
		q.Type, q.Points = Description, 0
		normalizeIDs(&q)
		return q, nil
	}
	q.StemAfter = g.text(close+1, len(g.s))
	a, b := g.generalFeedback(&q, open+1, close)
	q.Type = g.giftType(a, b)
	if err := g.answers(&q, a, b); err != nil {
		return q, err
	}
	normalizeIDs(&q)
	return q, nil
}

// title reads a "::title::" at the start into q.Name. It returns the offset
// after it (0 without a title).
func (g *giftSrc) title(q *Question) (int, *GIFTError) {
	s := g.s
	if !strings.HasPrefix(s, "::") {
		return 0, nil
	}
	for i := 2; i+1 < len(s); i += giftTok(s, i) {
		if s[i] == ':' && s[i+1] == ':' {
			q.Name = g.text(2, i)
			return i + 2, nil
		}
	}
	return 0, g.errAt(0, "gift.title_open")
}

// braces finds the answers after pos: the first unescaped "{" and the first
// "}" (-1 and -1 for a description). Any other brace is an error.
func (g *giftSrc) braces(pos int) (open, close int, err *GIFTError) {
	end := len(g.s)
	open, close = g.find('{', pos, end), g.find('}', pos, end)
	switch {
	case open < 0 && close >= 0:
		return open, close, g.errAt(close, "gift.close_without_open")
	case open >= 0 && close < 0:
		return open, close, g.errAt(open, "gift.open_not_closed")
	case open >= 0 && close < open:
		return open, close, g.errAt(close, "gift.close_before_open")
	case open >= 0:
		if k := g.find('{', open+1, close); k >= 0 {
			return open, close, g.errAt(open, "gift.nested_open")
		}
		if k := g.find('{', close+1, end); k >= 0 {
			return open, close, g.errAt(k, "gift.second_open")
		}
		if k := g.find('}', close+1, end); k >= 0 {
			return open, close, g.errAt(k, "gift.close_after")
		}
	}
	return open, close, nil
}

// stem reads the question text [pos, stemEnd) and its format marker into
// q.Stem and q.Format.
func (g *giftSrc) stem(q *Question, pos, stemEnd int) *GIFTError {
	a, b := g.trim(pos, stemEnd)
	format, name, after := g.marker(a, b)
	if format == "" && isFormatWord(name) {
		// "[word]" is an unknown marker, "[word](url)" a Markdown link.
		if next := a + len(name) + 2; next >= b || g.s[next] != '(' {
			return g.errAt(a, "gift.unknown_format", name)
		}
	}
	if format != "" {
		q.Format = format
		a = after
	}
	q.Stem = g.text(a, b)
	return nil
}

// generalFeedback reads the general feedback of the answers [a, b), what
// follows their last "####", into q.GeneralFeedback. It returns the answers
// without it, trimmed.
func (g *giftSrc) generalFeedback(q *Question, a, b int) (int, int) {
	s := g.s
	a, b = g.trim(a, b)
	gf, run := -1, 0
	for i := a; i < b; i += giftTok(s, i) {
		if s[i] == '#' {
			run++
			if run >= 4 {
				gf = i + 1
			}
		} else {
			run = 0
		}
	}
	if gf >= 0 {
		q.GeneralFeedback = g.field(gf, b)
		a, b = g.trim(a, gf-4)
	}
	return a, b
}

// answers reads the answers [a, b) of q's type (gift_read_types.go).
func (g *giftSrc) answers(q *Question, a, b int) *GIFTError {
	switch q.Type {
	case Single, Multiple:
		return g.choices(q, a, b)
	case Matching:
		return g.matching(q, a, b)
	case TrueFalse:
		g.trueFalse(q, a, b)
	case Short:
		return g.short(q, a, b)
	case Numerical:
		return g.numerical(q, a, b)
	}
	return nil // an essay has none
}

// giftType decides the type from the answers s[a:b] as format.php does:
// empty is an essay; "#" first is numerical; any "~" is multiple choice
// (single when there is an "=" answer: "single = 1" when strpos("=") is
// found, else multiple response); "=" and "->" is matching; T, TRUE, F or
// FALSE (before any "#") is true/false; anything else is short answer.
func (g *giftSrc) giftType(a, b int) string {
	switch {
	case a == b:
		return Essay
	case g.s[a] == '#':
		return Numerical
	case g.find('~', a, b) >= 0:
		if g.find('=', a, b) >= 0 {
			return Single
		}
		return Multiple
	case g.find('=', a, b) >= 0 && strings.Contains(g.s[a:b], "->"):
		return Matching
	}
	check := g.s[a:b]
	if h := g.find('#', a, b); h > a {
		x, y := g.trim(a, h)
		check = g.s[x:y]
	}
	switch check {
	case "T", "TRUE", "F", "FALSE":
		return TrueFalse
	}
	return Short
}
