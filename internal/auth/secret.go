package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/internal/db"
	"tadrib/models"
)

const secretKey = "secret"

// LoadOrCreateSecret returns configured when it is set. Otherwise it returns
// the secret kept in the database, generating and storing one on the first
// start: every node on one PostgreSQL then signs and checks with the same key.
// When two nodes start at once, the insert that loses is ignored and both
// read the winner's.
func LoadOrCreateSecret(ctx context.Context, d *db.DB, configured string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	fresh := rand.Text() + rand.Text() // 2 × 128 bits
	err := d.W.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.Setting{Key: secretKey, Value: fresh}).Error
	if err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return "", fmt.Errorf("auth: store generated secret: %w", err)
	}
	var s models.Setting
	if err := d.W.WithContext(ctx).Take(&s, "key = ?", secretKey).Error; err != nil {
		return "", fmt.Errorf("auth: read secret: %w", err)
	}
	return s.Value, nil
}
