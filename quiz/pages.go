package quiz

import (
	"context"
	"errors"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// pageRoutes mounts the pages: overview, taking an attempt (one page or one
// question per screen; a plain form that works without JavaScript, which
// quiz.js enhances with autosave and a countdown), and the result.
func (h *Handler) pageRoutes(app fiber.Router, requireUser fiber.Handler) {
	app.Get("/quizzes/:id", requireUser, h.showQuizPage)
	app.Post("/quizzes/:id/start", requireUser, h.submitStart)
	app.Get("/attempts/:id", requireUser, h.showAttemptPage)
	app.Post("/attempts/:id", requireUser, h.submitAttemptForm)
	app.Get("/attempts/:id/result", requireUser, h.showResultPage)
}

func (h *Handler) showQuizPage(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	o, err := h.svc.Overview(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	o.Title = o.TitleIn(web.Lang(c))
	return h.r.Page(c, fiber.StatusOK, "quiz", o.Title, o)
}

func (h *Handler) submitStart(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, _, err := h.svc.StartIn(c.UserContext(), *auth.User(c), qid, web.Lang(c))
	if err != nil {
		return err
	}
	return c.Redirect("/attempts/"+a.ID, fiber.StatusSeeOther)
}

// takePage is the data of the attempt page.
type takePage struct {
	AttemptJSON
	Quiz       QuizJSON
	Index      int // the question shown, one per screen; -1 for all
	Shown      []QuestionView
	Now        time.Time
	Remaining  int // seconds, when there is a deadline
	CourseSlug string
	numbers    map[string]int // question id → its 1-based number
}

// Checked reports whether an option is part of the saved answer.
func (p takePage) Checked(qid, option string) bool {
	a, ok := p.Answers[qid]
	if !ok {
		return false
	}
	if a.Choice != nil && *a.Choice == option {
		return true
	}
	for _, c := range a.Choices {
		if c == option {
			return true
		}
	}
	if a.Value != nil && strconv.FormatBool(*a.Value) == option {
		return true
	}
	return false
}

// Text is the saved text or number of a question.
func (p takePage) Text(qid string) string {
	a := p.Answers[qid]
	switch {
	case a.Text != nil:
		return *a.Text
	case a.Number != nil:
		return strconv.FormatFloat(*a.Number, 'f', -1, 64)
	}
	return ""
}

// Paired is the right item saved for a left item.
func (p takePage) Paired(qid, left string) string { return p.Answers[qid].Pairs[left] }

// Number is the 1-based number of a question in the attempt. The page asks
// it of every question: looked up, not searched for (a search made the page
// quadratic in the questions, 85 s for 60,000).
func (p takePage) Number(qid string) int { return p.numbers[qid] }

// questionIndex maps each question's id to its position in qs.
func questionIndex(qs []QuestionView) map[string]int {
	m := make(map[string]int, len(qs))
	for i, q := range qs {
		m[q.ID] = i
	}
	return m
}

func (h *Handler) showAttemptPage(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Get(c.UserContext(), *auth.User(c), aid)
	if err != nil {
		return err
	}
	if a.Status != "in_progress" {
		return c.Redirect("/attempts/"+a.ID+"/result", fiber.StatusSeeOther)
	}
	qid, _ := strconv.ParseInt(a.QuizID, 10, 64)
	o, err := h.svc.Overview(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	o.Title = o.TitleIn(attemptLang(a, c))
	p := takePage{AttemptJSON: a, Quiz: o.QuizJSON, Index: -1, Shown: a.Questions, Now: h.svc.now(), CourseSlug: o.CourseSlug,
		numbers: make(map[string]int, len(a.Questions))}
	for id, i := range questionIndex(a.Questions) {
		p.numbers[id] = i + 1
	}
	if (o.OnePerPage || c.Query("q") != "") && c.Query("q") != "all" {
		i, _ := strconv.Atoi(c.Query("q", "1"))
		i = min(max(i, 1), len(a.Questions))
		p.Index, p.Shown = i-1, a.Questions[i-1:i]
	}
	if a.Deadline != nil {
		p.Remaining = max(0, int(a.Deadline.Sub(p.Now).Seconds()))
	}
	return h.r.Page(c, fiber.StatusOK, "attempt", o.Title, p)
}

// answerFromForm reads one question's answer from a plain form post; ok is
// false when the trainee left it empty.
func answerFromForm(c *fiber.Ctx, q QuestionView) (Answer, bool) {
	key := "q_" + q.ID
	switch q.Type {
	case Single:
		if v := c.FormValue(key); v != "" {
			return Answer{Choice: &v}, true
		}
	case Multiple:
		var vs []string
		for _, v := range c.Request().PostArgs().PeekMulti(key) {
			vs = append(vs, string(v))
		}
		if c.FormValue(key+"_present") != "" || len(vs) > 0 {
			return Answer{Choices: vs}, len(vs) > 0 || c.FormValue(key+"_present") != ""
		}
	case TrueFalse:
		if v := c.FormValue(key); v == "true" || v == "false" {
			b := v == "true"
			return Answer{Value: &b}, true
		}
	case Short, Essay:
		if v := c.FormValue(key); strings.TrimSpace(v) != "" {
			return Answer{Text: &v}, true
		}
	case Numerical:
		if v := strings.TrimSpace(c.FormValue(key)); v != "" {
			if n, ok := ParseNumber(v); ok {
				return Answer{Number: &n}, true
			}
		}
	case Matching:
		pairs := map[string]string{}
		for _, l := range q.Left {
			if v := c.FormValue(key + "_" + l.ID); v != "" {
				pairs[l.ID] = v
			}
		}
		if len(pairs) > 0 {
			return Answer{Pairs: pairs}, true
		}
	}
	return Answer{}, false
}

func (h *Handler) submitAttemptForm(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Get(c.UserContext(), *auth.User(c), aid)
	if err != nil {
		return err
	}
	if a.Status == "in_progress" {
		for _, q := range a.Questions {
			if c.FormValue("q_"+q.ID+"_shown") == "" {
				continue // not on the page that was posted
			}
			ans, ok := answerFromForm(c, q)
			if !ok {
				continue
			}
			body, _ := jsonMarshal(ans)
			err := h.svc.SaveAnswer(c.UserContext(), *auth.User(c), aid, q.ID, body)
			if errors.Is(err, ErrClosed) {
				break
			}
			var ae *AnswerError
			if err != nil && !errors.As(err, &ae) {
				return err
			}
		}
	}
	switch c.FormValue("action") {
	case "submit":
		if _, err := h.svc.Submit(c.UserContext(), *auth.User(c), aid); err != nil {
			return err
		}
		return c.Redirect("/attempts/"+a.ID+"/result", fiber.StatusSeeOther)
	case "next", "prev":
		i, _ := strconv.Atoi(c.FormValue("q"))
		if c.FormValue("action") == "next" {
			i++
		} else {
			i--
		}
		return c.Redirect("/attempts/"+a.ID+"?q="+strconv.Itoa(max(1, i)), fiber.StatusSeeOther)
	}
	return c.Redirect("/attempts/"+a.ID+"?saved=1", fiber.StatusSeeOther)
}

// resultPage is the data of the result page.
type resultPage struct {
	Attempt AttemptJSON
	Quiz    QuizJSON
	Result  ResultJSON
	Course  string
	Next    courses.Step // what to do after this quiz; zero when it is to retake it
	Items   map[string]ReviewItem
	Yes, No string         // "true" and "false" in the page's language
	Arrow   string         // from a matched item to its answer, pointing the way the page reads
	index   map[string]int // question id → position in Attempt.Questions
}

// answerHTML describes an answer body in the words of its question's
// options (sanitized HTML), for the review.
func answerHTML(q QuestionView, a *Answer, yes, no, arrow string) []template.HTML {
	if a == nil {
		return nil
	}
	texts := map[string]string{}
	for _, o := range q.Options {
		texts[o.ID] = o.Text
	}
	for _, o := range q.Left {
		texts[o.ID] = o.Text
	}
	for _, o := range q.Right {
		texts[o.ID] = o.Text
	}
	var out []template.HTML
	add := func(s string) { out = append(out, template.HTML(s)) } //nolint:gosec // sanitized or escaped below
	switch {
	case a.Choice != nil:
		add(texts[*a.Choice])
	case a.Choices != nil:
		for _, c := range a.Choices {
			add(texts[c])
		}
	case a.Value != nil:
		if *a.Value {
			add(html.EscapeString(yes))
		} else {
			add(html.EscapeString(no))
		}
	case a.Text != nil:
		add(html.EscapeString(*a.Text))
	case a.Number != nil:
		add(strconv.FormatFloat(*a.Number, 'f', -1, 64))
	case a.Pairs != nil:
		for _, l := range q.Left {
			if r, ok := a.Pairs[l.ID]; ok {
				add(texts[l.ID] + " " + arrow + " " + texts[r])
			}
		}
	}
	return out
}

// Given is the trainee's answer to a question, as text.
func (p resultPage) Given(qid string) []template.HTML {
	i, ok := p.index[qid]
	if !ok {
		return nil
	}
	if a, ok := p.Attempt.Answers[qid]; ok {
		return answerHTML(p.Attempt.Questions[i], &a, p.Yes, p.No, p.Arrow)
	}
	return nil
}

// Key is the right answer to a question, as text, when the review shows it.
func (p resultPage) Key(qid string) []template.HTML {
	it, ok := p.Items[qid]
	i, found := p.index[qid]
	if !ok || !found || it.CorrectAnswer == nil {
		return nil
	}
	return answerHTML(p.Attempt.Questions[i], it.CorrectAnswer, p.Yes, p.No, p.Arrow)
}

// Item returns the review of a question, or nil when it is not shown.
func (p resultPage) Item(qid string) *ReviewItem {
	if it, ok := p.Items[qid]; ok {
		return &it
	}
	return nil
}

func (h *Handler) showResultPage(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Get(c.UserContext(), *auth.User(c), aid)
	if err != nil {
		return err
	}
	if a.Status == "in_progress" || a.Result == nil {
		return c.Redirect("/attempts/"+a.ID, fiber.StatusSeeOther)
	}
	qid, _ := strconv.ParseInt(a.QuizID, 10, 64)
	o, err := h.svc.Overview(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	o.Title = o.TitleIn(attemptLang(a, c))
	p := resultPage{Attempt: a, Quiz: o.QuizJSON, Result: *a.Result, Course: o.CourseSlug, Items: map[string]ReviewItem{},
		Yes: h.r.T(c, "quiz.true"), No: h.r.T(c, "quiz.false"), Arrow: h.r.T(c, "quiz.pair_arrow"), index: questionIndex(a.Questions)}
	for _, it := range a.Result.Review {
		p.Items[it.QuestionID] = it
	}
	if p.Next, err = h.nextStep(c, o); err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "result", o.Title, p)
}

// nextSteps is what the result page asks of courses: the trainee's next
// step in the quiz's course. *courses.Service, the service's Courses in the
// application, satisfies it; a Courses that does not (a test's) shows none.
type nextSteps interface {
	NextStep(ctx context.Context, user models.User, slug, lang string) (courses.Step, error)
}

// nextStep is the result page's way on: the next lesson or quiz, or the
// certificate, once this attempt is counted. Retaking this same quiz is not
// a "next" step: the page's own links cover it.
func (h *Handler) nextStep(c *fiber.Ctx, o Overview) (courses.Step, error) {
	ns, ok := h.svc.courses.(nextSteps)
	if !ok || o.CourseSlug == "" {
		return courses.Step{}, nil
	}
	st, err := ns.NextStep(c.UserContext(), *auth.User(c), o.CourseSlug, web.Lang(c))
	if errors.Is(err, courses.ErrNotFound) {
		return courses.Step{}, nil
	}
	if err != nil {
		return st, err
	}
	if st.Kind == courses.StepQuiz && st.URL == "/quizzes/"+o.ID {
		return courses.Step{}, nil
	}
	return st, nil
}

// attemptLang is the language an attempt's pages title it in: the one it
// was frozen in, so that the title matches its questions; an attempt in the
// original wording takes the page's.
func attemptLang(a AttemptJSON, c *fiber.Ctx) string {
	if a.Lang != "" {
		return a.Lang
	}
	return web.Lang(c)
}

// Fallback reports whether a question shows any text in the course's
// language for want of a translation (the page then says so, as a lesson
// does).
func (p takePage) Fallback(q QuestionView) bool {
	if q.StemLang != "" {
		return true
	}
	for _, ts := range [][]snapText{q.Options, q.Left, q.Right} {
		for _, t := range ts {
			if t.Lang != "" {
				return true
			}
		}
	}
	return false
}

// AnyFallback reports whether any question shown shows a text in the
// course's language (the page then says so once, as a lesson does).
func (p takePage) AnyFallback() bool {
	return slices.ContainsFunc(p.Shown, p.Fallback)
}
