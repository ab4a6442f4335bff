package webtest

import (
	"github.com/alexedwards/argon2id"

	"tadrib/internal/auth"
)

// LowPasswordCosts sets argon2id to its lowest costs (64 KiB, one pass) for
// the whole test binary. Call it from TestMain, before m.Run and before any
// test starts: a package whose tests register, sign in and change passwords
// otherwise spends most of its time hashing at 19 MiB × 2 passes, and far
// more under -race. The production costs are checked where they are set
// (internal/auth TestHashPasswordParameters) and by cmd/tadrib
// (TestPasswordCostsInProduction, TestGracefulShutdown).
func LowPasswordCosts() {
	auth.PasswordParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}
