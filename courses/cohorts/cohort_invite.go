package cohorts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/models"
)

// A trainer's member list does not reveal whether an address already has an
// account (SECURITY.md finding M4: no existence oracle, no profile read by
// email). Every valid row becomes a personal invitation with the same outcome,
// and the person becomes a member — enrolled, counted in reports — only once
// they accept: on their dashboard or on the invitation's page, or, for an
// account made by the import, by choosing its first password there. Until then
// the trainer sees what they typed, and "pending". Admins, who see every
// account anyway, still import directly (ImportMembers).

// invitationTTL is how long an invitation link works: long enough to reach
// people before a session starts.
const invitationTTL = 14 * 24 * time.Hour

// Outcomes of a row of a trainer's list.
const (
	RowInvited = "invited" // an invitation was made, whether or not the address has an account
	RowMember  = "member"  // already a member of this cohort (the trainer sees them in it)
)

// invitationTokenLen is rand.Text's 26 base32 characters: 130 random bits.
const invitationTokenLen = 26

func newInvitationToken() string { return strings.ToLower(rand.Text()) }

func invitationHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// invitationTokenOK rejects what rand.Text cannot produce, before any query.
func invitationTokenOK(token string) bool {
	if len(token) != invitationTokenLen {
		return false
	}
	for _, r := range token {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}

// inviteMembers is ImportMembers for a trainer: rows (checked, good indexes
// into rep.Rows) become invitations. An address without an account gets one
// without a password, as an admin's import makes them; an address with one is
// left untouched. Both get the same row.
func (s *Service) inviteMembers(ctx context.Context, editor models.User, cohortID int64, rows []MemberInput, good []int, rep *ImportReport, lang string) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := ownCohort(ctx, tx, editor, cohortID); err != nil {
			return err
		}
		existing, err := usersByEmail(tx, rows, good)
		if err != nil {
			return err
		}
		already, err := memberSet(tx, cohortID, existing)
		if err != nil {
			return err
		}
		now := s.now()
		var fresh []*models.User
		for _, gi := range good {
			in := rows[gi]
			r := &rep.Rows[gi]
			if u, ok := existing[in.Email]; ok {
				r.UserID = u.ID
				if already[u.ID] {
					r.Status = RowMember
					continue
				}
			} else {
				fresh = append(fresh, &models.User{Email: in.Email, Name: in.Name, NameAr: in.NameAr, Role: models.RoleTrainee,
					Profession: in.Profession, Organization: in.Organization, Locale: lang, CreatedAt: now, UpdatedAt: now})
			}
			r.Status = RowInvited
		}
		if len(fresh) > 0 {
			if err := tx.CreateInBatches(fresh, 200).Error; err != nil {
				return fmt.Errorf("create accounts: %w", err)
			}
		}
		byEmail := map[string]int64{}
		events := make([]models.AuditEvent, 0, 2*len(good)+1)
		for _, u := range fresh {
			byEmail[u.Email] = u.ID
			events = append(events, models.AuditEvent{At: now, ActorID: &editor.ID, Action: "user.create_by_import",
				Object: "user:" + strconv.FormatInt(u.ID, 10), Detail: cohortObject(cohortID)})
		}
		invs := make([]models.CohortInvitation, 0, len(good))
		made := map[int64]bool{}
		for _, u := range fresh {
			made[u.ID] = true
		}
		members := 0
		for _, gi := range good {
			r := &rep.Rows[gi]
			if r.Status == RowMember {
				members++
				continue
			}
			if r.UserID == 0 {
				r.UserID = byEmail[r.Email]
			}
			r.token = newInvitationToken()
			invs = append(invs, models.CohortInvitation{CohortID: cohortID, UserID: r.UserID, Name: r.Name, Email: r.Email,
				TokenHash: invitationHash(r.token), Status: models.InvitePending, NewAccount: made[r.UserID], CreatedBy: &editor.ID, CreatedAt: now,
				ExpiresAt: now.Add(invitationTTL)})
			events = append(events, models.AuditEvent{At: now, ActorID: &editor.ID, Action: "cohort.invite",
				Object: cohortObject(cohortID), Detail: "user:" + strconv.FormatInt(r.UserID, 10)})
			rep.Invited++
		}
		if len(invs) > 0 {
			// Inviting again replaces the link (the old one stops working)
			// and reopens a declined invitation; new_account stays as the
			// first list left it.
			err := tx.Clauses(clause.OnConflict{
				Columns: []clause.Column{{Name: "cohort_id"}, {Name: "user_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"name", "email", "token_hash", "status", "created_by",
					"created_at", "expires_at", "responded_at"}),
			}).CreateInBatches(invs, 200).Error
			if err != nil {
				return fmt.Errorf("invite members: %w", err)
			}
		}
		events = append(events, models.AuditEvent{At: now, ActorID: &editor.ID, Action: "cohort.members_import", Object: cohortObject(cohortID),
			Detail: fmt.Sprintf("invited=%d members=%d rejected=%d", rep.Invited, members, len(rep.Rejected))})
		return tx.CreateInBatches(events, 200).Error
	})
}

// memberSet says which of the accounts found are already members of the cohort.
func memberSet(tx *gorm.DB, cohortID int64, found map[string]models.User) (map[int64]bool, error) {
	ids := make([]int64, 0, len(found))
	for _, u := range found {
		ids = append(ids, u.ID)
	}
	set := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		var in []int64
		err := tx.Model(&models.CohortMember{}).Where("cohort_id = ? AND user_id IN ?", cohortID, ids[start:min(start+500, len(ids))]).
			Pluck("user_id", &in).Error
		if err != nil {
			return nil, fmt.Errorf("find members: %w", err)
		}
		for _, id := range in {
			set[id] = true
		}
	}
	return set, nil
}

// settleInvitations marks the pending invitations of userIDs to the cohort
// accepted once they are members by another way (the cohort's link, an
// admin's list): the invitation has nothing left to ask.
func settleInvitations(tx *gorm.DB, cohortID int64, userIDs []int64, now time.Time) error {
	for start := 0; start < len(userIDs); start += 500 {
		err := tx.Model(&models.CohortInvitation{}).
			Where("cohort_id = ? AND user_id IN ? AND status = ?", cohortID, userIDs[start:min(start+500, len(userIDs))], models.InvitePending).
			Updates(map[string]any{"status": models.InviteAccepted, "responded_at": now}).Error
		if err != nil {
			return fmt.Errorf("settle invitations: %w", err)
		}
	}
	return nil
}

// InvitedPerson is an invitation as the trainer sees it: only what they
// typed, and its state (pending, declined or expired). Accepted ones are
// members.
type InvitedPerson struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Status    string    `json:"status"`
	InvitedAt time.Time `json:"invited_at"`
}

// InvitationExpired is the state shown for a pending invitation past its date.
const InvitationExpired = "expired"

// CohortInvitations lists the invitations of a cohort editor manages that
// are not accepted, by name.
func (s *Service) CohortInvitations(ctx context.Context, editor models.User, cohortID int64) ([]InvitedPerson, error) {
	if _, err := ownCohort(ctx, s.db.R, editor, cohortID); err != nil {
		return nil, err
	}
	var invs []models.CohortInvitation
	err := s.db.R.WithContext(ctx).Where("cohort_id = ? AND status <> ?", cohortID, models.InviteAccepted).
		Order("name, id").Find(&invs).Error
	if err != nil {
		return nil, fmt.Errorf("courses: invitations of cohort %d: %w", cohortID, err)
	}
	now := s.now()
	out := make([]InvitedPerson, 0, len(invs))
	for _, iv := range invs {
		st := iv.Status
		if st == models.InvitePending && !iv.ExpiresAt.After(now) {
			st = InvitationExpired
		}
		out = append(out, InvitedPerson{ID: id(iv.ID), Name: iv.Name, Email: iv.Email, Status: st, InvitedAt: iv.CreatedAt})
	}
	return out, nil
}
