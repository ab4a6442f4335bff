package db

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openTemp(t testing.TB, path string) *DB {
	t.Helper()
	d, err := Open(context.Background(), Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestSQLitePragmas(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "p.db"))
	for _, h := range []struct {
		name string
		db   *DB
	}{{"writer", d}} {
		var mode string
		var fk, sync, busy int
		h.db.W.Raw("PRAGMA journal_mode").Scan(&mode)
		h.db.W.Raw("PRAGMA foreign_keys").Scan(&fk)
		h.db.W.Raw("PRAGMA synchronous").Scan(&sync)
		h.db.W.Raw("PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || fk != 1 || sync != 2 || busy < 5000 {
			t.Errorf("%s: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d; want wal, 1, 2 (FULL), >=5000",
				h.name, mode, fk, sync, busy)
		}
	}
	var fk, qo int
	d.R.Raw("PRAGMA foreign_keys").Scan(&fk)
	d.R.Raw("PRAGMA query_only").Scan(&qo)
	if fk != 1 || qo != 1 {
		t.Errorf("readers: foreign_keys=%d query_only=%d, want 1 and 1", fk, qo)
	}
	if err := d.R.Exec("CREATE TABLE x (a INTEGER)").Error; err == nil {
		t.Error("a reader connection could write")
	}
}

// TestConcurrentWritesNeverBusy writes from many goroutines, and from a second
// handle on the same file (another process, such as `tadrib admin create`
// while the server runs): no write may fail with SQLITE_BUSY.
func TestConcurrentWritesNeverBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	a := openTemp(t, path)
	b := openTemp(t, path)
	if err := a.W.Exec("CREATE TABLE answers (id INTEGER PRIMARY KEY, attempt INTEGER, q INTEGER, body TEXT, UNIQUE(attempt, q))").Error; err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		handle := a
		if w%4 == 0 {
			handle = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// A read-modify-write transaction, the shape of an autosave.
				err := handle.W.Transaction(func(tx *gorm.DB) error {
					var n int64
					if err := tx.Raw("SELECT COUNT(*) FROM answers WHERE attempt = ?", w).Scan(&n).Error; err != nil {
						return err
					}
					return tx.Exec("INSERT INTO answers (attempt, q, body) VALUES (?, ?, ?) ON CONFLICT(attempt, q) DO UPDATE SET body = excluded.body",
						w, i, fmt.Sprintf("answer %d after %d", i, n)).Error
				})
				if err != nil {
					errs <- fmt.Errorf("write: %w", err)
				}
				var got int64
				if err := handle.R.Raw("SELECT COUNT(*) FROM answers").Scan(&got).Error; err != nil {
					errs <- fmt.Errorf("read: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write failed: %v", err)
	}
	var n int64
	a.R.Raw("SELECT COUNT(*) FROM answers").Scan(&n)
	if n != workers*each {
		t.Errorf("%d rows, want %d", n, workers*each)
	}
}

func TestPingFailsWhenClosed(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "x.db"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := d.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if err := d.Ping(ctx); err == nil {
		t.Error("Ping succeeds on a closed database")
	}
}

func TestPathWithSpecialCharacters(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "a dir?#%", "t.db"))
	if err := d.W.Exec("CREATE TABLE x (a INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
}

func TestNilBytesStoreNull(t *testing.T) {
	// glebarez/go-sqlite before v1.23.0 stored a nil []byte as an empty BLOB.
	d := openTemp(t, filepath.Join(t.TempDir(), "n.db"))
	d.W.Exec("CREATE TABLE b (v BLOB)")
	d.W.Exec("INSERT INTO b (v) VALUES (?)", []byte(nil))
	var kind string
	d.R.Raw("SELECT typeof(v) FROM b").Scan(&kind)
	if kind != "null" {
		t.Errorf("a nil []byte is stored as %s, want null", kind)
	}
}

// BenchmarkAutosaveWrite is the write path that matters most: one answer
// upserted in its own IMMEDIATE transaction, durable (synchronous=FULL)
// before it returns. Compare drivers or settings with benchstat.
func BenchmarkAutosaveWrite(b *testing.B) {
	d := openTemp(b, filepath.Join(b.TempDir(), "w.db"))
	d.W.Exec("CREATE TABLE answers (attempt INTEGER, q INTEGER, body TEXT, saved_at DATETIME, PRIMARY KEY (attempt, q))")
	body := `{"choices":["a","c"],"text":"` + fmt.Sprint(make([]byte, 40)) + `"}`
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		err := d.W.Transaction(func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO answers (attempt, q, body, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT (attempt, q) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
				i%100, i%20, body, time.Now().UTC()).Error
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPointRead reads one row by key through the read pool, in parallel.
func BenchmarkPointRead(b *testing.B) {
	d := openTemp(b, filepath.Join(b.TempDir(), "r.db"))
	d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
	for i := range 1000 {
		d.W.Exec("INSERT INTO t (id, body) VALUES (?, ?)", i, fmt.Sprint("row ", i))
	}
	b.ReportAllocs()
	b.ResetTimer() // not the 1,000 inserts above
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			var s string
			if err := d.R.Raw("SELECT body FROM t WHERE id = ?", i%1000).Scan(&s).Error; err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
