package quiz

// What a trainee learns of a graded attempt (the review setting), the pass
// mark, essays graded by a trainer, and what course progress reads of it.

import (
	"errors"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// answerSome saves the right answers to the questions of the given types,
// and a wrong one (false) to the true/false question when it is not among
// them, then submits.
func answerSome(t *testing.T, x *env, u models.User, types ...string) (AttemptJSON, ResultJSON) {
	t.Helper()
	a := x.start(u)
	right := rightAnswers(t, a)
	qs := byType(a)
	tfRight := false
	for _, typ := range types {
		x.mustSave(u, a, qs[typ].ID, right[qs[typ].ID])
		tfRight = tfRight || typ == TrueFalse
	}
	if !tfRight {
		x.mustSave(u, a, qs[TrueFalse].ID, map[string]any{"value": false})
	}
	return a, x.submit(u, a)
}

func TestReviewPolicies(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{PassMark: ptrTo(50)}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	a, r := answerSome(t, x, u, Single) // 1 of 6: 16.67 %
	aid := mustID(t, a.ID)
	single, tf := byType(a)[Single].ID, byType(a)[TrueFalse].ID
	item := func(r ResultJSON, qid string) ReviewItem {
		for _, it := range r.Review {
			if it.QuestionID == qid {
				return it
			}
		}
		t.Fatalf("no review of %s in %+v", qid, r.Review)
		return ReviewItem{}
	}

	// after_submit (the default): score, points, feedback, the right answers.
	if r.Score == nil || *r.Score != 1 || *r.Percent != 16.67 || r.Passed || len(r.Review) != 6 {
		t.Fatalf("after_submit: %+v", r)
	}
	if it := item(r, single); !it.Correct || it.Points != 1 || !strings.Contains(it.Feedback, "FBK-single-right") {
		t.Errorf("after_submit, the single choice: %+v", it)
	}
	if it := item(r, tf); it.Correct || it.CorrectAnswer == nil || it.CorrectAnswer.Value == nil || !*it.CorrectAnswer.Value ||
		!strings.Contains(it.Feedback, "FBK-tf-wrong") {
		t.Errorf("after_submit, the wrong true/false: %+v", it)
	}

	// score_only: the score and points, no feedback, no key. The result is
	// stored whole: a change of setting applies to what is shown from now on.
	if _, err := x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, Settings{Review: ptrTo(ReviewScoreOnly)}); err != nil {
		t.Fatal(err)
	}
	got, err := x.svc.Get(x.ctx, u, aid)
	if err != nil || got.Result == nil || got.Result.Score == nil || *got.Result.Score != 1 || len(got.Result.Review) != 6 {
		t.Fatalf("score_only: %v %+v", err, got.Result)
	}
	for _, it := range got.Result.Review {
		if it.Feedback != "" || it.CorrectAnswer != nil {
			t.Errorf("score_only shows feedback or the key: %+v", it)
		}
	}
	if item(*got.Result, single).Points != 1 {
		t.Errorf("score_only hides the points")
	}
	if o, _ := x.svc.Overview(x.ctx, u, x.quizID); o.BestPercent == nil || *o.BestPercent != 16.67 {
		t.Errorf("score_only: best percent %v, want 16.67", o.BestPercent)
	}

	// never: whether they passed, nothing else, wherever their attempts show.
	if _, err := x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, Settings{Review: ptrTo(ReviewNever)}); err != nil {
		t.Fatal(err)
	}
	again := x.submit(u, a)
	if again.Score != nil || again.MaxScore != nil || again.Percent != nil || len(again.Review) != 0 || again.Passed {
		t.Errorf("never, submit again: %+v", again)
	}
	if got, _ := x.svc.Get(x.ctx, u, aid); got.Result == nil || got.Result.Score != nil || len(got.Result.Review) != 0 {
		t.Errorf("never, the attempt: %+v", got.Result)
	}
	o, err := x.svc.Overview(x.ctx, u, x.quizID)
	if err != nil || o.BestPercent != nil || o.Passed || len(o.Attempts) != 1 || o.Attempts[0].Percent != nil || o.Attempts[0].Score != nil {
		t.Errorf("never, the overview: %v best %v attempts %+v", err, o.BestPercent, o.Attempts)
	}
	if o.Attempts[0].Passed == nil || *o.Attempts[0].Passed {
		t.Errorf("never still says whether it passed: %v", o.Attempts[0].Passed)
	}
	list, _ := x.svc.Attempts(x.ctx, u, x.quizID)
	if len(list) != 1 || list[0].Percent != nil {
		t.Errorf("never, the trainee's list: %+v", list)
	}
	list, _ = x.svc.Attempts(x.ctx, x.author, x.quizID)
	if len(list) != 1 || list[0].Percent == nil || *list[0].Percent != 16.67 {
		t.Errorf("never, the trainer's list keeps the scores: %+v", list)
	}
	prog, err := NewProgress(x.DB).CourseQuizzes(x.ctx, u.ID, x.course.ID, "fr")
	st := prog[x.course.Modules[0].ID]
	if err != nil || st.QuizID != x.quizID || st.BestPercent != nil || st.Passed {
		t.Errorf("never, course progress: %v %+v", err, st)
	}
}

func TestPassMark(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{PassMark: ptrTo(50), Titles: &map[string]string{"ar": "تعاريف"}}, webtest.SixTypesGIFT)
	half, below := x.trainee("Nadia"), x.trainee("Salma")
	_, r := answerSome(t, x, half, Single, TrueFalse, Short) // 3 of 6: 50 %
	if !r.Passed || *r.Percent != 50 {
		t.Errorf("50 %% at a pass mark of 50: %+v, want passed", r)
	}
	_, r = answerSome(t, x, below, Single, Short) // 2 of 6
	if r.Passed || *r.Percent != 33.33 {
		t.Errorf("33.33 %% at a pass mark of 50: %+v, want failed", r)
	}
	if o, _ := x.svc.Overview(x.ctx, half, x.quizID); !o.Passed || *o.BestPercent != 50 {
		t.Errorf("overview of a pass: passed %v best %v", o.Passed, o.BestPercent)
	}

	// Course progress counts the pass, in the trainee's language.
	p := NewProgress(x.DB)
	mid := x.course.Modules[0].ID
	st, err := p.CourseQuizzes(x.ctx, half.ID, x.course.ID, "ar")
	if err != nil || !st[mid].Passed || st[mid].PassedAt == nil || !st[mid].PassedAt.Equal(x.clock.Now()) || st[mid].Title != "تعاريف" || st[mid].PassMark != 50 {
		t.Errorf("progress of a pass: %v %+v", err, st[mid])
	}
	st, _ = p.CourseQuizzes(x.ctx, below.ID, x.course.ID, "fr")
	if st[mid].Passed || st[mid].PassedAt != nil || st[mid].BestPercent == nil || *st[mid].BestPercent != 33.33 || st[mid].Title != "Définitions" {
		t.Errorf("progress of a fail: %+v", st[mid])
	}

	// The course report's rows: one per trainee, best and passed.
	res, counted, err := x.svc.CourseResults(x.ctx, x.course.ID)
	if err != nil || len(res) != 2 || !counted[mid] {
		t.Fatalf("course results: %v %+v %v", err, res, counted)
	}
	for _, r := range res {
		want := r.UserID == half.ID
		if r.Passed != want || r.Finished != 1 || r.ModuleID != mid || r.FirstPass.IsZero() == want || r.LastActivity.IsZero() {
			t.Errorf("course result of user %d: %+v", r.UserID, r)
		}
	}
}

// A quiz without questions cannot be passed and does not count.
func TestProgressSkipsEmptyQuizzes(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, "")
	u := x.trainee("Nadia")
	st, err := NewProgress(x.DB).CourseQuizzes(x.ctx, u.ID, x.course.ID, "fr")
	if err != nil || len(st) != 0 {
		t.Errorf("an empty quiz in progress: %v %+v", err, st)
	}
	_, counted, err := x.svc.CourseResults(x.ctx, x.course.ID)
	if err != nil || len(counted) != 0 {
		t.Errorf("an empty quiz in the course report: %v %v", err, counted)
	}
}

// An essay leaves the attempt pending (not passed) until the course's
// trainer grades it; then the score, the pass and progress follow.
func TestEssayGrading(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{PassMark: ptrTo(50)}, webtest.SixTypesGIFT+"\n::Essay:: Describe a referral you made. {}\n")
	u := x.trainee("Nadia")
	a := x.start(u)
	for qid, body := range rightAnswers(t, a) {
		x.mustSave(u, a, qid, body)
	}
	essay := byType(a)[Essay].ID
	aid := mustID(t, a.ID)
	x.mustSave(u, a, essay, map[string]any{"text": "J'ai appelé la cellule de prise en charge."})
	if _, err := x.svc.GradeEssay(x.ctx, x.author, aid, essay, GradeInput{Points: ptrTo(1.0)}); !errors.Is(err, ErrNotEssayPending) {
		t.Errorf("grading an attempt in progress: %v, want ErrNotEssayPending", err)
	}
	r := x.submit(u, a)
	if !r.PendingManual || r.Passed || *r.Score != 6 {
		t.Fatalf("with an essay to grade: %+v, want pending and not passed", r)
	}

	other := x.User("Other", models.RoleTrainer)
	if q, err := x.svc.GradingQueue(x.ctx, other); err != nil || len(q) != 0 {
		t.Errorf("another trainer's queue: %v %+v", err, q)
	}
	q, err := x.svc.GradingQueue(x.ctx, x.author)
	if err != nil || len(q) != 1 || q[0].QuestionID != essay || !strings.Contains(q[0].Answer, "cellule") || q[0].MaxPoints != 1 {
		t.Fatalf("the author's queue: %v %+v", err, q)
	}
	if _, err := x.svc.GradeEssay(x.ctx, other, aid, essay, GradeInput{Points: ptrTo(1.0)}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another trainer grades: %v, want ErrNotFound", err)
	}
	if _, err := x.svc.GradeEssay(x.ctx, x.author, 999999, essay, GradeInput{Points: ptrTo(1.0)}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown attempt: %v, want ErrNotFound", err)
	}
	if _, err := x.svc.GradeEssay(x.ctx, x.author, aid, byType(a)[Single].ID, GradeInput{Points: ptrTo(1.0)}); !errors.Is(err, ErrNotInAttempt) {
		t.Errorf("grading a single choice: %v, want ErrNotInAttempt", err)
	}
	_, err = x.svc.GradeEssay(x.ctx, x.author, aid, essay, GradeInput{Points: ptrTo(5.0)})
	webtest.WantFields(t, err, "points")
	_, err = x.svc.GradeEssay(x.ctx, x.author, aid, essay, GradeInput{})
	webtest.WantFields(t, err, "points")
	_, err = x.svc.GradeEssay(x.ctx, x.author, aid, essay, GradeInput{Points: ptrTo(1.0), Comment: strings.Repeat("x", 10001)})
	webtest.WantFields(t, err, "comment")

	g, err := x.svc.GradeEssay(x.ctx, x.author, aid, essay, GradeInput{Points: ptrTo(1.0), Comment: " Bonne orientation. "})
	if err != nil || g.PendingManual || !g.Passed || *g.Score != 7 {
		t.Fatalf("graded: %v %+v", err, g)
	}
	after := x.submit(u, a)
	var it ReviewItem
	for _, x := range after.Review {
		if x.QuestionID == essay {
			it = x
		}
	}
	if !after.Passed || *after.Score != 7 || it.Comment != "Bonne orientation." || !it.Correct {
		t.Errorf("the trainee's result after grading: %+v, essay %+v", after, it)
	}
	if q, _ := x.svc.GradingQueue(x.ctx, x.author); len(q) != 0 {
		t.Errorf("a graded essay stays in the queue: %+v", q)
	}
	if st, _ := NewProgress(x.DB).CourseQuizzes(x.ctx, u.ID, x.course.ID, "fr"); !st[x.course.Modules[0].ID].Passed {
		t.Error("grading the essay did not pass the quiz in course progress")
	}
}

// A trainee's data export holds their attempts, answers and the questions
// as they saw them, not the answer key.
func TestExportAttempts(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	u := x.trainee("Nadia")
	a, _ := answerSome(t, x, u, Single)
	name, data, err := x.svc.ExportAttempts(x.ctx, u.ID)
	if err != nil || name != "quiz_attempts" {
		t.Fatalf("export: %q %v", name, err)
	}
	list := data.([]attemptExport)
	if len(list) != 1 || list[0].ID != mustID(t, a.ID) || list[0].QuizTitle != "Définitions" || len(list[0].Answers) != 2 || len(list[0].Questions) != 6 {
		t.Fatalf("export: %+v", list)
	}
	for _, q := range list[0].Questions {
		if q.Type == Single && !strings.Contains(strings.Join(values(q.Options), "|"), "Palermo Protocol") {
			t.Errorf("the single choice's options are not readable: %+v", q.Options)
		}
	}
	for _, an := range list[0].Answers {
		if an.Points == nil {
			t.Errorf("answer %s has no points", an.QuestionID)
		}
	}
	if _, other, _ := x.svc.ExportAttempts(x.ctx, x.author.ID); len(other.([]attemptExport)) != 0 {
		t.Errorf("someone else's export holds %d attempts", len(other.([]attemptExport)))
	}
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
