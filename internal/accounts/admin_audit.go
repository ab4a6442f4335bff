package accounts

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditQuery filters the audit log. Zero values filter nothing. To is
// inclusive: the whole day it names.
type AuditQuery struct {
	Actor  string // an account id, or part of an email or name
	Action string // exact, e.g. user.update
	Object string // "user:12" exactly, or a kind ("course") for all of it
	From   time.Time
	To     time.Time
	Limit  int
	Offset int
}

// AuditRow is one audit event with its actor's email and name, when the
// actor's account still exists.
type AuditRow struct {
	ID         int64     `json:"id,string"`
	At         time.Time `json:"at"`
	ActorID    *int64    `json:"actor_id,string"`
	ActorEmail string    `json:"actor_email"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	Object     string    `json:"object"`
	Detail     string    `json:"detail"`
}

func (s *Service) auditScope(ctx context.Context, q AuditQuery) *gorm.DB {
	tx := s.db.R.WithContext(ctx).Table("audit_events e").Joins("LEFT JOIN users u ON u.id = e.actor_id")
	if a := strings.TrimSpace(q.Actor); a != "" {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			tx = tx.Where("e.actor_id = ?", id)
		} else {
			like := "%" + escapeLike(strings.ToLower(a)) + "%"
			tx = tx.Where("(LOWER(u.email) LIKE ? ESCAPE '\\' OR LOWER(u.name) LIKE ? ESCAPE '\\')", like, like)
		}
	}
	if q.Action != "" {
		tx = tx.Where("e.action = ?", q.Action)
	}
	if o := strings.TrimSpace(q.Object); o != "" {
		if strings.Contains(o, ":") {
			tx = tx.Where("e.object = ?", o)
		} else {
			tx = tx.Where("e.object LIKE ? ESCAPE '\\'", escapeLike(o)+":%")
		}
	}
	if !q.From.IsZero() {
		tx = tx.Where("e.at >= ?", q.From.UTC())
	}
	if !q.To.IsZero() {
		tx = tx.Where("e.at < ?", q.To.UTC().AddDate(0, 0, 1))
	}
	return tx
}

// AuditLog returns the events matching q, newest first, and their total.
func (s *Service) AuditLog(ctx context.Context, q AuditQuery) ([]AuditRow, int64, error) {
	var total int64
	if err := s.auditScope(ctx, q).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("accounts: count audit events: %w", err)
	}
	var rows []AuditRow
	err := s.auditScope(ctx, q).
		Select("e.id, e.at, e.actor_id, COALESCE(u.email, '') AS actor_email, COALESCE(u.name, '') AS actor_name, e.action, e.object, e.detail").
		Order("e.at DESC, e.id DESC").Limit(q.Limit).Offset(q.Offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("accounts: audit events: %w", err)
	}
	return rows, total, nil
}

// AuditActions lists the actions present in the log, for the filter.
func (s *Service) AuditActions(ctx context.Context) ([]string, error) {
	var actions []string
	err := s.db.R.WithContext(ctx).Table("audit_events").Distinct("action").Order("action").Pluck("action", &actions).Error
	return actions, err
}

// AuditExported records that the log itself was exported.
func (s *Service) AuditExported(ctx context.Context, actorID int64, q AuditQuery, rows int) error {
	detail := fmt.Sprintf("%d rows; actor=%q action=%q object=%q", rows, q.Actor, q.Action, q.Object)
	return auditNow(s.db.W.WithContext(ctx), actorID, "audit.export", "audit", detail)
}
