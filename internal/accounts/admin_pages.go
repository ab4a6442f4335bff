package accounts

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// admin serves the administration pages (/admin) and the audit API. It
// shares the accounts handler's service, sessions and renderer.
type admin struct {
	*Handler
}

// pageSize is the length of a page of users or audit events.
const pageSize = 50

// routes mounts the pages and the admin's JSON audit log. Every route checks
// the role itself (no group middleware: other features may mount their own
// pages under /admin).
func (a *admin) routes(app fiber.Router, api fiber.Router) {
	adm := auth.RequireRole(models.RoleAdmin)
	api.Get("/admin/audit", adm, a.apiAudit)

	app.Get("/admin", adm, func(c *fiber.Ctx) error { return c.Redirect("/admin/users", fiber.StatusSeeOther) })
	app.Get("/admin/users", adm, a.users)
	app.Get("/admin/users/:id", adm, a.user)
	app.Get("/admin/users/:id/confirm/:action", adm, a.confirm)
	app.Post("/admin/users/:id/role", adm, a.setRole)
	app.Post("/admin/users/:id/disable", adm, a.setDisabled(true))
	app.Post("/admin/users/:id/enable", adm, a.setDisabled(false))
	app.Post("/admin/users/:id/reset", adm, a.reset)
	app.Post("/admin/users/:id/export", adm, a.export)
	app.Post("/admin/users/:id/delete", adm, a.delete)
	app.Get("/admin/audit", adm, a.audit)
	app.Get("/admin/audit.csv", adm, a.auditCSV)
}

// usersPage is the data of admin_users.html.
type usersPage struct {
	Q, Role, Profession string
	Users               []models.User
	Total               int
	Page, Pages         int
	Prev, Next          string
	Roles, Professions  []string
	Errors              map[string]web.FieldError
	Deleted             bool
}

// pageParam reads ?page= (1-based); anything else is page 1, never an error:
// a hand-edited link should still show something.
func pageParam(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

// pageLinks returns the previous and next page URLs, keeping the filters.
func pageLinks(path string, q url.Values, page int, total int64) (prev, next string, pages int) {
	pages = int((total + pageSize - 1) / pageSize)
	if pages < 1 {
		pages = 1
	}
	link := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && k != "lang" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		v.Set("page", strconv.Itoa(p))
		return path + "?" + v.Encode()
	}
	if page > 1 {
		prev = link(min(page-1, pages))
	}
	if page < pages {
		next = link(page + 1)
	}
	return prev, next, pages
}

func queryValues(c *fiber.Ctx) url.Values {
	v, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return v
}

func (a *admin) users(c *fiber.Ctx) error {
	p := usersPage{Q: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Profession: c.Query("profession"),
		Page: pageParam(c), Roles: models.Roles, Professions: models.Professions, Deleted: c.Query("deleted") == "1"}
	var errs []web.FieldError
	if p.Role != "" && !models.Valid(p.Role, models.Roles) {
		errs = append(errs, web.Field("role", "err.role"))
	}
	if p.Profession != "" && !models.Valid(p.Profession, models.Professions) {
		errs = append(errs, web.Field("profession", "err.profession"))
	}
	if len(errs) > 0 {
		p.Errors = web.FormErrors(errs)
		return a.r.Page(c, fiber.StatusBadRequest, "admin_users", a.r.T(c, "admin.users.title"), p)
	}
	users, total, err := a.svc.List(c.UserContext(), UserQuery{Q: p.Q, Role: p.Role, Profession: p.Profession,
		Limit: pageSize, Offset: (p.Page - 1) * pageSize})
	if err != nil {
		return err
	}
	p.Users, p.Total = users, int(total)
	p.Prev, p.Next, p.Pages = pageLinks("/admin/users", queryValues(c), p.Page, total)
	return a.r.Page(c, fiber.StatusOK, "admin_users", a.r.T(c, "admin.users.title"), p)
}

// userPage is the data of admin_user.html.
type userPage struct {
	U       models.User
	Roles   []string
	Done    string // key of the notice after a change
	Message string // key of a refusal
	Link    string // a set-password link, shown once after a reset
	Events  []AuditRow
}

// doneKeys are the notices a redirect may ask for (?done=); anything else
// shows nothing.
var doneKeys = map[string]string{"role": "admin.done.role", "disabled": "admin.done.disabled", "enabled": "admin.done.enabled"}

func (a *admin) target(c *fiber.Ctx) (models.User, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return models.User{}, web.ErrNotFound
	}
	return a.svc.Get(c.UserContext(), id)
}

func (a *admin) renderUser(c *fiber.Ctx, status int, p userPage) error {
	p.Roles = models.Roles
	events, _, err := a.svc.AuditLog(c.UserContext(), AuditQuery{Object: userObject(p.U.ID), Limit: 10})
	if err != nil {
		return err
	}
	p.Events = events
	return a.r.Page(c, status, "admin_user", p.U.Name, p)
}

func (a *admin) user(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	return a.renderUser(c, fiber.StatusOK, userPage{U: u, Done: doneKeys[c.Query("done")]})
}

// refusal renders the user page with a refusal the admin can act on (the
// last admin, a bad role), or passes other errors on.
func (a *admin) refusal(c *fiber.Ctx, u models.User, err error) error {
	var we *web.Error
	if errors.As(err, &we) && we.Status < 500 {
		key := we.Key
		if len(we.Fields) > 0 {
			key = we.Fields[0].Key
		}
		return a.renderUser(c, we.Status, userPage{U: u, Message: key})
	}
	return err
}

func (a *admin) setRole(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if _, err := a.svc.AdminUpdate(c.UserContext(), *auth.User(c), u.ID, AdminChange{Role: &role}); err != nil {
		return a.refusal(c, u, err)
	}
	web.LogEvent(c, "admin.user_update", "target_id", u.ID, "role", role)
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done=role", fiber.StatusSeeOther)
}

func (a *admin) setDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, err := a.target(c)
		if err != nil {
			return err
		}
		if _, err := a.svc.AdminUpdate(c.UserContext(), *auth.User(c), u.ID, AdminChange{Disabled: &disabled}); err != nil {
			return a.refusal(c, u, err)
		}
		web.LogEvent(c, "admin.user_update", "target_id", u.ID, "disabled", disabled)
		done := "enabled"
		if disabled {
			done = "disabled"
		}
		return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10)+"?done="+done, fiber.StatusSeeOther)
	}
}

func (a *admin) reset(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	token, err := a.svc.ResetPassword(c.UserContext(), *auth.User(c), u.ID)
	if err != nil {
		return a.refusal(c, u, err)
	}
	web.LogEvent(c, "admin.password_reset", "target_id", u.ID)
	// Shown once, in this response only (no-store): the admin hands it over.
	return a.renderUser(c, fiber.StatusOK, userPage{U: u, Link: strings.TrimSuffix(a.baseURL, "/") + SetPasswordPath(token)})
}

// confirmPage is the data of admin_confirm.html, the step before a
// destructive action.
type confirmPage struct {
	U      models.User
	Action string // disable, reset or delete
	Errors map[string]web.FieldError
}

var confirmable = map[string]bool{"disable": true, "reset": true, "delete": true}

func (a *admin) confirm(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	action := c.Params("action")
	if !confirmable[action] {
		return web.ErrNotFound
	}
	return a.r.Page(c, fiber.StatusOK, "admin_confirm", a.r.T(c, "admin.confirm."+action+".title"), confirmPage{U: u, Action: action})
}

func (a *admin) delete(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	err = a.svc.DeleteUser(c.UserContext(), *auth.User(c), u.ID, c.FormValue("confirm_email"))
	var we *web.Error
	switch {
	case errors.As(err, &we) && len(we.Fields) > 0:
		return a.r.Page(c, fiber.StatusUnprocessableEntity, "admin_confirm", a.r.T(c, "admin.confirm.delete.title"),
			confirmPage{U: u, Action: "delete", Errors: web.FormErrors(we.Fields)})
	case err != nil:
		return a.refusal(c, u, err)
	}
	web.LogEvent(c, "admin.user_delete", "target_id", u.ID)
	if u.ID == auth.User(c).ID {
		a.cookies.ClearSession(c)
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return c.Redirect("/admin/users?deleted=1", fiber.StatusSeeOther)
}

func (a *admin) export(c *fiber.Ctx) error {
	u, err := a.target(c)
	if err != nil {
		return err
	}
	doc, err := a.svc.Export(c.UserContext(), *auth.User(c), u.ID, a.exporters)
	if err != nil {
		return err
	}
	web.LogEvent(c, "admin.user_export", "target_id", u.ID)
	return sendExport(c, u.ID, doc)
}
