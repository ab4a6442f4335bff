// Package auth owns sign-in: password hashing, session tokens (JWT) and the
// session rows behind them, the middleware that tells who is calling, CSRF
// tokens bound to a session, and role checks.
package auth

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// PasswordParams are argon2id's costs: OWASP's first recommendation (m=19 MiB,
// t=2, p=1). Not bcrypt: bcrypt stops at 72 bytes, fewer than a 40-letter
// Arabic passphrase takes in UTF-8.
var PasswordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted, in characters
// (openapi.json, schema RegisterInput: password minLength).
const MinPasswordLength = 10

// MaxPasswordLength bounds the work an attacker can ask for per request.
const MaxPasswordLength = 1024

// HashPassword returns the argon2id PHC string for password.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, PasswordParams)
}

// CheckPassword reports whether password matches hash. A malformed hash is a
// mismatch, never a panic.
func CheckPassword(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// BurnPasswordCheck spends the time of one password check. Login calls it for
// an unknown email, so that the answer's timing does not reveal whether an
// account exists (ASVS 6.3.8).
func BurnPasswordCheck(password string) {
	dummyOnce.Do(func() { dummyHash, _ = HashPassword("tadrib timing equaliser") })
	CheckPassword(password, dummyHash)
}

// commonPasswords are passwords of at least MinPasswordLength characters that
// attackers try first (ASVS 6.2.4), and words of this service's context.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		1234567890 0123456789 12345678910 123456789a 1q2w3e4r5t 1qaz2wsx3edc
		password12 password123 password1234 motdepasse motdepasse1 motdepasse123
		azertyuiop azerty1234 azerty12345 azerty123456 qwertyuiop qwerty1234 qwerty12345
		qwerty123456 iloveyou12 abcdefghij abc1234567 aaaaaaaaaa 0000000000 1111111111
		letmein123 welcome123 bienvenue1 bienvenue123 marrakech1 casablanca maroc12345
		morocco123 administrator admin12345 admin123456 tadrib2026 tadrib2026! tadrib12345
		tadribtadrib trafficking traite12345 soleil1234 football123 princesse1 changeme123`) {
		commonPasswords[p] = true
	}
}

// PasswordProblem returns a message key when password is not acceptable, or
// "" when it is. Only length and a list of common passwords count: no
// composition rules (ASVS 6.2.5), and never any truncation.
func PasswordProblem(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return "err.password_short"
	case n > MaxPasswordLength:
		return "err.password_long"
	case commonPasswords[strings.ToLower(password)]:
		return "err.password_common"
	}
	if local, _, _ := strings.Cut(strings.ToLower(email), "@"); strings.EqualFold(password, email) || strings.EqualFold(password, local) {
		return "err.password_email"
	}
	return ""
}
