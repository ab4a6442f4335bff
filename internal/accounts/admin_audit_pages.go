package accounts

import (
	"tadrib/internal/csvcell"

	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
)

// auditPage is the data of admin_audit.html.
type auditPage struct {
	Actor, Action, Object, From, To string
	Actions                         []string
	Rows                            []AuditRow
	Total                           int
	Page, Pages                     int
	Prev, Next, CSV                 string
	Errors                          map[string]web.FieldError
}

// maxCSVRows bounds one CSV export; filters narrow a larger log.
const maxCSVRows = 100_000

// auditFilters reads the filters shared by the page, the CSV and the API.
// Dates are YYYY-MM-DD in UTC; a bad one is a field error, never a 500.
func auditFilters(c *fiber.Ctx) (AuditQuery, []web.FieldError) {
	q := AuditQuery{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		Object: strings.TrimSpace(c.Query("object"))}
	var errs []web.FieldError
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := strings.TrimSpace(c.Query(f.name)); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				errs = append(errs, web.Field(f.name, "admin.err.date"))
				continue
			}
			*f.dst = t
		}
	}
	for _, f := range []struct{ name, v string }{{"actor", q.Actor}, {"action", q.Action}, {"object", q.Object}} {
		errs = append(errs, textProblems(f.name, f.v, false)...)
	}
	return q, errs
}

func (a *admin) audit(c *fiber.Ctx) error {
	q, errs := auditFilters(c)
	p := auditPage{Actor: q.Actor, Action: q.Action, Object: q.Object, From: c.Query("from"), To: c.Query("to"), Page: pageParam(c)}
	actions, err := a.svc.AuditActions(c.UserContext())
	if err != nil {
		return err
	}
	p.Actions = actions
	if len(errs) > 0 {
		p.Errors = web.FormErrors(errs)
		return a.r.Page(c, fiber.StatusBadRequest, "admin_audit", a.r.T(c, "admin.audit.title"), p)
	}
	q.Limit, q.Offset = pageSize, (p.Page-1)*pageSize
	rows, total, err := a.svc.AuditLog(c.UserContext(), q)
	if err != nil {
		return err
	}
	p.Rows, p.Total = rows, int(total)
	v := queryValues(c)
	p.Prev, p.Next, p.Pages = pageLinks("/admin/audit", v, p.Page, total)
	v.Del("page")
	v.Del("lang")
	p.CSV = "/admin/audit.csv"
	if enc := v.Encode(); enc != "" {
		p.CSV += "?" + enc
	}
	return a.r.Page(c, fiber.StatusOK, "admin_audit", a.r.T(c, "admin.audit.title"), p)
}

// auditCSV downloads the filtered log as CSV, UTF-8 with a byte-order mark so
// that spreadsheet programs read Arabic names right. The export is audited.
func (a *admin) auditCSV(c *fiber.Ctx) error {
	q, errs := auditFilters(c)
	if len(errs) > 0 {
		return web.Invalid(errs...)
	}
	q.Limit = maxCSVRows
	rows, _, err := a.svc.AuditLog(c.UserContext(), q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write([]string{"at", "actor_id", "actor_email", "actor_name", "action", "object", "detail"})
	for _, r := range rows {
		actor := ""
		if r.ActorID != nil {
			actor = strconv.FormatInt(*r.ActorID, 10)
		}
		_ = w.Write([]string{r.At.UTC().Format(time.RFC3339), actor, csvcell.Safe(r.ActorEmail), csvcell.Safe(r.ActorName),
			csvcell.Safe(r.Action), csvcell.Safe(r.Object), csvcell.Safe(r.Detail)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := a.svc.AuditExported(c.UserContext(), auth.User(c).ID, q, len(rows)); err != nil {
		return err
	}
	web.LogEvent(c, "admin.audit_export", "rows", len(rows))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tadrib-audit-`+time.Now().UTC().Format("20060102")+`.csv"`)
	return c.Send(buf.Bytes())
}

// apiAudit is GET /api/v1/admin/audit: the same filters as the page, with
// limit and offset.
func (a *admin) apiAudit(c *fiber.Ctx) error {
	q, errs := auditFilters(c)
	q.Limit = pageSize
	errs = pageParams(c, &q.Limit, &q.Offset, errs)
	if len(errs) > 0 {
		return web.Invalid(errs...)
	}
	rows, total, err := a.svc.AuditLog(c.UserContext(), q)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []AuditRow{}
	}
	return c.JSON(fiber.Map{"items": rows, "total": total})
}
