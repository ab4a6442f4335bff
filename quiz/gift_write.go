package quiz

// Moodle GIFT export.

import (
	"strings"
)

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
			writeGIFTCategory(&b, category)
		}
		writeGIFTQuestion(&b, &q)
		b.WriteString("\n")
	}
	return b.String()
}

// writeGIFTCategory writes a "$CATEGORY:" line and a blank line. Moodle
// reads the rest of the line as it is, but for "\\" and "\n".
func writeGIFTCategory(b *strings.Builder, category string) {
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

// writeGIFTQuestion writes one question: its title, format marker and text,
// then its answers, written by the function of its type, then the text after
// the answers (the "missing word" form).
func writeGIFTQuestion(b *strings.Builder, q *Question) {
	format := q.Format
	switch format {
	case FormatHTML, FormatMarkdown, FormatPlain, FormatMoodle:
	default:
		format = FormatMoodle
	}
	w := giftWriter{b: b, q: q, marker: "[" + format + "]"}
	if q.Name != "" {
		b.WriteString("::")
		giftEscape(b, q.Name)
		b.WriteString(":: ")
	}
	if format != FormatMoodle || strings.HasPrefix(q.Stem, "[") ||
		(q.Name == "" && (strings.HasPrefix(q.Stem, "//") || (q.Stem == "" && q.Type == Description))) {
		b.WriteString(w.marker)
	}
	giftEscape(b, q.Stem)
	if q.Type == Description {
		b.WriteString("\n")
		return
	}
	if q.Stem != "" {
		b.WriteString(" ")
	}
	switch q.Type {
	case Essay:
		w.essay()
	case TrueFalse:
		w.trueFalse()
	case Single, Multiple:
		w.choices()
	case Short:
		w.short()
	case Numerical:
		w.numerical()
	case Matching:
		w.matching()
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

// giftWriter writes the answers of one question, "{" to "}", in the
// question's format marker.
type giftWriter struct {
	b      *strings.Builder
	q      *Question
	marker string
}

// field writes an answer text or feedback, with a marker when it starts
// with "[" (ParseGIFT drops one marker).
func (w giftWriter) field(s string) {
	if strings.HasPrefix(s, "[") {
		w.b.WriteString(w.marker)
	}
	giftEscape(w.b, s)
}

// feedback writes "#feedback" when there is one.
func (w giftWriter) feedback(s string) {
	if s != "" {
		w.b.WriteByte('#')
		w.field(s)
	}
}

// general writes the general feedback, "####feedback", when there is one;
// indented on a line of its own when indent is set.
func (w giftWriter) general(indent bool) {
	if w.q.GeneralFeedback != "" {
		if indent {
			w.b.WriteString("\t")
		}
		w.b.WriteString("####")
		w.field(w.q.GeneralFeedback)
		if indent {
			w.b.WriteString("\n")
		}
	}
}

func (w giftWriter) essay() {
	w.b.WriteString("{")
	w.general(false)
	w.b.WriteString("}")
}

// trueFalse writes {TRUE#feedback when wrong#feedback when right}: Moodle's
// writequestion and split_truefalse_comment.
func (w giftWriter) trueFalse() {
	q, b := w.q, w.b
	answer, right, wrong := "FALSE", q.FeedbackFalse, q.FeedbackTrue
	if q.Correct != nil && *q.Correct {
		answer, right, wrong = "TRUE", q.FeedbackTrue, q.FeedbackFalse
	}
	b.WriteString("{" + answer)
	if wrong != "" || right != "" {
		b.WriteString("#")
		w.field(wrong)
	}
	if right != "" {
		b.WriteString("#")
		w.field(right)
	}
	w.general(false)
	b.WriteString("}")
}

// choices writes a single or multiple choice question, an option a line.
func (w giftWriter) choices() {
	q, b := w.q, w.b
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
		w.field(o.Text)
		w.feedback(o.Feedback)
		b.WriteString("\n")
	}
	w.general(true)
	b.WriteString("}")
}

// short writes a short answer question. Several answers need "=" each; one
// answer containing "->" must not have it, or it would read as matching.
// It stays on the "{" line, where it cannot start a "//" comment.
func (w giftWriter) short() {
	q, b := w.q, w.b
	bare := len(q.Options) == 1 && (strings.Contains(q.Options[0].Text, "->") || strings.Contains(q.Options[0].Feedback, "->"))
	b.WriteString("{")
	for _, o := range q.Options {
		if !bare {
			b.WriteString("\n\t=")
		}
		if o.Weight != 1 || strings.HasPrefix(o.Text, "%") {
			b.WriteString("%" + giftPercent(o.Weight) + "%")
		}
		w.field(o.Text)
		w.feedback(o.Feedback)
	}
	if !bare {
		b.WriteString("\n")
	}
	w.general(!bare)
	b.WriteString("}")
}

// numerical writes a numerical question, an accepted number a line; a last
// answer matching any number at 0 % is written "~#feedback".
func (w giftWriter) numerical() {
	q, b := w.q, w.b
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
		w.feedback(n.Feedback)
		b.WriteString("\n")
	}
	if other != nil {
		b.WriteString("\t~#")
		w.field(other.Feedback)
		b.WriteString("\n")
	}
	w.general(true)
	b.WriteString("}")
}

// matching writes a matching question, a pair a line.
func (w giftWriter) matching() {
	b := w.b
	b.WriteString("{\n")
	for _, p := range w.q.Pairs {
		b.WriteString("\t=")
		w.field(p.Left)
		b.WriteString(" -> ")
		giftEscape(b, p.Right)
		b.WriteString("\n")
	}
	w.general(true)
	b.WriteString("}")
}
