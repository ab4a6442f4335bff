package quiz

// The cache of attempts' frozen snapshots.

import (
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
	sn     *snapshot
	userID int64
}

func (c *snapshotCache) cached(id int64) (cachedSnapshot, bool) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	return e, ok
}

func (c *snapshotCache) get(a models.Attempt) (*snapshot, error) {
	if e, ok := c.cached(a.ID); ok {
		return e.sn, nil
	}
	sn := &snapshot{}
	if err := json.Unmarshal([]byte(a.Snapshot), sn); err != nil {
		return nil, fmt.Errorf("quiz: snapshot of attempt %d: %w", a.ID, err)
	}
	c.put(a.ID, a.UserID, sn)
	return sn, nil
}

// put caches the snapshot of attempt id.
func (c *snapshotCache) put(id, userID int64, sn *snapshot) {
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
	c.m[id] = cachedSnapshot{sn: sn, userID: userID}
	c.mu.Unlock()
}

// len is how many snapshots are cached.
func (c *snapshotCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
