package quiz

// Answer bodies: strict JSON decoding (DecodeAnswer) and checking against the
// question they answer (ValidateAnswer). Both return an *AnswerError naming
// the field at fault, so that the API can answer 400 with it.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"tadrib/internal/web"
)

// Limits of answer bodies.
const (
	MaxShortText = 10_000 // characters of a short answer
	MaxEssayText = 50_000 // characters of an essay
	MaxPairs     = 200    // pairs of a matching answer
)

// AnswerError says which field of an answer body is wrong and why. Field is
// one of choice, choices, value, text, number, pairs, body (the body as a
// whole), or, for an unknown key, that key.
type AnswerError struct {
	Field  string
	Reason string
}

func (e *AnswerError) Error() string { return e.Field + ": " + e.Reason }

// Report is a 400 naming the field (web.Reporter).
func (e *AnswerError) Report() *web.Error {
	return web.Invalid(web.FieldError{Field: e.Field, Message: e.Reason})
}

func answerErr(field, format string, args ...any) *AnswerError {
	return &AnswerError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// answerFields are the JSON keys of Answer, in the order errors report them.
var answerFields = []string{"choice", "choices", "value", "text", "number", "pairs"}

// fieldFor is the one answer field each question type takes.
var fieldFor = map[string]string{
	Single:    "choice",
	Multiple:  "choices",
	TrueFalse: "value",
	Short:     "text",
	Numerical: "number",
	Matching:  "pairs",
	Essay:     "text",
}

// set says whether the answer field named by a JSON key is present.
func (a *Answer) set(field string) bool {
	switch field {
	case "choice":
		return a.Choice != nil
	case "choices":
		return a.Choices != nil
	case "value":
		return a.Value != nil
	case "text":
		return a.Text != nil
	case "number":
		return a.Number != nil
	case "pairs":
		return a.Pairs != nil
	}
	return false
}

// ValidateAnswer checks that an answer body fits its question: exactly the
// field of the question's type is set, the ids it names exist in q, numbers
// are finite and texts within their limits. It returns nil or an
// *AnswerError. An empty list of choices or map of pairs is a valid (empty)
// answer; a description takes no answer at all.
func ValidateAnswer(q Question, a Answer) error {
	if q.Type == Description {
		return answerErr("body", "a description takes no answer")
	}
	want, ok := fieldFor[q.Type]
	if !ok {
		return answerErr("body", "unknown question type %q", q.Type)
	}
	for _, f := range answerFields {
		if f != want && a.set(f) {
			return answerErr(f, "not accepted by a %s question (send %s)", q.Type, want)
		}
	}
	if !a.set(want) {
		return answerErr(want, "required")
	}

	switch q.Type {
	case Single:
		if !hasOption(q, *a.Choice) {
			return answerErr("choice", "unknown option %q", bound(*a.Choice))
		}
	case Multiple:
		if len(a.Choices) > len(q.Options) {
			return answerErr("choices", "more choices (%d) than options (%d)", len(a.Choices), len(q.Options))
		}
		seen := make(map[string]bool, len(a.Choices))
		for _, c := range a.Choices {
			if seen[c] {
				return answerErr("choices", "option %q chosen twice", bound(c))
			}
			seen[c] = true
			if !hasOption(q, c) {
				return answerErr("choices", "unknown option %q", bound(c))
			}
		}
	case TrueFalse:
		// A boolean is a boolean.
	case Short, Essay:
		limit := MaxShortText
		if q.Type == Essay {
			limit = MaxEssayText
		}
		return checkText(*a.Text, limit)
	case Numerical:
		if math.IsNaN(*a.Number) || math.IsInf(*a.Number, 0) {
			return answerErr("number", "must be a finite number")
		}
	case Matching:
		if len(a.Pairs) > MaxPairs {
			return answerErr("pairs", "more than %d pairs", MaxPairs)
		}
		lefts := map[string]bool{}
		rights := map[string]bool{}
		for _, p := range q.Pairs {
			if p.Left != "" && p.ID != "" {
				lefts[p.ID] = true
			}
			if p.RightID != "" {
				rights[p.RightID] = true
			}
		}
		// Report the smallest bad key, so that the error does not depend on
		// the map's iteration order.
		bad := ""
		var badErr *AnswerError
		for l, r := range a.Pairs {
			var e *AnswerError
			switch {
			case !lefts[l]:
				e = answerErr("pairs", "unknown left item %q", bound(l))
			case !rights[r]:
				e = answerErr("pairs", "unknown right item %q for %q", bound(r), bound(l))
			default:
				continue
			}
			if badErr == nil || l < bad {
				bad, badErr = l, e
			}
		}
		if badErr != nil {
			return badErr
		}
	}
	return nil
}

func hasOption(q Question, id string) bool {
	_, ok := option(q, id)
	return ok
}

// checkText limits a text's length in characters and refuses what
// PostgreSQL cannot store (invalid UTF-8, NUL).
func checkText(s string, limit int) error {
	if !utf8.ValidString(s) {
		return answerErr("text", "not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return answerErr("text", "contains a NUL character")
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return answerErr("text", "too long: %d characters, at most %d", n, limit)
	}
	return nil
}

// DecodeAnswer decodes an answer body strictly: a JSON object whose keys are
// among choice, choices, value, text, number, pairs (exact case, each at most
// once), each of its JSON type (choice and text strings, choices an array of
// strings, value a boolean, number a JSON number that fits a float64, pairs
// an object of strings); null is refused. Errors are *AnswerError: Field is
// the key at fault, or "body" when the body is not one JSON object.
// Whether the answer fits a question is ValidateAnswer's business.
func DecodeAnswer(raw []byte) (Answer, error) {
	var a Answer
	seen := map[string]bool{}
	err := eachMember(raw, "body", func(key string, val json.RawMessage) error {
		if seen[key] {
			return answerErr(fieldName(key), "given twice")
		}
		seen[key] = true
		switch key {
		case "choice":
			var s string
			if err := decodeValue(key, val, &s, "a string"); err != nil {
				return err
			}
			a.Choice = &s
		case "choices":
			var ps []*string
			if err := decodeValue(key, val, &ps, "an array of strings"); err != nil {
				return err
			}
			a.Choices = make([]string, len(ps))
			for i, p := range ps {
				if p == nil {
					return answerErr(key, "must be an array of strings, not null")
				}
				a.Choices[i] = *p
			}
		case "value":
			var b bool
			if err := decodeValue(key, val, &b, "true or false"); err != nil {
				return err
			}
			a.Value = &b
		case "text":
			var s string
			if err := decodeValue(key, val, &s, "a string"); err != nil {
				return err
			}
			a.Text = &s
		case "number":
			x, err := decodeNumber(val)
			if err != nil {
				return err
			}
			a.Number = &x
		case "pairs":
			a.Pairs = map[string]string{}
			return eachMember(val, key, func(l string, r json.RawMessage) error {
				if _, dup := a.Pairs[l]; dup {
					return answerErr(key, "left item %q given twice", bound(l))
				}
				var s string
				if err := decodeValue(key, r, &s, "an object of strings"); err != nil {
					return err
				}
				a.Pairs[l] = s
				return nil
			})
		default:
			return answerErr(fieldName(key), "unknown field %q", bound(key))
		}
		return nil
	})
	if err != nil {
		return Answer{}, err
	}
	return a, nil
}

// fieldName is the Field of an error on a client's key: the key, bounded,
// or "body" for the empty key.
func fieldName(key string) string {
	if key == "" {
		return "body"
	}
	return bound(key)
}

// bound shortens a client's string before it goes into an error.
func bound(s string) string {
	const max = 64
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// eachMember calls fn with each member of the JSON object raw, in order;
// anything else than one JSON object is an error on field.
func eachMember(raw []byte, field string, fn func(key string, val json.RawMessage) error) error {
	notObject := answerErr(field, "must be a JSON object")
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return syntaxErr(field, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return notObject
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxErr(field, err)
		}
		key, ok := tok.(string)
		if !ok { // the decoder only gives a string here
			return notObject
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return syntaxErr(field, err)
		}
		if err := fn(key, val); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return syntaxErr(field, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return answerErr(field, "unexpected data after the JSON object")
	}
	return nil
}

func syntaxErr(field string, err error) *AnswerError {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return answerErr(field, "truncated JSON")
	}
	return answerErr(field, "invalid JSON: %v", err)
}

// decodeValue decodes one member's value into dst, which must have the JSON
// type want describes; null is refused.
func decodeValue(field string, val json.RawMessage, dst any, want string) error {
	if string(bytes.TrimSpace(val)) == "null" {
		return answerErr(field, "must be %s, not null", want)
	}
	if err := json.Unmarshal(val, dst); err != nil {
		return answerErr(field, "must be %s", want)
	}
	return nil
}

// decodeNumber reads a JSON number (not a string holding one) that fits a
// float64; one too small for a float64 is 0.
func decodeNumber(val json.RawMessage) (float64, error) {
	v := bytes.TrimSpace(val)
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return 0, answerErr("number", "must be a JSON number")
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, answerErr("number", "must be a JSON number")
	}
	x, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !(errors.Is(err, strconv.ErrRange) && x == 0) || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, answerErr("number", "out of range")
	}
	return x, nil
}
