package certs

// The cache of verified certificates.
//
// A verification shows what was frozen at issuance (names, course title and
// hours, issuer, dates, fingerprint, credential) and the certificate's
// standing. Only the standing changes, and only once each way: revoked (with
// its reason) and superseded are both final (manage.go). So a node keeps the
// row it read, and for each lookup reads only the standing again, one
// indexed read of one row through a prepared statement (where a lookup
// joined the course and scanned the whole row through GORM): a revocation
// or a correction made on any node shows on every node from the next
// request (SECURITY.md C8, "at once"). Anything else that might be changed
// in a row by hand is seen within verifyCacheTTL, the page's max-age.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"tadrib/internal/db"
)

// verifyCacheTTL is how long a row is kept, whatever its standing: the
// max-age of the verification answer (verifyHeaders).
const verifyCacheTTL = 60 * time.Second

// maxVerifyCache bounds the cache: a row is a few kilobytes (the
// credential), and only existing codes get in.
const maxVerifyCache = 10000

type verifyCache struct {
	mu       sync.Mutex
	m        map[string]verifyEntry // by normalized code
	standing db.ReadStatement       // the standing query, prepared on first use
}

type verifyEntry struct {
	r  row
	at time.Time // when the row was read
}

// standingQuery reads a certificate's standing: revoked or not, and the
// code that supersedes it (” for none).
const standingQuery = `SELECT CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, COALESCE(superseded_by, '') FROM certificates WHERE code = ?`

// verified returns the row of the certificate with normalized code norm,
// from the cache when its standing has not changed.
func (s *Service) verified(ctx context.Context, norm string) (row, error) {
	c := &s.verifyCache
	now := s.now()
	c.mu.Lock()
	e, ok := c.m[norm]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < verifyCacheTTL && !now.Before(e.at) {
		q, err := c.standing.Get(ctx, s.db, standingQuery)
		if err != nil {
			return row{}, fmt.Errorf("certs: lookup: %w", err)
		}
		var revoked int
		var supersededBy string
		err = q.QueryRowContext(ctx, norm).Scan(&revoked, &supersededBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.drop(norm)
			return row{}, ErrNotFound
		case err != nil:
			return row{}, fmt.Errorf("certs: lookup: %w", err)
		}
		was := ""
		if e.r.SupersededBy != nil {
			was = *e.r.SupersededBy
		}
		if (revoked == 1) == (e.r.RevokedAt != nil) && supersededBy == was {
			return e.r, nil
		}
	}
	r, err := s.byCode(ctx, norm)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			c.drop(norm)
		}
		return r, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]verifyEntry{}
	}
	if len(c.m) >= maxVerifyCache {
		for k := range c.m { // drop an arbitrary tenth
			delete(c.m, k)
			if len(c.m) < maxVerifyCache*9/10 {
				break
			}
		}
	}
	c.m[norm] = verifyEntry{r: r, at: now}
	c.mu.Unlock()
	return r, nil
}

// drop forgets a code (revoked or corrected on this node: read it again).
func (c *verifyCache) drop(norm string) {
	c.mu.Lock()
	delete(c.m, norm)
	c.mu.Unlock()
}
