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

func TestFeedbackTranslations(t *testing.T) {
	yes := true
	tf := Question{Type: TrueFalse, Stem: "S", Correct: &yes, FeedbackTrue: "Right.", FeedbackFalse: "No.",
		Translations: map[string]QuestionText{"ar": {Stem: "ص", FeedbackTrue: "صحيح."}}}
	if got := tf.In("ar"); got.FeedbackTrue != "صحيح." || got.FeedbackFalse != "No." {
		t.Errorf("true/false feedback in ar: %q / %q, want the translation and the original's fallback", got.FeedbackTrue, got.FeedbackFalse)
	}
	if got := tf.Untranslated("fr"); !slices.Contains(got, "ar") {
		t.Errorf("a missing false-feedback translation should leave ar untranslated, got %v", got)
	}
	single := Question{Type: Single, Stem: "S", Options: []Option{{ID: "1", Text: "A", Weight: 100, Feedback: "Yes"}, {ID: "2", Text: "B"}},
		Translations: map[string]QuestionText{"ar": {Stem: "ص", Options: []string{"أ", "ب"}, OptionFeedback: []string{"نعم", ""}}}}
	got := single.In("ar")
	if got.Options[0].Feedback != "نعم" || got.Options[1].Feedback != "" || single.Options[0].Feedback != "Yes" {
		t.Errorf("option feedback in ar: %+v (the bank's own must stay %q)", got.Options, single.Options[0].Feedback)
	}
	if u := single.Untranslated("fr"); slices.Contains(u, "ar") {
		t.Errorf("every text of the question is translated, yet ar is listed untranslated: %v", u)
	}
	bad := single
	bad.Translations = map[string]QuestionText{"ar": {OptionFeedback: []string{"نعم"}}}
	errs := validateTranslations(&bad)
	if len(errs) != 1 || errs[0].Field != "translations.ar.option_feedback" {
		t.Errorf("a short option_feedback list: %v, want one error on translations.ar.option_feedback", errs)
	}
}

func TestNumericalFeedbackTranslation(t *testing.T) {
	q := Question{Type: Numerical, Stem: "How many?", Numbers: []NumericAnswer{{Value: 3, Weight: 1, Feedback: "Act, means, purpose."}},
		Translations: map[string]QuestionText{"ar": {Stem: "كم؟", NumberFeedback: []string{"الفعل والوسيلة والغرض."}}}}
	if got := q.In("ar"); got.Numbers[0].Feedback != "الفعل والوسيلة والغرض." || q.Numbers[0].Feedback != "Act, means, purpose." {
		t.Errorf("numerical feedback in ar: %q (bank's: %q)", got.Numbers[0].Feedback, q.Numbers[0].Feedback)
	}
	if u := q.Untranslated("fr"); slices.Contains(u, "ar") {
		t.Errorf("fully translated, yet untranslated in %v", u)
	}
	bad := q
	bad.Translations = map[string]QuestionText{"ar": {NumberFeedback: []string{"أ", "ب"}}}
	if errs := validateTranslations(&bad); len(errs) != 1 || errs[0].Field != "translations.ar.number_feedback" {
		t.Errorf("two feedbacks for one answer: %v", errs)
	}
}
