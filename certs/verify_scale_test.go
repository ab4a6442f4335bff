package certs

// Verification at scale keeps its two guarantees: the enumeration limit
// (misses counted in the shared store, verify_limit.go) and a revocation
// shown on every node at once (verify_cache.go). Each test runs two nodes
// on one database: two services, two apps.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/kvstore"
	"tadrib/internal/web"
	"tadrib/models"
)

// node is a second Tadrib node on the env's database: its own certificate
// service (its own caches) and its own app, with limit on its verification
// routes.
type node struct {
	svc *Service
	app *fiber.App
}

func (e *env) node(t *testing.T, limit fiber.Handler) *node {
	t.Helper()
	s := newService(t, e.Env, e.courses, testIssuer)
	s.Now = e.clock.now
	app := fiber.New(fiber.Config{ErrorHandler: web.ErrorHandler(e.Catalog, e.Renderer), Immutable: true,
		DisableStartupMessage: true, JSONEncoder: web.EncodeJSON})
	app.Use(web.RequestIDs(), web.Recover(), e.Sessions.Middleware(e.Cookies), web.Languages(false))
	NewHandler(s, e.Renderer, limit).Routes(app, app.Group("/api/v1"))
	return &node{svc: s, app: app}
}

// get sends an anonymous GET for JSON from client (the limit's key).
func (n *node) get(t *testing.T, path, client string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(fiber.MethodGet, path, nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Test-Client", client)
	r, err := n.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r
}

// missLimit is the verification limit as cmd/tadrib/app.go builds it, on
// the env's database, keyed by the X-Test-Client header.
func (e *env) missLimit(max int) fiber.Handler {
	return LimitMisses(MissLimit{Max: max, Window: time.Minute, Storage: kvstore.New(e.DB, "rl:verify:"),
		Key:          func(c *fiber.Ctx) string { return c.Get("X-Test-Client") },
		LimitReached: func(*fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") },
		Now:          e.clock.now})
}

// An enumerator trying unknown codes is limited as before — Max misses a
// minute per address, counted across nodes, then 429 for everything it
// asks, known codes included — while looking up existing codes costs no
// count: a holder's page verified a hundred times stays 200.
func TestVerifyLimitCountsMissesAcrossNodes(t *testing.T) {
	t.Parallel()
	const max = 3
	e := newEnv(t, nil)
	one, two := e.node(t, e.missLimit(max)), e.node(t, e.missLimit(max))
	u := e.trainee(t, "Nadia", "")
	e.course(t, "traite-101", nil, u)
	known := "/verify/" + e.claimed(t, u, "traite-101").Code
	want := func(n *node, path, client string, status int) *http.Response {
		t.Helper()
		r := n.get(t, path, client)
		if r.StatusCode != status {
			t.Fatalf("%s from %s: %d, want %d", path, client, r.StatusCode, status)
		}
		return r
	}

	for i := range 100 {
		want([]*node{one, two}[i%2], known, "holder", http.StatusOK)
	}
	// The enumerator: max misses, on either node, then refused.
	want(one, "/verify/"+NewCode(), "enumerator", http.StatusNotFound)
	want(two, "/verify/"+NewCode(), "enumerator", http.StatusNotFound)
	want(one, "/verify/pas-un-code", "enumerator", http.StatusNotFound) // malformed: a miss too
	r := want(two, "/verify/"+NewCode(), "enumerator", http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the refused miss: Retry-After %q, Cache-Control %q", r.Header.Get("Retry-After"), r.Header.Get("Cache-Control"))
	}
	// Node two now refuses it everything, a known code too; node one
	// learns at its first miss from it.
	want(two, known, "enumerator", http.StatusTooManyRequests)
	want(two, "/v/"+NewCode(), "enumerator", http.StatusTooManyRequests)
	want(one, "/verify/"+NewCode(), "enumerator", http.StatusTooManyRequests)
	want(one, known, "enumerator", http.StatusTooManyRequests)
	misses := 0
	for i := range 50 {
		if r := []*node{one, two}[i%2].get(t, "/verify/"+NewCode(), "enumerator"); r.StatusCode == http.StatusNotFound {
			misses++
		}
	}
	if misses != 0 {
		t.Errorf("%d unknown codes answered 404 past the limit, want 0", misses)
	}
	// Others are not affected; the window slides.
	want(one, known, "holder", http.StatusOK)
	want(two, "/verify/"+NewCode(), "holder", http.StatusNotFound)
	e.clock.add(3 * time.Minute)
	want(one, known, "enumerator", http.StatusOK)
	want(two, "/verify/"+NewCode(), "enumerator", http.StatusNotFound)
}

// A revocation or a correction made on one node shows on the other at
// once, although the other has the certificate cached; what is not the
// standing is read again within the page's max-age.
func TestVerifyCacheShowsRevocationOnEveryNodeAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	other := e.node(t, func(c *fiber.Ctx) error { return c.Next() })
	ctx := context.Background()
	admin := e.User("Admin", models.RoleAdmin)
	u := e.trainee(t, "Nadia", "")
	e.course(t, "traite-101", nil, u)
	e.course(t, "traite-102", nil, u)
	revoked, corrected := e.claimed(t, u, "traite-101").Code, e.claimed(t, u, "traite-102").Code
	for _, code := range []string{revoked, corrected} {
		for _, s := range []*Service{e.svc, other.svc} {
			if v, err := s.Verify(ctx, code, "fr"); err != nil || v.Status != models.CertValid {
				t.Fatalf("%s: %v %s", code, err, v.Status)
			}
		}
	}
	if _, err := e.svc.Revoke(ctx, admin, revoked, "Erreur de saisie", "fr"); err != nil {
		t.Fatal(err)
	}
	next, err := e.svc.Reissue(ctx, admin, corrected, ReissueIn{Name: new("Nadia Tazi"), Reason: "Nom complet"}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Service{e.svc, other.svc} {
		v, err := s.Verify(ctx, revoked, "fr")
		if err != nil || v.Status != models.CertRevoked || v.RevokedReason == nil || *v.RevokedReason != "Erreur de saisie" {
			t.Errorf("revoked: %v %s %v", err, v.Status, v.RevokedReason)
		}
		v, err = s.Verify(ctx, corrected, "fr")
		if err != nil || v.Status != models.CertSuperseded || v.SupersededBy == nil || *v.SupersededBy != next.Code {
			t.Errorf("corrected: %v %s %v", err, v.Status, v.SupersededBy)
		}
	}
	r := other.get(t, "/verify/"+revoked, "court")
	if r.StatusCode != http.StatusOK {
		t.Errorf("the revoked certificate's page on the other node: %d", r.StatusCode)
	}

	// A change by hand to what verification shows besides the standing is
	// served from the cache for at most the page's max-age.
	if v, err := other.svc.Verify(ctx, next.Code, "fr"); err != nil || v.Holder.Name != "Nadia Tazi" {
		t.Fatalf("the corrected certificate: %v %q", err, v.Holder.Name)
	}
	if err := e.DB.W.Model(&models.Certificate{}).Where("code = ?", next.Code).Update("holder_name", "Nadia T.").Error; err != nil {
		t.Fatal(err)
	}
	e.clock.add(verifyCacheTTL)
	if v, err := other.svc.Verify(ctx, next.Code, "fr"); err != nil || v.Holder.Name != "Nadia T." {
		t.Errorf("after the max-age the other node shows %q (%v), want the row's %q", v.Holder.Name, err, "Nadia T.")
	}
	if cc := verifyJSON(e, next.Code).Want(t, http.StatusOK).Header.Get("Cache-Control"); cc != "public, max-age=60" || verifyCacheTTL > 60*time.Second {
		t.Errorf("Cache-Control %q, rows cached %s: the cache must not outlive the max-age", cc, verifyCacheTTL)
	}
}
