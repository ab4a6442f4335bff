package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tadrib/internal/web"
	"tadrib/models"
)

func TestAuditLogFilters(t *testing.T) {
	s, _ := newSvc(t)
	ctx := context.Background()
	amina := mustUser(t, s, "amina@example.org", models.RoleAdmin)
	omar := mustUser(t, s, "omar@example.org", models.RoleTrainer)
	at := func(day int, actor *int64, action, object string) {
		t.Helper()
		ev := models.AuditEvent{At: time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC), ActorID: actor, Action: action, Object: object}
		if err := s.db.W.Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
	}
	at(1, &amina.ID, "user.update", "user:5")
	at(2, &omar.ID, "course.update", "course:3")
	at(3, &omar.ID, "course.update", "course:30")
	at(4, nil, "course.import", "course:3")
	at(5, &amina.ID, "cert.revoke", "certificate:ABC")
	cases := []struct {
		name string
		q    AuditQuery
		want []string // objects, newest first
	}{
		{"all", AuditQuery{}, []string{"certificate:ABC", "course:3", "course:30", "course:3", "user:5"}},
		{"actor by email", AuditQuery{Actor: "OMAR@"}, []string{"course:30", "course:3"}},
		{"actor by id", AuditQuery{Actor: "1"}, []string{"certificate:ABC", "user:5"}},
		{"action", AuditQuery{Action: "course.update"}, []string{"course:30", "course:3"}},
		{"one object, not its prefix", AuditQuery{Object: "course:3"}, []string{"course:3", "course:3"}},
		{"a kind", AuditQuery{Object: "course"}, []string{"course:3", "course:30", "course:3"}},
		{"dates, to inclusive", AuditQuery{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}, []string{"course:30", "course:3"}},
		{"LIKE wildcards are literal", AuditQuery{Actor: "%"}, nil},
	}
	for _, tc := range cases {
		tc.q.Limit = 10
		rows, total, err := s.AuditLog(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Object)
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") || int(total) != len(tc.want) {
			t.Errorf("%s: %v (total %d), want %v", tc.name, got, total, tc.want)
		}
	}
	rows, _, _ := s.AuditLog(ctx, AuditQuery{Action: "user.update", Limit: 1})
	if len(rows) != 1 || rows[0].ActorEmail != "amina@example.org" {
		t.Errorf("the actor's email is not joined: %+v", rows)
	}
	if actions, err := s.AuditActions(ctx); err != nil || len(actions) != 4 {
		t.Errorf("AuditActions = %v, %v", actions, err)
	}
}

func TestExportGathersPartsAndRefusesDuplicates(t *testing.T) {
	s, _ := newSvc(t)
	ctx := context.Background()
	admin := mustUser(t, s, "admin@example.org", models.RoleAdmin)
	u := mustUser(t, s, "n@example.org", models.RoleTrainee)
	var asked int64
	part := func(_ context.Context, id int64) (string, any, error) { asked = id; return "things", []int{1}, nil }
	doc, err := s.Export(ctx, admin, u.ID, []ExportPart{part})
	if err != nil || asked != u.ID || doc["things"] == nil || doc["account"].(map[string]any)["email"] != u.Email {
		t.Fatalf("export: %v %v (part asked for %d)", doc, err, asked)
	}
	if _, err := s.Export(ctx, admin, u.ID, []ExportPart{part, part}); err == nil {
		t.Error("two parts with one name were accepted")
	}
	boom := errors.New("boom")
	if _, err := s.Export(ctx, admin, u.ID, []ExportPart{func(context.Context, int64) (string, any, error) { return "x", nil, boom }}); !errors.Is(err, boom) {
		t.Errorf("a failing part: %v", err)
	}
	if _, err := s.Export(ctx, admin, 999999, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestDeleteUserNeedsTheEmailAndKeepsAnAdmin(t *testing.T) {
	s, _ := newSvc(t)
	ctx := context.Background()
	admin := mustUser(t, s, "admin@example.org", models.RoleAdmin)
	u := mustUser(t, s, "n@example.org", models.RoleTrainee)
	var we *web.Error
	if err := s.DeleteUser(ctx, admin, u.ID, "other@example.org"); !errors.As(err, &we) || we.Fields[0].Field != "confirm_email" {
		t.Fatalf("wrong email: %v", err)
	}
	if err := s.DeleteUser(ctx, admin, admin.ID, admin.Email); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("deleting the last admin: %v", err)
	}
	if err := s.DeleteUser(ctx, admin, u.ID, "  N@Example.org "); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, u.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the user is still there: %v", err)
	}
	if err := s.DeleteUser(ctx, admin, u.ID, u.Email); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	// A disabled admin does not count as the admin left.
	other := mustUser(t, s, "other@example.org", models.RoleAdmin)
	yes := true
	if _, err := s.AdminUpdate(ctx, admin, other.ID, AdminChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	trainee := models.RoleTrainee
	if _, err := s.AdminUpdate(ctx, admin, admin.ID, AdminChange{Role: &trainee}); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("demoting the last enabled admin: %v", err)
	}
}
