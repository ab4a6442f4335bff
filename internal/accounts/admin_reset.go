package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tadrib/internal/auth"
	"tadrib/models"
)

// ResetLinkTTL is how long a link made by "reset password" works: long
// enough for an admin to hand it over by phone or in person.
const ResetLinkTTL = 72 * time.Hour

// ResetPassword makes id's password unusable, ends their sessions and returns
// a set-password token for the admin to hand over, all in one transaction.
// Audited as user.password_reset (and user.password_link).
func (s *Service) ResetPassword(ctx context.Context, actor models.User, id int64) (string, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return "", err
	}
	// A hash of 130 random bits nobody keeps: the old password stops
	// working, and the login code needs no special case.
	hash, err := auth.HashPassword(rand.Text())
	if err != nil {
		return "", fmt.Errorf("accounts: hash password: %w", err)
	}
	var token string
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&models.User{}).Where("id = ?", id).Updates(map[string]any{"password_hash": hash, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := revokeAll(tx, id, now); err != nil {
			return err
		}
		if err := models.Audit(tx, &actor.ID, "user.password_reset", userObject(id), ""); err != nil {
			return err
		}
		token, err = s.createToken(tx, id, &actor.ID, ResetLinkTTL)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return "", err
	}
	if err != nil {
		return "", fmt.Errorf("accounts: reset password of %d: %w", id, err)
	}
	return token, nil
}
