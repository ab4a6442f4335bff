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

// newID is a short random id for an option of one attempt.
func newID() string { return strings.ToLower(rand.Text()[:6]) }

// draw picks the questions of a new attempt: all of them, or Draw at random
// (from each category when DrawPerCategory), in bank order or shuffled.
func (s *Service) draw(quiz models.Quiz, bank []renderedQuestion) []renderedQuestion {
	pick := bank
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
		var chosen []int
		for _, key := range order {
			idx := groups[key]
			s.shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			chosen = append(chosen, idx[:min(quiz.Draw, len(idx))]...)
		}
		sort.Ints(chosen)
		pick = make([]renderedQuestion, len(chosen))
		for i, c := range chosen {
			pick[i] = bank[c]
		}
	}
	out := append([]renderedQuestion(nil), pick...)
	if quiz.Shuffle {
		s.shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	}
	return out
}

// freeze builds the snapshot of a new attempt from the rendered bank, which
// it never changes (other attempts share it).
func (s *Service) freeze(quiz models.Quiz, bank []renderedQuestion, lang string) (*snapshot, string, error) {
	snap := &snapshot{Lang: lang}
	for _, rq := range s.draw(quiz, bank) {
		q := rq.Q
		q.Options = append([]Option(nil), rq.Q.Options...)
		q.Pairs = append([]Pair(nil), rq.Q.Pairs...)
		sq := snapQuestion{Stem: rq.Stem, StemLang: rq.StemLang}
		switch q.Type {
		case Single, Multiple:
			if quiz.Shuffle {
				s.shuffle(len(q.Options), func(i, j int) { q.Options[i], q.Options[j] = q.Options[j], q.Options[i] })
			}
			sq.BankIDs = map[string]string{}
			for i := range q.Options {
				bankID := q.Options[i].ID
				q.Options[i].ID = newID()
				sq.BankIDs[q.Options[i].ID] = bankID
				sq.Options = append(sq.Options, snapText{ID: q.Options[i].ID, Text: rq.Texts[bankID], Lang: rq.Langs[bankID]})
			}
		case Short:
			for i := range q.Options {
				q.Options[i].ID = newID()
			}
		case Matching:
			rightIDs := map[string]string{} // bank right id → attempt right id
			for i := range q.Pairs {
				p := &q.Pairs[i]
				if _, ok := rightIDs[p.RightID]; !ok {
					rightIDs[p.RightID] = newID()
					sq.Right = append(sq.Right, snapText{ID: rightIDs[p.RightID], Text: rq.Texts["r:"+p.RightID], Lang: rq.Langs["r:"+p.RightID]})
				}
				leftText, leftLang := rq.Texts["l:"+p.ID], rq.Langs["l:"+p.ID]
				p.RightID = rightIDs[p.RightID]
				p.ID = newID()
				if p.Left != "" {
					sq.Left = append(sq.Left, snapText{ID: p.ID, Text: leftText, Lang: leftLang})
				}
			}
			// The right column is always shuffled: in bank order it would
			// line up with the left one and give the answer away.
			s.shuffle(len(sq.Right), func(i, j int) { sq.Right[i], sq.Right[j] = sq.Right[j], sq.Right[i] })
			if quiz.Shuffle {
				s.shuffle(len(sq.Left), func(i, j int) { sq.Left[i], sq.Left[j] = sq.Left[j], sq.Left[i] })
			}
		}
		sq.Q = q
		snap.Questions = append(snap.Questions, sq)
	}
	b, err := json.Marshal(snap)
	return snap, string(b), err
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
