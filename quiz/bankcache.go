package quiz

import (
	"context"
	"sync"

	"tadrib/models"
)

// renderedBank is a quiz's bank as attempts freeze it: parsed, with every
// text already turned into sanitized HTML. Rendering Markdown was a third of
// the work of starting an attempt, done again for each of the trainees who
// start the same quiz in the same minute.
type renderedBank struct {
	version   int
	questions []renderedQuestion
}

type renderedQuestion struct {
	Q     Question
	Stem  string            // HTML, the text after a missing word included
	Texts map[string]string // HTML of options (by option id), matching left items (by pair id) and right items (by right id)
}

// bankCache holds rendered banks by quiz id. An entry is used only while
// the quiz row read by the caller has the same bank version, so an edit on
// any node is seen by every node at its next start.
type bankCache struct {
	mu sync.Mutex
	m  map[bankKey]*renderedBank
}

// bankKey names a rendered bank: a quiz in one language ("" is the
// original wording).
type bankKey struct {
	quiz int64
	lang string
}

// maxCachedBanks bounds the cache: a few hundred quizzes are live at once,
// in up to three languages.
const maxCachedBanks = 512

func (s *Service) renderedBank(ctx context.Context, q models.Quiz, lang string) (*renderedBank, error) {
	c := &s.banks
	key := bankKey{q.ID, lang}
	c.mu.Lock()
	rb, ok := c.m[key]
	c.mu.Unlock()
	if ok && rb.version == q.BankVersion {
		return rb, nil
	}
	bank, err := s.Bank(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	rb = &renderedBank{version: q.BankVersion, questions: make([]renderedQuestion, len(bank))}
	for i, bq := range bank {
		bq = bq.In(lang)
		rq := renderedQuestion{Q: bq, Stem: renderText(bq.Format, bq.Stem, false), Texts: map[string]string{}}
		if bq.StemAfter != "" {
			rq.Stem += " " + renderText(bq.Format, "_____ "+bq.StemAfter, false)
		}
		for _, o := range bq.Options {
			rq.Texts[o.ID] = renderText(bq.Format, o.Text, true)
		}
		for _, p := range bq.Pairs {
			rq.Texts["l:"+p.ID] = renderText(bq.Format, p.Left, true)
			rq.Texts["r:"+p.RightID] = renderText(bq.Format, p.Right, true)
		}
		rb.questions[i] = rq
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedBanks {
		c.m = map[bankKey]*renderedBank{}
	}
	c.m[key] = rb
	c.mu.Unlock()
	return rb, nil
}
