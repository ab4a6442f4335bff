// Package testdb gives each test its own migrated database: a SQLite file in
// the test's temporary folder, or, when TADRIB_TEST_DATABASE_URL is set, a
// fresh schema of that PostgreSQL database, dropped when the test ends.
package testdb

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tadrib/internal/db"
	"tadrib/models"
)

// EnvURL names the variable that switches the suite to PostgreSQL.
const EnvURL = "TADRIB_TEST_DATABASE_URL"

// EnvPool set to "transaction" runs the PostgreSQL suite as behind a
// transaction pooler (TADRIB_DB_POOL=transaction): no statement prepared by
// name, so every statement path is shown to work that way.
const EnvPool = "TADRIB_TEST_DB_POOL"

// Options returns db.Options for a new, empty database of this test, and
// prepares its cleanup. It does not migrate.
func Options(t testing.TB) db.Options {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return db.Options{SQLitePath: filepath.Join(t.TempDir(), "test.db")}
	}
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("testdb: %s is set but PostgreSQL cannot be opened: %v", EnvURL, err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("testdb: create schema on %s: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return db.Options{DatabaseURL: u.String(), TransactionPooling: os.Getenv(EnvPool) == "transaction"}
}

// New returns a migrated database for this test, closed when it ends.
func New(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), Options(t))
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := models.Migrate(context.Background(), d.W, models.Dialect(d.Engine)); err != nil {
		t.Fatalf("testdb: migrate: %v", err)
	}
	return d
}

// Engine says which engine the suite runs on, for test names and messages.
func Engine() string {
	if os.Getenv(EnvURL) != "" {
		return "postgres"
	}
	return "sqlite"
}

// Describe is a one-line summary for logs.
func Describe() string { return fmt.Sprintf("engine=%s", Engine()) }
