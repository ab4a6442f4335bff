package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"gorm.io/gorm"
)

// GORM's statement cache (PrepareStmt) can freeze SQLite's writer for good
// (go-gorm/gorm#7350, #7465). A statement run for the first time outside a
// transaction is cached as a placeholder before it is prepared (stmt_store's
// New: Set, unlock, then PrepareContext), and preparing it waits for a
// connection of the pool: on the writer, the only one. A transaction that
// holds that connection and needs the same statement waits for the
// placeholder, and neither moves. Worse, it waits inside the cache's read
// lock, so every statement new to the cache then waits too, in any
// transaction.
//
// stmtDB takes the place of GORM's PreparedStmtDB as the handle's pool and
// runs the statements outside transactions itself: a statement not in the
// cache yet is prepared on the pool first, holding nothing while it waits
// for a connection, and only then put in GORM's cache (as transactions'
// statements are promoted). A placeholder in the cache is then either a
// transaction's, prepared on the connection that transaction holds, or one
// filled at once: no one waits on it for a connection. Transactions still go
// through GORM's PreparedStmtTX (BeginTx is GORM's) and reuse what is cached.
type stmtDB struct {
	*gorm.PreparedStmtDB
	pool *promotingPool
}

// cacheStatements installs stmtDB over g's statement cache, and the
// promoting pool under it. Without PrepareStmt there is nothing to do.
func cacheStatements(g *gorm.DB) {
	pdb, ok := g.ConnPool.(*gorm.PreparedStmtDB)
	if !ok {
		return
	}
	sqlDB, ok := pdb.ConnPool.(*sql.DB)
	if !ok {
		return
	}
	pool := &promotingPool{DB: sqlDB, stmts: pdb}
	pdb.ConnPool = pool
	s := &stmtDB{PreparedStmtDB: pdb, pool: pool}
	g.ConnPool = s
	g.Statement.ConnPool = s
}

// stmtCache returns the handle's GORM statement cache, or nil.
func stmtCache(g *gorm.DB) *gorm.PreparedStmtDB {
	switch p := g.ConnPool.(type) {
	case *stmtDB:
		return p.PreparedStmtDB
	case *gorm.PreparedStmtDB:
		return p
	}
	return nil
}

// stmt returns the pool's prepared statement for query from GORM's cache,
// preparing it first, outside the cache, if the cache has none (or only a
// transaction's).
func (p *promotingPool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c := p.stmts
	c.Mux.RLock()
	st, ok := c.Stmts.Get(query)
	c.Mux.RUnlock()
	if ok && !st.Transaction && st.Error() == nil && st.Stmt != nil {
		return st.Stmt, nil
	}
	prep, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.Mux.Lock()
	if st, ok := c.Stmts.Get(query); ok && !st.Transaction && st.Error() == nil && st.Stmt != nil {
		c.Mux.Unlock() // another caller cached it meanwhile
		_ = prep.Close()
		return st.Stmt, nil
	}
	// New unlocks c.Mux, as GORM's own prepare expects; its placeholder is
	// filled at once.
	st, err = c.Stmts.New(ctx, query, false, prepared{prep}, c.Mux)
	if err != nil {
		_ = prep.Close()
		return nil, err
	}
	return st.Stmt, nil
}

// ExecContext, QueryContext and QueryRowContext are PreparedStmtDB's, but
// with a statement prepared before it is cached.

func (s *stmtDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.pool.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	if errors.Is(err, driver.ErrBadConn) {
		s.Stmts.Delete(query)
	}
	return res, err
}

func (s *stmtDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.pool.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if errors.Is(err, driver.ErrBadConn) {
		s.Stmts.Delete(query)
	}
	return rows, err
}

func (s *stmtDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.pool.stmt(ctx, query)
	if err != nil {
		// A *sql.Row cannot be made to carry err: run the query uncached,
		// and its Row reports the same failure (GORM returns an empty Row,
		// whose Scan panics).
		return s.pool.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
