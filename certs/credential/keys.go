package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// Keyring holds the signing key and older public keys still published.
// keys[0] is the active key; the others only verify and appear in the JWKS.
type Keyring struct {
	signer ed25519.PrivateKey
	keys   []publicKey
}

type publicKey struct {
	kid string
	pub ed25519.PublicKey
}

// jwk is an Ed25519 public key as RFC 8037 writes it. alg is EdDSA because
// npm jose refuses a JWK whose alg differs from the token's: its JWKS key
// selection keeps a key with an "alg" member only when it equals the JOSE
// header's alg (panva/jose src/jwks/local.ts, "filter keys based on the
// key's declared Algorithm"). TestIndependentVerificationJose verifies our
// tokens with jose against this JWKS.
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// Generate returns a new Ed25519 private key as PKCS#8 PEM (for `tadrib keygen`).
func Generate() ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("credential: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("credential: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseKeyring reads a PEM bundle: the first PRIVATE KEY block is the active
// signing key; further PRIVATE KEY or PUBLIC KEY blocks are older keys, kept
// only to publish in the JWKS (rotation). A key listed twice is kept once.
// The Keyring is never modified afterwards, so it is safe for concurrent use.
func ParseKeyring(pemData []byte) (*Keyring, error) {
	k := &Keyring{}
	rest := pemData
	// A PEM put in one environment variable often arrives with its line
	// breaks written as the two characters \n (docker --env-file, CI secrets).
	if !bytes.ContainsRune(rest, '\n') && bytes.Contains(rest, []byte(`\n`)) {
		rest = bytes.ReplaceAll(rest, []byte(`\n`), []byte("\n"))
	}
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		var pub ed25519.PublicKey
		switch block.Type {
		case "PRIVATE KEY":
			key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("credential: PEM block %d: not a PKCS#8 private key: %w", n, err)
			}
			priv, ok := key.(ed25519.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("credential: PEM block %d: %T is not an Ed25519 key (make one with `tadrib keygen`)", n, key)
			}
			if k.signer == nil {
				k.signer = priv
			}
			pub = priv.Public().(ed25519.PublicKey)
		case "PUBLIC KEY":
			if n == 1 {
				return nil, errors.New("credential: the first PEM block must be the active PRIVATE KEY, found a PUBLIC KEY")
			}
			key, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("credential: PEM block %d: not a public key: %w", n, err)
			}
			var ok bool
			if pub, ok = key.(ed25519.PublicKey); !ok {
				return nil, fmt.Errorf("credential: PEM block %d: %T is not an Ed25519 key", n, key)
			}
		default:
			return nil, fmt.Errorf("credential: PEM block %d: type %q, want PRIVATE KEY (PKCS#8 Ed25519) or PUBLIC KEY", n, block.Type)
		}
		kid := Thumbprint(pub)
		if !k.has(kid) {
			k.keys = append(k.keys, publicKey{kid: kid, pub: pub})
		}
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("credential: key bundle holds text that is not a PEM block")
	}
	if k.signer == nil {
		return nil, errors.New("credential: key bundle is empty: no PRIVATE KEY block (make one with `tadrib keygen`)")
	}
	return k, nil
}

func (k *Keyring) has(kid string) bool {
	_, ok := k.key(kid)
	return ok
}

func (k *Keyring) key(kid string) (ed25519.PublicKey, bool) {
	for _, p := range k.keys {
		if p.kid == kid {
			return p.pub, true
		}
	}
	return nil, false
}

// ActiveKid is the kid of the signing key: its RFC 7638 JWK thumbprint
// (base64url SHA-256), so the same key always has the same kid.
func (k *Keyring) ActiveKid() string { return k.keys[0].kid }

// Kids lists every published kid, the active one first.
func (k *Keyring) Kids() []string {
	kids := make([]string, len(k.keys))
	for i, p := range k.keys {
		kids[i] = p.kid
	}
	return kids
}

// JWKS is the JSON Web Key Set to serve at /.well-known/jwks.json: the
// active key first, then the older ones, which must stay published as long
// as credentials signed with them are valid (certificates live decades).
func (k *Keyring) JWKS() []byte {
	set := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, len(k.keys))}
	for i, p := range k.keys {
		set.Keys[i] = toJWK(p)
	}
	b, _ := json.Marshal(set) // strings only: cannot fail
	return b
}

// JWK is the single public key named kid, for a /keys/{kid} URL, and false
// when the ring has no such key.
func (k *Keyring) JWK(kid string) ([]byte, bool) {
	for _, p := range k.keys {
		if p.kid == kid {
			b, _ := json.Marshal(toJWK(p))
			return b, true
		}
	}
	return nil, false
}

// PublicKeyPEM is the active public key as PKIX PEM, for tools such as
// `openssl pkeyutl -verify`.
func (k *Keyring) PublicKeyPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(k.keys[0].pub) // Ed25519 always marshals
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func toJWK(p publicKey) jwk {
	return jwk{Kty: "OKP", Crv: "Ed25519", X: b64(p.pub), Kid: p.kid, Alg: "EdDSA", Use: "sig"}
}

// Thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 public key: the
// SHA-256 of the required members in lexicographic order, no whitespace
// (RFC 8037 §2 lists crv, kty, x for OKP keys).
func Thumbprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64(pub) + `"}`))
	return b64(sum[:])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
