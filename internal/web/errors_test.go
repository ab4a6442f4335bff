package web

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUnavailableErrorsAre503(t *testing.T) {
	cases := map[error]int{
		fmt.Errorf("save: %w", driver.ErrBadConn):                          503,
		&pgconn.PgError{Code: "57P01", Message: "terminating connection"}:  503,
		&pgconn.PgError{Code: "08006"}:                                     503,
		errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"): 503,
		&pgconn.PgError{Code: "23505"}:                                     500,
		errors.New("some bug"):                                             500,
		Errorf(409, "err.attempt_closed"):                                  409,
	}
	for err, want := range cases {
		if e, _ := classify(err); e.Status != want {
			t.Errorf("classify(%v) = %d, want %d", err, e.Status, want)
		}
	}
}
