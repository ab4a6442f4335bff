// Package db opens Tadrib's database: an embedded SQLite file by default, or
// PostgreSQL when DATABASE_URL is set.
//
// SQLite allows one writer at a time. Rather than let concurrent writers race
// for the lock and surface SQLITE_BUSY to users, every write goes through a
// pool of exactly one connection (W), whose transactions begin IMMEDIATE so a
// transaction never has to upgrade a read lock it already holds. Reads use a
// separate pool (R) of query-only connections, which WAL lets run beside the
// writer. On PostgreSQL both handles share one pool.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	sqlite "github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB holds the handles to the database.
type DB struct {
	W      *gorm.DB // writes and read-modify-write transactions
	R      *gorm.DB // reads that need not see a transaction in flight
	Engine string   // "sqlite" or "postgres"

	batch *batcher // SQLite: group commit of single-statement writes (Exec)
	// pooled: PostgreSQL is reached through a transaction pooler (PgBouncer
	// in transaction mode), so no statement is prepared by name.
	pooled   bool
	path     string // SQLite: the database file
	unsynced bool   // SQLite: Options.Unsynced, for the backup's own connection
}

// Options say where the database is.
type Options struct {
	DatabaseURL string // postgres://… ; empty selects SQLite
	SQLitePath  string // the SQLite file
	// TransactionPooling says DatabaseURL is a pooler in transaction mode
	// (PgBouncer pool_mode=transaction, before 1.21 without
	// max_prepared_statements): each transaction may run on another server
	// connection, so a statement prepared by name on one is missing (26000) or
	// already there (42P05) on the next. Nothing is then prepared by name:
	// pgx sends each query as an unnamed statement, describing it once per
	// connection and caching the description (its cache_describe mode), and
	// GORM's statement cache is off.
	TransactionPooling bool
	// Unsynced is for test suites only, whose databases are thrown away:
	// commits do not wait for the disk (SQLite synchronous=OFF, PostgreSQL
	// synchronous_commit=off for this client's sessions). A process killed
	// loses nothing either way; only a power cut would. The suite spends
	// most of its time otherwise waiting for fsync (6 ms each here).
	Unsynced bool
}

// Open connects to the database the options name and checks that it answers.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.DatabaseURL != "" {
		dsn, cfg := o.DatabaseURL, gormConfig()
		if o.TransactionPooling {
			var err error
			if dsn, err = unnamedStatements(dsn); err != nil {
				return nil, err
			}
			cfg.PrepareStmt = false
		}
		if o.Unsynced {
			var err error
			if dsn, err = withDefaultParam(dsn, "synchronous_commit", "off"); err != nil {
				return nil, err
			}
		}
		g, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		cacheStatements(g)
		sqlDB, _ := g.DB()
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(16)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		d := &DB{W: g, R: g, Engine: "postgres", pooled: o.TransactionPooling}
		return d, d.Ping(ctx)
	}
	return openSQLite(ctx, o.SQLitePath, o.Unsynced)
}

// gormConfig is the configuration of one handle. Each handle needs its own:
// gorm.Open keeps its connection pool and statement cache in the Config it
// is given, so two handles opened with one Config share (and swap) them.
func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true, // single statements autocommit; multi-statement writes use W.Transaction
		PrepareStmt:            true,
		TranslateError:         true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
}

// sqliteDSN builds the connection string. synchronous=FULL because an
// acknowledged autosave must survive a power cut, not only a crash (WAL with
// NORMAL "might roll back following a power loss", sqlite.org/pragma.html).
//
// The driver is ncruces/go-sqlite3 (SQLite compiled to Go by wasm2go, no cgo):
// unlike modernc.org/sqlite, which parses a statement again on every
// execution, it keeps prepared statements, and the lesson page got 1.8×
// faster (BenchmarkLessonAPI: 87.5 → 47.7 µs/op).
func sqliteDSN(path string, readOnly, unsynced bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	if unsynced {
		q.Add("_pragma", "synchronous(OFF)")
	} else {
		q.Add("_pragma", "synchronous(FULL)")
	}
	q.Add("_pragma", "foreign_keys(1)")
	// Fixed-width times, so that text comparisons in SQL order them: with
	// RFC 3339's trimmed fractions "…:05Z" would sort after "…:05.5Z".
	q.Set("_timefmt", "2006-01-02 15:04:05.000000000-07:00")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return fileURI(path) + "?" + q.Encode()
}

// fileURI is the SQLite URI of a file: the path is a URI path there, so what
// would end it early is escaped.
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
}

func openSQLite(ctx context.Context, path string, unsynced bool) (*DB, error) {
	if path == "" {
		return nil, errors.New("db: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create folder for %s: %w", path, err)
		}
	}
	// Switching a new file to WAL needs a moment alone with it: processes
	// opening the same fresh file at once (two commands started together)
	// may find it locked, so try again for a few seconds.
	var w *gorm.DB
	var err error
	for try := 1; ; try++ {
		w, err = gorm.Open(sqlite.Open(sqliteDSN(path, false, unsynced)), gormConfig())
		if err == nil || try == 50 || !Busy(err) {
			break
		}
		time.Sleep(time.Duration(try) * 10 * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	cacheStatements(w)
	wdb, _ := w.DB()
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	// The writer must exist (and have switched the file to WAL) before the
	// query-only readers open it.
	if err := wdb.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	r, err := gorm.Open(sqlite.Open(sqliteDSN(path, true, unsynced)), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite readers %s: %w", path, err)
	}
	// The readers' pool is bounded too: a reader holding its connection
	// (rows still open) while it runs a statement new to the cache must not
	// wait on those waiting for a connection.
	cacheStatements(r)
	rdb, _ := r.DB()
	n := max(4, runtime.GOMAXPROCS(0)*2)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	d := &DB{W: w, R: r, Engine: "sqlite", batch: newBatcher(w), path: path, unsynced: unsynced}
	return d, d.Ping(ctx)
}

// Ping checks that the database answers a query (not only that a socket is open).
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.R.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Close closes every pool.
func (d *DB) Close() error {
	var errs []error
	if d.batch != nil {
		d.batch.close()
	}
	for _, g := range []*gorm.DB{d.W, d.R} {
		if s, err := g.DB(); err == nil {
			errs = append(errs, s.Close())
		}
		if d.W == d.R {
			break
		}
	}
	return errors.Join(errs...)
}

// unnamedStatements sets pgx's default_query_exec_mode to cache_describe in
// a postgres:// URL, unless the operator chose a mode there already.
func unnamedStatements(dsn string) (string, error) {
	return withDefaultParam(dsn, "default_query_exec_mode", "cache_describe")
}

// withDefaultParam sets a connection parameter of a postgres:// URL unless
// the URL sets it already (pgx passes parameters it does not know to the
// server as run-time settings).
func withDefaultParam(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", errors.New("db: DATABASE_URL is not a URL") // it may hold a password: not echoed
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ReadQuery runs one read query built by PrepareRead.
type ReadQuery interface {
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// textQuery is a ReadQuery behind a transaction pooler: the query text is
// sent each time, as an unnamed statement.
type textQuery struct {
	db    *sql.DB
	query string
}

func (q textQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return q.db.QueryRowContext(ctx, q.query, args...)
}

// PrepareRead prepares a read-only query on the read pool, written with ?
// placeholders whatever the engine. For the few queries that run on every
// request: a *sql.Stmt is prepared once per connection and scanned by hand,
// where GORM rebuilds and reflects on each call. Behind a transaction pooler
// nothing may be prepared by name: the query is then sent as text each time.
func (d *DB) PrepareRead(ctx context.Context, query string) (ReadQuery, error) {
	db, err := d.R.DB()
	if err != nil {
		return nil, err
	}
	if d.Engine == "postgres" {
		var b strings.Builder
		n := 0
		for _, r := range query {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		query = b.String()
	}
	if d.pooled {
		return textQuery{db: db, query: query}, nil
	}
	return db.PrepareContext(ctx, query)
}
