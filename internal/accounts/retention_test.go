package accounts

import (
	"context"
	"testing"
	"time"

	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/models"
)

// The retention job deletes exactly what expired at its clock: for each
// period, a record one second inside the limit stays and one a second past
// it goes. The clock is injected, near the real time: the audit log's
// trigger judges by the database's clock (models.AuditFloorDays).
func TestRetentionDeletesExactlyWhatExpired(t *testing.T) {
	t.Parallel()
	s, clk := newSvc(t)
	clk.t = time.Now().UTC().Truncate(time.Second)
	now := clk.t
	ctx := context.Background()
	w := s.db.W
	p := config.Retention{InactiveDays: 100, EndedDays: 10, AuditDays: 400}
	inactive, ended, audit := 100*day, 10*day, 400*day
	sessions := &auth.Sessions{DB: s.db, Now: clk.now}

	admin := mustUser(t, s, "admin@example.org", models.RoleAdmin) // alone, and inactive: kept
	seen := func(u models.User, at time.Time) {
		t.Helper()
		if err := w.Exec("UPDATE users SET last_login_at = ? WHERE id = ?", at, u.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	created := func(u models.User, at time.Time) {
		t.Helper()
		if err := w.Exec("UPDATE users SET created_at = ? WHERE id = ?", at, u.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	seen(admin, now.Add(-inactive-time.Hour))
	keepSeen := mustUser(t, s, "inside@example.org", models.RoleTrainee)
	seen(keepSeen, now.Add(-inactive+time.Second))
	goSeen := mustUser(t, s, "outside@example.org", models.RoleTrainee)
	seen(goSeen, now.Add(-inactive-time.Second))
	keepNew := mustUser(t, s, "new-inside@example.org", models.RoleTrainee) // never signed in
	created(keepNew, now.Add(-inactive+time.Second))
	goNew := mustUser(t, s, "new-outside@example.org", models.RoleTrainee)
	created(goNew, now.Add(-inactive-time.Second))
	// An old account that signed in recently: its creation does not count.
	keepOld := mustUser(t, s, "old-but-active@example.org", models.RoleTrainer)
	created(keepOld, now.Add(-10*inactive))
	seen(keepOld, now.Add(-time.Hour))

	session := func(id string, expires time.Time, revoked *time.Time) {
		t.Helper()
		err := w.Create(&models.Session{ID: id, UserID: keepSeen.ID, CreatedAt: expires.Add(-12 * time.Hour),
			ExpiresAt: expires, LastSeenAt: expires.Add(-12 * time.Hour), RevokedAt: revoked}).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	pastEnded, insideEnded := now.Add(-ended-time.Second), now.Add(-ended+time.Second)
	session("expired-inside", insideEnded, nil)
	session("expired-outside", pastEnded, nil)
	session("revoked-outside", now.Add(time.Hour), &pastEnded)
	session("revoked-inside", now.Add(time.Hour), &insideEnded)
	session("live", now.Add(time.Hour), nil)
	link := func(hash string, expires time.Time, used *time.Time) {
		t.Helper()
		err := w.Create(&models.PasswordToken{TokenHash: hash, UserID: keepSeen.ID, CreatedAt: expires.Add(-day),
			ExpiresAt: expires, UsedAt: used}).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	link("expired-inside", insideEnded, nil)
	link("expired-outside", pastEnded, nil)
	link("used-outside", now.Add(time.Hour), &pastEnded)
	link("used-inside", now.Add(time.Hour), &insideEnded)
	event := func(object string, at time.Time) {
		t.Helper()
		if err := w.Create(&models.AuditEvent{At: at, Action: "user.update", Object: object}).Error; err != nil {
			t.Fatal(err)
		}
	}
	event("audit-inside", now.Add(-audit+time.Second))
	event("audit-outside", now.Add(-audit-time.Second))

	got, err := s.Expire(ctx, p, sessions)
	if err != nil {
		t.Fatal(err)
	}
	want := Expired{Accounts: 2, KeptAdmins: 1, Sessions: 2, PasswordLinks: 2, AuditEvents: 1}
	if got != want {
		t.Errorf("Expire = %+v, want %+v", got, want)
	}

	var emails, sessionIDs, links, objects []string
	w.Model(&models.User{}).Order("email").Pluck("email", &emails)
	w.Model(&models.Session{}).Order("id").Pluck("id", &sessionIDs)
	w.Model(&models.PasswordToken{}).Order("token_hash").Pluck("token_hash", &links)
	w.Model(&models.AuditEvent{}).Where("object LIKE 'audit-%'").Order("object").Pluck("object", &objects)
	for name, c := range map[string]struct{ got, want []string }{
		"accounts":       {emails, []string{"admin@example.org", "inside@example.org", "new-inside@example.org", "old-but-active@example.org"}},
		"sessions":       {sessionIDs, []string{"expired-inside", "live", "revoked-inside"}},
		"password links": {links, []string{"expired-inside", "used-inside"}},
		"audit events":   {objects, []string{"audit-inside"}},
	} {
		if len(c.got) != len(c.want) {
			t.Errorf("%s left: %v, want %v", name, c.got, c.want)
			continue
		}
		for i := range c.got {
			if c.got[i] != c.want[i] {
				t.Errorf("%s left: %v, want %v", name, c.got, c.want)
				break
			}
		}
	}

	// Each erased account is audited, by the system, as a deletion; the
	// run too.
	for _, u := range []models.User{goSeen, goNew} {
		evs := auditOf(t, s, "user.delete", userObject(u.ID))
		if len(evs) != 1 || evs[0].ActorID != nil {
			t.Errorf("the erasure of %s: %+v", u.Email, evs)
		}
	}
	if evs := auditOf(t, s, "retention.run", "retention"); len(evs) != 1 {
		t.Errorf("the run is audited %d times", len(evs))
	}

	// Nothing more has expired: a second run deletes nothing, audits nothing.
	if again, err := s.Expire(ctx, p, sessions); err != nil || again != (Expired{KeptAdmins: 1}) {
		t.Errorf("a second run = %+v, %v; want nothing deleted", again, err)
	}
	if evs := auditOf(t, s, "retention.run", "retention"); len(evs) != 1 {
		t.Errorf("an empty run was audited (%d runs)", len(evs))
	}

	// Zero keeps: nothing is deleted whatever its age.
	clk.t = now.Add(1000 * day)
	if none, err := s.Expire(ctx, config.Retention{}, sessions); err != nil || none != (Expired{}) {
		t.Errorf("with every period at zero: %+v, %v", none, err)
	}
}

func auditOf(t *testing.T, s *Service, action, object string) []models.AuditEvent {
	t.Helper()
	var evs []models.AuditEvent
	if err := s.db.R.Where("action = ? AND object = ?", action, object).Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	return evs
}
