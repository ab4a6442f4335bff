package db

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// A query first run inside a transaction must end in GORM's cache as a
// statement of the pool, not of that (finished) transaction, or every later
// transaction prepares it again.
func TestTransactionQueriesArePreparedOnce(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "s.db"))
	if err := d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	pdb := stmtCache(d.W)
	const q = "SELECT count(*) FROM t WHERE status = ?"
	run := func() {
		err := d.W.Transaction(func(tx *gorm.DB) error {
			var n int
			return tx.Raw(q, "open").Scan(&n).Error
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	run()
	st, ok := pdb.Stmts.Get(q)
	if !ok || st.Transaction {
		t.Fatalf("after a transaction the query is cached: %v, as a transaction's statement: %v; want a pool statement", ok, ok && st.Transaction)
	}
	run()
	if again, _ := pdb.Stmts.Get(q); again != st {
		t.Error("a second transaction replaced the cached statement")
	}
}

// Promoting statements waits for SQLite's one writer connection: it must
// never wait while holding something a transaction in flight waits on
// (it did: GORM's cache entry, which transactions wait on while it prepares).
func TestPromotionUnderConcurrentTransactions(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "c.db"))
	if err := d.W.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					_ = d.W.Transaction(func(tx *gorm.DB) error {
						var n int
						if err := tx.Raw("SELECT count(*) FROM t WHERE n > ?", i).Scan(&n).Error; err != nil {
							return err
						}
						return tx.Exec("INSERT INTO t (n) VALUES (?)", n).Error
					})
				}
			}()
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("concurrent transactions did not finish in 60 s: promotion deadlocked")
	}
	var n int64
	d.W.Raw("SELECT count(*) FROM t").Scan(&n)
	if n != 16*20 {
		t.Errorf("%d rows, want %d", n, 16*20)
	}
}
