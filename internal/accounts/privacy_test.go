package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/config"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// The notice states the retention periods from the configuration, in each
// language, and is linked from the footer of every page and from the
// registration form.
func TestPrivacyNoticeStatesTheConfiguredPeriods(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	for lang, texts := range map[string][]string{
		"fr": {"Protection de vos données personnelles", "depuis 3 ans", "3 mois après leur fin", "5 ans, puis effacé", "Direction de la formation"},
		"ar": {"حماية معطياتك ذات الطابع الشخصي", "منذ 3 سنوات", "بعد 3 أشهر", "مدة 5 سنوات", "مديرية التكوين"},
		"en": {"How your personal data is protected", "for 3 years", "3 months after they ended", "5 years, then erased"},
	} {
		r := e.Anonymous().Get("/privacy?lang="+lang).Want(t, http.StatusOK)
		r.WantPage(t, lang, texts...)
		if !strings.Contains(r.Body, `href="/privacy"`) {
			t.Errorf("the %s notice page has no footer link to itself", lang)
		}
	}
	reg := e.Anonymous().Get("/register?lang=fr").Want(t, http.StatusOK)
	if strings.Count(reg.Body, `href="/privacy"`) < 2 {
		t.Error("the registration page links the notice neither from its form nor from its footer")
	}

	// Other figures, other words; zero keeps, and the notice says so.
	other := webtest.New(t)
	NewHandler(NewService(other.DB), other.Sessions, other.Cookies, other.Renderer, Env{Registration: "open",
		Limits: Limits{PerAddress: pass, PerAccount: pass}, Privacy: PrivacyEnv{Retention: config.Retention{InactiveDays: 400, EndedDays: 1, AuditDays: 0}}}).
		Routes(other.App, other.API)
	other.Anonymous().Get("/privacy?lang=fr").Want(t, http.StatusOK).WantPage(t, "fr",
		"depuis 400 jours", "1 jour après leur fin", "Le journal d’audit : sans limite de durée")
	other.Anonymous().Get("/privacy?lang=ar").Want(t, http.StatusOK).WantPage(t, "ar", "منذ 400 يوم", "بعد يوم واحد")
}

// A user downloads their own data: the admin's export (the same document,
// the same parts), of themselves only, audited with themselves as actor;
// as a page form and as GET /api/v1/me/export.
func TestDownloadOwnData(t *testing.T) {
	t.Parallel()
	var asked []int64
	part := func(_ context.Context, id int64) (string, any, error) {
		asked = append(asked, id)
		return "things", []int64{id}, nil
	}
	e := newWeb(t, "open", Limits{}, part)
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	e.account(t, "omar@example.org", models.RoleTrainee)

	r := e.As(u).Post("/profile/export", url.Values{}).Want(t, http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || strings.Contains(cd, "nadia") {
		t.Errorf("Content-Disposition %q", cd)
	}
	var mine map[string]any
	r.JSON(t, &mine)
	if acc := mine["account"].(map[string]any); acc["email"] != u.Email || mine["format"] != ExportFormat {
		t.Errorf("the export of oneself: %v", mine)
	}
	var api map[string]any
	e.As(u).Get("/api/v1/me/export").Want(t, http.StatusOK).JSON(t, &api)
	admins, err := e.svc.Export(context.Background(), admin, u.ID, []ExportPart{part})
	if err != nil {
		t.Fatal(err)
	}
	if k1, k2, k3 := keys(mine), keys(api), keys(admins); k1 != k3 || k2 != k3 {
		t.Errorf("the exports differ: page %s, API %s, admin %s", k1, k2, k3)
	}
	for _, id := range asked {
		if id != u.ID {
			t.Errorf("a part was asked for user %d, not %d", id, u.ID)
		}
	}
	if evs := e.audited(t, "user.export", userObject(u.ID)); len(evs) != 3 || *evs[0].ActorID != u.ID || *evs[1].ActorID != u.ID {
		t.Errorf("exports audited: %+v", evs)
	}
	e.Anonymous().Get("/api/v1/me/export").WantProblem(t, http.StatusUnauthorized)
	if r := e.Anonymous().Post("/profile/export", url.Values{}); r.Status < 400 {
		t.Errorf("an anonymous export answered %d", r.Status)
	}
}

// keys lists a document's top-level keys and the account's, sorted.
func keys(doc map[string]any) string {
	var out []string
	for k := range doc {
		out = append(out, k)
	}
	for k := range doc["account"].(map[string]any) {
		out = append(out, "account."+k)
	}
	sort.Strings(out)
	b, _ := json.Marshal(out)
	return string(b)
}

// A user deletes their account from the profile, confirming with their
// password: every session ends (they are rows: every node sees it), the
// account is gone, the deletion is audited with the same detail as an
// admin's; a wrong password changes nothing; the last admin cannot.
func TestDeleteOwnAccountFromTheProfile(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	admin := e.account(t, "admin@example.org", models.RoleAdmin)
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	here, elsewhere := e.as(u, "fr"), e.As(u)

	here.Get("/profile").Want(t, http.StatusOK).WantPage(t, "fr", "Télécharger mes données", `href="/profile/delete"`)
	e.as(u, "ar").Get("/profile").Want(t, http.StatusOK).WantPage(t, "ar", "تنزيل معطياتي", "حذف حسابي…")
	here.Get("/profile/delete").Want(t, http.StatusOK).WantPage(t, "fr",
		"déconnecté·e immédiatement sur tous vos appareils", "restent inscrits au registre public", `name="current_password"`)

	for _, pw := range []string{"", "pas le bon mot de passe"} {
		r := here.Post("/profile/delete", url.Values{"current_password": {pw}}).Want(t, http.StatusUnprocessableEntity)
		r.WantPage(t, "fr", `aria-invalid="true"`)
	}
	if _, err := e.svc.Get(context.Background(), u.ID); err != nil {
		t.Fatalf("a refused deletion deleted: %v", err)
	}
	if n := len(e.audited(t, "user.delete", userObject(u.ID))); n != 0 {
		t.Fatalf("a refused deletion was audited")
	}

	r := here.Post("/profile/delete", url.Values{"current_password": {oldPassword}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/privacy?deleted=1&lang=fr" {
		t.Errorf("after the deletion: Location %q", loc)
	}
	if c := e.sessionCookie(r); c != "" {
		t.Errorf("the session cookie was not cleared: %q", c)
	}
	for _, c := range []*webtest.Client{here, elsewhere} {
		c.Get("/api/v1/me").WantProblem(t, http.StatusUnauthorized)
	}
	if _, err := e.svc.Get(context.Background(), u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the account is still there: %v", err)
	}
	var n int64
	e.DB.R.Model(&models.Session{}).Where("user_id = ?", u.ID).Count(&n)
	if n != 0 {
		t.Errorf("%d sessions of the deleted account are left", n)
	}
	evs := e.audited(t, "user.delete", userObject(u.ID))
	if len(evs) != 1 || evs[0].ActorID == nil || *evs[0].ActorID != u.ID || !strings.Contains(evs[0].Detail, "certificates kept: 0") ||
		strings.Contains(evs[0].Detail, u.Email) {
		t.Errorf("the deletion's audit: %+v", evs)
	}
	e.Anonymous().Get("/privacy?deleted=1&lang=fr").WantPage(t, "fr", "Votre compte a été supprimé")

	// The last enabled admin is refused, and told why.
	r = e.as(admin, "fr").Post("/profile/delete", url.Values{"current_password": {oldPassword}}).Want(t, http.StatusConflict)
	r.WantPage(t, "fr", "il ne resterait aucun administrateur actif")
	if _, err := e.svc.Get(context.Background(), admin.ID); err != nil {
		t.Errorf("the last admin was deleted: %v", err)
	}
}

// DELETE /api/v1/me: the JSON twin of the page.
func TestDeleteMeAPI(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	c := e.As(u)
	del := func(c *webtest.Client, body any) webtest.Response {
		return c.Do(fiber.MethodDelete, "/api/v1/me", body)
	}

	del(e.Anonymous(), map[string]string{"current_password": oldPassword}).WantProblem(t, http.StatusUnauthorized)
	del(c, nil).WantProblem(t, http.StatusBadRequest, "current_password")
	del(c, map[string]string{"current_password": "faux"}).WantProblem(t, http.StatusBadRequest, "current_password")
	del(c, map[string]any{"current_password": 5}).WantProblem(t, http.StatusBadRequest, "current_password")
	c.Get("/api/v1/me").Want(t, http.StatusOK)

	// A Bearer client: its token stops working at once.
	var login struct{ Token string }
	e.Anonymous().Post("/api/v1/auth/login", map[string]string{"email": u.Email, "password": oldPassword}).Want(t, http.StatusOK).JSON(t, &login)
	e.withToken(fiber.MethodDelete, "/api/v1/me", login.Token, map[string]string{"current_password": oldPassword}).Want(t, http.StatusNoContent)
	e.withToken(fiber.MethodGet, "/api/v1/me", login.Token, nil).WantProblem(t, http.StatusUnauthorized)
	c.Get("/api/v1/me").WantProblem(t, http.StatusUnauthorized)
	if _, err := e.svc.Get(context.Background(), u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the account is still there: %v", err)
	}
}
