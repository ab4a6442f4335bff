package main

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"tadrib/internal/config"
	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// envPgBouncer names a PgBouncer in transaction mode in front of the
// PostgreSQL of TADRIB_TEST_DATABASE_URL (CI starts one with
// cmd/tadrib-load/topology/pgbouncer.ini).
const envPgBouncer = "TADRIB_TEST_PGBOUNCER_URL"

// pooledDatabase creates an empty database on the PostgreSQL behind the
// pooler and returns its URL through the pooler. Transaction pooling cannot
// keep a per-test search_path (PgBouncer drops the start-up parameter), so
// this test gets a database of its own, dropped when it ends.
func pooledDatabase(t *testing.T) string {
	t.Helper()
	pooler, direct := os.Getenv(envPgBouncer), os.Getenv(testdb.EnvURL)
	if direct == "" {
		// The SQLite pass: this is a PostgreSQL test, run by the other pass.
		t.Skipf("a PostgreSQL test: set %s and %s", testdb.EnvURL, envPgBouncer)
	}
	if pooler == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI's PostgreSQL pass runs the PgBouncer test: set %s", envPgBouncer)
		}
		t.Skipf("needs PgBouncer in transaction mode: set %s", envPgBouncer)
	}
	name := freshPostgres(t, direct, "tp_")
	u, err := url.Parse(pooler)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Two nodes started together on an empty database through PgBouncer in
// transaction mode both come up (migrations and the first admin run once,
// the seed is loaded once), and then serve one trainee in turn: a session
// made on one is honoured by the other, an attempt started on one is
// answered and submitted on the other, and a second submit is harmless.
// Issue 14 point 1: before TADRIB_DB_POOL=transaction a node exited with
// "prepared statement … already exists" (42P05).
func TestTransactionPoolingTwoNodesStartTogether(t *testing.T) {
	dsn := pooledDatabase(t)
	env := map[string]string{"DATABASE_URL": dsn, "TADRIB_DB_POOL": "transaction", "TADRIB_ADDR": "127.0.0.1:0",
		"TADRIB_SECRET": strings.Repeat("s", 40), "TADRIB_RATE_AUTH": "100000", "TADRIB_SIGNING_KEY": testSigningKey,
		"TADRIB_ADMIN_EMAIL": "admin@example.org", "TADRIB_ADMIN_PASSWORD": testPassword}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	nodes := make([]*testApp, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i], errs[i] = startNode(cfg)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d did not start: %v", i+1, err)
		}
		nodes[i].t = t
		t.Cleanup(func() { nodes[i].db.Close() })
	}
	a, b := nodes[0], nodes[1]

	var admins, courses, locks int64
	a.db.R.Model(&models.User{}).Where("role = ?", models.RoleAdmin).Count(&admins)
	a.db.R.Model(&models.Course{}).Count(&courses)
	a.db.R.Raw("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").Scan(&locks)
	if admins != 1 || courses != 1 || locks != 0 {
		t.Errorf("after two starts: %d admins, %d seed courses, %d advisory locks held; want 1, 1, 0", admins, courses, locks)
	}

	_, slug, quizID := quizCourse(t, a, nil)
	u := a.register("police")
	onB := u
	onB.a = b
	wantStatus(t, onB.do("GET", "/api/v1/me", nil), 200)
	wantStatus(t, onB.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	at := start(t, u, quizID, 201)
	qid := byType(at)["true_false"]["id"].(string)
	wantStatus(t, onB.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, map[string]any{"value": true}), 204)
	first := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
	wantStatus(t, first, 200)
	again := onB.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
	wantStatus(t, again, 200)
	if s1, s2 := first.JSON(t)["score"], again.JSON(t)["score"]; s1 != s2 {
		t.Errorf("the second submit, on the other node, graded %v; the first %v", s2, s1)
	}
	var graded int64
	a.db.R.Model(&models.Attempt{}).Where("status <> ?", models.AttemptInProgress).Count(&graded)
	if graded != 1 {
		t.Errorf("%d graded attempts, want 1", graded)
	}
}

// startNode does what `tadrib serve` does before it listens.
func startNode(cfg config.Config) (*testApp, error) {
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, TransactionPooling: cfg.TransactionPooling})
	if err != nil {
		return nil, err
	}
	if _, err := models.Migrate(ctx, d.W, models.Dialect(d.Engine)); err != nil {
		return nil, err
	}
	a, err := newApp(ctx, cfg, d, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	if _, err := a.packages.LoadSeed(ctx, coreSeedFS()); err != nil {
		return nil, err
	}
	if _, _, err := a.accounts.EnsureFirstAdmin(ctx, cfg.AdminEmail, cfg.AdminPass); err != nil {
		return nil, err
	}
	return &testApp{app: a, cfg: cfg}, nil
}
