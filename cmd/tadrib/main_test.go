package main

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/alexedwards/argon2id"

	"tadrib/internal/auth"
)

// productionPasswordParams are argon2id's costs as the binary has them once
// every package is initialised (package main's init functions included),
// read by TestMain before it lowers them: TestPasswordCostsInProduction
// checks them, TestGracefulShutdown serves with them.
var productionPasswordParams argon2id.Params

// testPasswordParams are argon2id's lowest costs. The tests make hundreds of
// accounts and sign-ins; at 19 MiB and two passes each (more under -race)
// hashing was a large share of the package's time, and it is not what these
// tests check. Hashing itself is tested at its real costs in internal/auth.
var testPasswordParams = argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestMain(m *testing.M) {
	// Security events go to the default logger; keep test output readable.
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	productionPasswordParams = *auth.PasswordParams
	setPasswordParams(testPasswordParams)
	os.Exit(m.Run())
}

// setPasswordParams sets argon2id's costs. Only TestMain and the serial
// TestGracefulShutdown call it, while no parallel test runs.
func setPasswordParams(p argon2id.Params) { auth.PasswordParams = &p }

// TestPasswordCostsInProduction: the binary hashes with OWASP's first
// recommendation (m=19 MiB, t=2, p=1); nothing in package main or what it
// imports lowers it (only this test binary's TestMain does).
func TestPasswordCostsInProduction(t *testing.T) {
	t.Parallel()
	want := argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if productionPasswordParams != want {
		t.Errorf("argon2id costs in production %+v, want %+v", productionPasswordParams, want)
	}
}
