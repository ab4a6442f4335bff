package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// ErrTokenInvalid is the one answer for a set-password token that is unknown,
// already used or expired: the page must not tell which (no oracle).
var ErrTokenInvalid = web.Sentinel("accounts: set-password link not valid", fiber.StatusNotFound, "err.not_found")

// tokenLen is the length of a token: rand.Text's 26 base32 characters, 130
// random bits.
const tokenLen = 26

// SetPasswordPath is the page a set-password token opens; callers prepend the
// public base URL.
func SetPasswordPath(token string) string { return "/set-password/" + token }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed rejects what rand.Text cannot produce before any query.
func wellFormed(token string) bool {
	if len(token) != tokenLen {
		return false
	}
	for _, r := range token {
		if (r < 'a' || r > 'z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}

// PasswordSetToken creates a single-use link token that lets userID choose a
// new password until ttl has passed, and returns the token (shown once: only
// its SHA-256 is stored). Earlier unused tokens of the user stop working, so
// only the newest link handed out is live. actorID is who asked (an admin, a
// trainer enrolling a cohort); 0 means the system. Audited.
func (s *Service) PasswordSetToken(ctx context.Context, userID, actorID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("accounts: set-password token ttl %v", ttl)
	}
	if _, err := s.Get(ctx, userID); err != nil {
		return "", err
	}
	var actor *int64
	if actorID != 0 {
		actor = &actorID
	}
	var token string
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		token, err = s.createToken(tx, userID, actor, ttl)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("accounts: set-password token for %d: %w", userID, err)
	}
	return token, nil
}

// createToken makes the token in tx: earlier unused tokens of the user are
// deleted, the new one's hash stored, the link audited.
func (s *Service) createToken(tx *gorm.DB, userID int64, actor *int64, ttl time.Duration) (string, error) {
	token := strings.ToLower(rand.Text())
	now := s.now()
	if err := tx.Where("user_id = ? AND used_at IS NULL", userID).Delete(&models.PasswordToken{}).Error; err != nil {
		return "", err
	}
	row := models.PasswordToken{TokenHash: hashToken(token), UserID: userID, CreatedBy: actor, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.Create(&row).Error; err != nil {
		return "", err
	}
	if err := models.Audit(tx, actor, "user.password_link", userObject(userID), "expires "+row.ExpiresAt.Format(time.RFC3339)); err != nil {
		return "", err
	}
	return token, nil
}

func userObject(id int64) string { return fmt.Sprintf("user:%d", id) }

// TokenUser returns the user a live token belongs to, or ErrTokenInvalid.
func (s *Service) TokenUser(ctx context.Context, token string) (models.User, error) {
	t, err := s.liveToken(s.db.R.WithContext(ctx), token)
	if err != nil {
		return models.User{}, err
	}
	u, err := s.Get(ctx, t.UserID)
	if errors.Is(err, ErrNotFound) {
		return u, ErrTokenInvalid
	}
	return u, err
}

func (s *Service) liveToken(tx *gorm.DB, token string) (models.PasswordToken, error) {
	var t models.PasswordToken
	if !wellFormed(token) {
		return t, ErrTokenInvalid
	}
	err := tx.Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), s.now()).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, ErrTokenInvalid
	}
	if err != nil {
		return t, fmt.Errorf("accounts: find set-password token: %w", err)
	}
	return t, nil
}

// SetPasswordWithToken consumes token and gives its user password (checked
// like at registration; confirm must match). The token is spent and every
// session of the user ends in the same transaction as the new hash, so a
// second use, or a device signed in before, gets nothing. Audited.
func (s *Service) SetPasswordWithToken(ctx context.Context, token, password, confirm string) (models.User, error) {
	u, err := s.TokenUser(ctx, token)
	if err != nil {
		return u, err
	}
	var errs []web.FieldError
	if p := auth.PasswordProblem(password, u.Email); p != "" {
		errs = append(errs, web.Field("password", p, auth.MinPasswordLength))
	} else if password != confirm {
		errs = append(errs, web.Field("confirm", "admin.err.confirm_mismatch"))
	}
	if len(errs) > 0 {
		return u, web.Invalid(errs...)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return u, fmt.Errorf("accounts: hash password: %w", err)
	}
	now := s.now()
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.liveToken(tx, token)
		if err != nil {
			return err
		}
		// The guard on used_at makes two simultaneous uses spend it once.
		res := tx.Model(&models.PasswordToken{}).Where("id = ? AND used_at IS NULL", t.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrTokenInvalid
		}
		if err := tx.Model(&models.User{}).Where("id = ?", t.UserID).
			Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := revokeAll(tx, t.UserID, now); err != nil {
			return err
		}
		return models.Audit(tx, &t.UserID, "user.password_set", userObject(t.UserID), "by link")
	})
	if err != nil {
		if errors.Is(err, ErrTokenInvalid) {
			return u, err
		}
		return u, fmt.Errorf("accounts: set password of %d: %w", u.ID, err)
	}
	return s.Get(ctx, u.ID)
}

// revokeAll ends every session of userID in tx.
func revokeAll(tx *gorm.DB, userID int64, now time.Time) error {
	return tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
}
