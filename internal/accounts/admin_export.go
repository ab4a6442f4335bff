package accounts

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tadrib/models"
)

// ExportPart gathers one feature's data about a user for their data export
// (right of access). Features own what they store, and internal/ imports no
// feature, so cmd/tadrib hands the parts in. name is the part's key in the
// export; data must marshal to JSON.
type ExportPart func(ctx context.Context, userID int64) (name string, data any, err error)

// ExportFormat names the layout of an export document.
const ExportFormat = "tadrib-export/1"

// sessionJSON is one sign-in, as the export shows it: no session id (it is
// a credential).
type sessionJSON struct {
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Export returns everything Tadrib holds about user id: the account, its
// sign-ins, and each part. The export is audited (user.export): it is
// personal data leaving the system.
func (s *Service) Export(ctx context.Context, actor models.User, id int64, parts []ExportPart) (map[string]any, error) {
	u, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	var sessions []models.Session
	if err := s.db.R.WithContext(ctx).Where("user_id = ?", id).Order("created_at").Find(&sessions).Error; err != nil {
		return nil, fmt.Errorf("accounts: export sessions of %d: %w", id, err)
	}
	signIns := make([]sessionJSON, len(sessions))
	for i, ss := range sessions {
		signIns[i] = sessionJSON{CreatedAt: ss.CreatedAt, LastSeenAt: ss.LastSeenAt, ExpiresAt: ss.ExpiresAt, RevokedAt: ss.RevokedAt}
	}
	account := map[string]any{}
	j := ToJSON(u)
	for k, v := range map[string]any{"id": j.ID, "email": j.Email, "name": j.Name, "name_ar": j.NameAr, "role": j.Role,
		"profession": j.Profession, "organization": j.Organization, "locale": j.Locale, "disabled": j.Disabled,
		"created_at": u.CreatedAt, "updated_at": u.UpdatedAt, "last_login_at": u.LastLoginAt} {
		account[k] = v
	}
	doc := map[string]any{"format": ExportFormat, "exported_at": s.now(), "account": account, "sign_ins": signIns}
	for _, part := range parts {
		name, data, err := part(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("accounts: export %q of %d: %w", name, id, err)
		}
		if _, taken := doc[name]; taken {
			return nil, fmt.Errorf("accounts: export part %q defined twice", name)
		}
		doc[name] = data
	}
	err = models.Audit(s.db.W.WithContext(ctx), &actor.ID, "user.export", userObject(id), fmt.Sprintf("%d parts", len(parts)+2))
	if err != nil {
		return nil, fmt.Errorf("accounts: audit export of %d: %w", id, err)
	}
	return doc, nil
}

func auditNow(tx *gorm.DB, actorID int64, action, object, detail string) error {
	return models.Audit(tx, &actorID, action, object, detail)
}
