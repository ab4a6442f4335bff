package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const testIssuer = "https://tadrib.test"

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func testKeys(t *testing.T) Keys {
	t.Helper()
	// A secret of its own per test: the cache of verified tokens is keyed
	// by secret, so tests never see each other's entries.
	return NewKeys(rand.Text()+rand.Text(), testIssuer)
}

// forge signs claims with method and key, as an attacker (or a bug) would.
func forge(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": testIssuer, "sub": "42", "aud": []string{Audience}, "jti": "sess1",
		"iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix(),
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// rawToken builds a token from a header and claims and an arbitrary
// signature function, for the cases no JWT library will make.
func rawToken(header map[string]any, c jwt.MapClaims, sign func(input []byte) []byte) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(c)
	return input + "." + base64.RawURLEncoding.EncodeToString(sign([]byte(input)))
}

func TestTokenRoundTrip(t *testing.T) {
	t.Parallel()
	k := testKeys(t)
	tok, err := k.sign("sess1", 42, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{t0, t0.Add(59 * time.Minute), t0.Add(-29 * time.Second)} {
		sid, uid, err := k.parse(tok, now)
		if err != nil || sid != "sess1" || uid != 42 {
			t.Errorf("parse at %v = %q, %d, %v; want sess1, 42", now, sid, uid, err)
		}
	}
	// The forged "good" claims are accepted too: the refusals below are
	// about the one thing each case changes.
	if _, _, err := k.parse(forge(t, jwt.SigningMethodHS256, k.jwt, goodClaims()), t0); err != nil {
		t.Fatalf("a well-formed token was refused: %v", err)
	}
}

// TestTokenRefused: every way a session token can be wrong is refused, the
// algorithm confusions included.
func TestTokenRefused(t *testing.T) {
	t.Parallel()
	k := testKeys(t)
	other := NewKeys("another secret, at least 32 characters long", testIssuer)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	hs := func(key []byte) func([]byte) []byte {
		return func(in []byte) []byte { m := hmac.New(sha256.New, key); m.Write(in); return m.Sum(nil) }
	}
	cases := map[string]string{
		"expired":             forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "exp", t0.Add(-time.Minute).Unix())),
		"no exp":              forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "exp", nil)),
		"issued in future":    forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "iat", t0.Add(time.Minute).Unix())),
		"no iat":              forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "iat", nil)),
		"wrong issuer":        forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "iss", "https://evil.example")),
		"no issuer":           forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "iss", nil)),
		"wrong audience":      forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "aud", []string{"tadrib-credential"})),
		"no audience":         forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "aud", nil)),
		"no session id":       forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "jti", nil)),
		"subject not number":  forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "sub", "admin")),
		"no subject":          forge(t, jwt.SigningMethodHS256, k.jwt, with(goodClaims(), "sub", nil)),
		"other secret":        forge(t, jwt.SigningMethodHS256, other.jwt, goodClaims()),
		"raw secret as key":   forge(t, jwt.SigningMethodHS256, []byte("the secret itself"), goodClaims()),
		"csrf key":            forge(t, jwt.SigningMethodHS256, k.csrf, goodClaims()),
		"HS384 same key":      forge(t, jwt.SigningMethodHS384, k.jwt, goodClaims()),
		"HS512 same key":      forge(t, jwt.SigningMethodHS512, k.jwt, goodClaims()),
		"RS256":               forge(t, jwt.SigningMethodRS256, rsaKey, goodClaims()),
		"EdDSA":               forge(t, jwt.SigningMethodEdDSA, edKey, goodClaims()),
		"alg none":            forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, goodClaims()),
		"alg none, HS sig":    rawToken(map[string]any{"alg": "none", "typ": "JWT"}, goodClaims(), hs(k.jwt)),
		"alg RS256, HS sig":   rawToken(map[string]any{"alg": "RS256", "typ": "JWT"}, goodClaims(), hs(k.jwt)),
		"alg hs256 lowercase": rawToken(map[string]any{"alg": "hs256", "typ": "JWT"}, goodClaims(), hs(k.jwt)),
		"empty":               "",
		"garbage":             "not.a.token",
		"huge":                strings.Repeat("a", maxTokenLength+1),
	}
	good := forge(t, jwt.SigningMethodHS256, k.jwt, goodClaims())
	parts := strings.Split(good, ".")
	cases["payload swapped"] = parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(
		`{"iss":"`+testIssuer+`","sub":"1","aud":["`+Audience+`"],"jti":"sess1","iat":`+
			jsonInt(t0.Unix())+`,"exp":`+jsonInt(t0.Add(time.Hour).Unix())+`}`)) + "." + parts[2]
	cases["signature dropped"] = parts[0] + "." + parts[1] + "."
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if sid, uid, err := k.parse(tok, t0); err == nil {
				t.Errorf("accepted: session %q, user %d", sid, uid)
			}
		})
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestTokenCacheStillChecksTime: a token verified once is remembered, but its
// expiry and issue time are compared with the clock on every use.
func TestTokenCacheStillChecksTime(t *testing.T) {
	t.Parallel()
	k := testKeys(t)
	tok, err := k.sign("sess1", 7, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.parse(tok, t0); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{t0.Add(time.Hour + 31*time.Second), t0.Add(48 * time.Hour), t0.Add(-31 * time.Second)} {
		if _, _, err := k.parse(tok, now); err == nil {
			t.Errorf("a cached token was accepted at %v (issued %v, expires %v)", now, t0, t0.Add(time.Hour))
		}
	}
	// Verified under one secret, it is no token of another.
	if _, _, err := NewKeys("a different secret, 32 characters or more", testIssuer).parse(tok, t0); err == nil {
		t.Error("a token cached under one secret was accepted under another")
	}
	// Nor under another issuer (another base URL, same secret).
	if _, _, _, _, err := (Keys{jwt: k.jwt, csrf: k.csrf, issuer: "https://other.test"}).verify(tok, t0); err == nil {
		t.Error("a token of one issuer was verified for another")
	}
}

func TestKeysAreSeparatedByUse(t *testing.T) {
	t.Parallel()
	a := NewKeys("s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1", testIssuer)
	b := NewKeys("s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1", testIssuer)
	c := NewKeys("s2 s2 s2 s2 s2 s2 s2 s2 s2 s2 s2 s2", testIssuer)
	if string(a.jwt) != string(b.jwt) || string(a.csrf) != string(b.csrf) {
		t.Error("one secret derived two different keys: nodes would disagree")
	}
	if string(a.jwt) == string(a.csrf) {
		t.Error("the session key is the CSRF key")
	}
	if string(a.jwt) == string(c.jwt) || string(a.csrf) == string(c.csrf) {
		t.Error("two secrets derived the same key")
	}
	if string(a.jwt) == "s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1 s1" {
		t.Error("the secret is used as the key itself")
	}
}

// TestCSRFTokenBoundToSession: a CSRF token is the session's own; another
// session's, another secret's, an empty or altered one is refused.
func TestCSRFTokenBoundToSession(t *testing.T) {
	t.Parallel()
	k := testKeys(t)
	tok := k.CSRFToken("sessA")
	if tok == "" || tok != k.CSRFToken("sessA") {
		t.Fatalf("CSRFToken is not stable: %q", tok)
	}
	if !k.CheckCSRF("sessA", tok) {
		t.Error("the session's own token was refused")
	}
	refused := map[string][2]string{
		"other session":      {"sessB", tok},
		"empty token":        {"sessA", ""},
		"altered":            {"sessA", tok[:len(tok)-1] + string(tok[len(tok)-1]^1)},
		"truncated":          {"sessA", tok[:20]},
		"other secret":       {"sessA", testKeys(t).CSRFToken("sessA")},
		"anonymous token":    {"sessA", k.CSRFToken("anon:sessA")},
		"session JWT key":    {"sessA", base64.RawURLEncoding.EncodeToString(hmacSum(k.jwt, "sessA"))},
		"session id as text": {"sessA", "sessA"},
	}
	if k.CheckCSRF("", "") {
		t.Error("an empty token was accepted for an empty session id")
	}
	for name, c := range refused {
		if k.CheckCSRF(c[0], c[1]) {
			t.Errorf("%s: CheckCSRF(%q, %q) = true", name, c[0], c[1])
		}
	}
}

func hmacSum(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func TestNewSessionID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := NewSessionID()
		if len(id) != 26 || strings.ToLower(id) != id || seen[id] {
			t.Fatalf("session id %q: wrong length, case, or repeated", id)
		}
		seen[id] = true
	}
}
