package quiz

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// Fixed questions, one per type, shared by the tests and the fuzzers.
var (
	qSingle = Question{ID: "s", Type: Single, Points: 2, Options: []Option{
		{ID: "a", Text: "Palermo", Weight: 1, Feedback: "Yes."},
		{ID: "b", Text: "Vienna", Weight: 0, Feedback: "No, that is UNODC's seat."},
		{ID: "c", Text: "Geneva", Weight: -0.5, Feedback: "No."},
		{ID: "d", Text: "Half right", Weight: 0.5},
	}}
	qMultiple = Question{ID: "m", Type: Multiple, Points: 3, Options: []Option{
		{ID: "a", Text: "Act", Weight: 1.0 / 3, Feedback: "act"},
		{ID: "b", Text: "Means", Weight: 1.0 / 3, Feedback: "means"},
		{ID: "c", Text: "Purpose", Weight: 1.0 / 3, Feedback: "purpose"},
		{ID: "d", Text: "Consent", Weight: -1, Feedback: "consent is irrelevant"},
		{ID: "e", Text: "Nationality", Weight: 0},
	}}
	qTrueFalse = Question{ID: "tf", Type: TrueFalse, Points: 1, Correct: ptr(true),
		FeedbackTrue: "Right: consent is irrelevant.", FeedbackFalse: "Article 3(b) says otherwise."}
	qShort = Question{ID: "sh", Type: Short, Points: 4, Options: []Option{
		{ID: "1", Text: "Palermo Protocol", Weight: 1, Feedback: "exact"},
		{ID: "2", Text: "بروتوكول باليرمو", Weight: 1, Feedback: "arabic"},
		{ID: "3", Text: "*palermo*", Weight: 0.5, Feedback: "close"},
		{ID: "4", Text: `2 \* 3`, Weight: 1, Feedback: "literal star"},
		{ID: "5", Text: "*", Weight: 0, Feedback: "catch-all"},
	}}
	qNumerical = Question{ID: "n", Type: Numerical, Points: 2, Numbers: []NumericAnswer{
		{Value: 2000, Weight: 1, Feedback: "2000"},
		{Value: 2000, Tolerance: 1, Weight: 0.5, Feedback: "about 2000"},
		{IsRange: true, Min: 1990, Max: 2010, Weight: 0.25, Feedback: "the right decade"},
		{Value: 3.14, Tolerance: 0.01, Weight: 0.1, Feedback: "pi"},
	}}
	qMatching = Question{ID: "mt", Type: Matching, Points: 3, Pairs: []Pair{
		{ID: "1", Left: "Act", RightID: "r1", Right: "recruitment"},
		{ID: "2", Left: "Means", RightID: "r2", Right: "coercion"},
		{ID: "3", Left: "Means, too", RightID: "r2", Right: "coercion"},
		{ID: "4", Left: "", RightID: "r3", Right: "consent"}, // distractor
	}}
	qEssay       = Question{ID: "e", Type: Essay, Points: 10}
	qDescription = Question{ID: "d", Type: Description}
	fixed        = []Question{qSingle, qMultiple, qTrueFalse, qShort, qNumerical, qMatching, qEssay, qDescription}
)

func TestDecodeAnswer(t *testing.T) {
	for _, c := range []struct {
		in    string
		want  Answer
		field string // of the *AnswerError, "" for no error
	}{
		{`{"choice":"a"}`, Answer{Choice: ptr("a")}, ""},
		{` { "choices" : ["a","b"] } `, Answer{Choices: []string{"a", "b"}}, ""},
		{`{"choices":[]}`, Answer{Choices: []string{}}, ""},
		{`{"value":false}`, Answer{Value: ptr(false)}, ""},
		{`{"text":"نعم"}`, Answer{Text: ptr("نعم")}, ""},
		{`{"text":""}`, Answer{Text: ptr("")}, ""},
		{`{"number":3.5}`, Answer{Number: ptr(3.5)}, ""},
		{`{"number":-1e308}`, Answer{Number: ptr(-1e308)}, ""},
		{`{"number":1e-400}`, Answer{Number: ptr(0.0)}, ""},
		{`{"pairs":{"1":"r1","2":"r2"}}`, Answer{Pairs: map[string]string{"1": "r1", "2": "r2"}}, ""},
		{`{"pairs":{}}`, Answer{Pairs: map[string]string{}}, ""},
		{`{}`, Answer{}, ""},
		{`{"choice":"a","text":"x"}`, Answer{Choice: ptr("a"), Text: ptr("x")}, ""}, // ValidateAnswer's business

		{``, Answer{}, "body"},
		{`null`, Answer{}, "body"},
		{`[]`, Answer{}, "body"},
		{`"choice"`, Answer{}, "body"},
		{`3`, Answer{}, "body"},
		{`{"choice":"a"`, Answer{}, "body"},
		{`{"choice":"a"} {}`, Answer{}, "body"},
		{`{"choice":"a"}x`, Answer{}, "body"},
		{`{"choice":"a",}`, Answer{}, "body"},
		{`{"Choice":"a"}`, Answer{}, "Choice"},
		{`{"answer":42}`, Answer{}, "answer"},
		{`{"":42}`, Answer{}, "body"},
		{`{"choice":"a","choice":"b"}`, Answer{}, "choice"},
		{`{"choices":"x"}`, Answer{}, "choices"},
		{`{"choices":["a",1]}`, Answer{}, "choices"},
		{`{"choices":["a",null]}`, Answer{}, "choices"},
		{`{"choices":null}`, Answer{}, "choices"},
		{`{"choice":["a"]}`, Answer{}, "choice"},
		{`{"choice":null}`, Answer{}, "choice"},
		{`{"choice":1}`, Answer{}, "choice"},
		{`{"value":"true"}`, Answer{}, "value"},
		{`{"value":1}`, Answer{}, "value"},
		{`{"text":5}`, Answer{}, "text"},
		{`{"number":"1"}`, Answer{}, "number"},
		{`{"number":"1e309"}`, Answer{}, "number"},
		{`{"number":1e309}`, Answer{}, "number"},
		{`{"number":-1e309}`, Answer{}, "number"},
		{`{"number":null}`, Answer{}, "number"},
		{`{"number":true}`, Answer{}, "number"},
		{`{"number":[1]}`, Answer{}, "number"},
		{`{"number":NaN}`, Answer{}, "body"},
		{`{"pairs":[]}`, Answer{}, "pairs"},
		{`{"pairs":{"1":2}}`, Answer{}, "pairs"},
		{`{"pairs":{"1":null}}`, Answer{}, "pairs"},
		{`{"pairs":{"1":"r1","1":"r2"}}`, Answer{}, "pairs"},
	} {
		got, err := DecodeAnswer([]byte(c.in))
		if c.field == "" {
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("DecodeAnswer(%s) = %s, %v, want %s, nil", c.in, show(got), err, show(c.want))
			}
			continue
		}
		var ae *AnswerError
		if !errors.As(err, &ae) || ae.Field != c.field {
			t.Errorf("DecodeAnswer(%s) = %s, %v, want an *AnswerError on %q", c.in, show(got), err, c.field)
		}
	}
}

func show(a Answer) string {
	b, _ := json.Marshal(a)
	return string(b)
}

func TestValidateAnswer(t *testing.T) {
	long := strings.Repeat("ب", MaxShortText)
	tooMany := map[string]string{}
	for i := range MaxPairs + 1 {
		tooMany[strings.Repeat("x", i)] = "r1"
	}
	for _, c := range []struct {
		q     Question
		a     Answer
		field string // "" when valid
	}{
		{qSingle, Answer{Choice: ptr("a")}, ""},
		{qSingle, Answer{Choice: ptr("z")}, "choice"},
		{qSingle, Answer{Choice: ptr("")}, "choice"},
		{qSingle, Answer{}, "choice"},
		{qSingle, Answer{Choices: []string{"a"}}, "choices"},
		{qSingle, Answer{Choice: ptr("a"), Text: ptr("x")}, "text"},

		{qMultiple, Answer{Choices: []string{"a", "c"}}, ""},
		{qMultiple, Answer{Choices: []string{}}, ""},
		{qMultiple, Answer{Choices: []string{"a", "a"}}, "choices"},
		{qMultiple, Answer{Choices: []string{"a", "zz"}}, "choices"},
		{qMultiple, Answer{Choices: []string{"a", "b", "c", "d", "e", "a"}}, "choices"},
		{qMultiple, Answer{Number: ptr(3.0)}, "number"},
		{qMultiple, Answer{Choice: ptr("a")}, "choice"},

		{qTrueFalse, Answer{Value: ptr(false)}, ""},
		{qTrueFalse, Answer{}, "value"},
		{qTrueFalse, Answer{Text: ptr("true")}, "text"},

		{qShort, Answer{Text: ptr("Palermo")}, ""},
		{qShort, Answer{Text: ptr("")}, ""},
		{qShort, Answer{Text: ptr(long)}, ""},
		{qShort, Answer{Text: ptr(long + "x")}, "text"},
		{qShort, Answer{Text: ptr("a\x00b")}, "text"},
		{qShort, Answer{Text: ptr("a\xffb")}, "text"},
		{qShort, Answer{Choice: ptr("1")}, "choice"},

		{qNumerical, Answer{Number: ptr(2000.0)}, ""},
		{qNumerical, Answer{Number: ptr(math.NaN())}, "number"},
		{qNumerical, Answer{Number: ptr(math.Inf(-1))}, "number"},
		{qNumerical, Answer{Text: ptr("2000")}, "text"},

		{qMatching, Answer{Pairs: map[string]string{"1": "r1", "2": "r2", "3": "r3"}}, ""},
		{qMatching, Answer{Pairs: map[string]string{}}, ""},
		{qMatching, Answer{Pairs: map[string]string{"4": "r3"}}, "pairs"}, // a distractor has no left item
		{qMatching, Answer{Pairs: map[string]string{"1": "r9"}}, "pairs"},
		{qMatching, Answer{Pairs: map[string]string{"r1": "1"}}, "pairs"},
		{qMatching, Answer{Pairs: map[string]string{"1": ""}}, "pairs"},
		{qMatching, Answer{Pairs: tooMany}, "pairs"},
		{qMatching, Answer{}, "pairs"},

		{qEssay, Answer{Text: ptr(strings.Repeat("é", MaxEssayText))}, ""},
		{qEssay, Answer{Text: ptr(strings.Repeat("é", MaxEssayText+1))}, "text"},
		{qEssay, Answer{Choice: ptr("a")}, "choice"},

		{qDescription, Answer{}, "body"},
		{qDescription, Answer{Text: ptr("x")}, "body"},
		{Question{Type: "poll"}, Answer{Text: ptr("x")}, "body"},
	} {
		err := ValidateAnswer(c.q, c.a)
		if c.field == "" {
			if err != nil {
				t.Errorf("ValidateAnswer(%s, %s) = %v, want nil", c.q.Type, show(c.a), err)
			}
			continue
		}
		var ae *AnswerError
		if !errors.As(err, &ae) || ae.Field != c.field {
			t.Errorf("ValidateAnswer(%s, %s) = %v, want an *AnswerError on %q", c.q.Type, show(c.a), err, c.field)
		}
	}
}

// TestValidateAnswerDeterministic: the error on a map of pairs does not
// depend on the map's order.
func TestValidateAnswerDeterministic(t *testing.T) {
	a := Answer{Pairs: map[string]string{"1": "r9", "2": "r8", "x": "r1", "3": "r7"}}
	first := ValidateAnswer(qMatching, a).Error()
	for range 50 {
		if got := ValidateAnswer(qMatching, a).Error(); got != first {
			t.Fatalf("ValidateAnswer(matching, %s) = %q, then %q", show(a), first, got)
		}
	}
}

func FuzzDecodeAnswer(f *testing.F) {
	for _, s := range []string{
		`{"choice":"a"}`, `{"choices":["a","b"]}`, `{"value":true}`, `{"text":"x"}`, `{"number":1e308}`,
		`{"pairs":{"1":"r1"}}`, `{"number":"1e309"}`, `{"choices":"x"}`, `null`, `{"a":{"b":[1,2,{"c":null}]}}`,
		`{"":0`, // found by fuzzing: the empty key named no field
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := DecodeAnswer(raw)
		if err != nil {
			var ae *AnswerError
			if !errors.As(err, &ae) || ae.Field == "" {
				t.Fatalf("DecodeAnswer(%q) = %v, want an *AnswerError naming a field", raw, err)
			}
			if !reflect.DeepEqual(a, Answer{}) {
				t.Fatalf("DecodeAnswer(%q) = %s with error %v, want an empty answer", raw, show(a), err)
			}
			return
		}
		if a.Number != nil && (math.IsNaN(*a.Number) || math.IsInf(*a.Number, 0)) {
			t.Fatalf("DecodeAnswer(%q) = %s: number not finite", raw, show(a))
		}
		// What it accepts, it accepts again once encoded.
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", show(a), err)
		}
		if _, err := DecodeAnswer(b); err != nil {
			t.Fatalf("DecodeAnswer(%q) = %v after DecodeAnswer(%q) succeeded", b, err, raw)
		}
	})
}
