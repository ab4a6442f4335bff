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

func (s *Service) renderedBank(ctx context.Context, q models.Quiz, lang, original string) (*renderedBank, error) {
	c := &s.banks
	key := bankKey{q.ID, lang + "/" + original}
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
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedBanks {
		c.m = map[bankKey]*renderedBank{}
	}
	c.m[key] = rb
	c.mu.Unlock()
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
