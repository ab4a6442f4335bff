package models

import "gorm.io/gorm"

// AuditFloorDays is the youngest an audit event may be for the database to
// let it be deleted (config.MinAuditDays holds the same figure).
const AuditFloorDays = 365

// migrateAuditRetention lets the retention job delete audit events, and
// nothing else: an event stays unchangeable for good (UPDATE and TRUNCATE
// are still refused), and a DELETE passes only for an event older than
// AuditFloorDays by the database's own clock. So the application, whatever
// its configuration or its clock says, can never erase a recent event;
// the retention setting (TADRIB_RETAIN_AUDIT_DAYS, at least 365) decides
// how much older than the floor an event is kept.
func migrateAuditRetention(tx *gorm.DB, d Dialect) error {
	if d == Postgres {
		// Statement-level for TRUNCATE: OLD is only read for a row DELETE.
		return exec(tx, d,
			`CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'DELETE' THEN
					IF OLD.at < now() - interval '365 days' THEN
						RETURN OLD;
					END IF;
				END IF;
				RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
			END $$`,
		)
	}
	// julianday reads the stored time whatever its layout (the driver's
	// "2006-01-02 15:04:05.999999999-07:00" or RFC 3339); a time it cannot
	// read is refused, not let through.
	return exec(tx, d,
		`DROP TRIGGER audit_events_no_delete`,
		`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
			WHEN julianday(OLD.at) IS NULL OR julianday(OLD.at) >= julianday('now', '-365 days')
			BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`,
	)
}
