package models

import (
	"time"

	"gorm.io/gorm"
)

// Audit appends an event to the audit log in tx, so that the event is
// recorded if and only if the change it describes is.
func Audit(tx *gorm.DB, actor *int64, action, object, detail string) error {
	return tx.Create(&AuditEvent{At: time.Now().UTC(), ActorID: actor, Action: action, Object: object, Detail: detail}).Error
}
