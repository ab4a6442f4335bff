package credential

import (
	"testing"
	"time"
)

func testKeyring(t *testing.T) *Keyring {
	t.Helper()
	pemKey, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKeyring(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignVerifyRoundTrip(t *testing.T) {
	k := testKeyring(t)
	jws, err := k.Sign(Achievement{
		CredentialID: "https://tadrib.example/verify/ABCD", Code: "ABCD", HolderName: "Fatima Zahra Bennani",
		CourseID: "https://tadrib.example/courses/x", CourseTitle: "Écoute des mineurs", Hours: 24,
		IssuerID: "https://tadrib.example/", IssuerName: "Institut", IssuedAt: time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC),
		StatusListURL: "https://tadrib.example/status/1", StatusIndex: 42,
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Verify(jws)
	if err != nil {
		t.Fatal(err)
	}
	if v.Kid != k.ActiveKid() || v.Payload["id"] != "https://tadrib.example/verify/ABCD" {
		t.Errorf("Verify = %+v", v)
	}
}
