package credential

import (
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// maxJWSLength bounds what Verify parses: a credential is about 2 KB
// (CVE-2025-30204 was an allocation blow-up on huge headers).
const maxJWSLength = 64 << 10

// Verified is a credential whose signature checked out.
type Verified struct {
	Kid     string         // the key that signed it
	Payload map[string]any // the credential JSON with its JWT claims
}

// Verify checks a JWS made by Sign or SignStatusList against any key of the
// ring, chosen by kid (never from a jku/jwk header), with alg pinned to
// EdDSA and typ vc+jwt, and iss equal to issuer.id. It does not judge
// validUntil: an expired certificate still verifies, so that the verify
// page can say "expired" rather than "invalid".
func (k *Keyring) Verify(jws string) (*Verified, error) {
	if len(jws) > maxJWSLength {
		return nil, errors.New("credential: token too large")
	}
	var kid string
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(jws, claims, func(t *jwt.Token) (any, error) {
		if typ, _ := t.Header["typ"].(string); typ != Typ {
			return nil, fmt.Errorf("typ %q, want %q", typ, Typ)
		}
		kid, _ = t.Header["kid"].(string)
		pub, ok := k.key(kid)
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return pub, nil
	}, jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}), jwt.WithoutClaimsValidation())
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	iss, _ := claims["iss"].(string)
	var issuerID string
	switch v := claims["issuer"].(type) {
	case string:
		issuerID = v
	case map[string]any:
		issuerID, _ = v["id"].(string)
	}
	if iss == "" || iss != issuerID {
		return nil, fmt.Errorf("credential: iss %q does not match issuer %q", iss, issuerID)
	}
	if !hasType(claims["type"], "VerifiableCredential") {
		return nil, errors.New("credential: payload is not a VerifiableCredential")
	}
	return &Verified{Kid: kid, Payload: claims}, nil
}

func hasType(v any, want string) bool {
	types, _ := v.([]any)
	for _, t := range types {
		if t == want {
			return true
		}
	}
	return false
}
