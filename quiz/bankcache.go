package quiz

import (
	"context"
	"strings"
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
	// StemLang and Langs (keyed as Texts) name the language of a text shown
	// in the original's language because the question has no translation
	// of it in the attempt's: the page marks it (lang, dir) and isolates it.
	// "" is the attempt's own language.
	StemLang string
	Langs    map[string]string
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

// cached is a rendered bank of the quiz in lang this node holds, of
// whatever version and original language, or nil. A snapshot read back is
// kept compact only if it rebuilds from the bank to the same bytes, so a
// bank that does not fit it is harmless.
func (c *bankCache) cached(quizID int64, lang string) *renderedBank {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, rb := range c.m {
		if k.quiz == quizID && k.lang == lang {
			return rb
		}
	}
	return nil
}

// bankKey names a rendered bank: a quiz in one language ("" is the
// original wording), whose untranslated texts are marked as the original
// language's.
type bankKey struct {
	quiz     int64
	lang     string
	original string
}

// maxCachedBanks bounds the cache: a few hundred quizzes are live at once,
// in up to three languages.
const maxCachedBanks = 512

func (s *Service) renderedBank(ctx context.Context, q models.Quiz, lang, original string) (*renderedBank, error) {
	c := &s.banks
	key := bankKey{q.ID, lang, original}
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
			return s.renderBank(ctx, q, lang, original)
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

	r.rb, r.err = s.renderBank(ctx, q, lang, original)
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

// renderBank reads the quiz's bank and renders it in lang, marking the texts
// that stay in the original language.
func (s *Service) renderBank(ctx context.Context, q models.Quiz, lang, original string) (*renderedBank, error) {
	bank, err := s.Bank(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	rb := &renderedBank{version: q.BankVersion, lang: lang, questions: make([]renderedQuestion, len(bank))}
	for i, bq := range bank {
		fb := fallbacks(bq, lang, original)
		bq = bq.In(lang)
		rq := renderedQuestion{Q: bq, Stem: renderText(bq.Format, bq.Stem, false), Texts: map[string]string{},
			StemLang: fb.stem, Langs: fb.texts}
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

// fallback is which texts of a question stay in the original language.
type fallback struct {
	stem  string
	texts map[string]string // as renderedQuestion.Texts
}

// fallbacks finds the texts of bq (with its translations) that an attempt
// in lang shows in the original language: all of them without a
// translation, the blank ones of a partial translation. Nothing when lang is
// the original, or either is unknown.
func fallbacks(bq Question, lang, original string) fallback {
	fb := fallback{texts: map[string]string{}}
	if lang == "" || original == "" || lang == original {
		return fb
	}
	t := bq.Translations[lang]
	orig := func(tr []string, i int) string {
		if i < len(tr) && strings.TrimSpace(tr[i]) != "" {
			return ""
		}
		return original
	}
	if strings.TrimSpace(t.Stem) == "" {
		fb.stem = original
	}
	for i, o := range bq.Options {
		fb.texts[o.ID] = orig(t.Options, i)
	}
	for i, p := range bq.Pairs {
		fb.texts["l:"+p.ID] = orig(t.Left, i)
		fb.texts["r:"+p.RightID] = orig(t.Right, i)
	}
	return fb
}
