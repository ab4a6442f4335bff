package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

// ErrLastAdmin refuses a change that would leave no enabled admin: nobody
// could then manage accounts.
var ErrLastAdmin = &web.Error{Status: fiber.StatusConflict, Key: "admin.err.last_admin"}

// UserQuery filters the admin's user list.
type UserQuery struct {
	Q          string
	Role       string
	Profession string
	Limit      int
	Offset     int
}

// List returns the users matching q (by email or name) and their total.
func (s *Service) List(ctx context.Context, q UserQuery) ([]models.User, int64, error) {
	tx := s.db.R.WithContext(ctx).Model(&models.User{})
	if q.Q != "" {
		like := "%" + escapeLike(strings.ToLower(strings.TrimSpace(q.Q))) + "%"
		tx = tx.Where("LOWER(email) LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\' OR name_ar LIKE ? ESCAPE '\\'", like, like, like)
	}
	if q.Role != "" {
		tx = tx.Where("role = ?", q.Role)
	}
	if q.Profession != "" {
		tx = tx.Where("profession = ?", q.Profession)
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
// A change that would leave no enabled admin is refused (ErrLastAdmin).
func (s *Service) AdminUpdate(ctx context.Context, actor models.User, id int64, ch AdminChange) (models.User, error) {
	if ch.Role != nil && !models.Valid(*ch.Role, models.Roles) {
		return models.User{}, web.Invalid(web.Field("role", "err.role"))
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
	stillAdmin := (ch.Role == nil || *ch.Role == models.RoleAdmin) && (ch.Disabled == nil || !*ch.Disabled)
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !stillAdmin {
			if err := s.keepAnAdmin(tx, id); err != nil {
				return err
			}
		}
		if err := tx.Model(&models.User{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		if ch.Disabled != nil && *ch.Disabled {
			// The middleware refuses a disabled user anyway; ending the
			// sessions also keeps them ended if the account is enabled again.
			if err := revokeAll(tx, id, s.now()); err != nil {
				return err
			}
		}
		return models.Audit(tx, &actor.ID, "user.update", userObject(id), strings.Join(details, "; "))
	})
	if errors.Is(err, ErrLastAdmin) {
		return u, ErrLastAdmin
	}
	if err != nil {
		return u, fmt.Errorf("accounts: admin update %d: %w", id, err)
	}
	return s.Get(ctx, id)
}

// keepAnAdmin returns ErrLastAdmin when id is the only enabled admin. On
// PostgreSQL it locks every enabled admin's row, in id order, until tx ends:
// two admins demoting each other at the same moment then run one after the
// other (the second sees the first's change and is refused) instead of both
// passing, and the fixed order cannot deadlock. SQLite has one writer at a
// time.
func (s *Service) keepAnAdmin(tx *gorm.DB, id int64) error {
	q := "SELECT id FROM users WHERE role = ? AND disabled = ? ORDER BY id"
	if s.db.Engine == "postgres" {
		q += " FOR UPDATE"
	}
	var ids []int64
	if err := tx.Raw(q, models.RoleAdmin, false).Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) == 1 && ids[0] == id {
		return ErrLastAdmin
	}
	return nil
}
