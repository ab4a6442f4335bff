package certs

import (
	"context"
	"fmt"
)

// HeldCodes returns, per user, the code of the certificate they hold for a
// course, for its progress report (reports.Certificates). A corrected
// certificate supersedes the old one; both may be unrevoked for a while, and
// the current one's code is the one to show.
func (s *Service) HeldCodes(ctx context.Context, courseID int64) (map[int64]string, error) {
	var rows []struct {
		UserID int64
		Code   string
	}
	// Held is valid: neither revoked nor replaced by a correction (a revoked
	// correction does not bring back the certificate it replaced).
	err := s.db.R.WithContext(ctx).Raw(`SELECT c.user_id, c.code FROM certificates c
		WHERE c.course_id = ? AND c.user_id IS NOT NULL AND c.revoked_at IS NULL AND c.superseded_by IS NULL
		ORDER BY c.issued_at, c.id`, courseID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("certs: codes held in course %d: %w", courseID, err)
	}
	codes := map[int64]string{}
	for _, r := range rows {
		if _, ok := codes[r.UserID]; !ok {
			codes[r.UserID] = r.Code
		}
	}
	return codes, nil
}
