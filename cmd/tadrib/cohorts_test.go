package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tadrib/internal/accounts"
	"tadrib/models"
)

const cohortCourse = "traite-identifier-orienter-poursuivre"

// newCohort creates a cohort of the seed course as u and returns its JSON.
func createCohort(t *testing.T, u user, name string) map[string]any {
	t.Helper()
	r := u.do("POST", "/api/v1/cohorts", map[string]any{"name": name, "starts_on": "2026-12-01", "ends_on": "2026-12-05",
		"place": "Rabat", "course_slugs": []string{cohortCourse}})
	wantStatus(t, r, 201)
	return r.JSON(t)
}

func cohortCount(t *testing.T, a *testApp, table string) int64 {
	t.Helper()
	var n int64
	if err := a.db.R.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func cohortEnrolled(t *testing.T, a *testApp, email, slug string) bool {
	t.Helper()
	var n int64
	err := a.db.R.Table("enrolments e").Joins("JOIN users u ON u.id = e.user_id").Joins("JOIN courses c ON c.id = e.course_id").
		Where("u.email = ? AND c.slug = ?", email, slug).Count(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

var cohortTokenRE = regexp.MustCompile(`/join/([a-z2-7]{26})$`)

func TestCohortCreateListAndAuthorization(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_BASE_URL": "https://tadrib.example"})
	ta, tb, trainee, admin := a.trainer(), a.trainer(), a.register("police"), a.admin()

	co := createCohort(t, ta, "Traite — Rabat")
	for k, want := range map[string]any{"name": "Traite — Rabat", "starts_on": "2026-12-01", "ends_on": "2026-12-05", "place": "Rabat", "member_count": 0.0} {
		if co[k] != want {
			t.Errorf("%s = %v, want %v", k, co[k], want)
		}
	}
	if cs, _ := co["courses"].([]any); len(cs) != 1 || cs[0].(map[string]any)["slug"] != cohortCourse || cs[0].(map[string]any)["title"] == "" {
		t.Errorf("courses = %v", co["courses"])
	}
	invite, _ := co["invite_url"].(string)
	if !strings.HasPrefix(invite, "https://tadrib.example/join/") || !cohortTokenRE.MatchString(invite) {
		t.Errorf("invite_url = %q: want TADRIB_BASE_URL/join/ and 130 random bits", invite)
	}
	if co2 := createCohort(t, ta, "Autre"); co2["invite_url"] == invite {
		t.Error("two cohorts share an invitation token")
	}
	id := co["id"].(string)

	// A draft of trainer B cannot be put in trainer A's cohort.
	wantStatus(t, tb.do("POST", "/api/v1/courses", map[string]any{"slug": "brouillon-b", "title": "B", "audiences": []string{"police"}}), 201)

	bad := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no name", map[string]any{"starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{cohortCourse}}, "name"},
		{"blank name", map[string]any{"name": "  ", "starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{cohortCourse}}, "name"},
		{"bad date", map[string]any{"name": "x", "starts_on": "01/12/2026", "ends_on": "2026-12-02", "course_slugs": []string{cohortCourse}}, "starts_on"},
		{"impossible date", map[string]any{"name": "x", "starts_on": "2026-02-30", "ends_on": "2026-12-02", "course_slugs": []string{cohortCourse}}, "starts_on"},
		{"ends before", map[string]any{"name": "x", "starts_on": "2026-12-05", "ends_on": "2026-12-01", "course_slugs": []string{cohortCourse}}, "ends_on"},
		{"no course", map[string]any{"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{}}, "course_slugs"},
		{"unknown course", map[string]any{"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{"nope"}}, "course_slugs"},
		{"others' draft", map[string]any{"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{"brouillon-b"}}, "course_slugs"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, ta.do("POST", "/api/v1/cohorts", c.body), 400, c.field)
		})
	}
	// Trainer B may use their own draft.
	wantStatus(t, tb.do("POST", "/api/v1/cohorts", map[string]any{"name": "B", "starts_on": "2026-12-01", "ends_on": "2026-12-01", "course_slugs": []string{"brouillon-b"}}), 201)

	names := func(u user) []string {
		r := u.do("GET", "/api/v1/cohorts", nil)
		wantStatus(t, r, 200)
		var out []string
		for _, it := range r.JSON(t)["items"].([]any) {
			out = append(out, it.(map[string]any)["name"].(string))
		}
		return out
	}
	if got := names(ta); len(got) != 2 {
		t.Errorf("trainer A sees %v, want their 2 cohorts", got)
	}
	if got := names(tb); len(got) != 1 || got[0] != "B" {
		t.Errorf("trainer B sees %v, want only B", got)
	}
	if got := names(admin); len(got) != 3 {
		t.Errorf("admin sees %v, want all 3", got)
	}

	// Another trainer's cohort does not exist for them; trainees are refused.
	members := map[string]any{"members": []map[string]any{{"name": "X", "email": "x@example.org", "profession": "police"}}}
	for _, r := range []resp{
		tb.do("GET", "/api/v1/cohorts/"+id, nil),
		tb.do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"name": "pris"}),
		tb.do("POST", "/api/v1/cohorts/"+id+"/members", members),
		tb.do("POST", "/api/v1/cohorts/"+id+"/members", "name,email,profession\r\n", "Content-Type", "text/csv"),
		tb.do("GET", "/api/v1/cohorts/"+id+"/members", nil),
		ta.do("GET", "/api/v1/cohorts/999999", nil),
		ta.do("GET", "/api/v1/cohorts/abc", nil),
	} {
		wantProblem(t, r, 404, "")
	}
	for _, r := range []resp{
		trainee.do("GET", "/api/v1/cohorts", nil),
		trainee.do("POST", "/api/v1/cohorts", map[string]any{"name": "x"}),
		trainee.do("GET", "/api/v1/cohorts/"+id, nil),
		trainee.do("POST", "/api/v1/cohorts/"+id+"/members", members),
	} {
		wantProblem(t, r, 403, "")
	}
	wantStatus(t, a.do("GET", "/api/v1/cohorts", nil), 401)
	if cohortCount(t, a, "cohort_members") != 0 {
		t.Error("a refused request added members")
	}

	r := admin.do("GET", "/api/v1/cohorts/"+id, nil)
	wantStatus(t, r, 200)
	r = ta.do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"name": "Traite — Rabat (2)", "ends_on": "2026-12-06"})
	wantStatus(t, r, 200)
	if m := r.JSON(t); m["name"] != "Traite — Rabat (2)" || m["ends_on"] != "2026-12-06" || m["starts_on"] != "2026-12-01" || m["invite_url"] != invite {
		t.Errorf("after PATCH: %v", m)
	}
	wantProblem(t, ta.do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"ends_on": "2026-11-01"}), 400, "ends_on")
	wantProblem(t, ta.do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"name": " "}), 400, "name")
	wantProblem(t, ta.do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"course_slugs": []string{"nope"}}), 400, "course_slugs")
	var ev int64
	a.db.R.Model(&models.AuditEvent{}).Where("action IN ? AND object = ?", []string{"cohort.create", "cohort.update"}, "cohort:"+id).Count(&ev)
	if ev != 2 {
		t.Errorf("%d audit events for the cohort, want create and update", ev)
	}
}

// TestCohortImportCSV imports as an admin, whose list matches existing
// accounts and enrols at once (a trainer's list invites: security_m4_test.go).
func TestCohortImportCSV(t *testing.T) {
	a := newTestApp(t, nil)
	ta := a.admin()
	existing := a.register("judiciary")
	other := a.trainer() // a trainer listed as a trainee keeps their role
	co := createCohort(t, ta, "Session")
	id := co["id"].(string)

	injection := `=cmd|' /C calc'!A0`
	csv := "\ufeffname;name_ar;email;profession;organization\r\n" +
		"Karim Benali;كريم بن علي;Karim.Benali@Example.org;police;\"DGSN; Rabat, centre\"\r\n" +
		"\"Amina \"\"Mina\"\" Tazi\";أمينة التازي;amina@example.org;Labour Inspector;Inspection, Casablanca\r\n" +
		"Existing;;" + strings.ToUpper(existing.Email) + ";judiciary;\r\n" +
		"Trainer;;" + other.Email + ";police;\r\n" +
		"Bad Email;;not-an-email;police;\r\n" +
		"Bad Profession;;bp@example.org;astronaut;\r\n" +
		";;noname@example.org;police;\r\n" +
		"Again;;karim.benali@example.org;police;\r\n" +
		injection + ";;inj@example.org;other;\"@SUM(1+1)\"\r\n" +
		";;;;\r\n"
	r := ta.do("POST", "/api/v1/cohorts/"+id+"/members", []byte(csv), "Content-Type", "text/csv; charset=utf-8")
	wantStatus(t, r, 200)
	m := r.JSON(t)
	if m["created"] != 3.0 || m["matched"] != 2.0 {
		t.Errorf("created %v matched %v, want 3 and 2: %s", m["created"], m["matched"], r.Body)
	}
	want := map[float64]string{6: "invalid_email", 7: "unknown_profession", 8: "name_missing", 9: "duplicate_email"}
	rej := m["rejected"].([]any)
	if len(rej) != len(want) {
		t.Errorf("rejected = %v", rej)
	}
	for _, x := range rej {
		x := x.(map[string]any)
		if want[x["row"].(float64)] != x["reason"] || x["message"] == "" {
			t.Errorf("rejected row %v: %v, want %q", x["row"], x["reason"], want[x["row"].(float64)])
		}
	}
	rows := m["rows"].([]any)
	if len(rows) != 9 {
		t.Fatalf("%d rows in the report, want 9", len(rows))
	}
	// Each created account comes with its one-time set-password link, which
	// opens the page where that person chooses a password.
	links := 0
	for _, x := range rows {
		x := x.(map[string]any)
		link, _ := x["set_password_url"].(string)
		switch {
		case x["status"] == "created" && !strings.HasPrefix(link, "http://localhost:8080/set-password/"):
			t.Errorf("row %v: set_password_url = %q", x["row"], link)
		case x["status"] != "created" && link != "":
			t.Errorf("row %v (%v) has a set-password link", x["row"], x["status"])
		case link != "":
			links++
			if links == 1 {
				wantStatus(t, a.do("GET", strings.TrimPrefix(link, "http://localhost:8080"), nil, "Accept", "text/html"), 200)
			}
		}
	}
	status := map[string]string{}
	for _, x := range rows {
		x := x.(map[string]any)
		if _, seen := status[x["email"].(string)]; !seen {
			status[x["email"].(string)] = x["status"].(string)
		}
	}
	for email, s := range map[string]string{"karim.benali@example.org": "created", "amina@example.org": "created",
		existing.Email: "matched", other.Email: "matched", "inj@example.org": "created"} {
		if status[email] != s {
			t.Errorf("%s: %q, want %q", email, status[email], s)
		}
	}

	var karim, amina, inj, tr models.User
	a.db.R.Take(&karim, "email = ?", "karim.benali@example.org")
	a.db.R.Take(&amina, "email = ?", "amina@example.org")
	a.db.R.Take(&inj, "email = ?", "inj@example.org")
	a.db.R.Take(&tr, "email = ?", other.Email)
	if karim.NameAr != "كريم بن علي" || karim.Organization != "DGSN; Rabat, centre" || karim.Role != "trainee" || karim.Profession != "police" {
		t.Errorf("karim = %+v", karim)
	}
	if amina.Name != `Amina "Mina" Tazi` || amina.Profession != "labour_inspector" || amina.Organization != "Inspection, Casablanca" {
		t.Errorf("amina = %+v", amina)
	}
	if inj.Name != injection || inj.Organization != "@SUM(1+1)" {
		t.Errorf("a formula-looking name was changed: %q %q", inj.Name, inj.Organization)
	}
	if tr.Role != "trainer" {
		t.Errorf("a trainer listed in a cohort became %q", tr.Role)
	}
	if karim.PasswordHash != "" {
		t.Error("an imported account has a usable password")
	}
	for _, e := range []string{"karim.benali@example.org", "amina@example.org", existing.Email, other.Email, "inj@example.org"} {
		if !cohortEnrolled(t, a, e, cohortCourse) {
			t.Errorf("%s is not enrolled in the cohort's course", e)
		}
	}
	if cohortEnrolled(t, a, "bp@example.org", cohortCourse) || cohortCount(t, a, "cohort_members") != 5 {
		t.Errorf("%d members, want 5", cohortCount(t, a, "cohort_members"))
	}
	// The matched trainee sees the course on their dashboard.
	pr := existing.do("GET", "/api/v1/me/progress", nil)
	if !strings.Contains(string(pr.Body), cohortCourse) {
		t.Errorf("matched trainee's progress lacks the course: %s", pr.Body)
	}
	// The members list gives names back as text, unchanged; the page escapes them.
	ml := ta.do("GET", "/api/v1/cohorts/"+id+"/members", nil)
	if !strings.Contains(string(ml.Body), `"name":"=cmd|' /C calc'!A0"`) && !strings.Contains(string(ml.Body), `=cmd|`) {
		t.Errorf("members list: %s", ml.Body)
	}
	var ev models.AuditEvent
	if err := a.db.R.Where("action = ? AND object = ?", "cohort.members_import", "cohort:"+id).Take(&ev).Error; err != nil || ev.Detail != "created=3 matched=2 rejected=4" {
		t.Errorf("import audit: %+v %v", ev, err)
	}

	// Importing the same list again matches everyone and creates nobody.
	r = ta.do("POST", "/api/v1/cohorts/"+id+"/members", []byte(csv), "Content-Type", "text/csv")
	if m := r.JSON(t); m["created"] != 0.0 || m["matched"] != 5.0 {
		t.Errorf("second import: %s", r.Body)
	}

	// JSON works too; row is the 1-based position.
	r = ta.do("POST", "/api/v1/cohorts/"+id+"/members", map[string]any{"members": []map[string]any{
		{"name": "Youssef", "email": "youssef@example.org", "profession": "Protection de l’enfance"},
		{"name": "Nope", "email": "nope", "profession": "police"},
	}})
	wantStatus(t, r, 200)
	if m := r.JSON(t); m["created"] != 1.0 || len(m["rejected"].([]any)) != 1 || m["rejected"].([]any)[0].(map[string]any)["row"] != 2.0 {
		t.Errorf("JSON import: %s", r.Body)
	}
	var youssef models.User
	if a.db.R.Take(&youssef, "email = ?", "youssef@example.org"); youssef.Profession != "child_protection" {
		t.Errorf("a profession written as its French label became %q", youssef.Profession)
	}
	// Arabic labels, in an Arabic session.
	r = ta.do("POST", "/api/v1/cohorts/"+id+"/members?lang=ar", map[string]any{"members": []map[string]any{
		{"name": "Hind", "email": "hind@example.org", "profession": "الشرطة"}}})
	if m := r.JSON(t); m["created"] != 1.0 {
		t.Errorf("Arabic profession label: %s", r.Body)
	}
	wantProblem(t, ta.do("POST", "/api/v1/cohorts/"+id+"/members", map[string]any{"members": []any{}}), 400, "members")
	wantStatus(t, ta.do("POST", "/api/v1/cohorts/"+id+"/members", []byte("x"), "Content-Type", "application/xml"), 415)
}

func TestCohortImportMalformedChangesNothing(t *testing.T) {
	a := newTestApp(t, nil)
	ta := a.trainer()
	id := createCohort(t, ta, "Session")["id"].(string)
	head := "name,name_ar,email,profession,organization\n"
	good := "Ok Person,,ok@example.org,police,\n"
	var many strings.Builder
	many.WriteString(head)
	for i := 0; i < 2001; i++ {
		fmt.Fprintf(&many, "P%d,,p%d@example.org,police,\n", i, i)
	}
	cases := []struct {
		name string
		body string
		line float64 // 0: no line expected
	}{
		{"bad header", "nom,email,profession\n" + good, 1},
		{"missing column", "name,email\n" + good, 1},
		{"wrong column count", head + good + "Short,,s@example.org\n", 3},
		{"not UTF-8", head + good + "Jos\xe9,,jose@example.org,police,\n", 3},
		{"unclosed quote", head + good + "\"Open,,o@example.org,police,\n", 3},
		{"header only", head, 0},
		{"empty", "", 0},
		{"too many rows", many.String(), 2002},
		{"too large", head + strings.Repeat("x", 1<<20), 0},
	}
	users, members := cohortCount(t, a, "users"), cohortCount(t, a, "cohort_members")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := ta.do("POST", "/api/v1/cohorts/"+id+"/members", []byte(c.body), "Content-Type", "text/csv")
			m := wantProblem(t, r, 400, "")
			if c.line > 0 {
				errs, _ := m["errors"].([]any)
				if len(errs) == 0 || errs[0].(map[string]any)["line"] != c.line || errs[0].(map[string]any)["message"] == "" {
					t.Errorf("want line %v named: %s", c.line, r.Body)
				}
			}
		})
	}
	if cohortCount(t, a, "users") != users || cohortCount(t, a, "cohort_members") != members {
		t.Error("a refused file changed accounts or members")
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// cohortAccount creates an account with role without registration (which
// may be closed) and signs it in through the API.
func cohortAccount(t *testing.T, a *testApp, role string) user {
	t.Helper()
	email := role + next() + "@example.org"
	acc := accounts.NewService(a.db)
	u, err := acc.Create(context.Background(), accounts.NewUser{Email: email, Password: testPassword, Name: "Test " + role,
		Profession: "police", Locale: "fr"}, role)
	if err != nil {
		t.Fatal(err)
	}
	r := a.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": testPassword})
	wantStatus(t, r, 200)
	return user{ID: jsonID(u.ID), Email: email, Token: r.JSON(t)["token"].(string), a: a}
}

// login signs a browser in through the form.
func (b *browser) cohortLogin(email string) {
	b.a.t.Helper()
	page := b.get("/login")
	if r := b.post(page, "/login", url.Values{"email": {email}, "password": {testPassword}}); r.StatusCode != 303 {
		b.a.t.Fatalf("login %s: %d", email, r.StatusCode)
	}
}

func TestCohortJoinByInvitation(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_REGISTRATION": "closed"})
	ta := cohortAccount(t, a, models.RoleTrainer)
	trainee := cohortAccount(t, a, models.RoleTrainee)
	co := createCohort(t, ta, "Session")
	id := co["id"].(string)
	token := cohortTokenRE.FindStringSubmatch(co["invite_url"].(string))[1]

	wantStatus(t, a.do("POST", "/api/v1/cohorts/join/"+token, nil), 401)
	wantProblem(t, trainee.do("POST", "/api/v1/cohorts/join/"+strings.Repeat("a", 26), nil), 404, "")
	r := trainee.do("POST", "/api/v1/cohorts/join/"+strings.ToUpper(token), nil)
	wantStatus(t, r, 200)
	if m := r.JSON(t); m["joined"] != true || m["cohort"].(map[string]any)["id"] != id || m["cohort"].(map[string]any)["member_count"] != 1.0 {
		t.Errorf("join: %s", r.Body)
	}
	if !cohortEnrolled(t, a, trainee.Email, cohortCourse) {
		t.Error("joining did not enrol")
	}
	if m := trainee.do("POST", "/api/v1/cohorts/join/"+token, nil).JSON(t); m["joined"] != false {
		t.Errorf("joining twice: %v", m)
	}

	// A visitor registers through the invitation although registration is closed.
	b := a.browser()
	wantStatus(t, b.get("/register"), 200)
	page := b.get("/join/" + token)
	wantStatus(t, page, 200)
	if !strings.Contains(string(page.Body), "Session") || !strings.Contains(string(page.Body), `name="password"`) {
		t.Fatalf("join page lacks the cohort or the form: %s", page.Body)
	}
	form := url.Values{"name": {"Nadia Alaoui"}, "name_ar": {"نادية العلوي"}, "email": {"nadia@example.org"},
		"password": {testPassword}, "profession": {"police"}, "locale": {"ar"}}
	wantStatus(t, b.send("POST", "/join/"+token, form.Encode()), 403) // no CSRF token
	bad := b.post(page, "/join/"+token, url.Values{"name": {""}, "email": {"x"}, "password": {"court"}, "profession": {"police"}})
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), `id="email-error"`) {
		t.Error("the form does not show the email error next to the field")
	}
	ok := b.post(page, "/join/"+token, form)
	wantStatus(t, ok, 303)
	if ok.Header.Get("Location") != "/dashboard?joined=1" {
		t.Errorf("redirect to %q", ok.Header.Get("Location"))
	}
	var nadia models.User
	a.db.R.Take(&nadia, "email = ?", "nadia@example.org")
	if nadia.Role != "trainee" || nadia.NameAr != "نادية العلوي" || nadia.Locale != "ar" {
		t.Errorf("new account: %+v", nadia)
	}
	if !cohortEnrolled(t, a, "nadia@example.org", cohortCourse) {
		t.Error("the new account is not enrolled")
	}
	if dash := b.get("/dashboard"); dash.StatusCode != 200 {
		t.Errorf("the new account is not signed in: %d", dash.StatusCode)
	}
	if p := b.get("/join/" + token); !strings.Contains(string(p.Body), "/dashboard") || strings.Contains(string(p.Body), `name="password"`) {
		t.Error("a member sees the form again")
	}
	// The same address again, from another browser: sent to sign in.
	b2 := a.browser()
	p2 := b2.get("/join/" + token)
	taken := b2.post(p2, "/join/"+token, form)
	wantStatus(t, taken, 409)
	if !strings.Contains(string(taken.Body), "/login?next=/join/"+token) {
		t.Error("a taken address is not offered sign-in")
	}

	// The trainer replaces the link: the old one stops working.
	tbr := a.browser()
	tbr.cohortLogin(ta.Email)
	confirm := tbr.get("/author/cohorts/" + id + "/invite")
	wantStatus(t, confirm, 200)
	wantStatus(t, tbr.post(confirm, "/author/cohorts/"+id+"/invite", url.Values{}), 303)
	wantStatus(t, a.do("GET", "/join/"+token, nil, "Accept", "text/html"), 404)
	wantProblem(t, trainee.do("POST", "/api/v1/cohorts/join/"+token, nil), 404, "")
	fresh := ta.do("GET", "/api/v1/cohorts/"+id, nil).JSON(t)["invite_url"].(string)
	if strings.HasSuffix(fresh, token) {
		t.Fatal("the token did not change")
	}
	// Someone with an account signs in from the invitation and comes back
	// to press Join.
	late := cohortAccount(t, a, models.RoleTrainee)
	lb := a.browser()
	login := lb.get("/login?next=/join/" + cohortTokenRE.FindStringSubmatch(fresh)[1])
	back := lb.post(login, "/login", url.Values{"email": {late.Email}, "password": {testPassword}, "next": {"/join/" + cohortTokenRE.FindStringSubmatch(fresh)[1]}})
	wantStatus(t, back, 303)
	joinPage := lb.get(back.Header.Get("Location"))
	wantStatus(t, joinPage, 200)
	wantStatus(t, lb.send("POST", back.Header.Get("Location"), ""), 403) // no CSRF token
	wantStatus(t, lb.post(joinPage, back.Header.Get("Location"), url.Values{}), 303)
	if !cohortEnrolled(t, a, late.Email, cohortCourse) {
		t.Error("joining from the page did not enrol")
	}
	late = cohortAccount(t, a, models.RoleTrainee)
	wantStatus(t, late.do("POST", "/api/v1/cohorts/join/"+cohortTokenRE.FindStringSubmatch(fresh)[1], nil), 200)
}

func TestCohortPages(t *testing.T) {
	a := newTestApp(t, nil)
	ta := a.trainer()
	b := a.browser()
	b.cohortLogin(ta.Email)

	empty := b.get("/author/cohorts")
	wantStatus(t, empty, 200)
	if !strings.Contains(string(empty.Body), `class="empty"`) || !strings.Contains(string(empty.Body), `href="#new"`) {
		t.Error("no empty state with a call to action")
	}
	bad := b.post(empty, "/author/cohorts", url.Values{"name": {""}, "starts_on": {"2026-12-05"}, "ends_on": {"2026-12-01"}})
	wantStatus(t, bad, 422)
	for _, f := range []string{"name-error", "ends_on-error", "course_slugs-error"} {
		if !strings.Contains(string(bad.Body), `id="`+f+`"`) {
			t.Errorf("the form does not show %s", f)
		}
	}
	made := b.post(empty, "/author/cohorts", url.Values{"name": {"Session de Fès"}, "starts_on": {"2026-12-01"},
		"ends_on": {"2026-12-03"}, "place": {"Fès"}, "course_slugs": {cohortCourse}})
	wantStatus(t, made, 303)
	loc := made.Header.Get("Location")
	page := b.get(loc)
	wantStatus(t, page, 200)
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/author/cohorts/"), "?created=1")
	if !strings.Contains(string(page.Body), "/join/") || !strings.Contains(string(page.Body), `name="csv"`) {
		t.Error("the cohort page lacks the invite link or the import form")
	}

	// Paste a list.
	csv := "name,name_ar,email,profession,organization\nSara,سارة,sara@example.org,police,\n\"=HYPERLINK(\"\"http://evil\"\")\",,h@example.org,police,\nBad,,bad,police,\n"
	rep := b.post(page, "/author/cohorts/"+id+"/members", url.Values{"csv": {csv}})
	wantStatus(t, rep, 200)
	body := string(rep.Body)
	for _, want := range []string{`id="report"`, "sara@example.org", "=HYPERLINK(&#34;http://evil&#34;)", "adresse e-mail invalide", "/invite/"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(body, `=HYPERLINK("http://evil")`) {
		t.Error("a name went into the page unescaped")
	}
	// A malformed paste shows its lines and adds nobody.
	n := cohortCount(t, a, "cohort_members")
	mal := b.post(page, "/author/cohorts/"+id+"/members", url.Values{"csv": {"name,email,profession\nA,a@example.org\n"}})
	wantStatus(t, mal, 422)
	if !strings.Contains(string(mal.Body), "Ligne 2") || cohortCount(t, a, "cohort_members") != n {
		t.Error("a malformed paste: no line shown, or members changed")
	}
	// Upload a file (multipart), semicolon-separated with a BOM.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", metaCSRF(t, page))
	fw, _ := mw.CreateFormFile("file", "liste.csv")
	fw.Write([]byte("\ufeffname;email;profession\r\nOmar;omar@example.org;other\r\n"))
	mw.Close()
	var cookie []string
	for k, v := range b.cookies {
		cookie = append(cookie, k+"="+v)
	}
	up := a.do("POST", "/author/cohorts/"+id+"/members", buf.Bytes(), "Content-Type", mw.FormDataContentType(),
		"Accept", "text/html", "Cookie", strings.Join(cookie, "; "))
	wantStatus(t, up, 200)
	if inviteLinks(up)["omar@example.org"] == "" {
		t.Error("the uploaded file did not invite Omar")
	}
	if cohortEnrolled(t, a, "omar@example.org", cohortCourse) {
		t.Error("Omar is enrolled before accepting")
	}
	// Sara accepts by choosing her password.
	acceptInviteWithPassword(t, a, inviteLinks(rep)["sara@example.org"])

	// Members table and removal with confirmation.
	page = b.get("/author/cohorts/" + id)
	if !strings.Contains(string(page.Body), "omar@example.org") || !strings.Contains(string(page.Body), "Invitation en attente") {
		t.Error("the page does not show Omar's pending invitation")
	}
	var sara models.User
	a.db.R.Take(&sara, "email = ?", "sara@example.org")
	rm := fmt.Sprintf("/author/cohorts/%s/members/%d/remove", id, sara.ID)
	// "0 %" with a narrow no-break space: internal/format's French.
	if !strings.Contains(string(page.Body), rm) || !strings.Contains(string(page.Body), "0\u202f%") {
		t.Errorf("members table lacks the remove link or progress")
	}
	confirm := b.get(rm)
	wantStatus(t, confirm, 200)
	wantStatus(t, b.post(confirm, rm, url.Values{}), 303)
	if ok, _ := a.cohorts.IsMember(context.Background(), sara.ID, mustInt(t, id)); ok {
		t.Error("Sara is still a member")
	}
	if !cohortEnrolled(t, a, "sara@example.org", cohortCourse) {
		t.Error("removal from the cohort dropped the course enrolment")
	}

	// Arabic, and other people's access.
	ar := b.get("/author/cohorts/" + id + "?lang=ar")
	if !strings.Contains(string(ar.Body), `dir="rtl"`) || !strings.Contains(string(ar.Body), "رابط الدعوة") {
		t.Error("the Arabic page is not right-to-left or not translated")
	}
	other := a.browser()
	other.cohortLogin(a.trainer().Email)
	wantStatus(t, other.get("/author/cohorts/"+id), 404)
	wantStatus(t, other.get(rm), 404)
	tr := a.browser()
	tr.cohortLogin(a.register("police").Email)
	wantStatus(t, tr.get("/author/cohorts"), 403)
}

// TestE2ECohortPages walks a trainer through the cohort pages at phone width
// in French and Arabic, then a visitor through an invitation, saving
// screenshots (TADRIB_E2E=1 TADRIB_SCREENSHOTS=dir).
func TestE2ECohortPages(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, map[string]string{"TADRIB_REGISTRATION": "closed"})
	tr := cohortAccount(t, a, models.RoleTrainer)
	base := a.serve(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*e2eTimeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(t, chrome)...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(e2eWidth, e2eHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	s := &e2eSession{t: t, ctx: bctx, base: base, shots: shots}

	s.open("/login")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), tr.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	s.open("/author/cohorts")
	s.shot("cohort-01-empty-fr")
	s.wantNoHorizontalScroll("cohorts (fr)")
	s.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Traite des personnes — Fès, décembre"),
		chromedp.SetValue(chromedp.CSS("#starts_on"), "2026-12-01"),
		chromedp.SetValue(chromedp.CSS("#ends_on"), "2026-12-04"),
		chromedp.SendKeys(chromedp.CSS("#place"), "Institut royal de police, Kénitra"),
		chromedp.Click(chromedp.CSS(`input[name="course_slugs"]`)),
	)
	s.click(`form[action="/author/cohorts"] button[type="submit"]`)
	s.shot("cohort-02-created-fr")
	s.wantNoHorizontalScroll("cohort (fr)")
	s.do(chromedp.SetValue(chromedp.CSS("#csv"), "name;name_ar;email;profession;organization\n"+
		"Karim Benali;كريم بن علي;karim@example.org;police;DGSN Rabat\n"+
		"Amina Tazi;أمينة التازي;amina@example.org;labour_inspector;Inspection du travail, Casablanca\n"+
		"Sans adresse;;pas-une-adresse;police;\n"+
		"Youssef;;youssef@example.org;astronaute;\n"))
	s.click(`form[enctype="multipart/form-data"] button[type="submit"]`)
	s.shot("cohort-03-report-fr")
	s.wantNoHorizontalScroll("import report (fr)")
	path := strings.TrimSuffix(s.url().Path, "/members")
	s.open(path + "?lang=ar")
	s.wantDocument("ar", "rtl")
	s.shot("cohort-04-ar")
	s.wantNoHorizontalScroll("cohort (ar)")
	s.open("/author/cohorts")
	s.shot("cohort-05-list-ar")
	s.open(path + "?lang=fr")
	link := eval[string](s, `document.getElementById("invite-url").value`)
	token := link[strings.LastIndex(link, "/")+1:]
	s.logout()
	s.open("/join/" + token)
	s.shot("cohort-06-join-fr")
	s.wantNoHorizontalScroll("join (fr)")
	s.open("/join/" + token + "?lang=ar")
	s.shot("cohort-07-join-ar")
	s.wantNoHorizontalScroll("join (ar)")
}

func TestCohortJoinIsRateLimited(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_RATE_AUTH": "3"})
	ta := cohortAccount(t, a, models.RoleTrainer)
	tr := cohortAccount(t, a, models.RoleTrainee)
	r := ta.do("POST", "/api/v1/cohorts", map[string]any{"name": "S", "starts_on": "2026-12-01", "ends_on": "2026-12-01", "course_slugs": []string{cohortCourse}})
	wantStatus(t, r, 201)
	limited := false
	for i := 0; i < 6 && !limited; i++ {
		limited = tr.do("POST", "/api/v1/cohorts/join/"+strings.Repeat("b", 26), nil).StatusCode == 429
	}
	if !limited {
		t.Error("guessing invitation tokens is not rate limited")
	}
}
