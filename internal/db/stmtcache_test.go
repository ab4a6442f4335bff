package db

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// The writer must not freeze when a statement first run outside a
// transaction waits for the connection a transaction holds, and that
// transaction then needs the same statement (GORM's cache made it wait for
// the first one's placeholder: go-gorm/gorm#7350), or any statement new to
// the cache (the placeholder's waiters held the cache's lock).
func TestStatementFirstRunOutsideATransaction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *DB, table string) {
		t.Run("same statement", func(t *testing.T) {
			q := "SELECT count(*) FROM " + table + " WHERE n > ?"
			freezeCheck(t, d, []string{q}, q)
		})
		t.Run("other statement", func(t *testing.T) {
			q := "SELECT count(*) FROM " + table + " WHERE n < ?"
			freezeCheck(t, d, []string{q, q}, "SELECT count(*) FROM "+table+" WHERE n <> ?")
		})
	})
}

// freezeCheck holds a transaction on the writer, runs each of outside (never
// run before) from goroutines of their own while it waits, then inside in
// the transaction: it must not wait for them.
func freezeCheck(t *testing.T, d *DB, outside []string, inside string) {
	sqlDB, err := d.W.DB()
	if err != nil {
		t.Fatal(err)
	}
	tx := d.W.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	defer tx.Rollback()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, len(outside))
	for i, q := range outside {
		waits := sqlDB.Stats().WaitCount
		go func() {
			var n int64
			done <- d.W.WithContext(ctx).Raw(q, 0).Scan(&n).Error
		}()
		if i == 0 {
			// It waits for the transaction's connection (SQLite's writer,
			// a pool cut to one), or has run (a pool with one to spare).
			waitUntil(t, func() bool { return sqlDB.Stats().WaitCount > waits || len(done) > 0 })
		} else {
			// Time to reach the cache, where it waited for the first.
			time.Sleep(50 * time.Millisecond)
		}
	}
	in := make(chan error, 1)
	go func() {
		var n int64
		in <- tx.Raw(inside, 0).Scan(&n).Error
	}()
	select {
	case err := <-in:
		if err != nil {
			t.Fatalf("in the transaction: %v", err)
		}
	case <-time.After(10 * time.Second):
		cancel() // the statements outside give up waiting, and the transaction moves
		<-in
		t.Fatal("the transaction froze (10 s): it waited on GORM's statement cache for a statement outside it, which waited for the transaction's connection")
	}
	if err := tx.Commit().Error; err != nil {
		t.Fatal(err)
	}
	for range outside {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("outside the transaction: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a statement outside the transaction did not run in 10 s after it committed")
		}
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatal("condition not reached in 10 s")
		}
	}
}

// forEachEngine runs f on a new SQLite database and, when
// TADRIB_TEST_DATABASE_URL is set, on PostgreSQL twice: with its pool, and
// with a pool cut to one connection (as exposed as SQLite's writer). The
// table (id, n) is new; each run opens new handles, so new caches.
func forEachEngine(t *testing.T, f func(t *testing.T, d *DB, table string)) {
	t.Run("sqlite", func(t *testing.T) {
		d := openTemp(t, filepath.Join(t.TempDir(), "s.db"))
		if err := d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)").Error; err != nil {
			t.Fatal(err)
		}
		f(t, d, "t")
	})
	url := os.Getenv("TADRIB_TEST_DATABASE_URL")
	if url == "" {
		return
	}
	for _, conns := range []int{0, 1} {
		name := "postgres"
		if conns > 0 {
			name += ", one connection"
		}
		t.Run(name, func(t *testing.T) {
			d, err := Open(context.Background(), Options{DatabaseURL: url})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			table := "stmt_" + strings.ToLower(rand.Text()[:12])
			if err := d.W.Exec("CREATE TABLE " + table + " (id SERIAL PRIMARY KEY, n INTEGER)").Error; err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.W.Session(&gorm.Session{}).Exec("DROP TABLE " + table) })
			if conns > 0 {
				sqlDB, _ := d.W.DB()
				sqlDB.SetMaxOpenConns(conns)
			}
			f(t, d, table)
		})
	}
}

// A statement run outside a transaction is prepared once, cached as the
// pool's, and reused there and by transactions: nothing is parsed again.
func TestStatementOutsideATransactionIsCachedOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, d *DB, table string) {
		q := "SELECT count(*) FROM " + table + " WHERE n = ?"
		run := func(g *gorm.DB) {
			var n int64
			if err := g.Raw(q, 1).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
		}
		key := q // as GORM sends it
		if d.Engine == "postgres" {
			key = strings.Replace(q, "?", "$1", 1)
		}
		cache := stmtCache(d.W)
		run(d.W)
		st, ok := cache.Stmts.Get(key)
		if !ok || st.Transaction || st.Stmt == nil {
			t.Fatalf("after a run outside a transaction the query is cached: %v; want it as a statement of the pool", ok)
		}
		run(d.W)
		if err := d.W.Transaction(func(tx *gorm.DB) error { run(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		if again, _ := cache.Stmts.Get(key); again != st {
			t.Error("a second run, or a transaction, replaced the cached statement")
		}
	})
}

// BenchmarkWriterStatement runs one statement outside a transaction on the
// writer, from the statement cache: the path stmtDB takes over from GORM.
func BenchmarkWriterStatement(b *testing.B) {
	d := openTemp(b, filepath.Join(b.TempDir(), "w.db"))
	d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
	d.W.Exec("INSERT INTO t (id, n) VALUES (1, 1)")
	b.ReportAllocs()
	for b.Loop() {
		var n int64
		if err := d.W.Raw("SELECT n FROM t WHERE id = ?", 1).Scan(&n).Error; err != nil {
			b.Fatal(err)
		}
	}
}
