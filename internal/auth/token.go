package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Keys holds the keys derived from TADRIB_SECRET, one per use, so that a
// token of one kind can never be replayed as another.
type Keys struct {
	jwt    []byte
	csrf   []byte
	issuer string
}

// Audience is the aud claim of session tokens; no other token of ours has it.
const Audience = "tadrib-session"

// NewKeys derives the keys from the secret. issuer is the public base URL.
func NewKeys(secret, issuer string) Keys {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	return Keys{jwt: derive("tadrib/session-jwt/v1"), csrf: derive("tadrib/csrf/v1"), issuer: issuer}
}

// claims are a session token's claims; the ID (jti) names the session row.
type claims struct {
	jwt.RegisteredClaims
}

// maxTokenLength bounds what we parse: a real token is about 300 bytes
// (CVE-2025-30204 was an allocation blow-up on huge headers).
const maxTokenLength = 4096

var errBadToken = errors.New("auth: invalid session token")

// sign makes the token for a session.
func (k Keys) sign(sessionID string, userID int64, issued, expires time.Time) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{jwt.RegisteredClaims{
		Issuer:    k.issuer,
		Subject:   strconv.FormatInt(userID, 10),
		Audience:  jwt.ClaimStrings{Audience},
		ExpiresAt: jwt.NewNumericDate(expires),
		IssuedAt:  jwt.NewNumericDate(issued),
		ID:        sessionID,
	}})
	return t.SignedString(k.jwt)
}

// parsed remembers tokens already verified: a token never changes, so its
// signature and claims need checking once; exp and iat are still compared
// with the clock on every use. Bounded, and per process (a miss costs one
// verification).
type parsedToken struct {
	sid      string
	uid      int64
	iat, exp time.Time
}

var (
	parsedMu sync.Mutex
	parsed   = map[string]parsedToken{}
)

const parsedMax = 10000

// parse checks a token through the cache of verified tokens.
func (k Keys) parse(token string, now time.Time) (string, int64, error) {
	if len(token) == 0 || len(token) > maxTokenLength {
		return "", 0, errBadToken
	}
	key := string(k.jwt[:8]) + token // tokens of another secret are other entries
	parsedMu.Lock()
	p, ok := parsed[key]
	parsedMu.Unlock()
	if ok {
		const leeway = 30 * time.Second
		if now.After(p.exp.Add(leeway)) || now.Add(leeway).Before(p.iat) {
			return "", 0, errBadToken
		}
		return p.sid, p.uid, nil
	}
	sid, uid, iat, exp, err := k.verify(token, now)
	if err != nil {
		return "", 0, err
	}
	parsedMu.Lock()
	if len(parsed) >= parsedMax {
		clear(parsed)
	}
	parsed[key] = parsedToken{sid: sid, uid: uid, iat: iat, exp: exp}
	parsedMu.Unlock()
	return sid, uid, nil
}

// verify checks a token — algorithm pinned to HS256, exp required, iss and aud
// required and ours, iat not in the future — and returns its session id and
// user id. Any failure is the same error: callers never branch on why.
func (k Keys) verify(token string, now time.Time) (sessionID string, userID int64, iat, exp time.Time, err error) {
	var c claims
	_, err = jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) { return k.jwt, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(k.issuer),
		jwt.WithAudience(Audience),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil || c.ID == "" || c.IssuedAt == nil {
		return "", 0, iat, exp, errBadToken
	}
	uid, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil {
		return "", 0, iat, exp, errBadToken
	}
	return c.ID, uid, c.IssuedAt.Time, c.ExpiresAt.Time, nil
}

// CSRFToken is the CSRF token of a session: an HMAC of its id, so it is bound
// to that session (a token from another session never matches) and needs no
// storage shared between nodes.
func (k Keys) CSRFToken(sessionID string) string {
	m := hmac.New(sha256.New, k.csrf)
	m.Write([]byte(sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether token is the CSRF token of sessionID.
func (k Keys) CheckCSRF(sessionID, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(k.CSRFToken(sessionID)))
}

// JWTKeyForTest exposes the session-signing key to the tests that forge
// tokens with it. Nothing else calls it.
func (k Keys) JWTKeyForTest() []byte { return k.jwt }
