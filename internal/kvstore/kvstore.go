// Package kvstore is a fiber.Storage kept in the database, so that every node
// behind a load balancer shares one count for rate limits (SECURITY.md F2):
// Fiber's default storage is "an in-memory store for this process only".
package kvstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/internal/db"
	"tadrib/models"
)

// Store implements fiber.Storage over the kv table.
type Store struct {
	db     *db.DB
	prefix string
	now    func() time.Time
	sets   atomic.Int64
}

// New returns a store whose keys all start with prefix (one per use).
func New(d *db.DB, prefix string) *Store {
	return &Store{db: d, prefix: prefix, now: time.Now}
}

// row is the stored key of key: the prefix and a hash. Keys come from
// requests (a login's email, an address); hashed, each costs one bounded row
// whatever the client sent, and no email sits in the table in clear.
func (s *Store) row(key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.prefix + hex.EncodeToString(sum[:16])
}

// Get returns the value of key, or nil when it is absent or expired.
func (s *Store) Get(key string) ([]byte, error) {
	var kv models.KV
	err := s.db.W.Where("k = ? AND (expires_at = 0 OR expires_at > ?)", s.row(key), s.now().Unix()).Take(&kv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return kv.V, err
}

// Set stores val under key for exp (0: no expiry).
func (s *Store) Set(key string, val []byte, exp time.Duration) error {
	var expires int64
	if exp > 0 {
		expires = s.now().Add(exp).Unix()
	}
	err := s.db.W.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "k"}},
		DoUpdates: clause.AssignmentColumns([]string{"v", "expires_at"}),
	}).Create(&models.KV{K: s.row(key), V: val, ExpiresAt: expires}).Error
	if err != nil {
		return err
	}
	// Expired rows are of no use; sweep them now and then rather than on a timer.
	if s.sets.Add(1)%500 == 0 {
		go s.sweep()
	}
	return nil
}

func (s *Store) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.db.W.WithContext(ctx).Where("expires_at > 0 AND expires_at <= ?", s.now().Unix()).Delete(&models.KV{})
}

// Delete removes key.
func (s *Store) Delete(key string) error {
	return s.db.W.Where("k = ?", s.row(key)).Delete(&models.KV{}).Error
}

// Reset removes every key of this store.
func (s *Store) Reset() error {
	return s.db.W.Where("k LIKE ?", s.prefix+"%").Delete(&models.KV{}).Error
}

// Close does nothing: the database belongs to the caller.
func (s *Store) Close() error { return nil }
