package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// TestHashPasswordParameters: the stored hash is argon2id with the costs the
// package documents (m=19 MiB, t=2, p=1), a fresh salt each time, and only
// the right password matches it.
func TestHashPasswordParameters(t *testing.T) {
	t.Parallel()
	const pw = "une phrase de passe assez longue"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry argon2id m=19456,t=2,p=1", h1)
	}
	p, salt, key, err := argon2id.DecodeHash(h1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Memory != 19*1024 || p.Iterations != 2 || p.Parallelism != 1 || len(salt) != 16 || len(key) != 32 {
		t.Errorf("decoded parameters %+v, salt %d bytes, key %d bytes", p, len(salt), len(key))
	}
	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, h := range []string{h1, h2} {
		if !CheckPassword(pw, h) {
			t.Errorf("CheckPassword(right password) = false for %q", h)
		}
	}
	for _, wrong := range []string{"", "une phrase de passe assez longu", "une phrase de passe assez longue ", "UNE PHRASE DE PASSE ASSEZ LONGUE"} {
		if CheckPassword(wrong, h1) {
			t.Errorf("CheckPassword(%q) = true", wrong)
		}
	}
}

// TestPasswordsAreNotTruncated: bcrypt stops at 72 bytes; argon2id must tell
// apart two long Arabic passphrases that differ only at the end.
func TestPasswordsAreNotTruncated(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("كلمة سر طويلة ", 8) // well over 72 bytes
	h, err := HashPassword(long + "أ")
	if err != nil {
		t.Fatal(err)
	}
	if CheckPassword(long+"ب", h) {
		t.Error("a passphrase differing after byte 72 matched")
	}
	if !CheckPassword(long+"أ", h) {
		t.Error("the long passphrase itself did not match")
	}
}

// TestCheckPasswordMalformedHash: a damaged or foreign hash is a mismatch,
// never a panic or a match.
func TestCheckPasswordMalformedHash(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"", "plain", "$argon2id$", "$argon2id$v=19$m=19456,t=2,p=1$", "$2a$10$abcdefghijklmnopqrstuv",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$!!!", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA"} {
		if CheckPassword("anything at all", h) {
			t.Errorf("CheckPassword against %q = true", h)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	t.Parallel()
	cases := []struct{ pw, email, want string }{
		{"short", "a@b.org", "err.password_short"},
		{"123456789", "a@b.org", "err.password_short"},
		{"كلمةسرقصي", "a@b.org", "err.password_short"}, // 9 letters, 18 bytes: letters count
		{"كلمةسرطويلة", "a@b.org", ""},                 // 11 letters
		{strings.Repeat("a", 1024) + "b", "a@b.org", "err.password_long"},
		{strings.Repeat("ab", 512), "a@b.org", ""},
		{"Password123", "a@b.org", "err.password_common"},
		{"AZERTYUIOP", "a@b.org", "err.password_common"},
		{"amina.benali", "Amina.Benali@example.org", "err.password_email"},
		{"amina.benali@example.org", "amina.benali@example.org", "err.password_email"},
		{"correct horse battery", "amina@example.org", ""},
	}
	for _, tc := range cases {
		if got := PasswordProblem(tc.pw, tc.email); got != tc.want {
			t.Errorf("PasswordProblem(%q, %q) = %q, want %q", tc.pw, tc.email, got, tc.want)
		}
	}
}

// TestBurnPasswordCheckCostsOneCheck: login burns one password check for an
// unknown email (ASVS 6.3.8), so BurnPasswordCheck must do a real argon2id
// comparison with the same parameters, not return at once. Not parallel: it
// measures time.
func TestBurnPasswordCheckCostsOneCheck(t *testing.T) {
	h, err := HashPassword("a real user's password")
	if err != nil {
		t.Fatal(err)
	}
	BurnPasswordCheck("warm up") // the first call also hashes the dummy
	p, _, _, err := argon2id.DecodeHash(dummyHash)
	if err != nil {
		t.Fatalf("the dummy hash is not argon2id: %v", err)
	}
	if *p != *PasswordParams {
		t.Errorf("the dummy hash costs %+v, real hashes %+v", *p, *PasswordParams)
	}
	fastest := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	real := fastest(func() { CheckPassword("a wrong password", h) })
	burn := fastest(func() { BurnPasswordCheck("a wrong password") })
	t.Logf("check %v, burn %v", real, burn)
	// A loose bound, for shared machines: a burn that skips the work is a
	// thousand times faster than a check, not a few times.
	if burn < real/5 {
		t.Errorf("BurnPasswordCheck took %v, a real check %v", burn, real)
	}
}
