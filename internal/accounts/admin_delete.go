package accounts

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

// DeleteUser erases an account at an admin's request (right to erasure):
// confirmEmail must repeat the account's email. The schema does the rest in
// the same transaction: sessions, enrolments, completions, attempts with
// their answers, cohort memberships and links go (ON DELETE CASCADE), while
// issued certificates stay verifiable with the holder's name only (user_id
// SET NULL). Deleting the last enabled admin is refused (ErrLastAdmin).
// The audit entry names the former id, nothing personal.
func (s *Service) DeleteUser(ctx context.Context, actor models.User, id int64, confirmEmail string) error {
	u, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if NormalizeEmail(confirmEmail) != u.Email {
		return web.Invalid(web.Field("confirm_email", "admin.err.confirm_email"))
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.keepAnAdmin(tx, id); err != nil {
			return err
		}
		var kept int64
		if err := tx.Raw("SELECT COUNT(*) FROM certificates WHERE user_id = ?", id).Scan(&kept).Error; err != nil {
			return err
		}
		res := tx.Exec("DELETE FROM users WHERE id = ?", id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return models.Audit(tx, &actor.ID, "user.delete", userObject(id), fmt.Sprintf("role %s; certificates kept: %d", u.Role, kept))
	})
	switch {
	case errors.Is(err, ErrLastAdmin), errors.Is(err, ErrNotFound):
		return err
	case err != nil:
		return fmt.Errorf("accounts: delete user %d: %w", id, err)
	}
	return nil
}
