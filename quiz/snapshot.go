package quiz

import (
	"crypto/rand"
	"encoding/json"
	"html"
	"math/big"
	"sort"
	"strings"

	"tadrib/internal/markdown"
	"tadrib/internal/web"
	"tadrib/models"
)

// snapshot is an attempt's frozen questions: drawn, ordered, with their
// wording, and with option ids of this attempt only (so that ids seen in one
// attempt say nothing about another, and a matching pair's left and right
// ids never match). It holds the answer key, so it never leaves the server;
// the trainee sees its view().
type snapshot struct {
	// Lang is the language the attempt was started in: its wording (and a
	// short question's accepted answers) are that language's, for good.
	Lang      string         `json:"lang,omitempty"`
	Questions []snapQuestion `json:"questions"`
}

type snapQuestion struct {
	Q        Question   `json:"q"`                   // ids remapped for this attempt
	Stem     string     `json:"stem"`                // sanitized HTML
	StemLang string     `json:"stem_lang,omitempty"` // the stem's language when it is the original's fallback
	Options  []snapText `json:"options,omitempty"`
	Left     []snapText `json:"left,omitempty"`
	Right    []snapText `json:"right,omitempty"`
	// BankIDs maps this attempt's option ids to the bank's, so that item
	// analysis can count choices across attempts.
	BankIDs map[string]string `json:"bank_ids,omitempty"`
}

type snapText struct {
	ID   string `json:"id"`
	Text string `json:"text"`           // sanitized HTML
	Lang string `json:"lang,omitempty"` // the text's language when it is the original's fallback
}

// renderText turns a question text into sanitized HTML by its format. inline
// drops the paragraph around a one-paragraph text (option labels).
func renderText(format, src string, inline bool) string {
	var out string
	switch format {
	case FormatHTML:
		out = markdown.Sanitize(src)
	case FormatPlain:
		out = strings.ReplaceAll(html.EscapeString(src), "\n", "<br>")
	default: // markdown, and Moodle's auto-format read as Markdown
		var err error
		if out, err = markdown.ToHTML(src); err != nil {
			// Stored before the bounds (ValidateQuestion refuses such
			// texts now): shown as plain text rather than dropped.
			return renderText(FormatPlain, src, inline)
		}
		out = strings.TrimSpace(out)
		if inline && strings.HasPrefix(out, "<p>") && strings.HasSuffix(out, "</p>") && strings.Count(out, "<p>") == 1 {
			out = strings.TrimSuffix(strings.TrimPrefix(out, "<p>"), "</p>")
		}
	}
	return out
}

// randIntn is crypto-random: the draw and the order must not be predictable.
func randIntn(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

func (s *Service) intn(n int) int {
	if s.Rand != nil {
		return s.Rand(n)
	}
	return randIntn(n)
}

func (s *Service) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, s.intn(i+1))
	}
}

// idLen is the length of the ids an attempt gives its options and
// matching items.
const idLen = 6

// newID is a short random id for an option of one attempt.
func newID() string { return strings.ToLower(rand.Text()[:idLen]) }

// newIDs is n new ids, one after the other in one string.
func newIDs(n int) string {
	var b strings.Builder
	b.Grow(n * idLen)
	for range n {
		b.WriteString(newID())
	}
	return b.String()
}

// draw picks the questions of a new attempt, as indices into the bank: all
// of them, or Draw at random (from each category when DrawPerCategory), in
// bank order or shuffled.
func (s *Service) draw(quiz models.Quiz, bank []renderedQuestion) []int {
	var pick []int
	if quiz.Draw > 0 {
		groups := map[string][]int{}
		var order []string
		for i, q := range bank {
			key := ""
			if quiz.DrawPerCategory {
				key = q.Q.Category
			}
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], i)
		}
		for _, key := range order {
			idx := groups[key]
			s.shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			pick = append(pick, idx[:min(quiz.Draw, len(idx))]...)
		}
		sort.Ints(pick)
	} else {
		pick = make([]int, len(bank))
		for i := range pick {
			pick[i] = i
		}
	}
	if quiz.Shuffle {
		s.shuffle(len(pick), func(i, j int) { pick[i], pick[j] = pick[j], pick[i] })
	}
	return pick
}

// freeze draws a new attempt from the rendered bank, which it never changes
// (other attempts share it), and returns it in the compact form a node
// keeps (snapshot_compact.go), in full, and as the JSON of the attempt's
// snapshot column.
func (s *Service) freeze(quiz models.Quiz, bank *renderedBank, lang string) (*compactSnapshot, *snapshot, string, error) {
	drawn := s.draw(quiz, bank.questions)
	c := &compactSnapshot{bank: bank, lang: lang, qs: make([]compactQuestion, len(drawn))}
	// The attempt's ids are one string that its questions slice.
	n := 0
	for _, i := range drawn {
		n += idCount(&bank.questions[i].Q)
	}
	ids := newIDs(n)
	for k, i := range drawn {
		rq := &bank.questions[i]
		cq := compactQuestion{idx: int32(i)}
		m := idCount(&rq.Q)
		cq.ids, ids = ids[:m*idLen], ids[m*idLen:]
		switch rq.Q.Type {
		case Single, Multiple:
			cq.order = identity(len(rq.Q.Options))
			if quiz.Shuffle {
				s.shuffle(len(cq.order), func(i, j int) { cq.order[i], cq.order[j] = cq.order[j], cq.order[i] })
			}
		case Matching:
			lefts, rights := matchingItems(rq.Q.Pairs)
			cq.order, cq.right = identity(len(lefts)), identity(len(rights))
			// The right column is always shuffled: in bank order it would
			// line up with the left one and give the answer away.
			s.shuffle(len(cq.right), func(i, j int) { cq.right[i], cq.right[j] = cq.right[j], cq.right[i] })
			if quiz.Shuffle {
				s.shuffle(len(cq.order), func(i, j int) { cq.order[i], cq.order[j] = cq.order[j], cq.order[i] })
			}
		}
		c.qs[k] = cq
	}
	snap := c.full()
	b, err := json.Marshal(snap)
	return c, snap, string(b), err
}

// idCount is how many ids an attempt gives q: one per option (single,
// multiple, short), or one per pair and one per distinct right item
// (matching).
func idCount(q *Question) int {
	switch q.Type {
	case Single, Multiple, Short:
		return len(q.Options)
	case Matching:
		_, rights := matchingItems(q.Pairs)
		return len(q.Pairs) + len(rights)
	}
	return 0
}

// QuestionView is a question as a trainee sees it: nothing that reveals the
// answer (no weights, no correct flags, no feedback).
type QuestionView struct {
	ID       string     `json:"id"`
	Type     string     `json:"type"`
	Stem     string     `json:"stem"`
	StemLang string     `json:"stem_lang,omitempty"`
	Points   float64    `json:"points"`
	Options  []snapText `json:"options,omitempty"`
	Left     []snapText `json:"left,omitempty"`
	Right    []snapText `json:"right,omitempty"`
}

func (sn snapshot) view() []QuestionView {
	out := make([]QuestionView, len(sn.Questions))
	for i, sq := range sn.Questions {
		out[i] = QuestionView{ID: sq.Q.ID, Type: sq.Q.Type, Stem: sq.Stem, StemLang: sq.StemLang, Points: sq.Q.Points, Options: sq.Options, Left: sq.Left, Right: sq.Right}
	}
	return out
}

// question finds a question of the snapshot by id.
func (sn snapshot) question(qid string) (snapQuestion, bool) {
	for _, sq := range sn.Questions {
		if sq.Q.ID == qid {
			return sq, true
		}
	}
	return snapQuestion{}, false
}

// markdownTexts checks every text of q that renderText will read as
// Markdown against the renderer's bounds, naming the field of the first
// text each field breaks. Texts are rendered when attempts start and when
// feedback is shown: a text that would be refused then must be refused when
// it is authored.
func markdownTexts(q *Question) []web.FieldError {
	if q.Format != "" && q.Format != FormatMarkdown && q.Format != FormatMoodle {
		return nil
	}
	var errs []web.FieldError
	seen := map[string]bool{}
	check := func(field, s string) {
		if s == "" || seen[field] {
			return
		}
		if _, err := markdown.ToHTML(s); err != nil {
			seen[field] = true
			errs = append(errs, web.MarkdownField(field, err))
		}
	}
	check("stem", q.Stem)
	check("stem_after", q.StemAfter)
	check("general_feedback", q.GeneralFeedback)
	check("feedback_true", q.FeedbackTrue)
	check("feedback_false", q.FeedbackFalse)
	for _, o := range q.Options {
		check("options", o.Text)
		check("options", o.Feedback)
	}
	for _, n := range q.Numbers {
		check("numbers", n.Feedback)
	}
	for _, p := range q.Pairs {
		check("pairs", p.Left)
		check("pairs", p.Right)
	}
	for lang, t := range q.Translations {
		f := "translations." + lang
		texts := []string{t.Stem, t.StemAfter, t.Feedback, t.FeedbackTrue, t.FeedbackFalse}
		for _, list := range [][]string{t.Options, t.Left, t.Right, t.OptionFeedback, t.NumberFeedback} {
			texts = append(texts, list...)
		}
		for _, s := range texts {
			check(f, s)
		}
	}
	return errs
}
