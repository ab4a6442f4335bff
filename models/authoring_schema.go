package models

import "gorm.io/gorm"

// migrateAuthoring creates what the course editor needs beyond courses,
// modules and lessons. Images are kept in the database (one place to back
// up, every node sees them) and named by their content's SHA-256.
func migrateAuthoring(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE TABLE images (
			id {id},
			course_id {ref} NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
			name TEXT NOT NULL,
			content_type TEXT NOT NULL,
			sha256 TEXT NOT NULL,
			data {blob} NOT NULL,
			created_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			created_at {time} NOT NULL,
			UNIQUE (course_id, name))`,
		// Images are served by their hash, from whichever course holds them.
		`CREATE INDEX images_sha256 ON images (sha256)`,
	)
}
