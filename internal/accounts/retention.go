package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/models"
)

// Expired counts what one retention run deleted.
type Expired struct {
	Accounts      int64 `json:"accounts"`       // inactive accounts deleted
	KeptAdmins    int64 `json:"kept_admins"`    // inactive, but the last enabled admin
	Sessions      int64 `json:"sessions"`       // ended sessions
	PasswordLinks int64 `json:"password_links"` // used or expired set-password links
	AuditEvents   int64 `json:"audit_events"`   // audit events past their period
}

func (e Expired) total() int64 { return e.Accounts + e.Sessions + e.PasswordLinks + e.AuditEvents }

const day = 24 * time.Hour

// Expire deletes exactly what the retention periods p say has expired at
// s.Now, each period on its own (a zero period keeps its data):
//
//   - an account whose last sign-in (or its creation, if it never signed
//     in) is older than InactiveDays is erased as its owner could ask
//     (erase: sessions, training record and memberships go, certificates
//     stay verifiable), one account per transaction, each audited; the
//     last enabled admin is kept, and an account that signs in meanwhile
//     is not erased (the condition is checked again in the DELETE);
//   - a session, or a set-password link, that ended (expired, was revoked
//     or used) more than EndedDays ago is deleted;
//   - an audit event older than AuditDays is deleted. The database lets
//     through only events older than models.AuditFloorDays by its own
//     clock (config keeps AuditDays above it): the application cannot
//     erase recent history, whatever its clock says.
//
// A run that deleted anything is itself audited (retention.run). Every
// node may run it at once: the deletes are idempotent, and an account
// erased by another node is skipped.
func (s *Service) Expire(ctx context.Context, p config.Retention, sessions *auth.Sessions) (Expired, error) {
	now := s.now()
	var out Expired
	if p.InactiveDays > 0 {
		n, kept, err := s.expireAccounts(ctx, now.Add(-time.Duration(p.InactiveDays)*day))
		out.Accounts, out.KeptAdmins = n, kept
		if err != nil {
			return out, err
		}
	}
	if p.EndedDays > 0 {
		cutoff := now.Add(-time.Duration(p.EndedDays) * day)
		n, err := sessions.Prune(ctx, cutoff)
		if err != nil {
			return out, err
		}
		out.Sessions = n
		res := s.db.W.WithContext(ctx).Exec("DELETE FROM password_tokens WHERE expires_at < ? OR used_at < ?", cutoff, cutoff)
		if res.Error != nil {
			return out, fmt.Errorf("accounts: expire set-password links: %w", res.Error)
		}
		out.PasswordLinks = res.RowsAffected
	}
	if p.AuditDays > 0 {
		res := s.db.W.WithContext(ctx).Exec("DELETE FROM audit_events WHERE at < ?", now.Add(-time.Duration(p.AuditDays)*day))
		if res.Error != nil {
			return out, fmt.Errorf("accounts: expire audit events: %w", res.Error)
		}
		out.AuditEvents = res.RowsAffected
	}
	if out.total() > 0 {
		detail := fmt.Sprintf("accounts %d, sessions %d, password links %d, audit events %d",
			out.Accounts, out.Sessions, out.PasswordLinks, out.AuditEvents)
		if err := models.Audit(s.db.W.WithContext(ctx), nil, "retention.run", "retention", detail); err != nil {
			return out, fmt.Errorf("accounts: audit retention run: %w", err)
		}
	}
	return out, nil
}

// lastSignIn is the SQL of an account's last sign-in, or its creation when
// it never signed in.
const lastSignIn = "COALESCE(last_login_at, created_at)"

// expireAccounts erases the accounts last signed in to before cutoff.
func (s *Service) expireAccounts(ctx context.Context, cutoff time.Time) (erased, kept int64, err error) {
	var stale []models.User
	err = s.db.W.WithContext(ctx).Where(lastSignIn+" < ?", cutoff).Order("id").Find(&stale).Error
	if err != nil {
		return 0, 0, fmt.Errorf("accounts: find inactive accounts: %w", err)
	}
	for _, u := range stale {
		since := u.CreatedAt
		if u.LastLoginAt != nil {
			since = *u.LastLoginAt
		}
		err := s.erase(ctx, nil, u, "inactive since "+since.UTC().Format("2006-01-02"), lastSignIn+" < ?", cutoff)
		switch {
		case errors.Is(err, ErrLastAdmin):
			kept++
		case errors.Is(err, ErrNotFound): // signed in meanwhile, or erased by another node
		case err != nil:
			return erased, kept, err
		default:
			erased++
		}
	}
	return erased, kept, nil
}
