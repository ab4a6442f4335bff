package quiz

import "tadrib/internal/i18n"

// The English of every problem ParseGIFT and the imports
// report, by catalogue key: GIFTError.Message is written with it (the API's
// and the log's text when nobody translates), and the handlers translate
// Key and Args into the reader's language (assets/i18n/imports.<lang>.json,
// whose English must be this text: imports_catalog_test.go).
var _ = i18n.RegisterEnglish(map[string]string{
	"gift.too_large":              "the GIFT text is larger than %d MiB",
	"gift.question_too_long":      "question is longer than %d KiB",
	"gift.not_utf8":               "invalid UTF-8",
	"gift.nul":                    "NUL byte in the text",
	"gift.title_open":             `the title is not closed: write ::title:: (a ":" in a title is written \:)`,
	"gift.close_without_open":     `"}" without "{" (write \} for a brace in the text)`,
	"gift.open_not_closed":        `"{" is never closed: the answers must end with "}"`,
	"gift.close_before_open":      `"}" before the answers' "{" (write \} for a brace in the text)`,
	"gift.nested_open":            `"{" is not closed before the next "{": a "}" is missing`,
	"gift.second_open":            `a second "{": a question has one set of answers (write \{ for a brace in the text)`,
	"gift.close_after":            `"}" after the answers (write \} for a brace in the text)`,
	"gift.unknown_format":         "unknown format [%s]: use [html], [markdown], [plain] or [moodle]",
	"gift.choice_two":             "a multiple choice question needs at least two answers",
	"gift.empty_answer":           "empty answer",
	"gift.matching_two":           "a matching question needs at least two pairs",
	"gift.not_pair":               "%q is not a pair: write =left -> right",
	"gift.line_not_pair":          "this line is not a pair: write =left -> right",
	"gift.no_right":               "the pair has no right item: write =left -> right",
	"gift.short_answer":           "a short answer question needs an answer",
	"gift.numerical_answer":       "a numerical question needs an answer, e.g. {#3:0.5}",
	"gift.numerical_other":        `in a numerical question "~" only gives the feedback for any other answer: write ~#feedback`,
	"gift.numerical_second_other": `a second "~" in a numerical question (write \~ in feedback)`,
	"gift.numerical_after_other":  `answers after ~#feedback: it must come last (write \= in feedback)`,
	"gift.bad_weight":             "bad weight %%%s%%: expected a percentage such as %%50%% or %%-33.33333%%",
	"gift.weight_range":           "weight %%%s%% is out of range (-100%% to 100%%)",
	"gift.number_empty":           "empty numerical answer",
	"gift.range_bad":              "%q is not a range of numbers (min..max)",
	"gift.range_down":             "the range %q goes down: write min..max",
	"gift.not_number":             "%q is not a number",
	"gift.tolerance_bad":          "tolerance %q is not a number",
	"gift.tolerance_negative":     "tolerance %q is negative",
	"gift.too_many_questions":     "a quiz holds at most %d questions: it has %d, and this adds %d",
	"gift.invalid":                "%s: %s",
	"gift.translation_count":      "%d questions, the original has %d: a translation holds the same questions in the same order",
	"gift.translation_mismatch":   "question %d does not match the original (line %d): %s",
	"gift.diff.type":              "type %s, the original is %s",
	"gift.diff.points":            "points differ",
	"gift.diff.options":           "%d answers, the original has %d",
	"gift.diff.pairs":             "%d pairs, the original has %d",
	"gift.diff.right":             "the right answer differs",
	"gift.diff.weight":            "answer %d has another weight",
	"gift.diff.pair":              "pair %d differs",
	"gift.diff.numbers":           "the numbers differ",
	"gift.quiz_setting":           "quiz %s: %s",
})

// giftError is a GIFTError at line for a problem registered in gift_messages.go.
func giftError(line int, key string, args ...any) GIFTError {
	return GIFTError{Line: line, Message: i18n.English(key, args...), Key: key, Args: args}
}

// Localize translates the problems' messages with t (a handler's
// translation into the request's language).
func Localize(errs []GIFTError, t func(key string, args ...any) string) []GIFTError {
	for i, e := range errs {
		if e.Key != "" {
			errs[i].Message = t(e.Key, e.Args...)
		}
	}
	return errs
}
