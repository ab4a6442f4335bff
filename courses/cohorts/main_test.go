package cohorts

import (
	"os"
	"testing"

	"tadrib/internal/webtest"
)

// TestMain hashes passwords at argon2id's lowest costs: these tests register,
// sign in and change passwords hundreds of times (see webtest.LowPasswordCosts).
func TestMain(m *testing.M) {
	webtest.LowPasswordCosts()
	os.Exit(m.Run())
}
