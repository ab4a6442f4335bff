package models

import "gorm.io/gorm"

// migrateCohorts creates cohorts (training sessions), the courses each one
// follows and its members.
func migrateCohorts(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE TABLE cohorts (
			id {id},
			name TEXT NOT NULL,
			starts_on TEXT NOT NULL DEFAULT '',
			ends_on TEXT NOT NULL DEFAULT '',
			place TEXT NOT NULL DEFAULT '',
			invite_token TEXT NOT NULL UNIQUE,
			created_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			created_at {time} NOT NULL,
			updated_at {time} NOT NULL)`,
		`CREATE TABLE cohort_courses (
			cohort_id {ref} NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
			course_id {ref} NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
			PRIMARY KEY (cohort_id, course_id))`,
		`CREATE TABLE cohort_members (
			cohort_id {ref} NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
			user_id {ref} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			joined_at {time} NOT NULL,
			via TEXT NOT NULL DEFAULT 'list',
			PRIMARY KEY (cohort_id, user_id))`,
		`CREATE INDEX cohort_members_user ON cohort_members (user_id)`,
		// A trainer's list of their cohorts.
		`CREATE INDEX cohorts_created_by ON cohorts (created_by)`,
	)
}

// migrateCohortInvitations creates the personal invitations a trainer's
// member list sends: a person becomes a member only when they accept. Name
// and email are what the trainer typed (all the trainer sees until then);
// only a SHA-256 of each link's token is kept. One invitation per person and
// cohort: inviting again replaces the link. new_account marks the invitation
// whose list created the account: only its link may give it a first password.
func migrateCohortInvitations(tx *gorm.DB, d Dialect) error {
	return exec(tx, d,
		`CREATE TABLE cohort_invitations (
			id {id},
			cohort_id {ref} NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
			user_id {ref} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			name TEXT NOT NULL,
			email TEXT NOT NULL,
			token_hash TEXT NOT NULL UNIQUE,
			status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','declined')),
			new_account BOOLEAN NOT NULL DEFAULT FALSE,
			created_by {ref} REFERENCES users(id) ON DELETE SET NULL,
			created_at {time} NOT NULL,
			expires_at {time} NOT NULL,
			responded_at {time},
			UNIQUE (cohort_id, user_id))`,
		// A person's dashboard lists their pending invitations.
		`CREATE INDEX cohort_invitations_user ON cohort_invitations (user_id, status)`,
	)
}
