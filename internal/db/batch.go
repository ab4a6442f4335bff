package db

import (
	"context"
	"errors"
	"sync"

	"gorm.io/gorm"
)

// SQLite has one writer, and each durable commit is an fsync. Autosaves
// that arrive while a commit is under way wait for the writer anyway; the
// batcher lets them wait together and commit together: one transaction, one
// fsync, for every save queued meanwhile (group commit). Each caller still
// returns only after the commit that holds its statement, so an answer
// acknowledged is an answer on disk.
type batcher struct {
	db   *gorm.DB
	jobs chan *batchJob
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type batchJob struct {
	sql  string
	args []any
	rows int64
	err  error
	out  chan struct{}
}

// maxBatch bounds one transaction: a few milliseconds of statements.
const maxBatch = 128

func newBatcher(db *gorm.DB) *batcher {
	b := &batcher{db: db, jobs: make(chan *batchJob, 4*maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

var errClosed = errors.New("db: closed")

// exec runs one statement in the next batch and returns its rows affected.
func (b *batcher) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	j := &batchJob{sql: sql, args: args, out: make(chan struct{})}
	select {
	case b.jobs <- j:
	case <-b.stop:
		return 0, errClosed
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	// Once queued, the statement runs: wait for its commit even if the
	// client has gone (a save in doubt is then a save kept).
	<-j.out
	return j.rows, j.err
}

func (b *batcher) run() {
	defer close(b.done)
	for {
		var batch []*batchJob
		select {
		case j := <-b.jobs:
			batch = append(batch, j)
		case <-b.stop:
			b.drain()
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-b.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		b.commit(batch)
	}
}

// commit runs a batch in one transaction; if that fails, each statement
// runs on its own, so that one bad statement fails only its caller.
func (b *batcher) commit(batch []*batchJob) {
	if len(batch) > 1 {
		err := b.db.Transaction(func(tx *gorm.DB) error {
			for _, j := range batch {
				res := tx.Exec(j.sql, j.args...)
				if res.Error != nil {
					return res.Error
				}
				j.rows = res.RowsAffected
			}
			return nil
		})
		if err == nil {
			for _, j := range batch {
				close(j.out)
			}
			return
		}
	}
	for _, j := range batch {
		res := b.db.Exec(j.sql, j.args...)
		j.rows, j.err = res.RowsAffected, res.Error
		close(j.out)
	}
}

// drain answers what is still queued, then stops.
func (b *batcher) drain() {
	for {
		select {
		case j := <-b.jobs:
			b.commit([]*batchJob{j})
		default:
			return
		}
	}
}

func (b *batcher) close() {
	b.once.Do(func() { close(b.stop) })
	<-b.done
}

// Exec runs a single-statement write and returns its rows affected. On
// SQLite, concurrent calls share one transaction (group commit); on
// PostgreSQL, which group-commits across connections itself, it is a plain
// Exec. Use it for independent statements whose callers wait for their own
// outcome (autosaves).
func (d *DB) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if d.batch != nil {
		return d.batch.exec(ctx, sql, args...)
	}
	res := d.W.WithContext(ctx).Exec(sql, args...)
	return res.RowsAffected, res.Error
}
