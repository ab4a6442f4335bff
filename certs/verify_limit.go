package certs

// The enumeration limit of the verification routes: it counts misses only.
//
// What an attacker enumerating codes needs is many lookups of codes that do
// not exist; what a court, an employer or a load of holders do is look up
// codes that do. Counting every lookup in the shared store (kvstore, one
// row per address shared by every node, SECURITY.md F2) cost a database
// write per verification, half of its cost (cmd/tadrib-load/README.md). So
// only a miss (an answer 404, a code unknown or malformed, or 400, a code
// typed in the form that cannot be one) is counted there, in a
// sliding window as Fiber's limiter counts: past Max misses in the window,
// the miss is answered 429, and from then on every lookup from that
// address on this node is refused before it looks anything up, known codes
// included, until the window has slid below Max again.
//
// Another node learns that an address is over the limit at its first miss
// from it (the count is shared): until then it may answer that address's
// lookups of existing codes, which an enumerator finds only by guessing, at
// most one miss per node and request in flight past the limit.

import (
	"encoding/binary"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// MissLimit configures LimitMisses.
type MissLimit struct {
	Max     int           // misses allowed per window and key
	Window  time.Duration // the sliding window
	Storage fiber.Storage // the shared count (kvstore)
	Key     func(*fiber.Ctx) string
	// LimitReached answers a refused request (Retry-After is set).
	LimitReached fiber.Handler
	Now          func() time.Time // nil: time.Now
}

// missLimiter is the state of one LimitMisses.
type missLimiter struct {
	cfg MissLimit
	mu  sync.Mutex // one read-modify-write of the shared count at a time on this node
	// blocked are the keys this node knows to be over the limit, and until
	// when; bounded by maxBlocked.
	blocked map[string]time.Time
}

// maxBlocked bounds the node's list of blocked keys: each took Max misses
// to get there, and when it is full the expired ones go first.
const maxBlocked = 100000

// LimitMisses is a rate limit that counts only the requests answered 404 or
// 400.
func LimitMisses(cfg MissLimit) fiber.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &missLimiter{cfg: cfg, blocked: map[string]time.Time{}}
	return l.handle
}

func (l *missLimiter) handle(c *fiber.Ctx) error {
	key := l.cfg.Key(c)
	now := l.cfg.Now()
	l.mu.Lock()
	until, ok := l.blocked[key]
	if ok && !now.Before(until) {
		delete(l.blocked, key)
		ok = false
	}
	l.mu.Unlock()
	if ok {
		return l.refuse(c, now, until)
	}
	err := c.Next()
	if st := c.Response().StatusCode(); err != nil || (st != fiber.StatusNotFound && st != fiber.StatusBadRequest) {
		return err
	}
	over, until, cerr := l.miss(key, now)
	if cerr != nil {
		return cerr // the count could not be kept: refuse rather than not count
	}
	if over {
		// The answer was a miss either way; it is not cached as one.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return l.refuse(c, now, until)
	}
	return err
}

func (l *missLimiter) refuse(c *fiber.Ctx, now, until time.Time) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(until.Sub(now).Seconds())))))
	return l.cfg.LimitReached(c)
}

// window is a key's count: misses in the current window (from start) and
// in the one before.
type window struct {
	start      int64 // Unix nanoseconds
	curr, prev int64
}

func (w window) encode() []byte {
	b := binary.AppendVarint(nil, w.start)
	b = binary.AppendVarint(b, w.curr)
	return binary.AppendVarint(b, w.prev)
}

func decodeWindow(b []byte) window {
	var w window
	var n int
	for _, f := range []*int64{&w.start, &w.curr, &w.prev} {
		if *f, n = binary.Varint(b); n <= 0 {
			return window{}
		}
		b = b[n:]
	}
	return w
}

// miss counts a miss of key at now in the shared store, and says whether
// it took the key over the limit, and until when it stays over if nothing
// more is counted.
func (l *missLimiter) miss(key string, now time.Time) (bool, time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	size := l.cfg.Window.Nanoseconds()
	raw, err := l.cfg.Storage.Get(key)
	if err != nil {
		return false, time.Time{}, err
	}
	w := decodeWindow(raw)
	t := now.UnixNano()
	switch {
	case w.start == 0 || t-w.start >= 2*size || t < w.start:
		w = window{start: t}
	case t-w.start >= size:
		w = window{start: w.start + size, prev: w.curr}
	}
	w.curr++
	if err := l.cfg.Storage.Set(key, w.encode(), 2*l.cfg.Window); err != nil {
		return false, time.Time{}, err
	}
	// As Fiber's sliding window: the previous window's misses weigh what
	// is left of it.
	elapsed := t - w.start
	rate := int64(float64(w.prev)*float64(size-elapsed)/float64(size)) + w.curr
	if rate <= int64(l.cfg.Max) {
		return false, time.Time{}, nil
	}
	// Over until the current window's misses, weighing less and less in
	// the next window, fall to Max.
	var untilNs int64
	if limit := int64(l.cfg.Max); w.curr > limit {
		untilNs = w.start + size + int64(float64(size)*(1-float64(limit)/float64(w.curr)))
	} else { // the previous window's weight alone takes it over
		untilNs = w.start + int64(float64(size)*(1-float64(limit-w.curr)/float64(w.prev)))
	}
	until := time.Unix(0, untilNs)
	if len(l.blocked) >= maxBlocked {
		for k, u := range l.blocked {
			if !now.Before(u) || len(l.blocked) >= maxBlocked {
				delete(l.blocked, k)
			}
		}
	}
	l.blocked[key] = until
	return true, until, nil
}
