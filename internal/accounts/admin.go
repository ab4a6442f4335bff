package accounts

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

// UserQuery filters the admin's user list.
type UserQuery struct {
	Q      string
	Role   string
	Limit  int
	Offset int
}

// List returns the users matching q (by email or name) and their total.
func (s *Service) List(ctx context.Context, q UserQuery) ([]models.User, int64, error) {
	tx := s.DB.R.WithContext(ctx).Model(&models.User{})
	if q.Q != "" {
		like := "%" + escapeLike(strings.ToLower(q.Q)) + "%"
		tx = tx.Where("LOWER(email) LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\' OR name_ar LIKE ? ESCAPE '\\'", like, like, like)
	}
	if q.Role != "" {
		tx = tx.Where("role = ?", q.Role)
	}
	var total int64
	if err := tx.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("accounts: count users: %w", err)
	}
	var users []models.User
	if err := tx.Order("id").Limit(q.Limit).Offset(q.Offset).Find(&users).Error; err != nil {
		return nil, 0, fmt.Errorf("accounts: list users: %w", err)
	}
	return users, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AdminChange is what PATCH /admin/users/{id} takes.
type AdminChange struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// AdminUpdate changes a user's role or disabled flag, audited. It takes effect
// on that user's next request, since every request reads the user afresh.
func (s *Service) AdminUpdate(ctx context.Context, actor models.User, id int64, ch AdminChange) (models.User, error) {
	if ch.Role != nil && !models.Valid(*ch.Role, models.Roles) {
		return models.User{}, web.Invalid(web.Field("role", "err.role"))
	}
	if actor.ID == id && ((ch.Role != nil && *ch.Role != models.RoleAdmin) || (ch.Disabled != nil && *ch.Disabled)) {
		// An admin who demotes or disables themselves may leave nobody to undo it.
		return models.User{}, web.Invalid(web.Field("role", "err.self_demote"))
	}
	u, err := s.Get(ctx, id)
	if err != nil {
		return u, err
	}
	updates := map[string]any{"updated_at": s.now()}
	var details []string
	if ch.Role != nil && *ch.Role != u.Role {
		updates["role"] = *ch.Role
		details = append(details, fmt.Sprintf("role %s -> %s", u.Role, *ch.Role))
	}
	if ch.Disabled != nil && *ch.Disabled != u.Disabled {
		updates["disabled"] = *ch.Disabled
		details = append(details, fmt.Sprintf("disabled %t -> %t", u.Disabled, *ch.Disabled))
	}
	if len(details) == 0 {
		return u, nil
	}
	err = s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.User{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		return models.Audit(tx, &actor.ID, "user.update", fmt.Sprintf("user:%d", id), strings.Join(details, "; "))
	})
	if err != nil {
		return u, fmt.Errorf("accounts: admin update %d: %w", id, err)
	}
	return s.Get(ctx, id)
}
