// Package testdb gives each test its own migrated database: a SQLite file in
// the test's temporary folder, or, when TADRIB_TEST_DATABASE_URL is set, a
// fresh schema of that PostgreSQL database, dropped when the test ends.
// Commits do not wait for the disk (db.Options.Unsynced): these databases
// are thrown away, and waiting for fsync was most of the suite's time.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
		return db.Options{SQLitePath: filepath.Join(t.TempDir(), "test.db"), Unsynced: true}
	}
	schema := "t_" + strings.ToLower(rand.Text()[:16])
	admin := adminDB(t, base)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("testdb: create schema on %s: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("testdb: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return db.Options{DatabaseURL: u.String(), TransactionPooling: os.Getenv(EnvPool) == "transaction", Unsynced: true}
}

// shared is the connection that creates and drops the tests' schemas: one
// per test process, rather than one per test (opening costs a round of
// authentication, and parallel tests would hold 2 connections each).
var shared struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func adminDB(t testing.TB, base string) *sql.DB {
	shared.once.Do(func() {
		g, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			shared.err = err
			return
		}
		shared.db, shared.err = g.DB()
		if shared.err == nil {
			shared.db.SetMaxIdleConns(2)
			shared.err = shared.db.Ping()
		}
	})
	if shared.err != nil {
		t.Fatalf("testdb: %s is set but PostgreSQL cannot be opened: %v", EnvURL, shared.err)
	}
	return shared.db
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
