package models

import "gorm.io/gorm"

// migrateAdmin creates what account administration needs beyond users: the
// audit log's indexes for its filters, and one-time "set your password"
// links (only a SHA-256 of each link's token is kept, so a copy of the
// database opens no account).
func migrateAdmin(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE INDEX audit_events_object ON audit_events (object, at)`,
		`CREATE INDEX audit_events_actor ON audit_events (actor_id, at)`,
		`CREATE INDEX audit_events_action ON audit_events (action, at)`,
		`CREATE TABLE password_tokens (
			id {id},
			token_hash TEXT NOT NULL UNIQUE,
			user_id {ref} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			created_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			created_at {time} NOT NULL,
			expires_at {time} NOT NULL,
			used_at {time})`,
		`CREATE INDEX password_tokens_user ON password_tokens (user_id)`,
	)
}
