package main

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tadrib/internal/webtest"
	"tadrib/models"
	"tadrib/quiz"
)

// quizCourse authors a published course with one module whose quiz holds
// the bank; it returns the trainer, the slug and the quiz id.
func quizCourse(t testing.TB, a *testApp, settings map[string]any) (user, string, string) {
	t.Helper()
	tr, slug, _ := authorCourse(t, a, []string{"police"}, false)
	c := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	mid := c["modules"].([]any)[0].(map[string]any)["id"].(string)
	body := map[string]any{"title": "Définitions", "pass_mark": 50}
	for k, v := range settings {
		body[k] = v
	}
	r := tr.do("POST", "/api/v1/modules/"+mid+"/quiz", body)
	wantStatus(t, r, 201)
	qid := r.JSON(t)["id"].(string)
	imp := tr.do("POST", "/api/v1/quizzes/"+qid+"/import", []byte(webtest.SixTypesGIFT), "Content-Type", "text/plain; charset=utf-8")
	wantStatus(t, imp, 200)
	if n := imp.JSON(t)["imported"].(float64); n != 6 {
		t.Fatalf("imported %v questions, want 6: %s", n, imp.Body)
	}
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": true}), 200)
	return tr, slug, qid
}

func enrolled(t *testing.T, a *testApp, slug string) user {
	u := a.register("police")
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	return u
}

type attempt struct {
	ID        string           `json:"id"`
	Status    string           `json:"status"`
	Deadline  *time.Time       `json:"deadline"`
	Questions []map[string]any `json:"questions"`
	Answers   map[string]any   `json:"answers"`
}

func start(t *testing.T, u user, quizID string, status int) attempt {
	t.Helper()
	r := u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil)
	wantStatus(t, r, status)
	var at attempt
	if err := json.Unmarshal(r.Body, &at); err != nil {
		t.Fatal(err)
	}
	return at
}

func byType(at attempt) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, q := range at.Questions {
		m[q["type"].(string)] = q
	}
	return m
}

func optionID(t *testing.T, q map[string]any, key, text string) string {
	t.Helper()
	for _, o := range q[key].([]any) {
		o := o.(map[string]any)
		if strings.Contains(o["text"].(string), text) {
			return o["id"].(string)
		}
	}
	t.Fatalf("no %s %q in %v", key, text, q)
	return ""
}

func rightAnswers(t *testing.T, at attempt) map[string]any {
	qs := byType(at)
	m := qs["matching"]
	pairs := map[string]any{}
	for _, p := range [][2]string{{"Act", "Recruitment"}, {"Means", "Deception"}, {"Purpose", "Exploitation"}} {
		pairs[optionID(t, m, "left", p[0])] = optionID(t, m, "right", p[1])
	}
	return map[string]any{
		qs["single"]["id"].(string):     map[string]any{"choice": optionID(t, qs["single"], "options", "Palermo")},
		qs["multiple"]["id"].(string):   map[string]any{"choices": []string{optionID(t, qs["multiple"], "options", "act"), optionID(t, qs["multiple"], "options", "means")}},
		qs["true_false"]["id"].(string): map[string]any{"value": true},
		qs["short"]["id"].(string):      map[string]any{"text": " 27-14 "},
		qs["numerical"]["id"].(string):  map[string]any{"number": 3},
		qs["matching"]["id"].(string):   map[string]any{"pairs": pairs},
	}
}

func TestQuizAttemptJourney(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"max_attempts": 2})
	u := enrolled(t, a, slug)
	outsider := a.register("police")
	wantStatus(t, outsider.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil), 403)

	r := u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil)
	wantStatus(t, r, 201)
	for _, secret := range []string{"FBK-", "27-14", "27.14", "weight", "correct", "feedback"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("the started attempt reveals %q: %s", secret, r.Body)
		}
	}
	at := start(t, u, quizID, 200)
	answers := rightAnswers(t, at)
	for qid, body := range answers {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	// Another trainee cannot read, answer or submit it.
	wantStatus(t, outsider.do("GET", "/api/v1/attempts/"+at.ID, nil), 404)
	wantStatus(t, outsider.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+at.Questions[0]["id"].(string), map[string]any{"value": true}), 404)
	wantStatus(t, outsider.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 404)
	// Wrong shapes and foreign questions.
	qs := byType(at)
	wantProblem(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qs["multiple"]["id"].(string), map[string]any{"number": 3}), 400, "")
	wantProblem(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qs["numerical"]["id"].(string), []byte(`{"number":"1e309"}`), "Content-Type", "application/json"), 400, "")
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/999999", map[string]any{"value": true}), 404)

	got := u.do("GET", "/api/v1/attempts/"+at.ID, nil).JSON(t)
	if got["status"] != "in_progress" || len(got["answers"].(map[string]any)) != 6 {
		t.Fatalf("saved answers not shown: %v", got["answers"])
	}

	// Fifty submits at once: one grading, fifty identical answers.
	var wg sync.WaitGroup
	bodies := make([]string, 50)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
			bodies[i] = string(res.Body)
		}()
	}
	wg.Wait()
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatalf("submits differ:\n%s\n%s", bodies[0], b)
		}
	}
	var res map[string]any
	json.Unmarshal([]byte(bodies[0]), &res)
	if res["score"].(float64) != 6 || res["max_score"].(float64) != 6 || res["passed"] != true {
		t.Errorf("all right: result = %s", bodies[0])
	}
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qs["single"]["id"].(string), answers[qs["single"]["id"].(string)]), 409)

	// Progress counts the passed quiz.
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	quiz := c["modules"].([]any)[0].(map[string]any)["quiz"].(map[string]any)
	if quiz["passed"] != true {
		t.Errorf("the course does not show the quiz passed: %v", quiz)
	}
	// Second and last attempt, then none.
	start(t, u, quizID, 201)
	at2 := start(t, u, quizID, 200)
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at2.ID+"/submit", nil), 200)
	wantProblem(t, u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil), 403, "")
}

func TestAttemptIsFrozenAgainstEdits(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	at := start(t, u, quizID, 201)
	before := u.do("GET", "/api/v1/attempts/"+at.ID, nil).JSON(t)["questions"]
	// The trainer adds a question and changes the settings.
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/import", []byte("::New:: Added later. {TRUE}"), "Content-Type", "text/plain"), 200)
	wantStatus(t, tr.do("PATCH", "/api/v1/quizzes/"+quizID, map[string]any{"pass_mark": 90}), 200)
	after := u.do("GET", "/api/v1/attempts/"+at.ID, nil).JSON(t)["questions"]
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Errorf("an edit changed an attempt in progress")
	}
	if len(after.([]any)) != 6 {
		t.Errorf("the attempt has %d questions, want its 6", len(after.([]any)))
	}
	// Attempts started after an edit get the bank as edited (the rendered
	// bank is cached per bank version): the added question, a reworded one,
	// none of a deleted one.
	if got := len(start(t, enrolled(t, a, slug), quizID, 201).Questions); got != 7 {
		t.Errorf("an attempt started after the import has %d questions, want 7", got)
	}
	bank := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil)
	wantStatus(t, bank, 200)
	items := bank.JSON(t)["items"].([]any)
	first := items[0].(map[string]any)
	first["stem"] = "Reworded **after** the first attempts."
	wantStatus(t, tr.do("PUT", "/api/v1/questions/"+first["id"].(string), first), 200)
	last := items[len(items)-1].(map[string]any)
	wantStatus(t, tr.do("DELETE", "/api/v1/questions/"+last["id"].(string), nil), 204)
	fresh := start(t, enrolled(t, a, slug), quizID, 201)
	stems := ""
	for _, q := range fresh.Questions {
		stems += q["stem"].(string) + "\n"
	}
	if len(fresh.Questions) != 6 || !strings.Contains(stems, "Reworded <strong>after</strong>") || strings.Contains(stems, "Added later") {
		t.Errorf("an attempt started after an edit and a deletion does not show them:\n%s", stems)
	}
}

func TestDeadlineIsEnforcedByTheServer(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 60})
	now := time.Now()
	a.quizzes.Now = func() time.Time { return now }
	u := enrolled(t, a, slug)
	at := start(t, u, quizID, 201)
	if at.Deadline == nil {
		t.Fatal("a timed quiz's attempt has no deadline")
	}
	answers := rightAnswers(t, at)
	qs := byType(at)
	single := qs["single"]["id"].(string)
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+single, answers[single]), 204)
	now = now.Add(2 * time.Minute) // past the deadline and its grace
	tf := qs["true_false"]["id"].(string)
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+tf, answers[tf]), 409)
	got := u.do("GET", "/api/v1/attempts/"+at.ID, nil).JSON(t)
	if got["status"] != "expired" {
		t.Fatalf("an attempt past its deadline is %v, want expired", got["status"])
	}
	res := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil).JSON(t)
	if res["score"].(float64) != 1 {
		t.Errorf("expired attempt graded %v, want 1 (the one answer saved in time)", res["score"])
	}
}

func TestOverrideGivesExtraTimeAndAttempts(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 60, "max_attempts": 1})
	u := enrolled(t, a, slug)
	wantStatus(t, u.do("POST", "/api/v1/quizzes/"+quizID+"/overrides", map[string]any{"user_id": u.ID, "extra_time_s": 600}), 403)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/overrides", map[string]any{"user_id": u.ID, "extra_time_s": 600, "extra_attempts": 1}), 200)
	at := start(t, u, quizID, 201)
	if d := time.Until(*at.Deadline); d < 10*time.Minute {
		t.Errorf("deadline in %v, want about 11 minutes", d)
	}
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
	start(t, u, quizID, 201) // the extra attempt
}

func TestConcurrentStartsMakeOneAttempt(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"max_attempts": 1})
	u := enrolled(t, a, slug)
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil)
			if r.StatusCode == 200 || r.StatusCode == 201 {
				ids[i] = r.JSON(t)["id"].(string)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("concurrent starts gave attempts %v", ids)
		}
	}
}

func TestGIFTImportErrorsAndExport(t *testing.T) {
	a := newTestApp(t, nil)
	tr, _, quizID := quizCourse(t, a, nil)
	broken := "::Good:: Fine. {TRUE}\n\n::Broken:: Never closes {=yes ~no\n\n::Good two:: Fine too. {FALSE}\n"
	p := wantProblem(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/import", []byte(broken), "Content-Type", "text/plain"), 422, "")
	errs := p["errors"].([]any)
	if len(errs) == 0 || errs[0].(map[string]any)["line"].(float64) != 3 {
		t.Errorf("errors = %v, want one at line 3", errs)
	}
	bank := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil).JSON(t)["items"].([]any)
	if len(bank) != 6 {
		t.Errorf("a failed import changed the bank: %d questions", len(bank))
	}
	partial := tr.do("POST", "/api/v1/quizzes/"+quizID+"/import?partial=1", []byte(broken), "Content-Type", "text/plain")
	wantStatus(t, partial, 200)
	if partial.JSON(t)["imported"].(float64) != 2 {
		t.Errorf("partial import: %s", partial.Body)
	}
	export := tr.do("GET", "/api/v1/quizzes/"+quizID+"/export.gift", nil)
	wantStatus(t, export, 200)
	// The export imports back to the same questions, into another quiz.
	tr2, _, other := quizCourse(t, a, nil)
	again := tr2.do("POST", "/api/v1/quizzes/"+other+"/import", export.Body, "Content-Type", "text/plain")
	wantStatus(t, again, 200)
	if again.JSON(t)["imported"].(float64) != 8 {
		t.Fatalf("re-import: %s", again.Body)
	}
	strip := func(items []any) string {
		for _, it := range items {
			delete(it.(map[string]any), "id")
		}
		b, _ := json.Marshal(items)
		return string(b)
	}
	first := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil).JSON(t)["items"].([]any)
	second := tr2.do("GET", "/api/v1/quizzes/"+other+"/questions", nil).JSON(t)["items"].([]any)[6:]
	if strip(first) != strip(second) {
		t.Errorf("export and re-import changed the questions:\n%s\n%s", strip(first), strip(second))
	}
}

func TestEssayGradingQueue(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/import", []byte("::Essay:: Describe a referral you made. {}"), "Content-Type", "text/plain"), 200)
	u := enrolled(t, a, slug)
	at := start(t, u, quizID, 201)
	answers := rightAnswers(t, at)
	for qid, body := range answers {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	essay := byType(at)["essay"]["id"].(string)
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+essay, map[string]any{"text": "J'ai appelé la cellule de prise en charge."}), 204)
	res := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil).JSON(t)
	if res["pending_manual"] != true || res["passed"] != false {
		t.Fatalf("an essay should leave the attempt pending: %v", res)
	}
	// Another trainer does not see it; a trainee may not grade.
	other := a.trainer()
	if q := other.do("GET", "/api/v1/grading", nil).JSON(t)["items"].([]any); len(q) != 0 {
		t.Errorf("another trainer's queue shows %d essays", len(q))
	}
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/answers/"+essay+"/grade", map[string]any{"points": 1}), 403)
	wantStatus(t, other.do("POST", "/api/v1/attempts/"+at.ID+"/answers/"+essay+"/grade", map[string]any{"points": 1}), 404)
	queue := tr.do("GET", "/api/v1/grading", nil).JSON(t)["items"].([]any)
	if len(queue) != 1 || !strings.Contains(queue[0].(map[string]any)["answer"].(string), "cellule") {
		t.Fatalf("grading queue = %v", queue)
	}
	wantProblem(t, tr.do("POST", "/api/v1/attempts/"+at.ID+"/answers/"+essay+"/grade", map[string]any{"points": 5}), 400, "points")
	g := tr.do("POST", "/api/v1/attempts/"+at.ID+"/answers/"+essay+"/grade", map[string]any{"points": 1, "comment": "Bonne orientation."})
	wantStatus(t, g, 200)
	after := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil).JSON(t)
	if after["pending_manual"] != false || after["passed"] != true || after["score"].(float64) != 7 {
		t.Errorf("after grading: %v", after)
	}
	if len(tr.do("GET", "/api/v1/grading", nil).JSON(t)["items"].([]any)) != 0 {
		t.Error("a graded essay stays in the queue")
	}
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	if c["modules"].([]any)[0].(map[string]any)["quiz"].(map[string]any)["passed"] != true {
		t.Error("grading the essay did not update the course progress")
	}
}

func TestItemAnalysis(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	// Three trainees: all right; all right but the numerical; only the
	// single-choice question right.
	for i, skip := range []map[string]bool{{}, {"numerical": true}, {"multiple": true, "true_false": true, "short": true, "numerical": true, "matching": true}} {
		u := enrolled(t, a, slug)
		at := start(t, u, quizID, 201)
		answers := rightAnswers(t, at)
		for typ, q := range byType(at) {
			if !skip[typ] {
				wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+q["id"].(string), answers[q["id"].(string)]), 204)
			}
		}
		wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
		_ = i
	}
	r := tr.do("GET", "/api/v1/reports/quizzes/"+quizID+"/items", nil)
	wantStatus(t, r, 200)
	var rep struct {
		Attempts  int
		Questions []struct {
			ID             string
			Type           string
			Facility       *float64
			Discrimination *float64
			Options        []struct {
				ID     string
				Chosen int
			}
		}
		Reliability *float64
	}
	json.Unmarshal(r.Body, &rep)
	if rep.Attempts != 3 || len(rep.Questions) != 6 {
		t.Fatalf("report = %s", r.Body)
	}
	for _, q := range rep.Questions {
		switch q.Type {
		case "single":
			if q.Facility == nil || *q.Facility != 100 || q.Discrimination != nil {
				t.Errorf("single: facility %v (want 100), discrimination %v (want none: no variance)", q.Facility, q.Discrimination)
			}
			chosen := 0
			for _, o := range q.Options {
				chosen += o.Chosen
			}
			if chosen != 3 {
				t.Errorf("single: options chosen %d times, want 3", chosen)
			}
		case "numerical":
			if q.Facility == nil || *q.Facility < 33 || *q.Facility > 34 {
				t.Errorf("numerical facility = %v, want 33.33", q.Facility)
			}
		case "multiple":
			if q.Discrimination == nil || *q.Discrimination <= 0 {
				t.Errorf("multiple: the better trainees got it: discrimination %v should be positive", q.Discrimination)
			}
		}
	}
	if rep.Reliability == nil {
		t.Error("no reliability for 3 attempts of 6 items")
	}
	trainee := enrolled(t, a, slug)
	wantStatus(t, trainee.do("GET", "/api/v1/reports/quizzes/"+quizID+"/items", nil), 403)
}

// TestExamStartSpike starts more attempts at once than the database pool has
// connections: a transaction that takes a second connection from the pool
// would deadlock here on PostgreSQL (it did).
func TestExamStartSpike(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, nil)
	const n = 48
	users := make([]user, n)
	for i := range users {
		users[i] = enrolled(t, a, slug)
	}
	done := make(chan int, n)
	for _, u := range users {
		go func() { done <- u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil).StatusCode }()
	}
	timeout := time.After(60 * time.Second)
	for range users {
		select {
		case code := <-done:
			if code != 201 {
				t.Errorf("a start in the spike answered %d", code)
			}
		case <-timeout:
			t.Fatal("starts did not finish in 60 s: the pool is deadlocked")
		}
	}
}

// Another node (a service with empty caches on the same database) saves an
// answer to an attempt started here: it reads the snapshot it has not seen.
func TestAnotherNodeSavesAnswers(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	at := start(t, u, quizID, 201)
	var me models.User
	if err := a.db.R.Take(&me, "email = ?", u.Email).Error; err != nil {
		t.Fatal(err)
	}
	other := quiz.NewService(a.db, a.courses)
	attemptID, _ := strconv.ParseInt(at.ID, 10, 64)
	qid := byType(at)["true_false"]["id"].(string)
	if err := other.SaveAnswer(context.Background(), me, attemptID, qid, []byte(`{"value": false}`)); err != nil {
		t.Fatalf("the other node could not save: %v", err)
	}
	if err := other.SaveAnswer(context.Background(), me, attemptID, "nope", []byte(`{"value": false}`)); !errors.Is(err, quiz.ErrNotInAttempt) {
		t.Errorf("a question not in the attempt: %v, want ErrNotInAttempt", err)
	}
	// Another trainee learns nothing about this attempt, on the node that
	// holds its snapshot: not whether the question exists, not the type.
	stranger := enrolled(t, a, slug)
	for _, body := range []string{`{"value": true}`, `{"choices": 3}`} {
		wantStatus(t, stranger.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, []byte(body), "Content-Type", "application/json"), 404)
	}
	wantStatus(t, stranger.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/nope", []byte(`{"value": true}`), "Content-Type", "application/json"), 404)
	got := u.do("GET", "/api/v1/attempts/"+at.ID, nil).JSON(t)["answers"].(map[string]any)[qid]
	if v, _ := got.(map[string]any)["value"].(bool); got == nil || v {
		t.Errorf("saved answer read back as %v, want {value: false}", got)
	}
}

// Who may start: an unknown quiz and a draft course's quiz are not found for
// a trainee; the course's trainer may try their own draft.
func TestStartVisibility(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	wantStatus(t, u.do("POST", "/api/v1/quizzes/999999/attempts", nil), 404)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"published": false}), 200)
	wantStatus(t, u.do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil), 404)
	wantStatus(t, a.trainer().do("POST", "/api/v1/quizzes/"+quizID+"/attempts", nil), 404)
	start(t, tr, quizID, 201)
}
