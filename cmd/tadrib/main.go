// Command tadrib runs the Tadrib e-learning server and its administration
// sub-commands. Configuration comes from the environment (see the README).
//
//	tadrib                 serve (the default)
//	tadrib serve           migrate, seed, and serve HTTP
//	tadrib migrate         migrate the database and exit
//	tadrib admin create    create an admin account
//	tadrib keygen          make a certificate signing key
//	tadrib backup -o FILE  a consistent copy of the database, while it serves
//	tadrib restore FILE    put a backup in place of the database
//	tadrib retention       delete what the retention settings say has expired
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tadrib/assets"
	"tadrib/internal/accounts"
	"tadrib/internal/config"
	"tadrib/internal/db"
	"tadrib/internal/i18n"
	"tadrib/internal/web"
	"tadrib/models"
)

const usage = `Tadrib — training against human trafficking.

Usage:
  tadrib [serve]          migrate, load the seed curriculum, and serve HTTP
  tadrib migrate          bring the database schema up to date and exit
  tadrib admin create     create an admin account
  tadrib keygen [-o FILE] make a certificate signing key (Ed25519, PEM)
  tadrib backup -o FILE   write a consistent copy of the database (the server may run)
  tadrib restore FILE     put a backup in place of the database (stop the server first)
  tadrib retention        delete, once, what the retention settings say has expired
  tadrib help             this text

Every command reads its configuration from the environment; the README lists
the variables (TADRIB_ADDR, DATABASE_URL, TADRIB_DB_PATH, TADRIB_BASE_URL, …).
Run "tadrib COMMAND --help" for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stdout, stderr)
	case "migrate":
		err = migrate(args, stdout, stderr)
	case "admin":
		err = admin(args, stdin, stdout, stderr)
	case "keygen":
		err = keygen(args, stdout, stderr)
	case "backup":
		err = backup(args, stdout, stderr)
	case "restore":
		err = restore(args, stdout, stderr)
	case "retention":
		err = retention(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tadrib: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "tadrib:", err)
		return 1
	}
	return 0
}

// newFlags makes a flag set whose --help prints a description and the flags.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tadrib %s\n\n%s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// openDB loads the configuration, opens the database and migrates it.
func openDB(ctx context.Context) (config.Config, *db.DB, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return cfg, nil, fmt.Errorf("configuration:\n%w", err)
	}
	// A node started while its database restarts (a deployment, a failover,
	// a pooler refusing logins for a moment) waits for it rather than exit.
	var d *db.DB
	until := time.Now().Add(dbWait)
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 4*time.Second) {
		d, err = openAndMigrate(ctx, cfg)
		if err == nil || !db.Unavailable(err) || time.Now().After(until) {
			return cfg, d, err
		}
		slog.Warn("database not ready, trying again", "in", wait.String(), "error", err.Error())
		select {
		case <-ctx.Done():
			return cfg, nil, err
		case <-time.After(wait):
		}
	}
}

// dbWait is how long a starting node waits for its PostgreSQL.
const dbWait = 60 * time.Second

func openAndMigrate(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, SQLitePath: cfg.DBPath, TransactionPooling: cfg.TransactionPooling})
	if err != nil {
		if d != nil {
			d.Close()
		}
		return nil, err
	}
	if _, err := models.Migrate(ctx, d.W, models.Dialect(d.Engine)); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func migrate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "Bring the database schema up to date, then exit.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, d, err := openDB(context.Background())
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(stdout, "schema at version %d on %s\n", len(models.Migrations), d.Engine)
	return nil
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "Migrate the database, load the seed curriculum, create the first admin on an\nempty database, and serve HTTP until SIGTERM or SIGINT.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg, d, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	log := newLogger(cfg, stdout)
	slog.SetDefault(log)

	a, err := newApp(ctx, cfg, d, log)
	if err != nil {
		return err
	}
	created, err := a.packages.LoadSeed(ctx, assets.FS(cfg.DevAssets))
	if err != nil {
		return err
	}
	if len(created) > 0 {
		log.Info("seed curriculum loaded", "courses", created)
	}
	admin, generated, err := a.accounts.EnsureFirstAdmin(ctx, cfg.AdminEmail, cfg.AdminPass)
	if err != nil {
		return fmt.Errorf("first admin from TADRIB_ADMIN_EMAIL/TADRIB_ADMIN_PASSWORD: %w", describe(err))
	}
	if admin.ID != 0 {
		log.Info("first admin created", "email", admin.Email)
		if generated != "" {
			// Printed once, to the terminal only, never to the structured log.
			fmt.Fprintf(stderr, "\n  First admin: %s\n  Password:    %s\n  (shown once: sign in and change it at /profile)\n\n", admin.Email, generated)
		}
	}

	// Attempts whose time ran out are graded even if nobody comes back to them.
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := a.quizzes.SweepExpired(ctx); err != nil {
					log.Warn("grading expired attempts", "error", err.Error())
				}
			}
		}
	}()

	// What the retention settings say has expired is deleted (TADRIB_RETAIN_*).
	go retentionLoop(ctx, cfg, a, log)

	errc := make(chan error, 1)
	go func() { errc <- a.Listen(cfg.Addr) }()
	log.Info("listening", "addr", cfg.Addr, "base_url", cfg.BaseURL.String(), "engine", d.Engine)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	if err := a.ShutdownWithTimeout(25 * time.Second); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func admin(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, "Usage: tadrib admin create --email EMAIL --name NAME [--password-stdin]\n")
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			return nil
		}
		return errors.New("admin: the only sub-command is create")
	}
	fs := newFlags("admin create", "Create an admin account. The password is read from standard input with\n--password-stdin; otherwise one is generated and printed once.", stderr)
	email := fs.String("email", "", "the admin's email (required)")
	name := fs.String("name", "Administrator", "the admin's name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return errors.New("admin create: --email is required")
	}
	password, generated := "", false
	if *fromStdin {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return err
		}
		password = firstLine(string(b))
	} else {
		password, generated = randomPassword(), true
	}
	_, d, err := openDB(context.Background())
	if err != nil {
		return err
	}
	defer d.Close()
	svc := accounts.NewService(d)
	u, err := svc.CreateAdmin(context.Background(), *email, *name, password)
	if err != nil {
		return fmt.Errorf("admin create: %w", describe(err))
	}
	fmt.Fprintf(stdout, "admin %s created (id %d)\n", u.Email, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once)\n", password)
	}
	return nil
}

// describe turns a client error (invalid input, an email already taken)
// into lines a person at a terminal reads.
func describe(err error) error {
	we, bug := web.Classify(err)
	if bug {
		return err
	}
	cat, cerr := i18n.Load(assets.FS(""))
	if cerr != nil {
		return err
	}
	msg := cat.T("en", we.Key, we.Args...)
	for _, f := range we.Fields {
		msg += fmt.Sprintf("\n  %s: %s", f.Field, cat.T("en", f.Key, f.Args...))
	}
	return errors.New(msg)
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' || r == '\r' {
			return s[:i]
		}
	}
	return s
}
