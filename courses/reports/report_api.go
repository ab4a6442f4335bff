package reports

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// reportFilter reads ?cohort= and ?profession=; a malformed value is a 400
// naming the parameter.
func reportFilter(c *fiber.Ctx) (ReportFilter, error) {
	var f ReportFilter
	var err error
	if f.Profession, err = courses.ProfessionFilter(c); err != nil {
		return f, err
	}
	if v := c.Query("cohort"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			return f, web.Invalid(web.Field("cohort", "reports.err_cohort"))
		}
		f.CohortID = n
	}
	return f, nil
}

// query is the filter as a query string, for links that keep it.
func (f ReportFilter) query() url.Values {
	q := url.Values{}
	if f.CohortID != 0 {
		q.Set("cohort", strconv.FormatInt(f.CohortID, 10))
	}
	if f.Profession != "" {
		q.Set("profession", f.Profession)
	}
	return q
}

func (h *Handler) courseReport(c *fiber.Ctx) error {
	f, err := reportFilter(c)
	if err != nil {
		return err
	}
	format := c.Query("format", "json")
	if format != "json" && format != "csv" {
		return web.Invalid(web.Field("format", "reports.err_format"))
	}
	r, err := h.svc.CourseReport(c.UserContext(), *auth.User(c), c.Params("slug"), f, web.Lang(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store") // trainees' personal data
	if format == "json" {
		return c.JSON(r)
	}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		return fmt.Errorf("courses: report csv: %w", err)
	}
	if err := h.svc.auditExport(c.UserContext(), *auth.User(c), r, f); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+csvFilename(r.Course.Slug, f, h.svc.now())+`"`)
	return c.Send(buf.Bytes())
}

// auditExport records who took trainees' data out of the platform
// (SECURITY.md L1: an export is an audit event).
func (s *Service) auditExport(ctx context.Context, viewer models.User, r Report, f ReportFilter) error {
	detail := fmt.Sprintf("csv rows:%d", len(r.Trainees))
	if q := f.query().Encode(); q != "" {
		detail += " " + q
	}
	if err := models.Audit(s.db.W.WithContext(ctx), &viewer.ID, "report.export", "course:"+r.Course.Slug, detail); err != nil {
		return fmt.Errorf("courses: audit export: %w", err)
	}
	return nil
}

// csvFilename names the download after the course, the filters and the day,
// with ASCII letters, digits and dashes only, so that no header can be
// injected and every system accepts the name.
func csvFilename(slug string, f ReportFilter, now time.Time) string {
	name := "tadrib-report-" + slug
	if f.CohortID != 0 {
		name += "-cohort-" + strconv.FormatInt(f.CohortID, 10)
	}
	if f.Profession != "" {
		name += "-" + f.Profession
	}
	safe := []byte(name)
	for i, ch := range safe {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
			safe[i] = '-'
		}
	}
	return string(safe) + "-" + now.Format("20060102") + ".csv"
}
