package accounts

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// DeleteUser erases an account at an admin's request (right to erasure):
// confirmEmail must repeat the account's email. The erasure is erase's, the
// same as the owner's own (DeleteSelf) and the retention job's.
func (s *Service) DeleteUser(ctx context.Context, actor models.User, id int64, confirmEmail string) error {
	u, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if NormalizeEmail(confirmEmail) != u.Email {
		return web.Invalid(web.Field("confirm_email", "admin.err.confirm_email"))
	}
	return s.erase(ctx, &actor.ID, u, "by admin", "")
}

// DeleteSelf erases the signed-in user's own account once they have typed
// their password again (a session left open on a shared computer must not be
// enough to erase a trainee's record).
func (s *Service) DeleteSelf(ctx context.Context, u models.User, password string) error {
	switch {
	case password == "":
		return web.Invalid(web.Field("current_password", "err.required"))
	case !auth.CheckPassword(password, u.PasswordHash):
		return web.Invalid(web.Field("current_password", "err.current_password"))
	}
	return s.erase(ctx, &u.ID, u, "by the account's owner", "")
}

// erase deletes account u in one transaction, with its audit event (actor
// nil: the system). The schema does the rest in the same transaction:
// sessions end on every node at once (they are rows, ON DELETE CASCADE, and
// every request reads its session), and enrolments, completions, attempts
// with their answers, quiz overrides, set-password links, cohort memberships
// and invitations go with the account; issued certificates stay in the
// public register, verifiable by their code with the name as printed
// (user_id SET NULL). Deleting the last enabled admin is refused
// (ErrLastAdmin). guard, when not empty, is a further SQL condition on the
// users row that must still hold (the retention job's "still inactive").
// The audit event names the former id and role, nothing personal.
func (s *Service) erase(ctx context.Context, actor *int64, u models.User, how, guard string, args ...any) error {
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.keepAnAdmin(tx, u.ID); err != nil {
			return err
		}
		var kept int64
		if err := tx.Raw("SELECT COUNT(*) FROM certificates WHERE user_id = ?", u.ID).Scan(&kept).Error; err != nil {
			return err
		}
		q := "DELETE FROM users WHERE id = ?"
		if guard != "" {
			q += " AND " + guard
		}
		res := tx.Exec(q, append([]any{u.ID}, args...)...)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return models.Audit(tx, actor, "user.delete", userObject(u.ID),
			fmt.Sprintf("%s; role %s; certificates kept: %d", how, u.Role, kept))
	})
	switch {
	case errors.Is(err, ErrLastAdmin), errors.Is(err, ErrNotFound):
		return err
	case err != nil:
		return fmt.Errorf("accounts: delete user %d: %w", u.ID, err)
	}
	return nil
}
