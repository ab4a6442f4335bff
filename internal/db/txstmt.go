package db

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"gorm.io/gorm"
)

// GORM's statement cache (PrepareStmt) has a blind spot: a query first seen
// inside a transaction is prepared on that transaction and cached as such,
// and database/sql can only re-prepare such a statement in every later
// transaction (Tx.StmtContext finds no connection-level copy to reuse). So
// every query of every transaction was parsed again each time: 22% of the
// CPU of starting a quiz attempt on SQLite (BenchmarkQuizStart), a Parse
// round trip per statement on PostgreSQL.
//
// promotingPool sits under GORM's PreparedStmtDB: it records the queries a
// transaction prepares and, once the transaction has ended (so that the
// connection is free again: SQLite's writer has only one), prepares each of
// them once on the pool and puts it in GORM's cache in place of the
// transaction's copy. Later transactions then reuse the prepared statement
// on their connection.
type promotingPool struct {
	*sql.DB
	stmts *gorm.PreparedStmtDB
	done  sync.Map // query → struct{}: promoted (or being promoted) once
}

// BeginTx starts a transaction that remembers what it prepares. Its
// signature (returning a gorm.ConnPool) is GORM's ConnPoolBeginner.
func (p *promotingPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &recordingTx{Tx: tx, pool: p}, nil
}

// GetDBConn lets gorm.DB.DB() find the *sql.DB under the pool.
func (p *promotingPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

func (p *promotingPool) promote(queries []string) {
	for _, q := range queries {
		if _, seen := p.done.LoadOrStore(q, struct{}{}); seen {
			continue
		}
		if _, err := p.stmt(context.Background(), q); err != nil {
			p.done.Delete(q) // the transaction's copy stays; try again next time
		}
	}
}

// prepared hands GORM's cache a statement prepared beforehand.
type prepared struct{ st *sql.Stmt }

func (p prepared) PrepareContext(context.Context, string) (*sql.Stmt, error) { return p.st, nil }
func (p prepared) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, errors.New("db: prepared is only a statement source")
}
func (p prepared) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, errors.New("db: prepared is only a statement source")
}
func (p prepared) QueryRowContext(context.Context, string, ...any) *sql.Row { return nil }

type recordingTx struct {
	*sql.Tx
	pool     *promotingPool
	prepared []string
}

func (t *recordingTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	t.prepared = append(t.prepared, query)
	return t.Tx.PrepareContext(ctx, query)
}

func (t *recordingTx) Commit() error {
	err := t.Tx.Commit()
	t.pool.promote(t.prepared)
	return err
}

func (t *recordingTx) Rollback() error {
	err := t.Tx.Rollback()
	t.pool.promote(t.prepared)
	return err
}
