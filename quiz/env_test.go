package quiz

// The fixtures of this package's service and HTTP tests: a database on the
// engine under test (internal/webtest, internal/testdb), the real courses
// service for who may see, take and edit a module (as cmd/tadrib/app.go
// builds it), a clock the test moves, and a quiz in a published course.

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// clock is the service's Now, moved by the test (no sleeps).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	*webtest.Env
	t      *testing.T
	ctx    context.Context
	svc    *Service
	cs     *courses.Service
	clock  *clock
	author models.User // the course's trainer
	course models.Course
	quizID int64
}

// newEnv builds the service on a fresh database with a published course of
// one module, authored by a trainer, whose quiz has settings in and the
// questions of gift (none when gift is empty). The handler is mounted.
func newEnv(t *testing.T, in Settings, gift string) *env {
	t.Helper()
	e := webtest.New(t)
	cs := courses.NewService(e.DB, NewProgress(e.DB), nil)
	svc := NewService(e.DB, cs)
	c := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	svc.Now = c.Now
	NewHandler(svc, e.Renderer).Routes(e.App, e.API)
	x := &env{Env: e, t: t, ctx: context.Background(), svc: svc, cs: cs, clock: c}
	x.author = e.User("Karim", models.RoleTrainer)
	x.course = e.Course("traite-101", 1, &x.author) // each test has its own database
	if in.Title == nil {
		in.Title = ptrTo("Définitions")
	}
	q, err := svc.CreateQuiz(x.ctx, x.author, x.course.Modules[0].ID, in)
	if err != nil {
		t.Fatalf("create quiz: %v", err)
	}
	x.quizID = mustID(t, q.ID)
	if gift != "" {
		x.importGIFT(gift)
	}
	return x
}

func (x *env) importGIFT(gift string) {
	x.t.Helper()
	res, err := x.svc.ImportGIFT(x.ctx, x.author, x.quizID, gift, false)
	if err != nil || len(res.Errors) > 0 {
		x.t.Fatalf("import: %v %+v", err, res.Errors)
	}
}

func mustID(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// trainee stores a trainee enrolled in the env's course.
func (x *env) trainee(name string) models.User {
	x.t.Helper()
	u := x.User(name, models.RoleTrainee)
	x.enrol(u)
	return u
}

func (x *env) enrol(u models.User) {
	x.t.Helper()
	if err := x.DB.W.Create(&models.Enrolment{UserID: u.ID, CourseID: x.course.ID, CreatedAt: x.clock.Now()}).Error; err != nil {
		x.t.Fatal(err)
	}
}

// start starts (or resumes) u's attempt, failing the test on an error.
func (x *env) start(u models.User) AttemptJSON {
	x.t.Helper()
	a, _, err := x.svc.Start(x.ctx, u, x.quizID)
	if err != nil {
		x.t.Fatalf("start as %s: %v", u.Name, err)
	}
	return a
}

func (x *env) save(u models.User, a AttemptJSON, qid string, body any) error {
	x.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		x.t.Fatal(err)
	}
	return x.svc.SaveAnswer(x.ctx, u, mustID(x.t, a.ID), qid, b)
}

func (x *env) mustSave(u models.User, a AttemptJSON, qid string, body any) {
	x.t.Helper()
	if err := x.save(u, a, qid, body); err != nil {
		x.t.Fatalf("save %s: %v", qid, err)
	}
}

func (x *env) submit(u models.User, a AttemptJSON) ResultJSON {
	x.t.Helper()
	r, err := x.svc.Submit(x.ctx, u, mustID(x.t, a.ID))
	if err != nil {
		x.t.Fatalf("submit: %v", err)
	}
	return r
}

// quizRow reads the quiz as stored.
func (x *env) quizRow() models.Quiz {
	x.t.Helper()
	var q models.Quiz
	if err := x.DB.R.Take(&q, "id = ?", x.quizID).Error; err != nil {
		x.t.Fatal(err)
	}
	return q
}

// byType indexes an attempt's questions by type (one of each in webtest.SixTypesGIFT).
func byType(a AttemptJSON) map[string]QuestionView {
	m := map[string]QuestionView{}
	for _, q := range a.Questions {
		m[q.Type] = q
	}
	return m
}

// optionID is the id this attempt gave the option (or matching item) whose
// text holds text.
func optionID(t testing.TB, items []snapText, text string) string {
	t.Helper()
	for _, o := range items {
		if strings.Contains(o.Text, text) {
			return o.ID
		}
	}
	t.Fatalf("no option %q in %+v", text, items)
	return ""
}

// rightAnswers are the right answers to webtest.SixTypesGIFT, by question id.
func rightAnswers(t testing.TB, a AttemptJSON) map[string]any {
	t.Helper()
	qs := byType(a)
	m := qs[Matching]
	pairs := map[string]string{}
	for _, p := range [][2]string{{"Act", "Recruitment"}, {"Means", "Deception"}, {"Purpose", "Exploitation"}} {
		pairs[optionID(t, m.Left, p[0])] = optionID(t, m.Right, p[1])
	}
	return map[string]any{
		qs[Single].ID:    map[string]any{"choice": optionID(t, qs[Single].Options, "Palermo")},
		qs[Multiple].ID:  map[string]any{"choices": []string{optionID(t, qs[Multiple].Options, "act"), optionID(t, qs[Multiple].Options, "means")}},
		qs[TrueFalse].ID: map[string]any{"value": true},
		qs[Short].ID:     map[string]any{"text": " 27-14 "},
		qs[Numerical].ID: map[string]any{"number": 3},
		qs[Matching].ID:  map[string]any{"pairs": pairs},
	}
}
