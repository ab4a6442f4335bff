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
