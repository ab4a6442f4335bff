package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tadrib/models"
)

// adminPaths are every admin page (GET) and action (POST) for a target user.
func adminPaths(id string) (gets, posts []string) {
	gets = []string{"/admin", "/admin/users", "/admin/users/" + id, "/admin/users/" + id + "/confirm/disable",
		"/admin/users/" + id + "/confirm/reset", "/admin/users/" + id + "/confirm/delete", "/admin/audit", "/admin/audit.csv"}
	for _, p := range []string{"role", "disable", "enable", "reset", "export", "delete"} {
		posts = append(posts, "/admin/users/"+id+"/"+p)
	}
	return gets, posts
}

func TestAdminPagesRefuseTrainersAndTrainees(t *testing.T) {
	a := newTestApp(t, nil)
	victim := a.register("police")
	tr := a.trainer()
	gets, posts := adminPaths(victim.ID)
	for _, who := range []user{a.register("judiciary"), tr} {
		b := a.signIn(t, who.Email)
		page := b.get("/dashboard")
		for _, p := range gets {
			if r := b.get(p); r.StatusCode != 403 {
				t.Errorf("%s GET %s = %d, want 403", who.Email, p, r.StatusCode)
			}
		}
		for _, p := range posts {
			r := b.post(page, p, url.Values{"role": {"admin"}, "confirm_email": {victim.Email}})
			if r.StatusCode != 403 {
				t.Errorf("%s POST %s = %d, want 403", who.Email, p, r.StatusCode)
			}
		}
		wantStatus(t, who.do("GET", "/api/v1/admin/audit", nil), 403)
	}
	for _, p := range gets {
		if r := a.browser().get(p); r.StatusCode == 200 {
			t.Errorf("anonymous GET %s = 200", p)
		}
	}
	// Nothing changed: the victim is still a trainee who can sign in.
	if me := victim.do("GET", "/api/v1/me", nil); me.StatusCode != 200 || me.JSON(t)["role"] != "trainee" {
		t.Fatalf("the trainee was changed by a refused action: %d %s", me.StatusCode, me.Body)
	}
}

// userPage opens the admin's page of u.
func userPage(t *testing.T, b *browser, id string) resp {
	t.Helper()
	r := b.get("/admin/users/" + id)
	wantStatus(t, r, 200)
	return r
}

func auditCount(t *testing.T, a *testApp, action, object string) int64 {
	t.Helper()
	var n int64
	a.db.R.Model(&models.AuditEvent{}).Where("action = ? AND object = ?", action, object).Count(&n)
	return n
}

func TestAdminUserPagesChangeRoleAndAccess(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	u := a.register("police")
	b := a.signIn(t, ad.Email)

	list := b.get("/admin/users?q=" + url.QueryEscape(strings.ToUpper(u.Email)) + "&profession=police")
	wantStatus(t, list, 200)
	if !strings.Contains(string(list.Body), `href="/admin/users/`+u.ID+`"`) {
		t.Fatalf("the search does not list the user: %s", list.Body)
	}
	if other := b.get("/admin/users?q=" + url.QueryEscape(u.Email) + "&profession=judiciary"); strings.Contains(string(other.Body), `href="/admin/users/`+u.ID+`"`) {
		t.Error("the profession filter lets a police officer through as a judge")
	}
	for _, bad := range []string{"?role=superuser", "?profession=astronaut"} {
		wantStatus(t, b.get("/admin/users"+bad), 400)
	}
	for _, q := range []string{"?page=abc", "?page=-3", "?q=%25_%5C"} {
		wantStatus(t, b.get("/admin/users"+q), 200)
	}
	wantStatus(t, b.get("/admin/users/999999"), 404)
	wantStatus(t, b.get("/admin/users/abc"), 404)
	wantStatus(t, b.get("/admin/users/"+u.ID+"/confirm/explode"), 404)

	page := userPage(t, b, u.ID)
	// CSRF: a form post without the token changes nothing.
	wantStatus(t, b.send("POST", "/admin/users/"+u.ID+"/role", "role=admin"), 403)
	wantStatus(t, b.send("POST", "/admin/users/"+u.ID+"/disable", ""), 403)
	if role := u.do("GET", "/api/v1/me", nil).JSON(t)["role"]; role != "trainee" {
		t.Fatalf("a POST without _csrf changed the role to %v", role)
	}

	// Role change: on the user's very next request.
	r := b.post(page, "/admin/users/"+u.ID+"/role", url.Values{"role": {"trainer"}})
	wantStatus(t, r, 303)
	if role := u.do("GET", "/api/v1/me", nil).JSON(t)["role"]; role != "trainer" {
		t.Errorf("after the change, /me role = %v, want trainer", role)
	}
	wantStatus(t, b.post(page, "/admin/users/"+u.ID+"/role", url.Values{"role": {"emperor"}}), 400)

	// Disable: a confirmation page first, then the post; the next request fails.
	confirm := b.get("/admin/users/" + u.ID + "/confirm/disable")
	wantStatus(t, confirm, 200)
	if !strings.Contains(string(confirm.Body), `action="/admin/users/`+u.ID+`/disable"`) {
		t.Fatal("the confirmation page has no form for the action")
	}
	wantStatus(t, b.post(confirm, "/admin/users/"+u.ID+"/disable", url.Values{}), 303)
	wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 403)
	shown := userPage(t, b, u.ID)
	if !strings.Contains(string(shown.Body), `/admin/users/`+u.ID+`/enable`) {
		t.Error("a disabled account's page offers no way to enable it")
	}
	wantStatus(t, b.post(shown, "/admin/users/"+u.ID+"/enable", url.Values{}), 303)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 200)

	object := "user:" + u.ID
	for action, want := range map[string]int64{"user.update": 3} {
		if n := auditCount(t, a, action, object); n != want {
			t.Errorf("%d %s events for %s, want %d", n, action, object, want)
		}
	}
}

var linkRe = regexp.MustCompile(`value="(https?://[^"]+/set-password/([a-z2-7]+))"`)

func TestAdminResetPasswordLinkWorksOnce(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	u := a.register("police")
	b := a.signIn(t, ad.Email)

	confirm := b.get("/admin/users/" + u.ID + "/confirm/reset")
	wantStatus(t, confirm, 200)
	r := b.post(confirm, "/admin/users/"+u.ID+"/reset", url.Values{})
	wantStatus(t, r, 200)
	m := linkRe.FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatalf("the reset page shows no link: %s", r.Body)
	}
	if !strings.HasPrefix(m[1], a.cfg.BaseURL.String()) {
		t.Errorf("link %q is not on the public address %s", m[1], a.cfg.BaseURL)
	}
	path := "/set-password/" + m[2]
	if again := userPage(t, b, u.ID); strings.Contains(string(again.Body), m[2]) {
		t.Error("the link is shown again on a later visit")
	}
	// The old password and the old sessions stop working.
	wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 401)

	visitor := a.browser()
	form := visitor.get(path)
	wantStatus(t, form, 200)
	if form.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy = %q: the token could leak in a Referer", form.Header.Get("Referrer-Policy"))
	}
	if !strings.Contains(string(form.Body), u.Email) {
		t.Error("the page does not say which account it is for")
	}
	const newPassword = "une phrase toute neuve"
	wantStatus(t, visitor.send("POST", path, url.Values{"password": {newPassword}, "confirm": {newPassword}}.Encode()), 403)
	bad := visitor.post(form, path, url.Values{"password": {newPassword}, "confirm": {"autre chose encore"}})
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), `id="confirm-error"`) {
		t.Error("a mismatch is not reported next to the confirmation field")
	}
	wantStatus(t, visitor.post(form, path, url.Values{"password": {"court"}, "confirm": {"court"}}), 422)
	wantStatus(t, visitor.post(form, path, url.Values{"password": {newPassword}, "confirm": {newPassword}}), 200)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": newPassword}), 200)

	// Used: refused, the same page as an unknown token.
	used := visitor.post(form, path, url.Values{"password": {"encore une autre phrase"}, "confirm": {"encore une autre phrase"}})
	wantStatus(t, used, 404)
	unknown := visitor.get("/set-password/" + strings.Repeat("a", 26))
	wantStatus(t, unknown, 404)
	wantStatus(t, visitor.get(path), 404)
	wantStatus(t, visitor.get("/set-password/..%2f..%2fetc"), 404)
	if strings.Contains(string(used.Body), u.Email) || strings.Contains(string(unknown.Body), "@") && strings.Contains(string(unknown.Body), u.Email) {
		t.Error("an invalid link's page names the account")
	}

	// Expired: a link whose expiry has passed is refused.
	tok, err := a.accounts.PasswordSetToken(context.Background(), adminID(t, u.ID), adminID(t, ad.ID), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, visitor.get("/set-password/"+tok), 200)
	a.db.W.Exec("UPDATE password_tokens SET expires_at = ? WHERE used_at IS NULL", time.Now().UTC().Add(-time.Minute))
	wantStatus(t, visitor.get("/set-password/"+tok), 404)

	for _, action := range []string{"user.password_reset", "user.password_link", "user.password_set"} {
		if auditCount(t, a, action, "user:"+u.ID) == 0 {
			t.Errorf("no %s audit event", action)
		}
	}
}

func adminID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func TestAdminAuditLogFiltersAndCSV(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	u := a.register("police")
	// Enough events for two pages, with Arabic and a formula in them.
	actor := adminID(t, ad.ID)
	for i := 0; i < 60; i++ {
		if err := models.Audit(a.db.W, &actor, "course.update", "course:7", "=HYPERLINK(\"x\") نص"); err != nil {
			t.Fatal(err)
		}
	}
	wantStatus(t, ad.do("PATCH", "/api/v1/admin/users/"+u.ID, map[string]any{"role": "trainer"}), 200)
	b := a.signIn(t, ad.Email)

	page := b.get("/admin/audit")
	wantStatus(t, page, 200)
	if !strings.Contains(string(page.Body), `page=2`) {
		t.Error("62 events show no link to page 2")
	}
	byAction := b.get("/admin/audit?action=user.update")
	wantStatus(t, byAction, 200)
	if !strings.Contains(string(byAction.Body), "user:"+u.ID) || strings.Contains(string(byAction.Body), "course:7</a>") {
		t.Error("the action filter does not keep only user.update")
	}
	for _, q := range []string{"?object=user:" + u.ID, "?object=user", "?actor=" + url.QueryEscape(ad.Email), "?actor=" + ad.ID,
		"?from=" + time.Now().UTC().Format("2006-01-02") + "&to=" + time.Now().UTC().Format("2006-01-02")} {
		r := b.get("/admin/audit" + q)
		wantStatus(t, r, 200)
		if !strings.Contains(string(r.Body), "user:"+u.ID) {
			t.Errorf("filter %s hides the role change", q)
		}
	}
	for _, q := range []string{"?actor=nobody-at-all", "?object=user:999999", "?to=2000-01-01", "?from=2999-01-01"} {
		if r := b.get("/admin/audit" + q); strings.Contains(string(r.Body), "user:"+u.ID+"</a>") {
			t.Errorf("filter %s still shows the role change", q)
		}
	}
	for _, q := range []string{"?from=yesterday", "?to=2026-13-45"} {
		wantStatus(t, b.get("/admin/audit"+q), 400)
	}

	csvResp := b.get("/admin/audit.csv?object=course:7")
	wantStatus(t, csvResp, 200)
	if !strings.HasPrefix(string(csvResp.Body), "\uFEFF") {
		t.Fatal("the audit CSV has no UTF-8 byte-order mark")
	}
	if ct := csvResp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(csvResp.Body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 61 || records[0][0] != "at" {
		t.Fatalf("CSV has %d records (want header + 60): %v", len(records), records[:min(2, len(records))])
	}
	if d := records[1][6]; !strings.HasPrefix(d, "'=") || !strings.Contains(d, "نص") {
		t.Errorf("detail cell %q: a formula must be defused, Arabic kept", d)
	}
	if auditCount(t, a, "audit.export", "audit") != 1 {
		t.Error("the CSV export is not audited")
	}

	api := ad.do("GET", "/api/v1/admin/audit?action=user.update&limit=5", nil)
	wantStatus(t, api, 200)
	var body struct {
		Items []struct {
			ID, ActorID, ActorEmail, Action, Object string
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(api.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Total < 1 || body.Items[0].Object != "user:"+u.ID {
		t.Errorf("API audit: %s", api.Body)
	}
	wantProblem(t, ad.do("GET", "/api/v1/admin/audit?limit=9999", nil), 400, "limit")
	wantProblem(t, ad.do("GET", "/api/v1/admin/audit?from=hier", nil), 400, "from")
}

func TestLastAdminCannotLeave(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin() // the only admin
	b := a.signIn(t, ad.Email)
	page := userPage(t, b, ad.ID)

	wantProblem(t, ad.do("PATCH", "/api/v1/admin/users/"+ad.ID, map[string]any{"role": "trainee"}), 409, "")
	wantProblem(t, ad.do("PATCH", "/api/v1/admin/users/"+ad.ID, map[string]any{"disabled": true}), 409, "")
	r := b.post(page, "/admin/users/"+ad.ID+"/role", url.Values{"role": {"trainer"}})
	wantStatus(t, r, 409)
	if !strings.Contains(string(r.Body), "aucun administrateur") {
		t.Errorf("the refusal is not explained: %s", r.Body)
	}
	wantStatus(t, b.post(page, "/admin/users/"+ad.ID+"/delete", url.Values{"confirm_email": {ad.Email}}), 409)
	if me := ad.do("GET", "/api/v1/me", nil); me.StatusCode != 200 || me.JSON(t)["role"] != "admin" {
		t.Fatalf("the last admin lost their rights: %s", me.Body)
	}

	// With a second admin, stepping down is allowed.
	other := a.admin()
	wantStatus(t, ad.do("PATCH", "/api/v1/admin/users/"+ad.ID, map[string]any{"role": "trainer"}), 200)
	// Now other is the last one.
	wantProblem(t, other.do("PATCH", "/api/v1/admin/users/"+other.ID, map[string]any{"disabled": true}), 409, "")
}

// traineeWithData gives a trainee of a course with a quiz: an enrolment, a
// finished lesson, a graded attempt, a cohort membership and a certificate
// (inserted as rows: those features are built elsewhere).
func traineeWithData(t *testing.T, a *testApp, slug, quizID, name string) (user, string) {
	t.Helper()
	u := enrolled(t, a, slug)
	var lessonID string
	a.db.R.Raw(`SELECT CAST(l.id AS TEXT) FROM lessons l JOIN modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id
		WHERE c.slug = ? ORDER BY m.position, l.position LIMIT 1`, slug).Scan(&lessonID)
	wantStatus(t, u.do("POST", "/api/v1/lessons/"+lessonID+"/complete", nil), 204)
	at := start(t, u, quizID, 201)
	for qid, body := range rightAnswers(t, at) {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
	now := time.Now().UTC()
	uid := adminID(t, u.ID)
	ex := func(sql string, args ...any) {
		t.Helper()
		if err := a.db.W.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	ex(`INSERT INTO cohorts (name, invite_token, created_at, updated_at) VALUES (?, ?, ?, ?)`, "Session "+name, "tok-"+u.ID, now, now)
	var cohortID int64
	a.db.W.Raw(`SELECT id FROM cohorts WHERE invite_token = ?`, "tok-"+u.ID).Scan(&cohortID)
	ex(`INSERT INTO cohort_members (cohort_id, user_id, joined_at, via) VALUES (?, ?, ?, 'list')`, cohortID, uid, now)
	var courseID, statusIndex int64
	a.db.R.Raw(`SELECT id FROM courses WHERE slug = ?`, slug).Scan(&courseID)
	a.db.R.Raw(`SELECT COALESCE(MAX(status_index), 0) + 1 FROM certificates`).Scan(&statusIndex)
	ex(`INSERT INTO certificates (code, course_id, user_id, holder_name, holder_name_ar, course_title, issued_at, status_index, created_at)
		VALUES (?, ?, ?, ?, ?, 'Identifier et orienter', ?, ?, ?)`, "CODE-"+u.ID, courseID, uid, name, "نادية", now, statusIndex, now)
	return u, at.ID
}

func TestAdminExportAndDeleteOneTrainee(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	_, slug, quizID := quizCourse(t, a, nil)
	u, attemptID := traineeWithData(t, a, slug, quizID, "Nadia Export")
	other, otherAttempt := traineeWithData(t, a, slug, quizID, "Omar Autre")
	b := a.signIn(t, ad.Email)
	page := userPage(t, b, u.ID)

	wantStatus(t, b.send("POST", "/admin/users/"+u.ID+"/export", ""), 403) // no _csrf
	r := b.post(page, "/admin/users/"+u.ID+"/export", url.Values{})
	wantStatus(t, r, 200)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	body := string(r.Body)
	for _, leak := range []string{other.Email, "Omar Autre", "CODE-" + other.ID, "$argon2id", "password", "tok-"} {
		if strings.Contains(body, leak) {
			t.Errorf("the export contains %q (another user's data or a secret)", leak)
		}
	}
	var doc struct {
		Format      string            `json:"format"`
		Account     map[string]any    `json:"account"`
		SignIns     []map[string]any  `json:"sign_ins"`
		Enrolments  []map[string]any  `json:"enrolments"`
		Completions []map[string]any  `json:"lesson_completions"`
		Cohorts     []map[string]any  `json:"cohort_memberships"`
		Certs       []map[string]any  `json:"certificates"`
		Attempts    []json.RawMessage `json:"quiz_attempts"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, body)
	}
	if doc.Format != "tadrib-export/1" || doc.Account["email"] != u.Email || len(doc.SignIns) == 0 {
		t.Errorf("account part: %v %v", doc.Format, doc.Account)
	}
	if len(doc.Enrolments) != 1 || doc.Enrolments[0]["course_slug"] != slug || len(doc.Completions) != 1 ||
		len(doc.Cohorts) != 1 || doc.Cohorts[0]["cohort_name"] != "Session Nadia Export" ||
		len(doc.Certs) != 1 || doc.Certs[0]["code"] != "CODE-"+u.ID {
		t.Errorf("parts: enrolments %v, completions %v, cohorts %v, certificates %v", doc.Enrolments, doc.Completions, doc.Cohorts, doc.Certs)
	}
	if len(doc.Attempts) != 1 {
		t.Fatalf("%d attempts exported, want 1", len(doc.Attempts))
	}
	var at struct {
		ID        string           `json:"id"`
		Score     float64          `json:"score"`
		Passed    bool             `json:"passed"`
		Answers   []map[string]any `json:"answers"`
		Questions []map[string]any `json:"questions"`
	}
	json.Unmarshal(doc.Attempts[0], &at)
	if at.ID != attemptID || at.Score != 6 || !at.Passed || len(at.Answers) != 6 || len(at.Questions) != 6 {
		t.Errorf("attempt exported as %s", doc.Attempts[0])
	}
	for _, secret := range []string{"FBK-", "weight", "correct"} {
		if strings.Contains(string(doc.Attempts[0]), secret) {
			t.Errorf("the export reveals the answer key (%q)", secret)
		}
	}
	if auditCount(t, a, "user.export", "user:"+u.ID) != 1 {
		t.Error("the export is not audited")
	}

	// Deletion: a confirmation that needs the email typed.
	confirm := b.get("/admin/users/" + u.ID + "/confirm/delete")
	wantStatus(t, confirm, 200)
	wrong := b.post(confirm, "/admin/users/"+u.ID+"/delete", url.Values{"confirm_email": {other.Email}})
	wantStatus(t, wrong, 422)
	if !strings.Contains(string(wrong.Body), `id="confirm_email-error"`) {
		t.Error("a wrong email is not reported next to the field")
	}
	wantStatus(t, b.send("POST", "/admin/users/"+u.ID+"/delete", url.Values{"confirm_email": {u.Email}}.Encode()), 403)
	wantStatus(t, u.do("GET", "/api/v1/me", nil), 200)
	gone := b.post(confirm, "/admin/users/"+u.ID+"/delete", url.Values{"confirm_email": {" " + strings.ToUpper(u.Email) + " "}})
	wantStatus(t, gone, 303)

	wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	wantStatus(t, a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 401)
	wantStatus(t, b.get("/admin/users/"+u.ID), 404)
	uid := adminID(t, u.ID)
	for _, table := range []string{"users WHERE id = ?", "sessions WHERE user_id = ?", "enrolments WHERE user_id = ?",
		"lesson_completions WHERE user_id = ?", "attempts WHERE user_id = ?", "cohort_members WHERE user_id = ?",
		"password_tokens WHERE user_id = ?"} {
		var n int64
		a.db.R.Raw("SELECT COUNT(*) FROM "+table, uid).Scan(&n)
		if n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	var answers int64
	a.db.R.Raw("SELECT COUNT(*) FROM answers WHERE attempt_id = ?", adminID(t, attemptID)).Scan(&answers)
	if answers != 0 {
		t.Errorf("%d answers of the deleted trainee's attempt left", answers)
	}
	var cert struct {
		UserID     *int64
		HolderName string
	}
	a.db.R.Raw("SELECT user_id, holder_name FROM certificates WHERE code = ?", "CODE-"+u.ID).Scan(&cert)
	if cert.HolderName != "Nadia Export" || cert.UserID != nil {
		t.Errorf("certificate after deletion: %+v, want the holder's name kept and user_id NULL", cert)
	}
	// The other trainee keeps everything.
	if r := other.do("GET", "/api/v1/attempts/"+otherAttempt, nil); r.StatusCode != 200 {
		t.Errorf("the other trainee's attempt: %d", r.StatusCode)
	}
	var events []models.AuditEvent
	a.db.R.Where("action = ? AND object = ?", "user.delete", "user:"+u.ID).Find(&events)
	if len(events) != 1 || !strings.Contains(events[0].Detail, "certificates kept: 1") || strings.Contains(events[0].Detail, u.Email) {
		t.Errorf("deletion audit: %+v", events)
	}
}

// TestE2EAdminPages shows the admin pages on a phone in French and Arabic:
// the user list, a user's page with a reset link, the confirmation before a
// deletion and the audit log. It checks they fit 360 px and keeps screenshots.
func TestE2EAdminPages(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	ad := a.admin()
	var target user
	for i, p := range []struct{ name, nameAr, profession string }{
		{"Nadia Benali", "نادية بنعلي", "police"}, {"Youssef El Amrani", "يوسف العمراني", "judiciary"},
		{"Salma Idrissi", "", "labour_inspector"}, {"Karim Tazi", "كريم التازي", "child_protection"}} {
		u := a.register(p.profession)
		wantStatus(t, u.do("PATCH", "/api/v1/me", map[string]any{"name": p.name, "name_ar": p.nameAr}), 200)
		if i == 0 {
			target = u
		}
	}
	wantStatus(t, ad.do("PATCH", "/api/v1/admin/users/"+target.ID, map[string]any{"role": "trainer"}), 200)
	wantStatus(t, ad.do("PATCH", "/api/v1/admin/users/"+target.ID, map[string]any{"disabled": true}), 200)
	wantStatus(t, ad.do("PATCH", "/api/v1/admin/users/"+target.ID, map[string]any{"disabled": false}), 200)

	base := a.serve(t)
	b := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	s.open("/login?next=/admin/users")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), ad.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	for _, lang := range []string{"fr", "ar"} {
		s.open("/admin/users?lang=" + lang)
		s.wantDocument(lang, map[string]string{"fr": "ltr", "ar": "rtl"}[lang])
		s.wantNoHorizontalScroll("users (" + lang + ")")
		s.shotFromTop("admin-01-users-" + lang)

		s.open("/admin/users/" + target.ID + "/confirm/reset")
		s.click(`form[action$="/reset"] button[type="submit"]`)
		link := eval[string](s, `document.querySelector("#link").value`)
		if !strings.Contains(link, "/set-password/") {
			t.Fatalf("the reset shows no link: %q", link)
		}
		s.wantNoHorizontalScroll("user page (" + lang + ")")
		s.shot("admin-02-user-" + lang)

		s.open(link[strings.Index(link, "/set-password/"):])
		s.wantNoHorizontalScroll("set-password page (" + lang + ")")
		s.shotFromTop("admin-05-set-password-" + lang)

		s.open("/admin/users/" + target.ID + "/confirm/delete")
		s.wantNoHorizontalScroll("delete confirmation (" + lang + ")")
		s.shotFromTop("admin-03-delete-" + lang)

		s.open("/admin/audit")
		s.wantNoHorizontalScroll("audit (" + lang + ")")
		s.shot("admin-04-audit-" + lang)
	}
}

// TestAdminsDemotingEachOtherAtOnce: two admins, each demoting the other at
// the same moment, must not both succeed and leave nobody to manage accounts.
func TestAdminsDemotingEachOtherAtOnce(t *testing.T) {
	a := newTestApp(t, nil)
	x, y := a.admin(), a.admin()
	for round := 0; round < 5; round++ {
		codes := make(chan int, 2)
		for _, pair := range [][2]user{{x, y}, {y, x}} {
			go func() {
				codes <- pair[0].do("PATCH", "/api/v1/admin/users/"+pair[1].ID, map[string]any{"role": "trainee"}).StatusCode
			}()
		}
		c1, c2 := <-codes, <-codes
		var admins int64
		a.db.R.Model(&models.User{}).Where("role = ? AND disabled = ?", "admin", false).Count(&admins)
		if admins != 1 || (c1 == 200) == (c2 == 200) {
			t.Fatalf("round %d: answers %d and %d, %d admins left; want one success and one admin", round, c1, c2, admins)
		}
		for _, code := range []int{c1, c2} {
			if code != 200 && code != 409 && code != 403 {
				t.Fatalf("round %d: answer %d", round, code)
			}
		}
		// The one still admin promotes the other back for the next round.
		for _, p := range [][2]user{{x, y}, {y, x}} {
			if r := p[0].do("PATCH", "/api/v1/admin/users/"+p[1].ID, map[string]any{"role": "admin"}); r.StatusCode == 200 {
				break
			}
		}
	}
}

func TestSetPasswordPageIsRateLimited(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_RATE_AUTH": "3"})
	b := a.browser()
	for i := 0; i < 3; i++ {
		wantStatus(t, b.get("/set-password/"+strings.Repeat("b", 26)), 404)
	}
	wantStatus(t, b.get("/set-password/"+strings.Repeat("b", 26)), 429)
}

func TestAdminAuditBadInputIsNeverA500(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	b := a.signIn(t, ad.Email)
	cases := map[string]int{
		"?actor=%00":    400,
		"?object=a%0Db": 400,
		"?action=" + url.QueryEscape("'; DROP TABLE users;--"): 200,
		"?object=" + url.QueryEscape("%_\\"):                   200,
		"?actor=" + url.QueryEscape("%"):                       200,
		"?actor=99999999999999999999999":                       200,
		"?page=99999":                                          200,
		"?from=2026-02-30":                                     400,
		"?to=" + strings.Repeat("9", 300):                      400,
	}
	for q, want := range cases {
		if r := b.get("/admin/audit" + q); r.StatusCode != want {
			t.Errorf("/admin/audit%s = %d, want %d", q, r.StatusCode, want)
		}
	}
	wantStatus(t, b.get("/admin/audit.csv?from=bad"), 400)
	wantProblem(t, ad.do("GET", "/api/v1/admin/audit?actor=%00", nil), 400, "actor")
	if me := ad.do("GET", "/api/v1/me", nil); me.StatusCode != 200 {
		t.Fatal("the users table went missing")
	}
}

// TestSetPasswordTokenStaysOutOfTheAccessLog: the log keeps paths; a live
// token in it would open the account to whoever reads the logs.
func TestSetPasswordTokenStaysOutOfTheAccessLog(t *testing.T) {
	var logs bytes.Buffer
	a := newLoggedTestApp(t, nil, &logs)
	u := a.register("police")
	tok, err := a.accounts.PasswordSetToken(context.Background(), adminID(t, u.ID), 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := a.browser()
	form := b.get("/set-password/" + tok + "?lang=ar")
	wantStatus(t, form, 200)
	// Language links are query-only references: the browser keeps the
	// page's path, token included, without the page writing it.
	if !strings.Contains(string(form.Body), `href="?lang=fr"`) {
		t.Error("the language links do not keep the page's path")
	}
	wantStatus(t, b.post(form, "/set-password/"+tok, url.Values{"password": {"une phrase toute neuve"}, "confirm": {"une phrase toute neuve"}}), 200)
	if strings.Contains(logs.String(), tok) {
		t.Fatalf("the token is in the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"path":"/set-password/-"`) {
		t.Errorf("no access log line for the page:\n%s", logs.String())
	}
}
