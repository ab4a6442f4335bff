package quiz

// The right answer of a question, shown in the review: one function per
// question type.

import (
	"math"
	"strings"
)

// CorrectAnswer is an answer that earns full marks, for the review:
// single, the option of the highest weight; multiple, every option of
// positive weight; true_false, the right value; short, the first accepted
// answer of weight 1 (or else of the highest weight) as written, wildcards
// included, \* written *; numerical, the value (or the middle of the range)
// of the accepted number of the highest weight; matching, each left item
// with the right item of its text. When no answer earns full marks, it is
// the best there is. It is nil for essays, descriptions, and questions
// without anything to choose.
func CorrectAnswer(q Question) *Answer {
	switch q.Type {
	case Single:
		return correctSingle(&q)
	case Multiple:
		return correctMultiple(&q)
	case TrueFalse:
		return correctTrueFalse(&q)
	case Short:
		return correctShort(&q)
	case Numerical:
		return correctNumerical(&q)
	case Matching:
		return correctMatching(&q)
	}
	return nil
}

func correctSingle(q *Question) *Answer {
	best := -1
	for i, o := range q.Options {
		if o.ID != "" && (best < 0 || clampWeight(o.Weight) > clampWeight(q.Options[best].Weight)) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	id := q.Options[best].ID
	return &Answer{Choice: &id}
}

func correctMultiple(q *Question) *Answer {
	choices := []string{}
	seen := map[string]bool{}
	for _, o := range q.Options {
		if o.ID != "" && !seen[o.ID] && clampWeight(o.Weight) > 0 {
			choices = append(choices, o.ID)
		}
		seen[o.ID] = true
	}
	return &Answer{Choices: choices}
}

func correctTrueFalse(q *Question) *Answer {
	if q.Correct == nil {
		return nil
	}
	v := *q.Correct
	return &Answer{Value: &v}
}

func correctShort(q *Question) *Answer {
	best := -1
	for i, o := range q.Options {
		w := clampWeight(o.Weight)
		if w >= 1-eps {
			best = i
			break
		}
		if best < 0 || w > clampWeight(q.Options[best].Weight) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	text := strings.ReplaceAll(q.Options[best].Text, `\*`, "*")
	return &Answer{Text: &text}
}

func correctNumerical(q *Question) *Answer {
	best := -1
	for i, n := range q.Numbers {
		if numberOf(n) != nil && (best < 0 || clampWeight(n.Weight) > clampWeight(q.Numbers[best].Weight)) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return &Answer{Number: numberOf(q.Numbers[best])}
}

func correctMatching(q *Question) *Answer {
	rights := rightTexts(*q)
	idOf := map[string]string{} // right text → the first right id of it
	for _, p := range q.Pairs {
		if _, ok := idOf[p.Right]; !ok && p.RightID != "" && rights[p.RightID] == p.Right {
			idOf[p.Right] = p.RightID
		}
	}
	pairs := map[string]string{}
	for _, p := range q.Pairs {
		if p.Left == "" || p.ID == "" {
			continue
		}
		if rid, ok := idOf[p.Right]; ok {
			pairs[p.ID] = rid
		}
	}
	return &Answer{Pairs: pairs}
}

// numberOf is the number that stands for an accepted answer: its value, or
// the middle of its range; nil when that is not a finite number.
func numberOf(n NumericAnswer) *float64 {
	x := n.Value
	if n.IsRange {
		lo, hi := min(n.Min, n.Max), max(n.Min, n.Max)
		x = min(max(lo/2+hi/2, lo), hi) // halves first: no overflow
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
