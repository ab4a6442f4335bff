package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tadrib/quiz"
)

func items(ids ...string) []ItemView {
	out := make([]ItemView, len(ids))
	for i, id := range ids {
		out[i] = ItemView{ID: id, Text: "t" + id}
	}
	return out
}

func sp(s string) *string     { return &s }
func bp(b bool) *bool         { return &b }
func fp(f float64) *float64   { return &f }
func ab(s string) *AnswerBody { var a AnswerBody; _ = json.Unmarshal([]byte(s), &a); return &a }

// serverQuestion is the server's view of q, for its validator: the option
// and item ids are those the attempt shows.
func serverQuestion(q QuestionView) quiz.Question {
	sq := quiz.Question{ID: q.ID, Type: q.Type}
	for _, o := range q.Options {
		sq.Options = append(sq.Options, quiz.Option{ID: o.ID, Text: o.Text})
	}
	for i, l := range q.Left {
		sq.Pairs = append(sq.Pairs, quiz.Pair{ID: l.ID, Left: l.Text, RightID: q.Right[i%len(q.Right)].ID})
	}
	for _, r := range q.Right {
		sq.Pairs = append(sq.Pairs, quiz.Pair{RightID: r.ID, Right: r.Text})
	}
	return sq
}

func TestMakeAnswer(t *testing.T) {
	tests := []struct {
		name  string
		q     QuestionView
		k     int
		want  string // the body as JSON; "" when no answer
		field string // the one field that must be set
	}{
		{"single first", QuestionView{ID: "q", Type: "single", Options: items("a", "b", "c")}, 0, `{"choice":"a"}`, "choice"},
		{"single cycles", QuestionView{ID: "q", Type: "single", Options: items("a", "b", "c")}, 4, `{"choice":"b"}`, "choice"},
		{"multiple k=0", QuestionView{ID: "q", Type: "multiple", Options: items("a", "b", "c")}, 0, `{"choices":["a"]}`, "choices"},
		{"multiple k=2", QuestionView{ID: "q", Type: "multiple", Options: items("a", "b", "c")}, 2, `{"choices":["a","b"]}`, "choices"},
		{"multiple one option", QuestionView{ID: "q", Type: "multiple", Options: items("a")}, 7, `{"choices":["a"]}`, "choices"},
		{"true", QuestionView{ID: "q", Type: "true_false"}, 0, `{"value":true}`, "value"},
		{"false", QuestionView{ID: "q", Type: "true_false"}, 1, `{"value":false}`, "value"},
		{"short", QuestionView{ID: "q", Type: "short"}, 3, `{"text":"réponse n° 3 — إجابة 3"}`, "text"},
		{"essay", QuestionView{ID: "q", Type: "essay"}, 0, `{"text":"réponse n° 0 — إجابة 0"}`, "text"},
		{"numerical", QuestionView{ID: "q", Type: "numerical"}, 2, `{"number":2.25}`, "number"},
		{"numerical negative", QuestionView{ID: "q", Type: "numerical"}, 1, `{"number":-1.25}`, "number"},
		{"matching", QuestionView{ID: "q", Type: "matching", Left: items("l1", "l2"), Right: items("r1", "r2", "r3")}, 1,
			`{"pairs":{"l1":"r2","l2":"r3"}}`, "pairs"},
		{"description", QuestionView{ID: "q", Type: "description"}, 0, "", ""},
		{"single without options", QuestionView{ID: "q", Type: "single"}, 0, "", ""},
		{"unknown type", QuestionView{ID: "q", Type: "cloze"}, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := MakeAnswer(tc.q, tc.k)
			if tc.want == "" {
				if ok {
					t.Fatalf("MakeAnswer = %s, want no answer", a)
				}
				return
			}
			if !ok {
				t.Fatal("no answer")
			}
			if !SameAnswer(a, *ab(tc.want)) {
				t.Errorf("MakeAnswer = %s, want %s", a, tc.want)
			}
			raw, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			_ = json.Unmarshal(raw, &m)
			if _, set := m[tc.field]; len(m) != 1 || !set {
				t.Errorf("body %s: want exactly the field %q", raw, tc.field)
			}
			// The server's own decoder and validator accept it.
			dec, err := quiz.DecodeAnswer(raw)
			if err != nil {
				t.Fatalf("server's DecodeAnswer(%s): %v", raw, err)
			}
			if err := quiz.ValidateAnswer(serverQuestion(tc.q), dec); err != nil {
				t.Errorf("server's ValidateAnswer(%s): %v", raw, err)
			}
		})
	}
}

// Successive saves to one question differ, so a lost overwrite shows.
func TestMakeAnswerVaries(t *testing.T) {
	qs := []QuestionView{
		{ID: "s", Type: "single", Options: items("a", "b", "c", "d")},
		{ID: "m", Type: "multiple", Options: items("a", "b", "c", "d")},
		{ID: "t", Type: "true_false"},
		{ID: "x", Type: "short"},
		{ID: "n", Type: "numerical"},
		{ID: "p", Type: "matching", Left: items("l1", "l2", "l3"), Right: items("r1", "r2", "r3")},
	}
	for _, q := range qs {
		for k := range 50 {
			a, _ := MakeAnswer(q, k)
			b, _ := MakeAnswer(q, k+1)
			if SameAnswer(a, b) {
				t.Errorf("%s: answers %d and %d are both %s", q.Type, k, k+1, a)
			}
			if q.Type == "multiple" && len(a.Choices) == 0 {
				t.Errorf("multiple: answer %d is empty", k)
			}
		}
	}
}

func TestAnswerBodyJSON(t *testing.T) {
	tests := []struct {
		in   AnswerBody
		want string
	}{
		{AnswerBody{Choice: sp("a")}, `{"choice":"a"}`},
		{AnswerBody{Choices: []string{}}, `{"choices":[]}`},
		{AnswerBody{Choices: []string{"a", "b"}}, `{"choices":["a","b"]}`},
		{AnswerBody{Value: bp(false)}, `{"value":false}`},
		{AnswerBody{Text: sp("")}, `{"text":""}`},
		{AnswerBody{Number: fp(0)}, `{"number":0}`},
		{AnswerBody{Pairs: map[string]string{}}, `{"pairs":{}}`},
		{AnswerBody{Pairs: map[string]string{"l": "r"}}, `{"pairs":{"l":"r"}}`},
		{AnswerBody{}, `{}`},
	}
	for _, tc := range tests {
		got, err := json.Marshal(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("Marshal(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
		if back := *ab(string(got)); !SameAnswer(back, tc.in) {
			t.Errorf("%s does not read back as %s", got, tc.in)
		}
	}
}

func TestMakeAnswerEmpty(t *testing.T) {
	qs := []QuestionView{
		{ID: "m", Type: "multiple", Options: items("a", "b", "c")},
		{ID: "p", Type: "matching", Left: items("l1", "l2"), Right: items("r1", "r2")},
		{ID: "s", Type: "single", Options: items("a", "b")},
	}
	for _, q := range qs {
		for k := range 12 {
			a, ok := MakeAnswerEmpty(q, k)
			if !ok {
				t.Fatalf("%s: no answer", q.Type)
			}
			empty := (a.Choices != nil && len(a.Choices) == 0) || (a.Pairs != nil && len(a.Pairs) == 0)
			want := k%EmptyEvery == EmptyEvery-1 && q.Type != "single"
			if empty != want {
				t.Errorf("%s k=%d: %s, empty %t, want %t", q.Type, k, a, empty, want)
			}
			raw, _ := json.Marshal(a)
			dec, err := quiz.DecodeAnswer(raw)
			if err == nil {
				err = quiz.ValidateAnswer(serverQuestion(q), dec)
			}
			if err != nil {
				t.Errorf("%s k=%d: the server refuses %s: %v", q.Type, k, raw, err)
			}
		}
	}
}

func TestSameAnswer(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{`{"choice":"a"}`, `{"choice":"a"}`, true},
		{`{"choice":"a"}`, `{"choice":"b"}`, false},
		{`{"choices":["a","b"]}`, `{"choices":["b","a"]}`, true},
		{`{"choices":["a","b"]}`, `{"choices":["a"]}`, false},
		{`{"choices":["a","a"]}`, `{"choices":["a","b"]}`, false},
		{`{"choices":["a"]}`, `{"choice":"a"}`, false},
		{`{"value":true}`, `{"value":true}`, true},
		{`{"value":true}`, `{"value":false}`, false},
		{`{"text":"réponse"}`, `{"text":"réponse"}`, true},
		{`{"text":"réponse"}`, `{"text":"reponse"}`, false},
		{`{"text":""}`, `{}`, false},
		{`{"number":2.25}`, `{"number":2.250}`, true},
		{`{"number":2.25}`, `{"number":2.5}`, false},
		{`{"number":0}`, `{}`, false},
		{`{"pairs":{"l1":"r1","l2":"r2"}}`, `{"pairs":{"l2":"r2","l1":"r1"}}`, true},
		{`{"pairs":{"l1":"r1"}}`, `{"pairs":{"l1":"r2"}}`, false},
		{`{"pairs":{"l1":"r1"}}`, `{"pairs":{"l1":"r1","l2":"r2"}}`, false},
		{`{}`, `{}`, true},
		{`{"choices":[]}`, `{"choices":[]}`, true},
		{`{"choices":[]}`, `{}`, false},
		{`{"pairs":{}}`, `{"pairs":{}}`, true},
		{`{"pairs":{}}`, `{}`, false},
	}
	for _, tc := range tests {
		if got := SameAnswer(*ab(tc.a), *ab(tc.b)); got != tc.same {
			t.Errorf("SameAnswer(%s, %s) = %t, want %t", tc.a, tc.b, got, tc.same)
		}
		if got := SameAnswer(*ab(tc.b), *ab(tc.a)); got != tc.same {
			t.Errorf("SameAnswer(%s, %s) = %t, want %t", tc.b, tc.a, got, tc.same)
		}
	}
}

func TestCheck(t *testing.T) {
	type save struct {
		qid  string
		body string
		ack  bool // 204; else in doubt
	}
	tests := []struct {
		name     string
		saves    []save
		saved    map[string]string // what the server gives back
		readable bool
		want     Check
		ok       bool
	}{
		{name: "all found", readable: true, ok: true,
			saves: []save{{"q1", `{"choice":"a"}`, true}, {"q2", `{"value":true}`, true}},
			saved: map[string]string{"q1": `{"choice":"a"}`, "q2": `{"value":true}`},
			want:  Check{Acknowledged: 2, Found: 2}},
		{name: "the last 204 counts", readable: true, ok: true,
			saves: []save{{"q1", `{"choice":"a"}`, true}, {"q1", `{"choice":"b"}`, true}},
			saved: map[string]string{"q1": `{"choice":"b"}`},
			want:  Check{Acknowledged: 1, Found: 1}},
		{name: "an earlier value is a lost overwrite", readable: true,
			saves: []save{{"q1", `{"choice":"a"}`, true}, {"q1", `{"choice":"b"}`, true}},
			saved: map[string]string{"q1": `{"choice":"a"}`},
			want:  Check{Acknowledged: 1, Different: 1}},
		{name: "missing", readable: true,
			saves: []save{{"q1", `{"choice":"a"}`, true}, {"q2", `{"number":1.25}`, true}},
			saved: map[string]string{"q1": `{"choice":"a"}`},
			want:  Check{Acknowledged: 2, Found: 1, Missing: 1}},
		{name: "choices as sets", readable: true, ok: true,
			saves: []save{{"q1", `{"choices":["x","y"]}`, true}},
			saved: map[string]string{"q1": `{"choices":["y","x"]}`},
			want:  Check{Acknowledged: 1, Found: 1}},
		{name: "a later save in doubt may win", readable: true, ok: true,
			saves: []save{{"q1", `{"text":"a"}`, true}, {"q1", `{"text":"b"}`, false}},
			saved: map[string]string{"q1": `{"text":"b"}`},
			want:  Check{Acknowledged: 1, Superseded: 1}},
		{name: "a later save in doubt may be lost", readable: true, ok: true,
			saves: []save{{"q1", `{"text":"a"}`, true}, {"q1", `{"text":"b"}`, false}},
			saved: map[string]string{"q1": `{"text":"a"}`},
			want:  Check{Acknowledged: 1, Found: 1}},
		{name: "an earlier save in doubt is no excuse", readable: true,
			saves: []save{{"q1", `{"text":"old"}`, false}, {"q1", `{"text":"a"}`, true}},
			saved: map[string]string{"q1": `{"text":"old"}`},
			want:  Check{Acknowledged: 1, Different: 1}},
		{name: "only in doubt, saved", readable: true, ok: true,
			saves: []save{{"q1", `{"text":"a"}`, false}},
			saved: map[string]string{"q1": `{"text":"a"}`},
			want:  Check{ExtraSaved: 1}},
		{name: "never sent", readable: true,
			saves: []save{{"q1", `{"text":"a"}`, true}},
			saved: map[string]string{"q1": `{"text":"a"}`, "q9": `{"value":false}`},
			want:  Check{Acknowledged: 1, Found: 1, Unexpected: 1}},
		{name: "unreadable attempt",
			saves: []save{{"q1", `{"text":"a"}`, true}, {"q2", `{"text":"a"}`, false}},
			want:  Check{Acknowledged: 1, Unverified: 1}},
		{name: "wrong type back", readable: true,
			saves: []save{{"q1", `{"choices":["a"]}`, true}},
			saved: map[string]string{"q1": `{"choice":"a"}`},
			want:  Check{Acknowledged: 1, Different: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log := NewAckLog()
			for _, s := range tc.saves {
				if s.ack {
					log.Acked(s.qid, *ab(s.body))
				} else {
					log.Unknown(s.qid, *ab(s.body))
				}
			}
			var saved map[string]AnswerBody
			if tc.saved != nil {
				saved = map[string]AnswerBody{}
				for q, b := range tc.saved {
					saved[q] = *ab(b)
				}
			}
			var c Check
			c.Add("7", log, saved, tc.readable)
			if log.AckedCount() != tc.want.Acknowledged {
				t.Errorf("AckedCount = %d, want %d", log.AckedCount(), tc.want.Acknowledged)
			}
			if c.OK() != tc.ok {
				t.Errorf("OK = %t, want %t (%+v)", c.OK(), tc.ok, c)
			}
			c.Examples = nil
			if !reflect.DeepEqual(c, tc.want) {
				t.Errorf("Check = %+v, want %+v", c, tc.want)
			}
		})
	}
}

// The generated bank imports: the server's own parser reads every question,
// with the type the generator meant.
func TestGenerateGIFT(t *testing.T) {
	for _, n := range []int{1, 6, 20, 37} {
		text, counts := GenerateGIFT(n)
		qs, errs := quiz.ParseGIFT(text)
		if len(errs) > 0 {
			t.Fatalf("n=%d: %v", n, errs)
		}
		if len(qs) != n {
			t.Fatalf("n=%d: %d questions parsed", n, len(qs))
		}
		got := map[string]int{}
		for i, q := range qs {
			got[q.Type]++
			if want := giftTypes[i%len(giftTypes)]; q.Type != want {
				t.Errorf("n=%d: question %d is %s, want %s", n, i+1, q.Type, want)
			}
		}
		for typ, c := range counts {
			if got[typ] != c {
				t.Errorf("n=%d: %d %s questions, counted %d", n, got[typ], typ, c)
			}
		}
		if n >= 6 && len(counts) != 6 {
			t.Errorf("n=%d: types %v, want all six", n, counts)
		}
	}
	text, _ := GenerateGIFT(6)
	if !strings.Contains(text, "القانون") || !slices.Contains(giftTypes, "matching") {
		t.Error("the bank should hold Arabic text and a matching question")
	}
}

func TestRetryBackoff(t *testing.T) {
	p := RetryPolicy{Attempts: 10, Window: 10e9, Base: 100e6, Cap: 2e9}
	for n := 1; n <= 30; n++ {
		d := p.backoff(n, 0)
		full := min(p.Base<<min(n-1, 20), p.Cap)
		if d < full/2 || d > full {
			t.Errorf("backoff(%d) = %s, want in [%s, %s]", n, d, full/2, full)
		}
	}
	if d := p.backoff(1, 3e9); d != 3e9 {
		t.Errorf("backoff with Retry-After 3s = %s", d)
	}
}
