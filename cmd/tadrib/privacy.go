package main

import (
	"context"
	"fmt"
	"time"

	"tadrib/courses"
	"tadrib/courses/cohorts"
	"tadrib/internal/accounts"
	"tadrib/internal/db"
	"tadrib/quiz"
)

// exportParts connects the features' parts of a trainee's data export to
// the accounts service (internal/ imports no feature, so the wiring is here).
func exportParts(d *db.DB, cs *courses.Service, cos *cohorts.Service, qs *quiz.Service) []accounts.ExportPart {
	return []accounts.ExportPart{
		cs.ExportEnrolments,
		cs.ExportCompletions,
		cos.ExportMemberships,
		cos.ExportInvitations,
		qs.ExportAttempts,
		certificatesPart(d),
	}
}

// certificateExport is one certificate issued to the user, as the register
// holds it (the signed credential and PDF hash stay out: they are the
// issuer's, and the holder can download their certificate anyway).
type certificateExport struct {
	Code          string     `json:"code"`
	CourseTitle   string     `json:"course_title"`
	HolderName    string     `json:"holder_name"`
	HolderNameAr  string     `json:"holder_name_ar"`
	Hours         float64    `json:"hours"`
	IssuedAt      time.Time  `json:"issued_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
	RevokedReason string     `json:"revoked_reason"`
	SupersededBy  *string    `json:"superseded_by"`
}

// certificatesPart reads the certificate register with plain SQL: the
// certificate service is another feature's, and the export needs only rows.
func certificatesPart(d *db.DB) accounts.ExportPart {
	return func(ctx context.Context, userID int64) (string, any, error) {
		rows := []certificateExport{}
		err := d.R.WithContext(ctx).Raw(`SELECT code, course_title, holder_name, holder_name_ar, hours, issued_at, expires_at,
			revoked_at, revoked_reason, superseded_by FROM certificates WHERE user_id = ? ORDER BY issued_at, id`, userID).Scan(&rows).Error
		if err != nil {
			return "certificates", nil, fmt.Errorf("export certificates of %d: %w", userID, err)
		}
		return "certificates", rows, nil
	}
}
