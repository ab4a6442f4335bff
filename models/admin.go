package models

import "time"

// PasswordToken is a one-time "set your password" link. TokenHash is the
// hex SHA-256 of the token handed out; the token itself is never stored.
type PasswordToken struct {
	ID        int64 `gorm:"primaryKey"`
	TokenHash string
	UserID    int64
	CreatedBy *int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}
