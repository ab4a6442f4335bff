package web

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailableErrorsAre503(t *testing.T) {
	cases := map[error]int{
		fmt.Errorf("save: %w", driver.ErrBadConn):                         503,
		&pgconn.PgError{Code: "57P01", Message: "terminating connection"}: 503,
		&pgconn.PgError{Code: "08006"}:                                    503,
		fmt.Errorf("open: %w", &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}): 503,
		// The same words without the typed error are a bug, not an outage:
		// no error's text is read (issue 10).
		errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"):          500,
		&pgconn.PgError{Code: "23505"}:                                              500,
		errors.New("some bug"):                                                      500,
		Errorf(409, "err.attempt_closed"):                                           409,
		fmt.Errorf("quiz: %w", Sentinel("quiz: closed", 409, "err.attempt_closed")): 409,
		fmt.Errorf("wrapped: %w", reporter{}):                                       422,
	}
	for err, want := range cases {
		if e, _ := classify(err); e.Status != want {
			t.Errorf("classify(%v) = %d, want %d", err, e.Status, want)
		}
	}
}

// reporter is a typed error that says how it is reported.
type reporter struct{}

func (reporter) Error() string  { return "a typed error" }
func (reporter) Report() *Error { return Errorf(422, "err.invalid") }

// TestSecurityL1SafeNext: a post-login redirect stays on this site, however a
// browser would clean the URL.
func TestSecurityL1SafeNext(t *testing.T) {
	cases := map[string]string{
		"/courses":                    "/courses",
		"/courses/x?lang=ar#m-1":      "/courses/x?lang=ar#m-1",
		"/lessons/3?next=//a":         "/lessons/3?next=//a",
		"":                            "/",
		"//evil.example":              "/",
		"/\\evil.example":             "/",
		"/\t/evil.example":            "/",
		"/\n/evil.example":            "/",
		"/\r/evil.example":            "/",
		"/ /evil.example":             "/",
		"\t//evil.example":            "/",
		"/\x00/evil.example":          "/",
		"/\u0085/evil.example":        "/",
		"https://evil.example":        "/",
		"javascript:alert(1)":         "/",
		"evil.example":                "/",
		"/%2F%2Fevil.example":         "/", // decoded, it starts with //
		"/courses\\..\\..\\evil":      "/",
		"/@evil.example":              "/@evil.example",
		"/courses?x=https://evil.com": "/courses?x=https://evil.com",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
