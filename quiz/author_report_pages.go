package quiz

// Trainers' pages on a quiz's results: the item report and essay grading.

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
)

type reportPage struct {
	Quiz   QuizJSON
	Report ItemReport
	Charts map[string]template.HTML
}

func (h *Handler) showReport(c *fiber.Ctx) error {
	qid, err := courses.PathID(c)
	if err != nil {
		return err
	}
	p, err := h.editorData(c, qid)
	if err != nil {
		return err
	}
	r, err := h.svc.Items(c.UserContext(), *auth.User(c), qid)
	if err != nil {
		return err
	}
	rp := reportPage{Quiz: p.Quiz, Report: r, Charts: map[string]template.HTML{}}
	for _, q := range r.Questions {
		rp.Charts[q.ID] = itemChart(q, h.r.T(c, "report.facility"), h.r.T(c, "report.discrimination"))
	}
	return h.r.Page(c, fiber.StatusOK, "author_report", h.r.T(c, "report.title"), rp)
}

// itemChart draws a question's facility (0–100) and discrimination (−100–100)
// as two bars. Only numbers and our own labels go in, escaped.
func itemChart(q ItemStats, facility, discrimination string) template.HTML {
	const w, mid = 200.0, 100.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g 44" width="100%%" height="44" role="img" aria-label="%s, %s">`, w, template.HTMLEscapeString(facility), template.HTMLEscapeString(discrimination))
	b.WriteString(`<rect x="0" y="2" width="200" height="16" fill="#e4e8ed"/><rect x="0" y="24" width="200" height="16" fill="#e4e8ed"/>`)
	if q.Facility != nil {
		fmt.Fprintf(&b, `<rect x="0" y="2" width="%.1f" height="16" fill="#0b5d6b"/>`, *q.Facility/100*w)
	}
	if q.Discrimination != nil {
		d := *q.Discrimination / 100 * mid
		x, width, color := mid, d, "#1e7a3c"
		if d < 0 {
			x, width, color = mid+d, -d, "#b42318"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="24" width="%.1f" height="16" fill="%s"/>`, x, width, color)
	}
	b.WriteString(`<line x1="100" y1="22" x2="100" y2="42" stroke="#56616f" stroke-width="1"/></svg>`)
	return template.HTML(b.String()) //nolint:gosec // built from numbers above
}

func (h *Handler) showGrading(c *fiber.Ctx) error {
	items, err := h.svc.GradingQueue(c.UserContext(), *auth.User(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "author_grading", h.r.T(c, "grading.title"), map[string]any{"Items": items, "Done": c.Query("done") == "1"})
}

func (h *Handler) submitGrade(c *fiber.Ctx) error {
	aid, err := strconv.ParseInt(c.FormValue("attempt_id"), 10, 64)
	if err != nil {
		return web.ErrNotFound
	}
	points, ok := ParseNumber(c.FormValue("points"))
	in := GradeInput{Comment: c.FormValue("comment")}
	if ok {
		in.Points = &points
	}
	if _, err := h.svc.GradeEssay(c.UserContext(), *auth.User(c), aid, c.FormValue("question_id"), in); err != nil {
		return err
	}
	return c.Redirect("/author/grading?done=1", fiber.StatusSeeOther)
}
