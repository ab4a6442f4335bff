package quiz

import (
	"slices"
	"testing"
)

func TestQuestionIn(t *testing.T) {
	yes := true
	q := Question{Type: Short, Stem: "Which law?", Options: []Option{{ID: "1", Text: "27-14", Weight: 1}, {ID: "2", Text: "27.14", Weight: 1}},
		Translations: map[string]QuestionText{"ar": {Stem: "أي قانون؟", Options: []string{"سبعة وعشرون", ""}}}}
	ar := q.In("ar")
	if ar.Stem != "أي قانون؟" || ar.Translations != nil {
		t.Errorf("In(ar) = %+v", ar)
	}
	var texts []string
	for _, o := range ar.Options {
		texts = append(texts, o.Text)
	}
	if !slices.Equal(texts, []string{"سبعة وعشرون", "27.14", "27-14"}) {
		t.Errorf("short answers in Arabic: %q, want the translation first and the original still accepted", texts)
	}
	if q.Options[0].Text != "27-14" {
		t.Error("In changed the bank question")
	}
	if en := q.In("en"); en.Stem != q.Stem || len(en.Options) != 2 {
		t.Errorf("an untranslated language does not fall back: %+v", en)
	}
	tf := Question{Type: TrueFalse, Stem: "S", Correct: &yes, Translations: map[string]QuestionText{"ar": {Stem: "ص"}}}
	if got := tf.Untranslated("fr"); !slices.Equal(got, []string{"en"}) {
		t.Errorf("Untranslated = %v, want [en]", got)
	}
	if got := q.Untranslated("fr"); !slices.Equal(got, []string{"en"}) {
		t.Errorf("a short question with a blank accepted answer counts as %v", got)
	}
}

func TestValidateTranslations(t *testing.T) {
	m := Question{Type: Matching, Stem: "Match", Pairs: []Pair{{Left: "a", Right: "x"}, {Left: "b", Right: "y"}, {Left: "c", Right: "x"}}}
	for _, c := range []struct {
		name  string
		tr    map[string]QuestionText
		field string
	}{
		{"unknown language", map[string]QuestionText{"de": {Stem: "s"}}, "translations.de"},
		{"left count", map[string]QuestionText{"ar": {Left: []string{"1"}}}, "translations.ar.left"},
		{"shared right translated twice", map[string]QuestionText{"ar": {Right: []string{"س", "ص", "ع"}}}, "translations.ar.right"},
		{"two rights merged", map[string]QuestionText{"ar": {Right: []string{"س", "س", "س"}}}, "translations.ar.right"},
		{"fine", map[string]QuestionText{"ar": {Right: []string{"س", "ص", "س"}}}, ""},
	} {
		q := m
		q.Translations = c.tr
		errs := ValidateQuestion(&q)
		if c.field == "" && len(errs) > 0 || c.field != "" && (len(errs) == 0 || errs[0].Field != c.field) {
			t.Errorf("%s: %v, want field %q", c.name, errs, c.field)
		}
	}
}
