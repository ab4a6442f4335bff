package certs

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

// A certificate is issued only for a complete course: until then the claim
// lists what is left (lessons, the quiz, enrolment, prerequisites) and
// stores nothing.
func TestClaimOnlyWhenComplete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	u := e.trainee(t, "Nadia", "نادية")
	c := e.course(t, "traite-101", nil, u)
	e.courses.quizID = "7"

	_, created, missing, err := e.svc.Claim(ctx, u, "traite-101", "fr")
	if err != nil || created {
		t.Fatalf("claim of an unfinished course: created %v, %v", created, err)
	}
	kinds := map[string]int{}
	for _, m := range missing {
		kinds[m.Kind]++
		if m.Title == "" || m.URL == "" {
			t.Errorf("missing entry without title or url: %+v", m)
		}
	}
	if kinds["lesson"] != 2 || kinds["quiz"] != 1 || len(missing) != 3 {
		t.Fatalf("missing %+v, want 2 lessons and the quiz", missing)
	}
	if n := e.count(t, "course_id = ?", c.ID); n != 0 {
		t.Fatalf("%d certificates stored for an unfinished course", n)
	}

	// Through HTTP: 422 problem+json carrying the list.
	r := e.As(u).Post("/api/v1/courses/traite-101/certificate", nil)
	r.WantProblem(t, http.StatusUnprocessableEntity)
	var p struct{ Missing []Missing }
	r.JSON(t, &p)
	if len(p.Missing) != 3 {
		t.Errorf("the 422 lists %d things, want 3: %+v", len(p.Missing), p.Missing)
	}
	// A course that does not exist (or that the viewer may not see) is 404.
	if _, _, _, err := e.svc.Claim(ctx, u, "no-such-course", "fr"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown course: %v, want ErrNotFound", err)
	}
	e.As(u).Post("/api/v1/courses/no-such-course/certificate", nil).WantProblem(t, http.StatusNotFound)
	e.Anonymous().Post("/api/v1/courses/traite-101/certificate", nil).Want(t, http.StatusUnauthorized)

	// Not enrolled, and a prerequisite not completed: both are named.
	e.courses.notEnrolled[key(u.ID, "traite-101")] = true
	e.courses.prereqs["traite-101"] = []courses.PrerequisiteItem{{Slug: "bases", Title: "Les bases", Completed: false}}
	_, _, missing, _ = e.svc.Claim(ctx, u, "traite-101", "fr")
	if len(missing) != 5 || missing[0].Kind != "course" || missing[0].URL != "/courses/bases" || missing[1].Kind != "enrolment" {
		t.Errorf("missing %+v, want the prerequisite first, then the enrolment", missing)
	}
	delete(e.courses.notEnrolled, key(u.ID, "traite-101"))
	e.courses.prereqs["traite-101"][0].Completed = true

	e.courses.complete(u, "traite-101", e.clock.now())
	j, created, missing, err := e.svc.Claim(ctx, u, "traite-101", "fr")
	if err != nil || !created || missing != nil {
		t.Fatalf("claim of a complete course: created %v, missing %v, %v", created, missing, err)
	}
	if j.Status != models.CertValid || j.Course.Slug != "traite-101" || j.IssuedAt != e.clock.now() {
		t.Errorf("certificate %+v, want valid, issued now (the injected clock)", j)
	}
}

// An essay waiting for its grade is named as such: nothing is left for the
// trainee to do.
func TestEligibilityMarksQuizzesAwaitingGrading(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia", "")
	c := e.course(t, "essai", nil, u)
	q := models.Quiz{ModuleID: c.Modules[0].ID, Title: "Quiz", PassMark: 70, Review: "after_submit", CreatedAt: e.clock.now(), UpdatedAt: e.clock.now()}
	if err := e.DB.W.Create(&q).Error; err != nil {
		t.Fatal(err)
	}
	e.courses.quizID = strconv.FormatInt(q.ID, 10)
	_, missing, err := e.svc.Eligibility(context.Background(), u, "essai", "fr")
	if err != nil || len(missing) != 3 || missing[2].AwaitingGrading {
		t.Fatalf("before any attempt: %+v, %v", missing, err)
	}
	at := models.Attempt{QuizID: q.ID, UserID: u.ID, AttemptNo: 1, Status: models.AttemptSubmitted, StartedAt: e.clock.now(), Snapshot: "{}", PendingManual: true}
	if err := e.DB.W.Create(&at).Error; err != nil {
		t.Fatal(err)
	}
	_, missing, err = e.svc.Eligibility(context.Background(), u, "essai", "fr")
	if err != nil || missing[2].Kind != "quiz" || !missing[2].AwaitingGrading || missing[0].AwaitingGrading {
		t.Errorf("after a submitted essay: %+v, %v; want the quiz awaiting grading", missing, err)
	}
}

// One live certificate per trainee and course: asking again returns the same
// one (200, not 201), and a revoked one is not replaced by asking again.
func TestClaimIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	u := e.trainee(t, "Nadia Tazi", "نادية التازي")
	c := e.course(t, "traite-101", &tr, u)
	e.courses.complete(u, "traite-101", e.clock.now())

	var first, again JSON
	e.As(u).Post("/api/v1/courses/traite-101/certificate", nil).Want(t, http.StatusCreated).JSON(t, &first)
	e.As(u).Post("/api/v1/courses/traite-101/certificate", nil).Want(t, http.StatusOK).JSON(t, &again)
	if first.Code == "" || again.Code != first.Code {
		t.Fatalf("second claim gave %q, first %q", again.Code, first.Code)
	}
	if _, ok := Normalize(first.Code); !ok || first.CodeGrouped != Group(first.Code) {
		t.Errorf("code %q (%q) is not a well-formed code", first.Code, first.CodeGrouped)
	}
	// Both names are printed, and the URLs start with the base URL.
	if first.Holder.Name != "Nadia Tazi" || first.Holder.NameAr != "نادية التازي" || !first.HasAccount {
		t.Errorf("holder %+v, want both names", first.Holder)
	}
	if first.VerifyURL != testBaseURL+"/verify/"+first.Code || first.PDFURL != testBaseURL+"/api/v1/certificates/"+first.Code+"/pdf" {
		t.Errorf("urls %q %q", first.VerifyURL, first.PDFURL)
	}
	if n := e.count(t, "course_id = ? AND user_id = ?", c.ID, u.ID); n != 1 {
		t.Fatalf("%d certificates for one trainee and course", n)
	}
	var mine struct{ Items []JSON }
	e.As(u).Get("/api/v1/me/certificates").Want(t, http.StatusOK).JSON(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].Code != first.Code {
		t.Errorf("/me/certificates = %+v", mine.Items)
	}
	codes, err := NewCodes(e.DB).CodesByCourse(context.Background(), u.ID)
	if err != nil || codes[c.ID] != first.Code {
		t.Errorf("CodesByCourse = %v, %v", codes, err)
	}

	if _, err := e.svc.Revoke(context.Background(), tr, first.Code, "Fraude", "fr"); err != nil {
		t.Fatal(err)
	}
	var after JSON
	e.As(u).Post("/api/v1/courses/traite-101/certificate", nil).Want(t, http.StatusOK).JSON(t, &after)
	if after.Code != first.Code || after.Status != models.CertRevoked {
		t.Errorf("claim after revocation: %+v, want the revoked certificate", after)
	}
	if n := e.count(t, "course_id = ?", c.ID); n != 1 {
		t.Errorf("asking again after a revocation issued another certificate (%d rows)", n)
	}
}

// onCertificateInsert runs f before each certificate row is inserted, in the
// inserting transaction: it stands for what another request did meanwhile.
func onCertificateInsert(t *testing.T, e *env, f func(tx *gorm.DB, c *models.Certificate)) {
	t.Helper()
	err := e.DB.W.Callback().Create().Before("gorm:create").Register("test:certificate_insert", func(tx *gorm.DB) {
		if c, ok := tx.Statement.Dest.(*models.Certificate); ok {
			f(tx, c)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A new code that happens to be taken (130 random bits: it will not, but the
// unique index is what makes it impossible) is drawn again, not a 500.
func TestClaimRetriesOnACodeCollision(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	other := e.trainee(t, "Omar", "")
	u := e.trainee(t, "Nadia", "")
	e.course(t, "traite-101", nil, other, u)
	taken := e.claimed(t, other, "traite-101").Code

	var inserts atomic.Int32
	onCertificateInsert(t, e, func(_ *gorm.DB, c *models.Certificate) {
		if inserts.Add(1) == 1 {
			c.Code = taken // the first draw collides
		}
	})
	e.courses.complete(u, "traite-101", e.clock.now())
	j, created, _, err := e.svc.Claim(context.Background(), u, "traite-101", "fr")
	if err != nil || !created {
		t.Fatalf("claim after a collision: created %v, %v", created, err)
	}
	if inserts.Load() != 2 || j.Code == taken {
		t.Errorf("%d inserts, code %q (taken %q): want a second draw with a new code", inserts.Load(), j.Code, taken)
	}
	if n := e.count(t, "code = ?", j.Code); n != 1 {
		t.Errorf("the returned code is stored %d times", n)
	}
	if v, err := e.svc.Verify(context.Background(), taken, "fr"); err != nil || v.Holder.Name != "Omar" {
		t.Errorf("the first holder's certificate changed: %+v, %v", v.Holder, err)
	}
}

// Two claims at once: the one that loses the race on the one-live index
// reads again and returns the winner's certificate (SECURITY.md C5). The
// winner's row is committed while the loser builds its own: between its
// look-up and its insert, when it looks for a free status list index.
func TestClaimRaceReturnsTheCertificateAlreadyIssued(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia", "")
	c := e.course(t, "traite-101", nil, u)
	var winner models.Certificate
	var fired atomic.Bool
	err := e.DB.R.Callback().Query().After("gorm:query").Register("test:concurrent_claim", func(tx *gorm.DB) {
		if tx.Statement.Table != "certificates" || !strings.Contains(tx.Statement.SQL.String(), "status_index") || fired.Swap(true) {
			return
		}
		now := e.clock.now()
		winner = models.Certificate{Code: NewCode(), CourseID: c.ID, UserID: &u.ID, HolderName: u.Name, Locale: "fr",
			CourseTitle: "Cours", IssuedAt: now, StatusIndex: 5, CreatedAt: now}
		if err := e.DB.W.Session(&gorm.Session{NewDB: true}).Create(&winner).Error; err != nil {
			t.Errorf("the concurrent insert: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	e.courses.complete(u, "traite-101", e.clock.now())
	j, created, _, err := e.svc.Claim(context.Background(), u, "traite-101", "fr")
	if err != nil || created || winner.Code == "" || j.Code != winner.Code {
		t.Fatalf("claim that lost the race: %q created %v, %v; want the winner's %q", j.Code, created, err, winner.Code)
	}
	if n := e.count(t, "user_id = ?", u.ID); n != 1 {
		t.Errorf("%d certificates after the race, want 1", n)
	}
}

// A certificate of a course with a validity expires, by the injected clock.
func TestCertificateExpiresAfterTheCoursesValidity(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia", "")
	c := e.course(t, "traite-101", nil, u)
	if err := e.DB.W.Model(&c).Update("validity_days", 30).Error; err != nil {
		t.Fatal(err)
	}
	j := e.claimed(t, u, "traite-101")
	if j.ExpiresAt == nil || !j.ExpiresAt.Equal(e.clock.now().AddDate(0, 0, 30)) {
		t.Fatalf("expires_at %v, want 30 days after issuance", j.ExpiresAt)
	}
	e.clock.add(30*24*time.Hour - time.Second)
	if v, _ := e.svc.Verify(context.Background(), j.Code, "fr"); v.Status != models.CertValid {
		t.Errorf("the day before: %s", v.Status)
	}
	e.clock.add(time.Second)
	if v, _ := e.svc.Verify(context.Background(), j.Code, "fr"); v.Status != models.CertExpired {
		t.Errorf("on the last instant: %s, want expired", v.Status)
	}
}
