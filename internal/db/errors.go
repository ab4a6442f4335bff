package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"
)

// This file is the one place that reads what a database error means. Callers
// ask Unique (a unique constraint refused the row), Unavailable (the database
// did not answer: try again later) or Busy (SQLite's lock was held too long);
// nothing else in the program looks into driver errors or their text.

// ErrUnavailable is returned where this package itself finds the database
// unreachable; Unavailable reports it (and every driver error that means the
// same) as true.
var ErrUnavailable = errors.New("db: database unavailable")

// Unique reports whether err is a unique-constraint (or primary-key)
// violation, on either engine, whether or not GORM translated it.
func Unique(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) { // the dialectors' translation (TranslateError)
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505" // unique_violation
	}
	// Statements that bypass GORM's callbacks (raw database/sql, the group
	// commit's Exec) keep the driver's own error.
	return errors.Is(err, sqlite3.CONSTRAINT_UNIQUE) || errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY)
}

// Busy reports whether err is SQLite's "database is locked" (SQLITE_BUSY or
// SQLITE_LOCKED, any extended code): another connection or process held the
// lock longer than the busy timeout.
func Busy(err error) bool {
	return err != nil && (errors.Is(err, sqlite3.BUSY) || errors.Is(err, sqlite3.LOCKED))
}

// Unavailable reports whether err means the database cannot be reached or
// used right now (restarting, failing over, network cut, too many clients,
// SQLite's lock held past the busy timeout): not the request's fault, and
// worth trying again, so the answer is a 503 with Retry-After rather than a
// 500 (SECURITY.md R2).
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	switch {
	case errors.Is(err, ErrUnavailable),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), // the server went away mid-answer
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		Busy(err),
		errors.Is(err, sqlite3.CANTOPEN):
		return true
	}
	// The network's own types, not the net.Error interface: the SQLite
	// driver's *sqlite3.Error has Timeout and Temporary methods too, and a
	// constraint failure is no outage.
	var op *net.OpError
	var dns *net.DNSError
	if errors.As(err, &op) || errors.As(err, &dns) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08: connection exception; 57P01-03: admin shutdown, crash
		// shutdown, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P0") || pg.Code == "53300"
	}
	return false
}
