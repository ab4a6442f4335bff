package quiz

// The JSON API's statuses and problem+json bodies, mounted on
// internal/webtest's app the way cmd/tadrib mounts them.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// wantProblem checks a problem+json answer (webtest.WantProblem) and, when
// urn is not empty, its type, urn:tadrib:problem:<urn>.
func wantProblem(t *testing.T, r webtest.Response, status int, urn string) webtest.Problem {
	t.Helper()
	p := r.WantProblem(t, status)
	if urn != "" && p.Type != "urn:tadrib:problem:"+urn {
		t.Errorf("problem type %q, want urn:tadrib:problem:%s", p.Type, urn)
	}
	return p
}

// fields are the fields a problem names, joined with commas.
func fields(p webtest.Problem) string { return strings.Join(p.Fields(), ",") }

func TestAPIAttempts(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{MaxAttempts: ptrTo(1)}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	base := fmt.Sprintf("/api/v1/quizzes/%d", x.quizID)
	wantProblem(t, x.Anonymous().Post(base+"/attempts", nil), http.StatusUnauthorized, "")
	wantProblem(t, x.As(x.User("Omar", models.RoleTrainee)).Post(base+"/attempts", nil), http.StatusForbidden, "not_enrolled")
	wantProblem(t, x.As(u).Post("/api/v1/quizzes/abc/attempts", nil), http.StatusNotFound, "not_found")
	wantProblem(t, x.As(u).Post("/api/v1/quizzes/999999/attempts", nil), http.StatusNotFound, "not_found")

	me := x.As(u)
	r := me.Post(base+"/attempts", nil).Want(t, http.StatusCreated)
	for _, secret := range []string{"FBK-", "27-14", "weight", "correct", "feedback"} {
		if strings.Contains(r.Body, secret) {
			t.Errorf("the started attempt shows %q", secret)
		}
	}
	var a AttemptJSON
	r.JSON(t, &a)
	var again AttemptJSON
	me.Post(base+"/attempts", nil).Want(t, http.StatusOK).JSON(t, &again)
	if again.ID != a.ID {
		t.Errorf("a second start gave attempt %s, want %s resumed", again.ID, a.ID)
	}
	qs := byType(a)
	right := rightAnswers(t, a)
	put := func(c *webtest.Client, qid string, body any) webtest.Response {
		return c.Do(http.MethodPut, "/api/v1/attempts/"+a.ID+"/answers/"+qid, body)
	}
	put(me, qs[Single].ID, right[qs[Single].ID]).Want(t, http.StatusNoContent)
	p := wantProblem(t, put(me, qs[Multiple].ID, map[string]any{"number": 3}), http.StatusBadRequest, "invalid")
	if len(p.Errors) == 0 || p.Errors[0].Field == "" {
		t.Errorf("a wrong answer shape names no field: %+v", p)
	}
	wantProblem(t, put(me, "999999", map[string]any{"value": true}), http.StatusNotFound, "not_found")
	stranger := x.As(x.trainee("Salma"))
	wantProblem(t, put(stranger, qs[TrueFalse].ID, map[string]any{"value": true}), http.StatusNotFound, "not_found")
	wantProblem(t, stranger.Get("/api/v1/attempts/"+a.ID), http.StatusNotFound, "not_found")
	wantProblem(t, stranger.Post("/api/v1/attempts/"+a.ID+"/submit", nil), http.StatusNotFound, "not_found")

	var got struct {
		Status  string                     `json:"status"`
		Answers map[string]json.RawMessage `json:"answers"`
	}
	me.Get("/api/v1/attempts/"+a.ID).Want(t, http.StatusOK).JSON(t, &got)
	if got.Status != models.AttemptInProgress || len(got.Answers) != 1 {
		t.Errorf("the attempt: %+v, want in progress with one answer", got)
	}
	var res ResultJSON
	me.Post("/api/v1/attempts/"+a.ID+"/submit", nil).Want(t, http.StatusOK).JSON(t, &res)
	if res.Score == nil || *res.Score != 1 || res.Status != models.AttemptSubmitted {
		t.Errorf("submit: %+v", res)
	}
	wantProblem(t, put(me, qs[TrueFalse].ID, map[string]any{"value": true}), http.StatusConflict, "attempt_closed")
	wantProblem(t, me.Post(base+"/attempts", nil), http.StatusForbidden, "no_attempts")

	var o Overview
	me.Get(base).Want(t, http.StatusOK).JSON(t, &o)
	if o.AttemptsLeft == nil || *o.AttemptsLeft != 0 || o.QuestionCount != 6 || o.CourseSlug != x.course.Slug {
		t.Errorf("overview: %+v", o)
	}
	var list struct{ Items []AttemptBrief }
	me.Get(base+"/attempts").Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != a.ID {
		t.Errorf("the trainee's attempts: %+v", list.Items)
	}
	// A quiz's rules are shown to anyone who may see its course.
	x.As(x.User("Omar2", models.RoleTrainee)).Get(base).Want(t, http.StatusOK)
}

func TestAPIEmptyQuiz(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, "")
	wantProblem(t, x.As(x.trainee("Nadia")).Post(fmt.Sprintf("/api/v1/quizzes/%d/attempts", x.quizID), nil), http.StatusConflict, "quiz_empty")
}

func TestAPIAuthoring(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	author, trainee, other := x.As(x.author), x.As(x.trainee("Nadia")), x.As(x.User("Other", models.RoleTrainer))
	base := fmt.Sprintf("/api/v1/quizzes/%d", x.quizID)
	mod := fmt.Sprintf("/api/v1/modules/%d/quiz", x.course.Modules[0].ID)

	wantProblem(t, trainee.Post(mod, map[string]any{"title": "Quiz"}), http.StatusForbidden, "forbidden")
	wantProblem(t, other.Post(mod, map[string]any{"title": "Quiz"}), http.StatusForbidden, "forbidden")
	wantProblem(t, author.Post(mod, map[string]any{"title": "Quiz"}), http.StatusConflict, "quiz_exists")
	p := wantProblem(t, author.Do(http.MethodPatch, base, map[string]any{"pass_mark": 101, "review": "x"}), http.StatusBadRequest, "invalid")
	if fields(p) != "pass_mark,review" || p.Errors[0].Message == "" {
		t.Errorf("invalid settings: %+v", p.Errors)
	}
	wantProblem(t, other.Do(http.MethodPatch, base, map[string]any{"pass_mark": 10}), http.StatusNotFound, "not_found")
	var q QuizJSON
	author.Do(http.MethodPatch, base, map[string]any{"pass_mark": 10}).Want(t, http.StatusOK).JSON(t, &q)
	if q.PassMark != 10 || q.QuestionCount != 6 {
		t.Errorf("patched: %+v", q)
	}

	// Questions.
	tf := map[string]any{"type": "true_false", "stem": "Vrai ?", "correct": true}
	var added Question
	author.Post(base+"/questions", tf).Want(t, http.StatusCreated).JSON(t, &added)
	p = wantProblem(t, author.Post(base+"/questions", map[string]any{"type": "true_false"}), http.StatusBadRequest, "invalid")
	if fields(p) != "stem,correct" {
		t.Errorf("an invalid question: fields %q", fields(p))
	}
	wantProblem(t, trainee.Post(base+"/questions", tf), http.StatusForbidden, "forbidden")
	wantProblem(t, other.Post(base+"/questions", tf), http.StatusNotFound, "not_found")
	var list struct{ Items []Question }
	author.Get(base+"/questions").Want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 7 || list.Items[6].ID != added.ID {
		t.Errorf("the bank: %d questions", len(list.Items))
	}
	wantProblem(t, other.Get(base+"/questions"), http.StatusNotFound, "not_found")
	qpath := "/api/v1/questions/" + added.ID
	var one Question
	author.Get(qpath).Want(t, http.StatusOK).JSON(t, &one)
	one.Stem = "Vrai ou faux ?"
	author.Do(http.MethodPut, qpath, one).Want(t, http.StatusOK)
	wantProblem(t, other.Get(qpath), http.StatusNotFound, "not_found")
	author.Do(http.MethodDelete, qpath, nil).Want(t, http.StatusNoContent)
	wantProblem(t, author.Get(qpath), http.StatusNotFound, "not_found")

	// GIFT in and out.
	broken := "::Good:: Fine. {TRUE}\n\n::Broken:: Never closes {=yes ~no\n"
	p = wantProblem(t, author.Do(http.MethodPost, base+"/import", broken, "Content-Type", "text/plain"), http.StatusUnprocessableEntity, "gift")
	if len(p.Errors) != 1 || p.Errors[0].Line != 3 {
		t.Errorf("a broken import: %+v, want one error at line 3", p.Errors)
	}
	var imp ImportResult
	author.Do(http.MethodPost, base+"/import?partial=1", broken, "Content-Type", "text/plain").Want(t, http.StatusOK).JSON(t, &imp)
	if imp.Imported != 1 || len(imp.Errors) != 1 {
		t.Errorf("a partial import: %+v", imp)
	}
	wantProblem(t, author.Do(http.MethodPost, base+"/import", strings.Repeat("x", MaxGIFTSize+1), "Content-Type", "text/plain"),
		http.StatusRequestEntityTooLarge, "too_large")
	e := author.Get(base+"/export.gift").Want(t, http.StatusOK)
	if !strings.HasPrefix(e.Header.Get("Content-Type"), "text/plain") || !strings.Contains(e.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(e.Body, "Palermo Protocol") {
		t.Errorf("export: %v\n%.200s", e.Header, e.Body)
	}
	wantProblem(t, other.Get(base+"/export.gift"), http.StatusNotFound, "not_found")

	// Overrides, the item report and the grading queue.
	nadia := trainee.User
	var ov OverrideJSON
	author.Post(base+"/overrides", map[string]any{"user_id": id(nadia.ID), "extra_attempts": 2}).Want(t, http.StatusOK).JSON(t, &ov)
	if ov.ExtraAttempts != 2 || ov.UserID != id(nadia.ID) {
		t.Errorf("override: %+v", ov)
	}
	p = wantProblem(t, author.Post(base+"/overrides", map[string]any{"user_id": "0"}), http.StatusBadRequest, "invalid")
	if fields(p) != "user_id" {
		t.Errorf("an override for no one: fields %q", fields(p))
	}
	items := fmt.Sprintf("/api/v1/reports/quizzes/%d/items", x.quizID)
	var rep ItemReport
	author.Get(items).Want(t, http.StatusOK).JSON(t, &rep)
	if len(rep.Questions) != 7 || rep.Attempts != 0 {
		t.Errorf("item report: %d questions, %d attempts", len(rep.Questions), rep.Attempts)
	}
	wantProblem(t, trainee.Get(items), http.StatusForbidden, "forbidden")
	wantProblem(t, other.Get(items), http.StatusNotFound, "not_found")
	var queue struct{ Items []PendingEssay }
	author.Get("/api/v1/grading").Want(t, http.StatusOK).JSON(t, &queue)
	if queue.Items == nil || len(queue.Items) != 0 {
		t.Errorf("an empty grading queue: %+v", queue.Items)
	}
	wantProblem(t, trainee.Post("/api/v1/attempts/1/answers/1/grade", map[string]any{"points": 1}), http.StatusForbidden, "forbidden")
	wantProblem(t, author.Post("/api/v1/attempts/999999/answers/1/grade", map[string]any{"points": 1}), http.StatusNotFound, "not_found")
}
