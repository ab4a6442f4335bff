package db

import (
	"context"
	"sync"
	"sync/atomic"
)

// ReadStatement is a read query prepared on first use (PrepareRead) and
// kept. A failed prepare (the database restarting) is not kept: the next use
// tries again, so one bad moment at start-up cannot fail every later request
// until the process restarts, as a sync.Once holding the error did. Its zero
// value is ready to use.
type ReadStatement struct {
	mu sync.Mutex
	q  atomic.Pointer[ReadQuery]
}

// Get returns the prepared query, preparing it on d if it is not yet.
func (s *ReadStatement) Get(ctx context.Context, d *DB, query string) (ReadQuery, error) {
	if q := s.q.Load(); q != nil {
		return *q, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.q.Load(); q != nil {
		return *q, nil
	}
	q, err := d.PrepareRead(ctx, query)
	if err != nil {
		return nil, err
	}
	s.q.Store(&q)
	return q, nil
}
