// Package quiz owns the question bank and quizzes, attempts (frozen when they
// start, autosaved one answer at a time, graded on submit or when their time
// runs out), essay grading, Moodle GIFT import and export, and item analysis.
//
// This file defines a question as authored, the answer bodies trainees send,
// and their validation. Grading is in grade.go (pure functions), GIFT in
// gift_read.go and gift_write.go; neither touches the database.
package quiz

// Question types (openapi.json, schema QuestionType).
const (
	Single      = "single"      // one choice; options carry weights in [-1, 1]
	Multiple    = "multiple"    // several choices; weights add up, the total never below 0
	TrueFalse   = "true_false"  // one boolean
	Short       = "short"       // free text, compared with accepted answers
	Numerical   = "numerical"   // a number, exact with tolerance, or within a range
	Matching    = "matching"    // pairs left items with right items
	Essay       = "essay"       // free text, graded by a trainer
	Description = "description" // text only, not graded, no points
)

// Types lists every question type.
var Types = []string{Single, Multiple, TrueFalse, Short, Numerical, Matching, Essay, Description}

// Text formats of stems, options and feedback (GIFT's [markdown] [html]
// [plain] markers; "moodle" is GIFT's default "moodle auto-format", which we
// render as Markdown).
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
	FormatPlain    = "plain"
	FormatMoodle   = "moodle"
)

// Question is one question as its author wrote it. Texts (Stem, option Text,
// feedback) are source text in Format; they become sanitized HTML only when
// shown. Which fields are used depends on Type:
//
//	single, multiple   Options (Weight is the fraction of Points: 1 = 100 %, -0.5 = -50 %)
//	true_false         Correct, FeedbackTrue (shown when the answer is true), FeedbackFalse
//	short              Options: accepted answers (Text) with their Weight and Feedback
//	numerical          Numbers
//	matching           Pairs; a pair with an empty Left is a distractor on the right
//	essay, description nothing more
type Question struct {
	ID       string `json:"id,omitempty"` // the bank's id; empty before it is stored
	Type     string `json:"type"`
	Name     string `json:"name,omitempty"`     // GIFT's ::title::
	Category string `json:"category,omitempty"` // GIFT's $CATEGORY: path, e.g. "top/Définitions"
	Format   string `json:"format,omitempty"`   // of every text of the question; "" means markdown
	Stem     string `json:"stem"`
	// StemAfter is the text after the answer braces in GIFT's "missing word"
	// form ("The sky is {=blue ~green} today."): Stem holds the text before.
	StemAfter       string          `json:"stem_after,omitempty"`
	Points          float64         `json:"points"` // default 1; 0 for description
	Options         []Option        `json:"options,omitempty"`
	Correct         *bool           `json:"correct,omitempty"` // true_false
	FeedbackTrue    string          `json:"feedback_true,omitempty"`
	FeedbackFalse   string          `json:"feedback_false,omitempty"`
	Numbers         []NumericAnswer `json:"numbers,omitempty"`
	Pairs           []Pair          `json:"pairs,omitempty"`
	GeneralFeedback string          `json:"general_feedback,omitempty"`
	// Translations is the question's wording in other languages (fr, ar,
	// en), texts only; see translation.go.
	Translations map[string]QuestionText `json:"translations,omitempty"`
	// Line is where the question starts in the GIFT text it was read from
	// (1-based), so that errors found after parsing can name it. Not stored.
	Line int `json:"-"`
}

// Option is a choice (single, multiple) or an accepted answer (short).
type Option struct {
	ID       string  `json:"id,omitempty"` // stable within the question: "1", "2", …
	Text     string  `json:"text"`
	Weight   float64 `json:"weight"` // fraction of the question's points, -1 … 1
	Feedback string  `json:"feedback,omitempty"`
}

// NumericAnswer is an accepted number: Value ± Tolerance, or, with IsRange,
// anything in [Min, Max].
type NumericAnswer struct {
	Value     float64 `json:"value,omitempty"`
	Tolerance float64 `json:"tolerance,omitempty"`
	IsRange   bool    `json:"is_range,omitempty"`
	Min       float64 `json:"min,omitempty"`
	Max       float64 `json:"max,omitempty"`
	Weight    float64 `json:"weight"`
	Feedback  string  `json:"feedback,omitempty"`
}

// Pair is one matching pair. A distractor (a right item no left item goes
// to) has an empty Left. ID names the left item and RightID the right item in
// answers; a right text that several pairs share is one right item, so
// grading compares right texts, not ids.
type Pair struct {
	ID      string `json:"id,omitempty"`
	Left    string `json:"left"`
	RightID string `json:"right_id,omitempty"`
	Right   string `json:"right"`
}

// Answer is what a trainee sends for one question (openapi.json, schema Answer):
//
//	single      {"choice": "optid"}
//	multiple    {"choices": ["a", "b"]}
//	true_false  {"value": true}
//	short       {"text": "..."}
//	numerical   {"number": 3.5}
//	matching    {"pairs": {"leftid": "rightid"}}
//	essay       {"text": "..."}
//
// The ids are those the attempt showed (its frozen snapshot), not the bank's.
type Answer struct {
	Choice  *string           `json:"choice,omitempty"`
	Choices []string          `json:"choices,omitempty"`
	Value   *bool             `json:"value,omitempty"`
	Text    *string           `json:"text,omitempty"`
	Number  *float64          `json:"number,omitempty"`
	Pairs   map[string]string `json:"pairs,omitempty"`
}
