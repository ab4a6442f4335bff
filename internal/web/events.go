package web

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// LogEvent writes one security event (sign-in, failure, role change…) as a
// structured log line with the request id and the actor. Never pass a
// password, a token or an answer as an attribute.
func LogEvent(c *fiber.Ctx, event string, attrs ...any) {
	args := append([]any{"event", event, "request_id", RequestID(c), "actor_id", userID(c), "ip", ClientIP(c)}, attrs...)
	slog.Info("security", args...)
}

// Pseudonym identifies a value in logs without writing it (an email that
// failed to sign in: enough to correlate attempts, not to read the address).
func Pseudonym(s string) string {
	sum := sha256.Sum256([]byte("tadrib-log:" + s))
	return hex.EncodeToString(sum[:8])
}
