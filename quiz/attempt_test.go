package quiz

// The rules of attempts, tested on the service: who may start, one attempt
// in progress per trainee and quiz, the draw and the order frozen when it
// starts, saving answers, submitting (twice), the deadline and its grace,
// and attempt limits with their overrides.

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"tadrib/internal/webtest"
	"tadrib/models"
)

func TestStartWhoMayTake(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	outsider := x.User("Omar", models.RoleTrainee)
	if _, _, err := x.svc.Start(x.ctx, outsider, x.quizID); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("a trainee not enrolled: %v, want ErrNotEnrolled", err)
	}
	if _, _, err := x.svc.Start(x.ctx, u, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown quiz: %v, want ErrNotFound", err)
	}
	if a, resumed, err := x.svc.Start(x.ctx, u, x.quizID); err != nil || resumed || len(a.Questions) != 6 || a.Status != models.AttemptInProgress {
		t.Fatalf("an enrolled trainee: %v resumed=%v %+v", err, resumed, a)
	}

	// A draft course's quiz does not exist for trainees or other trainers;
	// its author may try it without enrolling, and so may an admin.
	if err := x.DB.W.Model(&models.Course{}).Where("id = ?", x.course.ID).Update("published", false).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, err := x.svc.Start(x.ctx, x.trainee("Salma"), x.quizID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a draft's quiz, as an enrolled trainee: %v, want ErrNotFound", err)
	}
	if _, _, err := x.svc.Start(x.ctx, x.User("Other", models.RoleTrainer), x.quizID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a draft's quiz, as another trainer: %v, want ErrNotFound", err)
	}
	x.start(x.author)
	x.start(x.User("Admin", models.RoleAdmin))
}

func TestStartAnEmptyQuiz(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, "")
	if _, _, err := x.svc.Start(x.ctx, x.trainee("Nadia"), x.quizID); !errors.Is(err, ErrEmptyQuiz) {
		t.Errorf("a quiz without questions: %v, want ErrEmptyQuiz", err)
	}
}

// One attempt in progress per trainee and quiz; a second start (a reload, a
// second tab, another node) resumes it with the same questions, in the same
// order, with the same option ids.
func TestStartResumesTheAttemptInProgress(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT) // shuffled (the default)
	u := x.trainee("Nadia")
	first := x.start(u)
	again, resumed, err := x.svc.Start(x.ctx, u, x.quizID)
	if err != nil || !resumed || again.ID != first.ID {
		t.Fatalf("second start: %v resumed=%v id %s, want attempt %s resumed", err, resumed, again.ID, first.ID)
	}
	if !reflect.DeepEqual(again.Questions, first.Questions) {
		t.Errorf("the resumed attempt's questions differ:\n%+v\n%+v", first.Questions, again.Questions)
	}
	// Another node reads the frozen snapshot from the database.
	other := NewService(x.DB, x.cs)
	got, err := other.Get(x.ctx, u, mustID(t, first.ID))
	if err != nil || !reflect.DeepEqual(got.Questions, first.Questions) {
		t.Errorf("another node's view of the attempt: %v\n%+v", err, got.Questions)
	}
	var open int64
	x.DB.R.Model(&models.Attempt{}).Where("quiz_id = ? AND user_id = ? AND status = ?", x.quizID, u.ID, models.AttemptInProgress).Count(&open)
	if open != 1 {
		t.Errorf("%d attempts in progress, want 1", open)
	}
	// Ids of one attempt say nothing of another's.
	seen := map[string]bool{}
	for _, q := range first.Questions {
		for _, o := range append(append(append([]snapText{}, q.Options...), q.Left...), q.Right...) {
			seen[o.ID] = true
		}
	}
	for _, q := range x.start(x.trainee("Salma")).Questions {
		for _, o := range q.Options {
			if seen[o.ID] {
				t.Errorf("option id %q is in two trainees' attempts", o.ID)
			}
		}
	}
}

// categories is a bank of two categories of three true/false questions.
const categories = `$CATEGORY: top/A

::A1:: Alpha-one {TRUE}

::A2:: Alpha-two {TRUE}

::A3:: Alpha-three {TRUE}

$CATEGORY: top/B

::B1:: Beta-one {TRUE}

::B2:: Beta-two {TRUE}

::B3:: Beta-three {TRUE}
`

func stems(a AttemptJSON) string {
	var s []string
	for _, q := range a.Questions {
		s = append(s, strings.TrimSuffix(strings.TrimPrefix(q.Stem, "<p>"), "</p>"))
	}
	return strings.Join(s, " ")
}

// The draw and the order come from the service's Rand: with Rand(n) = n-1
// every Fisher-Yates swap is a no-op (bank order); with Rand(n) = 0 the
// swaps rotate [0 1 2 3 4 5] into [1 2 3 4 5 0] (snapshot.go, shuffle).
func TestDrawAndShuffle(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{Shuffle: ptrTo(false), Draw: ptrTo(2)}, categories)
	identity := func(n int) int { return n - 1 }
	zero := func(int) int { return 0 }
	n := 0
	try := func(rnd func(int) int, in Settings, want string) {
		t.Helper()
		if _, err := x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, in); err != nil {
			t.Fatal(err)
		}
		x.svc.Rand = rnd
		n++
		if got := stems(x.start(x.trainee("T" + string(rune('a'+n))))); got != want {
			t.Errorf("draw %+v: %q, want %q", in, got, want)
		}
	}
	try(identity, Settings{}, "Alpha-one Alpha-two")
	try(zero, Settings{}, "Alpha-two Alpha-three") // drawn [1 2], in bank order
	try(identity, Settings{DrawPerCategory: ptrTo(true), Draw: ptrTo(1)}, "Alpha-one Beta-one")
	try(zero, Settings{}, "Alpha-two Beta-two")
	try(zero, Settings{Shuffle: ptrTo(true)}, "Beta-two Alpha-two") // the two drawn, swapped
	try(identity, Settings{Draw: ptrTo(10), DrawPerCategory: ptrTo(false), Shuffle: ptrTo(false)},
		"Alpha-one Alpha-two Alpha-three Beta-one Beta-two Beta-three") // more than the bank: all
	try(identity, Settings{Draw: ptrTo(0)}, "Alpha-one Alpha-two Alpha-three Beta-one Beta-two Beta-three")
}

// A random draw (the real crypto source) still draws N distinct questions,
// and keeps them, in their order, for the whole attempt.
func TestRandomDrawIsStableWithinAnAttempt(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{Draw: ptrTo(2), DrawPerCategory: ptrTo(true)}, categories)
	u := x.trainee("Nadia")
	a := x.start(u)
	if len(a.Questions) != 4 {
		t.Fatalf("2 per category of 2: %d questions", len(a.Questions))
	}
	ids := map[string]bool{}
	alpha := 0
	for _, q := range a.Questions {
		ids[q.ID] = true
		if strings.Contains(q.Stem, "Alpha") {
			alpha++
		}
	}
	if len(ids) != 4 || alpha != 2 {
		t.Errorf("drawn %q: want 4 distinct questions, 2 of category A", stems(a))
	}
	for range 3 {
		if b := x.start(u); stems(b) != stems(a) {
			t.Errorf("resumed attempt shows %q, started with %q", stems(b), stems(a))
		}
	}
}

func TestSaveAnswerRules(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{TimeLimitS: ptrTo(60)}, webtest.SixTypesGIFT)
	u, stranger := x.trainee("Nadia"), x.trainee("Omar")
	a := x.start(u)
	if a.Deadline == nil || !a.Deadline.Equal(x.clock.Now().Add(time.Minute)) {
		t.Fatalf("deadline %v, want start + 60 s", a.Deadline)
	}
	qs := byType(a)
	right := rightAnswers(t, a)
	aid := mustID(t, a.ID)

	// Only the owner, on this node (the snapshot is cached) and on another.
	other := NewService(x.DB, x.cs)
	other.Now = x.clock.Now
	for name, s := range map[string]*Service{"this node": x.svc, "another node": other} {
		if err := s.SaveAnswer(x.ctx, stranger, aid, qs[TrueFalse].ID, []byte(`{"value":true}`)); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: another trainee's save: %v, want ErrNotFound", name, err)
		}
		if _, err := s.Get(x.ctx, stranger, aid); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: another trainee's read: %v, want ErrNotFound", name, err)
		}
		if _, err := s.Submit(x.ctx, stranger, aid); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: another trainee's submit: %v, want ErrNotFound", name, err)
		}
		if err := s.SaveAnswer(x.ctx, u, aid, "999999", []byte(`{"value":true}`)); !errors.Is(err, ErrNotInAttempt) {
			t.Errorf("%s: a question not in the attempt: %v, want ErrNotInAttempt", name, err)
		}
		var ae *AnswerError
		if err := s.SaveAnswer(x.ctx, u, aid, qs[Multiple].ID, []byte(`{"number":3}`)); !errors.As(err, &ae) {
			t.Errorf("%s: a number for a multiple choice: %v, want an AnswerError", name, err)
		}
	}
	if err := other.SaveAnswer(x.ctx, u, aid, qs[Numerical].ID, []byte(`{"number": 3}`)); err != nil {
		t.Errorf("the owner on another node: %v", err)
	}
	// Saved as sent: an empty choice list stays an empty list.
	x.mustSave(u, a, qs[Multiple].ID, map[string]any{"choices": []string{}})
	got, err := x.svc.Get(x.ctx, u, aid)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(got.Saved[qs[Multiple].ID]); s != `{"choices":[]}` {
		t.Errorf("saved %s, want {\"choices\":[]}", s)
	}
	if s := string(got.Saved[qs[Numerical].ID]); s != `{"number":3}` {
		t.Errorf("saved %s, want {\"number\":3}", s)
	}

	// Within the grace after the deadline an answer in flight is taken;
	// after it, none.
	x.clock.Add(time.Minute + Grace - time.Second)
	x.mustSave(u, a, qs[Single].ID, right[qs[Single].ID])
	x.clock.Add(2 * time.Second)
	if err := x.save(u, a, qs[TrueFalse].ID, right[qs[TrueFalse].ID]); !errors.Is(err, ErrClosed) {
		t.Errorf("a save past deadline and grace: %v, want ErrClosed", err)
	}
	if got, _ := x.svc.Get(x.ctx, u, aid); got.Status != models.AttemptExpired || got.Result == nil {
		t.Fatalf("past its deadline the attempt is %q, want expired and graded", got.Status)
	}
	// Graded with what came in time: the number and the single choice.
	if r := x.submit(u, a); r.Status != models.AttemptExpired || r.Score == nil || *r.Score != 2 {
		t.Errorf("expired result %+v, want 2 points", r)
	}

	// After a submit nothing more is taken.
	b := x.start(stranger)
	x.submit(stranger, b)
	if err := x.save(stranger, b, byType(b)[TrueFalse].ID, map[string]any{"value": true}); !errors.Is(err, ErrClosed) {
		t.Errorf("a save after submit: %v, want ErrClosed", err)
	}
	if err := other.SaveAnswer(x.ctx, stranger, mustID(t, b.ID), byType(b)[TrueFalse].ID, []byte(`{"value":true}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("a save after submit, on another node: %v, want ErrClosed", err)
	}
}

// Submitting again, later, on another node, or many times at once grades
// the attempt once: the same result every time.
func TestSubmitTwiceIsHarmless(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	a := x.start(u)
	for qid, body := range rightAnswers(t, a) {
		x.mustSave(u, a, qid, body)
	}
	first := x.submit(u, a)
	if first.Status != models.AttemptSubmitted || *first.Score != 6 || *first.MaxScore != 6 || *first.Percent != 100 || !first.Passed {
		t.Fatalf("all right: %+v", first)
	}
	var before models.Attempt
	x.DB.R.Take(&before, "id = ?", mustID(t, a.ID))
	x.clock.Add(time.Hour)
	other := NewService(x.DB, x.cs)
	for _, s := range []*Service{x.svc, other} {
		again, err := s.Submit(x.ctx, u, mustID(t, a.ID))
		if err != nil || !reflect.DeepEqual(again, first) {
			t.Errorf("submit again: %v\n%+v\nwant %+v", err, again, first)
		}
	}
	var after models.Attempt
	x.DB.R.Take(&after, "id = ?", mustID(t, a.ID))
	if !after.FinishedAt.Equal(*before.FinishedAt) || after.Result != before.Result {
		t.Errorf("a second submit graded again: finished %v then %v", before.FinishedAt, after.FinishedAt)
	}

	// Eight at once (a double click, two tabs): one grading.
	v := x.trainee("Salma")
	b := x.start(v)
	x.mustSave(v, b, byType(b)[TrueFalse].ID, map[string]any{"value": true})
	results := make([]ResultJSON, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = x.svc.Submit(x.ctx, v, mustID(t, b.ID))
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || !reflect.DeepEqual(results[i], results[0]) {
			t.Errorf("concurrent submit %d: %v %+v, want %+v", i, errs[i], results[i], results[0])
		}
	}
	if *results[0].Score != 1 {
		t.Errorf("one right answer scored %v", *results[0].Score)
	}
}

// An attempt whose time ran out is graded with what was saved in time: by
// the sweep when nobody touches it, or when its trainee comes back.
func TestExpiryGrading(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{TimeLimitS: ptrTo(60)}, webtest.SixTypesGIFT)
	u, v := x.trainee("Nadia"), x.trainee("Salma")
	a := x.start(u)
	right := rightAnswers(t, a)
	x.mustSave(u, a, byType(a)[Single].ID, right[byType(a)[Single].ID])
	b := x.start(v)

	x.clock.Add(30 * time.Second)
	if err := x.svc.SweepExpired(x.ctx); err != nil {
		t.Fatal(err)
	}
	var row models.Attempt
	x.DB.R.Take(&row, "id = ?", mustID(t, a.ID))
	if row.Status != models.AttemptInProgress {
		t.Fatalf("the sweep closed an attempt with 30 s left: %s", row.Status)
	}

	x.clock.Add(time.Minute)
	if err := x.svc.SweepExpired(x.ctx); err != nil {
		t.Fatal(err)
	}
	x.DB.R.Take(&row, "id = ?", mustID(t, a.ID))
	if row.Status != models.AttemptExpired || row.Score == nil || *row.Score != 1 || row.FinishedAt == nil {
		t.Errorf("after the sweep: status %s score %v finished %v, want expired with 1 point", row.Status, row.Score, row.FinishedAt)
	}
	// The other one, swept too; coming back starts a new attempt.
	c, resumed, err := x.svc.Start(x.ctx, v, x.quizID)
	if err != nil || resumed || c.ID == b.ID {
		t.Errorf("start after expiry: %v resumed=%v id %s (old %s), want a new attempt", err, resumed, c.ID, b.ID)
	}
	if r := x.submit(v, b); r.Status != models.AttemptExpired || *r.Score != 0 {
		t.Errorf("the abandoned attempt: %+v, want expired with 0", r)
	}

	// An attempt past its deadline that the sweep has not reached yet is
	// graded when its trainee starts again.
	w := x.trainee("Youssef")
	d := x.start(w)
	x.clock.Add(2 * time.Minute)
	e, resumed, err := x.svc.Start(x.ctx, w, x.quizID)
	if err != nil || resumed || e.ID == d.ID {
		t.Fatalf("start past the deadline: %v resumed=%v", err, resumed)
	}
	x.DB.R.Take(&row, "id = ?", mustID(t, d.ID))
	if row.Status != models.AttemptExpired {
		t.Errorf("the overdue attempt is %s, want expired", row.Status)
	}
}

func TestMaxAttemptsAndOverrides(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{MaxAttempts: ptrTo(2), TimeLimitS: ptrTo(60)}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	for i := range 2 {
		a := x.start(u)
		if a.Deadline == nil || a.Deadline.Sub(a.StartedAt) != time.Minute {
			t.Errorf("attempt %d: deadline %v for a start at %v, want 60 s", i+1, a.Deadline, a.StartedAt)
		}
		x.submit(u, a)
	}
	if _, _, err := x.svc.Start(x.ctx, u, x.quizID); !errors.Is(err, ErrNoAttemptsLeft) {
		t.Fatalf("a third attempt of two: %v, want ErrNoAttemptsLeft", err)
	}
	o, err := x.svc.Overview(x.ctx, u, x.quizID)
	if err != nil || o.AttemptsUsed != 2 || o.AttemptsLeft == nil || *o.AttemptsLeft != 0 || len(o.Attempts) != 2 {
		t.Errorf("overview: %v used %d left %v", err, o.AttemptsUsed, o.AttemptsLeft)
	}

	// Overrides: the course's trainer only, for a trainee of the course.
	in := OverrideInput{UserID: id(u.ID), ExtraTimeS: ptrTo(600), ExtraAttempts: ptrTo(1)}
	if _, err := x.svc.SetOverride(x.ctx, u, x.quizID, in); !errors.Is(err, ErrNotFound) {
		t.Errorf("a trainee's override: %v, want ErrNotFound", err)
	}
	if _, err := x.svc.SetOverride(x.ctx, x.User("Other", models.RoleTrainer), x.quizID, in); !errors.Is(err, ErrNotFound) {
		t.Errorf("another trainer's override: %v, want ErrNotFound", err)
	}
	_, err = x.svc.SetOverride(x.ctx, x.author, x.quizID, OverrideInput{UserID: "x", ExtraTimeS: ptrTo(-1), ExtraAttempts: ptrTo(101)})
	webtest.WantFields(t, err, "user_id", "extra_time_s", "extra_attempts")
	_, err = x.svc.SetOverride(x.ctx, x.author, x.quizID, OverrideInput{UserID: id(x.User("Omar", models.RoleTrainee).ID), ExtraAttempts: ptrTo(1)})
	webtest.WantFields(t, err, "user_id") // not in the course
	got, err := x.svc.SetOverride(x.ctx, x.author, x.quizID, in)
	if err != nil || got.ExtraTimeS != 600 || got.ExtraAttempts != 1 {
		t.Fatalf("override: %v %+v", err, got)
	}
	a := x.start(u)
	if a.Deadline.Sub(a.StartedAt) != 11*time.Minute {
		t.Errorf("with 600 s more: deadline %v after the start, want 11 min", a.Deadline.Sub(a.StartedAt))
	}
	x.submit(u, a)
	if _, _, err := x.svc.Start(x.ctx, u, x.quizID); !errors.Is(err, ErrNoAttemptsLeft) {
		t.Errorf("past the extra attempt: %v, want ErrNoAttemptsLeft", err)
	}
	// Setting it again replaces it.
	if got, err := x.svc.SetOverride(x.ctx, x.author, x.quizID, OverrideInput{UserID: id(u.ID), ExtraAttempts: ptrTo(2)}); err != nil || got.ExtraTimeS != 0 {
		t.Fatalf("override again: %v %+v", err, got)
	}
	x.start(u)
}

func TestAttemptsList(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	u, v := x.trainee("Nadia"), x.trainee("Salma")
	x.submit(u, x.start(u))
	x.start(v)
	mine, err := x.svc.Attempts(x.ctx, u, x.quizID)
	if err != nil || len(mine) != 1 || mine[0].UserID != id(u.ID) || mine[0].Percent == nil {
		t.Errorf("a trainee's list: %v %+v, want their one graded attempt", err, mine)
	}
	all, err := x.svc.Attempts(x.ctx, x.author, x.quizID)
	if err != nil || len(all) != 2 {
		t.Errorf("the trainer's list: %v %d attempts, want 2", err, len(all))
	}
	if _, err := x.svc.Attempts(x.ctx, x.User("Omar", models.RoleTrainee), x.quizID); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("a trainee not enrolled: %v, want ErrNotEnrolled", err)
	}
	if _, err := x.svc.Attempts(x.ctx, u, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown quiz: %v, want ErrNotFound", err)
	}
}
