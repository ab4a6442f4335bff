package cohorts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/courses"
	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// A trainer's member list does not reveal whether an address already has an
// account (SECURITY.md: no existence oracle, no profile read by email). Every
// valid row becomes a personal invitation with the same outcome, and the
// person becomes a member — enrolled, counted in reports — only once they
// accept: on their dashboard or on the invitation's page, or, for an account
// made by the import, by choosing its first password there. Until then the
// trainer sees what they typed, and "pending". Admins, who see every account
// anyway, still import directly (ImportMembers).

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

// Invitation is a live invitation as the invited person, or whoever holds
// its link, sees it: the cohort, who invites and to which courses, and the
// address it was sent to (as the trainer typed it). Nothing in it comes from
// the invited account, so it reads the same whether or not one existed.
type Invitation struct {
	ID        string              `json:"id"`
	Cohort    string              `json:"cohort"`
	StartsOn  string              `json:"starts_on"`
	EndsOn    string              `json:"ends_on"`
	Place     string              `json:"place"`
	Courses   []courses.CourseRef `json:"courses"`
	InvitedBy string              `json:"invited_by"`
	Email     string              `json:"email"`
	ExpiresAt time.Time           `json:"expires_at"`

	id, userID, cohortID int64
	newAccount           bool
}

// For reports whether the invitation was sent to user.
func (iv Invitation) For(user models.User) bool { return iv.userID == user.ID }

// liveInvitations selects pending invitations not yet expired.
func (s *Service) liveInvitations(tx *gorm.DB) *gorm.DB {
	return tx.Where("status = ? AND expires_at > ?", models.InvitePending, s.now())
}

// invitationViews adds cohorts, courses and inviters to invitations.
func (s *Service) invitationViews(ctx context.Context, invs []models.CohortInvitation, lang string) ([]Invitation, error) {
	out := make([]Invitation, 0, len(invs))
	if len(invs) == 0 {
		return out, nil
	}
	cids := make([]int64, 0, len(invs))
	uids := make([]int64, 0, len(invs))
	for _, iv := range invs {
		cids = append(cids, iv.CohortID)
		if iv.CreatedBy != nil {
			uids = append(uids, *iv.CreatedBy)
		}
	}
	var cos []models.Cohort
	if err := s.db.R.WithContext(ctx).Where("id IN ?", cids).Find(&cos).Error; err != nil {
		return nil, fmt.Errorf("courses: invited cohorts: %w", err)
	}
	views, err := s.cohortViews(ctx, cos, lang)
	if err != nil {
		return nil, err
	}
	byID := map[string]Cohort{}
	for _, v := range views {
		byID[v.ID] = v
	}
	names := map[int64]string{}
	if len(uids) > 0 {
		var us []models.User
		if err := s.db.R.WithContext(ctx).Select("id", "name").Where("id IN ?", uids).Find(&us).Error; err != nil {
			return nil, fmt.Errorf("courses: inviters: %w", err)
		}
		for _, u := range us {
			names[u.ID] = u.Name
		}
	}
	for _, iv := range invs {
		co, ok := byID[id(iv.CohortID)]
		if !ok {
			continue
		}
		v := Invitation{ID: id(iv.ID), Cohort: co.Name, StartsOn: co.StartsOn, EndsOn: co.EndsOn, Place: co.Place,
			Courses: co.Courses, Email: iv.Email, ExpiresAt: iv.ExpiresAt, id: iv.ID, userID: iv.UserID, cohortID: iv.CohortID,
			newAccount: iv.NewAccount}
		if iv.CreatedBy != nil {
			v.InvitedBy = names[*iv.CreatedBy]
		}
		out = append(out, v)
	}
	return out, nil
}

// MyInvitations lists user's live invitations, newest first.
func (s *Service) MyInvitations(ctx context.Context, user models.User, lang string) ([]Invitation, error) {
	var invs []models.CohortInvitation
	err := s.liveInvitations(s.db.R.WithContext(ctx)).Where("user_id = ?", user.ID).Order("created_at DESC, id DESC").Find(&invs).Error
	if err != nil {
		return nil, fmt.Errorf("courses: invitations of %d: %w", user.ID, err)
	}
	return s.invitationViews(ctx, invs, lang)
}

// InvitationByToken finds the live invitation a link opens. Unknown, expired,
// answered: courses.ErrNotFound, one answer for all.
func (s *Service) InvitationByToken(ctx context.Context, token, lang string) (Invitation, error) {
	token = strings.ToLower(token)
	if !invitationTokenOK(token) {
		return Invitation{}, courses.ErrNotFound
	}
	var iv models.CohortInvitation
	err := s.liveInvitations(s.db.R.WithContext(ctx)).Where("token_hash = ?", invitationHash(token)).Take(&iv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Invitation{}, courses.ErrNotFound
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("courses: invitation by token: %w", err)
	}
	list, err := s.invitationViews(ctx, []models.CohortInvitation{iv}, lang)
	if err != nil {
		return Invitation{}, err
	}
	if len(list) == 0 {
		return Invitation{}, courses.ErrNotFound
	}
	return list[0], nil
}

// RespondInvitation accepts or declines user's invitation invID. Accepting
// makes them a member and enrols them in the cohort's courses; declining
// tells the trainer "declined" and nothing else. Someone else's invitation,
// or one no longer live, is not found. Audited.
func (s *Service) RespondInvitation(ctx context.Context, user models.User, invID int64, accept bool, detail string) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.respond(tx, user.ID, invID, accept, detail)
	})
}

// respond answers invitation invID of userID in tx. The update's guard on
// the state makes two answers at once count once.
func (s *Service) respond(tx *gorm.DB, userID, invID int64, accept bool, detail string) error {
	var iv models.CohortInvitation
	err := s.liveInvitations(tx).Where("id = ? AND user_id = ?", invID, userID).Take(&iv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return courses.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("courses: invitation %d: %w", invID, err)
	}
	now := s.now()
	status, action := models.InviteDeclined, "cohort.invitation_decline"
	if accept {
		status, action = models.InviteAccepted, "cohort.invitation_accept"
	}
	res := tx.Model(&models.CohortInvitation{}).Where("id = ? AND status = ?", iv.ID, models.InvitePending).
		Updates(map[string]any{"status": status, "responded_at": now})
	if res.Error != nil {
		return fmt.Errorf("courses: answer invitation %d: %w", invID, res.Error)
	}
	if res.RowsAffected != 1 {
		return courses.ErrNotFound
	}
	if accept {
		err := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&models.CohortMember{CohortID: iv.CohortID, UserID: userID, JoinedAt: now, Via: models.ViaList}).Error
		if err != nil {
			return fmt.Errorf("courses: accept invitation %d: %w", invID, err)
		}
		if err := s.enrolMembers(tx, iv.CohortID, []int64{userID}); err != nil {
			return fmt.Errorf("courses: accept invitation %d: %w", invID, err)
		}
	}
	return models.Audit(tx, &userID, action, cohortObject(iv.CohortID), strings.TrimPrefix(detail+",invitation:"+id(iv.ID), ","))
}

// AcceptWithPassword is the acceptance of someone whose account the
// trainer's list created: opening the link, they choose its first password
// (checked like at registration; confirm must match), and are a member. Any
// other account — one that has a password, is disabled, or was made by
// another list (whose own link gives its first password) — is refused with
// accounts.ErrEmailTaken, the answer registration gives for a taken address:
// the link tells its holder no more than the registration form does, and a
// trainer holding it can set a password only on an account their list made,
// as with the set-password links an admin's list hands out.
func (s *Service) AcceptWithPassword(ctx context.Context, token, password, confirm, lang string) (models.User, error) {
	iv, err := s.InvitationByToken(ctx, token, lang)
	if err != nil {
		return models.User{}, err
	}
	var errs []web.FieldError
	if p := auth.PasswordProblem(password, iv.Email); p != "" {
		errs = append(errs, web.Field("password", p, auth.MinPasswordLength))
	} else if password != confirm {
		errs = append(errs, web.Field("confirm", "admin.err.confirm_mismatch"))
	}
	if len(errs) > 0 {
		return models.User{}, web.Invalid(errs...)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return models.User{}, fmt.Errorf("courses: hash password: %w", err)
	}
	if !iv.newAccount {
		return models.User{}, accounts.ErrEmailTaken
	}
	now := s.now()
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Only an account nobody can sign in to yet: no password, enabled.
		res := tx.Model(&models.User{}).Where("id = ? AND password_hash = '' AND disabled = ?", iv.userID, false).
			Updates(map[string]any{"password_hash": hash, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return accounts.ErrEmailTaken
		}
		if err := models.Audit(tx, &iv.userID, "user.password_set", "user:"+strconv.FormatInt(iv.userID, 10), "by invitation"); err != nil {
			return err
		}
		return s.respond(tx, iv.userID, iv.id, true, "page,new_password")
	})
	if err != nil {
		if errors.Is(err, accounts.ErrEmailTaken) || errors.Is(err, courses.ErrNotFound) {
			return models.User{}, err
		}
		return models.User{}, fmt.Errorf("courses: accept invitation with password: %w", err)
	}
	var u models.User
	if err := s.db.W.WithContext(ctx).Take(&u, "id = ?", iv.userID).Error; err != nil {
		return u, fmt.Errorf("courses: invited user %d: %w", iv.userID, err)
	}
	return u, nil
}
