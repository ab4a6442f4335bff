package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/internal/web"
	"tadrib/models"
)

func TestHealthAndReadiness(t *testing.T) {
	a := newTestApp(t, nil)
	wantStatus(t, a.do("GET", "/healthz", nil), 200)
	wantStatus(t, a.do("GET", "/readyz", nil), 200)
	a.db.Close() // the database stops answering
	wantStatus(t, a.do("GET", "/readyz", nil), 503)
	wantStatus(t, a.do("GET", "/healthz", nil), 200)
}

func TestMetricsOnlyForLoopbackOrToken(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_METRICS_TOKEN": "metrics-secret"})
	a.do("GET", "/api/v1/courses", nil)
	// app.Test's peer is 0.0.0.0, not loopback: the token is needed.
	wantStatus(t, a.do("GET", "/metrics", nil), 404)
	r := a.do("GET", "/metrics", nil, "Authorization", "Bearer metrics-secret")
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.Body), `tadrib_http_requests_total{method="GET",route="/api/v1/courses",status="200"}`) {
		t.Errorf("metrics lack the request counter by route:\n%.2000s", r.Body)
	}
}

func TestErrorsAreProblemsOrPages(t *testing.T) {
	a := newTestApp(t, nil)
	wantProblem(t, a.do("GET", "/api/v1/no-such-thing", nil), 404, "")
	wantProblem(t, a.do("DELETE", "/api/v1/courses", nil), 404, "")
	r := a.do("GET", "/no-such-page", nil, "Accept", "text/html", "Accept-Language", "ar")
	wantStatus(t, r, 404)
	if !strings.Contains(string(r.Body), `dir="rtl"`) || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("an HTML 404 should be a page in the visitor's language: %s", r.Header.Get("Content-Type"))
	}
	// A body over the limit is refused by the server before any handler:
	// app.Test bypasses that layer, so this goes through a real socket.
	base := a.serve(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", bodyLimit+1)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 413 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("an oversized body got %d %s, want 413 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if r, err := http.Get(base + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Errorf("the server does not answer after an oversized body: %v", err)
	}
}

func TestPanicIsACleanServerError(t *testing.T) {
	a := newTestApp(t, nil)
	// The app's own error handler and middleware, around a handler that
	// panics: real handlers never panic on input, so none can be used.
	app := fiber.New(fiber.Config{ErrorHandler: a.Config().ErrorHandler})
	var logs bytes.Buffer
	app.Use(web.AccessLog(slog.New(slog.NewJSONHandler(&logs, nil))), web.Recover())
	app.Get("/api/boom", func(c *fiber.Ctx) error { panic("kaboom") })
	res, err := app.Test(httptest.NewRequest("GET", "/api/boom", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("a panic gave %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	if strings.Contains(buf.String(), "kaboom") {
		t.Errorf("the panic message reached the client: %s", buf.String())
	}
	if !strings.Contains(logs.String(), `"status":500`) {
		t.Errorf("the request log does not record the 500: %s", logs.String())
	}
}

// TestGracefulShutdown sends SIGTERM while requests are in flight: they all
// finish, and serve returns without error. It serves with the production
// argon2id costs (a serial test: no other test hashes meanwhile), which keep
// the logins in flight, and checks the account serve made carries them.
func TestGracefulShutdown(t *testing.T) {
	setPasswordParams(productionPasswordParams)
	t.Cleanup(func() { setPasswordParams(testPasswordParams) })
	opts := testdb.Options(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("TADRIB_ADDR", addr)
	t.Setenv("TADRIB_LOG_LEVEL", "error")
	// An address of this process only: a login that reaches another
	// process's server (which took this address meanwhile) fails.
	admin := fmt.Sprintf("admin-%d@example.org", os.Getpid())
	t.Setenv("TADRIB_ADMIN_EMAIL", admin)
	t.Setenv("TADRIB_ADMIN_PASSWORD", testPassword)
	if opts.DatabaseURL != "" {
		t.Setenv("DATABASE_URL", opts.DatabaseURL)
	} else {
		t.Setenv("DATABASE_URL", "")
		opts.SQLitePath = filepath.Join(t.TempDir(), "t.db")
		t.Setenv("TADRIB_DB_PATH", opts.SQLitePath)
	}
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() { done <- run([]string{"serve"}, nil, &out, &errb) }()
	base := "http://" + addr
	// Under load (PostgreSQL behind transaction pooling, a machine shared
	// by several suites) start-up takes up to 20 s. A serve that exited
	// (its address taken meanwhile by another process) stops the wait:
	// the /healthz that answers would not be ours.
	for start := time.Now(); ; {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before answering: %s %s", code, out.String(), errb.String())
		default:
		}
		if r, err := http.Get(base + "/healthz"); err == nil && r.StatusCode == 200 {
			r.Body.Close()
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("server did not start: %s %s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The test's own hold on SIGTERM: should serve not hold it (it
	// returned meanwhile), the signal fails this test instead of killing
	// the whole test binary ("signal: terminated", every later test lost).
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, syscall.SIGTERM)
	defer signal.Stop(guard)
	// Logins take tens of milliseconds (argon2id): enough to be in flight.
	const n = 8
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := http.Post(base+"/api/v1/auth/login", "application/json",
				strings.NewReader(`{"email":"`+admin+`","password":"`+testPassword+`"}`))
			if err != nil {
				codes <- -1
				return
			}
			r.Body.Close()
			codes <- r.StatusCode
		}()
	}
	time.Sleep(30 * time.Millisecond)
	syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("a request in flight at SIGTERM got %d", c)
		}
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var stored models.User
	if err := d.R.Take(&stored, "email = ?", admin).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("serve stored the admin's hash %q, not argon2id with OWASP's costs", stored.PasswordHash)
	}
}
