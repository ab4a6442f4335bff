package cohorts

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// TestCohortPagesRenderInFrenchAndArabic: the trainer's pages, the join
// link's and the invitation's render in both reading directions.
func TestCohortPagesRenderInFrenchAndArabic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, member := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	if _, _, err := e.svc.JoinCohort(ctx, member, co.Token(), "test", "fr"); err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.ImportMembers(ctx, tr, cid(t, co), []MemberInput{person("Nouvelle", "nouvelle@example.org")}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "ar"} {
		c := e.in(tr, lang)
		list := c.Get("/author/cohorts").Want(t, http.StatusOK)
		list.WantPage(t, lang, e.Title(lang, "cohort.list_title"))
		if !strings.Contains(list.Body, `href="/author/cohorts/`+co.ID+`"`) {
			t.Errorf("%s: the list lacks the cohort", lang)
		}
		page := c.Get("/author/cohorts/"+co.ID+"?created=1").Want(t, http.StatusOK)
		page.WantPage(t, lang)
		for _, want := range []string{co.Name, baseURL + "/join/" + co.Token(), "Amina", "Nouvelle", html.EscapeString(e.Catalog.T(lang, "cohort.notice.created"))} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: the cohort page lacks %q", lang, want)
			}
		}
		c.Get("/author/cohorts/"+co.ID+"/invite").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "cohort.regenerate"))
		c.Get("/author/cohorts/"+co.ID+"/members/"+itoa(member.ID)+"/remove").Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "cohort.remove_member"))

		v := e.Anonymous()
		v.Lang = lang
		v.Get("/join/"+co.Token()).Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "cohort.join_title", co.Name))
		v.Get("/invite/"+rep.Rows[0].Token()).Want(t, http.StatusOK).WantPage(t, lang, e.Title(lang, "cohort.join_title", co.Name))
		v.Get("/invite/"+strings.Repeat("a", 26)).Want(t, http.StatusNotFound).WantPage(t, lang, e.Title(lang, "invite.title"))
		m := e.in(member, lang)
		if p := m.Get("/join/"+co.Token()).Want(t, http.StatusOK); !strings.Contains(p.Body, html.EscapeString(e.Catalog.T(lang, "cohort.already_member"))) {
			t.Errorf("%s: a member is not told they are one", lang)
		}
	}
}

// TestCohortPagesRights: another trainer's cohort is not found on every
// page; a trainee is refused.
func TestCohortPagesRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ta, tb, trainee := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, ta, "traite-101")
	if _, _, err := e.svc.JoinCohort(context.Background(), trainee, co.Token(), "test", "fr"); err != nil {
		t.Fatal(err)
	}
	p := "/author/cohorts/" + co.ID
	for _, path := range []string{p, p + "/invite", p + "/members/" + itoa(trainee.ID) + "/remove"} {
		e.As(tb).Get(path).Want(t, http.StatusNotFound)
		e.As(trainee).Get(path).Want(t, http.StatusForbidden)
	}
	for _, path := range []string{p, p + "/invite", p + "/members", p + "/members/" + itoa(trainee.ID) + "/remove"} {
		e.As(tb).Post(path, url.Values{"name": {"pris"}, "csv": {"name,email,profession\nX,x@example.org,police\n"}}).Want(t, http.StatusNotFound)
	}
	e.As(trainee).Get("/author/cohorts").Want(t, http.StatusForbidden)
	e.As(ta).Get(p+"/members/"+itoa(tb.ID)+"/remove").Want(t, http.StatusNotFound) // not a member
	if got, _ := e.svc.Cohort(context.Background(), ta, cid(t, co), "fr"); got.Name != co.Name || got.Token() != co.Token() || got.MemberCount != 1 {
		t.Errorf("refused posts changed the cohort: %+v", got)
	}
}

// TestCohortForms: creating and changing a cohort, importing a list,
// replacing the link and removing a member with the pages only.
func TestCohortForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, admin, member := e.User("Nadia", models.RoleTrainer), e.User("Admin", models.RoleAdmin), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	c := e.As(tr)
	form := url.Values{"name": {"Session de Fès"}, "starts_on": {"2026-12-01"}, "ends_on": {"2026-11-30"}, "place": {"Fès"}, "course_slugs": {"traite-101"}}
	bad := c.Post("/author/cohorts", form).Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, `value="Session de Fès"`) || !strings.Contains(bad.Body, `class="field-error"`) {
		t.Error("a wrong form does not come back with what was typed and its error")
	}
	form.Set("ends_on", "2026-12-05")
	r := c.Post("/author/cohorts", form).Want(t, http.StatusSeeOther)
	m := regexp.MustCompile(`^/author/cohorts/(\d+)\?created=1$`).FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("created, redirected to %q", r.Header.Get("Location"))
	}
	p := "/author/cohorts/" + m[1]
	form.Set("name", "")
	c.Post(p, form).Want(t, http.StatusUnprocessableEntity)
	form.Set("name", "Session de Fès (2)")
	if r := c.Post(p, form).Want(t, http.StatusSeeOther); r.Header.Get("Location") != p+"?saved=1" {
		t.Errorf("saved, redirected to %q", r.Header.Get("Location"))
	}
	co, _ := e.svc.Cohorts(ctx, tr, "fr")
	if len(co) != 1 || co[0].Name != "Session de Fès (2)" || co[0].Place != "Fès" {
		t.Fatalf("after the forms: %+v", co)
	}

	// A pasted list: the report and its personal links, shown this once.
	page := c.Post(p+"/members", url.Values{"csv": {"name;email;profession\nNouvelle Personne;nouvelle@example.org;Police\nSans;pas-une-adresse;police\n"}}).
		Want(t, http.StatusOK)
	if !regexp.MustCompile(regexp.QuoteMeta(baseURL)+`/invite/[a-z2-7]{26}`).MatchString(page.Body) || !strings.Contains(page.Body, "Nouvelle Personne") {
		t.Error("the import report lacks the personal link")
	}
	// An uploaded file, an empty list and a malformed one.
	body, ctype := webtest.Multipart(t, nil, "file", "liste.csv", []byte("name,email,profession\nSara,sara@example.org,judiciary\n"))
	e.As(tr).Do("POST", p+"/members", body, "Content-Type", ctype).Want(t, http.StatusOK)
	if n := e.count(t, "cohort_invitations", ""); n != 2 {
		t.Errorf("%d invitations, want 2", n)
	}
	c.Post(p+"/members", url.Values{"csv": {"  "}}).Want(t, http.StatusUnprocessableEntity)
	malformed := c.Post(p+"/members", url.Values{"csv": {"name,phone\nA,1\n"}}).Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(malformed.Body, "name,phone") {
		t.Error("a refused list is not given back to correct")
	}
	body, ctype = webtest.Multipart(t, nil, "file", "grosse.csv", make([]byte, maxMemberBytes+1))
	e.As(tr).Do("POST", p+"/members", body, "Content-Type", ctype).Want(t, http.StatusUnprocessableEntity)

	// Replacing the link: the old one stops working.
	old := co[0].Token()
	if r := c.Post(p+"/invite", url.Values{}).Want(t, http.StatusSeeOther); !strings.Contains(r.Header.Get("Location"), "regenerated=1") {
		t.Errorf("regenerated, redirected to %q", r.Header.Get("Location"))
	}
	e.As(member).Get("/join/"+old).Want(t, http.StatusNotFound)

	// An admin's list creates accounts; the page shows their set-password links.
	adminPage := e.As(admin).Post(p+"/members", url.Values{"csv": {"name,email,profession\nKarim,karim@example.org,police\n"}}).Want(t, http.StatusOK)
	if !strings.Contains(adminPage.Body, baseURL+"/set-password/") {
		t.Error("an admin's import page lacks the set-password link")
	}
	var karim models.User
	e.DB.R.Take(&karim, "email = ?", "karim@example.org")
	if r := e.As(tr).Post(p+"/members/"+itoa(karim.ID)+"/remove", url.Values{}).Want(t, http.StatusSeeOther); !strings.Contains(r.Header.Get("Location"), "removed=1") {
		t.Errorf("removed, redirected to %q", r.Header.Get("Location"))
	}
	if member, _ := e.svc.IsMember(ctx, karim.ID, cid(t, co[0])); member {
		t.Error("the removed member is still one")
	}
}

// TestJoinPage: the cohort's link joins a signed-in user, or registers a
// visitor and joins them; a wrong link is not found.
func TestJoinPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, u := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	path := "/join/" + co.Token()

	e.Anonymous().Get("/join/"+strings.Repeat("a", 26)).Want(t, http.StatusNotFound)
	e.As(u).Post("/join/"+strings.Repeat("a", 26), url.Values{}).Want(t, http.StatusNotFound)
	if r := e.As(u).Post(path, url.Values{}).Want(t, http.StatusSeeOther); r.Header.Get("Location") != "/dashboard?joined=1" {
		t.Errorf("joined, redirected to %q", r.Header.Get("Location"))
	}
	if member, _ := e.svc.IsMember(ctx, u.ID, cid(t, co)); !member {
		t.Error("the signed-in user did not join")
	}

	// A visitor registers through the link.
	v, page := e.open(t, path)
	page.Want(t, http.StatusOK)
	if v.cookie == "" || v.token == "" || !strings.Contains(page.Body, `name="password"`) {
		t.Fatal("the join page gives a visitor no registration form with its CSRF token")
	}
	e.Anonymous().Do("POST", path, "name=x", "Content-Type", "application/x-www-form-urlencoded").Want(t, http.StatusForbidden) // no token
	bad := v.post(t, path, url.Values{"name": {"Sara"}, "email": {"pas-une-adresse"}, "password": {"court"}, "profession": {"police"}}.Encode())
	bad.Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, `value="Sara"`) || strings.Contains(bad.Body, `value="court"`) {
		t.Error("a wrong form loses the name or gives the password back")
	}
	taken := v.post(t, path, url.Values{"name": {"Sara"}, "email": {u.Email}, "password": {"une longue phrase secrète"}, "profession": {"police"}}.Encode())
	taken.Want(t, http.StatusConflict)
	ok := v.post(t, path, url.Values{"name": {"Sara"}, "email": {"sara@example.org"}, "password": {"une longue phrase secrète"}, "profession": {"judiciary"}}.Encode())
	if ok.Want(t, http.StatusSeeOther); ok.Header.Get("Location") != "/dashboard?joined=1" || v.session == "" {
		t.Errorf("registered: %q, session cookie set: %v", ok.Header.Get("Location"), v.session != "")
	}
	var sara models.User
	if err := e.DB.R.Take(&sara, "email = ?", "sara@example.org").Error; err != nil || sara.Role != models.RoleTrainee {
		t.Fatalf("the registered account: %+v %v", sara, err)
	}
	if member, _ := e.svc.IsMember(ctx, sara.ID, cid(t, co)); !member || !e.enrolled(t, sara.ID, "traite-101") {
		t.Error("the visitor registered but did not join")
	}
}

var csrfValues = regexp.MustCompile(`name="_csrf" value="[^"]+"`)

// TestInvitePage is SECURITY.md finding M4 on the invitation's page: the
// same page whether or not the address had an account; only the invited
// person answers; a visitor sets the first password of the account the list
// made, and only that.
func TestInvitePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, known, other := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee), e.User("Karim", models.RoleTrainee)
	if err := e.DB.W.Model(&known).Updates(map[string]any{"name": "Amina Profil-Secret", "organization": "Brigade secrète"}).Error; err != nil {
		t.Fatal(err)
	}
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	const fresh = "nouvelle@example.org"
	rep, err := e.svc.ImportMembers(ctx, tr, cid(t, co), []MemberInput{person("Nom saisi", known.Email), person("Nom saisi", fresh)}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	pathE, pathN := "/invite/"+rep.Rows[0].Token(), "/invite/"+rep.Rows[1].Token()
	mask := func(body, email, token string) string {
		body = strings.ReplaceAll(body, token, "TOKEN")
		body = strings.ReplaceAll(body, email, "EMAIL")
		// Each request here is a new session or visitor, with its own CSRF token.
		return csrfValues.ReplaceAllString(metaCSRF.ReplaceAllString(body, ""), "")
	}
	for who, c := range map[string]func(string) (int, string, string){
		"a visitor": func(p string) (int, string, string) {
			r := e.Anonymous().Get(p)
			return r.Status, r.Body, r.Header.Get("Referrer-Policy")
		},
		"the trainer": func(p string) (int, string, string) {
			r := e.As(tr).Get(p)
			return r.Status, r.Body, r.Header.Get("Referrer-Policy")
		},
	} {
		se, be, rp := c(pathE)
		sn, bn, _ := c(pathN)
		if se != 200 || sn != 200 || rp != "no-referrer" {
			t.Errorf("%s: %d %d, Referrer-Policy %q", who, se, sn, rp)
		}
		if a, b := mask(be, known.Email, rep.Rows[0].Token()), mask(bn, fresh, rep.Rows[1].Token()); a != b {
			t.Errorf("%s sees a different page for an address with an account:\n%s\nwithout:\n%s", who, a, b)
		}
		for _, secret := range []string{"Profil-Secret", "Brigade secrète"} {
			if strings.Contains(be, secret) {
				t.Errorf("%s sees %q", who, secret)
			}
		}
	}

	// Someone else signed in: told it is not theirs, may not answer.
	if p := e.As(other).Get(pathE).Want(t, http.StatusOK); strings.Contains(p.Body, `value="accept"`) {
		t.Error("another user is offered to accept")
	}
	e.As(other).Post(pathE, url.Values{"action": {"accept"}}).Want(t, http.StatusForbidden)
	e.As(known).Post(pathE, url.Values{}).Want(t, http.StatusBadRequest)
	// A visitor choosing a password for an account that has one: registration's answer.
	v, _ := e.open(t, pathE)
	taken := v.post(t, pathE, url.Values{"password": {"une autre phrase secrète"}, "confirm": {"une autre phrase secrète"}}.Encode())
	taken.Want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(taken.Body, html.EscapeString(e.Catalog.T("fr", "err.email_taken"))) {
		t.Error("not the registration page's message for a taken address")
	}
	// The invited person accepts on the page.
	if r := e.As(known).Post(pathE, url.Values{"action": {"accept"}}).Want(t, http.StatusSeeOther); r.Header.Get("Location") != "/dashboard?joined=1" {
		t.Errorf("accepted, redirected to %q", r.Header.Get("Location"))
	}
	e.Anonymous().Get(pathE).Want(t, http.StatusNotFound) // answered: one page for all
	e.As(known).Post(pathE, url.Values{"action": {"accept"}}).Want(t, http.StatusNotFound)

	// A visitor sets the new account's first password, and is signed in.
	v, _ = e.open(t, pathN)
	v.post(t, pathN, url.Values{"password": {"court"}, "confirm": {"court"}}.Encode()).Want(t, http.StatusUnprocessableEntity)
	ok := v.post(t, pathN, url.Values{"password": {"une longue phrase secrète"}, "confirm": {"une longue phrase secrète"}}.Encode())
	if ok.Want(t, http.StatusSeeOther); ok.Header.Get("Location") != "/dashboard?joined=1" || v.session == "" {
		t.Errorf("accepted with a password: %q, signed in: %v", ok.Header.Get("Location"), v.session != "")
	}
	if _, err := e.accounts.Authenticate(ctx, fresh, "une longue phrase secrète"); err != nil {
		t.Errorf("the chosen password does not sign in: %v", err)
	}
	v.post(t, pathN, url.Values{"password": {"une longue phrase secrète"}, "confirm": {"une longue phrase secrète"}}.Encode()).Want(t, http.StatusNotFound)
	if ms, _ := e.svc.CohortMembers(ctx, tr, cid(t, co), "fr"); len(ms) != 2 {
		t.Errorf("%d members, want the 2 who accepted", len(ms))
	}
}
