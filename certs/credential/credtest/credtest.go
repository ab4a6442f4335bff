// Package credtest reads what package credential signs the way a relying
// party would, by the specification's steps and without credential's own
// code, for the tests of credential, certs and cmd/tadrib. It is test
// support: no production package imports it (internal/webtest's tests check
// this), and it imports nothing of Tadrib, so that credential's own tests
// can use it too.
package credtest

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// ListBits is the length of the status lists Tadrib signs: the 16 KB
// minimum of W3C Bitstring Status List v1.0 (credential.StatusListSize;
// credential's tests check that the two agree).
const ListBits = 131072

// DecodeList reverses a status list's encodedList by the specification's
// steps: the multibase prefix "u", base64url without padding, then GZIP.
func DecodeList(t testing.TB, encoded string) []byte {
	t.Helper()
	if !strings.HasPrefix(encoded, "u") {
		t.Fatalf("encodedList %.10q… lacks the multibase 'u' prefix", encoded)
	}
	gz, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		t.Fatalf("encodedList is not base64url without padding: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("encodedList is not GZIP: %v", err)
	}
	list, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("encodedList: %v", err)
	}
	return list
}

// Bit says whether bit i of a decoded list is set; bit 0 is the most
// significant bit of byte 0.
func Bit(list []byte, i int) bool { return list[i/8]&(0x80>>(i%8)) != 0 }

// StatusBit reads bit i of a signed status list credential (a compact JWS,
// as /credentials/status/{n} serves it), without checking the signature:
// the tests that use it check who signed elsewhere. The list must hold
// ListBits bits.
func StatusBit[T ~string | ~[]byte](t testing.TB, jws T, i int) bool {
	t.Helper()
	parts := strings.Split(string(jws), ".")
	if len(parts) != 3 {
		t.Fatalf("status list is not a compact JWS: %.80s", jws)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("status list payload: %v", err)
	}
	var claims struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("status list payload: %v", err)
	}
	list := DecodeList(t, claims.CredentialSubject.EncodedList)
	if len(list)*8 != ListBits {
		t.Fatalf("status list of %d bits, want %d", len(list)*8, ListBits)
	}
	return Bit(list, i)
}
