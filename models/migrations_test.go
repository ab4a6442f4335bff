package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tadrib/internal/db"
	"tadrib/internal/testdb"
	"tadrib/models"
)

func TestMigrateTwiceIsANoOp(t *testing.T) {
	d, err := db.Open(context.Background(), testdb.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dialect := models.Dialect(d.Engine)
	v, err := models.Migrate(context.Background(), d.W, dialect)
	if err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	if v != len(models.Migrations) {
		t.Fatalf("Migrate ended at version %d, want %d", v, len(models.Migrations))
	}
	v2, err := models.Migrate(context.Background(), d.W, dialect)
	if err != nil || v2 != v {
		t.Fatalf("second Migrate = %d, %v; want %d, nil", v2, err, v)
	}
	var rows int64
	d.R.Table("schema_migrations").Count(&rows)
	if rows != int64(len(models.Migrations)) {
		t.Errorf("schema_migrations has %d rows, want %d", rows, len(models.Migrations))
	}
}

func TestMigrateConcurrently(t *testing.T) {
	opts := testdb.Options(t)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			d, err := db.Open(context.Background(), opts)
			if err != nil {
				errs <- err
				return
			}
			defer d.Close()
			_, err = models.Migrate(context.Background(), d.W, models.Dialect(d.Engine))
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	d := testdb.New(t)
	d.W.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', CURRENT_TIMESTAMP)`, len(models.Migrations)+1)
	_, err := models.Migrate(context.Background(), d.W, models.Dialect(d.Engine))
	if !errors.Is(err, models.ErrSchemaTooNew) {
		t.Fatalf("Migrate on a newer schema = %v, want ErrSchemaTooNew", err)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	d := testdb.New(t)
	err := d.W.Exec(`INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES ('x', 999, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error
	if err == nil {
		t.Fatal("a session for a user that does not exist was accepted: foreign keys are off")
	}
}

// TestSecurityL2AttemptNumbersMigration: the "attempt numbers" migration (issue 15,
// L2) numbers the attempts a database already holds per quiz and trainee,
// in the order they were made, so that the unique index can be built and
// the next start continues the count.
func TestSecurityL2AttemptNumbersMigration(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, testdb.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	all := models.Migrations
	n := len(all)
	for i, m := range all {
		if m.Name == "attempt numbers" {
			n = i
		}
	}
	if n == len(all) {
		t.Fatal(`no migration named "attempt numbers"`)
	}
	models.Migrations = all[:n]
	_, err = models.Migrate(ctx, d.W, models.Dialect(d.Engine))
	models.Migrations = all
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := d.W.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO users (id, email, password_hash, name, profession, created_at, updated_at) VALUES (1, 'a@x', 'x', 'A', 'police', ?, ?), (2, 'b@x', 'x', 'B', 'police', ?, ?)`, now, now, now, now)
	exec(`INSERT INTO courses (id, slug, created_at, updated_at) VALUES (1, 'c', ?, ?)`, now, now)
	exec(`INSERT INTO modules (id, course_id, slug, position) VALUES (1, 1, 'm1', 1), (2, 1, 'm2', 2)`)
	exec(`INSERT INTO quizzes (id, module_id, title, created_at, updated_at) VALUES (1, 1, 'Q1', ?, ?), (2, 2, 'Q2', ?, ?)`, now, now, now, now)
	// Attempts of (quiz, user): (1,1) ×3, (1,2) ×1, (2,1) ×2, interleaved.
	for i, qu := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {1, 1}, {2, 1}, {1, 1}} {
		exec(`INSERT INTO attempts (id, quiz_id, user_id, status, started_at, snapshot) VALUES (?, ?, ?, 'submitted', ?, '{}')`, i+1, qu[0], qu[1], now)
	}
	if _, err := models.Migrate(ctx, d.W, models.Dialect(d.Engine)); err != nil {
		t.Fatal(err)
	}
	var got []struct{ ID, AttemptNo int }
	if err := d.R.Raw(`SELECT id, attempt_no FROM attempts ORDER BY id`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	want := []int{1, 1, 1, 2, 2, 3}
	for i, g := range got {
		if g.AttemptNo != want[i] {
			t.Errorf("attempt %d numbered %d, want %d", g.ID, g.AttemptNo, want[i])
		}
	}
	// The index holds: a second attempt 3 of quiz 1 by user 1 is refused.
	if err := d.W.Exec(`INSERT INTO attempts (id, quiz_id, user_id, attempt_no, status, started_at, snapshot) VALUES (100, 1, 1, 3, 'submitted', ?, '{}')`, now).Error; err == nil {
		t.Error("a duplicate attempt number was accepted")
	}
}
