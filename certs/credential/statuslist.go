package credential

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// StatusListSize is the number of entries of a status list: the 16 KB
// minimum Bitstring Status List v1.0 sets so that a revoked entry hides
// among many (herd privacy).
const StatusListSize = 131072

type statusListClaims struct {
	Context           []string          `json:"@context"`
	CredID            string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject statusListSubject `json:"credentialSubject"`
	jwt.RegisteredClaims
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// SignStatusList returns the BitstringStatusListCredential (statusPurpose
// revocation) at listURL as a compact JWS signed like the credentials:
// bit i (most significant bit first) is set when index i is in revoked.
func (k *Keyring) SignStatusList(listURL, issuerID string, revoked []int, issuedAt time.Time) (string, error) {
	if !absoluteURL(listURL) || !absoluteURL(issuerID) {
		return "", fmt.Errorf("credential: status list %q or issuer %q is not an absolute URL", listURL, issuerID)
	}
	encoded, err := EncodeStatusList(revoked)
	if err != nil {
		return "", err
	}
	from := issuedAt.UTC().Truncate(time.Second)
	return k.sign(statusListClaims{
		Context:   []string{ContextVC},
		CredID:    listURL,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    issuerID,
		ValidFrom: from.Format(time.RFC3339),
		CredentialSubject: statusListSubject{
			ID: listURL + "#list", Type: "BitstringStatusList", StatusPurpose: "revocation", EncodedList: encoded,
		},
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: issuerID, ID: listURL, NotBefore: jwt.NewNumericDate(from), IssuedAt: jwt.NewNumericDate(from),
		},
	})
}

// EncodeStatusList is the encodedList of a status list with the given
// indexes set: multibase 'u' + base64url (no padding) of the GZIP of the
// bitstring. The gzip header carries no time or name, so the output is stable.
func EncodeStatusList(set []int) (string, error) {
	bits := make([]byte, StatusListSize/8)
	for _, i := range set {
		if i < 0 || i >= StatusListSize {
			return "", fmt.Errorf("credential: status index %d outside [0, %d)", i, StatusListSize)
		}
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(bits)
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("credential: gzip status list: %w", err)
	}
	return "u" + b64(buf.Bytes()), nil
}
