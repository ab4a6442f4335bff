package quiz

import (
	"encoding/json"
	"slices"
	"strings"

	"tadrib/internal/i18n"
	"tadrib/internal/web"
)

// QuestionText is a question's wording in another language. It holds texts
// only: the structure (options, pairs, weights, ids, the answer key) is the
// original's, so grading means the same in every language. Options and
// Left/Right follow the original's Options and Pairs one to one; an empty
// string shows the original's text (a visible fallback, never a blank).
type QuestionText struct {
	Stem      string   `json:"stem,omitempty"`
	StemAfter string   `json:"stem_after,omitempty"`
	Options   []string `json:"options,omitempty"`
	Left      []string `json:"left,omitempty"`
	Right     []string `json:"right,omitempty"`
	Feedback  string   `json:"feedback,omitempty"` // general feedback
	// OptionFeedback follows Options one to one; FeedbackTrue and
	// FeedbackFalse are a true/false question's.
	OptionFeedback []string `json:"option_feedback,omitempty"`
	NumberFeedback []string `json:"number_feedback,omitempty"` // follows Numbers
	FeedbackTrue   string   `json:"feedback_true,omitempty"`
	FeedbackFalse  string   `json:"feedback_false,omitempty"`
}

// empty reports whether t translates nothing.
func (t QuestionText) empty() bool {
	if strings.TrimSpace(t.Stem+t.StemAfter+t.Feedback+t.FeedbackTrue+t.FeedbackFalse) != "" {
		return false
	}
	for _, s := range slices.Concat(t.Options, t.Left, t.Right, t.OptionFeedback, t.NumberFeedback) {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// validateTranslations checks q.Translations: known languages, as many
// texts as the original has options and pairs, and matching right items that
// stay distinct (grading compares right texts). Empty translations are
// dropped so that "untranslated" means the same everywhere.
func validateTranslations(q *Question) []web.FieldError {
	var errs []web.FieldError
	for lang, t := range q.Translations {
		field := "translations." + lang
		if !i18n.Supported(lang) {
			errs = append(errs, web.Field(field, "qtrans.err_lang"))
			continue
		}
		if t.empty() {
			delete(q.Translations, lang)
			continue
		}
		if allBlank(t.OptionFeedback) {
			t.OptionFeedback = nil // the form and packages send one per answer
		}
		if allBlank(t.NumberFeedback) {
			t.NumberFeedback = nil
		}
		q.Translations[lang] = t
		if len(t.NumberFeedback) > 0 && len(t.NumberFeedback) != len(q.Numbers) {
			errs = append(errs, web.Field(field+".number_feedback", "qtrans.err_count", len(q.Numbers)))
		}
		if len(t.Options) > 0 && len(t.Options) != len(q.Options) {
			errs = append(errs, web.Field(field+".options", "qtrans.err_count", len(q.Options)))
		}
		if len(t.OptionFeedback) > 0 && len(t.OptionFeedback) != len(q.Options) {
			errs = append(errs, web.Field(field+".option_feedback", "qtrans.err_count", len(q.Options)))
		}
		if len(t.Left) > 0 && len(t.Left) != len(q.Pairs) {
			errs = append(errs, web.Field(field+".left", "qtrans.err_count", len(q.Pairs)))
		}
		if len(t.Right) > 0 && len(t.Right) != len(q.Pairs) {
			errs = append(errs, web.Field(field+".right", "qtrans.err_count", len(q.Pairs)))
		}
		if len(t.Right) == len(q.Pairs) && !rightsConsistent(q.Pairs, t.Right) {
			errs = append(errs, web.Field(field+".right", "qtrans.err_rights"))
		}
		if len(t.Stem) > 64*1024 {
			errs = append(errs, web.Field(field+".stem", "err.too_long", 64*1024))
		}
	}
	if len(q.Translations) == 0 {
		q.Translations = nil
	}
	return errs
}

// rightsConsistent checks that pairs sharing a right item translate it
// alike and that different right items stay different once translated.
func rightsConsistent(pairs []Pair, right []string) bool {
	byOrig := map[string]string{}  // original right text → translated
	byTrans := map[string]string{} // translated → original
	for i, p := range pairs {
		tr := strings.TrimSpace(right[i])
		if tr == "" {
			tr = p.Right
		}
		if prev, ok := byOrig[p.Right]; ok && prev != tr {
			return false
		}
		if prev, ok := byTrans[tr]; ok && prev != p.Right {
			return false
		}
		byOrig[p.Right], byTrans[tr] = tr, p.Right
	}
	return true
}

// In returns the question worded in lang: each translated text replaces the
// original's, an untranslated one stays. The accepted answers of a short
// question in lang come first, the original's stay accepted after them (a
// trainee may type the term in either language).
func (q Question) In(lang string) Question { return q.worded(lang, true) }

// worded is q with lang's texts; keepOriginal keeps a short question's
// original answers accepted after the translated ones.
func (q Question) worded(lang string, keepOriginal bool) Question {
	t, ok := q.Translations[lang]
	q.Translations = nil // a snapshot needs only its own language
	if !ok {
		return q
	}
	pick := func(tr, orig string) string {
		if strings.TrimSpace(tr) == "" {
			return orig
		}
		return tr
	}
	q.Stem = pick(t.Stem, q.Stem)
	q.StemAfter = pick(t.StemAfter, q.StemAfter)
	q.GeneralFeedback = pick(t.Feedback, q.GeneralFeedback)
	q.FeedbackTrue = pick(t.FeedbackTrue, q.FeedbackTrue)
	q.FeedbackFalse = pick(t.FeedbackFalse, q.FeedbackFalse)
	orig := q.Options
	q.Options = make([]Option, len(orig))
	copy(q.Options, orig)
	for i := range q.Options {
		if i < len(t.Options) {
			q.Options[i].Text = pick(t.Options[i], q.Options[i].Text)
		}
		if i < len(t.OptionFeedback) {
			q.Options[i].Feedback = pick(t.OptionFeedback[i], q.Options[i].Feedback)
		}
	}
	if q.Type == Short && keepOriginal {
		for _, o := range orig {
			if !slices.ContainsFunc(q.Options, func(x Option) bool { return x.Text == o.Text }) {
				o.ID = ""
				q.Options = append(q.Options, o)
			}
		}
	}
	if len(t.NumberFeedback) > 0 {
		q.Numbers = append([]NumericAnswer(nil), q.Numbers...)
		for i := range q.Numbers {
			if i < len(t.NumberFeedback) {
				q.Numbers[i].Feedback = pick(t.NumberFeedback[i], q.Numbers[i].Feedback)
			}
		}
	}
	q.Pairs = append([]Pair(nil), q.Pairs...)
	for i := range q.Pairs {
		if i < len(t.Left) && q.Pairs[i].Left != "" {
			q.Pairs[i].Left = pick(t.Left[i], q.Pairs[i].Left)
		}
		if i < len(t.Right) {
			q.Pairs[i].Right = pick(t.Right[i], q.Pairs[i].Right)
		}
	}
	return q
}

// Untranslated lists the languages, other than original, in which q has no
// translation or only a partial one.
func (q Question) Untranslated(original string) []string {
	var out []string
	for _, lang := range i18n.Languages {
		if lang == original {
			continue
		}
		t, ok := q.Translations[lang]
		if !ok || !t.complete(q) {
			out = append(out, lang)
		}
	}
	return out
}

// complete reports whether every text q shows has a translation.
func (t QuestionText) complete(q Question) bool {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if blank(t.Stem) || (q.StemAfter != "" && blank(t.StemAfter)) || (q.GeneralFeedback != "" && blank(t.Feedback)) ||
		(q.FeedbackTrue != "" && blank(t.FeedbackTrue)) || (q.FeedbackFalse != "" && blank(t.FeedbackFalse)) {
		return false
	}
	for i, o := range q.Options {
		if o.Feedback != "" && (i >= len(t.OptionFeedback) || blank(t.OptionFeedback[i])) {
			return false
		}
	}
	for i, n := range q.Numbers {
		if n.Feedback != "" && (i >= len(t.NumberFeedback) || blank(t.NumberFeedback[i])) {
			return false
		}
	}
	if q.Type == Single || q.Type == Multiple {
		for i := range q.Options {
			if i >= len(t.Options) || blank(t.Options[i]) {
				return false
			}
		}
	}
	for i, p := range q.Pairs {
		if (p.Left != "" && (i >= len(t.Left) || blank(t.Left[i]))) || i >= len(t.Right) || blank(t.Right[i]) {
			return false
		}
	}
	return true
}

// parseTitles reads a quiz's stored titles per language.
func parseTitles(titles string) map[string]string {
	m := map[string]string{}
	if titles != "" {
		_ = json.Unmarshal([]byte(titles), &m) // written only by us; a bad value shows the original title
	}
	return m
}

func allBlank(texts []string) bool {
	for _, s := range texts {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
