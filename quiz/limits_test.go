package quiz

import (
	"strconv"
	"strings"
	"testing"
)

// TestSecurityL5ItemsPerQuestionAreCapped: like the questions of a quiz
// (issue 15, L5), the options, numerical answers and pairs of one question,
// and its texts together, are bounded; the API took any number up to its
// 4 MB body.
func TestSecurityL5ItemsPerQuestionAreCapped(t *testing.T) {
	yes := true
	many := func(n int) []Option {
		os := []Option{{Text: "juste", Weight: 1}}
		for i := 1; i < n; i++ {
			os = append(os, Option{Text: "faux " + strconv.Itoa(i)})
		}
		return os
	}
	var pairs []Pair
	var numbers []NumericAnswer
	for i := range 101 {
		pairs = append(pairs, Pair{Left: "g" + strconv.Itoa(i), Right: "d" + strconv.Itoa(i)})
		numbers = append(numbers, NumericAnswer{Value: float64(i), Weight: 1})
	}
	for _, tc := range []struct {
		name, field string
		q           Question
	}{
		{"101 options", "options", Question{Type: Single, Stem: "Q ?", Options: many(101)}},
		{"101 numbers", "numbers", Question{Type: Numerical, Stem: "Q ?", Numbers: numbers}},
		{"101 pairs", "pairs", Question{Type: Matching, Stem: "Q ?", Pairs: pairs}},
		{"200 KiB of option text", "stem", Question{Type: Single, Stem: "Q ?", Options: append(many(2), Option{Text: strings.Repeat("x", 200<<10)})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := false
			for _, e := range ValidateQuestion(&tc.q) {
				found = found || e.Field == tc.field
			}
			if !found {
				t.Errorf("ValidateQuestion(%s) has no error on %q", tc.name, tc.field)
			}
		})
	}
	ok := Question{Type: TrueFalse, Stem: "Q ?", Correct: &yes}
	if errs := ValidateQuestion(&ok); len(errs) > 0 {
		t.Errorf("ValidateQuestion(true/false) = %v, want none", errs)
	}
	if errs := ValidateQuestion(&Question{Type: Single, Stem: "Q ?", Options: many(100)}); len(errs) > 0 {
		t.Errorf("ValidateQuestion(100 options) = %v, want none", errs)
	}
}
