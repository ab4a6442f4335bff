// Package models holds Tadrib's GORM models and the versioned schema
// migrations that create their tables, the same on SQLite and PostgreSQL.
//
// Models are plain structs: they know nothing of HTTP, and no feature package
// is imported here. Feature packages translate GORM errors into their own
// sentinels at their service boundary.
package models

import "time"

// Roles.
const (
	RoleTrainee = "trainee"
	RoleTrainer = "trainer"
	RoleAdmin   = "admin"
)

// Roles lists every role, for validation.
var Roles = []string{RoleTrainee, RoleTrainer, RoleAdmin}

// Professions lists the audiences a course can address and a trainee can
// belong to (openapi.json, schema Profession).
var Professions = []string{"police", "judiciary", "labour_inspector", "child_protection", "other"}

// Locales lists the interface and content languages, the default first.
var Locales = []string{"fr", "ar", "en"}

// Valid reports whether v is one of the allowed values.
func Valid(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// User is an account. Email is stored lowercased; PasswordHash is an argon2id
// PHC string.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	PasswordHash string
	Name         string
	NameAr       string
	Role         string
	Profession   string
	Organization string
	Locale       string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  *time.Time
}

// Session is one signed-in device. The session token (a JWT) names it; the
// row is what makes logout, idle expiry and disabling take effect at once.
type Session struct {
	ID         string `gorm:"primaryKey"` // 128 random bits, base32
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RevokedAt  *time.Time
}

// Setting is a process-wide value kept in the database so that every node
// agrees on it (the generated secret).
type Setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

// KV is a small expiring key-value entry shared by all nodes (rate-limit
// counters).
type KV struct {
	K         string `gorm:"primaryKey;column:k"`
	V         []byte `gorm:"column:v"`
	ExpiresAt int64  // Unix seconds; 0 never expires
}

// TableName keeps the table name short.
func (KV) TableName() string { return "kv" }

// AuditEvent records who changed what (roles, accounts, courses, certificates).
// The application only ever inserts into this table.
type AuditEvent struct {
	ID      int64 `gorm:"primaryKey"`
	At      time.Time
	ActorID *int64
	Action  string
	Object  string
	Detail  string
}
