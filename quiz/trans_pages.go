package quiz

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/i18n"
)

// transBlock is one language's part of the question form: its texts lined
// up with the form's option and pair rows.
type transBlock struct {
	Lang                        string
	Stem                        string
	Feedback                    string
	Options                     []string // by option row
	OptFeedback                 []string // by option row
	NumFeedback                 []string // by numerical answer row
	FeedbackTrue, FeedbackFalse string
	Left                        []string // by pair row
	Right                       []string
	Complete                    bool
}

// otherLangs are the languages a course's texts are translated into.
func otherLangs(original string) []string {
	var out []string
	for _, l := range i18n.Languages {
		if l != original {
			out = append(out, l)
		}
	}
	return out
}

// transBlocks builds the translation part of the form of q, whose original
// is in the language original, for rows option and pair rows.
func transBlocks(q Question, original string, optionRows, pairRows int) []transBlock {
	var out []transBlock
	for _, lang := range otherLangs(original) {
		t := q.Translations[lang]
		b := transBlock{Lang: lang, Stem: t.Stem, Feedback: t.Feedback,
			Options: padded(t.Options, optionRows), Left: padded(t.Left, pairRows), Right: padded(t.Right, pairRows),
			OptFeedback: padded(t.OptionFeedback, optionRows), FeedbackTrue: t.FeedbackTrue, FeedbackFalse: t.FeedbackFalse,
			NumFeedback: padded(t.NumberFeedback, len(q.Numbers))}
		_, has := q.Translations[lang]
		b.Complete = has && t.complete(q)
		out = append(out, b)
	}
	return out
}

// translationsFromForm reads the translation fields of the question form
// (tr_<lang>_stem, tr_<lang>_opt_<row>, tr_<lang>_left_<row>, …), keeping
// only the rows whose original text was filled in, as questionFromForm
// does, so that the counts always match. Empty ones are dropped by
// validation.
func translationsFromForm(c *fiber.Ctx) map[string]QuestionText {
	out := map[string]QuestionText{}
	for _, lang := range i18n.Languages {
		p := "tr_" + lang + "_"
		t := QuestionText{Stem: c.FormValue(p + "stem"), Feedback: c.FormValue(p + "feedback"),
			FeedbackTrue: strings.TrimSpace(c.FormValue(p + "feedback_true")), FeedbackFalse: strings.TrimSpace(c.FormValue(p + "feedback_false"))}
		for i := 0; i < 20; i++ {
			k := strconv.Itoa(i)
			if strings.TrimSpace(c.FormValue("opt_text_"+k)) != "" {
				t.Options = append(t.Options, strings.TrimSpace(c.FormValue(p+"opt_"+k)))
				t.OptionFeedback = append(t.OptionFeedback, strings.TrimSpace(c.FormValue(p+"opt_feedback_"+k)))
			}
			if strings.TrimSpace(c.FormValue("num_value_"+k)) != "" || c.FormValue("num_min_"+k) != "" {
				t.NumberFeedback = append(t.NumberFeedback, strings.TrimSpace(c.FormValue(p+"num_feedback_"+k)))
			}
			if strings.TrimSpace(c.FormValue("pair_right_"+k)) != "" {
				t.Left = append(t.Left, strings.TrimSpace(c.FormValue(p+"left_"+k)))
				t.Right = append(t.Right, strings.TrimSpace(c.FormValue(p+"right_"+k)))
			}
		}
		out[lang] = t
	}
	return out
}

// titlesFromForm reads the quiz title per language (title_<lang>).
func titlesFromForm(c *fiber.Ctx) map[string]string {
	out := map[string]string{}
	for _, lang := range i18n.Languages {
		if v := strings.TrimSpace(c.FormValue("title_" + lang)); v != "" {
			out[lang] = v
		}
	}
	return out
}
