package quiz

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// Handler serves quizzes and attempts as JSON and as pages.
type Handler struct {
	svc *Service
	r   *web.Renderer
}

// NewHandler returns the handler of svc's JSON API and pages, rendered by r.
func NewHandler(svc *Service, r *web.Renderer) *Handler { return &Handler{svc: svc, r: r} }

// maxGIFT bounds an imported question bank's text (ParseGIFT's limit).
const maxGIFT = MaxGIFTSize

// Routes mounts the JSON API under api, then the trainees' pages and the
// trainers' quiz editor on app.
func (h *Handler) Routes(app fiber.Router, api fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	h.apiRoutes(api, staff)
	h.pageRoutes(app, auth.RequireUser)
	h.authorRoutes(app, staff)
}

// apiRoutes mounts the JSON API.
func (h *Handler) apiRoutes(api fiber.Router, staff fiber.Handler) {
	api.Post("/modules/:id/quiz", staff, bodyAction(h.svc.CreateQuiz, fiber.StatusCreated))
	api.Get("/quizzes/:id", auth.RequireUser, h.showQuiz)
	api.Patch("/quizzes/:id", staff, bodyAction(h.svc.UpdateQuiz, fiber.StatusOK))
	api.Get("/quizzes/:id/questions", staff, h.listQuestions)
	api.Post("/quizzes/:id/questions", staff, bodyAction(h.svc.AddQuestion, fiber.StatusCreated))
	api.Post("/quizzes/:id/import", staff, h.importGIFT)
	api.Get("/questions/:id", staff, h.showQuestion)
	api.Put("/questions/:id", staff, bodyAction(h.svc.UpdateQuestion, fiber.StatusOK))
	api.Delete("/questions/:id", staff, h.deleteQuestion)
	api.Get("/quizzes/:id/export.gift", staff, h.exportGIFT)
	api.Post("/quizzes/:id/overrides", staff, bodyAction(h.svc.SetOverride, fiber.StatusOK))
	api.Post("/quizzes/:id/attempts", auth.RequireUser, h.startAttempt)
	api.Get("/quizzes/:id/attempts", auth.RequireUser, h.listAttempts)
	api.Get("/attempts/:id", auth.RequireUser, h.showAttempt)
	api.Put("/attempts/:id/answers/:qid", auth.RequireUser, h.saveAnswer)
	api.Post("/attempts/:id/submit", auth.RequireUser, h.submitAttempt)
	api.Get("/grading", staff, h.listPendingEssays)
	api.Post("/attempts/:id/answers/:qid/grade", staff, h.gradeEssay)
	api.Get("/reports/quizzes/:id/items", staff, h.itemReport)
}

// bodyAction is the handler of every "id in the path, JSON body, one service
// call" endpoint: it parses both, calls as the signed-in user, and answers
// with status and the result, or with the service's error as it is.
func bodyAction[In, Out any](call func(context.Context, models.User, int64, In) (Out, error), status int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := courses.PathID(c)
		if err != nil {
			return err
		}
		var in In
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		out, err := call(c.UserContext(), *auth.User(c), n, in)
		if err != nil {
			return err
		}
		return c.Status(status).JSON(out)
	}
}

func (h *Handler) showQuiz(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Overview(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handler) listQuestions(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if _, _, err := h.svc.editable(c.UserContext(), *auth.User(c), qid); err != nil {
		return err
	}
	qs, err := h.svc.Bank(c.UserContext(), qid)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": qs})
}

func (h *Handler) importGIFT(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if len(c.Body()) > maxGIFT {
		return web.Errorf(fiber.StatusRequestEntityTooLarge, "err.too_large")
	}
	res, err := h.svc.ImportGIFT(c.UserContext(), *auth.User(c), qid, string(c.Body()), c.Query("partial") == "1")
	if err != nil {
		return err
	}
	if res.Imported == 0 && len(res.Errors) > 0 && c.Query("partial") != "1" {
		fields := make([]web.FieldError, len(res.Errors))
		for i, e := range res.Errors {
			fields[i] = web.FieldError{Line: e.Line, Message: e.Message}
		}
		return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "err.gift", Fields: fields}
	}
	return c.JSON(res)
}

func (h *Handler) exportGIFT(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	text, err := h.svc.ExportGIFTFor(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="quiz-`+strconv.FormatInt(qid, 10)+`.gift.txt"`)
	return c.SendString(text)
}

func (h *Handler) startAttempt(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, resumed, err := h.svc.StartIn(c.UserContext(), *auth.User(c), qid, web.Lang(c))
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if resumed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(a)
}

func (h *Handler) listAttempts(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	items, err := h.svc.Attempts(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *Handler) showAttempt(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.Get(c.UserContext(), *auth.User(c), aid)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (h *Handler) saveAnswer(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if err := h.svc.SaveAnswer(c.UserContext(), *auth.User(c), aid, c.Params("qid"), c.Body()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) submitAttempt(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Submit(c.UserContext(), *auth.User(c), aid)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) listPendingEssays(c *fiber.Ctx) error {
	items, err := h.svc.GradingQueue(c.UserContext(), *auth.User(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *Handler) gradeEssay(c *fiber.Ctx) error {
	aid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	var in GradeInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.svc.GradeEssay(c.UserContext(), *auth.User(c), aid, c.Params("qid"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) itemReport(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Items(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handler) showQuestion(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	q, _, err := h.svc.Question(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	return c.JSON(q)
}

func (h *Handler) deleteQuestion(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.DeleteQuestion(c.UserContext(), *auth.User(c), qid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
