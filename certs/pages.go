package certs

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// pageRoutes registers the holder's page (/certificates) and the staff
// register (/author/certificates).
func (h *Handler) pageRoutes(app fiber.Router) {
	staff := auth.RequireRole(models.RoleTrainer, models.RoleAdmin)
	app.Get("/certificates", auth.RequireUser, h.minePage)
	app.Post("/certificates/claim", auth.RequireUser, h.claimPage)
	app.Get("/author/certificates", staff, h.registerPage)
	app.Get("/author/certificates/issue", staff, h.issuePage)
	app.Post("/author/certificates/issue", logRefusal, staff, h.issueSubmit)
	app.Get("/author/certificates/:code", hideParam, logRefusal, staff, h.detailPage)
	app.Post("/author/certificates/:code/revoke", hideParam, logRefusal, staff, h.revokeSubmit)
	app.Post("/author/certificates/:code/reissue", hideParam, logRefusal, staff, h.reissueSubmit)
}

// Completed is a finished course whose certificate is not issued yet.
type Completed struct {
	Slug, Title string
	// First are the prerequisite courses still to complete before this
	// course's certificate can be claimed.
	First []Missing
}

type minePage struct {
	Items     []JSON
	Completed []Completed
	Missing   []Missing
	Claimed   string
}

func (h *Handler) minePage(c *fiber.Ctx) error {
	return h.renderMine(c, nil, c.Query("issued"))
}

func (h *Handler) renderMine(c *fiber.Ctx, missing []Missing, claimed string) error {
	ctx, u, lang := c.UserContext(), *auth.User(c), web.Lang(c)
	items, err := h.svc.Mine(ctx, u, lang)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, it := range items {
		have[it.Course.Slug] = true
	}
	var done []Completed
	if progress, err := h.svc.courses.MyProgress(ctx, u, lang); err != nil {
		return err
	} else {
		for _, p := range progress {
			if p.CompletedAt != nil && !have[p.Course.Slug] {
				item := Completed{Slug: p.Course.Slug, Title: p.Course.Title}
				_, left, err := h.svc.Eligibility(ctx, u, p.Course.Slug, lang)
				if err != nil {
					return err
				}
				for _, m := range left {
					if m.Kind == "course" {
						item.First = append(item.First, m)
					}
				}
				done = append(done, item)
			}
		}
	}
	status := fiber.StatusOK
	if missing != nil {
		status = fiber.StatusUnprocessableEntity
	}
	return h.r.Page(c, status, "cert_mine", h.r.T(c, "certs.mine.title"), minePage{Items: items, Completed: done, Missing: missing, Claimed: claimed})
}

// claimPage issues the signed-in user's certificate from a form.
func (h *Handler) claimPage(c *fiber.Ctx) error {
	cert, _, missing, err := h.svc.Claim(c.UserContext(), *auth.User(c), c.FormValue("course"), web.Lang(c))
	if err != nil {
		return err
	}
	if missing != nil {
		return h.renderMine(c, missing, "")
	}
	return c.Redirect("/certificates?issued="+url.QueryEscape(cert.Code)+"#c-"+cert.Code, fiber.StatusSeeOther)
}

type registerPage struct {
	Items   []JSON
	Courses []Ref
	Q       string
	Course  string
	From    string
	To      string
	Errors  map[string]web.FieldError
	Limit   int
	Notice  string
}

func (h *Handler) registerPage(c *fiber.Ctx) error {
	ctx, u, lang := c.UserContext(), *auth.User(c), web.Lang(c)
	p := registerPage{Q: c.Query("q"), Course: c.Query("course"), From: c.Query("from"), To: c.Query("to"), Limit: registerLimit}
	f, errs := parseFilter(p.Q, p.Course, p.From, p.To)
	p.Errors = web.FormErrors(errs)
	var err error
	if p.Courses, err = h.svc.ManagedCourses(ctx, u, lang); err != nil {
		return err
	}
	if len(errs) == 0 {
		if p.Items, err = h.svc.Search(ctx, u, f, lang); err != nil {
			return err
		}
	}
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusBadRequest
	}
	return h.r.Page(c, status, "cert_register", h.r.T(c, "certs.register.title"), p)
}

type detailPage struct {
	Cert    JSON
	Confirm bool // the revocation waits for its confirmation
	Reason  string
	Name    string
	NameAr  string
	RName   string // the reissue form's reason
	Form    string // which form the errors belong to: revoke or reissue
	Errors  map[string]web.FieldError
	Notice  string
}

func (h *Handler) detailPage(c *fiber.Ctx) error {
	cert, err := h.svc.Get(c.UserContext(), *auth.User(c), c.Params("code"), web.Lang(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "cert_detail", h.r.T(c, "certs.detail.title"),
		detailPage{Cert: cert, Name: cert.Holder.Name, NameAr: cert.Holder.NameAr, Notice: c.Query("done")})
}

// revokeSubmit asks for confirmation first (a revocation cannot be undone),
// then revokes on the second post, which carries confirm=yes.
func (h *Handler) revokeSubmit(c *fiber.Ctx) error {
	ctx, u, lang := c.UserContext(), *auth.User(c), web.Lang(c)
	cert, err := h.svc.Get(ctx, u, c.Params("code"), lang)
	if err != nil {
		return err
	}
	p := detailPage{Cert: cert, Reason: strings.TrimSpace(c.FormValue("reason")), Name: cert.Holder.Name, NameAr: cert.Holder.NameAr}
	if _, err := reasonOf(p.Reason); err != nil {
		var we *web.Error
		errors.As(err, &we)
		p.Errors, p.Form = web.FormErrors(we.Fields), "revoke"
		return h.r.Page(c, fiber.StatusBadRequest, "cert_detail", h.r.T(c, "certs.detail.title"), p)
	}
	if c.FormValue("confirm") != "yes" {
		p.Confirm = true
		return h.r.Page(c, fiber.StatusOK, "cert_detail", h.r.T(c, "certs.detail.title"), p)
	}
	if _, err := h.svc.Revoke(ctx, u, cert.Code, p.Reason, lang); err != nil {
		return err
	}
	web.LogEvent(c, "certificate.revoke", "code", web.Pseudonym(cert.Code))
	return c.Redirect("/author/certificates/"+cert.Code+"?done=revoked", fiber.StatusSeeOther)
}

func (h *Handler) reissueSubmit(c *fiber.Ctx) error {
	ctx, u, lang := c.UserContext(), *auth.User(c), web.Lang(c)
	cert, err := h.svc.Get(ctx, u, c.Params("code"), lang)
	if err != nil {
		return err
	}
	name, nameAr := c.FormValue("name"), c.FormValue("name_ar")
	in := ReissueIn{Name: &name, NameAr: &nameAr, Reason: c.FormValue("reason")}
	next, err := h.svc.Reissue(ctx, u, cert.Code, in, lang)
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 && len(we.Fields) > 0 {
		return h.r.Page(c, we.Status, "cert_detail", h.r.T(c, "certs.detail.title"),
			detailPage{Cert: cert, Name: name, NameAr: nameAr, RName: in.Reason, Errors: web.FormErrors(we.Fields), Form: "reissue"})
	}
	if err != nil {
		return err
	}
	web.LogEvent(c, "certificate.reissue", "code", web.Pseudonym(cert.Code), "new_code", web.Pseudonym(next.Code))
	return c.Redirect("/author/certificates/"+next.Code+"?done=reissued", fiber.StatusSeeOther)
}

type issuePage struct {
	Courses  []Ref
	Course   string
	Date     string
	Holders  string
	Errors   map[string]web.FieldError
	Problems []string // per line, translated
	Issued   []JSON
}

func (h *Handler) issuePage(c *fiber.Ctx) error {
	courses, err := h.svc.ManagedCourses(c.UserContext(), *auth.User(c), web.Lang(c))
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "cert_issue", h.r.T(c, "certs.issue.title"), issuePage{Courses: courses, Course: c.Query("course")})
}

// issueSubmit reads the holders typed one per line: an email, or
// "name | Arabic name | profession" (the Arabic name may be left empty).
func (h *Handler) issueSubmit(c *fiber.Ctx) error {
	ctx, u, lang := c.UserContext(), *auth.User(c), web.Lang(c)
	p := issuePage{Course: c.FormValue("course_slug"), Date: c.FormValue("date"), Holders: c.FormValue("holders")}
	var err error
	if p.Courses, err = h.svc.ManagedCourses(ctx, u, lang); err != nil {
		return err
	}
	in := IssueIn{CourseSlug: p.Course, Date: p.Date}
	var lines []int // form line of each holder
	for i, line := range strings.Split(strings.ReplaceAll(p.Holders, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		lines = append(lines, i+1)
		parts := strings.Split(line, "|")
		if len(parts) == 1 && strings.Contains(line, "@") {
			in.Holders = append(in.Holders, HolderIn{Email: line})
			continue
		}
		if len(parts) == 2 && models.Valid(strings.TrimSpace(parts[1]), models.Professions) {
			parts = []string{parts[0], "", parts[1]} // "Name | profession": no Arabic name
		}
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		if len(parts) == 3 {
			in.Holders = append(in.Holders, HolderIn{Name: parts[0], NameAr: parts[1], Profession: strings.TrimSpace(parts[2])})
		} else {
			in.Holders = append(in.Holders, HolderIn{Name: line})
			in.Holders[len(in.Holders)-1].Profession = "?" // reported as a bad line
		}
	}
	items, err := h.svc.Issue(ctx, u, in, lang)
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 {
		p.Errors = web.FormErrors(we.Fields)
		for _, fe := range we.Fields {
			var idx int
			var sub string
			if n, _ := fmtSscanf(fe.Field, &idx, &sub); n == 2 && idx < len(lines) {
				p.Problems = append(p.Problems, h.r.T(c, "certs.issue.line", lines[idx])+" "+h.r.T(c, fe.Key, fe.Args...))
			}
		}
		if we.Status != fiber.StatusBadRequest {
			p.Problems = append(p.Problems, h.r.T(c, we.Key))
		}
		return h.r.Page(c, we.Status, "cert_issue", h.r.T(c, "certs.issue.title"), p)
	}
	if err != nil {
		return err
	}
	return h.r.Page(c, fiber.StatusOK, "cert_issue", h.r.T(c, "certs.issue.title"), issuePage{Courses: p.Courses, Course: p.Course, Issued: items})
}
