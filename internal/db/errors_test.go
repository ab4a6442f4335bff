package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"
)

// TestUniqueOnSQLite: a duplicate row is recognised whether GORM translated
// the driver's error (a GORM statement) or not (raw database/sql).
func TestUniqueOnSQLite(t *testing.T) {
	t.Parallel()
	d := openTemp(t, filepath.Join(t.TempDir(), "u.db"))
	if err := d.W.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT UNIQUE)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := d.W.Exec(`INSERT INTO t VALUES ('a', 'x')`).Error; err != nil {
		t.Fatal(err)
	}
	viaGORM := d.W.Exec(`INSERT INTO t VALUES ('b', 'x')`).Error
	if !errors.Is(viaGORM, gorm.ErrDuplicatedKey) || !Unique(viaGORM) {
		t.Errorf("GORM insert of a duplicate: %v; want gorm.ErrDuplicatedKey, Unique", viaGORM)
	}
	sqlDB, _ := d.W.DB()
	_, raw := sqlDB.ExecContext(context.Background(), `INSERT INTO t VALUES ('a', 'y')`)
	if !Unique(raw) {
		t.Errorf("raw insert of a duplicate key: %v; want Unique", raw)
	}
	if Unavailable(raw) || Busy(raw) {
		t.Errorf("a duplicate is neither busy nor unavailable: %v", raw)
	}
	if err := d.W.Exec(`INSERT INTO t VALUES ('c', 'z')`).Error; Unique(err) || err != nil {
		t.Errorf("a new row: %v", err)
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	cases := []struct {
		err                       error
		unique, busy, unavailable bool
	}{
		{nil, false, false, false},
		{errors.New("some bug"), false, false, false},
		// The words alone mean nothing: no error's text is read.
		{errors.New("connection refused; UNIQUE constraint failed; database is locked"), false, false, false},
		{fmt.Errorf("save: %w", gorm.ErrDuplicatedKey), true, false, false},
		{&pgconn.PgError{Code: "23505"}, true, false, false},
		{&pgconn.PgError{Code: "23503"}, false, false, false}, // foreign key
		{&pgconn.PgError{Code: "57P01"}, false, false, true},
		{&pgconn.PgError{Code: "08006"}, false, false, true},
		{&pgconn.PgError{Code: "53300"}, false, false, true},
		{fmt.Errorf("q: %w", pgconn.ErrConnClosed), false, false, true},
		{fmt.Errorf("q: %w", driver.ErrBadConn), false, false, true},
		{fmt.Errorf("q: %w", context.DeadlineExceeded), false, false, true},
		{fmt.Errorf("q: %w", io.ErrUnexpectedEOF), false, false, true},
		{fmt.Errorf("open: %w", refused), false, false, true},
		{fmt.Errorf("q: %w", sqlite3.BUSY_TIMEOUT), false, true, true},
		{fmt.Errorf("q: %w", sqlite3.LOCKED), false, true, true},
		{fmt.Errorf("q: %w", sqlite3.CONSTRAINT_UNIQUE), true, false, false},
		{fmt.Errorf("q: %w", ErrUnavailable), false, false, true},
	}
	for _, c := range cases {
		if got := Unique(c.err); got != c.unique {
			t.Errorf("Unique(%v) = %v", c.err, got)
		}
		if got := Busy(c.err); got != c.busy {
			t.Errorf("Busy(%v) = %v", c.err, got)
		}
		if got := Unavailable(c.err); got != c.unavailable {
			t.Errorf("Unavailable(%v) = %v", c.err, got)
		}
	}
}
