package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tadrib/internal/accounts"
	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// A trainee with a real certificate downloads their data, then deletes
// their account through the API: both devices are signed out, their record
// is gone, and the certificate still verifies by its code with the name as
// printed (issue 14, point 7).
func TestTraineeDownloadsThenDeletesOwnAccount(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	other := enrolled(t, a, slug)
	completeCourse(t, u, slug, quizID)
	r := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
	wantStatus(t, r, 201)
	code := r.JSON(t)["code"].(string)
	login := a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword})
	wantStatus(t, login, 200)
	phone := user{ID: u.ID, Email: u.Email, Token: login.JSON(t)["token"].(string), a: a}

	exp := u.do("GET", "/api/v1/me/export", nil)
	wantStatus(t, exp, 200)
	doc := exp.JSON(t)
	if doc["account"].(map[string]any)["email"] != u.Email || len(doc["certificates"].([]any)) != 1 ||
		len(doc["quiz_attempts"].([]any)) != 1 || strings.Contains(string(exp.Body), other.Email) {
		t.Fatalf("the trainee's export: %s", exp.Body)
	}

	wantProblem(t, u.do("DELETE", "/api/v1/me", map[string]any{"current_password": "pas le bon"}), 400, "current_password")
	wantStatus(t, u.do("DELETE", "/api/v1/me", map[string]any{"current_password": testPassword}), 204)
	wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	wantStatus(t, phone.do("GET", "/api/v1/me", nil), 401)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 401)
	uid := adminID(t, u.ID)
	for _, table := range []string{"users WHERE id = ?", "sessions WHERE user_id = ?", "enrolments WHERE user_id = ?",
		"lesson_completions WHERE user_id = ?", "attempts WHERE user_id = ?", "certificates WHERE user_id = ?"} {
		var n int64
		a.db.R.Raw("SELECT COUNT(*) FROM "+table, uid).Scan(&n)
		if n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	v := verifyJSON(a, code)
	wantStatus(t, v, 200)
	got := v.JSON(t)
	if got["status"] != "valid" || got["holder"].(map[string]any)["name"] != "Test User" {
		t.Errorf("the certificate after the deletion: %s", v.Body)
	}
	// The other trainee keeps everything.
	wantStatus(t, other.do("GET", "/api/v1/me", nil), 200)
}

// tadrib retention runs the job once with the configured periods.
func TestRetentionCommand(t *testing.T) {
	opts := testdb.Options(t)
	if opts.DatabaseURL != "" {
		t.Setenv("DATABASE_URL", opts.DatabaseURL)
	} else {
		t.Setenv("DATABASE_URL", "")
		opts.SQLitePath = filepath.Join(t.TempDir(), "t.db")
		t.Setenv("TADRIB_DB_PATH", opts.SQLitePath)
	}
	t.Setenv("TADRIB_RETAIN_INACTIVE_DAYS", "30")
	ctx := context.Background()
	d, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := models.Migrate(ctx, d.W, models.Dialect(d.Engine)); err != nil {
		t.Fatal(err)
	}
	acc := accounts.NewService(d)
	mk := func(email string, lastSeen time.Time) {
		t.Helper()
		u, err := acc.Create(ctx, accounts.NewUser{Email: email, Password: testPassword, Name: "N", Profession: "police", Locale: "fr"}, models.RoleTrainee)
		if err != nil {
			t.Fatal(err)
		}
		d.W.Exec("UPDATE users SET last_login_at = ? WHERE id = ?", lastSeen.UTC(), u.ID)
	}
	mk("gone@example.org", time.Now().Add(-31*24*time.Hour))
	mk("kept@example.org", time.Now().Add(-29*24*time.Hour))

	var out, errb bytes.Buffer
	if code := run([]string{"retention"}, nil, &out, &errb); code != 0 {
		t.Fatalf("tadrib retention = %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "deleted: 1 inactive accounts") {
		t.Errorf("tadrib retention printed %q", out.String())
	}
	var left []string
	d.R.Model(&models.User{}).Order("email").Pluck("email", &left)
	if len(left) != 1 || left[0] != "kept@example.org" {
		t.Errorf("accounts left: %v", left)
	}
}

// TestE2EPrivacyPages shows, on a phone in French and Arabic, the privacy
// notice, the profile's data section, the confirmation before deleting
// one's account and the notice after it; each fits 360 px.
func TestE2EPrivacyPages(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	base := a.serve(t)
	for _, lang := range []string{"fr", "ar"} {
		u := a.register("police")
		wantStatus(t, u.do("PATCH", "/api/v1/me", map[string]any{"name": "Nadia Benali", "name_ar": "نادية بنعلي", "locale": lang}), 200)
		b := startE2EBrowser(t, chrome, e2eQuizTimeout)
		s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
		s.open("/privacy?lang=" + lang)
		s.wantDocument(lang, map[string]string{"fr": "ltr", "ar": "rtl"}[lang])
		s.wantNoHorizontalScroll("notice (" + lang + ")")
		s.shot("privacy-01-notice-" + lang)

		s.open("/login?next=/profile")
		s.do(chromedp.SendKeys(chromedp.CSS("#email"), u.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
		s.click(`form[action="/login"] button[type="submit"]`)
		s.open("/profile")
		s.wantNoHorizontalScroll("profile (" + lang + ")")
		s.shot("privacy-02-profile-" + lang)

		s.click(`a[href="/profile/delete"]`)
		s.wantNoHorizontalScroll("delete confirmation (" + lang + ")")
		s.shotFromTop("privacy-03-delete-" + lang)

		s.do(chromedp.SendKeys(chromedp.CSS("#current_password"), testPassword))
		s.click(`form[action="/profile/delete"] button[type="submit"]`)
		if got := s.url(); got.Path != "/privacy" {
			t.Errorf("after the deletion: %s", got)
		}
		s.wantNoHorizontalScroll("after the deletion (" + lang + ")")
		s.shotFromTop("privacy-04-deleted-" + lang)
		wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	}
}
