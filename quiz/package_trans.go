package quiz

import (
	"encoding/json"
	"math"
	"slices"
	"tadrib/internal/i18n"

	"tadrib/courses/coursepkg"
)

// translatedGIFT writes, per language any question is translated into, the
// whole bank worded in that language (an untranslated text as the
// original), in the bank's order: a package's quiz.<lang>.gift.
func translatedGIFT(bank []Question) map[string]coursepkg.QuizTranslationFile {
	var langs []string
	for _, q := range bank {
		for lang := range q.Translations {
			if !slices.Contains(langs, lang) {
				langs = append(langs, lang)
			}
		}
	}
	if len(langs) == 0 {
		return nil
	}
	out := map[string]coursepkg.QuizTranslationFile{}
	for _, lang := range langs {
		qs := make([]Question, len(bank))
		for i, q := range bank {
			qs[i] = q.worded(lang, false)
		}
		out[lang] = coursepkg.QuizTranslationFile{Text: ExportGIFT(qs)}
	}
	return out
}

// attachTranslation reads a translation GIFT file into qs[i].Translations:
// it must hold as many questions as qs, each with the same structure
// (type, points, answers, weights, pairs); a text equal to the original's
// counts as untranslated.
func attachTranslation(qs []Question, lang string, tf coursepkg.QuizTranslationFile) coursepkg.PackageErrors {
	var perrs coursepkg.PackageErrors
	add := func(line int, key string, args ...any) {
		perrs = append(perrs, packageError(tf.File, line, key, args...))
	}
	ts, gerrs := ParseGIFT(tf.Text)
	for _, e := range gerrs {
		add(e.Line, e.Key, e.Args...)
	}
	if len(gerrs) > 0 {
		return perrs
	}
	if len(ts) != len(qs) {
		add(0, "gift.translation_count", len(ts), len(qs))
		return perrs
	}
	for i := range qs {
		o, t := qs[i], ts[i]
		if what := structureDiff(o, t); what != nil {
			add(t.Line, "gift.translation_mismatch", i+1, o.Line, *what)
			continue
		}
		same := func(tr, orig string) string {
			if tr == orig {
				return ""
			}
			return tr
		}
		qt := QuestionText{Stem: same(t.Stem, o.Stem), StemAfter: same(t.StemAfter, o.StemAfter), Feedback: same(t.GeneralFeedback, o.GeneralFeedback),
			FeedbackTrue: same(t.FeedbackTrue, o.FeedbackTrue), FeedbackFalse: same(t.FeedbackFalse, o.FeedbackFalse)}
		if len(o.Options) > 0 {
			qt.Options = make([]string, len(o.Options))
			qt.OptionFeedback = make([]string, len(o.Options))
			for j := range o.Options {
				qt.Options[j] = same(t.Options[j].Text, o.Options[j].Text)
				qt.OptionFeedback[j] = same(t.Options[j].Feedback, o.Options[j].Feedback)
			}
		}
		if len(o.Numbers) > 0 {
			qt.NumberFeedback = make([]string, len(o.Numbers))
			for j := range o.Numbers {
				qt.NumberFeedback[j] = same(t.Numbers[j].Feedback, o.Numbers[j].Feedback)
			}
		}
		if len(o.Pairs) > 0 {
			qt.Left, qt.Right = make([]string, len(o.Pairs)), make([]string, len(o.Pairs))
			for j := range o.Pairs {
				qt.Left[j], qt.Right[j] = same(t.Pairs[j].Left, o.Pairs[j].Left), same(t.Pairs[j].Right, o.Pairs[j].Right)
			}
		}
		if qt.empty() {
			continue
		}
		if qs[i].Translations == nil {
			qs[i].Translations = map[string]QuestionText{}
		}
		qs[i].Translations[lang] = qt
	}
	return perrs
}

// structureDiff names what differs between a question and its translation
// besides their texts, or returns "".
func structureDiff(o, t Question) *i18n.Msg {
	eq := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	switch {
	case o.Type != t.Type:
		return msg("gift.diff.type", i18n.M("qtype."+t.Type), i18n.M("qtype."+o.Type))
	case !eq(o.Points, t.Points):
		return msg("gift.diff.points")
	case len(o.Options) != len(t.Options):
		return msg("gift.diff.options", len(t.Options), len(o.Options))
	case len(o.Pairs) != len(t.Pairs):
		return msg("gift.diff.pairs", len(t.Pairs), len(o.Pairs))
	case (o.Correct == nil) != (t.Correct == nil) || (o.Correct != nil && *o.Correct != *t.Correct):
		return msg("gift.diff.right")
	}
	for j := range o.Options {
		if !eq(o.Options[j].Weight, t.Options[j].Weight) {
			return msg("gift.diff.weight", j+1)
		}
	}
	for j := range o.Pairs {
		if (o.Pairs[j].Left == "") != (t.Pairs[j].Left == "") {
			return msg("gift.diff.pair", j+1)
		}
	}
	noFeedback := func(ns []NumericAnswer) []NumericAnswer {
		out := append([]NumericAnswer(nil), ns...)
		for i := range out {
			out[i].Feedback = "" // a text: translated, not structure
		}
		return out
	}
	on, _ := json.Marshal(noFeedback(o.Numbers))
	tn, _ := json.Marshal(noFeedback(t.Numbers))
	if string(on) != string(tn) {
		return msg("gift.diff.numbers")
	}
	return nil
}

func msg(key string, args ...any) *i18n.Msg {
	m := i18n.M(key, args...)
	return &m
}

func sortedLangs(m map[string]coursepkg.QuizTranslationFile) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
