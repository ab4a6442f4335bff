package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"tadrib/internal/accounts"
	"tadrib/internal/auth"
	"tadrib/internal/config"
	"tadrib/internal/db"
)

// retention runs the retention job once (TADRIB_RETAIN_*): a cron or an
// operator can run it without waiting for a node's hourly run.
func retention(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("retention", "Delete, once, what the retention settings (TADRIB_RETAIN_*) say has expired:\ninactive accounts, ended sessions and set-password links, old audit events.", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	cfg, d, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	got, err := runRetention(ctx, cfg, d, accounts.NewService(d))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted: %d inactive accounts (%d kept: the last admin), %d sessions, %d set-password links, %d audit events\n",
		got.Accounts, got.KeptAdmins, got.Sessions, got.PasswordLinks, got.AuditEvents)
	return nil
}

func runRetention(ctx context.Context, cfg config.Config, d *db.DB, acc *accounts.Service) (accounts.Expired, error) {
	return acc.Expire(ctx, cfg.Retention, &auth.Sessions{DB: d})
}

// retentionLoop runs the job every cfg.Retention.Every until ctx ends. Each
// node runs it: the deletes are idempotent, so no node needs to be elected.
func retentionLoop(ctx context.Context, cfg config.Config, a *app, log *slog.Logger) {
	t := time.NewTicker(cfg.Retention.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			got, err := a.accounts.Expire(ctx, cfg.Retention, a.sessions)
			if err != nil {
				log.Warn("retention", "error", err.Error())
				continue
			}
			if got != (accounts.Expired{}) {
				log.Info("retention", "accounts", got.Accounts, "kept_admins", got.KeptAdmins, "sessions", got.Sessions,
					"password_links", got.PasswordLinks, "audit_events", got.AuditEvents)
			}
		}
	}
}
