package accounts

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// ProfileChange is what PATCH /me takes; absent fields stay as they are. Only
// these fields: role, email or disabled cannot be set here (mass assignment).
type ProfileChange struct {
	Name            *string `json:"name"`
	NameAr          *string `json:"name_ar"`
	Locale          *string `json:"locale"`
	Organization    *string `json:"organization"`
	Profession      *string `json:"profession"`
	Password        *string `json:"password"`
	CurrentPassword *string `json:"current_password"`
}

// UpdateProfile applies a profile change. A new password needs the current one
// and ends the user's other sessions.
func (s *Service) UpdateProfile(ctx context.Context, u models.User, sessions *auth.Sessions, sessionID string, ch ProfileChange) (models.User, error) {
	var errs []web.FieldError
	updates := map[string]any{}
	if ch.Name != nil {
		v := strings.TrimSpace(*ch.Name)
		if e := textProblems("name", v, true); e != nil {
			errs = append(errs, e...)
		}
		updates["name"] = v
	}
	if ch.NameAr != nil {
		v := strings.TrimSpace(*ch.NameAr)
		errs = append(errs, textProblems("name_ar", v, false)...)
		updates["name_ar"] = v
	}
	if ch.Organization != nil {
		v := strings.TrimSpace(*ch.Organization)
		errs = append(errs, textProblems("organization", v, false)...)
		updates["organization"] = v
	}
	if ch.Profession != nil {
		if !models.Valid(*ch.Profession, models.Professions) {
			errs = append(errs, web.Field("profession", "err.profession"))
		}
		updates["profession"] = *ch.Profession
	}
	if ch.Locale != nil {
		if !models.Valid(*ch.Locale, models.Locales) {
			errs = append(errs, web.Field("locale", "err.locale"))
		}
		updates["locale"] = *ch.Locale
	}
	if ch.Password != nil {
		switch {
		case ch.CurrentPassword == nil || *ch.CurrentPassword == "":
			errs = append(errs, web.Field("current_password", "err.required"))
		case !auth.CheckPassword(*ch.CurrentPassword, u.PasswordHash):
			errs = append(errs, web.Field("current_password", "err.current_password"))
		}
		if p := auth.PasswordProblem(*ch.Password, u.Email); p != "" {
			errs = append(errs, web.Field("password", p, auth.MinPasswordLength))
		}
	}
	if len(errs) > 0 {
		return u, web.Invalid(errs...)
	}
	if ch.Password != nil {
		hash, err := auth.HashPassword(*ch.Password)
		if err != nil {
			return u, fmt.Errorf("accounts: hash password: %w", err)
		}
		updates["password_hash"] = hash
	}
	if len(updates) == 0 {
		return u, nil
	}
	updates["updated_at"] = s.now()
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.User{}).Where("id = ?", u.ID).Updates(updates).Error; err != nil {
			return err
		}
		if ch.Password != nil {
			return models.Audit(tx, &u.ID, "user.password_change", fmt.Sprintf("user:%d", u.ID), "")
		}
		return nil
	})
	if err != nil {
		return u, fmt.Errorf("accounts: update profile %d: %w", u.ID, err)
	}
	if ch.Password != nil {
		if err := sessions.RevokeOthers(ctx, u.ID, sessionID); err != nil {
			return u, err
		}
	}
	return s.Get(ctx, u.ID)
}
