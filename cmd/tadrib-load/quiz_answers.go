package main

// The pure part of the quiz scenario: the answer bodies a simulated trainee
// sends (built from the attempt's questions; openapi.json, schema Answer),
// the record of what the server acknowledged, and the comparison of that
// record with the answers the server gives back. Nothing here does I/O.

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// QuestionView is a question of an attempt as a trainee sees it.
type QuestionView struct {
	ID      string     `json:"id"`
	Type    string     `json:"type"`
	Points  float64    `json:"points"`
	Options []ItemView `json:"options,omitempty"`
	Left    []ItemView `json:"left,omitempty"`
	Right   []ItemView `json:"right,omitempty"`
}

// ItemView is an option, or a left or right item of a matching question.
type ItemView struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// AttemptView is the part of an attempt (POST /quizzes/{id}/attempts,
// GET /attempts/{id}) the scenario uses.
type AttemptView struct {
	ID        string                `json:"id"`
	Status    string                `json:"status"`
	Deadline  *string               `json:"deadline"`
	Questions []QuestionView        `json:"questions"`
	Answers   map[string]AnswerBody `json:"answers"`
}

// AnswerBody is an answer body: exactly one field is set, the one of the
// question's type.
type AnswerBody struct {
	Choice  *string           `json:"choice,omitempty"`
	Choices []string          `json:"choices,omitempty"`
	Value   *bool             `json:"value,omitempty"`
	Text    *string           `json:"text,omitempty"`
	Number  *float64          `json:"number,omitempty"`
	Pairs   map[string]string `json:"pairs,omitempty"`
}

// MarshalJSON writes the fields that are set, an empty list of choices or
// map of pairs included (omitempty would drop them, and the body would
// answer nothing).
func (a AnswerBody) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if a.Choice != nil {
		m["choice"] = *a.Choice
	}
	if a.Choices != nil {
		m["choices"] = a.Choices
	}
	if a.Value != nil {
		m["value"] = *a.Value
	}
	if a.Text != nil {
		m["text"] = *a.Text
	}
	if a.Number != nil {
		m["number"] = *a.Number
	}
	if a.Pairs != nil {
		m["pairs"] = a.Pairs
	}
	return json.Marshal(m)
}

// String is a short form of the body for reports.
func (a AnswerBody) String() string {
	var parts []string
	if a.Choice != nil {
		parts = append(parts, fmt.Sprintf("choice=%q", *a.Choice))
	}
	if a.Choices != nil {
		parts = append(parts, fmt.Sprintf("choices=%q", a.Choices))
	}
	if a.Value != nil {
		parts = append(parts, fmt.Sprintf("value=%t", *a.Value))
	}
	if a.Text != nil {
		parts = append(parts, fmt.Sprintf("text=%q", *a.Text))
	}
	if a.Number != nil {
		parts = append(parts, fmt.Sprintf("number=%g", *a.Number))
	}
	if a.Pairs != nil {
		keys := slices.Sorted(maps.Keys(a.Pairs))
		kv := make([]string, len(keys))
		for i, k := range keys {
			kv[i] = k + ":" + a.Pairs[k]
		}
		parts = append(parts, "pairs={"+strings.Join(kv, ",")+"}")
	}
	if len(parts) == 0 {
		return "{}"
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// Answerable reports whether a question takes an answer (a description
// does not; an unknown type is left alone).
func Answerable(q QuestionView) bool {
	switch q.Type {
	case "single", "multiple":
		return len(q.Options) > 0
	case "matching":
		return len(q.Left) > 0 && len(q.Right) > 0
	case "true_false", "short", "numerical", "essay":
		return true
	}
	return false
}

// MakeAnswer builds the k-th answer a trainee gives to q: a valid body of
// q's type using only the ids the attempt showed. Successive k give
// different bodies wherever the type allows (a single choice with n options
// cycles through them, a true/false alternates), so that a later save
// visibly overwrites an earlier one. ok is false for a question that takes
// no answer.
func MakeAnswer(q QuestionView, k int) (a AnswerBody, ok bool) {
	if !Answerable(q) {
		return AnswerBody{}, false
	}
	if k < 0 {
		k = -k
	}
	switch q.Type {
	case "single":
		id := q.Options[k%len(q.Options)].ID
		a.Choice = &id
	case "multiple":
		// A non-empty subset: the bits of 1 + k mod (2^n − 1), over at most
		// the first 16 options, listed from a rotating start so that the
		// order varies too (the server compares sets).
		n := min(len(q.Options), 16)
		mask := 1 + k%((1<<n)-1)
		var ids []string
		for i := range n {
			j := (i + k) % n
			if mask&(1<<j) != 0 {
				ids = append(ids, q.Options[j].ID)
			}
		}
		a.Choices = ids
	case "true_false":
		v := k%2 == 0
		a.Value = &v
	case "short", "essay":
		// Non-ASCII on purpose: the text must come back byte for byte.
		t := fmt.Sprintf("réponse n° %d — إجابة %d", k, k)
		a.Text = &t
	case "numerical":
		x := float64(k) + 0.25
		if k%3 == 1 {
			x = -x
		}
		a.Number = &x
	case "matching":
		a.Pairs = make(map[string]string, len(q.Left))
		for i, l := range q.Left {
			a.Pairs[l.ID] = q.Right[(i+k)%len(q.Right)].ID
		}
	}
	return a, true
}

// EmptyEvery: with MakeAnswerEmpty, every EmptyEvery-th save of a multiple
// or matching question is the empty answer.
const EmptyEvery = 4

// MakeAnswerEmpty is MakeAnswer, except that every EmptyEvery-th answer to
// a multiple choice or matching question is the empty one ({"choices": []},
// {"pairs": {}}): a trainee unticking every box, which the API accepts and
// must give back as sent.
func MakeAnswerEmpty(q QuestionView, k int) (AnswerBody, bool) {
	a, ok := MakeAnswer(q, k)
	if ok && (k%EmptyEvery) == EmptyEvery-1 {
		switch q.Type {
		case "multiple":
			a.Choices = []string{}
		case "matching":
			a.Pairs = map[string]string{}
		}
	}
	return a, ok
}

// SameAnswer reports whether two answer bodies say the same: the same
// fields set, with equal values; choices are compared as sets.
func SameAnswer(x, y AnswerBody) bool {
	if !sameStringPtr(x.Choice, y.Choice) || !sameStringPtr(x.Text, y.Text) {
		return false
	}
	if (x.Value == nil) != (y.Value == nil) || (x.Value != nil && *x.Value != *y.Value) {
		return false
	}
	if (x.Number == nil) != (y.Number == nil) || (x.Number != nil && *x.Number != *y.Number) {
		return false
	}
	if (x.Choices == nil) != (y.Choices == nil) || !sameSet(x.Choices, y.Choices) {
		return false
	}
	if (x.Pairs == nil) != (y.Pairs == nil) || !maps.Equal(x.Pairs, y.Pairs) {
		return false
	}
	return true
}

func sameStringPtr(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(x, y)
}

// AckRecord is what one trainee's saves to one question came to.
type AckRecord struct {
	Acked bool       // some save got a 204
	Last  AnswerBody // the body of the last save that got a 204
	Seq   int        // its sequence number among this trainee's saves (order)
	// InDoubt are the bodies of saves sent after Last that got no answer
	// (a transport error, a 503 or 429 after the retries ran out): the server
	// may or may not have stored them, so finding one of them instead of
	// Last is no loss.
	InDoubt []AnswerBody
}

// AckLog records, for one attempt, the last body the server acknowledged
// for each question. A trainee's saves are sequential, so the order in
// which results are recorded is the order of the requests.
type AckLog struct {
	seq int
	Q   map[string]*AckRecord
}

// NewAckLog returns an empty log.
func NewAckLog() *AckLog { return &AckLog{Q: map[string]*AckRecord{}} }

func (l *AckLog) rec(qid string) *AckRecord {
	r := l.Q[qid]
	if r == nil {
		r = &AckRecord{}
		l.Q[qid] = r
	}
	return r
}

// Acked records that a save of body to qid got a 204: it replaces any
// earlier record of that question.
func (l *AckLog) Acked(qid string, body AnswerBody) {
	l.seq++
	r := l.rec(qid)
	r.Acked, r.Last, r.Seq, r.InDoubt = true, body, l.seq, nil
}

// Unknown records a save whose outcome is unknown (no answer, or a 5xx
// after the retries ran out): it may have been stored.
func (l *AckLog) Unknown(qid string, body AnswerBody) {
	l.seq++
	r := l.rec(qid)
	r.InDoubt = append(r.InDoubt, body)
}

// AckedCount is the number of questions with a 204-acknowledged save.
func (l *AckLog) AckedCount() int {
	n := 0
	for _, r := range l.Q {
		if r.Acked {
			n++
		}
	}
	return n
}

// Check is the comparison of acknowledged answers with saved ones.
type Check struct {
	Acknowledged int `json:"acknowledged"` // distinct attempt×question with a 204
	Found        int `json:"found"`        // saved exactly as last acknowledged
	Superseded   int `json:"superseded"`   // saved as a later save whose answer was lost (allowed)
	Missing      int `json:"missing"`      // no saved answer at all
	Different    int `json:"different"`    // a saved answer, but another one
	Unverified   int `json:"unverified"`   // the attempt could not be read back
	// Unacknowledged saved answers: questions with no 204 that the server
	// holds anyway (from a save whose answer was lost). Not an error.
	ExtraSaved int `json:"extra_saved"`
	// Answers to questions this trainee never sent anything for: the server
	// holds an answer nobody gave. An error.
	Unexpected int      `json:"unexpected"`
	Examples   []string `json:"examples,omitempty"` // the first few problems, for the report
}

// maxExamples bounds Check.Examples.
const maxExamples = 10

// Add folds one attempt into c: log is what the trainee recorded, saved the
// answers GET /attempts/{id} gave back (nil when it could not be read).
func (c *Check) Add(attemptID string, log *AckLog, saved map[string]AnswerBody, readable bool) {
	example := func(format string, a ...any) {
		if len(c.Examples) < maxExamples {
			c.Examples = append(c.Examples, fmt.Sprintf("attempt %s ", attemptID)+fmt.Sprintf(format, a...))
		}
	}
	qids := slices.Sorted(maps.Keys(log.Q))
	for _, qid := range qids {
		r := log.Q[qid]
		got, present := saved[qid]
		if !r.Acked {
			if readable && present {
				c.ExtraSaved++
			}
			continue
		}
		c.Acknowledged++
		switch {
		case !readable:
			c.Unverified++
		case !present:
			c.Missing++
			example("question %s: acknowledged %s, missing from the server", qid, r.Last)
		case SameAnswer(got, r.Last):
			c.Found++
		case slices.ContainsFunc(r.InDoubt, func(b AnswerBody) bool { return SameAnswer(got, b) }):
			c.Superseded++
		default:
			c.Different++
			example("question %s: acknowledged %s, server has %s", qid, r.Last, got)
		}
	}
	if readable {
		for qid := range saved {
			if _, ok := log.Q[qid]; !ok {
				c.Unexpected++
				example("question %s: never sent, server has %s", qid, saved[qid])
			}
		}
	}
}

// OK reports whether every acknowledged answer was found as acknowledged
// (or as a later save in doubt), and nothing was found that nobody sent.
func (c Check) OK() bool {
	return c.Missing == 0 && c.Different == 0 && c.Unverified == 0 && c.Unexpected == 0
}
