package db

import (
	"context"
	"path/filepath"
	"testing"
)

// A prepare that fails (here: the table is not there yet) is tried again on
// the next use, and a prepare that succeeds is kept.
func TestReadStatementRetriesAFailedPrepare(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Options{SQLitePath: filepath.Join(t.TempDir(), "t.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var s ReadStatement
	if _, err := s.Get(ctx, d, "SELECT n FROM later WHERE n = ?"); err == nil {
		t.Fatal("prepared a query on a table that does not exist")
	}
	if err := d.W.Exec("CREATE TABLE later (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	d.W.Exec("INSERT INTO later VALUES (7)")
	q, err := s.Get(ctx, d, "SELECT n FROM later WHERE n = ?")
	if err != nil {
		t.Fatalf("the failed prepare was remembered: %v", err)
	}
	var n int
	if err := q.QueryRowContext(ctx, 7).Scan(&n); err != nil || n != 7 {
		t.Fatalf("query: %d, %v", n, err)
	}
	again, _ := s.Get(ctx, d, "SELECT n FROM later WHERE n = ?")
	if again != q {
		t.Error("a prepared statement was prepared again")
	}
}
