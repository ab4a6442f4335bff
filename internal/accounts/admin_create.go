package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"tadrib/internal/web"
	"tadrib/models"
)

// CreateAdmin creates an admin account (tadrib admin create, and the first
// admin), with the same checks as registration.
func (s *Service) CreateAdmin(ctx context.Context, email, name, password string) (models.User, error) {
	in := NewUser{Email: email, Password: password, Name: name, Profession: "other", Locale: "fr"}
	if errs := in.Validate(); len(errs) > 0 {
		return models.User{}, web.Invalid(errs...)
	}
	return s.Create(ctx, in, models.RoleAdmin)
}

// EnsureFirstAdmin creates an admin when the database has no account yet:
// from email and password when given, else with email admin@tadrib.local and
// a generated password, which it returns so that it can be printed once.
func (s *Service) EnsureFirstAdmin(ctx context.Context, email, password string) (created models.User, generated string, err error) {
	n, err := s.Count(ctx)
	if err != nil || n > 0 {
		return models.User{}, "", err
	}
	if email == "" {
		email = "admin@tadrib.local"
	}
	if password == "" {
		password = rand.Text()
		generated = password
	}
	u, err := s.CreateAdmin(ctx, email, "Administrator", password)
	if errors.Is(err, ErrEmailTaken) {
		// Nodes started together on an empty database all find it empty;
		// the one whose insert lands first made the admin.
		return models.User{}, "", nil
	}
	if err != nil {
		return u, "", fmt.Errorf("accounts: first admin: %w", err)
	}
	return u, generated, nil
}
