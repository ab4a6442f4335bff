package quiz

// The compact snapshots a node keeps (snapshot_compact.go) must be, at
// every moment, exactly the attempt's frozen snapshot column: on the node
// that started the attempt, on a node that reads it back, after the bank
// changes, and in every language.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// column is the attempt's snapshot as stored.
func (x *env) column(attemptID string) string {
	x.t.Helper()
	var s string
	if err := x.DB.R.Model(&models.Attempt{}).Where("id = ?", mustID(x.t, attemptID)).Pluck("snapshot", &s).Error; err != nil {
		x.t.Fatal(err)
	}
	return s
}

// wantCached fails unless svc caches the attempt compact (or whole, when
// compact is false) and its snapshot is byte for byte the column.
func (x *env) wantCached(svc *Service, attemptID string, compact bool) {
	x.t.Helper()
	e, ok := svc.snapshots.cached(mustID(x.t, attemptID))
	if !ok {
		x.t.Fatalf("attempt %s is not cached", attemptID)
	}
	if (e.c != nil) != compact {
		x.t.Errorf("attempt %s cached compact=%v, want %v", attemptID, e.c != nil, compact)
	}
	got, err := json.Marshal(e.full())
	if err != nil {
		x.t.Fatal(err)
	}
	if col := x.column(attemptID); string(got) != col {
		x.t.Errorf("attempt %s: the cached snapshot differs from its column:\n%s\n%s", attemptID, got, col)
	}
}

// translateBank gives the single question "Palermo" and the matching
// question (shared right item, distractor) an Arabic wording.
func (x *env) translateBank() {
	x.t.Helper()
	bank, err := x.svc.Bank(x.ctx, x.quizID)
	if err != nil {
		x.t.Fatal(err)
	}
	for _, q := range bank {
		switch q.Name {
		case "Palermo":
			q.Translations = map[string]QuestionText{"ar": {Stem: "أي صك عرّف الاتجار بالأشخاص؟", Options: make([]string, len(q.Options))}}
			q.Translations["ar"].Options[0] = "بروتوكول **باليرمو**"
		case "Matching":
			q.Translations = map[string]QuestionText{"ar": {Stem: "طابق كل مصطلح بفئته.",
				Left: []string{"التجنيد", "النقل", "الخداع", "الاستغلال", ""}, Right: []string{"الفعل", "الفعل", "الوسيلة", "الغرض", "الطقس"}}}
		default:
			continue
		}
		if _, err := x.svc.UpdateQuestion(x.ctx, x.author, mustID(x.t, q.ID), q); err != nil {
			x.t.Fatalf("translate %s: %v", q.Name, err)
		}
	}
}

// Every question type, matching items shared and distractors, Markdown,
// HTML and plain text, in the original wording and in Arabic, shuffled or
// not: the compact form rebuilds the column exactly, on the node that
// started the attempt and on another node that reads it back.
func TestCompactSnapshotIsTheColumn(t *testing.T) {
	t.Parallel()
	for _, shuffle := range []bool{true, false} {
		x := newEnv(t, Settings{Shuffle: ptrTo(shuffle)}, readGIFT(t, "gift/every_feature.gift.txt"))
		x.translateBank()
		other := NewService(x.DB, x.cs) // a node that never had the bank
		whole := NewService(x.DB, x.cs) // the way before: whole copies
		whole.keepFullSnapshots = true
		for i, lang := range []string{"", "ar", "", "ar"} {
			u := x.trainee("T" + strings.Repeat("i", i+1))
			a, _, err := x.svc.StartIn(x.ctx, u, x.quizID, lang)
			if err != nil {
				t.Fatal(err)
			}
			if lang == "ar" && !strings.Contains(x.column(a.ID), "باليرمو") {
				t.Fatalf("the Arabic attempt is not worded in Arabic: %s", x.column(a.ID))
			}
			x.wantCached(x.svc, a.ID, true)
			got, err := other.Get(x.ctx, u, mustID(t, a.ID))
			if err != nil {
				t.Fatal(err)
			}
			x.wantCached(other, a.ID, true)
			was, err := whole.Get(x.ctx, u, mustID(t, a.ID))
			if err != nil {
				t.Fatal(err)
			}
			x.wantCached(whole, a.ID, false)
			if !reflect.DeepEqual(got.Questions, a.Questions) || !reflect.DeepEqual(was.Questions, a.Questions) {
				t.Errorf("shuffle=%v lang=%q: the attempt reads back differently:\n%+v\n%+v\n%+v", shuffle, lang, a.Questions, got.Questions, was.Questions)
			}
		}
	}
}

// A bank edited after an attempt started never changes that attempt: the
// node that froze it keeps pointing at the bank it was frozen from, and a
// node that has only the new bank keeps the column whole. The answer key
// is the frozen one on both.
func TestBankEditLeavesStartedAttemptsAsFrozen(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	nadia := x.trainee("Nadia")
	a := x.start(nadia)
	col := x.column(a.ID)
	answers := rightAnswers(t, a)

	// Every question reworded, the single choice's right option now wrong.
	bank, err := x.svc.Bank(x.ctx, x.quizID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range bank {
		q.Stem = "Édité : " + q.Stem
		for i := range q.Options {
			q.Options[i].Text = "édité " + q.Options[i].Text
			if q.Type == Single {
				q.Options[i].Weight = 0
				if i == 1 {
					q.Options[i].Weight = 1
				}
			}
		}
		if _, err := x.svc.UpdateQuestion(x.ctx, x.author, mustID(t, q.ID), q); err != nil {
			t.Fatal(err)
		}
	}
	// Another node renders the new bank (a start there), then reads the
	// attempt frozen before the edit.
	other := NewService(x.DB, x.cs)
	if b := x.start(x.trainee("Karima")); !strings.Contains(b.Questions[0].Stem, "Édité") {
		t.Fatalf("a new attempt does not have the edited bank: %+v", b.Questions[0])
	}
	if _, _, err := other.Start(x.ctx, x.trainee("Omar"), x.quizID); err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*Service{x.svc, other} {
		got, err := svc.Get(x.ctx, nadia, mustID(t, a.ID))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Questions, a.Questions) {
			t.Errorf("the started attempt changed with the bank:\n%+v\n%+v", a.Questions, got.Questions)
		}
	}
	x.wantCached(x.svc, a.ID, true)  // still the bank it was frozen from
	x.wantCached(other, a.ID, false) // the new bank does not rebuild it: kept whole
	if x.column(a.ID) != col {
		t.Error("the snapshot column changed")
	}
	for qid, body := range answers {
		x.mustSave(nadia, a, qid, body)
	}
	if r, err := other.Submit(x.ctx, nadia, mustID(t, a.ID)); err != nil || r.Percent == nil || *r.Percent != 100 {
		t.Errorf("graded on the other node: %v, %+v; want 100 %% on the frozen key", err, r)
	}
}

// compact refuses what does not rebuild exactly: another bank, a snapshot
// whose text or ids were changed.
func TestCompactRefusesWhatItCannotRebuild(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	a := x.start(x.trainee("Nadia"))
	raw := x.column(a.ID)
	bank := x.svc.banks.cached(x.quizID, "")
	if bank == nil {
		t.Fatal("no rendered bank cached after a start")
	}
	parse := func(s string) *snapshot {
		sn := &snapshot{}
		if err := json.Unmarshal([]byte(s), sn); err != nil {
			t.Fatal(err)
		}
		return sn
	}
	if compact(bank, parse(raw), []byte(raw)) == nil {
		t.Fatal("the column of an attempt of this bank does not compact")
	}
	sn := parse(raw)
	var anID string
	for _, sq := range sn.Questions {
		if len(sq.Options) > 0 {
			anID = sq.Options[0].ID
			break
		}
	}
	for name, changed := range map[string]string{
		"a stem":            strings.Replace(raw, `"stem":"`, `"stem":"x`, 1),
		"an id, lengthened": strings.ReplaceAll(raw, `"`+anID+`"`, `"`+anID+`x"`),
		"an id, shortened":  strings.ReplaceAll(raw, `"`+anID+`"`, `"`+anID[:3]+`"`),
		"the language":      strings.Replace(raw, `{"questions"`, `{"lang":"ar","questions"`, 1),
	} {
		if changed == raw {
			t.Fatalf("%s: the change did not apply", name)
		}
		if c := compact(bank, parse(changed), []byte(changed)); c != nil {
			t.Errorf("%s changed, yet compacted", name)
		}
	}
	other := &renderedBank{version: bank.version + 1, questions: bank.questions[1:]}
	if compact(other, sn, []byte(raw)) != nil {
		t.Error("compacted against a bank without one of its questions")
	}
}

// Options and matching items are in the order the service's Rand gives
// (Rand(n) = 0 rotates [a b c] into [b c a], attempt_test.go), and the
// right column is rotated even when the quiz does not shuffle: in bank
// order it would line up with the left one.
func TestOptionAndItemOrder(t *testing.T) {
	t.Parallel()
	texts := func(items []snapText) string {
		var s []string
		for _, it := range items {
			s = append(s, it.Text)
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		shuffle              bool
		options, left, right string
	}{
		{false, "The Palermo Protocol The Geneva Convention The Hague Convention", "Act Means Purpose", "Deception Exploitation Recruitment"},
		{true, "The Geneva Convention The Hague Convention The Palermo Protocol", "Means Purpose Act", "Deception Exploitation Recruitment"},
	} {
		x := newEnv(t, Settings{Shuffle: ptrTo(c.shuffle)}, webtest.SixTypesGIFT)
		x.svc.Rand = func(int) int { return 0 }
		u := x.trainee("Nadia")
		a := x.start(u)
		other, err := NewService(x.DB, x.cs).Get(x.ctx, u, mustID(t, a.ID))
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []AttemptJSON{a, other} {
			qs := byType(got)
			if o, l, r := texts(qs[Single].Options), texts(qs[Matching].Left), texts(qs[Matching].Right); o != c.options || l != c.left || r != c.right {
				t.Errorf("shuffle=%v: options %q, left %q, right %q; want %q, %q, %q", c.shuffle, o, l, r, c.options, c.left, c.right)
			}
		}
	}
}
