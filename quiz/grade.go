package quiz

// Grading: pure functions from a question and an answer body to points,
// following Moodle's question types where they differ in detail. Grade
// calls one grader per question type; the right answer shown in the review
// is in grade_correct.go.

import (
	"math"
	"slices"
	"strings"
)

// Result is the grade of one answer.
type Result struct {
	Points    float64 // earned: 0 ≤ Points ≤ MaxPoints, never NaN
	MaxPoints float64 // the question's points (0 for a description)
	Correct   bool    // full marks
	// Feedback is the feedback, in source text, of the options or accepted
	// answers that the answer chose or matched (not the question's general
	// feedback); nil when none applies.
	Feedback []string
	Manual   bool // an answered essay: a trainer grades it
}

// eps absorbs rounding in weights (1/3 + 1/3 + 1/3) when deciding full marks.
const eps = 1e-9

// Grade grades an answer to q. A nil answer, or one without the field of
// q's type, is unanswered: 0 points. Grade never panics and never trusts
// the answer: ids unknown to q are ignored, and a choice given twice counts
// once (ValidateAnswer refuses both beforehand). Rules:
//
//   - single: Points × the chosen option's weight, at least 0;
//   - multiple: the weights of the chosen options add up (negative ones
//     subtract), the total clamped to [0, 1], × Points (Moodle's "multiple
//     answers allowed");
//   - true_false: all or nothing, with FeedbackTrue or FeedbackFalse for the
//     answer given;
//   - short: the answer, normalized by NormalizeText, against each accepted
//     answer, normalized too, in which * matches any text and \* is a star;
//     the best weight among those that match counts (Moodle takes the first
//     that matches, the same when the author lists the best first);
//   - numerical: |x − Value| ≤ Tolerance, or Min ≤ x ≤ Max for a range; the
//     best weight among matches counts;
//   - matching: each left item is worth Points / (number of left items) when
//     the right item chosen for it has the pair's right text;
//   - essay: 0 points until a trainer grades it; Manual when the text is
//     not blank;
//   - description: nothing (MaxPoints 0).
//
// Weights outside [-1, 1] are clamped into it, NaN weights count as 0, and a
// question whose Points is not a finite number ≥ 0 is worth 0.
func Grade(q Question, a *Answer) Result {
	maxPts := q.Points
	if !(maxPts >= 0) || math.IsInf(maxPts, 0) {
		maxPts = 0
	}
	r := Result{MaxPoints: maxPts}
	if q.Type == Description || !knownType(q.Type) {
		r.MaxPoints = 0
		return r
	}
	if a == nil {
		return r
	}
	var frac float64 // the fraction of MaxPoints earned
	switch q.Type {
	case Single:
		frac = gradeSingle(&q, a, &r)
	case Multiple:
		frac = gradeMultiple(&q, a, &r)
	case TrueFalse:
		frac = gradeTrueFalse(&q, a, &r)
	case Short:
		frac = gradeShort(&q, a, &r)
	case Numerical:
		frac = gradeNumerical(&q, a, &r)
	case Matching:
		frac = gradeMatching(&q, a)
	case Essay:
		r.Manual = a.Text != nil && strings.TrimSpace(*a.Text) != ""
		return r
	}
	frac = min(max(frac, 0), 1)
	if frac >= 1-eps {
		frac = 1
		r.Correct = true
	}
	r.Points = maxPts * frac
	return r
}

// The graders of each type return the fraction of the points an answer
// earns (0 when it has no field of the type), before clamping to [0, 1],
// and add the feedback that applies to r.

func gradeSingle(q *Question, a *Answer, r *Result) float64 {
	if a.Choice == nil {
		return 0
	}
	o, ok := option(*q, *a.Choice)
	if !ok {
		return 0
	}
	r.addFeedback(o.Feedback)
	return clampWeight(o.Weight)
}

func gradeMultiple(q *Question, a *Answer, r *Result) float64 {
	chosen := make(map[string]bool, len(a.Choices))
	for _, c := range a.Choices {
		chosen[c] = true // a choice given twice counts once
	}
	var weights []float64
	for _, o := range q.Options { // feedback in the options' order
		if o.ID != "" && chosen[o.ID] {
			weights = append(weights, clampWeight(o.Weight))
			r.addFeedback(o.Feedback)
		}
	}
	// Added in a fixed order, so that the order of the options cannot
	// change the last bit of the sum.
	slices.Sort(weights)
	frac := 0.0
	for _, w := range weights {
		frac += w
	}
	return frac
}

func gradeTrueFalse(q *Question, a *Answer, r *Result) float64 {
	if a.Value == nil {
		return 0
	}
	if *a.Value {
		r.addFeedback(q.FeedbackTrue)
	} else {
		r.addFeedback(q.FeedbackFalse)
	}
	if q.Correct != nil && *a.Value == *q.Correct {
		return 1
	}
	return 0
}

func gradeShort(q *Question, a *Answer, r *Result) float64 {
	if a.Text == nil {
		return 0
	}
	text := NormalizeText(*a.Text)
	best := -1
	for i, o := range q.Options {
		if (best < 0 || clampWeight(o.Weight) > clampWeight(q.Options[best].Weight)) && matchParts(wildcardParts(o.Text), text) {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	r.addFeedback(q.Options[best].Feedback)
	return clampWeight(q.Options[best].Weight)
}

func gradeNumerical(q *Question, a *Answer, r *Result) float64 {
	if a.Number == nil {
		return 0
	}
	best := -1
	for i, n := range q.Numbers {
		if (best < 0 || clampWeight(n.Weight) > clampWeight(q.Numbers[best].Weight)) && numberMatches(n, *a.Number) {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	r.addFeedback(q.Numbers[best].Feedback)
	return clampWeight(q.Numbers[best].Weight)
}

func gradeMatching(q *Question, a *Answer) float64 {
	rights := rightTexts(*q)
	lefts, right := 0, 0
	for _, p := range q.Pairs {
		if p.Left == "" {
			continue
		}
		lefts++
		if rid, ok := a.Pairs[p.ID]; ok && p.ID != "" {
			if text, ok := rights[rid]; ok && text == p.Right {
				right++
			}
		}
	}
	if lefts == 0 {
		return 0
	}
	return float64(right) / float64(lefts)
}

func knownType(t string) bool {
	_, ok := fieldFor[t]
	return ok
}

func (r *Result) addFeedback(f string) {
	if f != "" {
		r.Feedback = append(r.Feedback, f)
	}
}

// option finds q's option of a non-empty id; the first one wins.
func option(q Question, id string) (Option, bool) {
	if id == "" {
		return Option{}, false
	}
	for _, o := range q.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// clampWeight brings a weight into [-1, 1]; NaN is 0.
func clampWeight(w float64) float64 {
	if math.IsNaN(w) {
		return 0
	}
	return min(max(w, -1), 1)
}

// rightTexts maps the right ids of q's pairs to their right texts; the first
// pair with an id wins.
func rightTexts(q Question) map[string]string {
	m := make(map[string]string, len(q.Pairs))
	for _, p := range q.Pairs {
		if _, ok := m[p.RightID]; !ok && p.RightID != "" {
			m[p.RightID] = p.Right
		}
	}
	return m
}

// numberMatches says whether x is an accepted number of n. Bounds widen by
// a relative 1e-12, as Moodle widens them (MDL-3225), so that 3.15 is
// within 3.14 ± 0.01 although 3.15 − 3.14 > 0.01 in binary.
func numberMatches(n NumericAnswer, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false
	}
	if n.IsRange {
		lo, hi := min(n.Min, n.Max), max(n.Min, n.Max)
		return lo-1e-12*math.Abs(lo) <= x && x <= hi+1e-12*math.Abs(hi)
	}
	if math.IsInf(n.Value, 0) {
		return false
	}
	tol := math.Abs(n.Tolerance)
	slack := 1e-12 * max(math.Abs(n.Value), math.Abs(x), tol)
	return math.Abs(x-n.Value) <= tol+slack
}

// wildcardParts reads a Moodle short-answer pattern: * stands for any text
// (a run of stars for one), \* for a star. It returns the literal parts
// around the wildcards, normalized by NormalizeText: one more than the
// wildcards. Wildcards are found in the text as written, as Moodle does, not
// after normalization, which might make an escape of "\ـ*" (the tatweel
// dropped) or a star of "＊".
func wildcardParts(pattern string) []string {
	if !strings.Contains(pattern, "*") {
		return []string{NormalizeText(pattern)}
	}
	// The wildcards become NULs, which normalization keeps as they are.
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch {
		case pattern[i] == 0:
			b.WriteString("\uFFFD")
		case pattern[i] == '\\' && i+1 < len(pattern) && pattern[i+1] == '*':
			b.WriteByte('*')
			i++
		case pattern[i] == '*':
			b.WriteByte(0)
			for i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
			}
		default:
			b.WriteByte(pattern[i])
		}
	}
	return strings.Split(NormalizeText(b.String()), "\x00")
}

// matchParts says whether text is parts joined by any texts: it starts with
// the first part, ends with the last, and holds the others in order between.
func matchParts(parts []string, text string) bool {
	if len(parts) == 1 {
		return text == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(text) < len(first)+len(last) || !strings.HasPrefix(text, first) || !strings.HasSuffix(text, last) {
		return false
	}
	text = text[len(first) : len(text)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(text, p)
		if i < 0 {
			return false
		}
		text = text[i+len(p):]
	}
	return true
}
