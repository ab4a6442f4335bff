// Package accounts owns user accounts: registration, sign-in and sign-out,
// the profile (/me), the admin's user list and changes, and the first admin.
// Sessions and password hashing belong to internal/auth.
package accounts

import (
	"tadrib/internal/plaintext"

	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"tadrib/internal/auth"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Sentinel errors of the service.
var (
	ErrEmailTaken = web.Sentinel("accounts: email already registered", fiber.StatusConflict, "err.email_taken",
		web.Field("email", "err.email_taken"))
	ErrInvalidCredentials = web.Sentinel("accounts: wrong email or password", fiber.StatusUnauthorized, "err.credentials")
	ErrDisabled           = web.Sentinel("accounts: account disabled", fiber.StatusForbidden, "err.disabled")
	ErrNotFound           = web.Sentinel("accounts: no such user", fiber.StatusNotFound, "err.not_found")
)

// Service is the accounts service.
type Service struct {
	db  *db.DB
	Now func() time.Time
}

// NewService builds the accounts service on d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NewUser is what registration (and admin creation) takes.
type NewUser struct {
	Email        string `json:"email" form:"email"`
	Password     string `json:"password" form:"password"`
	Name         string `json:"name" form:"name"`
	NameAr       string `json:"name_ar" form:"name_ar"`
	Profession   string `json:"profession" form:"profession"`
	Organization string `json:"organization" form:"organization"`
	Locale       string `json:"locale" form:"locale"`
}

// NormalizeEmail lowercases and trims an email address: accounts are found by
// it, whatever case the user types.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

const maxText = 200

// Validate returns the problems with in, keyed by field.
func (in *NewUser) Validate() []web.FieldError {
	var errs []web.FieldError
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.NameAr = strings.TrimSpace(in.NameAr)
	in.Organization = strings.TrimSpace(in.Organization)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 254 {
		errs = append(errs, web.Field("email", "err.email"))
	}
	if p := auth.PasswordProblem(in.Password, in.Email); p != "" {
		errs = append(errs, web.Field("password", p, auth.MinPasswordLength))
	}
	errs = append(errs, textProblems("name", in.Name, true)...)
	errs = append(errs, textProblems("name_ar", in.NameAr, false)...)
	errs = append(errs, textProblems("organization", in.Organization, false)...)
	if !models.Valid(in.Profession, models.Professions) {
		errs = append(errs, web.Field("profession", "err.profession"))
	}
	if in.Locale == "" {
		in.Locale = "fr"
	}
	if !models.Valid(in.Locale, models.Locales) {
		errs = append(errs, web.Field("locale", "err.locale"))
	}
	return errs
}

// textProblems checks a free-text field: valid UTF-8, no control characters
// (they would forge lines in logs and CSV), a sane length.
func textProblems(field, v string, required bool) []web.FieldError {
	switch {
	case required && v == "":
		return []web.FieldError{web.Field(field, "err.required")}
	case !utf8.ValidString(v) || plaintext.HasBadRune(v):
		return []web.FieldError{web.Field(field, "err.text_chars")}
	case utf8.RuneCountInString(v) > maxText:
		return []web.FieldError{web.Field(field, "err.too_long", maxText)}
	}
	return nil
}

// Create stores a new account with role. The caller has validated in.
func (s *Service) Create(ctx context.Context, in NewUser, role string) (models.User, error) {
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return models.User{}, fmt.Errorf("accounts: hash password: %w", err)
	}
	now := s.now()
	u := models.User{Email: in.Email, PasswordHash: hash, Name: in.Name, NameAr: in.NameAr, Role: role,
		Profession: in.Profession, Organization: in.Organization, Locale: in.Locale, CreatedAt: now, UpdatedAt: now}
	if err := s.db.W.WithContext(ctx).Create(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return u, ErrEmailTaken
		}
		return u, fmt.Errorf("accounts: create %s: %w", role, err)
	}
	return u, nil
}

// Authenticate checks an email and password. An unknown email costs the same
// time as a wrong password and returns the same error.
func (s *Service) Authenticate(ctx context.Context, email, password string) (models.User, error) {
	var u models.User
	err := s.db.R.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || len(password) > 4*auth.MaxPasswordLength {
		auth.BurnPasswordCheck(password)
		return u, ErrInvalidCredentials
	}
	if err != nil {
		return u, fmt.Errorf("accounts: find %q: %w", email, err)
	}
	if !auth.CheckPassword(password, u.PasswordHash) {
		return u, ErrInvalidCredentials
	}
	if u.Disabled {
		return u, ErrDisabled
	}
	// The sign-in itself (last_login_at) is recorded by the session that
	// follows (auth.Sessions.Create), as for every other way in.
	return u, nil
}

// Get returns one user.
func (s *Service) Get(ctx context.Context, id int64) (models.User, error) {
	var u models.User
	err := s.db.R.WithContext(ctx).Take(&u, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	return u, err
}

// Count returns the number of accounts.
func (s *Service) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Model(&models.User{}).Count(&n).Error
	return n, err
}
