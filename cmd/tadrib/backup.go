package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"tadrib/internal/config"
	"tadrib/internal/db"
)

// backup writes a consistent copy of the database while the server runs:
// on SQLite with VACUUM INTO (internal/db), on PostgreSQL with pg_dump's
// custom format.
func backup(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup -o FILE", "Write a consistent copy of the database to FILE while the server runs.\n"+
		"SQLite: a compact copy of the file (VACUUM INTO). PostgreSQL: pg_dump --format=custom\n"+
		"(pg_dump must be on the PATH, of the server's major version or newer).", stderr)
	out := fs.String("o", "", "the backup file to write (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("backup: give -o FILE")
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	ctx := context.Background()
	start := time.Now()
	if cfg.DatabaseURL != "" {
		if _, err := os.Stat(*out); err == nil {
			return fmt.Errorf("backup: %s already exists", *out)
		}
		if err := pgTool(ctx, "pg_dump", cfg.DatabaseURL, "--format=custom", "--no-owner", "--file="+*out); err != nil {
			return err
		}
	} else {
		d, err := db.Open(ctx, db.Options{SQLitePath: cfg.DBPath})
		if err != nil {
			return err
		}
		defer d.Close()
		if err := d.Backup(ctx, *out); err != nil {
			return err
		}
	}
	fi, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (%d bytes, %s)\n", *out, fi.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// restore puts a backup in place of the database. The server must be
// stopped: on SQLite the file is replaced (the one it replaces is kept
// beside it), on PostgreSQL pg_restore fills the database of DATABASE_URL.
func restore(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore [-force] FILE", "Put a backup made by `tadrib backup` in place of the database; stop the server first.\n"+
		"SQLite: FILE is checked, then replaces TADRIB_DB_PATH (an existing database needs -force,\n"+
		"and is kept as PATH.before-restore-TIME). PostgreSQL: pg_restore into DATABASE_URL, which\n"+
		"must be an empty database (or -force: its Tadrib tables are dropped first).", stderr)
	force := fs.Bool("force", false, "replace an existing database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore: give the backup FILE")
	}
	file := fs.Arg(0)
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	ctx := context.Background()
	if cfg.DatabaseURL != "" {
		if _, err := os.Stat(file); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		args := []string{"--no-owner", "--exit-on-error", "--single-transaction"}
		if *force {
			args = append(args, "--clean", "--if-exists")
		}
		if err := pgTool(ctx, "pg_restore", cfg.DatabaseURL, append(args, file)...); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s into the PostgreSQL database\n", file)
		return nil
	}
	kept, err := restoreSQLite(ctx, file, cfg.DBPath, *force, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s\n", file, cfg.DBPath)
	if kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
	}
	return nil
}

// restoreSQLite copies a checked backup to path. A database already there
// is kept under another name, never deleted; a -wal file beside it means a
// server still has it open (or crashed with writes not yet checkpointed):
// then nothing is done.
func restoreSQLite(ctx context.Context, file, path string, force bool, now time.Time) (kept string, err error) {
	if err := db.CheckSQLite(ctx, file); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		if !force {
			return "", fmt.Errorf("restore: %s exists; stop the server and run again with -force (it will be kept, renamed)", path)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			return "", fmt.Errorf("restore: %s-wal is not empty: is the server still running? stop it first", path)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	tmp := path + ".restoring"
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		kept = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(path, kept); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("restore: %w", err)
		}
		for _, side := range []string{"-wal", "-shm"} {
			os.Rename(path+side, kept+side)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// pgTool runs pg_dump or pg_restore on the database of a DATABASE_URL. The
// URL is given to libpq without what only pgx reads (default_query_exec_mode
// and the like, which libpq refuses) and without its password, which goes in
// PGPASSWORD so that it never shows in the process list. A search_path in
// the URL (one schema) becomes --schema for pg_dump.
func pgTool(ctx context.Context, tool, databaseURL string, args ...string) error {
	conn, password, schema, err := libpqURL(databaseURL)
	if err != nil {
		return err
	}
	if schema != "" && tool == "pg_dump" {
		args = append(args, "--schema="+schema)
	}
	cmd := exec.CommandContext(ctx, tool, append(args, "--dbname="+conn)...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// libpqParams are the URL parameters libpq understands that a Tadrib
// DATABASE_URL may carry; the rest are pgx's.
var libpqParams = map[string]bool{"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true,
	"connect_timeout": true, "application_name": true, "target_session_attrs": true, "sslpassword": true}

func libpqURL(databaseURL string) (conn, password, schema string, err error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", "", "", errors.New("DATABASE_URL is not a URL") // never echoed: it may hold a password
	}
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	schema = q.Get("search_path")
	for k := range q {
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), password, schema, nil
}
