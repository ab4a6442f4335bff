package models

import "time"

// Cohort is a training session: a group of trainees following some courses
// together, at a place and between two dates (YYYY-MM-DD, kept as text so
// that both engines store and compare them the same way). InviteToken lets
// whoever holds the link join; replacing it ends the old link.
type Cohort struct {
	ID          int64 `gorm:"primaryKey"`
	Name        string
	StartsOn    string
	EndsOn      string
	Place       string
	InviteToken string
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// CohortCourse says a cohort follows a course.
type CohortCourse struct {
	CohortID int64 `gorm:"primaryKey"`
	CourseID int64 `gorm:"primaryKey"`
}

// Ways a member came into a cohort.
const (
	ViaList   = "list"   // a trainer's CSV or JSON list
	ViaInvite = "invite" // the invitation link
)

// CohortMember says a user belongs to a cohort, since when and how.
type CohortMember struct {
	CohortID int64 `gorm:"primaryKey"`
	UserID   int64 `gorm:"primaryKey"`
	JoinedAt time.Time
	Via      string
}

// States of a cohort invitation.
const (
	InvitePending  = "pending"
	InviteAccepted = "accepted"
	InviteDeclined = "declined"
)

// CohortInvitation is a personal invitation to a cohort, sent by a trainer's
// member list. Until the person accepts, the trainer sees only Name and
// Email, which they typed themselves; TokenHash is the hex SHA-256 of the
// link's token.
type CohortInvitation struct {
	ID          int64 `gorm:"primaryKey"`
	CohortID    int64
	UserID      int64
	Name        string
	Email       string
	TokenHash   string
	Status      string
	NewAccount  bool // this invitation's list created the account
	CreatedBy   *int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RespondedAt *time.Time
}
