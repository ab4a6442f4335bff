package cohorts

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

var joinURL = regexp.MustCompile(`^` + regexp.QuoteMeta(baseURL) + `/join/[a-z2-7]{26}$`)

func TestCohortAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ta, tb := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	e.Course("traite-101", 1, nil)
	body := map[string]any{"name": "Traite — Rabat", "starts_on": "2026-12-01", "ends_on": "2026-12-05", "place": "Rabat",
		"course_slugs": []string{"traite-101"}}

	var co Cohort
	e.As(ta).Post("/api/v1/cohorts", body).Want(t, http.StatusCreated).JSON(t, &co)
	if co.Name != "Traite — Rabat" || len(co.Courses) != 1 || co.Courses[0].Slug != "traite-101" || !joinURL.MatchString(co.InviteURL) {
		t.Errorf("created %+v", co)
	}
	id := co.ID
	for field, b := range map[string]map[string]any{
		"name":         {"starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{"traite-101"}},
		"ends_on":      {"name": "x", "starts_on": "2026-12-05", "ends_on": "2026-12-01", "course_slugs": []string{"traite-101"}},
		"course_slugs": {"name": "x", "starts_on": "2026-12-01", "ends_on": "2026-12-02", "course_slugs": []string{"nope"}},
	} {
		e.As(ta).Post("/api/v1/cohorts", b).WantProblem(t, http.StatusBadRequest, field)
	}
	e.As(tb).Post("/api/v1/cohorts", body).Want(t, http.StatusCreated)

	list := func(u models.User) int {
		var out struct{ Items []Cohort }
		e.As(u).Get("/api/v1/cohorts").Want(t, http.StatusOK).JSON(t, &out)
		for _, c := range out.Items {
			if !joinURL.MatchString(c.InviteURL) {
				t.Errorf("listed without its link: %+v", c)
			}
		}
		return len(out.Items)
	}
	if a, b, all := list(ta), list(tb), list(admin); a != 1 || b != 1 || all != 2 {
		t.Errorf("trainer A sees %d, trainer B %d, the admin %d; want 1, 1, 2", a, b, all)
	}

	// Someone else's cohort does not exist; trainees are refused; visitors must sign in.
	members := map[string]any{"members": []map[string]any{{"name": "X", "email": "x@example.org", "profession": "police"}}}
	for _, r := range []webtest.Response{
		e.As(tb).Get("/api/v1/cohorts/" + id),
		e.As(tb).Do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"name": "pris"}),
		e.As(tb).Post("/api/v1/cohorts/"+id+"/members", members),
		e.As(tb).Do("POST", "/api/v1/cohorts/"+id+"/members", "name,email,profession\r\n", "Content-Type", "text/csv"),
		e.As(tb).Get("/api/v1/cohorts/" + id + "/members"),
		e.As(tb).Do("DELETE", "/api/v1/cohorts/"+id+"/members/"+itoa(trainee.ID), nil),
		e.As(ta).Get("/api/v1/cohorts/999999"),
		e.As(ta).Get("/api/v1/cohorts/abc"),
		e.As(ta).Do("DELETE", "/api/v1/cohorts/"+id+"/members/abc", nil),
	} {
		r.WantProblem(t, http.StatusNotFound)
	}
	for _, r := range []webtest.Response{
		e.As(trainee).Get("/api/v1/cohorts"),
		e.As(trainee).Post("/api/v1/cohorts", body),
		e.As(trainee).Get("/api/v1/cohorts/" + id),
		e.As(trainee).Post("/api/v1/cohorts/"+id+"/members", members),
	} {
		r.WantProblem(t, http.StatusForbidden)
	}
	e.Anonymous().Get("/api/v1/cohorts").WantProblem(t, http.StatusUnauthorized)
	if n := e.count(t, "cohort_invitations", ""); n != 0 {
		t.Errorf("%d invitations made by refused requests", n)
	}

	var up Cohort
	e.As(ta).Do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"name": "Rabat (2)", "ends_on": "2026-12-06"}).Want(t, http.StatusOK).JSON(t, &up)
	if up.Name != "Rabat (2)" || up.EndsOn != "2026-12-06" || up.StartsOn != "2026-12-01" || up.InviteURL != co.InviteURL {
		t.Errorf("after PATCH: %+v", up)
	}
	e.As(ta).Do("PATCH", "/api/v1/cohorts/"+id, map[string]any{"ends_on": "2026-11-01"}).WantProblem(t, 400, "ends_on")
	e.As(admin).Get("/api/v1/cohorts/"+id).Want(t, http.StatusOK)

	// Joining by the cohort's link through the API; twice is not twice.
	token := co.InviteURL[strings.LastIndex(co.InviteURL, "/")+1:]
	var joined struct {
		Cohort Cohort
		Joined bool
	}
	e.As(trainee).Post("/api/v1/cohorts/join/"+token, nil).Want(t, http.StatusOK).JSON(t, &joined)
	if !joined.Joined || joined.Cohort.MemberCount != 1 {
		t.Errorf("join: %+v", joined)
	}
	e.As(trainee).Post("/api/v1/cohorts/join/"+token, nil).Want(t, http.StatusOK).JSON(t, &joined)
	if joined.Joined {
		t.Error("joining twice says joined")
	}
	e.As(trainee).Post("/api/v1/cohorts/join/"+strings.Repeat("a", 26), nil).WantProblem(t, http.StatusNotFound)
	e.Anonymous().Post("/api/v1/cohorts/join/"+token, nil).WantProblem(t, http.StatusUnauthorized)

	var ms struct {
		Items       []Member
		Invitations []InvitedPerson
	}
	e.As(ta).Get("/api/v1/cohorts/"+id+"/members").Want(t, http.StatusOK).JSON(t, &ms)
	if len(ms.Items) != 1 || ms.Items[0].UserID != itoa(trainee.ID) || len(ms.Invitations) != 0 {
		t.Errorf("members %+v", ms)
	}
	e.As(ta).Do("DELETE", "/api/v1/cohorts/"+id+"/members/"+itoa(trainee.ID), nil).Want(t, http.StatusNoContent)
	e.As(ta).Do("DELETE", "/api/v1/cohorts/"+id+"/members/"+itoa(trainee.ID), nil).WantProblem(t, http.StatusNotFound)
}

// TestImportAPI: a list as JSON or CSV; a trainer's rows each get a
// personal link and never a set-password link (SECURITY.md finding M4); an
// admin's created accounts get a set-password link that opens that account.
func TestImportAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, admin, known := e.User("Nadia", models.RoleTrainer), e.User("Admin", models.RoleAdmin), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	coT, coA := e.cohort(t, tr, "traite-101"), e.cohort(t, admin, "traite-101")
	inviteURL := regexp.MustCompile(`^` + regexp.QuoteMeta(baseURL) + `/invite/([a-z2-7]{26})$`)
	setURL := regexp.MustCompile(`^` + regexp.QuoteMeta(baseURL) + `/set-password/(\S+)$`)

	// A trainer's list: the same row for an address with an account and one without.
	var rep ImportReport
	e.As(tr).Do("POST", "/api/v1/cohorts/"+coT.ID+"/members", "name;email;profession\r\nNom saisi;"+known.Email+";Police\r\nNom saisi;nouvelle@example.org;police\r\n;bad;police\r\n",
		"Content-Type", "text/csv; charset=utf-8").Want(t, http.StatusOK).JSON(t, &rep)
	if rep.Invited != 2 || rep.Created != 0 || rep.Matched != 0 || len(rep.Rejected) != 1 || rep.Rejected[0].Message == "" {
		t.Fatalf("report %+v", rep)
	}
	a, b := rep.Rows[0], rep.Rows[1]
	if !inviteURL.MatchString(a.InviteURL) || !inviteURL.MatchString(b.InviteURL) || a.SetPasswordURL != "" || b.SetPasswordURL != "" ||
		a.Status != b.Status || a.Message != b.Message {
		t.Errorf("trainer rows: %+v %+v", a, b)
	}
	// Someone already a member is told apart only because the trainer sees them in the cohort.
	if _, _, err := e.svc.JoinCohort(ctx, known, coT.Token(), "test", "fr"); err != nil {
		t.Fatal(err)
	}
	rep = ImportReport{} // (decoding into a used value keeps the fields the new body leaves out)
	e.As(tr).Post("/api/v1/cohorts/"+coT.ID+"/members", map[string]any{"members": []map[string]any{{"name": "A", "email": known.Email, "profession": "police"}}}).
		Want(t, http.StatusOK).JSON(t, &rep)
	if rep.Rows[0].Status != RowMember || rep.Rows[0].Message == "" || rep.Rows[0].InviteURL != "" {
		t.Errorf("a member in a list: %+v", rep.Rows[0])
	}

	// An admin's list: set-password links for the accounts it created only.
	rep = ImportReport{}
	e.As(admin).Post("/api/v1/cohorts/"+coA.ID+"/members", map[string]any{"members": []map[string]any{
		{"name": "Amina", "email": known.Email, "profession": "police"},
		{"name": "Sara", "email": "sara@example.org", "profession": "judiciary"},
	}}).Want(t, http.StatusOK).JSON(t, &rep)
	if rep.Created != 1 || rep.Matched != 1 || rep.Rows[0].SetPasswordURL != "" || rep.Rows[0].InviteURL != "" {
		t.Fatalf("admin report %+v", rep)
	}
	m := setURL.FindStringSubmatch(rep.Rows[1].SetPasswordURL)
	if m == nil {
		t.Fatalf("no set-password link for the created account: %+v", rep.Rows[1])
	}
	if u, err := e.accounts.TokenUser(ctx, m[1]); err != nil || u.Email != "sara@example.org" {
		t.Errorf("the set-password link opens %+v (%v)", u, err)
	}

	// Bad lists are refused whole.
	for _, c := range []struct {
		body  any
		ctype string
		field string
	}{
		{map[string]any{"members": []any{}}, "", "members"},
		{"name,email\nA,a@example.org\n", "text/csv", ""},
		{"", "text/csv", ""},
	} {
		var r webtest.Response
		if c.ctype != "" {
			r = e.As(tr).Do("POST", "/api/v1/cohorts/"+coT.ID+"/members", c.body, "Content-Type", c.ctype)
		} else {
			r = e.As(tr).Post("/api/v1/cohorts/"+coT.ID+"/members", c.body)
		}
		r.WantProblem(t, http.StatusBadRequest, c.field)
	}
	many := make([]map[string]any, maxMemberRows+1)
	for i := range many {
		many[i] = map[string]any{"name": "P", "email": "p@example.org", "profession": "police"}
	}
	e.As(tr).Post("/api/v1/cohorts/"+coT.ID+"/members", map[string]any{"members": many}).WantProblem(t, http.StatusBadRequest, "members")
}

// TestSetPasswordLinksNeedAccounts: where the accounts service is missing
// (cohorts mounted alone), an admin's import still works, without links.
func TestSetPasswordLinksNeedAccounts(t *testing.T) {
	t.Parallel()
	w := webtest.New(t)
	e := mount(t, w, Env{BaseURL: baseURL}, nil)
	admin := e.User("Admin", models.RoleAdmin)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, admin, "traite-101")
	var rep ImportReport
	e.As(admin).Post("/api/v1/cohorts/"+co.ID+"/members", map[string]any{"members": []map[string]any{
		{"name": "Sara", "email": "sara@example.org", "profession": "police"}}}).Want(t, http.StatusOK).JSON(t, &rep)
	if rep.Created != 1 || rep.Rows[0].SetPasswordURL != "" {
		t.Errorf("without accounts: %+v", rep)
	}
	// Nor can a visitor register through the join page.
	e.Anonymous().Do("POST", "/join/"+co.Token(), "name=x", "Content-Type", "application/x-www-form-urlencoded").Want(t, http.StatusUnauthorized)
}

// TestMyInvitationsAPI: the invited person lists and answers their
// invitations; another person's is not found.
func TestMyInvitationsAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, amina, karim := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee), e.User("Karim", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	if _, err := e.svc.ImportMembers(ctx, tr, cid(t, co), []MemberInput{person("Amina", amina.Email), person("Karim", karim.Email)}, "fr"); err != nil {
		t.Fatal(err)
	}
	var mine struct{ Items []Invitation }
	e.As(amina).Get("/api/v1/me/invitations").Want(t, http.StatusOK).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Cohort != co.Name || mine.Items[0].InvitedBy != "Nadia" || mine.Items[0].Email != amina.Email {
		t.Fatalf("my invitations: %+v", mine)
	}
	iid := mine.Items[0].ID
	e.As(karim).Post("/api/v1/me/invitations/"+iid+"/accept", nil).WantProblem(t, http.StatusNotFound)
	e.As(amina).Post("/api/v1/me/invitations/"+iid+"/accept", nil).Want(t, http.StatusNoContent)
	e.As(amina).Post("/api/v1/me/invitations/"+iid+"/decline", nil).WantProblem(t, http.StatusNotFound)
	if !e.enrolled(t, amina.ID, "traite-101") {
		t.Error("accepting through the API did not enrol")
	}
	e.As(karim).Get("/api/v1/me/invitations").Want(t, http.StatusOK).JSON(t, &mine)
	r := e.As(karim).Post("/invitations/"+mine.Items[0].ID+"/decline", nil).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/dashboard?declined=1" {
		t.Errorf("declining from the dashboard goes to %q", loc)
	}
	e.Anonymous().Get("/api/v1/me/invitations").WantProblem(t, http.StatusUnauthorized)
}
