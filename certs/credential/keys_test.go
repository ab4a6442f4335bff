package credential

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
)

func pkcs8(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func pkix(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestParseKeyring(t *testing.T) {
	active, old := newPEM(t), newPEM(t)
	oldKey, _ := ParseKeyring(old)
	oldPub, _ := x509.ParsePKIXPublicKey(must(pem.Decode(oldKey.PublicKeyPEM())).Bytes)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	corrupt := strings.Replace(string(active), "\n", "\n!!", 2)

	tests := []struct {
		name     string
		bundle   []byte
		wantKids int
		wantErr  string
	}{
		{"one key", active, 1, ""},
		{"key with comments around it", []byte("\n  \n" + string(active) + "\n"), 1, ""},
		{"rotation: new key then old private key", joinPEM(active, old), 2, ""},
		{"rotation: new key then old public key", joinPEM(active, pkix(t, oldPub)), 2, ""},
		{"same key twice", joinPEM(active, active), 1, ""},
		{"one line with \\n escapes (environment variable)", []byte(strings.ReplaceAll(string(joinPEM(active, old)), "\n", `\n`)), 2, ""},
		{"empty", nil, 0, "empty"},
		{"blank", []byte(" \n\t\n"), 0, "empty"},
		{"not PEM", []byte("MC4CAQAwBQYDK2VwBCIEIBm1Kv"), 0, "not a PEM block"},
		{"corrupt base64", []byte(corrupt), 0, "not a PEM block"},
		{"garbage DER", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("nope")}), 0, "not a PKCS#8"},
		{"RSA key", pkcs8(t, rsaKey), 0, "not an Ed25519 key"},
		{"ECDSA key", pkcs8(t, ecKey), 0, "not an Ed25519 key"},
		{"old RSA public key", joinPEM(active, pkix(t, &rsaKey.PublicKey)), 0, "PEM block 2"},
		{"public key first", joinPEM(pkix(t, oldPub), active), 0, "must be the active PRIVATE KEY"},
		{"OpenSSH or PKCS#1 block", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1}}), 0, `"RSA PRIVATE KEY"`},
		{"trailing text", append(joinPEM(active), "oops"...), 0, "not a PEM block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyring(tt.bundle)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseKeyring() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeyring() error: %v", err)
			}
			if got := len(k.Kids()); got != tt.wantKids {
				t.Errorf("ParseKeyring() has %d keys, want %d", got, tt.wantKids)
			}
			if k.ActiveKid() != ring(t, active).ActiveKid() {
				t.Errorf("active kid is not the first block's key")
			}
		})
	}
}

func must(b *pem.Block, _ []byte) *pem.Block { return b }

// TestThumbprintRFC7638 recomputes the kid by hand from the published JWK
// (required members crv, kty, x in lexicographic order, no spaces), and
// checks the RFC 8037 Appendix A.3 test vector.
func TestThumbprintRFC7638(t *testing.T) {
	x, _ := base64.RawURLEncoding.DecodeString("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
	if got, want := Thumbprint(ed25519.PublicKey(x)), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"; got != want {
		t.Errorf("Thumbprint(RFC 8037 A.3 key) = %s, want %s", got, want)
	}

	k := ring(t, newPEM(t), newPEM(t))
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(k.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	for _, j := range set.Keys {
		canonical := `{"crv":"` + j["crv"] + `","kty":"` + j["kty"] + `","x":"` + j["x"] + `"}`
		sum := sha256.Sum256([]byte(canonical))
		if want := base64.RawURLEncoding.EncodeToString(sum[:]); j["kid"] != want {
			t.Errorf("kid %s, want RFC 7638 thumbprint %s", j["kid"], want)
		}
	}
	if set.Keys[0]["kid"] != k.ActiveKid() {
		t.Errorf("ActiveKid() = %s, want the first JWKS kid %s", k.ActiveKid(), set.Keys[0]["kid"])
	}
}

func TestJWKS(t *testing.T) {
	active, old := newPEM(t), newPEM(t)
	k := ring(t, active, old)
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(k.JWKS(), &set); err != nil {
		t.Fatalf("JWKS() is not JSON: %v", err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("JWKS() has %d keys, want 2 (active and rotated-out)", len(set.Keys))
	}
	want := []string{ring(t, active).ActiveKid(), ring(t, old).ActiveKid()}
	for i, j := range set.Keys {
		if j["kid"] != want[i] {
			t.Errorf("key %d kid = %s, want %s (active first)", i, j["kid"], want[i])
		}
		for name, v := range map[string]string{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig"} {
			if j[name] != v {
				t.Errorf("key %d %s = %q, want %q", i, name, j[name], v)
			}
		}
		if x, err := base64.RawURLEncoding.DecodeString(j["x"]); err != nil || len(x) != ed25519.PublicKeySize {
			t.Errorf("key %d x = %q, want 32 bytes base64url", i, j["x"])
		}
		if _, ok := j["d"]; ok {
			t.Errorf("key %d publishes its private part", i)
		}
	}
	if one, ok := k.JWK(want[1]); !ok || !strings.Contains(string(one), want[1]) {
		t.Errorf("JWK(old kid) = %s, %v", one, ok)
	}
	if _, ok := k.JWK("nope"); ok {
		t.Errorf("JWK(unknown) found a key")
	}
}

func TestGenerateMakesDistinctKeys(t *testing.T) {
	a, b := ring(t, newPEM(t)), ring(t, newPEM(t))
	if a.ActiveKid() == b.ActiveKid() {
		t.Errorf("two Generate() calls gave the same key")
	}
}
