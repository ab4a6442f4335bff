package quiz

import (
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// authorRoutes mounts the trainers' pages: the quiz editor (settings, a form
// per question type, GIFT import with its errors, export), the essay grading
// queue and the item analysis report. Every action checks the trainer's
// right to the quiz's course, as the API does.
func (h *Handler) authorRoutes(app fiber.Router, staff fiber.Handler) {
	app.Post("/author/modules/:id/quiz", staff, h.submitNewQuiz)
	app.Get("/author/quizzes/:id", staff, h.showEditor)
	app.Post("/author/quizzes/:id", staff, h.submitSettings)
	app.Get("/author/quizzes/:id/questions/new", staff, h.showQuestionForm)
	app.Post("/author/quizzes/:id/questions", staff, h.submitQuestion)
	app.Get("/author/questions/:id", staff, h.showQuestionForm)
	app.Post("/author/questions/:id", staff, h.submitQuestion)
	app.Get("/author/questions/:id/delete", staff, h.showDeleteQuestion)
	app.Post("/author/questions/:id/delete", staff, h.submitDeleteQuestion)
	app.Get("/author/quizzes/:id/import", staff, h.showImport)
	app.Post("/author/quizzes/:id/import", staff, h.submitImport)
	app.Get("/author/quizzes/:id/report", staff, h.showReport)
	app.Get("/author/grading", staff, h.showGrading)
	app.Post("/author/grading", staff, h.submitGrade)
}

func (h *Handler) submitNewQuiz(c *fiber.Ctx) error {
	mid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	title := strings.TrimSpace(c.FormValue("title"))
	if title == "" {
		title = h.r.T(c, "course.quiz_default_title")
	}
	q, err := h.svc.CreateQuiz(c.UserContext(), *auth.User(c), mid, Settings{Title: &title})
	if err != nil {
		return err
	}
	return c.Redirect("/author/quizzes/"+q.ID, fiber.StatusSeeOther)
}

type editorPage struct {
	Quiz      QuizJSON
	Course    models.Course
	Questions []questionPreview
	Types     []string
	Errors    map[string]web.FieldError
	Saved     bool
	// OtherLangs are the languages the quiz's texts may be translated into
	// (all but the course's own).
	OtherLangs []string
}

// questionPreview is a bank question as trainees would see it.
type questionPreview struct {
	Question
	StemHTML     template.HTML
	Untranslated []string // languages with no complete translation
}

func (h *Handler) editorData(c *fiber.Ctx, quizID int64) (editorPage, error) {
	q, course, err := h.svc.editable(c.UserContext(), *auth.User(c), quizID)
	if err != nil {
		return editorPage{}, err
	}
	qj, err := h.svc.quizJSON(c.UserContext(), q)
	if err != nil {
		return editorPage{}, err
	}
	bank, err := h.svc.Bank(c.UserContext(), quizID)
	if err != nil {
		return editorPage{}, err
	}
	p := editorPage{Quiz: qj, Course: course, Types: Types, OtherLangs: otherLangs(course.Locale)}
	for _, b := range bank {
		p.Questions = append(p.Questions, questionPreview{Question: b, StemHTML: template.HTML(renderText(b.Format, b.Stem, false)), //nolint:gosec // sanitized
			Untranslated: b.Untranslated(course.Locale)})
	}
	return p, nil
}

func (h *Handler) showEditor(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	p, err := h.editorData(c, qid)
	if err != nil {
		return err
	}
	p.Saved = c.Query("saved") == "1"
	return h.r.Page(c, fiber.StatusOK, "author_quiz", p.Quiz.Title, p)
}

func formInt(c *fiber.Ctx, key string) *int {
	v := strings.TrimSpace(c.FormValue(key))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		n = -1 // out of every range: reported by validation
	}
	return &n
}

func (h *Handler) submitSettings(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	title, review := c.FormValue("title"), c.FormValue("review")
	shuffle, perCat, onePer := c.FormValue("shuffle") == "on", c.FormValue("draw_per_category") == "on", c.FormValue("one_per_page") == "on"
	in := Settings{Title: &title, PassMark: formInt(c, "pass_mark"), MaxAttempts: formInt(c, "max_attempts"), Draw: formInt(c, "draw"),
		Review: &review, Shuffle: &shuffle, DrawPerCategory: &perCat, OnePerPage: &onePer}
	titles := titlesFromForm(c)
	in.Titles = &titles
	if m := formInt(c, "time_limit_min"); m != nil {
		s := *m * 60
		in.TimeLimitS = &s
	}
	if _, err := h.svc.UpdateQuiz(c.UserContext(), *auth.User(c), qid, in); err != nil {
		var we *web.Error
		if errors.As(err, &we) && we.Status == fiber.StatusBadRequest {
			p, perr := h.editorData(c, qid)
			if perr != nil {
				return perr
			}
			p.Errors = web.FormErrors(we.Fields)
			return h.r.Page(c, fiber.StatusUnprocessableEntity, "author_quiz", p.Quiz.Title, p)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/author/quizzes/%d?saved=1", qid), fiber.StatusSeeOther)
}

// questionForm is the data of the question form: the question (as typed),
// with enough empty rows to add options.
type questionForm struct {
	QuizID   int64
	Q        Question
	New      bool
	Errors   map[string]web.FieldError
	Options  []Option
	Numbers  []NumericAnswer
	Pairs    []Pair
	Preview  template.HTML
	Weights  []int
	CorrectT bool
	// Original is the course's language; Trans the other languages' texts.
	Original string
	Trans    []transBlock
}

func padded[T any](xs []T, n int) []T {
	out := append([]T(nil), xs...)
	for len(out) < n {
		var zero T
		out = append(out, zero)
	}
	return out
}

func (h *Handler) renderQuestionForm(c *fiber.Ctx, status int, f questionForm) error {
	f.Options = padded(f.Q.Options, max(6, len(f.Q.Options)+2))
	f.Numbers = padded(f.Q.Numbers, max(3, len(f.Q.Numbers)+1))
	f.Pairs = padded(f.Q.Pairs, max(6, len(f.Q.Pairs)+2))
	f.CorrectT = f.Q.Correct == nil || *f.Q.Correct
	if _, course, err := h.svc.editable(c.UserContext(), *auth.User(c), f.QuizID); err == nil {
		f.Original = course.Locale
	}
	f.Trans = transBlocks(f.Q, f.Original, len(f.Options), len(f.Pairs))
	if !f.New {
		f.Preview = template.HTML(renderText(f.Q.Format, f.Q.Stem, false)) //nolint:gosec // sanitized
	}
	title := h.r.T(c, "author.question_new")
	if !f.New {
		title = h.r.T(c, "author.question_edit")
	}
	return h.r.Page(c, status, "author_question", title, f)
}

func (h *Handler) showQuestionForm(c *fiber.Ctx) error {
	n, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if strings.HasPrefix(c.Path(), "/author/questions/") {
		q, quizID, err := h.svc.Question(c.UserContext(), *auth.User(c), n)
		if err != nil {
			return err
		}
		return h.renderQuestionForm(c, fiber.StatusOK, questionForm{QuizID: quizID, Q: q})
	}
	if _, _, err := h.svc.editable(c.UserContext(), *auth.User(c), n); err != nil {
		return err
	}
	typ := c.Query("type", Single)
	if !models.Valid(typ, Types) {
		return web.Invalid(web.Field("type", "err.question_type"))
	}
	return h.renderQuestionForm(c, fiber.StatusOK, questionForm{QuizID: n, Q: Question{Type: typ, Points: 1, Format: FormatMarkdown}, New: true})
}

func percent(v string) float64 {
	v = strings.TrimSuffix(strings.TrimSpace(v), "%")
	if v == "" {
		return 0
	}
	n, ok := ParseNumber(v)
	if !ok {
		return 2 // outside [-1, 1]: reported by validation
	}
	return n / 100
}

// questionFromForm reads the question form, rows left empty ignored.
func questionFromForm(c *fiber.Ctx) Question {
	q := Question{Type: c.FormValue("type"), Name: strings.TrimSpace(c.FormValue("name")), Category: strings.TrimSpace(c.FormValue("category")),
		Format: c.FormValue("format"), Stem: c.FormValue("stem"), GeneralFeedback: c.FormValue("general_feedback")}
	if p, ok := ParseNumber(c.FormValue("points")); ok {
		q.Points = p
	}
	for i := 0; i < 20; i++ {
		k := strconv.Itoa(i)
		if t := strings.TrimSpace(c.FormValue("opt_text_" + k)); t != "" {
			q.Options = append(q.Options, Option{Text: t, Weight: percent(c.FormValue("opt_weight_" + k)), Feedback: c.FormValue("opt_feedback_" + k)})
		}
		if l, r := strings.TrimSpace(c.FormValue("pair_left_"+k)), strings.TrimSpace(c.FormValue("pair_right_"+k)); r != "" {
			q.Pairs = append(q.Pairs, Pair{Left: l, Right: r})
		}
		if v := strings.TrimSpace(c.FormValue("num_value_" + k)); v != "" || c.FormValue("num_min_"+k) != "" {
			n := NumericAnswer{Weight: percent(c.FormValue("num_weight_" + k)), Feedback: c.FormValue("num_feedback_" + k)}
			if c.FormValue("num_min_"+k) != "" || c.FormValue("num_max_"+k) != "" {
				n.IsRange = true
				n.Min, _ = ParseNumber(c.FormValue("num_min_" + k))
				n.Max, _ = ParseNumber(c.FormValue("num_max_" + k))
			} else {
				n.Value, _ = ParseNumber(v)
				n.Tolerance, _ = ParseNumber(c.FormValue("num_tol_" + k))
			}
			q.Numbers = append(q.Numbers, n)
		}
	}
	if q.Type == TrueFalse {
		b := c.FormValue("correct") != "false"
		q.Correct = &b
		q.FeedbackTrue, q.FeedbackFalse = c.FormValue("feedback_true"), c.FormValue("feedback_false")
	}
	q.Translations = translationsFromForm(c)
	return q
}

func (h *Handler) submitQuestion(c *fiber.Ctx) error {
	n, err := courses.PathID(c)
	if err != nil {
		return err
	}
	q := questionFromForm(c)
	editing := strings.HasPrefix(c.Path(), "/author/questions/")
	var quizID int64
	if editing {
		_, quizID, err = h.svc.Question(c.UserContext(), *auth.User(c), n)
		if err == nil {
			_, err = h.svc.UpdateQuestion(c.UserContext(), *auth.User(c), n, q)
		}
	} else {
		quizID = n
		_, err = h.svc.AddQuestion(c.UserContext(), *auth.User(c), n, q)
	}
	var we *web.Error
	if errors.As(err, &we) && we.Status == fiber.StatusBadRequest {
		if editing {
			q.ID = strconv.FormatInt(n, 10)
		}
		return h.renderQuestionForm(c, fiber.StatusUnprocessableEntity, questionForm{QuizID: quizID, Q: q, New: !editing, Errors: web.FormErrors(we.Fields)})
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/author/quizzes/%d?saved=1", quizID), fiber.StatusSeeOther)
}

func (h *Handler) showDeleteQuestion(c *fiber.Ctx) error {
	n, err := courses.PathID(c)
	if err != nil {
		return err
	}
	q, quizID, err := h.svc.Question(c.UserContext(), *auth.User(c), n)
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "author_confirm", h.r.T(c, "author.delete_question"), map[string]any{
		"Action": "/author/questions/" + q.ID + "/delete", "Back": fmt.Sprintf("/author/quizzes/%d", quizID),
		"Message": h.r.T(c, "author.delete_question_confirm"), "Preview": template.HTML(renderText(q.Format, q.Stem, false)), //nolint:gosec // sanitized
	})
}

func (h *Handler) submitDeleteQuestion(c *fiber.Ctx) error {
	n, err := courses.PathID(c)
	if err != nil {
		return err
	}
	quizID, err := h.svc.DeleteQuestion(c.UserContext(), *auth.User(c), n)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/author/quizzes/%d?saved=1", quizID), fiber.StatusSeeOther)
}

type importPage struct {
	Quiz     QuizJSON
	Text     string
	Partial  bool
	Result   *ImportResult
	Problems []GIFTError
}

func (h *Handler) showImport(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	p, err := h.editorData(c, qid)
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "author_import", h.r.T(c, "author.import"), importPage{Quiz: p.Quiz})
}

func (h *Handler) submitImport(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	p, err := h.editorData(c, qid)
	if err != nil {
		return err
	}
	text := c.FormValue("gift")
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > maxGIFT {
			return web.Errorf(fiber.StatusRequestEntityTooLarge, "err.too_large")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		b := make([]byte, fh.Size)
		if _, err := f.Read(b); err != nil {
			return err
		}
		text = string(b)
	}
	ip := importPage{Quiz: p.Quiz, Text: text, Partial: c.FormValue("partial") == "on"}
	if len(text) > maxGIFT {
		return web.Errorf(fiber.StatusRequestEntityTooLarge, "err.too_large")
	}
	res, err := h.svc.ImportGIFT(c.UserContext(), *auth.User(c), qid, text, ip.Partial)
	if err != nil {
		return err
	}
	ip.Result, ip.Problems = &res, res.Errors
	status := fiber.StatusOK
	if res.Imported == 0 && len(res.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.r.Page(c, status, "author_import", h.r.T(c, "author.import"), ip)
}
