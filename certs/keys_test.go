package certs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tadrib/certs/credential"
)

func TestDevelopmentKeyIsMadeOnceOwnerOnly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tadrib-signing-key.pem")
	k1, err := LoadKeyring(KeySource{Dev: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("development key mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := LoadKeyring(KeySource{Dev: p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if k1.ActiveKid() != k2.ActiveKid() {
		t.Error("a second start made another key: certificates signed before would no longer verify")
	}
}

func TestKeyErrorsNameTheVariable(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  KeySource
		want string
	}{
		{KeySource{Text: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "TADRIB_SIGNING_KEY:"},
		{KeySource{File: filepath.Join(dir, "absent.pem")}, "TADRIB_SIGNING_KEY_FILE"},
		{KeySource{File: junk}, "TADRIB_SIGNING_KEY_FILE"},
		{KeySource{}, "TADRIB_SIGNING_KEY_FILE"},
	} {
		_, err := LoadKeyring(tc.src, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming %s", tc.src, err, tc.want)
		}
	}
	pem, err := credential.Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeyring(KeySource{Text: string(pem)}, nil)
	if err != nil || k.ActiveKid() == "" {
		t.Fatalf("a key from keygen: %v", err)
	}
}
