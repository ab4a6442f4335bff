package quiz

// Saving one answer of an attempt in progress (autosave).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"tadrib/models"
)

// SaveAnswer stores one answer, durably, before it returns.
func (s *Service) SaveAnswer(ctx context.Context, user models.User, attemptID int64, questionID string, raw []byte) error {
	// The usual case: this node froze or has read this attempt, of this
	// trainee. Validate against the cached snapshot and write; the write
	// itself checks that the attempt is still open and theirs. Only when it
	// is not (submitted, past its deadline, or no longer in the cache) is
	// the attempt read, to say why.
	if e, ok := s.snapshots.cached(attemptID); ok && e.userID == user.ID {
		body, err := validAnswer(e, questionID, raw)
		if err != nil {
			return err
		}
		saved, err := s.writeAnswer(ctx, user.ID, attemptID, questionID, body)
		if err != nil || saved {
			return err
		}
	}
	a, err := s.loadCols(ctx, user, attemptID, headCols)
	if err != nil {
		return err
	}
	if a.Status != models.AttemptInProgress {
		return ErrClosed
	}
	e, err := s.snapshotOf(ctx, a)
	if err != nil {
		return err
	}
	body, err := validAnswer(e, questionID, raw)
	if err != nil {
		return err
	}
	saved, err := s.writeAnswer(ctx, user.ID, a.ID, questionID, body)
	if err == nil && !saved {
		err = ErrClosed
	}
	return err
}

// validAnswer checks an answer body against its question in the snapshot
// and returns it compacted.
func validAnswer(sn cachedSnapshot, questionID string, raw []byte) ([]byte, error) {
	sq, ok := sn.question(questionID)
	if !ok {
		return nil, ErrNotInAttempt
	}
	ans, err := DecodeAnswer(raw)
	if err != nil {
		return nil, err
	}
	if err := ValidateAnswer(sq.Q, ans); err != nil {
		return nil, err
	}
	// Store the body as sent (compacted): re-encoding would drop an empty
	// "choices": [] or "pairs": {}, and GET must show what was sent.
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, err
	}
	return compact.Bytes(), nil
}

// writeAnswer stores an answer durably if the attempt is still open and
// the user's; saved is false when it is not.
func (s *Service) writeAnswer(ctx context.Context, userID, attemptID int64, questionID string, body []byte) (saved bool, err error) {
	now := s.now()
	// DB.Exec: on SQLite, saves arriving together commit together.
	n, err := s.db.Exec(ctx, `INSERT INTO answers (attempt_id, question_id, body, saved_at, comment)
		SELECT ?, ?, ?, ?, '' WHERE EXISTS (SELECT 1 FROM attempts WHERE id = ? AND user_id = ? AND status = 'in_progress' AND (deadline IS NULL OR deadline > ?))
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at`,
		attemptID, questionID, string(body), now, attemptID, userID, now.Add(-Grace))
	if err != nil {
		return false, fmt.Errorf("quiz: save answer %d/%s: %w", attemptID, questionID, err)
	}
	return n > 0, nil
}
