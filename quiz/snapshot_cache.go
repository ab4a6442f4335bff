package quiz

// The cache of attempts' frozen snapshots.

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"tadrib/models"
)

// snapshots caches parsed snapshots. A snapshot never changes once its
// attempt has started, so a cached copy is never stale, on any node.
type snapshotCache struct {
	mu sync.Mutex
	m  map[int64]cachedSnapshot
}

// cachedSnapshot is a parsed snapshot and who owns its attempt: an autosave
// that finds both here needs no read of the attempt (the write checks that
// it is still open).
type cachedSnapshot struct {
	// c is the snapshot in compact form (snapshot_compact.go); sn is the
	// full one, kept when it could not be compacted. One of them is set.
	c      *compactSnapshot
	sn     *snapshot
	userID int64
}

// full is the whole snapshot (built anew from a compact form: the caller
// may keep it, nothing else holds it).
func (e cachedSnapshot) full() *snapshot {
	if e.c != nil {
		return e.c.full()
	}
	return e.sn
}

// question is the snapshot's question qid.
func (e cachedSnapshot) question(qid string) (snapQuestion, bool) {
	if e.c != nil {
		return e.c.find(qid)
	}
	return e.sn.question(qid)
}

func (c *snapshotCache) cached(id int64) (cachedSnapshot, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	return e, ok
}

// put caches the snapshot of attempt id.
func (c *snapshotCache) put(id int64, e cachedSnapshot) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[int64]cachedSnapshot{}
	}
	if len(c.m) >= 20000 {
		for k := range c.m { // drop an arbitrary tenth
			delete(c.m, k)
			if len(c.m) < 18000 {
				break
			}
		}
	}
	c.m[id] = e
	c.mu.Unlock()
}

// len is how many snapshots are cached.
func (c *snapshotCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// cacheFrozen caches the snapshot of an attempt this node has just started.
func (s *Service) cacheFrozen(a models.Attempt, c *compactSnapshot, sn *snapshot) {
	if s.keepFullSnapshots {
		c = nil
	} else {
		sn = nil
	}
	s.snapshots.put(a.ID, cachedSnapshot{c: c, sn: sn, userID: a.UserID})
}

// cachedSnapshotOf returns the cached snapshot of attempt a, or parses it
// from a.Snapshot (which the caller has read) and caches it, compact when
// the quiz's rendered bank in the attempt's language is cached and
// rebuilds it exactly. It reads nothing from the database: callers inside
// a transaction use it (a second connection taken from a full pool while
// theirs is held would wait forever on PostgreSQL).
func (s *Service) cachedSnapshotOf(a models.Attempt) (cachedSnapshot, error) {
	if e, ok := s.snapshots.cached(a.ID); ok {
		return e, nil
	}
	sn := &snapshot{}
	if err := json.Unmarshal([]byte(a.Snapshot), sn); err != nil {
		return cachedSnapshot{}, fmt.Errorf("quiz: snapshot of attempt %d: %w", a.ID, err)
	}
	e := cachedSnapshot{sn: sn, userID: a.UserID}
	if !s.keepFullSnapshots {
		if e.c = compact(s.banks.cached(a.QuizID, sn.Lang), sn, []byte(a.Snapshot)); e.c != nil {
			e.sn = nil
		}
	}
	s.snapshots.put(a.ID, e)
	return e, nil
}

// parsedSnapshot is the whole snapshot of attempt a (see cachedSnapshotOf).
func (s *Service) parsedSnapshot(a models.Attempt) (*snapshot, error) {
	e, err := s.cachedSnapshotOf(a)
	if err != nil {
		return nil, err
	}
	return e.full(), nil
}

// warmBank renders the quiz's bank in lang if this node has none cached,
// so that the snapshots it reads next can share it. Not inside a
// transaction: it reads the quiz and its bank.
func (s *Service) warmBank(ctx context.Context, quizID int64, lang string) error {
	if s.keepFullSnapshots || s.banks.cached(quizID, lang) != nil {
		return nil
	}
	q, err := s.quiz(ctx, quizID)
	if err != nil {
		return err
	}
	var original string
	if err := s.db.R.WithContext(ctx).Raw(`SELECT c.locale FROM modules m JOIN courses c ON c.id = m.course_id WHERE m.id = ?`,
		q.ModuleID).Scan(&original).Error; err != nil {
		return err
	}
	_, err = s.renderedBank(ctx, q, lang, original)
	return err
}
