package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// clock is a settable time for Sessions.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type sessionEnv struct {
	db  *db.DB
	s   *Sessions
	clk *clock
}

// newSessionEnv is a migrated database of this test (SQLite, or PostgreSQL
// under TADRIB_TEST_DATABASE_URL) with sessions of 12 h, idle after 30 min.
func newSessionEnv(t *testing.T) sessionEnv {
	t.Helper()
	return newSessionEnvOn(t, testdb.New(t))
}

// newSessionEnvOn is newSessionEnv on a database other tests share: its
// users have emails of their own, its sessions a secret of their own.
func newSessionEnvOn(t *testing.T, d *db.DB) sessionEnv {
	t.Helper()
	clk := &clock{t: t0}
	return sessionEnv{db: d, clk: clk, s: &Sessions{DB: d, Keys: testKeys(t), TTL: 12 * time.Hour, Idle: 30 * time.Minute, Now: clk.Now}}
}

func (e sessionEnv) user(t *testing.T, email, role string) models.User {
	t.Helper()
	local, domain, _ := strings.Cut(email, "@")
	email = local + "." + strings.ToLower(rand.Text()[:8]) + "@" + domain
	u := models.User{Email: email, Name: "Test " + role, Role: role, Locale: "fr", PasswordHash: "x"}
	if err := e.db.W.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func (e sessionEnv) login(t *testing.T, u models.User) (string, models.Session) {
	t.Helper()
	tok, sess, err := e.s.Create(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok, sess
}

func (e sessionEnv) resolve(tok string) (Identity, error) {
	return e.s.Resolve(context.Background(), tok)
}

func testSessionCreateResolve(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	u := e.user(t, "amina@example.org", models.RoleTrainee)
	tok, sess := e.login(t, u)
	if !sess.ExpiresAt.Equal(t0.Add(12*time.Hour)) || !sess.CreatedAt.Equal(t0) {
		t.Errorf("session created %v, expires %v; want %v and +12h", sess.CreatedAt, sess.ExpiresAt, t0)
	}
	id, err := e.resolve(tok)
	if err != nil {
		t.Fatalf("Resolve: %v (%s)", err, testdb.Describe())
	}
	if id.User.ID != u.ID || id.User.Email != u.Email || id.User.Role != models.RoleTrainee || id.SessionID != sess.ID || id.ViaCookie {
		t.Errorf("identity %+v", id)
	}
	// The token's claims name this session and user.
	sid, uid, err := e.s.Keys.parse(tok, t0)
	if err != nil || sid != sess.ID || uid != u.ID {
		t.Errorf("token names session %q user %d (%v), want %q %d", sid, uid, err, sess.ID, u.ID)
	}
}

// testSessionIdleExpiry: a session unused for longer than Idle ends; use
// keeps it alive, but only up to its absolute lifetime.
func testSessionIdleExpiry(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	u := e.user(t, "idle@example.org", models.RoleTrainee)

	tok, _ := e.login(t, u)
	e.clk.Add(29 * time.Minute)
	if _, err := e.resolve(tok); err != nil {
		t.Fatalf("after 29 idle minutes: %v", err)
	}
	e.clk.Add(29 * time.Minute) // 58 min after creation, 29 after last use
	if _, err := e.resolve(tok); err != nil {
		t.Fatalf("use did not extend the idle window: %v", err)
	}
	e.clk.Add(31 * time.Minute)
	if _, err := e.resolve(tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after 31 idle minutes: %v, want ErrNoSession", err)
	}
	tok2, _ := e.login(t, u)
	e.clk.Add(31 * time.Minute)
	if _, err := e.resolve(tok2); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a session never used for 31 minutes: %v, want ErrNoSession", err)
	}
}

// testSessionTouchIsThrottled: reading does not write last_seen_at on every
// request, at most once a minute.
func testSessionTouchIsThrottled(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	u := e.user(t, "touch@example.org", models.RoleTrainee)
	tok, sess := e.login(t, u)
	lastSeen := func() time.Time {
		var s models.Session
		if err := e.db.W.Take(&s, "id = ?", sess.ID).Error; err != nil {
			t.Fatal(err)
		}
		return s.LastSeenAt.UTC()
	}
	e.clk.Add(30 * time.Second)
	if _, err := e.resolve(tok); err != nil {
		t.Fatal(err)
	}
	if got := lastSeen(); !got.Equal(t0) {
		t.Errorf("last_seen_at = %v after 30 s, want unchanged %v", got, t0)
	}
	e.clk.Add(2 * time.Minute)
	if _, err := e.resolve(tok); err != nil {
		t.Fatal(err)
	}
	if got, want := lastSeen(), t0.Add(150*time.Second); !got.Equal(want) {
		t.Errorf("last_seen_at = %v after 150 s, want %v", got, want)
	}
}

// testSessionAbsoluteExpiry: however active, a session ends at its absolute
// lifetime — even within the token's 30 s clock leeway.
func testSessionAbsoluteExpiry(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	e.s.TTL = time.Hour
	u := e.user(t, "ttl@example.org", models.RoleTrainee)
	tok, _ := e.login(t, u)
	for range 2 {
		e.clk.Add(20 * time.Minute)
		if _, err := e.resolve(tok); err != nil {
			t.Fatalf("at %v: %v", e.clk.Now().Sub(t0), err)
		}
	}
	e.clk.Add(20 * time.Minute) // exactly TTL
	if _, err := e.resolve(tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("at the session's expiry: %v, want ErrNoSession", err)
	}
	e.clk.Add(10 * time.Second) // within the JWT leeway
	if _, err := e.resolve(tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("10 s after expiry: %v, want ErrNoSession", err)
	}
}

// testSessionEnded: logout (Revoke), a password change (RevokeOthers), a
// deleted session row and a deleted user all end the session at once, though
// its token is still valid.
func testSessionEnded(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	ctx := context.Background()
	u := e.user(t, "ended@example.org", models.RoleTrainee)

	tok, sess := e.login(t, u)
	if _, err := e.resolve(tok); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Revoke(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(tok); !errors.Is(err, ErrNoSession) {
		t.Errorf("after logout: %v, want ErrNoSession", err)
	}
	if err := e.s.Revoke(ctx, sess.ID); err != nil {
		t.Errorf("a second logout: %v", err)
	}

	keep, keepSess := e.login(t, u)
	other1, _ := e.login(t, u)
	other2, _ := e.login(t, u)
	someone := e.user(t, "someone@example.org", models.RoleTrainee)
	theirs, _ := e.login(t, someone)
	if err := e.s.RevokeOthers(ctx, u.ID, keepSess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(keep); err != nil {
		t.Errorf("RevokeOthers ended the session it keeps: %v", err)
	}
	for _, tk := range []string{other1, other2} {
		if _, err := e.resolve(tk); !errors.Is(err, ErrNoSession) {
			t.Errorf("after RevokeOthers, another device's session: %v", err)
		}
	}
	if _, err := e.resolve(theirs); err != nil {
		t.Errorf("RevokeOthers ended another user's session: %v", err)
	}

	deleted, delSess := e.login(t, u)
	if err := e.db.W.Delete(&models.Session{}, "id = ?", delSess.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(deleted); !errors.Is(err, ErrNoSession) {
		t.Errorf("a token naming a deleted session: %v", err)
	}

	gone := e.user(t, "gone@example.org", models.RoleTrainee)
	goneTok, _ := e.login(t, gone)
	if err := e.db.W.Delete(&models.User{}, gone.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(goneTok); !errors.Is(err, ErrNoSession) {
		t.Errorf("a token of a deleted user: %v", err)
	}
}

// testSessionTokenOfAnotherUser: a token whose subject is not the session's
// user (forged with the key, or a bug) is refused.
func testSessionTokenOfAnotherUser(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	victim := e.user(t, "victim@example.org", models.RoleAdmin)
	attacker := e.user(t, "attacker@example.org", models.RoleTrainee)
	_, sess := e.login(t, attacker)
	forged, err := e.s.Keys.sign(sess.ID, victim.ID, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := e.resolve(forged); !errors.Is(err, ErrNoSession) {
		t.Errorf("token for the attacker's session naming the victim: %+v, %v", id.User.Email, err)
	}
	// A token of another secret naming a real session is no token either.
	otherTok, err := testKeys(t).sign(sess.ID, attacker.ID, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(otherTok); !errors.Is(err, ErrNoSession) {
		t.Errorf("a token of another secret: %v", err)
	}
}

// testSessionSeesUserNow: disabling an account and changing a role take
// effect on the next request, without a new sign-in.
func testSessionSeesUserNow(t *testing.T, d *db.DB) {
	e := newSessionEnvOn(t, d)
	u := e.user(t, "role@example.org", models.RoleTrainee)
	tok, _ := e.login(t, u)
	if err := e.db.W.Model(&models.User{}).Where("id = ?", u.ID).Update("role", models.RoleTrainer).Error; err != nil {
		t.Fatal(err)
	}
	id, err := e.resolve(tok)
	if err != nil || id.User.Role != models.RoleTrainer {
		t.Fatalf("after promotion: role %q, %v; want trainer", id.User.Role, err)
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", u.ID).Update("role", models.RoleTrainee).Error; err != nil {
		t.Fatal(err)
	}
	if id, _ := e.resolve(tok); id.User.Role != models.RoleTrainee {
		t.Fatalf("after demotion: role %q, want trainee", id.User.Role)
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", u.ID).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(tok); !errors.Is(err, ErrDisabled) {
		t.Fatalf("a disabled user's session: %v, want ErrDisabled", err)
	}
	if err := e.db.W.Model(&models.User{}).Where("id = ?", u.ID).Update("disabled", false).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.resolve(tok); err != nil {
		t.Fatalf("re-enabled: %v", err)
	}
}

func TestSessionPrune(t *testing.T) {
	t.Parallel()
	e := newSessionEnv(t)
	ctx := context.Background()
	u := e.user(t, "prune@example.org", models.RoleTrainee)
	_, old := e.login(t, u) // expires at t0+12h
	_, revoked := e.login(t, u)
	if err := e.s.Revoke(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(37 * time.Hour)
	live, liveSess := e.login(t, u)
	_, recentlyRevoked := e.login(t, u)
	if err := e.s.Revoke(ctx, recentlyRevoked.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := e.s.Prune(ctx, e.s.Now().Add(-24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want the 2 sessions ended over a day ago", n, err)
	}
	var ids []string
	e.db.W.Model(&models.Session{}).Order("id").Pluck("id", &ids)
	left := map[string]bool{}
	for _, id := range ids {
		left[id] = true
	}
	if left[old.ID] || left[revoked.ID] {
		t.Errorf("Prune kept sessions ended over a day ago: %v", ids)
	}
	if !left[liveSess.ID] || !left[recentlyRevoked.ID] {
		t.Errorf("Prune deleted recent sessions: %v", ids)
	}
	if _, err := e.resolve(live); err != nil {
		t.Errorf("the live session after Prune: %v", err)
	}
}

// TestLoadOrCreateSecret: a configured secret wins; otherwise one is
// generated once and every node (every call) reads the same one.
func TestLoadOrCreateSecret(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	ctx := context.Background()
	if s, err := LoadOrCreateSecret(ctx, d, "configured secret of at least 32 chars"); err != nil || s != "configured secret of at least 32 chars" {
		t.Fatalf("configured: %q, %v", s, err)
	}
	var n int64
	d.W.Model(&models.Setting{}).Count(&n)
	if n != 0 {
		t.Errorf("a configured secret was stored (%d settings)", n)
	}
	var wg sync.WaitGroup
	got := make([]string, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], errs[i] = LoadOrCreateSecret(ctx, d, "") }()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Errorf("nodes disagree on the generated secret: %q vs %q", got[i], got[0])
		}
	}
	if len(got[0]) < 32 {
		t.Errorf("generated secret %q is shorter than 32 characters", got[0])
	}
	again, err := LoadOrCreateSecret(ctx, d, "")
	if err != nil || again != got[0] {
		t.Errorf("a restart reads %q (%v), want the stored %q", again, err, got[0])
	}
}

// TestSessionsSharedDB runs the session and middleware tests that need no
// database of their own on one database, in parallel: on PostgreSQL each
// database is a schema created and migrated for the test.
func TestSessionsSharedDB(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	for name, f := range map[string]func(*testing.T, *db.DB){
		"SessionCreateResolve":               testSessionCreateResolve,
		"SessionIdleExpiry":                  testSessionIdleExpiry,
		"SessionTouchIsThrottled":            testSessionTouchIsThrottled,
		"SessionAbsoluteExpiry":              testSessionAbsoluteExpiry,
		"SessionEnded":                       testSessionEnded,
		"SessionTokenOfAnotherUser":          testSessionTokenOfAnotherUser,
		"SessionSeesUserNow":                 testSessionSeesUserNow,
		"MiddlewareResolvesCaller":           testMiddlewareResolvesCaller,
		"MiddlewareCSRF":                     testMiddlewareCSRF,
		"MiddlewareEndedSessionClearsCookie": testMiddlewareEndedSessionClearsCookie,
		"RequireUserAndRole":                 testRequireUserAndRole,
		"AnonCSRF":                           testAnonCSRF,
		"MiddlewareSecureCookieNames":        testMiddlewareSecureCookieNames,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, d)
		})
	}
}
