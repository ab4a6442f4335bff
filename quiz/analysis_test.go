package quiz

// Item analysis on a small data set whose numbers are worked out by hand.

import (
	"math"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// Three true/false questions (the answer is true), four graded attempts:
//
//	attempt  A  B  C  total
//	1        1  1  1  3
//	2        1  1  0  2
//	3        1  0  0  1
//	4        0  0  0  0     (nothing answered)
//
// Wrong answers are "false". Facility: A 75, B 50, C 25. Discrimination
// (Pearson's r of the item with the rest of the quiz, ×100):
//
//	A: x = 1 1 1 0, rest = 2 1 0 0: r = 0.75 / √(0.75 · 2.75) = 0.5222
//	B: x = 1 1 0 0, rest = 2 1 1 0: r = 1 / √(1 · 2)          = 0.7071
//	C: x = 1 0 0 0, rest = 2 2 1 0: r = 0.75 / √(0.75 · 2.75) = 0.5222
//
// Cronbach's alpha: item variances 1/4, 1/3, 1/4 (sum 5/6), total variance
// 5/3: 3/2 · (1 − (5/6)/(5/3)) = 0.75. Mean percent: (100 + 66.67 + 33.33 +
// 0) / 4 = 50.
func TestItemAnalysisNumbers(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{Shuffle: ptrTo(false)}, "::A:: Alpha {TRUE}\n\n::B:: Beta {TRUE}\n\n::C:: Gamma {TRUE}\n")
	rows := [][]*bool{
		{ptrTo(true), ptrTo(true), ptrTo(true)},
		{ptrTo(true), ptrTo(true), ptrTo(false)},
		{ptrTo(true), ptrTo(false), ptrTo(false)},
		{nil, nil, nil},
	}
	for i, row := range rows {
		u := x.trainee("T" + id(int64(i)))
		a := x.start(u)
		for j, v := range row {
			if v != nil {
				x.mustSave(u, a, a.Questions[j].ID, map[string]any{"value": *v})
			}
		}
		x.submit(u, a)
	}
	// An attempt in progress does not count.
	u := x.trainee("Busy")
	busy := x.start(u)
	x.mustSave(u, busy, busy.Questions[0].ID, map[string]any{"value": true})

	r, err := x.svc.Items(x.ctx, x.author, x.quizID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Attempts != 4 || len(r.Questions) != 3 {
		t.Fatalf("report over %d attempts, %d questions: %+v", r.Attempts, len(r.Questions), r)
	}
	near := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || math.Abs(*got-want) > 0.006 {
			t.Errorf("%s = %v, want %.4f", what, deref(got), want)
		}
	}
	near("mean percent", r.MeanPercent, 50)
	near("reliability", r.Reliability, 0.75)
	want := []struct {
		name                   string
		facility, discr        float64
		chosenTrue, chosenFals int
	}{{"A", 75, 52.22, 3, 0}, {"B", 50, 70.71, 2, 1}, {"C", 25, 52.22, 1, 2}}
	for i, w := range want {
		q := r.Questions[i]
		if q.Name != w.name || q.Attempts != 4 || q.Type != TrueFalse {
			t.Errorf("question %d: %+v", i, q)
		}
		near(w.name+" facility", q.Facility, w.facility)
		near(w.name+" discrimination", q.Discrimination, w.discr)
		if len(q.Options) != 2 || q.Options[0].ID != "true" || q.Options[0].Weight != 1 || q.Options[0].Chosen != w.chosenTrue ||
			q.Options[1].Chosen != w.chosenFals || q.Options[1].Weight != 0 {
			t.Errorf("%s options: %+v, want true chosen %d, false %d", w.name, q.Options, w.chosenTrue, w.chosenFals)
		}
	}
}

// Choices are counted by the bank's option ids, whatever ids each attempt
// showed; an item everybody got right does not discriminate.
func TestItemAnalysisCountsChoices(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	for i := range 3 {
		u := x.trainee("T" + id(int64(i)))
		a := x.start(u)
		single := byType(a)[Single]
		choice := optionID(t, single.Options, "Palermo")
		if i == 2 {
			choice = optionID(t, single.Options, "Geneva")
		}
		x.mustSave(u, a, single.ID, map[string]any{"choice": choice})
		tf := byType(a)[TrueFalse]
		x.mustSave(u, a, tf.ID, map[string]any{"value": true})
		x.submit(u, a)
	}
	r, err := x.svc.Items(x.ctx, x.author, x.quizID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range r.Questions {
		switch q.Type {
		case Single:
			got := map[string]int{}
			for _, o := range q.Options {
				got[o.Text] = o.Chosen
			}
			if got["The Palermo Protocol"] != 2 || got["The Geneva Convention"] != 1 || got["The Hague Convention"] != 0 {
				t.Errorf("single choice counts: %v", got)
			}
		case TrueFalse:
			if q.Facility == nil || *q.Facility != 100 || q.Discrimination != nil {
				t.Errorf("everyone right: facility %v discrimination %v, want 100 and none", deref(q.Facility), q.Discrimination)
			}
		case Numerical:
			if q.Facility == nil || *q.Facility != 0 || len(q.Options) != 0 {
				t.Errorf("nobody answered: facility %v options %v", deref(q.Facility), q.Options)
			}
		}
	}
	// Fewer than two attempts: no reliability.
	y := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	u := y.trainee("Solo")
	y.submit(u, y.start(u))
	if r, err := y.svc.Items(y.ctx, y.author, y.quizID); err != nil || r.Attempts != 1 || r.Reliability != nil {
		t.Errorf("one attempt: %v attempts %d reliability %v", err, r.Attempts, r.Reliability)
	}
	if r, err := y.svc.Items(y.ctx, y.User("Admin", models.RoleAdmin), y.quizID); err != nil || r.Attempts != 1 {
		t.Errorf("an admin's report: %v %+v", err, r)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
