package quiz

import (
	"reflect"
	"testing"
)

// TestGIFTEscapedSeparators: an escaped "#", "=", "~", "{", "}", ":" or "\"
// is text wherever it stands, and the first unescaped "#" starts the
// feedback, as in Moodle's importer (format.php's escapedchar_pre replaces
// the escapes by placeholders before it splits anything). The case of
// issue 10: "~ \#  # feedback" is the option "#" with the feedback
// "feedback", not an empty option.
func TestGIFTEscapedSeparators(t *testing.T) {
	texts := func(q Question) []string {
		out := []string{q.Name, q.Stem, q.GeneralFeedback}
		for _, o := range q.Options {
			out = append(out, o.Text, o.Feedback)
		}
		for _, n := range q.Numbers {
			out = append(out, n.Feedback)
		}
		for _, p := range q.Pairs {
			out = append(out, p.Left, p.Right)
		}
		if q.Type == TrueFalse {
			out = append(out, q.FeedbackTrue, q.FeedbackFalse)
		}
		return out
	}
	for _, c := range []string{"#", "=", "~", "{", "}", ":", `\`} {
		e := `\` + c
		cases := []struct {
			src  string
			typ  string
			want []string // texts(q)
		}{
			{"Q {~ " + e + "  # feedback\n=right}", Single, []string{"", "Q", "", c, "feedback", "right", ""}},
			{"Q {\n\t~ " + e + "  # feedback " + e + "\n\t~%50% " + e + e + " #" + e + "\n}", Multiple, []string{"", "Q", "", c, "feedback " + c, c + c, c}},
			{"Q {= " + e + "  # feedback}", Short, []string{"", "Q", "", c, "feedback"}},
			{"Q {=a " + e + " b # " + e + " =%50%" + e + "#f}", Short, []string{"", "Q", "", "a " + c + " b", c, c, "f"}},
			{"Q {#1 # " + e + "\n~# " + e + "}", Numerical, []string{"", "Q", "", c, c}},
			{"Q {T # " + e + " # " + e + e + "}", TrueFalse, []string{"", "Q", "", c + c, c}},
			{"Q {=" + e + " -> x\n= y -> " + e + "}", Matching, []string{"", "Q", "", c, "x", "y", c}},
			{"::a" + e + "b:: Q " + e + " {T####" + e + "}", TrueFalse, []string{"a" + c + "b", "Q " + c, c, "", ""}},
		}
		for _, tc := range cases {
			qs, errs := ParseGIFT(tc.src)
			if len(errs) > 0 || len(qs) != 1 {
				t.Errorf("ParseGIFT(%q) = %d questions, errors %v", tc.src, len(qs), errs)
				continue
			}
			q := qs[0]
			if got := texts(q); q.Type != tc.typ || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseGIFT(%q) = %s %q, want %s %q", tc.src, q.Type, got, tc.typ, tc.want)
				continue
			}
			// And back: the export escapes them again.
			again, errs := ParseGIFT(ExportGIFT(qs))
			if len(errs) > 0 || len(again) != 1 || !reflect.DeepEqual(withoutIDs(again), withoutIDs(qs)) {
				t.Errorf("round trip of %q through\n%s\ngot %+v, errors %v", tc.src, ExportGIFT(qs), again, errs)
			}
		}
	}
	// An escaped backslash before "#" leaves the "#" unescaped: "\\#f" is the
	// text "\" and the feedback "f" (Moodle replaces "\\" first).
	qs, errs := ParseGIFT(`Q {~a\\#f =b}`)
	if len(errs) > 0 || len(qs) != 1 || qs[0].Options[0].Text != `a\` || qs[0].Options[0].Feedback != "f" {
		t.Errorf(`ParseGIFT("Q {~a\\#f =b}") = %+v, %v; want the option "a\" with the feedback "f"`, qs, errs)
	}
	// Any other backslash stays as it is.
	qs, errs = ParseGIFT(`Q {~\a\ #f =b}`)
	if len(errs) > 0 || len(qs) != 1 || qs[0].Options[0].Text != `\a\` {
		t.Errorf(`ParseGIFT("Q {~\a\ #f =b}") = %+v, %v; want the option "\a\"`, qs, errs)
	}
}
