package cohorts

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"tadrib/courses"
	"tadrib/internal/accounts"
	"tadrib/internal/webtest"
	"tadrib/models"
)

func TestCohortValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ta, tb := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	e.Course("traite-101", 1, nil)
	draft := e.Course("brouillon-b", 1, &tb)
	if err := e.DB.W.Model(&draft).Update("published", false).Error; err != nil {
		t.Fatal(err)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "traite-101"
	}
	cases := []struct {
		name   string
		change func(*CohortInput)
		fields []string
	}{
		{"no name", func(in *CohortInput) { in.Name = nil }, []string{"name"}},
		{"blank name", func(in *CohortInput) { in.Name = ptr("  ") }, []string{"name"}},
		{"long place", func(in *CohortInput) { in.Place = ptr(strings.Repeat("p", 201)) }, []string{"place"}},
		{"no start", func(in *CohortInput) { in.StartsOn = nil }, []string{"starts_on"}},
		{"bad date", func(in *CohortInput) { in.StartsOn = ptr("01/12/2026") }, []string{"starts_on"}},
		{"impossible date", func(in *CohortInput) { in.EndsOn = ptr("2026-02-30") }, []string{"ends_on"}},
		{"ends before", func(in *CohortInput) { in.EndsOn = ptr("2026-11-30") }, []string{"ends_on"}},
		{"no course", func(in *CohortInput) { in.CourseSlugs = nil }, []string{"course_slugs"}},
		{"empty courses", func(in *CohortInput) { in.CourseSlugs = &[]string{} }, []string{"course_slugs"}},
		{"too many courses", func(in *CohortInput) { in.CourseSlugs = &many }, []string{"course_slugs"}},
		{"unknown course", func(in *CohortInput) { in.CourseSlugs = &[]string{"nope"} }, []string{"course_slugs"}},
		{"another trainer's draft", func(in *CohortInput) { in.CourseSlugs = &[]string{"brouillon-b"} }, []string{"course_slugs"}},
	}
	for _, c := range cases {
		in := input("traite-101")
		c.change(&in)
		_, err := e.svc.CreateCohort(ctx, ta, in, "fr")
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		webtest.WantFields(t, err, c.fields...)
	}
	if n := e.count(t, "cohorts", ""); n != 0 {
		t.Fatalf("%d cohorts stored by refused creations", n)
	}
	// Their own draft is theirs to use; a course named twice counts once.
	co, err := e.svc.CreateCohort(ctx, tb, input("brouillon-b", "traite-101", " traite-101 "), "fr")
	if err != nil || len(co.Courses) != 2 || co.Courses[0].Title == "" {
		t.Fatalf("a cohort of their own draft: %+v %v", co, err)
	}
	if len(co.Token()) != 26 || co.MemberCount != 0 || co.Place != "Rabat" {
		t.Errorf("created %+v (token %q)", co, co.Token())
	}

	// Updates: only what is given changes; the dates stay in order.
	_, err = e.svc.UpdateCohort(ctx, tb, cid(t, co), CohortInput{EndsOn: ptr("2026-11-01")}, "fr")
	webtest.WantFields(t, err, "ends_on")
	_, err = e.svc.UpdateCohort(ctx, tb, cid(t, co), CohortInput{Name: ptr(" ")}, "fr")
	webtest.WantFields(t, err, "name")
	_, err = e.svc.UpdateCohort(ctx, tb, cid(t, co), CohortInput{CourseSlugs: &[]string{"nope"}}, "fr")
	webtest.WantFields(t, err, "course_slugs")
	up, err := e.svc.UpdateCohort(ctx, tb, cid(t, co), CohortInput{Name: ptr("Fès"), EndsOn: ptr("2026-12-06"), StartsOn: ptr("")}, "fr")
	if err != nil || up.Name != "Fès" || up.StartsOn != "2026-12-01" || up.EndsOn != "2026-12-06" || up.Token() != co.Token() {
		t.Errorf("after the update: %+v %v", up, err)
	}
	var ev int64
	e.DB.R.Model(&models.AuditEvent{}).Where("object = ? AND action IN ?", "cohort:"+co.ID, []string{"cohort.create", "cohort.update"}).Count(&ev)
	if ev != 2 {
		t.Errorf("%d audit events, want create and update", ev)
	}
}

// TestCohortRights: a trainer sees and manages only their own cohorts, an
// admin all; anyone else's cohort does not exist for them
// (courses.ErrNotFound), whatever they try.
func TestCohortRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ta, tb := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	e.Course("traite-101", 1, nil)
	coA := e.cohort(t, ta, "traite-101")
	e.cohort(t, ta, "traite-101")
	coB := e.cohort(t, tb, "traite-101")
	id := cid(t, coA)
	if _, joined, err := e.svc.JoinCohort(ctx, trainee, coA.Token(), "test", "fr"); err != nil || !joined {
		t.Fatal(err)
	}

	for u, want := range map[*models.User]int{&ta: 2, &tb: 1, &admin: 3, &trainee: 0} {
		list, err := e.svc.Cohorts(ctx, *u, "fr")
		if err != nil || len(list) != want {
			t.Errorf("%s %s sees %d cohorts, want %d (%v)", u.Role, u.Name, len(list), want, err)
		}
	}
	if list, _ := e.svc.Cohorts(ctx, tb, "fr"); len(list) == 1 && list[0].ID != coB.ID {
		t.Errorf("trainer B sees %s", list[0].ID)
	}
	tries := map[string]func(u models.User) error{
		"Cohort": func(u models.User) error { _, err := e.svc.Cohort(ctx, u, id, "fr"); return err },
		"UpdateCohort": func(u models.User) error {
			_, err := e.svc.UpdateCohort(ctx, u, id, CohortInput{Name: ptr("pris")}, "fr")
			return err
		},
		"CohortMembers":     func(u models.User) error { _, err := e.svc.CohortMembers(ctx, u, id, "fr"); return err },
		"CohortInvitations": func(u models.User) error { _, err := e.svc.CohortInvitations(ctx, u, id); return err },
		"RegenerateInvite":  func(u models.User) error { return e.svc.RegenerateInvite(ctx, u, id) },
		"RemoveMember":      func(u models.User) error { return e.svc.RemoveMember(ctx, u, id, trainee.ID) },
		"ImportMembers": func(u models.User) error {
			_, err := e.svc.ImportMembers(ctx, u, id, []MemberInput{person("X", "x@example.org")}, "fr")
			return err
		},
	}
	for name, try := range tries {
		for _, u := range []models.User{tb, trainee} {
			if err := try(u); !errors.Is(err, courses.ErrNotFound) {
				t.Errorf("%s by %s %s: %v, want ErrNotFound", name, u.Role, u.Name, err)
			}
		}
	}
	if _, err := e.svc.Cohort(ctx, admin, 999999, "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an unknown cohort: %v", err)
	}
	if n := e.count(t, "cohort_members", ""); n != 1 {
		t.Errorf("%d members after refused changes, want 1", n)
	}
	if n := e.count(t, "cohort_invitations", ""); n != 0 {
		t.Errorf("%d invitations after refused imports", n)
	}
	// The admin manages it; its owner too.
	if ms, err := e.svc.CohortMembers(ctx, admin, id, "fr"); err != nil || len(ms) != 1 || ms[0].Name != "Amina" || ms[0].Via != models.ViaInvite {
		t.Errorf("members for the admin: %+v %v", ms, err)
	}
	if err := e.svc.RemoveMember(ctx, ta, id, trainee.ID); err != nil {
		t.Errorf("the owner removes a member: %v", err)
	}
	if err := e.svc.RemoveMember(ctx, ta, id, trainee.ID); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("removing someone not a member: %v", err)
	}
	// Leaving a session does not erase what was learnt.
	if !e.enrolled(t, trainee.ID, "traite-101") {
		t.Error("removing a member unenrolled them")
	}
}

// TestJoinWithCode: the cohort's link joins whoever holds it once; a wrong
// or replaced code is not found; a member joining again changes nothing.
func TestJoinWithCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, u := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	e.Course("traite-102", 1, nil)
	co := e.cohort(t, tr, "traite-101")

	for _, bad := range []string{"", "   ", "aaaaaaaaaaaaaaaaaaaaaaaaaa", strings.Repeat("a", 65), co.Token() + "x"} {
		if _, _, err := e.svc.JoinCohort(ctx, u, bad, "test", "fr"); !errors.Is(err, courses.ErrNotFound) {
			t.Errorf("code %q: %v, want ErrNotFound", bad, err)
		}
	}
	// The code is read whatever its case and surrounding spaces.
	got, joined, err := e.svc.JoinCohort(ctx, u, " "+strings.ToUpper(co.Token())+" ", "test", "fr")
	if err != nil || !joined || got.MemberCount != 1 || got.Name != co.Name {
		t.Fatalf("join: %+v joined=%v %v", got, joined, err)
	}
	if !e.enrolled(t, u.ID, "traite-101") {
		t.Error("joining did not enrol in the cohort's course")
	}
	if member, _ := e.svc.IsMember(ctx, u.ID, cid(t, co)); !member {
		t.Error("not a member after joining")
	}
	// Already a member: joined=false, no second member, no second audit event.
	if again, joined, err := e.svc.JoinCohort(ctx, u, co.Token(), "test", "fr"); err != nil || joined || again.MemberCount != 1 {
		t.Errorf("joining twice: %+v joined=%v %v", again, joined, err)
	}
	if n := e.count(t, "audit_events", "action = ?", "cohort.join"); n != 1 {
		t.Errorf("%d join events, want 1", n)
	}
	// A course added to the cohort is followed by its members at once.
	if _, err := e.svc.UpdateCohort(ctx, tr, cid(t, co), CohortInput{CourseSlugs: &[]string{"traite-101", "traite-102"}}, "fr"); err != nil {
		t.Fatal(err)
	}
	if !e.enrolled(t, u.ID, "traite-102") {
		t.Error("a course added to the cohort is not followed by its member")
	}
	// A replaced code stops working at once; the new one works.
	if err := e.svc.RegenerateInvite(ctx, tr, cid(t, co)); err != nil {
		t.Fatal(err)
	}
	other := e.User("Karim", models.RoleTrainee)
	if _, _, err := e.svc.JoinCohort(ctx, other, co.Token(), "test", "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("the replaced code: %v, want ErrNotFound", err)
	}
	fresh, err := e.svc.Cohort(ctx, tr, cid(t, co), "fr")
	if err != nil || fresh.Token() == co.Token() {
		t.Fatalf("regenerated %q (was %q) %v", fresh.Token(), co.Token(), err)
	}
	if _, joined, err := e.svc.JoinCohort(ctx, other, fresh.Token(), "test", "fr"); err != nil || !joined {
		t.Errorf("the new code: joined=%v %v", joined, err)
	}
	// The member's data export lists the cohort.
	part, rows, err := e.svc.ExportMemberships(ctx, u.ID)
	if ms, ok := rows.([]membershipExport); err != nil || part != "cohort_memberships" || !ok || len(ms) != 1 || ms[0].Name != co.Name || ms[0].Via != models.ViaInvite {
		t.Errorf("export: %s %+v %v", part, rows, err)
	}
}

// TestAdminImport: an admin's list finds accounts by email (untouched) or
// creates them without a password, makes every one a member enrolled in the
// cohort's courses, and rejects bad rows alone with a reason.
func TestAdminImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	admin, known := e.User("Admin", models.RoleAdmin), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, admin, "traite-101")
	rows := []MemberInput{
		{Name: "Autre nom", Email: " " + strings.ToUpper(known.Email) + " ", Profession: "judiciary"},
		{Name: "Karim Benali", NameAr: "كريم", Email: "karim@example.org", Profession: "Labour Inspector", Organization: " Inspection "},
		{Name: "Sans adresse", Email: "pas-une-adresse", Profession: "police"},
		{Name: " ", Email: "vide@example.org", Profession: "police"},
		{Name: "Bidi \u202e", Email: "bidi@example.org", Profession: "police"},
		{Name: "Pirate", Email: "pirate@example.org", Profession: "pirate"},
		{Name: "Karim encore", Email: "KARIM@example.org", Profession: "police"},
	}
	rep, err := e.svc.ImportMembers(ctx, admin, cid(t, co), rows, "ar")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || rep.Matched != 1 || rep.Invited != 0 || len(rep.Rejected) != 5 {
		t.Errorf("report %+v", rep)
	}
	wantStatus := []string{RowMatched, RowCreated, RowRejected, RowRejected, RowRejected, RowRejected, RowRejected}
	wantReason := []string{"", "", reasonEmail, reasonName, reasonText, reasonProfession, reasonDuplicate}
	for i, r := range rep.Rows {
		if r.Status != wantStatus[i] || r.Reason != wantReason[i] || r.Row != i+1 || r.Token() != "" {
			t.Errorf("row %d: %+v, want %s %s", i+1, r, wantStatus[i], wantReason[i])
		}
	}
	var k models.User
	e.DB.R.Take(&k, "email = ?", "karim@example.org")
	if k.Role != models.RoleTrainee || k.PasswordHash != "" || k.Profession != "labour_inspector" || k.Organization != "Inspection" || k.Locale != "ar" {
		t.Errorf("the created account: %+v", k)
	}
	var a models.User
	e.DB.R.Take(&a, "id = ?", known.ID)
	if a.Name != "Amina" || a.Profession != known.Profession {
		t.Errorf("an admin's list changed an existing account: %+v", a)
	}
	for _, id := range []int64{known.ID, k.ID} {
		if !e.enrolled(t, id, "traite-101") {
			t.Errorf("user %d is not enrolled", id)
		}
	}
	ms, _ := e.svc.CohortMembers(ctx, admin, cid(t, co), "fr")
	if len(ms) != 2 || ms[0].Via != models.ViaList || len(ms[0].Percents) != 1 {
		t.Errorf("members %+v", ms)
	}
	// The same list again: matched, no duplicate membership.
	again, err := e.svc.ImportMembers(ctx, admin, cid(t, co), rows[:2], "fr")
	if err != nil || again.Matched != 2 || again.Created != 0 {
		t.Errorf("again: %+v %v", again, err)
	}
	if n := e.count(t, "cohort_members", ""); n != 2 {
		t.Errorf("%d members after importing twice, want 2", n)
	}
}

// TestTrainerListInvites is SECURITY.md finding M4 at the service: a
// trainer's list gives the same row whether or not an address has an
// account, makes nobody a member, and keeps only what the trainer typed.
func TestTrainerListInvites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr, known := e.User("Nadia", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	if err := e.DB.W.Model(&known).Updates(map[string]any{"name_ar": "اسم سري", "organization": "Brigade secrète"}).Error; err != nil {
		t.Fatal(err)
	}
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	id := cid(t, co)

	rep, err := e.svc.ImportMembers(ctx, tr, id, []MemberInput{person("Nom saisi", known.Email), person("Nom saisi", "nouvelle@example.org"),
		person("", "bad")}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 || rep.Matched != 0 || rep.Invited != 2 || len(rep.Rejected) != 1 {
		t.Errorf("report %+v", rep)
	}
	ex, nw := rep.Rows[0], rep.Rows[1]
	if ex.Status != RowInvited || nw.Status != ex.Status || ex.Name != nw.Name || ex.Reason != nw.Reason ||
		len(ex.Token()) != 26 || len(nw.Token()) != 26 || ex.Token() == nw.Token() {
		t.Errorf("rows differ for an address with an account: %+v and %+v", ex, nw)
	}
	if n := e.count(t, "cohort_members", ""); n != 0 {
		t.Errorf("%d members before anyone accepted", n)
	}
	if e.enrolled(t, known.ID, "traite-101") {
		t.Error("an invited person is enrolled before accepting")
	}
	// Only a hash of the token is kept.
	if n := e.count(t, "cohort_invitations", "token_hash = ?", ex.Token()); n != 0 {
		t.Error("the token is stored in clear")
	}
	invs, err := e.svc.CohortInvitations(ctx, tr, id)
	if err != nil || len(invs) != 2 {
		t.Fatalf("invitations %+v %v", invs, err)
	}
	for _, iv := range invs {
		if iv.Name != "Nom saisi" || iv.Status != models.InvitePending {
			t.Errorf("the trainer sees %+v", iv)
		}
	}
	// The invitation as its link shows it: the same for both, nothing of the account.
	ivE, err := e.svc.InvitationByToken(ctx, ex.Token(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	ivN, _ := e.svc.InvitationByToken(ctx, strings.ToUpper(nw.Token()), "fr")
	if !ivE.For(known) || ivN.For(known) {
		t.Error("For does not tell whose invitation it is")
	}
	if ivE.Email != known.Email || ivE.InvitedBy != "Nadia" || len(ivE.Courses) != 1 {
		t.Errorf("the invitation shows %+v", ivE)
	}
	// Apart from its id and the address typed, what the link shows is the
	// same (the unexported fields are the service's, never shown).
	for _, iv := range []*Invitation{&ivE, &ivN} {
		iv.ID, iv.Email, iv.id, iv.userID, iv.newAccount = "", "", 0, 0, false
	}
	if !reflect.DeepEqual(ivE, ivN) {
		t.Errorf("the two invitations differ:\n%+v\n%+v", ivE, ivN)
	}

	// Inviting again replaces the link: the old one stops working.
	rep2, err := e.svc.ImportMembers(ctx, tr, id, []MemberInput{person("Nom saisi", "nouvelle@example.org")}, "fr")
	if err != nil || rep2.Rows[0].Token() == nw.Token() {
		t.Fatalf("again: %+v %v", rep2, err)
	}
	if _, err := e.svc.InvitationByToken(ctx, nw.Token(), "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("the replaced link: %v", err)
	}
	if n := e.count(t, "cohort_invitations", ""); n != 2 {
		t.Errorf("%d invitations after inviting twice, want 2", n)
	}
	// Someone already a member is shown as such (the trainer sees them in the cohort anyway).
	if _, _, err := e.svc.JoinCohort(ctx, known, co.Token(), "test", "fr"); err != nil {
		t.Fatal(err)
	}
	rep3, _ := e.svc.ImportMembers(ctx, tr, id, []MemberInput{person("Nom saisi", known.Email)}, "fr")
	if rep3.Rows[0].Status != RowMember || rep3.Invited != 0 || rep3.Rows[0].Token() != "" {
		t.Errorf("a member in a list: %+v", rep3)
	}
	// Joining by the cohort's link settled the pending invitation.
	if _, err := e.svc.InvitationByToken(ctx, ex.Token(), "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("the invitation of someone who joined is still live: %v", err)
	}
}

// TestInvitationAnswers: only the invited person answers, once; unknown,
// expired and answered links are one answer (not found); the trainer sees
// "declined" and "expired" and nothing more.
func TestInvitationAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	amina, karim, sara := e.User("Amina", models.RoleTrainee), e.User("Karim", models.RoleTrainee), e.User("Sara", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	co := e.cohort(t, tr, "traite-101")
	rep, err := e.svc.ImportMembers(ctx, tr, cid(t, co), []MemberInput{person("Amina", amina.Email), person("Karim", karim.Email),
		person("Sara", sara.Email)}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	mine := func(u models.User) Invitation {
		t.Helper()
		list, err := e.svc.MyInvitations(ctx, u, "fr")
		if err != nil || len(list) != 1 {
			t.Fatalf("invitations of %s: %+v %v", u.Name, list, err)
		}
		return list[0]
	}
	ia, ik := mine(amina), mine(karim)
	if pending, err := e.svc.PendingFor(ctx, sara, "ar"); err != nil || len(pending.([]Invitation)) != 1 {
		t.Errorf("PendingFor: %v %v", pending, err)
	}

	for _, bad := range []string{"", "x", strings.Repeat("a", 26), strings.Repeat("1", 26), rep.Rows[0].Token() + "a"} {
		if _, err := e.svc.InvitationByToken(ctx, bad, "fr"); !errors.Is(err, courses.ErrNotFound) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	// Someone else's invitation is not found.
	if err := e.svc.RespondInvitation(ctx, karim, ia.id, true, "test"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("answering another's invitation: %v", err)
	}
	if err := e.svc.RespondInvitation(ctx, amina, ia.id, true, "test"); err != nil {
		t.Fatal(err)
	}
	if !e.enrolled(t, amina.ID, "traite-101") {
		t.Error("accepting did not enrol")
	}
	if err := e.svc.RespondInvitation(ctx, amina, ia.id, false, "test"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("answering twice: %v", err)
	}
	if _, err := e.svc.InvitationByToken(ctx, rep.Rows[0].Token(), "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an answered link: %v", err)
	}
	if err := e.svc.RespondInvitation(ctx, karim, ik.id, false, "test"); err != nil {
		t.Fatal(err)
	}
	if e.enrolled(t, karim.ID, "traite-101") {
		t.Error("declining enrolled")
	}
	// Sara's invitation expires.
	if err := e.DB.W.Model(&models.CohortInvitation{}).Where("user_id = ?", sara.ID).Update("expires_at", time.Now().Add(-time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.InvitationByToken(ctx, rep.Rows[2].Token(), "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an expired link: %v", err)
	}
	if list, _ := e.svc.MyInvitations(ctx, sara, "fr"); len(list) != 0 {
		t.Errorf("an expired invitation is still offered: %+v", list)
	}
	if err := e.svc.RespondInvitation(ctx, sara, invitationID(t, e, sara), true, "test"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("accepting an expired invitation: %v", err)
	}
	invs, _ := e.svc.CohortInvitations(ctx, tr, cid(t, co))
	got := map[string]string{}
	for _, iv := range invs {
		got[iv.Name] = iv.Status
	}
	if len(got) != 2 || got["Karim"] != models.InviteDeclined || got["Sara"] != InvitationExpired {
		t.Errorf("the trainer sees %v", got)
	}
	ms, _ := e.svc.CohortMembers(ctx, tr, cid(t, co), "fr")
	if len(ms) != 1 || ms[0].Name != "Amina" || ms[0].Via != models.ViaList {
		t.Errorf("members %+v", ms)
	}
	// The invited person's export has what the trainer typed and the answer.
	_, rows, err := e.svc.ExportInvitations(ctx, karim.ID)
	if xs, ok := rows.([]invitationExport); err != nil || !ok || len(xs) != 1 || xs[0].Status != models.InviteDeclined || xs[0].RespondedAt == nil {
		t.Errorf("export %+v %v", rows, err)
	}
}

// invitationID is the id of u's invitation, whatever its state.
func invitationID(t *testing.T, e *env, u models.User) int64 {
	t.Helper()
	var iv models.CohortInvitation
	if err := e.DB.R.Take(&iv, "user_id = ?", u.ID).Error; err != nil {
		t.Fatal(err)
	}
	return iv.ID
}

// TestAcceptWithPassword: the link gives a first password only to the
// account its own list made; any other answers as registration does for a
// taken address (accounts.ErrEmailTaken).
func TestAcceptWithPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ta, tb, known := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer), e.User("Amina", models.RoleTrainee)
	e.Course("traite-101", 1, nil)
	coA, coB := e.cohort(t, ta, "traite-101"), e.cohort(t, tb, "traite-101")
	repA, _ := e.svc.ImportMembers(ctx, ta, cid(t, coA), []MemberInput{person("Nouvelle", "nouvelle@example.org"), person("Amina", known.Email)}, "fr")
	repB, _ := e.svc.ImportMembers(ctx, tb, cid(t, coB), []MemberInput{person("Nouvelle", "nouvelle@example.org")}, "fr")
	const pw = "une longue phrase secrète"

	_, err := e.svc.AcceptWithPassword(ctx, repA.Rows[0].Token(), "court", "court", "fr")
	webtest.WantFields(t, err, "password")
	_, err = e.svc.AcceptWithPassword(ctx, repA.Rows[0].Token(), pw, pw+"!", "fr")
	webtest.WantFields(t, err, "confirm")
	if _, err := e.svc.AcceptWithPassword(ctx, repA.Rows[1].Token(), pw, pw, "fr"); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Errorf("an account that has a password: %v, want ErrEmailTaken", err)
	}
	if _, err := e.svc.AcceptWithPassword(ctx, repB.Rows[0].Token(), pw, pw, "fr"); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Errorf("another list's account: %v, want ErrEmailTaken", err)
	}
	if _, err := e.svc.AcceptWithPassword(ctx, strings.Repeat("a", 26), pw, pw, "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an unknown link: %v", err)
	}
	if n := e.count(t, "cohort_members", ""); n != 0 {
		t.Fatalf("%d members after refusals", n)
	}
	u, err := e.svc.AcceptWithPassword(ctx, repA.Rows[0].Token(), pw, pw, "fr")
	if err != nil || u.Email != "nouvelle@example.org" {
		t.Fatalf("accept: %+v %v", u, err)
	}
	if _, err := e.accounts.Authenticate(ctx, u.Email, pw); err != nil {
		t.Errorf("the chosen password does not sign in: %v", err)
	}
	if member, _ := e.svc.IsMember(ctx, u.ID, cid(t, coA)); !member || !e.enrolled(t, u.ID, "traite-101") {
		t.Error("accepting with a password did not make a member")
	}
	if _, err := e.svc.AcceptWithPassword(ctx, repA.Rows[0].Token(), pw+"2", pw+"2", "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("the link used twice: %v", err)
	}
}
