package certs

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tadrib/certs/credential/credtest"
	"tadrib/models"
)

func issueBody(slug string, holders ...map[string]any) map[string]any {
	hs := make([]any, len(holders))
	for i, h := range holders {
		hs[i] = h
	}
	return map[string]any{"course_slug": slug, "holders": hs}
}

// A trainer certifies an in-person session of their own course only, and by
// email only the course's trainees: any other address, with an account or
// not, gets the same refusal (SECURITY.md M4). An admin finds any account.
// One bad holder and nothing is issued.
func TestIssueInPerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	trainee := e.trainee(t, "Nadia", "نادية")
	stranger := e.trainee(t, "Inconnue", "مجهولة")
	c := e.course(t, "traite-101", &tr, trainee)
	issue := func(who models.User, body map[string]any) []byte {
		return []byte(e.As(who).Post("/api/v1/certificates/issue", body).Body)
	}

	withAccount := e.As(tr).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"email": stranger.Email})).WantProblem(t,
		http.StatusBadRequest, "holders[0].email")
	without := e.As(tr).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"email": "personne@example.org"})).WantProblem(t,
		http.StatusBadRequest, "holders[0].email")
	if withAccount.Detail != without.Detail || len(withAccount.Errors) != len(without.Errors) {
		t.Errorf("the refusal differs for an address with an account: %+v / %+v", withAccount, without)
	}
	if b := issue(tr, issueBody("traite-101", map[string]any{"email": stranger.Email})); strings.Contains(string(b), stranger.Name) {
		t.Error("the refusal names the stranger")
	}

	for _, tc := range []struct {
		name  string
		who   models.User
		body  map[string]any
		field string
	}{
		{"another trainer's course", e.User("Autre", models.RoleTrainer), issueBody("traite-101", map[string]any{"email": trainee.Email}), "course_slug"},
		{"no such course", tr, issueBody("nulle-part", map[string]any{"email": trainee.Email}), "course_slug"},
		{"nobody", tr, issueBody("traite-101"), "holders"},
		{"no profession", tr, issueBody("traite-101", map[string]any{"email": trainee.Email}, map[string]any{"name": "Sans profession"}), "holders[1].profession"},
		{"no name", tr, issueBody("traite-101", map[string]any{"profession": "police"}), "holders[0].name"},
		{"a name too long", tr, issueBody("traite-101", map[string]any{"name": strings.Repeat("a", 201), "profession": "police"}), "holders[0].name"},
		{"a control character", tr, issueBody("traite-101", map[string]any{"name": "Ali", "name_ar": "علي\u202e", "profession": "police"}), "holders[0].name_ar"},
		{"twice the same", tr, issueBody("traite-101", map[string]any{"email": trainee.Email}, map[string]any{"email": strings.ToUpper(trainee.Email)}), "holders[1].email"},
		{"a future date", tr, map[string]any{"course_slug": "traite-101", "date": "2999-01-01", "holders": []any{map[string]any{"email": trainee.Email}}}, "date"},
		{"not a date", tr, map[string]any{"course_slug": "traite-101", "date": "hier", "holders": []any{map[string]any{"email": trainee.Email}}}, "date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.As(tc.who).Post("/api/v1/certificates/issue", tc.body).WantProblem(t, http.StatusBadRequest, tc.field)
		})
	}
	// A name the certificate's fonts cannot draw is the client's to fix (422), not a 500.
	e.As(tr).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"name": "Amina 😀", "profession": "police"})).WantProblem(t,
		http.StatusUnprocessableEntity, "holders[0].name")
	e.As(trainee).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"name": "X", "profession": "police"})).WantProblem(t, http.StatusForbidden)
	if n := e.count(t, "course_id = ?", c.ID); n != 0 {
		t.Fatalf("refused requests issued %d certificates", n)
	}

	var out struct{ Items []JSON }
	e.As(tr).Post("/api/v1/certificates/issue", map[string]any{"course_slug": "traite-101", "date": "2025-06-30", "holders": []any{
		map[string]any{"email": " " + strings.ToUpper(trainee.Email)},
		map[string]any{"name": " Youssef\n Alaoui ", "name_ar": "يوسف العلوي", "profession": "judiciary"},
	}}).Want(t, http.StatusCreated).JSON(t, &out)
	if len(out.Items) != 2 {
		t.Fatalf("issued %d, want 2", len(out.Items))
	}
	acc, named := out.Items[0], out.Items[1]
	if acc.Holder.Name != "Nadia" || acc.Holder.NameAr != "نادية" || !acc.HasAccount || acc.IssuedAt.Format("2006-01-02") != "2025-06-30" {
		t.Errorf("the account's certificate: %+v", acc)
	}
	if named.Holder.Name != "Youssef Alaoui" || named.Holder.NameAr != "يوسف العلوي" || named.HasAccount || named.Profession != "judiciary" {
		t.Errorf("the named holder's certificate: %+v", named)
	}
	for _, j := range out.Items {
		if e.audits(t, "certificate.issue", "certificate:"+j.Code) != 1 {
			t.Errorf("issuance of %s not audited", j.Code)
		}
	}
	var mine struct{ Items []JSON }
	e.As(trainee).Get("/api/v1/me/certificates").Want(t, http.StatusOK).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Code != acc.Code {
		t.Errorf("the trainee sees %+v", mine.Items)
	}
	// Certified already: a second issuance names the holder.
	e.As(tr).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"email": trainee.Email})).WantProblem(t, http.StatusBadRequest, "holders[0].email")

	// An admin finds any account, enrolled or not.
	var byAdmin struct{ Items []JSON }
	e.As(e.User("Admin", models.RoleAdmin)).Post("/api/v1/certificates/issue", issueBody("traite-101", map[string]any{"email": stranger.Email})).
		Want(t, http.StatusCreated).JSON(t, &byAdmin)
	if len(byAdmin.Items) != 1 || byAdmin.Items[0].Holder.NameAr != "مجهولة" {
		t.Errorf("admin issuance: %+v", byAdmin.Items)
	}
}

// Two in-person requests certifying one account at once: the second finds
// the one-live index taken and answers 409, issuing nothing.
func TestIssueInPersonConflict(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	u := e.trainee(t, "Nadia", "")
	c := e.course(t, "traite-101", &tr, u)
	var fired atomic.Bool
	onCertificateInsert(t, e, func(tx *gorm.DB, cert *models.Certificate) {
		if cert.UserID != nil && !fired.Swap(true) {
			w := *cert
			w.Code, w.StatusIndex = NewCode(), (cert.StatusIndex+1)%131072
			if err := tx.Session(&gorm.Session{NewDB: true}).Create(&w).Error; err != nil {
				t.Errorf("the concurrent insert: %v", err)
			}
		}
	})
	e.As(tr).Post("/api/v1/certificates/issue", issueBody("traite-101",
		map[string]any{"name": "Sans compte", "profession": "police"}, map[string]any{"email": u.Email})).WantProblem(t, http.StatusConflict)
	if n := e.count(t, "course_id = ?", c.ID); n != 0 {
		t.Errorf("%d certificates after the conflict: all or none", n)
	}
}

// A correction supersedes: a new code with the corrected name, the same
// course, hours and dates; the old one says superseded and points to it,
// and its status bit is set. Only once, by the course's staff.
func TestReissueSupersedes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	tr := e.User("Formatrice", models.RoleTrainer)
	u := e.trainee(t, "Nadia Tazy", "نادية التازي")
	c := e.course(t, "traite-101", &tr, u)
	old := e.claimed(t, u, "traite-101")
	// The course's title changes after issuance; the correction keeps the certified one.
	if err := e.DB.W.Model(&models.CourseText{}).Where("course_id = ?", c.ID).Update("title", "Nouveau titre").Error; err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/certificates/" + old.Code + "/reissue"
	e.As(tr).Post(path, map[string]any{"name": "Nadia Tazi"}).WantProblem(t, http.StatusBadRequest, "reason")
	e.As(tr).Post(path, map[string]any{"name": " ", "reason": "Nom"}).WantProblem(t, http.StatusBadRequest, "name")
	e.As(e.User("Autre", models.RoleTrainer)).Post(path, map[string]any{"name": "X", "reason": "Nom"}).WantProblem(t, http.StatusNotFound)
	e.As(u).Post(path, map[string]any{"name": "X", "reason": "Nom"}).WantProblem(t, http.StatusForbidden)

	e.clock.add(24 * time.Hour)
	var next JSON
	e.As(tr).Post(path, map[string]any{"name": "Nadia Tazi", "reason": "Nom mal orthographié"}).Want(t, http.StatusCreated).JSON(t, &next)
	if next.Code == old.Code || next.Holder.Name != "Nadia Tazi" || next.Holder.NameAr != "نادية التازي" ||
		next.Course.Title != "Cours traite-101" || !next.IssuedAt.Equal(old.IssuedAt) || next.Hours != old.Hours {
		t.Errorf("reissued %+v, from %+v", next, old)
	}
	var v Verification
	verifyJSON(e, old.Code).Want(t, http.StatusOK).JSON(t, &v)
	if v.Status != models.CertSuperseded || v.SupersededBy == nil || *v.SupersededBy != next.Code {
		t.Errorf("the old certificate: %+v", v)
	}
	page := e.as(nil, "fr").Get("/verify/"+old.Code).Want(t, http.StatusOK)
	page.WantPage(t, "fr", e.Catalog.T("fr", "verify.status.superseded"), `/verify/`+next.Code)
	if !credtest.StatusBit(t, e.statusList(t), e.statusIndex(t, old.Code)) || credtest.StatusBit(t, e.statusList(t), e.statusIndex(t, next.Code)) {
		t.Error("the status list does not mark the superseded certificate only")
	}
	if e.audits(t, "certificate.reissue", "certificate:"+old.Code) != 1 {
		t.Error("the correction is not audited")
	}
	e.As(tr).Post(path, map[string]any{"name": "Encore", "reason": "Nom"}).WantProblem(t, http.StatusConflict)
	if _, err := e.svc.Reissue(ctx, tr, old.Code, ReissueIn{Reason: "Nom"}, "fr"); !errors.Is(err, ErrFinal) {
		t.Errorf("reissuing a superseded certificate: %v, want ErrFinal", err)
	}
	// The holder's current code is the new one, everywhere it is listed.
	codes, _ := NewCodes(e.DB).CodesByCourse(ctx, u.ID)
	held, err := e.svc.HeldCodes(ctx, c.ID)
	if err != nil || codes[c.ID] != next.Code || held[u.ID] != next.Code {
		t.Errorf("current code: progress %q, report %q (%v), want %q", codes[c.ID], held[u.ID], err, next.Code)
	}
	// A revoked certificate is not corrected.
	if _, err := e.svc.Revoke(ctx, tr, next.Code, "Fraude", "fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reissue(ctx, tr, next.Code, ReissueIn{Reason: "Nom"}, "fr"); !errors.Is(err, ErrFinal) {
		t.Errorf("reissuing a revoked certificate: %v, want ErrFinal", err)
	}
	// Revoking the correction does not bring back, in the report, the
	// certificate it replaced; the trainee's progress still names the
	// revoked one, whose page says so.
	codes, _ = NewCodes(e.DB).CodesByCourse(ctx, u.ID)
	held, _ = e.svc.HeldCodes(ctx, c.ID)
	if code, ok := held[u.ID]; ok || codes[c.ID] != next.Code {
		t.Errorf("after the correction's revocation: report %q, progress %q (want none, %q)", code, codes[c.ID], next.Code)
	}
}

// The register lists the certificates a trainer may manage (their courses'),
// an admin all; by name in either script, by code, by course and dates.
func TestRegisterSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	other := e.User("Autre", models.RoleTrainer)
	admin := e.User("Admin", models.RoleAdmin)
	a := e.trainee(t, "Youssef Alaoui", "يوسف العلوي")
	b := e.trainee(t, "Sara 100%_Bennis", "")
	e.course(t, "traite-101", &tr, a, b)
	e.course(t, "autre", &other, a)
	ja := e.claimed(t, a, "traite-101")
	e.clock.add(48 * time.Hour)
	e.claimed(t, b, "traite-101")
	e.claimed(t, a, "autre")

	for q, want := range map[string]int{
		"": 2, "q=alaoui": 1, "q=يوسف": 1, "q=" + url.QueryEscape(strings.ToLower(Group(ja.Code))): 1, "q=%25": 1, "q=_": 1, "q=zzz": 0,
		"course=traite-101": 2, "course=autre": 0, "from=2026-03-03": 1, "to=2026-03-03": 1, "from=2026-03-05": 0,
	} {
		var got struct{ Items []JSON }
		e.As(tr).Get("/api/v1/certificates?"+q).Want(t, http.StatusOK).JSON(t, &got)
		if len(got.Items) != want {
			t.Errorf("register ?%s: %d items, want %d", q, len(got.Items), want)
		}
	}
	var all struct{ Items []JSON }
	e.As(admin).Get("/api/v1/certificates").Want(t, http.StatusOK).JSON(t, &all)
	if len(all.Items) != 3 || all.Items[0].Course.Slug != "autre" {
		t.Errorf("the admin's register: %d items, newest first %+v", len(all.Items), all.Items)
	}
	e.As(tr).Get("/api/v1/certificates?to=31/12/2026").WantProblem(t, http.StatusBadRequest, "to")
	e.As(a).Get("/api/v1/certificates").WantProblem(t, http.StatusForbidden)
	if _, err := e.svc.Search(context.Background(), a, Filter{}, "fr"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("a trainee's search: %v", err)
	}
	refs, err := e.svc.ManagedCourses(context.Background(), tr, "fr")
	if err != nil || len(refs) != 1 || refs[0].Slug != "traite-101" || refs[0].Title != "Cours traite-101" {
		t.Errorf("ManagedCourses = %+v, %v", refs, err)
	}
}
