package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tadrib/internal/db"
	"tadrib/models"
)

// Identity is who is calling: the user as the database has them now (so a role
// change or a disabled account applies on the very next request), the session,
// and whether the credential came from the cookie (then writes need CSRF).
type Identity struct {
	User      models.User
	SessionID string
	ViaCookie bool
}

// Sentinel errors of Resolve.
var (
	ErrNoSession = errors.New("auth: no valid session")
	ErrDisabled  = errors.New("auth: account disabled")
)

// Sessions creates, resolves and ends sessions.
type Sessions struct {
	DB   *db.DB
	Keys Keys
	TTL  time.Duration // absolute lifetime
	Idle time.Duration // ends a session unused this long
	Now  func() time.Time

	resolve db.ReadStatement // the session lookup, prepared on first use
}

// touchEvery limits the idle-tracking write to one per session per minute:
// reading a lesson must not cost a database write on every request.
const touchEvery = time.Minute

func (s *Sessions) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NewSessionID returns 128 random bits as base32 text (crypto/rand never fails
// since Go 1.24).
func NewSessionID() string { return strings.ToLower(rand.Text()[:26]) }

// Create starts a session for userID and returns its token.
func (s *Sessions) Create(ctx context.Context, userID int64) (token string, sess models.Session, err error) {
	now := s.now().Truncate(time.Second)
	sess = models.Session{ID: NewSessionID(), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(s.TTL), LastSeenAt: now}
	if err := s.DB.W.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", sess, fmt.Errorf("auth: create session: %w", err)
	}
	// Every way in (a password, a set-password link, an invitation) is a
	// sign-in: the retention job deletes accounts nobody has signed in to
	// for TADRIB_RETAIN_INACTIVE_DAYS, and reads it here.
	if err := s.DB.W.WithContext(ctx).Model(&models.User{}).Where("id = ?", userID).UpdateColumn("last_login_at", now).Error; err != nil {
		return "", sess, fmt.Errorf("auth: record the sign-in: %w", err)
	}
	token, err = s.Keys.sign(sess.ID, userID, now, sess.ExpiresAt)
	return token, sess, err
}

// resolveSQL reads a session and its user in one query. It runs on every
// request, so it goes through a statement prepared once, scanned by hand:
// GORM's reflection cost more than the query.
const resolveSQL = `SELECT u.id, u.email, u.password_hash, u.name, u.name_ar, u.role, u.profession, u.organization,
	u.locale, u.disabled, u.created_at, u.updated_at, u.last_login_at, s.user_id, s.expires_at, s.last_seen_at, s.revoked_at
	FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`

func (s *Sessions) resolveStmt(ctx context.Context) (db.ReadQuery, error) {
	return s.resolve.Get(ctx, s.DB, resolveSQL)
}

// Resolve checks a token and its session and returns the identity behind it.
func (s *Sessions) Resolve(ctx context.Context, token string) (Identity, error) {
	now := s.now()
	sid, uid, err := s.Keys.parse(token, now)
	if err != nil {
		return Identity{}, ErrNoSession
	}
	stmt, err := s.resolveStmt(ctx)
	if err != nil {
		return Identity{}, fmt.Errorf("auth: prepare session lookup: %w", err)
	}
	var (
		u                  models.User
		sessionUser        int64
		expires, lastSeen  time.Time
		revoked, lastLogin *time.Time
	)
	err = stmt.QueryRowContext(ctx, sid).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Name, &u.NameAr, &u.Role, &u.Profession,
		&u.Organization, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt, &lastLogin, &sessionUser, &expires, &lastSeen, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return Identity{}, ErrNoSession
	}
	if err != nil {
		return Identity{}, fmt.Errorf("auth: resolve session: %w", err)
	}
	u.LastLoginAt = lastLogin
	if sessionUser != uid || revoked != nil || !now.Before(expires) || now.Sub(lastSeen) > s.Idle {
		return Identity{}, ErrNoSession
	}
	if u.Disabled {
		return Identity{}, ErrDisabled
	}
	if now.Sub(lastSeen) > touchEvery {
		// Best effort: a failed touch only shortens the idle window.
		s.DB.W.WithContext(ctx).Model(&models.Session{}).Where("id = ?", sid).Update("last_seen_at", now.Truncate(time.Second))
	}
	return Identity{User: u, SessionID: sid}, nil
}

// Revoke ends one session at once.
func (s *Sessions) Revoke(ctx context.Context, sessionID string) error {
	err := s.DB.W.WithContext(ctx).Model(&models.Session{}).
		Where("id = ? AND revoked_at IS NULL", sessionID).Update("revoked_at", s.now()).Error
	if err != nil {
		return fmt.Errorf("auth: revoke session: %w", err)
	}
	return nil
}

// RevokeOthers ends every session of userID but keep (a password change ends
// the other devices' sessions).
func (s *Sessions) RevokeOthers(ctx context.Context, userID int64, keep string) error {
	err := s.DB.W.WithContext(ctx).Model(&models.Session{}).
		Where("user_id = ? AND id <> ? AND revoked_at IS NULL", userID, keep).Update("revoked_at", s.now()).Error
	if err != nil {
		return fmt.Errorf("auth: revoke sessions of user %d: %w", userID, err)
	}
	return nil
}

// Prune deletes the sessions that ended (expired or were revoked) before
// endedBefore, and returns how many (the retention job's, TADRIB_RETAIN_ENDED_DAYS).
func (s *Sessions) Prune(ctx context.Context, endedBefore time.Time) (int64, error) {
	res := s.DB.W.WithContext(ctx).Where("expires_at < ? OR revoked_at < ?", endedBefore.UTC(), endedBefore.UTC()).Delete(&models.Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("auth: prune sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
