package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"tadrib/internal/auth"
	"tadrib/internal/testdb"
	"tadrib/internal/web"
	"tadrib/models"
)

const oldPassword = "une ancienne phrase longue"

// clock is an injected time the test moves forward.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSvc(t *testing.T) (*Service, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := NewService(testdb.New(t))
	s.Now = clk.now
	return s, clk
}

func mustUser(t *testing.T, s *Service, email, role string) models.User {
	t.Helper()
	in := NewUser{Email: email, Password: oldPassword, Name: "Nadia", Profession: "police"}
	if errs := in.Validate(); len(errs) > 0 {
		t.Fatalf("validate: %v", errs)
	}
	u, err := s.Create(context.Background(), in, role)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordSetTokenIsRandomAndStoredHashed(t *testing.T) {
	s, _ := newSvc(t)
	ctx := context.Background()
	u := mustUser(t, s, "n@example.org", models.RoleTrainee)
	tok, err := s.PasswordSetToken(ctx, u.ID, 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != tokenLen || !wellFormed(tok) {
		t.Fatalf("token %q is not %d base32 characters", tok, tokenLen)
	}
	var rows []models.PasswordToken
	s.db.R.Find(&rows)
	sum := sha256.Sum256([]byte(tok))
	if len(rows) != 1 || rows[0].TokenHash != hex.EncodeToString(sum[:]) || rows[0].TokenHash == tok {
		t.Fatalf("stored %+v, want one row holding the SHA-256 only", rows)
	}
	tok2, err := s.PasswordSetToken(ctx, u.ID, 0, time.Hour)
	if err != nil || tok2 == tok {
		t.Fatalf("second token %q (%v) equals the first", tok2, err)
	}
	// Only the newest link stays live.
	if _, err := s.TokenUser(ctx, tok); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("older token still live: %v", err)
	}
	if got, err := s.TokenUser(ctx, tok2); err != nil || got.ID != u.ID {
		t.Errorf("TokenUser = %v, %v", got.ID, err)
	}
	if _, err := s.PasswordSetToken(ctx, 999999, 0, time.Hour); !errors.Is(err, ErrNotFound) {
		t.Errorf("token for an unknown user: %v, want ErrNotFound", err)
	}
	if _, err := s.PasswordSetToken(ctx, u.ID, 0, 0); err == nil {
		t.Error("a zero ttl was accepted")
	}
	var audits int64
	s.db.R.Model(&models.AuditEvent{}).Where("action = ? AND object = ?", "user.password_link", userObject(u.ID)).Count(&audits)
	if audits != 2 {
		t.Errorf("%d password_link audit events, want 2", audits)
	}
}

func TestSetPasswordWithTokenOnceAndNotAfterExpiry(t *testing.T) {
	s, clk := newSvc(t)
	ctx := context.Background()
	admin := mustUser(t, s, "admin@example.org", models.RoleAdmin)
	u := mustUser(t, s, "n@example.org", models.RoleTrainee)
	sessions := &auth.Sessions{DB: s.db, Keys: auth.NewKeys("0123456789abcdef0123456789abcdef", "http://x"), TTL: time.Hour, Idle: time.Hour, Now: clk.now}
	tokSess, _, err := sessions.Create(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.PasswordSetToken(ctx, u.ID, admin.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const newPassword = "une toute nouvelle phrase"
	bad := []struct{ name, pw, confirm, field string }{
		{"short", "court", "court", "password"},
		{"mismatch", newPassword, newPassword + "x", "confirm"},
		{"is the email", "N@example.org", "N@example.org", "password"},
		{"common", "motdepasse123", "motdepasse123", "password"},
	}
	for _, b := range bad {
		_, err := s.SetPasswordWithToken(ctx, tok, b.pw, b.confirm)
		var we *web.Error
		if !errors.As(err, &we) || len(we.Fields) == 0 || we.Fields[0].Field != b.field {
			t.Errorf("%s: err %v, want a field error on %s", b.name, err, b.field)
		}
	}
	// A refused attempt does not spend the token.
	if _, err := s.SetPasswordWithToken(ctx, tok, newPassword, newPassword); err != nil {
		t.Fatalf("set password: %v", err)
	}
	if _, err := s.Authenticate(ctx, u.Email, oldPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	if _, err := s.Authenticate(ctx, u.Email, newPassword); err != nil {
		t.Errorf("new password refused: %v", err)
	}
	if _, err := sessions.Resolve(ctx, tokSess); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("session from before the change still valid: %v", err)
	}
	if _, err := s.SetPasswordWithToken(ctx, tok, "encore une autre phrase", "encore une autre phrase"); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("second use: %v, want ErrTokenInvalid", err)
	}

	// Expiry, with the injected clock.
	tok, err = s.PasswordSetToken(ctx, u.ID, admin.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Hour)
	if _, err := s.SetPasswordWithToken(ctx, tok, "encore une autre phrase", "encore une autre phrase"); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("expired token: %v, want ErrTokenInvalid", err)
	}
	for _, junk := range []string{"", "abc", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", "../../../etc/passwd.......", tok + "a"} {
		if _, err := s.TokenUser(ctx, junk); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("TokenUser(%q) = %v, want ErrTokenInvalid", junk, err)
		}
	}
	var n int64
	s.db.R.Model(&models.AuditEvent{}).Where("action = ? AND actor_id = ?", "user.password_set", u.ID).Count(&n)
	if n != 1 {
		t.Errorf("%d password_set audit events, want 1", n)
	}
}
