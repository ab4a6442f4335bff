package accounts

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/webtest"
	"tadrib/models"
)

func patch(c *webtest.Client, path string, body any) webtest.Response {
	return c.Do(fiber.MethodPatch, path, body)
}

// PATCH /me: each field checked and named; role and email cannot be set
// there (mass assignment); a new password needs the current one and ends the
// user's other sessions, not this one (SECURITY.md A7).
func TestProfileUpdate(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	here, elsewhere := e.As(u), e.As(u)

	patch(here, "/api/v1/me", map[string]any{"name": " ", "locale": "de", "organization": strings.Repeat("o", 201), "name_ar": "a\x00b"}).WantProblem(t,
		http.StatusBadRequest, "name", "locale", "organization", "name_ar")
	patch(here, "/api/v1/me", map[string]any{"password": "une nouvelle phrase longue"}).WantProblem(t, http.StatusBadRequest, "current_password")
	patch(here, "/api/v1/me", map[string]any{"password": "une nouvelle phrase longue", "current_password": "pas la bonne"}).WantProblem(t,
		http.StatusBadRequest, "current_password")
	patch(here, "/api/v1/me", map[string]any{"password": "court", "current_password": oldPassword}).WantProblem(t, http.StatusBadRequest, "password")
	patch(here, "/api/v1/me", map[string]any{"locale": 5}).WantProblem(t, http.StatusBadRequest, "locale")
	patch(e.Anonymous(), "/api/v1/me", map[string]any{"name": "X"}).WantProblem(t, http.StatusUnauthorized)
	if got, _ := e.svc.Get(context.Background(), u.ID); got.Name != u.Name || got.PasswordHash != u.PasswordHash {
		t.Fatal("a refused change was stored")
	}

	var me map[string]any
	patch(here, "/api/v1/me", map[string]any{"name": " Nadia Tazi ", "name_ar": "نادية", "locale": "ar", "organization": "DGSN",
		"role": models.RoleAdmin, "email": "autre@example.org"}).Want(t, http.StatusOK).JSON(t, &me)
	if me["name"] != "Nadia Tazi" || me["name_ar"] != "نادية" || me["locale"] != "ar" || me["organization"] != "DGSN" ||
		me["role"] != models.RoleTrainee || me["email"] != u.Email {
		t.Errorf("after the change /me = %v", me)
	}
	patch(here, "/api/v1/me", map[string]any{}).Want(t, http.StatusOK)

	const newPassword = "une toute nouvelle phrase"
	patch(here, "/api/v1/me", map[string]any{"password": newPassword, "current_password": oldPassword}).Want(t, http.StatusOK)
	here.Get("/api/v1/me").Want(t, http.StatusOK)
	elsewhere.Get("/api/v1/me").WantProblem(t, http.StatusUnauthorized)
	if _, err := e.svc.Authenticate(context.Background(), u.Email, newPassword); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	if _, err := e.svc.Authenticate(context.Background(), u.Email, oldPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("the old password still signs in: %v", err)
	}
	if n := len(e.audited(t, "user.password_change", userObject(u.ID))); n != 1 {
		t.Errorf("password change audited %d times", n)
	}
}

// The admin's JSON user management: list and filter; role changes and
// disabling apply on the user's next request and are audited; the last
// enabled admin cannot leave (409).
func TestAdminUserManagementAPI(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	tr := e.account(t, "omar@example.org", models.RoleTrainer)
	users := e.As(u)
	id := strconv.FormatInt(u.ID, 10)

	var list struct {
		Items []UserJSON
		Total int
	}
	e.As(admin).Get("/api/v1/admin/users?q=NADIA&role=trainee").Want(t, http.StatusOK).JSON(t, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].Email != u.Email {
		t.Errorf("search: %+v", list)
	}
	e.As(admin).Get("/api/v1/admin/users?limit=2&offset=1").Want(t, http.StatusOK).JSON(t, &list)
	if list.Total != 3 || len(list.Items) != 2 || list.Items[0].Email != u.Email {
		t.Errorf("page 2 of 2: %+v", list)
	}
	e.As(admin).Get("/api/v1/admin/users?role=roi&limit=0&offset=-1").WantProblem(t, http.StatusBadRequest, "role", "limit", "offset")
	e.As(tr).Get("/api/v1/admin/users").WantProblem(t, http.StatusForbidden)
	patch(e.As(tr), "/api/v1/admin/users/"+id, map[string]any{"role": "admin"}).WantProblem(t, http.StatusForbidden)

	var changed UserJSON
	patch(e.As(admin), "/api/v1/admin/users/"+id, map[string]any{"role": models.RoleTrainer}).Want(t, http.StatusOK).JSON(t, &changed)
	var me map[string]any
	users.Get("/api/v1/me").Want(t, http.StatusOK).JSON(t, &me)
	if changed.Role != models.RoleTrainer || me["role"] != models.RoleTrainer {
		t.Errorf("role change: answered %q, the user's next request sees %v", changed.Role, me["role"])
	}
	evs := e.audited(t, "user.update", userObject(u.ID))
	if len(evs) != 1 || evs[0].Detail != "role trainee -> trainer" || evs[0].ActorID == nil || *evs[0].ActorID != admin.ID {
		t.Errorf("role change audit: %+v", evs)
	}
	// The same value again changes nothing and audits nothing.
	patch(e.As(admin), "/api/v1/admin/users/"+id, map[string]any{"role": models.RoleTrainer}).Want(t, http.StatusOK)
	if n := len(e.audited(t, "user.update", userObject(u.ID))); n != 1 {
		t.Errorf("a no-op change audited (%d events)", n)
	}

	patch(e.As(admin), "/api/v1/admin/users/"+id, map[string]any{"disabled": true}).Want(t, http.StatusOK)
	users.Get("/api/v1/me").WantProblem(t, http.StatusUnauthorized)
	if n := len(e.audited(t, "user.update", userObject(u.ID))); n != 2 {
		t.Errorf("disabling audited: %d events, want 2", n)
	}
	// Enabled again, the old sessions stay ended.
	patch(e.As(admin), "/api/v1/admin/users/"+id, map[string]any{"disabled": false}).Want(t, http.StatusOK)
	users.Get("/api/v1/me").WantProblem(t, http.StatusUnauthorized)
	e.As(u).Get("/api/v1/me").Want(t, http.StatusOK)

	patch(e.As(admin), "/api/v1/admin/users/"+id, map[string]any{"role": "roi"}).WantProblem(t, http.StatusBadRequest, "role")
	patch(e.As(admin), "/api/v1/admin/users/999999", map[string]any{"role": "trainer"}).WantProblem(t, http.StatusNotFound)
	patch(e.As(admin), "/api/v1/admin/users/abc", map[string]any{"role": "trainer"}).WantProblem(t, http.StatusNotFound)
	patch(e.As(admin), "/api/v1/admin/users/"+strconv.FormatInt(admin.ID, 10), map[string]any{"role": "trainee"}).WantProblem(t, http.StatusConflict)
	if _, err := e.svc.AdminUpdate(context.Background(), admin, admin.ID, AdminChange{Disabled: ptr(true)}); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("disabling the last admin: %v, want ErrLastAdmin", err)
	}
}

func ptr[T any](v T) *T { return &v }

// The administration pages, in French and Arabic: the list and its filters,
// a user's page, the confirmation steps, role and access changes, the
// set-password link, the export and the deletion.
func TestAdminPages(t *testing.T) {
	t.Parallel()
	part := func(_ context.Context, id int64) (string, any, error) {
		return "certificates", []string{"code-of-" + strconv.FormatInt(id, 10)}, nil
	}
	e := newWeb(t, "open", Limits{}, part)
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	page := "/admin/users/" + strconv.FormatInt(u.ID, 10)

	if loc := e.As(admin).Get("/admin").Want(t, http.StatusSeeOther).Header.Get("Location"); loc != "/admin/users" {
		t.Errorf("/admin sent to %q", loc)
	}
	for _, lang := range []string{"fr", "ar"} {
		e.as(admin, lang).Get("/admin/users?q=nadia").Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "admin.users.title"), u.Email)
		e.as(admin, lang).Get("/admin/users?role=roi&profession=astronaute").Want(t, http.StatusBadRequest).WantPage(t, lang)
		e.as(admin, lang).Get(page).Want(t, http.StatusOK).WantPage(t, lang, u.Email)
		for _, action := range []string{"disable", "reset", "delete"} {
			e.as(admin, lang).Get(page+"/confirm/"+action).Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "admin.confirm."+action+".title"))
		}
		e.as(admin, lang).Get("/admin/audit").Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "admin.audit.title"))
	}
	e.As(admin).Get(page+"/confirm/promote").Want(t, http.StatusNotFound)
	e.As(admin).Get("/admin/users/999999").Want(t, http.StatusNotFound)
	e.As(u).Get("/admin/users").Want(t, http.StatusForbidden)

	r := e.as(admin, "fr").Post(page+"/role", url.Values{"role": {"trainer"}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != page+"?done=role" {
		t.Errorf("after the role change sent to %q", loc)
	}
	e.as(admin, "fr").Get(page+"?done=role").Want(t, http.StatusOK).WantPage(t, "fr", e.Catalog.T("fr", "admin.done.role"), "role trainee -> trainer")
	e.as(admin, "fr").Post(page+"/role", url.Values{"role": {"roi"}}).Want(t, http.StatusBadRequest).WantPage(t, "fr", e.Catalog.T("fr", "err.role"))
	self := "/admin/users/" + strconv.FormatInt(admin.ID, 10)
	e.as(admin, "fr").Post(self+"/disable", nil).Want(t, http.StatusConflict).WantPage(t, "fr", e.Catalog.T("fr", "admin.err.last_admin"))

	victim := e.As(u)
	e.As(admin).Post(page+"/disable", nil).Want(t, http.StatusSeeOther)
	victim.Get("/api/v1/me").Want(t, http.StatusUnauthorized)
	if got, _ := e.svc.Get(context.Background(), u.ID); !got.Disabled {
		t.Error("not disabled")
	}
	e.As(admin).Post(page+"/enable", nil).Want(t, http.StatusSeeOther)
	if got, _ := e.svc.Get(context.Background(), u.ID); got.Disabled {
		t.Error("not enabled again")
	}

	// Reset: the old password stops working and a link, shown once, sets a new one.
	reset := e.As(admin).Post(page+"/reset", nil).Want(t, http.StatusOK)
	i := strings.Index(reset.Body, testBaseURL+"/set-password/")
	if i < 0 {
		t.Fatalf("the reset page shows no link:\n%s", reset.Body)
	}
	link := strings.TrimPrefix(reset.Body[i:i+len(testBaseURL+"/set-password/")+tokenLen], testBaseURL)
	if _, err := e.svc.Authenticate(context.Background(), u.Email, oldPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("after a reset the old password: %v", err)
	}
	for _, lang := range []string{"fr", "ar"} {
		c := e.Anonymous()
		c.Lang = lang
		r := c.Get(link).Want(t, http.StatusOK)
		r.WantPage(t, lang, e.Catalog.T(lang, "admin.setpw.title"), u.Email)
		if r.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: the set-password page may leak its token in a Referer", lang)
		}
	}
	e.anonForm(link, url.Values{"password": {"une nouvelle phrase"}, "confirm": {"une autre phrase"}}, "fr").Want(t, http.StatusUnprocessableEntity)
	e.Anonymous().Post(link, url.Values{"password": {"une nouvelle phrase"}, "confirm": {"une nouvelle phrase"}}).Want(t, http.StatusForbidden)
	e.anonForm(link, url.Values{"password": {"une nouvelle phrase"}, "confirm": {"une nouvelle phrase"}}, "ar").Want(t, http.StatusOK)
	if _, err := e.svc.Authenticate(context.Background(), u.Email, "une nouvelle phrase"); err != nil {
		t.Errorf("the password set by link: %v", err)
	}
	e.Anonymous().Get(link).Want(t, http.StatusNotFound)
	e.anonForm(link, url.Values{"password": {"encore une phrase"}, "confirm": {"encore une phrase"}}, "fr").Want(t, http.StatusNotFound)

	// The export gathers the account, its sign-ins and each part, audited.
	ex := e.As(admin).Post(page+"/export", nil).Want(t, http.StatusOK)
	var doc map[string]any
	ex.JSON(t, &doc)
	if doc["format"] != ExportFormat || doc["account"].(map[string]any)["email"] != u.Email || len(doc["sign_ins"].([]any)) == 0 ||
		doc["certificates"].([]any)[0] != "code-of-"+strconv.FormatInt(u.ID, 10) || strings.Contains(ex.Body, "password") {
		t.Errorf("export: %s", ex.Body)
	}
	if cd := ex.Header.Get("Content-Disposition"); cd != `attachment; filename="tadrib-user-`+strconv.FormatInt(u.ID, 10)+`.json"` {
		t.Errorf("export Content-Disposition %q", cd)
	}
	if len(e.audited(t, "user.export", userObject(u.ID))) != 1 {
		t.Error("the export is not audited")
	}

	// Deletion needs the email repeated.
	e.as(admin, "ar").Post(page+"/delete", url.Values{"confirm_email": {"autre@example.org"}}).Want(t, http.StatusUnprocessableEntity).WantPage(t, "ar", e.Catalog.T("ar", "admin.err.confirm_email"))
	if loc := e.As(admin).Post(page+"/delete", url.Values{"confirm_email": {u.Email}}).Want(t, http.StatusSeeOther).Header.Get("Location"); loc != "/admin/users?deleted=1" {
		t.Errorf("after deletion sent to %q", loc)
	}
	if _, err := e.svc.Get(context.Background(), u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted user: %v", err)
	}
	e.As(admin).Get(page).Want(t, http.StatusNotFound)
	// An admin deleting their own account (another admin left) is signed out.
	e.account(t, "second@example.org", models.RoleAdmin)
	if loc := e.As(admin).Post(self+"/delete", url.Values{"confirm_email": {admin.Email}}).Want(t, http.StatusSeeOther).Header.Get("Location"); loc != "/" {
		t.Errorf("after deleting oneself sent to %q", loc)
	}
}

// The audit log: the page's filters, the CSV (audited itself, safe for
// spreadsheets) and the JSON API with its limits.
func TestAuditLogPagesCSVAndAPI(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	if _, err := e.svc.AdminUpdate(context.Background(), admin, u.ID, AdminChange{Role: ptr(models.RoleTrainer)}); err != nil {
		t.Fatal(err)
	}
	ev := models.AuditEvent{At: e.clock.now(), ActorID: &admin.ID, Action: "course.update", Object: "course:3", Detail: "=HYPERLINK(\"http://evil\")"}
	if err := e.DB.W.Create(&ev).Error; err != nil {
		t.Fatal(err)
	}
	e.as(admin, "ar").Get("/admin/audit?action=user.update&object=user").Want(t, http.StatusOK).WantPage(t, "ar", "role trainee -> trainer")
	e.as(admin, "fr").Get("/admin/audit?from=hier&to=2026-13-01").Want(t, http.StatusBadRequest).WantPage(t, "fr", e.Catalog.T("fr", "admin.err.date"))

	csv := e.As(admin).Get("/admin/audit.csv?action=course.update").Want(t, http.StatusOK)
	if !strings.HasPrefix(csv.Body, "\uFEFFat,actor_id,") || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csv.Body, `"'=HYPERLINK(""http://evil"")"`) || strings.Contains(csv.Body, "role trainee") {
		t.Errorf("CSV:\n%s", csv.Body)
	}
	if len(e.audited(t, "audit.export", "audit")) != 1 {
		t.Error("the CSV export is not audited")
	}
	e.As(admin).Get("/admin/audit.csv?from=hier").Want(t, http.StatusBadRequest) // a page: the CSV link is followed by a browser

	var got struct {
		Items []AuditRow
		Total int
	}
	e.As(admin).Get("/api/v1/admin/audit?actor=admin@&limit=1").Want(t, http.StatusOK).JSON(t, &got)
	if got.Total != 3 || len(got.Items) != 1 || got.Items[0].ActorEmail != admin.Email {
		t.Errorf("API audit: %+v", got)
	}
	e.As(admin).Get("/api/v1/admin/audit?action=nothing").Want(t, http.StatusOK).JSON(t, &got)
	if got.Total != 0 || got.Items == nil {
		t.Errorf("an empty result: %+v (items must be [], not null)", got)
	}
	e.As(admin).Get("/api/v1/admin/audit?limit=501&to=x").WantProblem(t, http.StatusBadRequest, "limit", "to")
	e.As(u).Get("/api/v1/admin/audit").WantProblem(t, http.StatusForbidden)
}

// A list longer than a page links to the next and previous pages, keeping
// the filters but not the language; a hand-edited page number shows page 1.
func TestAdminUserListPages(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	for range pageSize + 1 {
		e.User("Stagiaire", models.RoleTrainee)
	}
	first := e.as(admin, "ar").Get("/admin/users?role=trainee&lang=ar").Want(t, http.StatusOK)
	first.WantPage(t, "ar", `href="/admin/users?page=2&amp;role=trainee"`)
	second := e.As(admin).Get("/admin/users?role=trainee&page=2").Want(t, http.StatusOK)
	second.WantPage(t, "fr", `href="/admin/users?page=1&amp;role=trainee"`)
	if strings.Contains(second.Body, "page=3") {
		t.Error("the last page links to a next one")
	}
	if junk := e.As(admin).Get("/admin/users?role=trainee&page=-4"); junk.Status != http.StatusOK || !strings.Contains(junk.Body, "page=2") {
		t.Errorf("page=-4: %d, want page 1", junk.Status)
	}
	prev, next, pages := pageLinks("/admin/audit", url.Values{"actor": {"x"}, "lang": {"ar"}}, 9, 120)
	if pages != 3 || prev != "/admin/audit?actor=x&page=3" || next != "" {
		t.Errorf("past the last page: prev %q next %q pages %d", prev, next, pages)
	}
}
