package quiz

// Moodle GIFT import and export.
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

import (
	"fmt"
	"math"
	"sort"
	"strconv"
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
	Message string `json:"message"`
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
		return nil, []GIFTError{{Line: 1, Message: fmt.Sprintf("the GIFT text is larger than %d MiB", MaxGIFTSize>>20)}}
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
		// A line ends at "\n", "\r\n" or a lone "\r".
		j := i
		for j < len(text) && text[j] != '\n' && text[j] != '\r' {
			j++
		}
		line := text[i:j]
		lineNo++
		if j+1 < len(text) && text[j] == '\r' && text[j+1] == '\n' {
			j++
		}
		i = j + 1
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

type giftLine struct {
	n    int // 1-based line number
	text string
}

type giftParser struct {
	category string
	qs       []Question
	errs     []GIFTError
}

func (p *giftParser) fail(line int, format string, args ...any) {
	p.errs = append(p.errs, GIFTError{Line: line, Message: fmt.Sprintf(format, args...)})
}

// block reads one blank-line-separated block: a category switch, a
// question, or only comments.
func (p *giftParser) block(lines []giftLine, tooLong bool) {
	if tooLong {
		p.fail(lines[0].n, "question is longer than %d KiB", MaxGIFTQuestion>>10)
		return
	}
	var kept []giftLine
	for _, l := range lines {
		if strings.HasPrefix(l.text, "//") {
			continue
		}
		if !utf8.ValidString(l.text) {
			p.fail(l.n, "invalid UTF-8")
			return
		}
		if strings.IndexByte(l.text, 0) >= 0 {
			p.fail(l.n, "NUL byte in the text")
			return
		}
		kept = append(kept, l)
	}
	if len(kept) == 0 {
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

func (g *giftSrc) errAt(off int, format string, args ...any) *GIFTError {
	return &GIFTError{Line: g.line(off), Message: fmt.Sprintf(format, args...)}
}

// giftEscapable are the characters that "\" escapes ("n" is a newline).
const giftEscapable = "\\:#={}~n"

// tok is the length of the token at s[i]: 2 for an escape, else 1.
func giftTok(s string, i int) int {
	if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(giftEscapable, s[i+1]) >= 0 {
		return 2
	}
	return 1
}

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
		return 0, a, false, g.errAt(a, "bad weight %%%s%%: expected a percentage such as %%50%% or %%-33.33333%%", firstLine(c))
	}
	if v < -1 || v > 1 {
		return 0, a, false, g.errAt(a, "weight %%%s%% is out of range (-100%% to 100%%)", firstLine(c))
	}
	return v, a + k + 2, true, nil
}

// parseGIFTWeight reads what Moodle's weight pattern
// /^%\-*([0-9]{1,2})\.?([0-9]*)%/ means: an optional minus, digits, an
// optional decimal part; it returns the fraction (0.5 for "50"). Moodle
// divides the percentage by 100; this reads the decimal fraction itself
// ("50e-2"), correctly rounded, so that every float64 weight has a
// percentage that reads back to it (see giftPercent).
func parseGIFTWeight(c string) (float64, bool) {
	i := 0
	if i < len(c) && c[i] == '-' {
		i++
	}
	d := i
	for i < len(c) && c[i] >= '0' && c[i] <= '9' {
		i++
	}
	if i == d {
		return 0, false
	}
	if i < len(c) && c[i] == '.' {
		i++
		for i < len(c) && c[i] >= '0' && c[i] <= '9' {
			i++
		}
	}
	if i != len(c) {
		return 0, false
	}
	v, err := strconv.ParseFloat(c+"e-2", 64)
	return v, err == nil
}

// parseGIFTNumber reads a number as PHP's is_numeric does for decimal
// notation: sign, digits, decimal point, exponent.
func parseGIFTNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// giftAny is the numerical answer that matches any number: GIFT's
// "~#feedback" (Moodle stores it as the answer "*").
var giftAny = NumericAnswer{IsRange: true, Min: -math.MaxFloat64, Max: math.MaxFloat64}

func isGIFTAny(n NumericAnswer) bool {
	return n.IsRange && n.Min == giftAny.Min && n.Max == giftAny.Max
}

// question reads one question (format.php's readquestion).
func (g *giftSrc) question() (Question, *GIFTError) {
	q := Question{Format: FormatMoodle, Points: 1}
	s := g.s
	pos, end := 0, len(s)

	// ::title::
	if strings.HasPrefix(s, "::") {
		k := -1
		for i := 2; i+1 < end; i += giftTok(s, i) {
			if s[i] == ':' && s[i+1] == ':' {
				k = i
				break
			}
		}
		if k < 0 {
			return q, g.errAt(0, "the title is not closed: write ::title:: (a \":\" in a title is written \\:)")
		}
		q.Name = g.text(2, k)
		pos = k + 2
	}

	// The answers: the first "{" and the first "}".
	open, close := g.find('{', pos, end), g.find('}', pos, end)
	switch {
	case open < 0 && close >= 0:
		return q, g.errAt(close, "\"}\" without \"{\" (write \\} for a brace in the text)")
	case open >= 0 && close < 0:
		return q, g.errAt(open, "\"{\" is never closed: the answers must end with \"}\"")
	case open >= 0 && close < open:
		return q, g.errAt(close, "\"}\" before the answers' \"{\" (write \\} for a brace in the text)")
	case open >= 0:
		if k := g.find('{', open+1, close); k >= 0 {
			return q, g.errAt(open, "\"{\" is not closed before the next \"{\": a \"}\" is missing")
		}
		if k := g.find('{', close+1, end); k >= 0 {
			return q, g.errAt(k, "a second \"{\": a question has one set of answers (write \\{ for a brace in the text)")
		}
		if k := g.find('}', close+1, end); k >= 0 {
			return q, g.errAt(k, "\"}\" after the answers (write \\} for a brace in the text)")
		}
	}

	// The question text and its format marker.
	stemEnd := end
	if open >= 0 {
		stemEnd = open
	}
	a, b := g.trim(pos, stemEnd)
	format, name, after := g.marker(a, b)
	if format == "" && isFormatWord(name) {
		// "[word]" is an unknown marker, "[word](url)" a Markdown link.
		if next := a + len(name) + 2; next >= b || s[next] != '(' {
			return q, g.errAt(a, "unknown format [%s]: use [html], [markdown], [plain] or [moodle]", name)
		}
	}
	if format != "" {
		q.Format = format
		a = after
	}
	q.Stem = g.text(a, b)
	if open < 0 {
		q.Type, q.Points = Description, 0
		normalizeIDs(&q)
		return q, nil
	}
	q.StemAfter = g.text(close+1, end)

	// General feedback: after the last "####".
	a, b = g.trim(open+1, close)
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

	var err *GIFTError
	q.Type = g.giftType(a, b)
	switch q.Type {
	case Essay:
	case Single, Multiple:
		err = g.choices(&q, a, b)
	case Matching:
		err = g.matching(&q, a, b)
	case TrueFalse:
		g.trueFalse(&q, a, b)
	case Short:
		err = g.short(&q, a, b)
	case Numerical:
		err = g.numerical(&q, a, b)
	}
	if err != nil {
		return q, err
	}
	normalizeIDs(&q)
	return q, nil
}

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

func (g *giftSrc) choices(q *Question, a, b int) *GIFTError {
	parts := g.split(a, b, "~=")
	if len(parts) < 2 {
		return g.errAt(a, "a multiple choice question needs at least two answers")
	}
	for _, p := range parts {
		x, y := g.trim(p.a, p.b)
		w := 0.0
		if p.sep == '=' {
			// Moodle: an "=" answer is right (100 %) and takes no weight.
			w = 1
		} else {
			v, after, ok, err := g.weight(x, y)
			if err != nil {
				return err
			}
			if ok {
				w, x = v, after
			}
		}
		text, fb := g.comment(x, y)
		if text == "" {
			return g.errAt(p.a, "empty answer")
		}
		q.Options = append(q.Options, Option{Text: text, Weight: w, Feedback: fb})
	}
	return nil
}

func (g *giftSrc) matching(q *Question, a, b int) *GIFTError {
	parts := g.split(a, b, "=")
	if len(parts) < 2 {
		return g.errAt(a, "a matching question needs at least two pairs")
	}
	for _, p := range parts {
		x, y := g.trim(p.a, p.b)
		k := strings.Index(g.s[x:y], "->")
		if k < 0 {
			return g.errAt(x, "%q is not a pair: write =left -> right", firstLine(g.s[x:y]))
		}
		r1, r2 := g.trim(x+k+2, y)
		if nl := strings.IndexByte(g.s[r1:r2], '\n'); nl >= 0 {
			return g.errAt(r1+nl+1, "this line is not a pair: write =left -> right")
		}
		right := g.text(r1, r2)
		if right == "" {
			return g.errAt(x, "the pair has no right item: write =left -> right")
		}
		q.Pairs = append(q.Pairs, Pair{Left: g.field(x, x+k), Right: right})
	}
	return nil
}

func (g *giftSrc) trueFalse(q *Question, a, b int) {
	// Moodle's split_truefalse_comment: answer#wrong feedback#right feedback.
	var bits []giftSpan
	from := a
	for len(bits) < 2 {
		h := g.find('#', from, b)
		if h < 0 {
			break
		}
		bits = append(bits, giftSpan{a: from, b: h})
		from = h + 1
	}
	bits = append(bits, giftSpan{a: from, b: b})
	wrong, right := "", ""
	if len(bits) > 1 {
		wrong = g.field(bits[1].a, bits[1].b)
	}
	if len(bits) > 2 {
		right = g.field(bits[2].a, bits[2].b)
	}
	x, y := g.trim(bits[0].a, bits[0].b)
	correct := g.s[x:y] == "T" || g.s[x:y] == "TRUE"
	q.Correct = &correct
	if correct {
		q.FeedbackTrue, q.FeedbackFalse = right, wrong
	} else {
		q.FeedbackTrue, q.FeedbackFalse = wrong, right
	}
}

func (g *giftSrc) short(q *Question, a, b int) *GIFTError {
	parts := g.split(a, b, "=")
	if len(parts) == 0 {
		return g.errAt(a, "a short answer question needs an answer")
	}
	for _, p := range parts {
		x, y := g.trim(p.a, p.b)
		w := 1.0
		v, after, ok, err := g.weight(x, y)
		if err != nil {
			return err
		}
		if ok {
			w, x = v, after
		}
		text, fb := g.comment(x, y)
		if text == "" {
			return g.errAt(p.a, "empty answer")
		}
		q.Options = append(q.Options, Option{Text: text, Weight: w, Feedback: fb})
	}
	return nil
}

func (g *giftSrc) numerical(q *Question, a, b int) *GIFTError {
	a++ // "#"
	other := g.find('~', a, b)
	end := b
	if other >= 0 {
		end = other
	}
	parts := g.split(a, end, "=")
	if len(parts) == 0 {
		return g.errAt(a, "a numerical question needs an answer, e.g. {#3:0.5}")
	}
	for _, p := range parts {
		x, y := g.trim(p.a, p.b)
		w := 1.0
		v, after, ok, err := g.weight(x, y)
		if err != nil {
			return err
		}
		if ok {
			w, x = v, after
		}
		text, fb := g.comment(x, y)
		n, msg := parseNumericAnswer(text)
		if msg != "" {
			return g.errAt(x, "%s", msg)
		}
		n.Weight, n.Feedback = w, fb
		q.Numbers = append(q.Numbers, n)
	}
	if other >= 0 {
		// Moodle: "~" starts the feedback for any other answer, stored as the
		// answer "*" with 0 %; what follows its first "#" is the feedback.
		h := g.find('#', other+1, b)
		x, y := g.trim(other+1, b)
		if h >= 0 {
			x, y = g.trim(other+1, h)
		}
		if x != y {
			return g.errAt(other, "in a numerical question \"~\" only gives the feedback for any other answer: write ~#feedback")
		}
		n := giftAny
		if h >= 0 {
			if k := g.find('~', h+1, b); k >= 0 {
				return g.errAt(k, "a second \"~\" in a numerical question (write \\~ in feedback)")
			}
			if k := g.find('=', h+1, b); k >= 0 {
				return g.errAt(k, "answers after ~#feedback: it must come last (write \\= in feedback)")
			}
			n.Feedback = g.field(h+1, b)
		}
		q.Numbers = append(q.Numbers, n)
	}
	return nil
}

// parseNumericAnswer reads "value", "value:tolerance", "min..max" or "*".
func parseNumericAnswer(text string) (NumericAnswer, string) {
	if text == "" {
		return NumericAnswer{}, "empty numerical answer"
	}
	if text == "*" {
		return giftAny, ""
	}
	if k := strings.Index(text, ".."); k > 0 {
		lo, ok1 := parseGIFTNumber(phpTrim(text[:k]))
		hi, ok2 := parseGIFTNumber(phpTrim(text[k+2:]))
		if !ok1 || !ok2 {
			return NumericAnswer{}, fmt.Sprintf("%q is not a range of numbers (min..max)", firstLine(text))
		}
		if lo > hi {
			return NumericAnswer{}, fmt.Sprintf("the range %q goes down: write min..max", firstLine(text))
		}
		return NumericAnswer{IsRange: true, Min: lo, Max: hi}, ""
	}
	value, tol := text, ""
	if k := strings.IndexByte(text, ':'); k > 0 {
		value, tol = phpTrim(text[:k]), phpTrim(text[k+1:])
	}
	v, ok := parseGIFTNumber(value)
	if !ok {
		return NumericAnswer{}, fmt.Sprintf("%q is not a number", firstLine(value))
	}
	t := 0.0
	if tol != "" || strings.IndexByte(text, ':') > 0 {
		if t, ok = parseGIFTNumber(tol); !ok {
			return NumericAnswer{}, fmt.Sprintf("tolerance %q is not a number", firstLine(tol))
		}
		if t < 0 {
			return NumericAnswer{}, fmt.Sprintf("tolerance %q is negative", firstLine(tol))
		}
	}
	return NumericAnswer{Value: v, Tolerance: t}, ""
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

// ExportGIFT writes questions as GIFT that ParseGIFT reads back to the same
// questions (ids and Line aside), and that Moodle imports. A "$CATEGORY:"
// line comes first whenever the category changes. A format marker is written
// for a format other than moodle (or empty), and wherever a text starting
// with "[" needs one to stay text.
//
// What GIFT cannot say is lost: Points, a description's general feedback,
// leading and trailing white space of texts; a matching left item or a
// short answer (of several) containing "->" reads back differently, as it
// would in Moodle.
func ExportGIFT(qs []Question) string {
	var b strings.Builder
	category := ""
	for _, q := range qs {
		if q.Category != category {
			category = q.Category
			b.WriteString("$CATEGORY: ")
			for i := 0; i < len(category); i++ {
				switch c := category[i]; c {
				case '\\':
					b.WriteString(`\\`)
				case '\n':
					b.WriteString(`\n`)
				case '\r':
					if i+1 < len(category) && category[i+1] == '\n' {
						i++
					}
					b.WriteString(`\n`)
				default:
					b.WriteByte(c)
				}
			}
			b.WriteString("\n\n")
		}
		writeGIFTQuestion(&b, &q)
		b.WriteString("\n")
	}
	return b.String()
}

func writeGIFTQuestion(b *strings.Builder, q *Question) {
	format := q.Format
	switch format {
	case FormatHTML, FormatMarkdown, FormatPlain, FormatMoodle:
	default:
		format = FormatMoodle
	}
	marker := "[" + format + "]"
	if q.Name != "" {
		b.WriteString("::")
		giftEscape(b, q.Name)
		b.WriteString(":: ")
	}
	if format != FormatMoodle || strings.HasPrefix(q.Stem, "[") ||
		(q.Name == "" && (strings.HasPrefix(q.Stem, "//") || (q.Stem == "" && q.Type == Description))) {
		b.WriteString(marker)
	}
	giftEscape(b, q.Stem)
	if q.Type == Description {
		b.WriteString("\n")
		return
	}
	if q.Stem != "" {
		b.WriteString(" ")
	}

	// field writes an answer text or feedback, with a marker when it starts
	// with "[" (ParseGIFT drops one marker).
	field := func(s string) {
		if strings.HasPrefix(s, "[") {
			b.WriteString(marker)
		}
		giftEscape(b, s)
	}
	feedback := func(s string) {
		if s != "" {
			b.WriteByte('#')
			field(s)
		}
	}
	general := func(indent bool) {
		if q.GeneralFeedback != "" {
			if indent {
				b.WriteString("\t")
			}
			b.WriteString("####")
			field(q.GeneralFeedback)
			if indent {
				b.WriteString("\n")
			}
		}
	}

	switch q.Type {
	case Essay:
		b.WriteString("{")
		general(false)
		b.WriteString("}")
	case TrueFalse:
		// {TRUE#feedback when wrong#feedback when right}: Moodle's
		// writequestion and split_truefalse_comment.
		answer, right, wrong := "FALSE", q.FeedbackFalse, q.FeedbackTrue
		if q.Correct != nil && *q.Correct {
			answer, right, wrong = "TRUE", q.FeedbackTrue, q.FeedbackFalse
		}
		b.WriteString("{" + answer)
		if wrong != "" || right != "" {
			b.WriteString("#")
			field(wrong)
		}
		if right != "" {
			b.WriteString("#")
			field(right)
		}
		general(false)
		b.WriteString("}")
	case Single, Multiple:
		b.WriteString("{\n")
		// Single needs an "=" answer and a "~" one; Multiple no "=".
		tilde := -1
		if q.Type == Single {
			for i, o := range q.Options {
				if o.Weight != 1 {
					tilde = -1
					break
				}
				tilde = i
			}
		}
		for i, o := range q.Options {
			b.WriteString("\t")
			switch {
			case q.Type == Single && o.Weight == 1 && i != tilde:
				b.WriteString("=")
			case o.Weight == 0 && !strings.HasPrefix(o.Text, "%"):
				b.WriteString("~")
			default:
				b.WriteString("~%" + giftPercent(o.Weight) + "%")
			}
			field(o.Text)
			feedback(o.Feedback)
			b.WriteString("\n")
		}
		general(true)
		b.WriteString("}")
	case Short:
		// Several answers need "=" each; one answer containing "->" must not
		// have it, or it would read as matching.
		// It stays on the "{" line, where it cannot start a "//" comment.
		bare := len(q.Options) == 1 && (strings.Contains(q.Options[0].Text, "->") || strings.Contains(q.Options[0].Feedback, "->"))
		b.WriteString("{")
		for _, o := range q.Options {
			if !bare {
				b.WriteString("\n\t=")
			}
			if o.Weight != 1 || strings.HasPrefix(o.Text, "%") {
				b.WriteString("%" + giftPercent(o.Weight) + "%")
			}
			field(o.Text)
			feedback(o.Feedback)
		}
		if !bare {
			b.WriteString("\n")
		}
		general(!bare)
		b.WriteString("}")
	case Numerical:
		b.WriteString("{#\n")
		var other *NumericAnswer
		for i, n := range q.Numbers {
			if isGIFTAny(n) && n.Weight == 0 && i == len(q.Numbers)-1 && i > 0 {
				other = &q.Numbers[i]
				continue
			}
			b.WriteString("\t=")
			if n.Weight != 1 {
				b.WriteString("%" + giftPercent(n.Weight) + "%")
			}
			switch {
			case isGIFTAny(n):
				b.WriteString("*")
			case n.IsRange:
				b.WriteString(giftNumber(n.Min) + ".." + giftNumber(n.Max))
			case n.Tolerance != 0:
				b.WriteString(giftNumber(n.Value) + ":" + giftNumber(n.Tolerance))
			default:
				b.WriteString(giftNumber(n.Value))
			}
			feedback(n.Feedback)
			b.WriteString("\n")
		}
		if other != nil {
			b.WriteString("\t~#")
			field(other.Feedback)
			b.WriteString("\n")
		}
		general(true)
		b.WriteString("}")
	case Matching:
		b.WriteString("{\n")
		for _, p := range q.Pairs {
			b.WriteString("\t=")
			field(p.Left)
			b.WriteString(" -> ")
			giftEscape(b, p.Right)
			b.WriteString("\n")
		}
		general(true)
		b.WriteString("}")
	default:
		b.WriteString("\n")
		return
	}
	if q.StemAfter != "" {
		b.WriteString(" ")
		giftEscape(b, q.StemAfter)
	}
	b.WriteString("\n")
}

func giftNumber(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// giftPercent writes a weight (a fraction) as the percentage that
// parseGIFTWeight reads back to the same float64: the shortest decimal of
// the weight, its point moved two places.
func giftPercent(w float64) string {
	if math.IsNaN(w) || math.IsInf(w, 0) || w == 0 {
		if math.Signbit(w) && w == 0 {
			return "-0"
		}
		return "0"
	}
	e := strconv.FormatFloat(w, 'e', -1, 64) // -d.ddde±xx
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	k := strings.IndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[k+1:])
	digits := strings.Replace(e[:k], ".", "", 1)
	point := 1 + exp + 2 // digits before the decimal point of the percentage
	var p string
	switch {
	case point <= 0:
		p = "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		p = digits + strings.Repeat("0", point-len(digits))
	default:
		p = digits[:point] + "." + digits[point:]
	}
	return sign + p
}
