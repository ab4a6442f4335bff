package reports

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/i18n"
	"tadrib/internal/web"
	"tadrib/models"
)

type reportsPage struct {
	Courses     []ReportCourse
	Cohorts     []CohortOption
	Professions []string
	Filter      ReportFilter
	Query       string // the filters, "?cohort=…", for the links to each course
}

func (h *Handler) showReports(c *fiber.Ctx) error {
	f, err := reportFilter(c)
	if err != nil {
		return err
	}
	v := *auth.User(c)
	cohorts, err := h.svc.ReportCohorts(c.UserContext(), v, 0, false)
	if err != nil {
		return err
	}
	if f.CohortID != 0 && !hasCohort(cohorts, f.CohortID) {
		return web.ErrNotFound
	}
	list, err := h.svc.ReportCourses(c.UserContext(), v, f, web.Lang(c))
	if err != nil {
		return err
	}
	p := reportsPage{Courses: list, Cohorts: cohorts, Professions: models.Professions, Filter: f}
	if q := f.query().Encode(); q != "" {
		p.Query = "?" + q
	}
	return h.r.Page(c, fiber.StatusOK, "reports", h.r.T(c, "reports.title"), p)
}

func hasCohort(list []CohortOption, id int64) bool {
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

// courseReportPage is the report of one course as the page shows it: numbers
// formatted for the language, charts drawn.
type courseReportPage struct {
	Report      Report
	Filter      ReportFilter
	Filtered    bool
	Cohorts     []CohortOption
	Professions []string
	Query       string // "?cohort=…&profession=…" or ""
	CSVURL      string
	ProfRows    []profRow
	Modules     []moduleRow
	QuizModules []moduleRow // the modules with a quiz: the score columns
	Trainees    []traineeRow
	Shares      [2]int // completed and certified, in percent of enrolled (rounded)
	ProfChart   template.HTML
	ModuleChart template.HTML
}

type profRow struct {
	Label string
	Counts
}

type moduleRow struct {
	N                 int
	Title             string
	HasQuiz           bool
	Attempted, Passed int
	Rate, Mean        string // formatted, "—" when there is none
	rate, mean        float64
}

type traineeRow struct {
	TraineeRow
	Last, Completed string
	NameDir         string // the name's own direction, whatever the page's
	Scores          []string
}

func (h *Handler) showCourseReport(c *fiber.Ctx) error {
	f, err := reportFilter(c)
	if err != nil {
		return err
	}
	v, lang := *auth.User(c), web.Lang(c)
	r, err := h.svc.CourseReport(c.UserContext(), v, c.Params("slug"), f, lang)
	if err != nil {
		return err
	}
	cohorts, err := h.svc.ReportCohorts(c.UserContext(), v, r.courseID, r.scope.all)
	if err != nil {
		return err
	}
	t := func(key string, args ...any) string { return h.r.T(c, key, args...) }
	p := courseReportPage{Report: r, Filter: f, Filtered: f != ReportFilter{}, Cohorts: cohorts, Professions: models.Professions}
	q := f.query()
	if enc := q.Encode(); enc != "" {
		p.Query = "?" + enc
	}
	q.Set("format", "csv")
	p.CSVURL = "/api/v1/reports/courses/" + r.Course.Slug + "?" + q.Encode()
	for _, prof := range models.Professions {
		if pc := r.ByProfession[prof]; pc.Enrolled > 0 {
			p.ProfRows = append(p.ProfRows, profRow{Label: t("profession." + prof), Counts: *pc})
		}
	}
	for i, m := range r.Modules {
		row := moduleRow{N: i + 1, Title: m.Title, HasQuiz: m.HasQuiz, Attempted: m.Attempted, Passed: m.Passed, Rate: "—", Mean: "—"}
		if m.PassRate != nil {
			row.rate = *m.PassRate * 100
			row.Rate = pctText(row.rate, lang)
		}
		if m.MeanPercent != nil {
			row.mean = *m.MeanPercent
			row.Mean = pctText(row.mean, lang)
		}
		p.Modules = append(p.Modules, row)
		if m.HasQuiz {
			p.QuizModules = append(p.QuizModules, row)
		}
	}
	for _, tr := range r.Trainees {
		row := traineeRow{TraineeRow: tr, Last: dateText(tr.LastActivity), Completed: dateText(tr.CompletedAt), NameDir: textDir(tr.Name)}
		for _, s := range tr.Scores {
			txt := "—"
			if s.BestPercent != nil {
				txt = pctText(*s.BestPercent, lang)
				if s.Passed {
					txt += " ✓"
				}
			}
			row.Scores = append(row.Scores, txt)
		}
		p.Trainees = append(p.Trainees, row)
	}
	if r.Enrolled > 0 {
		p.Shares = [2]int{int(math.Round(float64(r.Completed) * 100 / float64(r.Enrolled))),
			int(math.Round(float64(r.Certified) * 100 / float64(r.Enrolled)))}
	}
	rtl := i18n.Dir(lang) == "rtl"
	p.ProfChart = professionChart(p.ProfRows, rtl, t)
	p.ModuleChart = moduleChart(p.Modules, rtl, t)
	c.Set(fiber.HeaderCacheControl, "no-store") // trainees' personal data
	return h.r.Page(c, fiber.StatusOK, "report_course", t("reports.course_title", r.Course.Title), p)
}

// professionChart draws enrolled, completed and certified per profession.
func professionChart(rows []profRow, rtl bool, t func(string, ...any) string) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	ch := barChart{ID: "chart-prof", Title: t("reports.chart_prof"), Desc: t("reports.chart_prof_desc"), RTL: rtl,
		Legend: []chartSeries{{t("reports.enrolled"), "#0b5d6b"}, {t("reports.completed"), "#1e7a3c"}, {t("reports.certified"), "#a15c00"}}}
	for _, r := range rows {
		ch.Max = max(ch.Max, float64(r.Enrolled))
		ch.Groups = append(ch.Groups, chartGroup{Label: r.Label, Bars: []chartBar{
			{float64(r.Enrolled), fmt.Sprint(r.Enrolled)}, {float64(r.Completed), fmt.Sprint(r.Completed)}, {float64(r.Certified), fmt.Sprint(r.Certified)}}})
	}
	return ch.SVG()
}

// moduleChart draws each module's pass rate and mean best score (0–100).
func moduleChart(rows []moduleRow, rtl bool, t func(string, ...any) string) template.HTML {
	ch := barChart{ID: "chart-modules", Title: t("reports.chart_modules"), Desc: t("reports.chart_modules_desc"), RTL: rtl, Max: 100,
		Legend: []chartSeries{{t("reports.pass_rate"), "#0b5d6b"}, {t("reports.mean"), "#7a8694"}}}
	drawn := false
	for _, m := range rows {
		// "1 · Title" rather than "1. Title": in Arabic the bidi algorithm
		// keeps the number first (rightmost) instead of moving the period.
		g := chartGroup{Label: fmt.Sprintf("%d · %s", m.N, m.Title)}
		switch {
		case !m.HasQuiz:
			g.Note = t("reports.no_quiz")
		case m.Attempted == 0:
			g.Note = t("reports.no_attempt")
		default:
			drawn = true
			g.Bars = []chartBar{{m.rate, fmt.Sprintf("%s (%d/%d)", m.Rate, m.Passed, m.Attempted)}, {m.mean, m.Mean}}
		}
		ch.Groups = append(ch.Groups, g)
	}
	if !drawn {
		return ""
	}
	return ch.SVG()
}

// pctText shows a percentage with at most one decimal, in the language's
// style: "66,7 %" in French (narrow no-break space), "66.7 %" otherwise.
func pctText(v float64, lang string) string {
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	if lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + "\u202f%"
	}
	return s + "\u00a0%"
}

func dateText(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

// textDir is the direction of a trainee's text by its first letter: a name
// of digits and signs only ("+212 …") stays left to right on an Arabic page,
// where dir="auto" would take the page's direction and reorder it.
func textDir(s string) string {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana) {
			return "rtl"
		}
		if unicode.IsLetter(r) {
			return "ltr"
		}
	}
	return "ltr"
}
