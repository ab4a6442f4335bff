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
	lang      string
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
	// rendering are the banks being rendered: the trainees who start an
	// exam together (or whose saves reach a node that has just restarted)
	// wait for one rendering instead of each doing it.
	rendering map[bankKey]*bankRendering
}

type bankRendering struct {
	version int
	done    chan struct{} // closed when rb and err are set
	rb      *renderedBank
	err     error
}

// cached is the rendered bank of the quiz in lang this node holds, of
// whatever version, or nil.
func (c *bankCache) cached(quizID int64, lang string) *renderedBank {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[bankKey{quizID, lang}]
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
	if rb, ok := c.m[key]; ok && rb.version == q.BankVersion {
		c.mu.Unlock()
		return rb, nil
	}
	if r, ok := c.rendering[key]; ok && r.version == q.BankVersion {
		c.mu.Unlock()
		select {
		case <-r.done:
			if r.err == nil {
				return r.rb, nil
			}
			// Its request's failure (a cancelled request, a database
			// error) is not this one's: render for this request.
			return s.renderBank(ctx, q, lang)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	r := &bankRendering{version: q.BankVersion, done: make(chan struct{})}
	if c.rendering == nil {
		c.rendering = map[bankKey]*bankRendering{}
	}
	c.rendering[key] = r
	c.mu.Unlock()

	r.rb, r.err = s.renderBank(ctx, q, lang)
	c.mu.Lock()
	if c.rendering[key] == r {
		delete(c.rendering, key)
	}
	if r.err == nil {
		if c.m == nil || len(c.m) >= maxCachedBanks {
			c.m = map[bankKey]*renderedBank{}
		}
		c.m[key] = r.rb
	}
	c.mu.Unlock()
	close(r.done)
	return r.rb, r.err
}

// renderBank reads the quiz's bank and renders it in lang.
func (s *Service) renderBank(ctx context.Context, q models.Quiz, lang string) (*renderedBank, error) {
	bank, err := s.Bank(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	rb := &renderedBank{version: q.BankVersion, lang: lang, questions: make([]renderedQuestion, len(bank))}
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
	return rb, nil
}
