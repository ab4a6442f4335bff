package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

// A backup taken while trainees autosave holds every answer acknowledged
// before it began, and every certificate issued before it still verifies
// from the restored database: the same PDF, byte for byte, and the same
// signed credential (issue 14, point 4). SQLite: `tadrib backup` (VACUUM
// INTO) and `tadrib restore`; PostgreSQL: pg_dump and pg_restore, as the
// commands run them.
func TestBackupDuringAutosaveRestores(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, nil)
	holder := enrolled(t, a, slug)
	completeCourse(t, holder, slug, quizID)
	claim := holder.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
	wantStatus(t, claim, 201)
	code := claim.JSON(t)["code"].(string)
	pdf := holder.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
	wantStatus(t, pdf, 200)
	credential := verifyJSON(a, code).JSON(t)["credential"]

	// Autosave load: trainees rewrite their short answer with a rising
	// number; each acknowledged number is recorded with when it was.
	type ack struct {
		n  int
		at time.Time
	}
	const trainees = 4
	var mu sync.Mutex
	acked := map[string][]ack{} // attempt id → acknowledged saves, in order
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range trainees {
		u := enrolled(t, a, slug)
		at := start(t, u, quizID, 201)
		qid := byType(at)["short"]["id"].(string)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				r := u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, map[string]any{"text": "v" + strconv.Itoa(n)})
				if r.StatusCode != 204 {
					t.Errorf("autosave %d answered %d", n, r.StatusCode)
					return
				}
				mu.Lock()
				acked[at.ID] = append(acked[at.ID], ack{n, time.Now()})
				mu.Unlock()
				time.Sleep(5 * time.Millisecond) // a page autosaves, it does not flood
			}
		}()
	}
	// waitSaves waits until every trainee has n saves acknowledged after
	// since: saves under way before the backup, saves after it (not in it).
	waitSaves := func(n int, since time.Time) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			ready := len(acked) == trainees
			for _, acks := range acked {
				after := 0
				for _, k := range acks {
					if k.at.After(since) {
						after++
					}
				}
				ready = ready && after >= n
			}
			mu.Unlock()
			if ready {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the trainees do not have %d saves each acknowledged after %v", n, since)
			}
		}
	}
	waitSaves(3, time.Time{})
	began := time.Now()
	file, restoredOpts := backupAndRestore(t, a.db)
	waitSaves(2, time.Now())
	close(stop)
	wg.Wait()
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
		t.Fatalf("no backup file: %v", err)
	}

	r, err := db.Open(context.Background(), restoredOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := models.Migrate(context.Background(), r.W, models.Dialect(r.Engine)); err != nil {
		t.Fatalf("the restored database does not migrate: %v", err)
	}
	saves := 0
	for attemptID, acks := range acked {
		before := 0
		for _, k := range acks {
			if k.at.Before(began) {
				before = k.n
			}
			saves++
		}
		var row models.AttemptAnswer
		id, _ := strconv.ParseInt(attemptID, 10, 64)
		err := r.R.Where("attempt_id = ?", id).Take(&row).Error
		got := 0
		if err == nil {
			var body struct{ Text string }
			json.Unmarshal([]byte(row.Body), &body)
			got, _ = strconv.Atoi(strings.TrimPrefix(body.Text, "v"))
		}
		if got < before {
			t.Errorf("attempt %s: the restored answer is v%d, but v%d was acknowledged before the backup began", attemptID, got, before)
		}
	}
	if saves < trainees*3 {
		t.Fatalf("only %d saves were acknowledged: the backup did not run under load", saves)
	}

	restored, err := newApp(context.Background(), a.cfg, r, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ra := &testApp{app: restored, t: t, cfg: a.cfg}
	again := on(ra, holder).do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
	wantStatus(t, again, 200)
	if sha256.Sum256(again.Body) != sha256.Sum256(pdf.Body) {
		t.Error("the restored database prints another PDF for the certificate")
	}
	v := verifyJSON(ra, code).JSON(t)
	c1, _ := json.Marshal(credential)
	c2, _ := json.Marshal(v["credential"])
	if v["status"] != "valid" || string(c1) != string(c2) || len(c1) < 100 {
		t.Errorf("after restore the certificate verifies as %v with credential\n%s\nwant\n%s", v["status"], c2, c1)
	}
	t.Logf("%d saves acknowledged by %d trainees; backup %s", saves, trainees, file)
}

// backupAndRestore backs d up into a file, the way `tadrib backup` does on
// its engine, and restores the file into a new database, the way `tadrib
// restore` does; it returns the file and the restored database's options.
func backupAndRestore(t *testing.T, d *db.DB) (string, db.Options) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "tadrib.backup")
	if d.Engine == "sqlite" {
		if err := d.Backup(ctx, file); err != nil {
			t.Fatalf("backup: %v", err)
		}
		if err := d.Backup(ctx, file); err == nil {
			t.Error("a second backup overwrote the first")
		}
		target := filepath.Join(dir, "restored", "tadrib.db")
		if _, err := restoreSQLite(ctx, file, target, false, time.Now()); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if _, err := restoreSQLite(ctx, file, target, false, time.Now()); err == nil {
			t.Error("restore replaced an existing database without -force")
		}
		return file, db.Options{SQLitePath: target}
	}
	direct := os.Getenv(testdb.EnvURL)
	sqlDB, _ := d.R.DB()
	var schema string
	if err := sqlDB.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(direct)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if err := pgTool(ctx, "pg_dump", u.String(), "--format=custom", "--no-owner", "--file="+file); err != nil {
		t.Fatalf("backup: %v", err)
	}
	name := freshPostgres(t, direct, "restore_")
	target, _ := url.Parse(direct)
	target.Path = "/" + name
	if err := pgTool(ctx, "pg_restore", target.String(), "--no-owner", "--exit-on-error", "--single-transaction", file); err != nil {
		t.Fatalf("restore: %v", err)
	}
	tq := target.Query()
	tq.Set("search_path", schema)
	target.RawQuery = tq.Encode()
	return file, db.Options{DatabaseURL: target.String()}
}

func TestLibpqURLKeepsPasswordsOutOfTheCommandLine(t *testing.T) {
	conn, pw, schema, err := libpqURL("postgres://tadrib:s3cret@db:5432/tadrib?sslmode=require&default_query_exec_mode=cache_describe&search_path=t_1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(conn, "s3cret") || pw != "s3cret" || schema != "t_1" ||
		strings.Contains(conn, "default_query_exec_mode") || !strings.Contains(conn, "sslmode=require") {
		t.Errorf("libpqURL = %q, %q, %q", conn, pw, schema)
	}
	if _, _, _, err := libpqURL("postgres://u:p@h/%zz"); err == nil || strings.Contains(err.Error(), "p@h") {
		t.Errorf("a bad URL: %v", err)
	}

}

// freshPostgres creates an empty database named prefix and a random suffix
// on the server of the PostgreSQL URL direct, and drops it when the test
// ends (WITH (FORCE), so that a connection the test left open does not keep
// it). It returns the name. The tests that need a whole database of their
// own use it: a restore, and PgBouncer, which cannot keep a search_path.
func freshPostgres(t *testing.T, direct, prefix string) string {
	t.Helper()
	admin, err := gorm.Open(postgres.Open(direct), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	name := prefix + strings.ToLower(rand.Text()[:12])
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	})
	return name
}
