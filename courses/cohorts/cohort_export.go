package cohorts

import (
	"context"
	"fmt"
	"time"
)

// Cohorts' parts of a trainee's data export (right of access); cmd/tadrib
// hands them to the accounts service.

// membershipExport is one cohort (training session) the user belongs to.
type membershipExport struct {
	CohortID int64     `json:"cohort_id,string"`
	Name     string    `json:"cohort_name"`
	StartsOn string    `json:"starts_on"`
	EndsOn   string    `json:"ends_on"`
	Place    string    `json:"place"`
	JoinedAt time.Time `json:"joined_at"`
	Via      string    `json:"via"`
}

// ExportMemberships is the "cohort_memberships" part.
func (s *Service) ExportMemberships(ctx context.Context, userID int64) (string, any, error) {
	rows := []membershipExport{}
	err := s.db.R.WithContext(ctx).Raw(`SELECT co.id AS cohort_id, co.name, co.starts_on, co.ends_on, co.place, m.joined_at, m.via
		FROM cohort_members m JOIN cohorts co ON co.id = m.cohort_id WHERE m.user_id = ? ORDER BY m.joined_at, co.id`, userID).
		Scan(&rows).Error
	if err != nil {
		return "cohort_memberships", nil, fmt.Errorf("courses: export cohort memberships of %d: %w", userID, err)
	}
	return "cohort_memberships", rows, nil
}

// invitationExport is one invitation sent to the user: what the trainer
// typed, and its answer.
type invitationExport struct {
	CohortID    int64      `json:"cohort_id,string"`
	Cohort      string     `json:"cohort_name"`
	Name        string     `json:"name_typed"`
	Email       string     `json:"email_typed"`
	Status      string     `json:"status"`
	InvitedAt   time.Time  `json:"invited_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	RespondedAt *time.Time `json:"responded_at"`
}

// ExportInvitations is the "cohort_invitations" part.
func (s *Service) ExportInvitations(ctx context.Context, userID int64) (string, any, error) {
	rows := []invitationExport{}
	err := s.db.R.WithContext(ctx).Raw(`SELECT co.id AS cohort_id, co.name AS cohort, i.name, i.email, i.status,
		i.created_at AS invited_at, i.expires_at, i.responded_at
		FROM cohort_invitations i JOIN cohorts co ON co.id = i.cohort_id WHERE i.user_id = ? ORDER BY i.created_at, i.id`, userID).
		Scan(&rows).Error
	if err != nil {
		return "cohort_invitations", nil, fmt.Errorf("courses: export invitations of %d: %w", userID, err)
	}
	return "cohort_invitations", rows, nil
}
