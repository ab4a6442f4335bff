package credential

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// newPEM returns a fresh Ed25519 private key as PKCS#8 PEM.
func newPEM(t *testing.T) []byte {
	t.Helper()
	p, err := Generate()
	if err != nil {
		t.Fatalf("Generate() error: %v", err)
	}
	return p
}

// ring parses a bundle made of the given PEM blocks, in order.
func ring(t *testing.T, blocks ...[]byte) *Keyring {
	t.Helper()
	k, err := ParseKeyring(joinPEM(blocks...))
	if err != nil {
		t.Fatalf("ParseKeyring() error: %v", err)
	}
	return k
}

func joinPEM(blocks ...[]byte) []byte {
	var b []byte
	for _, p := range blocks {
		b = append(b, p...)
	}
	return b
}

var issuedAt = time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)

func sample() Achievement {
	return Achievement{
		CredentialID:  "https://tadrib.example/verify/P2FMTMMQ3K7DW6ZXCABH5RYN4E",
		Code:          "P2FMTMMQ3K7DW6ZXCABH5RYN4E",
		HolderName:    "Fatima Zahra Bennani",
		HolderNameAr:  "فاطمة الزهراء بنعلي",
		CourseID:      "https://tadrib.example/courses/protection-enfance",
		CourseTitle:   "Protection de l'enfance — écoute des mineurs",
		CourseTitles:  map[string]string{"fr": "Protection de l'enfance — écoute des mineurs", "ar": "حماية الطفولة — الاستماع إلى القاصرين", "en": "Child protection — hearing minors"},
		Hours:         24,
		IssuerID:      "https://tadrib.example/",
		IssuerName:    "Institut de formation",
		IssuedAt:      issuedAt,
		StatusListURL: "https://tadrib.example/status/1",
		StatusIndex:   94567,
	}
}

// payload decodes the middle part of a compact JWS without checking it.
func payload(t *testing.T, jws string) map[string]any {
	t.Helper()
	return decodePart(t, jws, 1)
}

func header(t *testing.T, jws string) map[string]any {
	t.Helper()
	return decodePart(t, jws, 0)
}

func decodePart(t *testing.T, jws string, i int) map[string]any {
	t.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("JWS has %d parts, want 3", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatalf("decode part %d: %v", i, err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("part %d is not JSON: %v", i, err)
	}
	return m
}

// at follows a path of object keys through decoded JSON.
func at(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[p]
	}
	return v
}
