package models_test

import (
	"context"
	"errors"
	"testing"

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
