package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	sqlite "github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/gorm"
)

// ErrBackupEngine: Backup copies SQLite files; PostgreSQL is backed up with
// its own tools (pg_dump), which cmd/tadrib runs.
var ErrBackupEngine = errors.New("db: Backup copies SQLite databases; on PostgreSQL use pg_dump")

// Backup writes a consistent copy of the SQLite database to dest while the
// server keeps serving. VACUUM INTO reads the database in one read
// transaction (a snapshot, thanks to WAL: writers go on meanwhile) and writes
// a compact copy; it runs on a connection of its own, so neither the writer
// nor the readers of the pool wait for it. dest must not exist: the copy is
// written beside it and renamed, so a crash never leaves half a backup under
// the name.
func (d *DB) Backup(ctx context.Context, dest string) error {
	if d.Engine != "sqlite" {
		return ErrBackupEngine
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("db: backup: %s already exists", dest)
	}
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".partial")
	os.Remove(tmp)
	g, err := gorm.Open(sqlite.Open(sqliteDSN(d.path, false, d.unsynced)), gormConfig())
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer func() {
		if s, err := g.DB(); err == nil {
			s.Close()
		}
	}()
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		os.Remove(tmp)
		return fmt.Errorf("db: backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("db: backup: %w", err)
	}
	return syncFile(filepath.Dir(dest))
}

// CheckSQLite opens a SQLite file read-only and runs SQLite's integrity
// check on it: a restore refuses a damaged or foreign file before it
// replaces anything.
func CheckSQLite(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	// mode=ro and no pragmas: checking a file must not change it.
	g, err := gorm.Open(sqlite.Open(fileURI(path)+"?mode=ro"), gormConfig())
	if err != nil {
		return fmt.Errorf("db: %s: %w", path, err)
	}
	defer func() {
		if s, err := g.DB(); err == nil {
			s.Close()
		}
	}()
	var res []string
	if err := g.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&res).Error; err != nil {
		return fmt.Errorf("db: %s is not a SQLite database: %w", path, err)
	}
	if len(res) != 1 || res[0] != "ok" {
		return fmt.Errorf("db: %s fails SQLite's integrity check: %v", path, res)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("db: backup: sync %s: %w", path, err)
	}
	return nil
}
