package models

import "gorm.io/gorm"

// migrateAdmin creates what account administration needs beyond users.
func migrateAdmin(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE INDEX audit_events_object ON audit_events (object, at)`,
		`CREATE INDEX audit_events_actor ON audit_events (actor_id, at)`,
	)
}
