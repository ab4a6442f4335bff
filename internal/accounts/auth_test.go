package accounts

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/internal/webtest"
	"tadrib/models"
)

type session struct {
	User      UserJSON `json:"user"`
	Token     string   `json:"token"`
	CSRFToken string   `json:"csrf_token"`
}

func register(body map[string]any) map[string]any {
	in := map[string]any{"email": "nadia@example.org", "password": "une phrase de passe longue", "name": "Nadia Tazi",
		"name_ar": "نادية التازي", "profession": "police", "organization": "DGSN"}
	for k, v := range body {
		in[k] = v
	}
	return in
}

// Registration checks every field and names each one that is wrong; an
// email already registered, in any case, is 409 on the email field.
func TestRegistrationValidation(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	p := e.Anonymous().Post("/api/v1/auth/register", register(map[string]any{"email": "pas-une-adresse", "password": "court",
		"name": "  ", "name_ar": "نادية\u202e", "organization": strings.Repeat("o", 201), "profession": "astronaute", "locale": "de"})).WantProblem(t,
		http.StatusBadRequest, "email", "password", "name", "name_ar", "organization", "profession", "locale")
	if p.Errors[0].Message == p.Errors[1].Message {
		t.Errorf("two fields with one message: %+v", p.Errors)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"password": "motdepasse123"}, "password"},       // a common password (SECURITY.md A5)
		{map[string]any{"password": "nadia@example.org"}, "password"},   // the email itself
		{map[string]any{"email": "Nadia <nadia@example.org>"}, "email"}, // a display name is not an address
		{map[string]any{"name": strings.Repeat("n", 201)}, "name"},
		{map[string]any{"name": 5}, "name"}, // a wrong type names its field
	} {
		e.Anonymous().Post("/api/v1/auth/register", register(tc.body)).WantProblem(t, http.StatusBadRequest, tc.field)
	}
	e.Anonymous().Do(fiber.MethodPost, "/api/v1/auth/register", "email=a", "Content-Type", "application/x-www-form-urlencoded").WantProblem(t,
		http.StatusUnsupportedMediaType)
	if n, _ := e.svc.Count(context.Background()); n != 0 {
		t.Fatalf("refused registrations stored %d accounts", n)
	}

	var s session
	r := e.Anonymous().Post("/api/v1/auth/register", register(map[string]any{"email": " Nadia@Example.org "})).Want(t, http.StatusCreated)
	r.JSON(t, &s)
	if s.User.Email != "nadia@example.org" || s.User.Role != models.RoleTrainee || s.User.NameAr != "نادية التازي" || s.User.Locale != "fr" ||
		s.Token == "" || s.CSRFToken == "" || e.sessionCookie(r) != s.Token {
		t.Errorf("registration answered %+v (cookie %q)", s, e.sessionCookie(r))
	}
	if strings.Contains(r.Body, "password") {
		t.Error("the answer mentions the password")
	}
	var me map[string]any
	e.withToken(fiber.MethodGet, "/api/v1/me", s.Token, nil).Want(t, http.StatusOK).JSON(t, &me)
	if me["email"] != "nadia@example.org" || me["csrf_token"] == "" {
		t.Errorf("/me = %v", me)
	}
	e.Anonymous().Post("/api/v1/auth/register", register(map[string]any{"email": "NADIA@example.org"})).WantProblem(t, http.StatusConflict, "email")
	if _, err := e.svc.Create(context.Background(), NewUser{Email: "nadia@example.org", Password: "une phrase de passe longue", Name: "X",
		Profession: "police", Locale: "fr"}, models.RoleTrainee); !errors.Is(err, ErrEmailTaken) {
		t.Errorf("Create with a taken email: %v, want ErrEmailTaken", err)
	}
}

func TestRegistrationClosed(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "closed", Limits{})
	e.Anonymous().Post("/api/v1/auth/register", register(nil)).WantProblem(t, http.StatusForbidden)
	for _, lang := range []string{"fr", "ar"} {
		r := e.anonForm("/register", url.Values{"email": {"a@example.org"}}, lang).Want(t, http.StatusForbidden)
		r.WantPage(t, lang, e.Catalog.T(lang, "err.registration_closed"))
	}
	if n, _ := e.svc.Count(context.Background()); n != 0 {
		t.Errorf("closed registration stored %d accounts", n)
	}
}

// Sign-in: the same 401 for an unknown email and a wrong password
// (SECURITY.md A3); 403 for a disabled account that gave the right one.
func TestLogin(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	off := e.account(t, "off@example.org", models.RoleTrainee)
	if err := e.DB.W.Model(&off).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	login := func(email, password string) webtest.Response {
		return e.Anonymous().Post("/api/v1/auth/login", map[string]any{"email": email, "password": password})
	}
	wrong := login(u.Email, "pas le bon mot de passe").WantProblem(t, http.StatusUnauthorized)
	unknown := login("personne@example.org", oldPassword).WantProblem(t, http.StatusUnauthorized)
	if wrong.Detail != unknown.Detail || wrong.Title != unknown.Title {
		t.Errorf("unknown email %+v differs from wrong password %+v", unknown, wrong)
	}
	login(off.Email, "pas le bon mot de passe").WantProblem(t, http.StatusUnauthorized)
	login(off.Email, oldPassword).WantProblem(t, http.StatusForbidden)
	if _, err := e.svc.Authenticate(context.Background(), off.Email, oldPassword); !errors.Is(err, ErrDisabled) {
		t.Errorf("Authenticate of a disabled account: %v", err)
	}
	if _, err := e.svc.Authenticate(context.Background(), u.Email, strings.Repeat("x", 4*auth.MaxPasswordLength+1)); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("an overlong password: %v", err)
	}

	e.clock.t = e.clock.t.Add(time.Hour)
	var s session
	r := login(" NADIA@example.org", oldPassword).Want(t, http.StatusOK)
	r.JSON(t, &s)
	if s.User.ID != ToJSON(u).ID || s.Token == "" || e.sessionCookie(r) == "" {
		t.Errorf("login answered %+v", s)
	}
	// The sign-in is recorded when its session starts (the retention job
	// reads it).
	got, _ := e.svc.Get(context.Background(), u.ID)
	var last models.Session
	if err := e.DB.R.Where("user_id = ?", u.ID).Order("created_at DESC").Take(&last).Error; err != nil {
		t.Fatal(err)
	}
	if got.LastLoginAt == nil || !got.LastLoginAt.Equal(last.CreatedAt) {
		t.Errorf("last_login_at %v, want the session's start %v", got.LastLoginAt, last.CreatedAt)
	}
}

// Logout ends the session at once: the same token is refused after
// (SECURITY.md S9), and the browser is told to forget the site's data.
func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	var s session
	e.Anonymous().Post("/api/v1/auth/login", map[string]any{"email": u.Email, "password": oldPassword}).Want(t, http.StatusOK).JSON(t, &s)
	e.withToken(fiber.MethodGet, "/api/v1/me", s.Token, nil).Want(t, http.StatusOK)
	r := e.withToken(fiber.MethodPost, "/api/v1/auth/logout", s.Token, nil).Want(t, http.StatusNoContent)
	if r.Header.Get("Clear-Site-Data") == "" {
		t.Error("logout without Clear-Site-Data")
	}
	e.withToken(fiber.MethodGet, "/api/v1/me", s.Token, nil).WantProblem(t, http.StatusUnauthorized)
	e.Anonymous().Post("/api/v1/auth/logout", nil).WantProblem(t, http.StatusUnauthorized)

	// The page's sign-out (a form) ends the cookie's session.
	c := e.As(u)
	c.Get("/api/v1/me").Want(t, http.StatusOK)
	if loc := c.Post("/logout", nil).Want(t, http.StatusSeeOther).Header.Get("Location"); loc != "/" {
		t.Errorf("sign-out sent to %q", loc)
	}
	c.Get("/api/v1/me").Want(t, http.StatusUnauthorized)
	e.Anonymous().Post("/logout", nil).Want(t, http.StatusSeeOther)
}

// The sign-in and registration pages, in French and Arabic: errors shown on
// the page with the status, success redirects, login CSRF.
func TestLoginAndRegisterPages(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	off := e.account(t, "off@example.org", models.RoleTrainee)
	if err := e.DB.W.Model(&off).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "ar"} {
		c := e.Anonymous()
		c.Lang = lang
		r := c.Get("/login?next=/courses").Want(t, http.StatusOK)
		r.WantPage(t, lang, e.Catalog.T(lang, "login.title"), `value="/courses"`)
		if !strings.Contains(r.Header.Get("Set-Cookie"), e.Cookies.Anon()+"=") {
			t.Errorf("%s: the sign-in page gives no CSRF cookie", lang)
		}
		c.Get("/register").Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "register.title"))
		e.anonForm("/login", url.Values{"email": {u.Email}, "password": {"faux mot de passe"}}, lang).Want(t, http.StatusUnauthorized).WantPage(t, lang, e.Catalog.T(lang, "err.credentials"), u.Email)
		e.anonForm("/login", url.Values{"email": {off.Email}, "password": {oldPassword}}, lang).Want(t, http.StatusForbidden).WantPage(t, lang, e.Catalog.T(lang, "err.disabled"))
		bad := e.anonForm("/register", url.Values{"email": {"x"}, "password": {"court"}, "name": {"Omar"}, "profession": {"police"}}, lang).
			Want(t, http.StatusUnprocessableEntity)
		bad.WantPage(t, lang, e.Catalog.T(lang, "err.email"), "Omar")
		if strings.Contains(bad.Body, `value="court"`) {
			t.Errorf("%s: the register page echoes the password", lang)
		}
	}
	// Without the CSRF cookie and token, a form post is refused.
	e.Anonymous().Post("/login", url.Values{"email": {u.Email}, "password": {oldPassword}}).Want(t, http.StatusForbidden)
	e.Anonymous().Post("/register", url.Values{"email": {"a@example.org"}}).Want(t, http.StatusForbidden)

	for next, want := range map[string]string{"/courses/traite-101": "/courses/traite-101", "//evil.example/": "/dashboard", "": "/dashboard"} {
		r := e.anonForm("/login", url.Values{"email": {u.Email}, "password": {oldPassword}, "next": {next}}, "").Want(t, http.StatusSeeOther)
		if r.Header.Get("Location") != want || e.sessionCookie(r) == "" {
			t.Errorf("next %q: sent to %q (cookie %q), want %q", next, r.Header.Get("Location"), e.sessionCookie(r), want)
		}
	}
	r := e.anonForm("/register", url.Values{"email": {"omar@example.org"}, "password": {"une phrase de passe longue"}, "name": {"Omar"},
		"profession": {"labour_inspector"}}, "ar").Want(t, http.StatusSeeOther)
	if r.Header.Get("Location") != "/courses?profession=labour_inspector&welcome=1" || e.sessionCookie(r) == "" {
		t.Errorf("registration sent to %q", r.Header.Get("Location"))
	}
	var omar models.User
	if err := e.DB.R.Take(&omar, "email = ?", "omar@example.org").Error; err != nil || omar.Locale != "ar" {
		t.Errorf("the registered account: %+v, %v (locale from the page's language)", omar, err)
	}
	// Signed in, the forms send to the dashboard.
	for _, p := range []string{"/login", "/register"} {
		if loc := e.As(u).Get(p).Want(t, http.StatusSeeOther).Header.Get("Location"); loc != "/dashboard" {
			t.Errorf("%s signed in: sent to %q", p, loc)
		}
	}
}

// The per-account limiter counts sign-in attempts by the email the handler
// checks, the same on the JSON API and the form, and never by one read
// from the query string.
func TestLoginKeyIsTheCheckedEmail(t *testing.T) {
	t.Parallel()
	e := newWeb(t, "open", Limits{PerAccount: limiter.New(limiter.Config{Max: 2, Expiration: time.Hour, KeyGenerator: LoginKey,
		LimitReached: func(*fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") }})})
	u := e.account(t, "nadia@example.org", models.RoleTrainee)
	other := e.account(t, "omar@example.org", models.RoleTrainee)
	e.Anonymous().Post("/api/v1/auth/login", map[string]any{"email": u.Email, "password": "faux"}).Want(t, http.StatusUnauthorized)
	e.anonForm("/login", url.Values{"email": {" NADIA@example.org"}, "password": {"faux"}}, "").Want(t, http.StatusUnauthorized)
	e.Anonymous().Post("/api/v1/auth/login", map[string]any{"email": u.Email, "password": oldPassword}).Want(t, http.StatusTooManyRequests)
	e.anonForm("/login?email="+url.QueryEscape(other.Email), url.Values{"email": {u.Email}, "password": {oldPassword}}, "").Want(t, http.StatusTooManyRequests)
	// Another account is not affected.
	e.Anonymous().Post("/api/v1/auth/login", map[string]any{"email": other.Email, "password": oldPassword}).Want(t, http.StatusOK)
}

func TestFirstAdmin(t *testing.T) {
	t.Parallel()
	s, _ := newSvc(t)
	ctx := context.Background()
	u, generated, err := s.EnsureFirstAdmin(ctx, "", "")
	if err != nil || u.Role != models.RoleAdmin || u.Email != "admin@tadrib.local" || len(generated) < 20 {
		t.Fatalf("first admin: %+v, %q, %v", u, generated, err)
	}
	if _, err := s.Authenticate(ctx, u.Email, generated); err != nil {
		t.Errorf("the generated password does not sign in: %v", err)
	}
	again, pw, err := s.EnsureFirstAdmin(ctx, "other@example.org", "")
	if err != nil || again.ID != 0 || pw != "" {
		t.Errorf("a second first admin: %+v %q %v", again, pw, err)
	}
	var we *web.Error
	if _, err := s.CreateAdmin(ctx, "x", "Admin", "court"); !errors.As(err, &we) || len(we.Fields) != 2 {
		t.Errorf("CreateAdmin with a bad email and password: %v", err)
	}
}
