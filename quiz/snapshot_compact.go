package quiz

// The compact form of an attempt's snapshot that a node keeps in memory.
//
// Every attempt of a quiz is frozen from the same rendered bank
// (bankcache.go): its questions, wording and HTML are the bank's, and what
// is the attempt's own is small — which questions, in which order, the
// order of the options and matching items, and the random ids it gave them.
// A full snapshot repeats the bank for each attempt (about 20 KB for 20
// questions: BenchmarkOpenAttempts); the compact form points at the
// bank and keeps only the attempt's own part (about 2 KB), and builds the
// full questions when they are needed.
//
// The database column `snapshot` stays the full JSON, and stays the
// attempt's truth: a compact form is only ever built from a bank whose
// full snapshot is, byte for byte, that column (freeze writes the column
// from it; a snapshot read back is compacted only if it rebuilds to the
// same bytes), so an edited bank (a new rendered bank) or a node that never
// had the bank cannot change an attempt's questions. The bank it points at
// is never changed once rendered, and stays alive for as long as an
// attempt points at it, whatever the bank cache holds.

import (
	"bytes"
	"encoding/json"
)

// compactSnapshot is an attempt's snapshot as a reference to the rendered
// bank it was frozen from plus the attempt's own choices.
type compactSnapshot struct {
	bank *renderedBank
	lang string
	qs   []compactQuestion
}

// compactQuestion is one question of an attempt.
type compactQuestion struct {
	idx int32 // in bank.questions
	// order is, for single and multiple, the bank's option indices in the
	// attempt's order; for matching, the order the left items are shown
	// in, as indices into the pairs that have a left item.
	order []int32
	// right is, for matching, the order the right items are shown in, as
	// indices into the question's distinct right items (in the order the
	// pairs first name them).
	right []int32
	// ids are the attempt's ids, idLen bytes each, one after the other:
	// its options in the attempt's order (single, multiple, short), or
	// its pairs' left ids in bank order then its distinct right items'
	// ids (matching).
	ids string
}

func identity(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// matchingItems are a matching question's pairs that show a left item (by
// index into pairs), and its distinct right items (by bank right id), in
// the order the pairs name them.
func matchingItems(pairs []Pair) (lefts []int, rights []string) {
	seen := map[string]bool{}
	for i, p := range pairs {
		if p.Left != "" {
			lefts = append(lefts, i)
		}
		if !seen[p.RightID] {
			seen[p.RightID] = true
			rights = append(rights, p.RightID)
		}
	}
	return lefts, rights
}

func (cq compactQuestion) id(k int) string { return cq.ids[k*idLen : (k+1)*idLen] }

// question builds the attempt's question i in full.
func (c *compactSnapshot) question(i int) snapQuestion {
	cq := c.qs[i]
	rq := &c.bank.questions[cq.idx]
	q := rq.Q // the bank's slices are copied before any id is changed
	q.Options = append([]Option(nil), rq.Q.Options...)
	q.Pairs = append([]Pair(nil), rq.Q.Pairs...)
	sq := snapQuestion{Stem: rq.Stem, StemLang: rq.StemLang}
	switch q.Type {
	case Single, Multiple:
		sq.BankIDs = make(map[string]string, len(cq.order))
		sq.Options = make([]snapText, len(cq.order))
		for k, bi := range cq.order {
			o := rq.Q.Options[bi]
			bankID := o.ID
			o.ID = cq.id(k)
			q.Options[k] = o
			sq.BankIDs[o.ID] = bankID
			sq.Options[k] = snapText{ID: o.ID, Text: rq.Texts[bankID], Lang: rq.Langs[bankID]}
		}
	case Short:
		for k := range q.Options {
			q.Options[k].ID = cq.id(k)
		}
	case Matching:
		var lefts, rights []snapText
		rightOf := map[string]int{} // bank right id → index in rights
		for k := range q.Pairs {
			p := &q.Pairs[k]
			ri, ok := rightOf[p.RightID]
			if !ok {
				ri = len(rights)
				rightOf[p.RightID] = ri
				rights = append(rights, snapText{ID: cq.id(len(q.Pairs) + ri), Text: rq.Texts["r:"+p.RightID], Lang: rq.Langs["r:"+p.RightID]})
			}
			leftText, leftLang := rq.Texts["l:"+p.ID], rq.Langs["l:"+p.ID]
			p.RightID = rights[ri].ID
			p.ID = cq.id(k)
			if p.Left != "" {
				lefts = append(lefts, snapText{ID: p.ID, Text: leftText, Lang: leftLang})
			}
		}
		sq.Left = permuted(lefts, cq.order)
		sq.Right = permuted(rights, cq.right)
	}
	sq.Q = q
	return sq
}

func permuted(items []snapText, order []int32) []snapText {
	if len(items) == 0 {
		return nil
	}
	out := make([]snapText, len(order))
	for k, i := range order {
		out[k] = items[i]
	}
	return out
}

// full builds the whole snapshot.
func (c *compactSnapshot) full() *snapshot {
	sn := &snapshot{Lang: c.lang, Questions: make([]snapQuestion, len(c.qs))}
	for i := range c.qs {
		sn.Questions[i] = c.question(i)
	}
	return sn
}

// find builds the attempt's question qid.
func (c *compactSnapshot) find(qid string) (snapQuestion, bool) {
	for i, cq := range c.qs {
		if c.bank.questions[cq.idx].Q.ID == qid {
			return c.question(i), true
		}
	}
	return snapQuestion{}, false
}

// compact returns the compact form of sn against bank when it rebuilds to
// exactly the JSON raw (the attempt's snapshot column, which sn was read
// from); otherwise nil, and the caller keeps sn.
func compact(bank *renderedBank, sn *snapshot, raw []byte) *compactSnapshot {
	if bank == nil || bank.lang != sn.Lang {
		return nil
	}
	byID := make(map[string]int, len(bank.questions))
	for i, rq := range bank.questions {
		byID[rq.Q.ID] = i
	}
	c := &compactSnapshot{bank: bank, lang: sn.Lang, qs: make([]compactQuestion, len(sn.Questions))}
	for i, sq := range sn.Questions {
		bi, ok := byID[sq.Q.ID]
		if !ok || bank.questions[bi].Q.Type != sq.Q.Type {
			return nil
		}
		cq, ok := compactQuestionOf(&bank.questions[bi], sq)
		if !ok {
			return nil
		}
		cq.idx = int32(bi)
		c.qs[i] = cq
	}
	rebuilt, err := json.Marshal(c.full())
	if err != nil || !bytes.Equal(rebuilt, raw) {
		return nil
	}
	return c
}

// compactQuestionOf is sq's own part against the bank question rq, when
// its counts and ids fit rq (question builds from these without a check).
func compactQuestionOf(rq *renderedQuestion, sq snapQuestion) (compactQuestion, bool) {
	var cq compactQuestion
	var ids []byte
	add := func(id string) bool {
		ids = append(ids, id...)
		return len(id) == idLen
	}
	switch sq.Q.Type {
	case Single, Multiple:
		if len(sq.Options) != len(rq.Q.Options) {
			return cq, false
		}
		for _, o := range sq.Options {
			k := indexOf(rq.Q.Options, func(b Option) bool { return b.ID == sq.BankIDs[o.ID] })
			if k < 0 || !add(o.ID) {
				return cq, false
			}
			cq.order = append(cq.order, int32(k))
		}
	case Short:
		if len(sq.Q.Options) != len(rq.Q.Options) {
			return cq, false
		}
		for _, o := range sq.Q.Options {
			if !add(o.ID) {
				return cq, false
			}
		}
	case Matching:
		bankLefts, bankRights := matchingItems(rq.Q.Pairs)
		if len(sq.Q.Pairs) != len(rq.Q.Pairs) || len(sq.Left) != len(bankLefts) || len(sq.Right) != len(bankRights) {
			return cq, false
		}
		var lefts, rights []string // the attempt's ids, in bank order
		for _, p := range sq.Q.Pairs {
			if !add(p.ID) {
				return cq, false
			}
			if p.Left != "" {
				lefts = append(lefts, p.ID)
			}
			if indexOf(rights, func(r string) bool { return r == p.RightID }) < 0 {
				rights = append(rights, p.RightID)
			}
		}
		if len(lefts) != len(bankLefts) || len(rights) != len(bankRights) {
			return cq, false
		}
		for _, r := range rights {
			if !add(r) {
				return cq, false
			}
		}
		for _, l := range sq.Left {
			k := indexOf(lefts, func(id string) bool { return id == l.ID })
			if k < 0 {
				return cq, false
			}
			cq.order = append(cq.order, int32(k))
		}
		for _, r := range sq.Right {
			k := indexOf(rights, func(id string) bool { return id == r.ID })
			if k < 0 {
				return cq, false
			}
			cq.right = append(cq.right, int32(k))
		}
	}
	cq.ids = string(ids)
	return cq, true
}

func indexOf[T any](s []T, match func(T) bool) int {
	for i, v := range s {
		if match(v) {
			return i
		}
	}
	return -1
}
