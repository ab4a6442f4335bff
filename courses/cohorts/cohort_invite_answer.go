package cohorts

import (
	"context"
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
