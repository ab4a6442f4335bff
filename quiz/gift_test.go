package quiz

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func bptr(b bool) *bool { return &b }

// withoutIDs copies questions without their ids and lines, which a round
// trip may change.
func withoutIDs(qs []Question) []Question {
	out := make([]Question, len(qs))
	for i, q := range qs {
		q.ID, q.Line = "", 0
		q.Options = append([]Option(nil), q.Options...)
		for j := range q.Options {
			q.Options[j].ID = ""
		}
		q.Pairs = append([]Pair(nil), q.Pairs...)
		for j := range q.Pairs {
			q.Pairs[j].ID, q.Pairs[j].RightID = "", ""
		}
		q.Numbers = append([]NumericAnswer(nil), q.Numbers...)
		out[i] = q
	}
	return out
}

func readGIFT(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffQuestions reports the first difference between two question lists.
func diffQuestions(t *testing.T, got, want []Question) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d questions, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("question %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

var catchAll = NumericAnswer{IsRange: true, Min: -math.MaxFloat64, Max: math.MaxFloat64}

// TestParseGIFTMoodleFixtures reads Moodle's own GIFT test fixtures and
// checks what testdata/moodle-gift/README.md says Moodle imports.
func TestParseGIFTMoodleFixtures(t *testing.T) {
	wrongFeedback := catchAll
	wrongFeedback.Feedback = "Completely wrong"
	tests := []struct {
		file string
		want []Question
	}{
		{"moodle-gift/questions.gift.txt", []Question{
			{Line: 2, Type: Essay, Name: "Q8", Format: FormatMoodle, Stem: "How are you?", Points: 1},
			{Line: 5, Type: Matching, Name: "Moodle activities", Format: FormatHTML, Points: 1,
				Stem: "Match the <b>activity</b> to the description.",
				Pairs: []Pair{
					{ID: "1", Left: "An activity supporting asynchronous discussions.", RightID: "r1", Right: "Forum"},
					{ID: "2", Left: "A teacher asks a question and specifies a choice of multiple responses.", RightID: "r2", Right: "Choice"},
					{ID: "3", Left: "A bank of record entries which participants can add to.", RightID: "r3", Right: "Database"},
					{ID: "4", Left: "A collection of web pages that anyone can add to or edit.", RightID: "r4", Right: "Wiki"},
					{ID: "5", Left: "", RightID: "r5", Right: "Chat"}, // the distractor "= -> Chat"
				}},
			{Line: 14, Type: Single, Name: "Q2", Format: FormatMoodle, Points: 1,
				Stem: "What's between orange and green in the spectrum?",
				Options: []Option{
					{ID: "1", Text: "yellow", Weight: 1, Feedback: "right; good!"},
					{ID: "2", Text: "red", Weight: 0, Feedback: "wrong, it's yellow"},
					{ID: "3", Text: "blue", Weight: 0, Feedback: "wrong, it's yellow"},
				}},
			{Line: 22, Type: Multiple, Name: "colours", Format: FormatMoodle, Points: 1,
				Stem: "What's between orange and green in the spectrum?",
				Options: []Option{
					{ID: "1", Text: "yellow", Weight: 0.5, Feedback: "right; good!"},
					{ID: "2", Text: "red", Weight: -1, Feedback: "wrong"},
					{ID: "3", Text: "off-beige", Weight: 0.5, Feedback: "right; good!"},
					{ID: "4", Text: "blue", Weight: -1, Feedback: "wrong"},
				}},
			{Line: 31, Type: Numerical, Name: "Q5", Format: FormatMoodle, Points: 1,
				Stem: "What is a number from 1 to 5?", StemAfter: `";`,
				Numbers: []NumericAnswer{{Value: 3, Tolerance: 2, Weight: 1}, wrongFeedback}},
			{Line: 34, Type: Short, Name: "Shortanswer", Format: FormatMoodle, Points: 1,
				Stem: "Which is the best animal?",
				Options: []Option{
					{ID: "1", Text: "Frog", Weight: 1, Feedback: "Good!"},
					{ID: "2", Text: "Cat", Weight: 0.5, Feedback: "What is it with Moodlers and cats?"},
					{ID: "3", Text: "*", Weight: 0, Feedback: "Completely wrong"},
				}},
			// {FALSE#wrong#right}: the first feedback is shown to a trainee
			// answering true (wrong), the second to one answering false.
			{Line: 41, Type: TrueFalse, Name: "Q1", Format: FormatMoodle, Points: 1,
				Stem: "42 is the Absolute Answer to everything.", StemAfter: `";`,
				Correct: bptr(false), FeedbackTrue: "42 is the Ultimate Answer.", FeedbackFalse: "You gave the right answer.",
				GeneralFeedback: "This is, of course, a Hitchiker's Guide to the Galaxy reference."},
			{Line: 46, Type: TrueFalse, Name: "2-08 TSL", Format: FormatMoodle, Points: 1, Stem: "TSL is blablabla.", Correct: bptr(true)},
			{Line: 49, Type: TrueFalse, Name: "2-08 TSL", Format: FormatMoodle, Points: 1, Stem: "TSL is blablabla.", Correct: bptr(true)},
		}},
		{"moodle-gift/questions_in_category.gift.txt", []Question{
			{Line: 5, Type: Matching, Name: "Moodle activities", Category: "$course$/Default for New Features", Format: FormatHTML, Points: 1,
				Stem: "Match the activity to the description.",
				Pairs: []Pair{
					{ID: "1", Left: "An activity supporting asynchronous discussions.", RightID: "r1", Right: "Forum"},
					{ID: "2", Left: "A teacher asks a question and specifies a choice of multiple responses.", RightID: "r2", Right: "Choice"},
					{ID: "3", Left: "A bank of record entries which participants can add to.", RightID: "r3", Right: "Database"},
					{ID: "4", Left: "A collection of web pages that anyone can add to or edit.", RightID: "r4", Right: "Wiki"},
					{ID: "5", Left: "", RightID: "r5", Right: "Chat"},
				}},
			{Line: 14, Type: Single, Name: "Greeting", Category: "$course$/Default for New Features", Format: FormatHTML, Points: 1,
				Stem: `<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a><br /><br />What language is being spoken?`,
				Options: []Option{
					{ID: "1", Text: "English", Weight: 0, Feedback: "Sorry, listen again."},
					{ID: "2", Text: "French", Weight: 1, Feedback: "Yes, well done!"},
					{ID: "3", Text: "German", Weight: 0, Feedback: "Sorry, listen again."},
					{ID: "4", Text: "Spanish", Weight: 0, Feedback: "Sorry, listen again."},
				}},
			{Line: 22, Type: Short, Name: "Moodle user", Category: "$course$/Default for New Features", Format: FormatHTML, Points: 1,
				Stem:    "Anyone who uses Moodle is a ...",
				Options: []Option{{ID: "1", Text: "Moodler", Weight: 1}}},
			{Line: 27, Type: TrueFalse, Name: "Moodle acronym", Category: "$course$/Default for New Features", Format: FormatHTML, Points: 1,
				Stem:    `Moodle is an acronym for <span style="font-style: italic;">Modular Object-Oriented Dynamic Learning Environment</span>.`,
				Correct: bptr(true)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, errs := ParseGIFT(readGIFT(t, tt.file))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			diffQuestions(t, got, tt.want)

			// And back: Tadrib's export reads as the same questions.
			again, errs := ParseGIFT(ExportGIFT(got))
			if len(errs) > 0 {
				t.Fatalf("errors reading the export: %v", errs)
			}
			diffQuestions(t, withoutIDs(again), withoutIDs(got))
		})
	}
}

// TestGIFTEveryFeature reads a file using every feature, checks it, and
// checks that its export reads back to the same questions.
func TestGIFTEveryFeature(t *testing.T) {
	src := readGIFT(t, "gift/every_feature.gift.txt")
	qs, errs := ParseGIFT(src)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var types []string
	for _, q := range qs {
		types = append(types, q.Type)
	}
	wantTypes := []string{Single, Multiple, TrueFalse, TrueFalse, TrueFalse, Short, Single, TrueFalse, Short, Matching,
		Numerical, Numerical, Numerical, Numerical, Essay, Essay, Description, Single,
		Single, TrueFalse, Short, Matching, Description, Single}
	if !reflect.DeepEqual(types, wantTypes) {
		t.Fatalf("types\n got %v\nwant %v", types, wantTypes)
	}
	byName := map[string]Question{}
	for _, q := range qs {
		byName[q.Name] = q
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"category", byName["Palermo"].Category, "top/Définitions"},
		{"arabic category", byName["تعريف"].Category, "top/التعريفات"},
		{"markdown", byName["Elements"].Format, FormatMarkdown},
		{"plain", byName["TF false"].Format, FormatPlain},
		{"html", byName["Matching"].Format, FormatHTML},
		{"moodle marker", byName["moodle marker"].Format, FormatMoodle},
		{"moodle marker stem", byName["moodle marker"].Stem, "Auto-format text after a [moodle] marker."},
		{"default format", byName["Palermo"].Format, FormatMoodle},
		{"negative weight", byName["Palermo"].Options[2].Weight, -0.25},
		{"marker in feedback dropped", byName["Palermo"].Options[2].Feedback, "<b>No</b>, that is humanitarian law."},
		{"general feedback", byName["Palermo"].GeneralFeedback, "See **Article 3** of the Protocol."},
		{"decimal weight", byName["Elements"].Options[2].Weight, 0.3333334},
		{"false feedback true", byName["TF false"].FeedbackTrue, "No: consent obtained by deception is void."},
		{"false feedback false", byName["TF false"].FeedbackFalse, "Right."},
		{"true feedback true", byName["TF feedbacks"].FeedbackTrue, "Right: it is."},
		{"true feedback false", byName["TF feedbacks"].FeedbackFalse, "Wrong: smuggling is transnational."},
		{"missing word before", byName["Missing word"].Stem, "The protocol was adopted in"},
		{"missing word after", byName["Missing word"].StemAfter, "in the year 2000."},
		{"untitled tf", qs[7].Stem + "|" + qs[7].StemAfter, "Trafficking|a crime everywhere."},
		{"untitled short", qs[8].Options, []Option{{ID: "1", Text: "a", Weight: 1}, {ID: "2", Text: "b", Weight: 1}}},
		{"shared right id", byName["Matching"].Pairs[1].RightID, "r1"},
		{"distractor", byName["Matching"].Pairs[4], Pair{ID: "5", Left: "", RightID: "r4", Right: "Weather"}},
		{"range", byName["Num negative"].Numbers, []NumericAnswer{{IsRange: true, Min: -5, Max: -1, Weight: 1}}},
		{"several", byName["Num several"].Numbers[1], NumericAnswer{Value: 2, Tolerance: 0.5, Weight: 0.5, Feedback: "Close enough."}},
		{"exponent", byName["Num several"].Numbers[2].Value, 10.0},
		{"other answers", byName["Num several"].Numbers[3].Feedback, "Completely wrong."},
		{"description points", byName["Description"].Points, 0.0},
		{"escaped title", qs[17].Name, `Escapes : ~ = # { } \`},
		{"escaped stem", qs[17].Stem, "Tilde ~, equals =, hash #, braces { }, colon : and backslash \\ with a line\nbreak."},
		{"escaped options", qs[17].Options, []Option{
			{ID: "1", Text: "a=b", Weight: 1, Feedback: "c#d"},
			{ID: "2", Text: "e~f", Feedback: "g{h}"},
			{ID: "3", Text: "i:j", Feedback: `C:\path`}}},
		{"arabic", byName["صواب أو خطأ"].FeedbackFalse, "خطأ: يمكن."},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}

	out := ExportGIFT(qs)
	again, errs := ParseGIFT(out)
	if len(errs) > 0 {
		t.Fatalf("errors reading the export: %v\n%s", errs, out)
	}
	diffQuestions(t, withoutIDs(again), withoutIDs(qs))
	if out2 := ExportGIFT(again); out2 != out {
		t.Errorf("export is not stable:\n%s\n---\n%s", out, out2)
	}
	if n := strings.Count(out, "$CATEGORY: "); n != 2 {
		t.Errorf("%d category lines, want 2", n)
	}
}

// TestExportGIFT exports questions made through the API (not read from
// GIFT) and reads them back.
func TestExportGIFT(t *testing.T) {
	any1 := catchAll
	any1.Weight, any1.Feedback = 0.25, "[counts] anything"
	tests := []struct {
		name string
		q    Question
		has  []string // in the export
		not  []string // not in the export
	}{
		{"stem starting with [", Question{Type: Essay, Format: FormatMoodle, Stem: "[1] Discuss."}, []string{"[moodle][1] Discuss."}, nil},
		{"stem starting with // and no title", Question{Type: Essay, Format: FormatMoodle, Stem: "// not a comment"}, []string{"[moodle]// not a comment"}, nil},
		{"stem with a category look", Question{Type: Description, Format: FormatMoodle, Stem: "$CATEGORY: x"}, []string{`$CATEGORY\: x`}, nil},
		{"stem with a title look", Question{Type: Description, Format: FormatMoodle, Stem: "::x:: y"}, []string{`\:\:x\:\: y`}, nil},
		{"empty description", Question{Type: Description, Format: FormatHTML}, []string{"[html]"}, nil},
		{"empty moodle description", Question{Type: Description, Format: FormatMoodle}, []string{"[moodle]"}, nil},
		{"newlines", Question{Type: Essay, Format: FormatMarkdown, Name: "a\nb", Stem: "line 1\n\nline 3\n// 4", GeneralFeedback: "x\ny"},
			[]string{`::a\nb:: [markdown]line 1\n\nline 3\n// 4 {####x\ny}`}, nil},
		{"all options right", Question{Type: Single, Format: FormatMoodle, Stem: "s", Options: []Option{{Text: "a", Weight: 1}, {Text: "b", Weight: 1}}},
			[]string{"=a", "~%100%b"}, nil},
		{"percent texts", Question{Type: Single, Format: FormatMoodle, Stem: "s", Options: []Option{{Text: "%a", Weight: 1}, {Text: "%50% b"}, {Text: "%c%", Weight: 0.5}}},
			[]string{"=%a", "~%0%%50% b", "~%50%%c%"}, nil},
		{"multiple with a full option", Question{Type: Multiple, Format: FormatMoodle, Stem: "s", Options: []Option{{Text: "a", Weight: 1}, {Text: "b", Weight: -1}}},
			[]string{"~%100%a", "~%-100%b"}, []string{"="}},
		{"marker-like texts", Question{Type: Single, Format: FormatPlain, Stem: "s", GeneralFeedback: "[b]", Options: []Option{{Text: "[html]a", Weight: 1, Feedback: "[x]"}, {Text: "b"}}},
			[]string{"=[plain][html]a#[plain][x]", "####[plain][b]"}, nil},
		{"short with percent and weights", Question{Type: Short, Format: FormatMoodle, Stem: "s", Options: []Option{{Text: "%", Weight: 1}, {Text: "b", Weight: 1.0 / 3}, {Text: "c", Weight: 0.07}}},
			[]string{"=%100%%", "=%33.33333333333333%b", "=%7%c"}, nil},
		{"short with an arrow", Question{Type: Short, Format: FormatMoodle, Stem: "s", Options: []Option{{Text: "a -> b", Weight: 1, Feedback: "c -> d"}}},
			[]string{"s {a -> b#c -> d}"}, []string{"=a"}},
		{"short with an arrow and a comment look", Question{Type: Short, Format: FormatMoodle, Options: []Option{{Text: "// a -> b", Weight: 0.5}}, GeneralFeedback: "g"},
			[]string{"{%50%// a -> b####g}"}, nil},
		{"true, right feedback only", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "s", Correct: bptr(true), FeedbackTrue: "yes"},
			[]string{"{TRUE##yes}"}, nil},
		{"false, wrong feedback only", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "s", Correct: bptr(false), FeedbackTrue: "no"},
			[]string{"{FALSE#no}"}, nil},
		{"numbers", Question{Type: Numerical, Format: FormatMoodle, Stem: "s", Numbers: []NumericAnswer{
			{Value: 1e21, Tolerance: 1e-7, Weight: 1}, {Value: -0.5, Weight: 0.1}, any1, {IsRange: true, Min: -1e-3, Max: 0, Weight: -1.0 / 3, Feedback: "r"}, catchAll}},
			[]string{"=1e+21:1e-07", "=%25%*#[moodle][counts] anything", "~#\n"}, nil},
		{"matching", Question{Type: Matching, Format: FormatHTML, Stem: "s", Pairs: []Pair{{Left: "[b] -", Right: "-> x = y"}, {Left: "c", Right: "-> x = y"}, {Right: "z"}}},
			[]string{`=[html][b] - -> -> x \= y`, "= -> z"}, nil},
		{"missing word", Question{Type: Single, Format: FormatMoodle, Stem: "The sky is", StemAfter: "today {really}.", Options: []Option{{Text: "blue", Weight: 1}, {Text: "green"}}},
			[]string{"} today \\{really\\}."}, nil},
		{"carriage returns", Question{Type: Essay, Format: FormatMoodle, Stem: "a\r\nb\rc"}, []string{`a\nb\nc`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Category = "top/x"
			q.Points = 1
			if q.Type == Description {
				q.Points = 0
			}
			out := ExportGIFT([]Question{q})
			for _, s := range tt.has {
				if !strings.Contains(out, s) {
					t.Errorf("export lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(out, s) {
					t.Errorf("export has %q:\n%s", s, out)
				}
			}
			got, errs := ParseGIFT(out)
			if len(errs) > 0 {
				t.Fatalf("errors: %v\n%s", errs, out)
			}
			want := q
			want.Stem = strings.ReplaceAll(strings.ReplaceAll(want.Stem, "\r\n", "\n"), "\r", "\n")
			diffQuestions(t, withoutIDs(got), withoutIDs([]Question{want}))
		})
	}
}

func TestExportGIFTFormatsAndCategories(t *testing.T) {
	qs := []Question{
		{Type: Essay, Stem: "no format"},
		{Type: Essay, Stem: "moodle", Format: FormatMoodle, Category: "a"},
		{Type: Essay, Stem: "html", Format: FormatHTML, Category: "a"},
		{Type: Essay, Stem: "markdown", Format: FormatMarkdown, Category: `b\c`},
		{Type: Essay, Stem: "plain", Format: FormatPlain, Category: ""},
	}
	out := ExportGIFT(qs)
	wantOut := "no format {}\n\n" +
		"$CATEGORY: a\n\nmoodle {}\n\n[html]html {}\n\n" +
		"$CATEGORY: b\\\\c\n\n[markdown]markdown {}\n\n" +
		"$CATEGORY: \n\n[plain]plain {}\n\n"
	if out != wantOut {
		t.Fatalf("export:\n%q\nwant\n%q", out, wantOut)
	}
	got, errs := ParseGIFT(out)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantFormats := []string{FormatMoodle, FormatMoodle, FormatHTML, FormatMarkdown, FormatPlain}
	wantCats := []string{"", "a", "a", `b\c`, ""}
	for i, q := range got {
		if q.Format != wantFormats[i] || q.Category != wantCats[i] || q.Stem != qs[i].Stem {
			t.Errorf("question %d: format %q category %q stem %q", i+1, q.Format, q.Category, q.Stem)
		}
	}
}

// TestParseGIFTErrors checks that a bad question gives an error on the
// right line and does not stop the others.
func TestParseGIFTErrors(t *testing.T) {
	const good = "::Good:: Fine. {TRUE}\n\n"
	tests := []struct {
		name string
		src  string
		line int
		msg  string // part of the message
	}{
		{"unclosed brace", good + "::Broken:: Never closes {=yes ~no\n\n" + good, 3, "never closed"},
		{"unclosed brace on a later line", good + "::Broken:: Stem\n{\n=yes\n~no\n\n" + good, 4, "never closed"},
		{"unclosed brace at the end", good + good + "Who? {=a ~b", 5, "never closed"},
		{"unclosed brace before another question", good + "A {=a ~b\nB {T}\n\n" + good, 3, "not closed before the next"},
		{"closing brace only", good + "A =a ~b}\n\n" + good, 3, `"}" without "{"`},
		{"closing brace first", good + "A } b {T}\n\n" + good, 3, `"}" before`},
		{"second answers", good + "A {T} and\n{F}\n\n" + good, 4, "second"},
		{"stray closing brace after", good + "A {T} and }\n\n" + good, 3, "after the answers"},
		{"bad number", good + "::N:: How many?\n{#abc}\n\n" + good, 4, `"abc" is not a number`},
		{"bad tolerance", good + "N {#3:x}\n\n" + good, 3, "tolerance"},
		{"negative tolerance", good + "N {#3:-1}\n\n" + good, 3, "negative"},
		{"range going down", good + "N {#5..1}\n\n" + good, 3, "goes down"},
		{"bad range", good + "N {#1..x}\n\n" + good, 3, "not a range"},
		{"no numerical answer", good + "N {#}\n\n" + good, 3, "needs an answer"},
		{"number out of range", good + "N {#1e400}\n\n" + good, 3, "not a number"},
		{"numerical tilde with text", good + "N {#3 ~4#no}\n\n" + good, 3, "~#feedback"},
		{"numerical answers after other", good + "N {#3\n~#no\n=4}\n\n" + good, 5, "must come last"},
		{"unterminated title", good + "::Title without end Stem {T}\n\n" + good, 3, "title is not closed"},
		{"matching without arrow", good + "M {\n=a -> 1\n=b\n=c -> 3\n}\n\n" + good, 5, "is not a pair"},
		{"matching with a stray line", good + "M {\n=a -> 1\n=b -> 2\nnot a pair\n=c -> 3\n}\n\n" + good, 6, "not a pair"},
		{"matching without right", good + "M {\n=a -> 1\n=b ->\n}\n\n" + good, 5, "no right item"},
		{"matching with one pair", good + "M {=a -> 1}\n\n" + good, 3, "two pairs"},
		{"weight over 100", good + "M {\n=a\n~%150%b\n}\n\n" + good, 5, "out of range"},
		{"weight under -100", good + "M {\n~%50%a\n~%50%c\n~%-100.5%b\n}\n\n" + good, 6, "out of range"},
		{"short weight over 100", good + "S {=%101%a}\n\n" + good, 3, "out of range"},
		{"numerical weight over 100", good + "N {#=%200%3}\n\n" + good, 3, "out of range"},
		{"malformed weight", good + "M {=a ~%5.5.5%b}\n\n" + good, 3, "bad weight"},
		{"double minus weight", good + "M {=a ~%--50%b}\n\n" + good, 3, "bad weight"},
		{"one choice", good + "M {~%100%a}\n\n" + good, 3, "at least two"},
		{"empty answer", good + "M {=a ~#feedback}\n\n" + good, 3, "empty answer"},
		{"empty short answer", good + "S {=a =%50%}\n\n" + good, 3, "empty answer"},
		{"unknown format", good + "::T:: [HTML]Stem {T}\n\n" + good, 3, "unknown format [HTML]"},
		{"unknown format word", good + "[rtf]Stem\n\n" + good, 3, "unknown format [rtf]"},
		{"invalid utf-8", good + "Stem \xff {T}\n\n" + good, 3, "UTF-8"},
		{"nul byte", good + "Stem \x00 {T}\n\n" + good, 3, "NUL"},
		{"question too long", good + "Q {=a ~b}\n" + strings.Repeat("x", MaxGIFTQuestion) + "\n\n" + good, 3, "longer than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, errs := ParseGIFT(tt.src)
			if len(errs) != 1 {
				t.Fatalf("errors %v, want one", errs)
			}
			if errs[0].Line != tt.line || !strings.Contains(errs[0].Message, tt.msg) {
				t.Errorf("error %+v, want line %d with %q", errs[0], tt.line, tt.msg)
			}
			if len(qs) != 2 || qs[0].Name != "Good" || qs[1].Name != "Good" {
				t.Errorf("questions %+v, want the two good ones", qs)
			}
		})
	}
}

// TestParseGIFTNotErrors are texts that look odd but are GIFT (as in
// Moodle).
func TestParseGIFTNotErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want Question
	}{
		{"markdown link first", "[link](http://x.org) {T}", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "[link](http://x.org)", Correct: bptr(true), Points: 1}},
		{"bracket not a word", "[1] first {T}", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "[1] first", Correct: bptr(true), Points: 1}},
		{"lowercase true is a short answer", "S {true}", Question{Type: Short, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "true", Weight: 1}}}},
		{"text without = is a short answer", "S {Paris#Yes}", Question{Type: Short, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "Paris", Weight: 1, Feedback: "Yes"}}}},
		{"percent text", "S {=a ~%b ~%x%c}", Question{Type: Single, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "a", Weight: 1}, {ID: "2", Text: "%b"}, {ID: "3", Text: "%x%c"}}}},
		{"weight on a right choice is text", "S {=%50%a ~b}", Question{Type: Single, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "%50%a", Weight: 1}, {ID: "2", Text: "b"}}}},
		{"first answer without ~", "S {a =b}", Question{Type: Short, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "a", Weight: 1}, {ID: "2", Text: "b", Weight: 1}}}},
		{"star numerical", "N {#=%0%*#any}", Question{Type: Numerical, Format: FormatMoodle, Stem: "N", Points: 1, Numbers: []NumericAnswer{{IsRange: true, Min: -math.MaxFloat64, Max: math.MaxFloat64, Feedback: "any"}}}},
		{"numerical other without feedback", "N {#2 ~}", Question{Type: Numerical, Format: FormatMoodle, Stem: "N", Points: 1, Numbers: []NumericAnswer{{Value: 2, Weight: 1}, catchAll}}},
		{"numerical with escaped colon", `N {#3\:1}`, Question{Type: Numerical, Format: FormatMoodle, Stem: "N", Points: 1, Numbers: []NumericAnswer{{Value: 3, Tolerance: 1, Weight: 1}}}},
		{"general feedback with five #", "N {#3#####gf}", Question{Type: Numerical, Format: FormatMoodle, Stem: "N", Points: 1, Numbers: []NumericAnswer{{Value: 3, Weight: 1}}, GeneralFeedback: "gf"}},
		{"essay with general feedback only", "E {####gf}", Question{Type: Essay, Format: FormatMoodle, Stem: "E", Points: 1, GeneralFeedback: "gf"}},
		{"true/false extra #", "T {T#a#b#c}", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "T", Points: 1, Correct: bptr(true), FeedbackTrue: "b#c", FeedbackFalse: "a"}},
		{"unknown escape kept", `C:\path\to {T}`, Question{Type: TrueFalse, Format: FormatMoodle, Stem: `C:\path\to`, Points: 1, Correct: bptr(true)}},
		{"escaped backslash then brace", `a\\{T}`, Question{Type: TrueFalse, Format: FormatMoodle, Stem: `a\`, Points: 1, Correct: bptr(true)}},
		{"unknown marker in an answer is text", "S {=[x]a ~[html]b}", Question{Type: Single, Format: FormatMoodle, Stem: "S", Points: 1, Options: []Option{{ID: "1", Text: "[x]a", Weight: 1}, {ID: "2", Text: "b"}}}},
		{"title with colons", "::a:b\\::c:: S {T}", Question{Type: TrueFalse, Format: FormatMoodle, Name: "a:b::c", Stem: "S", Points: 1, Correct: bptr(true)}},
		{"title ending with a colon", "::a\\::: S {T}", Question{Type: TrueFalse, Format: FormatMoodle, Name: "a:", Stem: "S", Points: 1, Correct: bptr(true)}},
		{"empty title", ":::: S {T}", Question{Type: TrueFalse, Format: FormatMoodle, Stem: "S", Points: 1, Correct: bptr(true)}},
		{"windows lines and bom", "\uFEFF// c\r\n::T:: S {\r\n=a\r\n~b\r\n}\r\n", Question{Type: Single, Format: FormatMoodle, Name: "T", Stem: "S", Points: 1, Line: 2, Options: []Option{{ID: "1", Text: "a", Weight: 1}, {ID: "2", Text: "b"}}}},
		{"category then question in one block", "$CATEGORY: top/a\n::T:: S {T}", Question{Type: TrueFalse, Format: FormatMoodle, Category: "top/a", Name: "T", Stem: "S", Points: 1, Line: 2, Correct: bptr(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, errs := ParseGIFT(tt.src)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			want := tt.want
			if want.Line == 0 {
				want.Line = 1
			}
			diffQuestions(t, qs, []Question{want})
		})
	}
}

// TestParseGIFTAcceptance are the cases of the acceptance test.
func TestParseGIFTAcceptance(t *testing.T) {
	t.Run("broken question on line 5", func(t *testing.T) {
		src := `::Good one:: Trafficking can happen within one country. {TRUE}

::Good two:: Smuggling is always transnational. {TRUE}

::Broken:: This question never closes its answers {=yes ~no

::Good three:: A child is any person under eighteen. {TRUE}
`
		qs, errs := ParseGIFT(src)
		if len(errs) != 1 || errs[0].Line != 5 || errs[0].Message == "" {
			t.Fatalf("errors %+v, want one on line 5", errs)
		}
		var names []string
		for _, q := range qs {
			names = append(names, q.Name)
			if q.Type != TrueFalse || q.Correct == nil || !*q.Correct {
				t.Errorf("question %+v", q)
			}
		}
		if want := []string{"Good one", "Good two", "Good three"}; !reflect.DeepEqual(names, want) {
			t.Errorf("names %v, want %v", names, want)
		}
	})
	t.Run("bank of six types", func(t *testing.T) {
		src := `// A bank of one question of each auto-graded type.
::Q1 single:: Which instrument defines trafficking? {=The Palermo Protocol#FBK-single-right ~The Geneva Convention#FBK-single-wrong ~The Hague Convention}

::Q2 multiple:: Which are elements of trafficking? {~%50%The act ~%50%The means ~%-100%The weather}

::Q3 true_false:: Trafficking requires crossing a border. {TRUE#FBK-tf-wrong#FBK-tf-right}

::Q4 short:: Which law? {=27-14 =27.14}

::Q5 numerical:: How many elements? {#3}

::Q6 matching:: Match. {=Act -> Recruitment =Means -> Deception =Purpose -> Exploitation}
`
		qs, errs := ParseGIFT(src)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		want := []Question{
			{Line: 2, Type: Single, Name: "Q1 single", Format: FormatMoodle, Stem: "Which instrument defines trafficking?", Points: 1, Options: []Option{
				{ID: "1", Text: "The Palermo Protocol", Weight: 1, Feedback: "FBK-single-right"},
				{ID: "2", Text: "The Geneva Convention", Feedback: "FBK-single-wrong"},
				{ID: "3", Text: "The Hague Convention"}}},
			{Line: 4, Type: Multiple, Name: "Q2 multiple", Format: FormatMoodle, Stem: "Which are elements of trafficking?", Points: 1, Options: []Option{
				{ID: "1", Text: "The act", Weight: 0.5},
				{ID: "2", Text: "The means", Weight: 0.5},
				{ID: "3", Text: "The weather", Weight: -1}}},
			{Line: 6, Type: TrueFalse, Name: "Q3 true_false", Format: FormatMoodle, Stem: "Trafficking requires crossing a border.", Points: 1,
				Correct: bptr(true), FeedbackTrue: "FBK-tf-right", FeedbackFalse: "FBK-tf-wrong"},
			{Line: 8, Type: Short, Name: "Q4 short", Format: FormatMoodle, Stem: "Which law?", Points: 1, Options: []Option{
				{ID: "1", Text: "27-14", Weight: 1}, {ID: "2", Text: "27.14", Weight: 1}}},
			{Line: 10, Type: Numerical, Name: "Q5 numerical", Format: FormatMoodle, Stem: "How many elements?", Points: 1,
				Numbers: []NumericAnswer{{Value: 3, Weight: 1}}},
			{Line: 12, Type: Matching, Name: "Q6 matching", Format: FormatMoodle, Stem: "Match.", Points: 1, Pairs: []Pair{
				{ID: "1", Left: "Act", RightID: "r1", Right: "Recruitment"},
				{ID: "2", Left: "Means", RightID: "r2", Right: "Deception"},
				{ID: "3", Left: "Purpose", RightID: "r3", Right: "Exploitation"}}},
		}
		diffQuestions(t, qs, want)
	})
}

func TestParseGIFTLimits(t *testing.T) {
	t.Run("10000 questions", func(t *testing.T) {
		var b strings.Builder
		kinds := []string{"{=a ~b ~c}", "{T}", "{=x =y}", "{#3:1}", "{=a -> 1 =b -> 2}", "{}", "", "{~%50%a ~%50%b ~c}"}
		for i := range 10000 {
			fmt.Fprintf(&b, "// question %d\n::Q%d:: Question number %d? %s\n\n", i, i, i, kinds[i%len(kinds)])
		}
		start := time.Now()
		qs, errs := ParseGIFT(b.String())
		elapsed := time.Since(start)
		if len(errs) > 0 || len(qs) != 10000 {
			t.Fatalf("%d questions, errors %v", len(qs), errs[:min(len(errs), 3)])
		}
		if qs[9999].Line != 3*9999+2 {
			t.Errorf("last question on line %d", qs[9999].Line)
		}
		if elapsed > 5*time.Second { // about 0.1 s; the margin is for loaded machines and -race
			t.Errorf("took %v", elapsed)
		}
		out := ExportGIFT(qs)
		again, errs := ParseGIFT(out)
		if len(errs) > 0 || !reflect.DeepEqual(withoutIDs(again), withoutIDs(qs)) {
			t.Errorf("round trip of 10000 questions: %d errors", len(errs))
		}
	})
	t.Run("5 MB line", func(t *testing.T) {
		src := strings.Repeat("{", 5<<20)
		start := time.Now()
		qs, errs := ParseGIFT(src)
		if len(qs) != 0 || len(errs) != 1 || errs[0].Line != 1 || !strings.Contains(errs[0].Message, "larger than") {
			t.Fatalf("%d questions, errors %v", len(qs), errs)
		}
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("took %v", elapsed)
		}
	})
	t.Run("just under MaxGIFTSize of one line", func(t *testing.T) {
		src := "Q " + strings.Repeat("\\{", (MaxGIFTSize-10)/2)
		qs, errs := ParseGIFT(src)
		if len(qs) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Message, "longer than") {
			t.Fatalf("%d questions, errors %v", len(qs), errs)
		}
	})
	t.Run("many small lines in one question", func(t *testing.T) {
		// Worst cases: one question of 64 KiB of separators, then MaxGIFTSize
		// of tiny questions (about 0.2 s for 1 MiB: linear, if not cheap).
		src := "Q {" + strings.Repeat("=a ->\n", MaxGIFTQuestion/6-4) + "}\n\n" +
			"Q {" + strings.Repeat("~a\n", MaxGIFTQuestion/3-4) + "}\n\n" +
			"Q {" + strings.Repeat("{", MaxGIFTQuestion-8) + "}\n\n" +
			strings.Repeat("=\n=\n\n", (MaxGIFTSize-3*MaxGIFTQuestion)/6)
		start := time.Now()
		qs, errs := ParseGIFT(src)
		if elapsed := time.Since(start); elapsed > 20*time.Second {
			t.Errorf("took %v", elapsed)
		}
		if len(errs) != 2 || len(qs) < MaxGIFTSize/8 {
			t.Errorf("%d questions, errors %v", len(qs), errs)
		}
	})
}

func TestGIFTPercent(t *testing.T) {
	var ws []float64
	for i := -10000; i <= 10000; i += 7 {
		ws = append(ws, float64(i)/100, float64(i)/10000)
		v, _ := strconv.ParseFloat(fmt.Sprintf("%d.%05d", i/100, (i*7919)%100000), 64)
		ws = append(ws, v/100)
	}
	ws = append(ws, 1.0/3, 2.0/3, 0.07, 0.1, 0.3, math.Copysign(0, -1), 0, 1, -1, 0.33333329999999994, 5e-324, 1e-300, 0.1e-5, 123456789.123)
	for _, tt := range []struct {
		w    float64
		want string
	}{{0.5, "50"}, {-1, "-100"}, {0.3333333, "33.33333"}, {0.07, "7"}, {1e-7, "0.00001"}, {0.125, "12.5"}} {
		if got := giftPercent(tt.w); got != tt.want {
			t.Errorf("giftPercent(%v) = %q, want %q", tt.w, got, tt.want)
		}
	}
	for _, w := range ws {
		p := giftPercent(w)
		v, ok := parseGIFTWeight(p)
		if !ok || v != w || math.Signbit(v) != math.Signbit(w) {
			t.Errorf("giftPercent(%v) = %q reads %v", w, p, v)
		}
	}
}

// TestGIFTRandomTokens reads random sequences of GIFT's tokens: what
// reads without errors must export and read back the same (the fuzz
// property, on inputs a byte-level fuzzer rarely builds). GIFT_RANDOM_ITERS
// and GIFT_RANDOM_SEED run it longer or differently.
func TestGIFTRandomTokens(t *testing.T) {
	toks := []string{"{", "}", "~", "=", "#", "####", "->", "%50%", "%-100%", "%0%", "\\", "\\n", "\\#", "\\=", ":", "::", "[html]", "[moodle]", "[x]", "T", "TRUE", "F",
		"\n", "\n\n", "//", " ", "a", "b", "..", "1", "2.5", "-", "*", "$CATEGORY:", "%", "[", "]", "(", "\t", "\r", "ب", "e3", "::T::", "%33.3%", "=a->b", "\\", `\:`, `\{`, `\}`, `\~`, "{T#x#y}", "{#1:2}", "{#", "~#", "[plain]", "\x0b", "\x00", "\xff", "FALSE", "$CATEGORY: c\n", "  ", "=%100%"}
	seed, _ := strconv.ParseUint(os.Getenv("GIFT_RANDOM_SEED"), 10, 64)
	r := rand.New(rand.NewPCG(1, seed))
	fails := 0
	iters := 100000
	if testing.Short() {
		iters = 10000
	}
	if os.Getenv("GIFT_RANDOM_ITERS") != "" {
		iters, _ = strconv.Atoi(os.Getenv("GIFT_RANDOM_ITERS"))
	}
	maxLen := 25
	if os.Getenv("GIFT_RANDOM_LEN") != "" {
		maxLen, _ = strconv.Atoi(os.Getenv("GIFT_RANDOM_LEN"))
	}
	for iter := 0; iter < iters && fails < 5; iter++ {
		var b strings.Builder
		n := 1 + r.IntN(maxLen)
		for range n {
			b.WriteString(toks[r.IntN(len(toks))])
		}
		src := b.String()
		qs, errs := ParseGIFT(src)
		if len(errs) > 0 {
			continue
		}
		out := ExportGIFT(qs)
		again, errs := ParseGIFT(out)
		if len(errs) > 0 {
			t.Errorf("errors %v reading the export of %q:\n%s", errs, src, out)
			fails++
			continue
		}
		if a, b := withoutIDs(again), withoutIDs(qs); !reflect.DeepEqual(a, b) {
			t.Errorf("round trip of %q:\n%s\n got %+v\nwant %+v", src, out, a, b)
			fails++
		}
	}
}

// FuzzParseGIFT: ParseGIFT never panics, its errors name a line, and what it
// reads without errors exports and reads back the same.
func FuzzParseGIFT(f *testing.F) {
	for _, name := range []string{"moodle-gift/questions.gift.txt", "moodle-gift/questions_in_category.gift.txt", "gift/every_feature.gift.txt"} {
		f.Add(readGIFT(f, name))
	}
	for _, s := range []string{
		"::T:: S {=a ~b}", "{#1..5 =%50%2:1 ~#x}", "a {T#b#c####d} e", "{=a -> b =c -> d = -> e}",
		"::Broken:: {=yes ~no\n\n::Good:: {T}", `\{\}\~\=\#\:\\\n`, "[html]x{####y}", "$CATEGORY: a\n\nb",
		"{~%33.33333%a ~%-100%b}", "{#\n=1e3:0.5#x\n~#y\n}", "S {a -> b}", "x {=%0%%a}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		qs, errs := ParseGIFT(src)
		lines := strings.Count(src, "\n") + strings.Count(src, "\r") + 1
		for _, e := range errs {
			if e.Line < 1 || e.Line > lines || e.Message == "" {
				t.Fatalf("bad error %+v (%d lines)", e, lines)
			}
		}
		for _, q := range qs {
			if q.Line < 1 || q.Line > lines {
				t.Fatalf("bad line %d", q.Line)
			}
		}
		if len(errs) > 0 {
			return
		}
		out := ExportGIFT(qs)
		if len(out) > MaxGIFTSize {
			return
		}
		for _, q := range qs {
			var b strings.Builder
			writeGIFTQuestion(&b, &q)
			if b.Len() > MaxGIFTQuestion-1024 {
				return // escaping made it too long to read back
			}
		}
		again, errs := ParseGIFT(out)
		if len(errs) > 0 {
			t.Fatalf("errors %v reading the export of %q:\n%s", errs, src, out)
		}
		if a, b := withoutIDs(again), withoutIDs(qs); !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %q:\n%s\n got %+v\nwant %+v", src, out, a, b)
		}
	})
}
