package models

import "gorm.io/gorm"

// migrateCertificates creates the certificate register. Certificates are
// evidence: nothing here cascades from a course, and deleting a trainee's
// account keeps their certificates (user_id set to NULL, the name kept).
func migrateCertificates(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE TABLE certificates (
			id {id},
			code TEXT NOT NULL UNIQUE,
			course_id {ref} NOT NULL REFERENCES courses(id),
			user_id {ref} REFERENCES users(id) ON DELETE SET NULL,
			holder_name TEXT NOT NULL,
			holder_name_ar TEXT NOT NULL DEFAULT '',
			profession TEXT NOT NULL DEFAULT '',
			locale TEXT NOT NULL DEFAULT 'fr',
			course_title TEXT NOT NULL,
			course_titles TEXT NOT NULL DEFAULT '{}',
			issuer TEXT NOT NULL DEFAULT '{}',
			hours {real} NOT NULL DEFAULT 0,
			issued_at {time} NOT NULL,
			expires_at {time},
			issued_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			revoked_at {time},
			revoked_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			revoked_reason TEXT NOT NULL DEFAULT '',
			superseded_by TEXT,
			status_index INTEGER NOT NULL UNIQUE,
			kid TEXT NOT NULL DEFAULT '',
			credential TEXT NOT NULL DEFAULT '',
			pdf_sha256 TEXT NOT NULL DEFAULT '',
			created_at {time} NOT NULL)`,
		`CREATE INDEX certificates_user ON certificates (user_id, course_id)`,
		`CREATE INDEX certificates_course ON certificates (course_id, issued_at)`,
		// One live certificate per account and course: twenty concurrent
		// requests for it insert one row (SECURITY.md C5). Revoked and
		// superseded ones stay beside it as evidence.
		`CREATE UNIQUE INDEX certificates_live ON certificates (user_id, course_id)
			WHERE user_id IS NOT NULL AND revoked_at IS NULL AND superseded_by IS NULL`,
		`CREATE INDEX certificates_holder ON certificates (holder_name)`,
		`CREATE TABLE issuer_logos (
			sha256 TEXT PRIMARY KEY,
			data {blob} NOT NULL,
			created_at {time} NOT NULL)`,
	)
}
