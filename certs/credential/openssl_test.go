package credential

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestIndependentVerificationOpenSSL checks the raw Ed25519 signature over
// "header.payload" with OpenSSL 3, as one would by hand (`openssl pkeyutl
// -verify -pubin -inkey pub.pem -rawin -in header.payload -sigfile sig.bin`,
// the signature base64url-decoded), against the public key as PKIX PEM.
// TADRIB_OPENSSL=1 turns a missing openssl into a failure.
func TestIndependentVerificationOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		requireTool(t, "TADRIB_OPENSSL", "openssl is not installed")
	}
	k := ring(t, newPEM(t))
	jws, err := k.Sign(sample())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	last := strings.LastIndexByte(jws, '.')
	sig, err := base64.RawURLEncoding.DecodeString(jws[last+1:])
	if err != nil {
		t.Fatal(err)
	}
	pub := write("issuer-pub.pem", k.PublicKeyPEM())
	sigFile := write("sig.bin", sig)
	verify := func(input []byte) (string, error) {
		in := write("signing-input.txt", input)
		out, err := exec.Command(openssl, "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
			"-in", in, "-sigfile", sigFile).CombinedOutput()
		return string(out), err
	}
	if out, err := verify([]byte(jws[:last])); err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Errorf("openssl rejected our signature: %v\n%s", err, out)
	}
	if out, err := verify([]byte(jws[:last] + "A")); err == nil {
		t.Errorf("openssl accepted a changed signing input:\n%s", out)
	}
}
