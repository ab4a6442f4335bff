package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/webtest"
	"tadrib/models"
)

const profilePassword = "une phrase de passe assez longue"

// profileEnv mounts the accounts routes and returns a trainee whose
// password is profilePassword.
func profileEnv(t *testing.T) (*webtest.Env, models.User) {
	t.Helper()
	e := webtest.New(t)
	pass := func(c *fiber.Ctx) error { return c.Next() }
	accounts.NewHandler(accounts.NewService(e.DB), e.Sessions, e.Cookies, e.Renderer,
		accounts.Env{Registration: "open", Limits: accounts.Limits{PerAddress: pass, PerAccount: pass}}).Routes(e.App, e.API)
	u := e.User("Nadia", models.RoleTrainee)
	hash, err := auth.HashPassword(profilePassword)
	if err != nil {
		t.Fatal(err)
	}
	u.PasswordHash = hash
	if err := e.DB.W.Model(&u).Update("password_hash", hash).Error; err != nil {
		t.Fatal(err)
	}
	return e, u
}

func reload(t *testing.T, e *webtest.Env, id int64) models.User {
	t.Helper()
	var u models.User
	if err := e.DB.R.Take(&u, id).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

// TestProfilePageShowsWhatTheCertificatePrints: both names, as the
// certificate prints them, and the forms with their CSRF token, in the
// three languages; the header links to it.
func TestProfilePageShowsWhatTheCertificatePrints(t *testing.T) {
	t.Parallel()
	e, u := profileEnv(t)
	e.DB.W.Model(&u).Updates(map[string]any{"name_ar": "نادية العلوي", "name": "Nadia Alaoui"})
	cl := e.As(u)
	for lang, title := range map[string]string{"fr": "Votre nom sur les certificats", "ar": "اسمك كما يُطبع على الشهادات", "en": "Your name on certificates"} {
		cl.Lang = lang
		body := cl.Get("/profile").Want(t, http.StatusOK).Body
		for _, want := range []string{title, `<p class="cert-name" dir="ltr">Nadia Alaoui</p>`, `<p class="cert-name" dir="rtl" lang="ar">نادية العلوي</p>`,
			`action="/profile"`, `action="/profile/password"`, `name="_csrf"`, `href="/profile"`, `autocomplete="current-password"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the profile page lacks %q", lang, want)
			}
		}
	}
	e.Anonymous().Get("/profile").Want(t, http.StatusSeeOther)
}

// TestProfileFormSavesOrChangesNothing: a good form saves every field (and
// the page comes back in the language chosen); a bad one shows each error at
// its field and changes nothing; a form without the CSRF token is refused.
func TestProfileFormSavesOrChangesNothing(t *testing.T) {
	t.Parallel()
	e, u := profileEnv(t)
	cl := e.As(u)
	good := url.Values{"name": {"Nadia Alaoui"}, "name_ar": {"نادية العلوي"}, "profession": {"judiciary"},
		"organization": {"Tribunal de Rabat"}, "locale": {"ar"}}
	r := cl.Post("/profile", good).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/profile?done=saved&lang=ar" {
		t.Errorf("saving redirects to %q", loc)
	}
	got := reload(t, e, u.ID)
	if got.Name != "Nadia Alaoui" || got.NameAr != "نادية العلوي" || got.Profession != "judiciary" || got.Organization != "Tribunal de Rabat" || got.Locale != "ar" {
		t.Errorf("saved %+v", got)
	}
	cl.Lang = "ar"
	if body := cl.Get("/profile?done=saved").Want(t, http.StatusOK).Body; !strings.Contains(body, `role="status">✓ حُفظ ملفك الشخصي.`) {
		t.Error("the saved profile is not confirmed")
	}
	cl.Lang = "fr"

	bad := url.Values{"name": {""}, "name_ar": {"x\u202Ey"}, "profession": {"astronaut"}, "organization": {"Ailleurs"}, "locale": {"xx"}}
	page := cl.Post("/profile", bad).Want(t, http.StatusUnprocessableEntity).Body
	for _, field := range []string{"name", "name_ar", "profession", "locale"} {
		if !strings.Contains(page, `id="`+field+`-error"`) || !strings.Contains(page, `aria-describedby="`+field+`-error`) && !strings.Contains(page, field+`-hint `+field+`-error`) {
			t.Errorf("the refused form shows no error at %s", field)
		}
	}
	if !strings.Contains(page, `value="Ailleurs"`) {
		t.Error("the refused form does not keep what was typed")
	}
	if after := reload(t, e, u.ID); after.Organization != "Tribunal de Rabat" || after.Name != "Nadia Alaoui" {
		t.Errorf("a refused form changed the profile: %+v", after)
	}

	e.Anonymous().Post("/profile", good).Want(t, http.StatusUnauthorized)
	noToken := cl.Do(http.MethodPost, "/profile", url.Values{"name": {"X"}}, "X-CSRF-Token", "forged")
	if noToken.Status != http.StatusForbidden {
		t.Errorf("a post with a forged CSRF token = %d, want 403", noToken.Status)
	}
}

// TestPasswordChangeFromTheProfile: the current password is required and
// checked, the new one follows the registration rules and must be typed
// twice; nothing changes until all hold. Then the other sessions end and
// this one stays.
func TestPasswordChangeFromTheProfile(t *testing.T) {
	t.Parallel()
	e, u := profileEnv(t)
	cl := e.As(u)
	other := e.As(u) // the same person on another device
	const fresh = "un tout nouveau mot de passe"
	cases := []struct {
		name, field string
		form        url.Values
	}{
		{"no current password", "current_password", url.Values{"password": {fresh}, "confirm": {fresh}}},
		{"wrong current password", "current_password", url.Values{"current_password": {"pas le bon"}, "password": {fresh}, "confirm": {fresh}}},
		{"too short", "password", url.Values{"current_password": {profilePassword}, "password": {"court"}, "confirm": {"court"}}},
		{"the email itself", "password", url.Values{"current_password": {profilePassword}, "password": {u.Email}, "confirm": {u.Email}}},
		{"not typed twice alike", "confirm", url.Values{"current_password": {profilePassword}, "password": {fresh}, "confirm": {fresh + "x"}}},
	}
	for _, tc := range cases {
		page := cl.Post("/profile/password", tc.form).Want(t, http.StatusUnprocessableEntity).Body
		if !strings.Contains(page, `id="`+tc.field+`-error"`) {
			t.Errorf("%s: no error at %s", tc.name, tc.field)
		}
		if strings.Contains(page, `id="name-error"`) {
			t.Errorf("%s: the password's errors are shown on the profile form", tc.name)
		}
		if after := reload(t, e, u.ID); after.PasswordHash != u.PasswordHash {
			t.Fatalf("%s: the password changed", tc.name)
		}
	}
	other.Get("/profile").Want(t, http.StatusOK)

	r := cl.Post("/profile/password", url.Values{"current_password": {profilePassword}, "password": {fresh}, "confirm": {fresh}}).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/profile?done=password" {
		t.Errorf("the change redirects to %q", loc)
	}
	after := reload(t, e, u.ID)
	if !auth.CheckPassword(fresh, after.PasswordHash) || auth.CheckPassword(profilePassword, after.PasswordHash) {
		t.Error("the new password is not the one stored")
	}
	if body := cl.Get("/profile?done=password").Want(t, http.StatusOK).Body; !strings.Contains(body, `role="status">✓ Votre mot de passe est changé.`) {
		t.Error("this session did not stay, or the change is not confirmed")
	}
	other.Get("/profile").Want(t, http.StatusSeeOther) // signed out: sent to the login page
}
