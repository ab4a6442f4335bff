package quiz

// GIFT import, the answers of each question type: what goes between "{"
// and "}" once giftType has chosen the type (format.php's readquestion,
// one case of its switch each).

import (
	"math"
	"strings"
	"tadrib/internal/i18n"
)

func (g *giftSrc) choices(q *Question, a, b int) *GIFTError {
	parts := g.split(a, b, "~=")
	if len(parts) < 2 {
		return g.errAt(a, "gift.choice_two")
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
			return g.errAt(p.a, "gift.empty_answer")
		}
		q.Options = append(q.Options, Option{Text: text, Weight: w, Feedback: fb})
	}
	return nil
}

func (g *giftSrc) matching(q *Question, a, b int) *GIFTError {
	parts := g.split(a, b, "=")
	if len(parts) < 2 {
		return g.errAt(a, "gift.matching_two")
	}
	for _, p := range parts {
		x, y := g.trim(p.a, p.b)
		k := strings.Index(g.s[x:y], "->")
		if k < 0 {
			return g.errAt(x, "gift.not_pair", firstLine(g.s[x:y]))
		}
		r1, r2 := g.trim(x+k+2, y)
		if nl := strings.IndexByte(g.s[r1:r2], '\n'); nl >= 0 {
			return g.errAt(r1+nl+1, "gift.line_not_pair")
		}
		right := g.text(r1, r2)
		if right == "" {
			return g.errAt(x, "gift.no_right")
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
		return g.errAt(a, "gift.short_answer")
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
			return g.errAt(p.a, "gift.empty_answer")
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
		return g.errAt(a, "gift.numerical_answer")
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
		if msg != nil {
			return g.errAt(x, msg.Key, msg.Args...)
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
			return g.errAt(other, "gift.numerical_other")
		}
		n := giftAny
		if h >= 0 {
			if k := g.find('~', h+1, b); k >= 0 {
				return g.errAt(k, "gift.numerical_second_other")
			}
			if k := g.find('=', h+1, b); k >= 0 {
				return g.errAt(k, "gift.numerical_after_other")
			}
			n.Feedback = g.field(h+1, b)
		}
		q.Numbers = append(q.Numbers, n)
	}
	return nil
}

// giftAny is the numerical answer that matches any number: GIFT's
// "~#feedback" (Moodle stores it as the answer "*").
var giftAny = NumericAnswer{IsRange: true, Min: -math.MaxFloat64, Max: math.MaxFloat64}

func isGIFTAny(n NumericAnswer) bool {
	return n.IsRange && n.Min == giftAny.Min && n.Max == giftAny.Max
}

// parseNumericAnswer reads "value", "value:tolerance", "min..max" or "*";
// a problem comes back as a gift_messages.go key and its arguments.
func parseNumericAnswer(text string) (NumericAnswer, *i18n.Msg) {
	bad := func(key string, args ...any) (NumericAnswer, *i18n.Msg) {
		m := i18n.M(key, args...)
		return NumericAnswer{}, &m
	}
	if text == "" {
		return bad("gift.number_empty")
	}
	if text == "*" {
		return giftAny, nil
	}
	if k := strings.Index(text, ".."); k > 0 {
		lo, ok1 := parseGIFTNumber(phpTrim(text[:k]))
		hi, ok2 := parseGIFTNumber(phpTrim(text[k+2:]))
		if !ok1 || !ok2 {
			return bad("gift.range_bad", firstLine(text))
		}
		if lo > hi {
			return bad("gift.range_down", firstLine(text))
		}
		return NumericAnswer{IsRange: true, Min: lo, Max: hi}, nil
	}
	value, tol := text, ""
	if k := strings.IndexByte(text, ':'); k > 0 {
		value, tol = phpTrim(text[:k]), phpTrim(text[k+1:])
	}
	v, ok := parseGIFTNumber(value)
	if !ok {
		return bad("gift.not_number", firstLine(value))
	}
	t := 0.0
	if tol != "" || strings.IndexByte(text, ':') > 0 {
		if t, ok = parseGIFTNumber(tol); !ok {
			return bad("gift.tolerance_bad", firstLine(tol))
		}
		if t < 0 {
			return bad("gift.tolerance_negative", firstLine(tol))
		}
	}
	return NumericAnswer{Value: v, Tolerance: t}, nil
}
