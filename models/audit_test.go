package models_test

import (
	"testing"
	"time"

	"tadrib/internal/testdb"
	"tadrib/models"
)

// The application can add to the audit log, never change or remove what is
// there: the database refuses (issue 14, privacy).
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ev := models.AuditEvent{At: time.Now().UTC(), Action: "user.update", Object: "user:1", Detail: "role trainee -> trainer"}
	if err := d.W.Create(&ev).Error; err != nil {
		t.Fatalf("an event could not be added: %v", err)
	}
	for name, sql := range map[string]string{
		"update": "UPDATE audit_events SET detail = 'rewritten' WHERE id = ?",
		"delete": "DELETE FROM audit_events WHERE id = ?",
	} {
		if err := d.W.Exec(sql, ev.ID).Error; err == nil {
			t.Errorf("%s of an audit event was accepted", name)
		}
	}
	if d.Engine == "postgres" {
		if err := d.W.Exec("TRUNCATE audit_events").Error; err == nil {
			t.Error("TRUNCATE of the audit log was accepted")
		}
	}
	var got models.AuditEvent
	if err := d.R.Take(&got, "id = ?", ev.ID).Error; err != nil || got.Detail != ev.Detail {
		t.Errorf("the event after the refused changes: %+v, %v", got, err)
	}
}

// Retention may delete an audit event older than the floor (365 days by the
// database's clock), and nothing younger; an old event still cannot be
// changed.
func TestAuditLogDeletesOnlyPastTheFloor(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	now := time.Now().UTC()
	floor := time.Duration(models.AuditFloorDays) * 24 * time.Hour
	young := models.AuditEvent{At: now.Add(-floor + time.Hour), Action: "user.update", Object: "user:1"}
	old := models.AuditEvent{At: now.Add(-floor - time.Hour), Action: "user.update", Object: "user:2"}
	for _, ev := range []*models.AuditEvent{&young, &old} {
		if err := d.W.Create(ev).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := d.W.Exec("UPDATE audit_events SET detail = 'rewritten' WHERE id = ?", old.ID).Error; err == nil {
		t.Error("an old event was changed")
	}
	if err := d.W.Exec("DELETE FROM audit_events WHERE id = ?", young.ID).Error; err == nil {
		t.Error("an event younger than the floor was deleted")
	}
	if err := d.W.Exec("DELETE FROM audit_events WHERE id = ?", old.ID).Error; err != nil {
		t.Errorf("an event older than the floor could not be deleted: %v", err)
	}
	var ids []int64
	d.R.Raw("SELECT id FROM audit_events ORDER BY id").Scan(&ids)
	if len(ids) != 1 || ids[0] != young.ID {
		t.Errorf("left: %v, want only the young event %d", ids, young.ID)
	}
}
