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
