package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tadrib/models"
)

// Finding M4: a trainer's member list matched existing accounts by email —
// "matched" or "created" told whether an address had an account, the cohort
// then listed that account's profile, enrolled it without asking, and the
// report showed its results on courses of other trainers. A trainer's list
// now invites: the same answer for every address, nothing of an account
// before its owner accepts.

// m4Person is an account with a profile the trainer must not read.
type m4Person struct {
	user
	Name, NameAr, Org string
}

// m4Account registers a police officer with a distinctive profile.
func m4Account(t *testing.T, a *testApp, name string) m4Person {
	t.Helper()
	p := m4Person{Name: name + " Profil-Secret", NameAr: "اسم سري " + name, Org: "Brigade confidentielle " + name}
	email := strings.ToLower(name) + "-m4-" + next() + "@example.org"
	r := a.do("POST", "/api/v1/auth/register", map[string]any{"email": email, "password": testPassword, "name": p.Name,
		"name_ar": p.NameAr, "organization": p.Org, "profession": "judiciary"})
	wantStatus(t, r, 201)
	m := r.JSON(t)
	p.user = user{ID: m["user"].(map[string]any)["id"].(string), Email: email, Token: m["token"].(string), a: a}
	return p
}

// m4World is a trainer's cohort following two courses: another trainer's
// course, where the victim has results already, and the seed course, which
// the victim does not follow.
type m4World struct {
	a        *testApp
	trainer  user
	cohort   string
	other    string // the other trainer's course
	victim   m4Person
	lessonID string
}

func newM4World(t *testing.T, env map[string]string) *m4World {
	t.Helper()
	a := newTestApp(t, env)
	_, slug, lessons := authorCourse(t, a, []string{"judiciary"}, true)
	w := &m4World{a: a, other: slug, lessonID: lessons[0], trainer: a.trainer(), victim: m4Account(t, a, "Victime")}
	wantStatus(t, w.victim.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	wantStatus(t, w.victim.do("POST", "/api/v1/lessons/"+lessons[0]+"/complete", nil), 204)
	r := w.trainer.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session M4", "starts_on": "2026-12-01",
		"ends_on": "2026-12-05", "place": "Rabat", "course_slugs": []string{slug, cohortCourse}})
	wantStatus(t, r, 201)
	w.cohort = r.JSON(t)["id"].(string)
	return w
}

func (w *m4World) invite(t *testing.T, as user, email, name string) resp {
	t.Helper()
	r := as.do("POST", "/api/v1/cohorts/"+w.cohort+"/members", map[string]any{"members": []map[string]any{
		{"name": name, "email": email, "profession": "police", "organization": "Saisi par le formateur"}}})
	wantStatus(t, r, 200)
	return r
}

var m4TokenRE = regexp.MustCompile(`/invite/[a-z2-7]{26}`)

// m4Mask hides what may differ between two answers about two addresses: the
// address itself and the random token.
func m4Mask(body []byte, email string) string {
	s := strings.ReplaceAll(string(body), email, "EMAIL")
	return m4TokenRE.ReplaceAllString(s, "/invite/TOKEN")
}

func m4InviteURL(t *testing.T, r resp) string {
	t.Helper()
	rows, _ := r.JSON(t)["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("want one row: %s", r.Body)
	}
	u, _ := rows[0].(map[string]any)["invite_url"].(string)
	return u
}

// m4Path is the path of an invitation link.
func m4Path(t *testing.T, link string) string {
	t.Helper()
	i := strings.Index(link, "/invite/")
	if i < 0 {
		t.Fatalf("no invitation link: %q", link)
	}
	return link[i:]
}

// wantNoneOf fails when body holds any of secrets.
func wantNoneOf(t *testing.T, where string, body []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && bytes.Contains(body, []byte(s)) {
			t.Errorf("%s shows %q before the person accepted", where, s)
		}
	}
}

func TestSecurityM4TrainerImportSameForExistingAndNewAddress(t *testing.T) {
	w := newM4World(t, map[string]string{"TADRIB_BASE_URL": "https://tadrib.example"})
	const fresh = "personne.nouvelle@example.org"
	existing := w.invite(t, w.trainer, strings.ToUpper(w.victim.Email), "Nom saisi")
	created := w.invite(t, w.trainer, fresh, "Nom saisi")
	if a, b := m4Mask(existing.Body, w.victim.Email), m4Mask(created.Body, fresh); a != b {
		t.Errorf("the answer differs for an address with an account:\n%s\nwithout:\n%s", a, b)
	}
	m := existing.JSON(t)
	if m["created"] != 0.0 || m["matched"] != 0.0 || m["invited"] != 1.0 {
		t.Errorf("created %v matched %v invited %v, want 0, 0, 1", m["created"], m["matched"], m["invited"])
	}
	row := m["rows"].([]any)[0].(map[string]any)
	link := m4InviteURL(t, existing)
	if row["status"] != "invited" || !regexp.MustCompile(`^https://tadrib\.example/invite/[a-z2-7]{26}$`).MatchString(link) {
		t.Errorf("row = %v: want invited with a personal link", row)
	}
	if _, ok := row["set_password_url"]; ok {
		t.Error("a trainer gets a set-password link")
	}
	// Only a hash of the token is kept.
	var stored int64
	w.a.db.R.Raw("SELECT COUNT(*) FROM cohort_invitations WHERE token_hash = ?", link[strings.LastIndex(link, "/")+1:]).Scan(&stored)
	if stored != 0 {
		t.Error("the invitation token is stored in clear")
	}
}

func TestSecurityM4NothingOfTheAccountBeforeAcceptance(t *testing.T) {
	w := newM4World(t, nil)
	w.invite(t, w.trainer, w.victim.Email, "Nom saisi")
	w.invite(t, w.trainer, "personne.nouvelle@example.org", "Autre nom saisi")
	secrets := []string{w.victim.Name, w.victim.NameAr, w.victim.Org, `"user_id":"` + w.victim.ID + `"`, `"judiciary"`}

	ml := w.trainer.do("GET", "/api/v1/cohorts/"+w.cohort+"/members", nil)
	wantStatus(t, ml, 200)
	wantNoneOf(t, "the members list", ml.Body, secrets...)
	mj := ml.JSON(t)
	if items := mj["items"].([]any); len(items) != 0 {
		t.Errorf("members before acceptance: %v", items)
	}
	invs, _ := mj["invitations"].([]any)
	if len(invs) != 2 {
		t.Fatalf("invitations = %v, want 2", invs)
	}
	for _, x := range invs {
		x := x.(map[string]any)
		var keys []string
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.Join(keys, ",") != "email,id,invited_at,name,status" || x["status"] != "pending" || !strings.HasPrefix(x["name"].(string), "Nom saisi") && !strings.HasPrefix(x["name"].(string), "Autre nom saisi") {
			t.Errorf("invitation as the trainer sees it: %v", x)
		}
	}
	if co := w.trainer.do("GET", "/api/v1/cohorts/"+w.cohort, nil).JSON(t); co["member_count"] != 0.0 {
		t.Errorf("member_count = %v before anyone accepted", co["member_count"])
	}

	b := w.a.browser()
	b.cohortLogin(w.trainer.Email)
	page := b.get("/author/cohorts/" + w.cohort)
	wantStatus(t, page, 200)
	wantNoneOf(t, "the cohort page", page.Body, w.victim.Name, w.victim.NameAr, w.victim.Org, "/members/"+w.victim.ID+"/remove")
	if !bytes.Contains(page.Body, []byte("Invitation en attente")) || !bytes.Contains(page.Body, []byte("Nom saisi")) {
		t.Error("the cohort page does not show the pending invitation as typed")
	}

	// No report row and no result, on the other trainer's course the victim
	// follows, in JSON, CSV and on the page.
	rep := w.trainer.do("GET", "/api/v1/reports/courses/"+w.other, nil)
	wantStatus(t, rep, 200)
	if rep.JSON(t)["enrolled"] != 0.0 {
		t.Errorf("the report counts the invited person: %s", rep.Body)
	}
	csv := w.trainer.do("GET", "/api/v1/reports/courses/"+w.other+"?format=csv", nil)
	wantStatus(t, csv, 200)
	rpage := b.get("/author/reports/courses/" + w.other)
	wantStatus(t, rpage, 200)
	for where, body := range map[string][]byte{"the report": rep.Body, "the CSV report": csv.Body, "the report page": rpage.Body} {
		// (every profession is a key of the report, so only the others)
		wantNoneOf(t, where, body, append(secrets[:4], w.victim.Email)...)
	}
	// No enrolment: not in the seed course, nobody a member.
	if cohortEnrolled(t, w.a, w.victim.Email, cohortCourse) || cohortEnrolled(t, w.a, "personne.nouvelle@example.org", cohortCourse) {
		t.Error("an invited person is enrolled before accepting")
	}
	if n := cohortCount(t, w.a, "cohort_members"); n != 0 {
		t.Errorf("%d members before anyone accepted", n)
	}
	// The victim's own profile is untouched.
	var v models.User
	w.a.db.R.Take(&v, "email = ?", w.victim.Email)
	if v.Name != w.victim.Name || v.Organization != w.victim.Org || v.Profession != "judiciary" {
		t.Errorf("the import changed the account: %+v", v)
	}
}

func TestSecurityM4InvitationPageSameForExistingAndNewAddress(t *testing.T) {
	w := newM4World(t, nil)
	const fresh = "personne.nouvelle@example.org"
	linkE := m4InviteURL(t, w.invite(t, w.trainer, w.victim.Email, "Nom saisi"))
	linkN := m4InviteURL(t, w.invite(t, w.trainer, fresh, "Nom saisi"))
	pathE, pathN := m4Path(t, linkE), m4Path(t, linkN)

	// Whoever opens the links, anonymous or the trainer: the same page.
	anon := w.a.browser()
	tr := w.a.browser()
	tr.cohortLogin(w.trainer.Email)
	for who, b := range map[string]*browser{"a visitor": anon, "the trainer": tr} {
		pe, pn := b.get(pathE), b.get(pathN)
		wantStatus(t, pe, 200)
		wantStatus(t, pn, 200)
		if a, c := m4Mask(pe.Body, w.victim.Email), m4Mask(pn.Body, fresh); a != c {
			t.Errorf("%s sees a different page for an address with an account:\n%s\nwithout:\n%s", who, a, c)
		}
		wantNoneOf(t, "the invitation page", pe.Body, w.victim.Name, w.victim.NameAr, w.victim.Org)
		if pe.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Error("the invitation page may send its token in a Referer")
		}
	}
	pa := anon.get(pathE)
	for _, want := range []string{"Session M4", "/login?next=" + pathE, `name="password"`, `name="confirm"`, "Identifier et orienter"} {
		if !bytes.Contains(pa.Body, []byte(want)) {
			t.Errorf("the invitation page lacks %q", want)
		}
	}
	if pt := tr.get(pathE); !bytes.Contains(pt.Body, []byte("destinée à une autre adresse")) || bytes.Contains(pt.Body, []byte(`value="accept"`)) {
		t.Error("the trainer is not told the invitation is for another address")
	}

	// Choosing a password for an account that has one: registration's answer
	// for a taken address, and nothing changes.
	r := anon.post(pa, pathE, url.Values{"password": {"une autre phrase secrète"}, "confirm": {"une autre phrase secrète"}})
	wantStatus(t, r, 422)
	if !bytes.Contains(r.Body, []byte("Un compte existe déjà avec cette adresse e-mail.")) {
		t.Errorf("not the registration page's message for a taken address: %s", r.Body)
	}
	reg := w.a.browser()
	rp := reg.get("/register")
	taken := reg.post(rp, "/register", url.Values{"email": {w.victim.Email}, "password": {testPassword}, "name": {"X"}, "profession": {"police"}})
	wantStatus(t, taken, 422)
	if !bytes.Contains(taken.Body, []byte("Un compte existe déjà avec cette adresse e-mail.")) {
		t.Error("the registration page's message changed; keep the two the same")
	}
	wantStatus(t, w.a.do("POST", "/api/v1/auth/login", map[string]any{"email": w.victim.Email, "password": testPassword}), 200)
	if cohortCount(t, w.a, "cohort_members") != 0 {
		t.Error("a refused password made a member")
	}

	// The invited person, signed in: Accept and Decline.
	vb := w.a.browser()
	vb.cohortLogin(w.victim.Email)
	vp := vb.get(pathE)
	if !bytes.Contains(vp.Body, []byte(`value="accept"`)) || !bytes.Contains(vp.Body, []byte(`value="decline"`)) {
		t.Error("the invited person is not offered Accept and Decline")
	}
	wantStatus(t, vb.send("POST", pathE, "action=accept"), 403) // no CSRF token
	// A bad or unknown token: one page, 404.
	wantStatus(t, anon.get("/invite/"+strings.Repeat("a", 26)), 404)
	wantStatus(t, anon.get("/invite/x"), 404)
}

func TestSecurityM4AcceptOnDashboardThenMemberAndInReport(t *testing.T) {
	w := newM4World(t, nil)
	const fresh = "personne.nouvelle@example.org"
	w.invite(t, w.trainer, w.victim.Email, "Nom saisi")
	linkN := m4InviteURL(t, w.invite(t, w.trainer, fresh, "Nouvelle Personne"))
	decliner := m4Account(t, w.a, "Refus")
	w.invite(t, w.trainer, decliner.Email, "Nom saisi 2")

	// The dashboard lists the invitation: cohort, trainer, courses.
	vb := w.a.browser()
	vb.cohortLogin(w.victim.Email)
	dash := vb.get("/dashboard")
	wantStatus(t, dash, 200)
	acceptRE := regexp.MustCompile(`action="(/invitations/\d+/accept)"`)
	mm := acceptRE.FindSubmatch(dash.Body)
	if mm == nil || !bytes.Contains(dash.Body, []byte("Session M4")) || !bytes.Contains(dash.Body, []byte("Invitation de \u2068Test User\u2069")) ||
		!bytes.Contains(dash.Body, []byte("Identifier et orienter")) {
		t.Fatalf("the dashboard does not offer the invitation: %s", dash.Body)
	}
	// Someone else cannot answer it.
	iid := strings.TrimSuffix(strings.TrimPrefix(string(mm[1]), "/invitations/"), "/accept")
	wantProblem(t, decliner.do("POST", "/api/v1/me/invitations/"+iid+"/accept", nil), 404, "")
	ok := vb.post(dash, string(mm[1]), url.Values{})
	wantStatus(t, ok, 303)
	if ok.Header.Get("Location") != "/dashboard?joined=1" {
		t.Errorf("accepting redirects to %q", ok.Header.Get("Location"))
	}
	wantStatus(t, vb.post(dash, string(mm[1]), url.Values{}), 404) // answered once
	if !cohortEnrolled(t, w.a, w.victim.Email, cohortCourse) {
		t.Error("accepting did not enrol in the cohort's courses")
	}
	rep := w.trainer.do("GET", "/api/v1/reports/courses/"+w.other, nil)
	if rep.JSON(t)["enrolled"] != 1.0 {
		t.Errorf("after acceptance the report lacks the member: %s", rep.Body)
	}
	if csv := w.trainer.do("GET", "/api/v1/reports/courses/"+w.other+"?format=csv", nil); !bytes.Contains(csv.Body, []byte(w.victim.Email)) {
		t.Error("after acceptance the CSV report lacks the member")
	}

	// A new address accepts by choosing its password, and is signed in.
	nb := acceptInviteWithPassword(t, w.a, linkN)
	wantStatus(t, nb.get("/dashboard"), 200)
	if !cohortEnrolled(t, w.a, fresh, cohortCourse) {
		t.Error("the new account is not enrolled after accepting")
	}
	wantStatus(t, w.a.do("POST", "/api/v1/auth/login", map[string]any{"email": fresh, "password": testPassword}), 200)

	// Decline through the API: the trainer sees "declined", nothing else.
	list := decliner.do("GET", "/api/v1/me/invitations", nil)
	wantStatus(t, list, 200)
	items := list.JSON(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("my invitations: %s", list.Body)
	}
	did := items[0].(map[string]any)["id"].(string)
	wantStatus(t, decliner.do("POST", "/api/v1/me/invitations/"+did+"/decline", nil), 204)
	if cohortEnrolled(t, w.a, decliner.Email, cohortCourse) {
		t.Error("declining enrolled")
	}
	ml := w.trainer.do("GET", "/api/v1/cohorts/"+w.cohort+"/members", nil)
	wantNoneOf(t, "the members list", ml.Body, decliner.Name, decliner.NameAr, decliner.Org)
	mj := ml.JSON(t)
	if n := len(mj["items"].([]any)); n != 2 {
		t.Errorf("%d members, want the 2 who accepted", n)
	}
	invs, _ := mj["invitations"].([]any)
	if len(invs) != 1 || invs[0].(map[string]any)["status"] != "declined" || invs[0].(map[string]any)["name"] != "Nom saisi 2" {
		t.Errorf("invitations after a decline: %v", invs)
	}
	// After acceptance the member is a member like any other.
	if !bytes.Contains(ml.Body, []byte(w.victim.Name)) {
		t.Error("the accepted member is not listed")
	}
	// The declined invitation is part of the person's data export.
	if _, part, err := w.a.cohorts.ExportInvitations(context.Background(), mustInt(t, decliner.ID)); err != nil {
		t.Fatal(err)
	} else if j, _ := json.Marshal(part); !bytes.Contains(j, []byte(`"status":"declined"`)) || !bytes.Contains(j, []byte("Session M4")) {
		t.Errorf("data export of invitations: %s", j)
	}
	for action, want := range map[string]int64{"cohort.invite": 3, "cohort.invitation_accept": 2, "cohort.invitation_decline": 1} {
		var n int64
		w.a.db.R.Model(&models.AuditEvent{}).Where("action = ? AND object = ?", action, "cohort:"+w.cohort).Count(&n)
		if n != want {
			t.Errorf("%d %s audit events, want %d", n, action, want)
		}
	}
}

func TestSecurityM4AdminImportStillMatches(t *testing.T) {
	w := newM4World(t, nil)
	ad := w.a.admin()
	r := ad.do("POST", "/api/v1/cohorts/"+w.cohort+"/members", map[string]any{"members": []map[string]any{
		{"name": "Nom saisi", "email": w.victim.Email, "profession": "police"},
		{"name": "Nouvelle", "email": "nouvelle@example.org", "profession": "police"}}})
	wantStatus(t, r, 200)
	m := r.JSON(t)
	if m["created"] != 1.0 || m["matched"] != 1.0 || m["invited"] != 0.0 {
		t.Errorf("admin import: %s", r.Body)
	}
	for _, x := range m["rows"].([]any) {
		x := x.(map[string]any)
		if x["status"] == "created" && !strings.Contains(x["set_password_url"].(string), "/set-password/") || x["invite_url"] != nil {
			t.Errorf("admin row: %v", x)
		}
	}
	if !cohortEnrolled(t, w.a, w.victim.Email, cohortCourse) || !cohortEnrolled(t, w.a, "nouvelle@example.org", cohortCourse) {
		t.Error("an admin's list no longer enrols at once")
	}
}

// TestSecurityM4InvitationTokenStaysOutOfTheAccessLog: a live token in the
// log would let whoever reads it answer the invitation.
func TestSecurityM4InvitationTokenStaysOutOfTheAccessLog(t *testing.T) {
	var logs bytes.Buffer
	a := newLoggedTestApp(t, nil, &logs)
	ta := a.trainer()
	id := createCohort(t, ta, "Session")["id"].(string)
	r := ta.do("POST", "/api/v1/cohorts/"+id+"/members", map[string]any{"members": []map[string]any{
		{"name": "Nouvelle", "email": "nouvelle@example.org", "profession": "police"}}})
	path := m4Path(t, m4InviteURL(t, r))
	tok := path[len("/invite/"):]
	b := a.browser()
	page := b.get(path + "?lang=ar")
	wantStatus(t, page, 200)
	wantStatus(t, b.post(page, path, url.Values{"password": {"court"}, "confirm": {"court"}}), 422)
	if strings.Contains(logs.String(), tok) {
		t.Fatalf("the token is in the logs:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"path":"/invite/-"`) {
		t.Errorf("no access log line for the page:\n%s", logs.String())
	}
}

var inviteLinkRE = regexp.MustCompile(`&lt;([^&<]+)&gt;</span><br>\s*<input readonly dir="ltr" value="(http[^"]+/invite/[a-z2-7]{26})"`)

// inviteLinks reads the invitation links of an import report page, by email.
func inviteLinks(page resp) map[string]string {
	out := map[string]string{}
	for _, m := range inviteLinkRE.FindAllStringSubmatch(string(page.Body), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// acceptInviteWithPassword opens an invitation link in a new browser and
// accepts it by choosing the account's first password; it returns the
// browser, signed in.
func acceptInviteWithPassword(t *testing.T, a *testApp, link string) *browser {
	t.Helper()
	path := m4Path(t, link)
	b := a.browser()
	page := b.get(path)
	wantStatus(t, page, 200)
	r := b.post(page, path, url.Values{"password": {testPassword}, "confirm": {testPassword}})
	wantStatus(t, r, 303)
	if loc := r.Header.Get("Location"); loc != "/dashboard?joined=1" {
		t.Fatalf("accepting redirects to %q", loc)
	}
	return b
}

// TestE2EInvitationPages walks an invitation at phone width in French and
// Arabic: the link's page for a visitor, the invited person's dashboard and
// the link's page signed in, then the trainer's cohort page with a pending
// invitation (TADRIB_E2E=1, TADRIB_SCREENSHOTS=dir keeps the screenshots).
func TestE2EInvitationPages(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	tr := cohortAccount(t, a, models.RoleTrainer)
	invited := cohortAccount(t, a, models.RoleTrainee)
	base := a.serve(t)
	id := createCohort(t, tr, "Traite des personnes — Fès, décembre")["id"].(string)
	invite := func(email, name string) string {
		r := tr.do("POST", "/api/v1/cohorts/"+id+"/members", map[string]any{"members": []map[string]any{
			{"name": name, "email": email, "profession": "police"}}})
		wantStatus(t, r, 200)
		return m4Path(t, m4InviteURL(t, r))
	}
	pathNew := invite("nouvelle.personne@example.org", "Nouvelle Personne")
	pathInvited := invite(invited.Email, "Karim Benali")

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
	login := func(email string) {
		s.open("/login")
		s.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
		s.click(`form[action="/login"] button[type="submit"]`)
	}

	s.open(pathNew + "?lang=fr")
	s.shot("invite-01-visitor-fr")
	s.wantNoHorizontalScroll("invitation (fr)")
	s.open(pathNew + "?lang=ar")
	s.wantDocument("ar", "rtl")
	s.shot("invite-02-visitor-ar")
	s.wantNoHorizontalScroll("invitation (ar)")

	login(invited.Email)
	s.open("/dashboard?lang=fr")
	s.shot("invite-03-dashboard-fr")
	s.wantNoHorizontalScroll("dashboard (fr)")
	s.open("/dashboard?lang=ar")
	s.shot("invite-04-dashboard-ar")
	s.wantNoHorizontalScroll("dashboard (ar)")
	s.open(pathInvited + "?lang=fr")
	s.shot("invite-05-signed-in-fr")
	s.wantNoHorizontalScroll("invitation signed in (fr)")
	s.click(`button[value="accept"]`)
	s.shot("invite-06-accepted-fr")
	s.logout()

	login(tr.Email)
	s.open("/author/cohorts/" + id + "?lang=fr#members")
	s.shot("invite-07-trainer-fr")
	s.wantNoHorizontalScroll("cohort with invitations (fr)")
	s.open("/author/cohorts/" + id + "?lang=ar#members")
	s.shot("invite-08-trainer-ar")
	s.wantNoHorizontalScroll("cohort with invitations (ar)")
}

// TestSecurityM4CertificateByEmail: certifying an in-person session by email
// had M4's pattern — any address answered "no account" or issued a
// certificate printed with that account's names and profession. A trainer
// now finds only the course's trainees; an admin any account.
func TestSecurityM4CertificateByEmail(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	stranger := m4Account(t, a, "Inconnue")
	issue := func(as user, email string) resp {
		return as.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
			"holders": []any{map[string]any{"email": email}}})
	}
	withAccount, without := issue(tr, stranger.Email), issue(tr, "personne.sans.compte@example.org")
	wantProblem(t, withAccount, 400, "holders[0].email")
	if a, b := m4Mask(withAccount.Body, stranger.Email), m4Mask(without.Body, "personne.sans.compte@example.org"); a != b {
		t.Errorf("the answer differs for an address with an account:\n%s\nwithout:\n%s", a, b)
	}
	wantNoneOf(t, "the refusal", withAccount.Body, stranger.Name, stranger.NameAr)
	if n := cohortCount(t, a, "certificates"); n != 0 {
		t.Fatalf("%d certificates issued to an account outside the course", n)
	}
	// A trainee of the course is found.
	wantStatus(t, stranger.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	ok := issue(tr, stranger.Email)
	wantStatus(t, ok, 201)
	if !bytes.Contains(ok.Body, []byte(stranger.Name)) {
		t.Errorf("the certificate of the course's trainee: %s", ok.Body)
	}
	// An admin finds any account.
	other := m4Account(t, a, "Autre")
	wantStatus(t, issue(a.admin(), other.Email), 201)
}

// TestSecurityM4LinkSetsPasswordOnlyOnAccountItsListMade: an account made by
// one trainer's list, not yet claimed, must not be claimed through another
// trainer's invitation (that trainer would own it). Only the link of the list
// that made it gives it a first password.
func TestSecurityM4LinkSetsPasswordOnlyOnAccountItsListMade(t *testing.T) {
	w := newM4World(t, nil)
	const fresh = "personne.nouvelle@example.org"
	linkA := m4InviteURL(t, w.invite(t, w.trainer, fresh, "Nouvelle Personne"))
	tb := w.a.trainer()
	r := tb.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session B", "starts_on": "2026-12-01",
		"ends_on": "2026-12-05", "course_slugs": []string{cohortCourse}})
	wantStatus(t, r, 201)
	rb := tb.do("POST", "/api/v1/cohorts/"+r.JSON(t)["id"].(string)+"/members", map[string]any{"members": []map[string]any{
		{"name": "Nouvelle Personne", "email": fresh, "profession": "police"}}})
	wantStatus(t, rb, 200)
	pathB := m4Path(t, m4InviteURL(t, rb))
	b := w.a.browser()
	page := b.get(pathB)
	wantStatus(t, page, 200)
	taken := b.post(page, pathB, url.Values{"password": {"la phrase du formateur B"}, "confirm": {"la phrase du formateur B"}})
	wantStatus(t, taken, 422)
	if !bytes.Contains(taken.Body, []byte("Un compte existe déjà avec cette adresse e-mail.")) {
		t.Errorf("another list's link set the password: %s", taken.Body)
	}
	wantStatus(t, w.a.do("POST", "/api/v1/auth/login", map[string]any{"email": fresh, "password": "la phrase du formateur B"}), 401)
	acceptInviteWithPassword(t, w.a, linkA)
}
