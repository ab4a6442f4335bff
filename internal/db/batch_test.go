package db

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// Concurrent Execs share transactions, and each caller gets its own
// statement's outcome: rows affected, including none.
func TestGroupCommitEachCallerGetsItsOutcome(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "b.db"))
	if err := d.W.Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64*30)
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				k := fmt.Sprintf("%d-%d", g, i)
				n, err := d.Exec(ctx, "INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, i)
				if err != nil || n != 1 {
					errs <- fmt.Errorf("insert %s: %d rows, %v", k, n, err)
				}
				// A statement whose condition fails affects nothing.
				n, err = d.Exec(ctx, "UPDATE t SET v = v + 1 WHERE k = ? AND v < 0", k)
				if err != nil || n != 0 {
					errs <- fmt.Errorf("update %s: %d rows, %v", k, n, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int64
	d.R.Raw("SELECT count(*) FROM t").Scan(&n)
	if n != 64*30 {
		t.Errorf("%d rows, want %d", n, 64*30)
	}
}

// A failing statement in a batch fails its own caller only.
func TestGroupCommitIsolatesAFailure(t *testing.T) {
	d := openTemp(t, filepath.Join(t.TempDir(), "f.db"))
	if err := d.W.Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))").Error; err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([]error, 40)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := i
			if i == 7 {
				v = -1 // breaks the CHECK
			}
			_, results[i] = d.Exec(ctx, "INSERT INTO t (k, v) VALUES (?, ?)", fmt.Sprint(i), v)
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (err != nil) != (i == 7) {
			t.Errorf("statement %d: %v", i, err)
		}
	}
	var n int64
	d.R.Raw("SELECT count(*) FROM t").Scan(&n)
	if n != 39 {
		t.Errorf("%d rows, want the 39 good ones", n)
	}
}
