package quiz

import (
	"strings"
	"testing"
)

// TestSecurityM5QuestionMarkdownBounded: question texts are rendered when an
// attempt starts and when feedback is shown at submit; a text the renderer
// would refuse (or take minutes over) is refused when authored, naming the
// field, and one stored before the bounds is shown as plain text.
func TestSecurityM5QuestionMarkdownBounded(t *testing.T) {
	bomb := strings.Repeat("|a", 1000) + "\n" + strings.Repeat("|-", 1000) + "\n" + strings.Repeat("x\n", 300)
	links := strings.Repeat("[a](", 16<<10)
	cases := map[string]Question{
		"stem":             {Type: Single, Stem: bomb, Options: []Option{{Text: "a", Weight: 1}}},
		"options":          {Type: Single, Stem: "Q", Options: []Option{{Text: "a", Weight: 1, Feedback: links}}},
		"general_feedback": {Type: TrueFalse, Stem: "Q", Correct: new(bool), GeneralFeedback: links},
		"translations.ar":  {Type: TrueFalse, Stem: "Q", Correct: new(bool), Translations: map[string]QuestionText{"ar": {Stem: bomb}}},
	}
	for field, q := range cases {
		errs := ValidateQuestion(&q)
		found := false
		for _, e := range errs {
			found = found || (e.Field == field && strings.HasPrefix(e.Key, "err.md_"))
		}
		if !found {
			t.Errorf("ValidateQuestion with a pathological %s = %+v, want an err.md_* error on %q", field, errs, field)
		}
	}
	if out := renderText(FormatMarkdown, bomb, false); !strings.Contains(out, "|a|a") || len(out) > 3*len(bomb) {
		t.Errorf("a stored pathological text renders to %d bytes, want it as plain text", len(out))
	}
	// Plain and HTML texts are not Markdown: no Markdown bound applies.
	q := Question{Type: Single, Format: FormatPlain, Stem: bomb, Options: []Option{{Text: "a", Weight: 1}}}
	if errs := ValidateQuestion(&q); len(errs) > 0 {
		t.Errorf("a plain-text stem was refused: %+v", errs)
	}
}
