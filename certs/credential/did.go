package credential

import (
	"crypto/ed25519"
	"encoding/json"
	"net"
	"net/url"
	"strings"

	"github.com/mr-tron/base58"
)

// Identity is who issues Data Integrity credentials: a did:web derived from
// the platform's public HTTPS address, whose DID document
// (/.well-known/did.json) lists every key of the ring; or, where there is
// no such address (local trials, tests), the did:key of the active key,
// which resolves from the identifier alone.
type Identity struct {
	Web string // "did:web:…", empty for did:key
	URL string // the platform's address, named in the issuer profile
}

// NewIdentity chooses the issuer's DID from the platform's base URL: did:web
// for a public https URL without a path, did:key otherwise. why says, in
// words for the log, why it was chosen.
func NewIdentity(baseURL string) (id Identity, why string) {
	baseURL = strings.TrimSuffix(baseURL, "/")
	id.URL = baseURL
	u, err := url.Parse(baseURL)
	switch {
	case err != nil || u.Host == "":
		return id, "TADRIB_BASE_URL is not an absolute URL"
	case u.Scheme != "https":
		return id, "TADRIB_BASE_URL is not https, so no did:web can be resolved"
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		return id, "TADRIB_BASE_URL has a path; did:web is served only at the root of a host"
	}
	host := u.Hostname()
	if h := strings.ToLower(host); h == "localhost" || strings.HasSuffix(h, ".localhost") || !strings.Contains(h, ".") {
		return id, "TADRIB_BASE_URL names a local host"
	}
	if net.ParseIP(host) != nil {
		return id, "TADRIB_BASE_URL is an IP address; did:web needs a domain name"
	}
	id.Web = "did:web:" + strings.ToLower(host)
	if p := u.Port(); p != "" {
		id.Web += "%3A" + p // did:web percent-encodes the port's colon
	}
	return id, "a public https address: DID document at " + baseURL + "/.well-known/did.json"
}

// Multikey is the multibase form of an Ed25519 public key (W3C Controlled
// Identifiers, Multikey): "z" + base58btc of the multicodec prefix 0xed 0x01
// and the 32 key bytes. It starts with z6Mk.
func Multikey(pub ed25519.PublicKey) string {
	return string(multibaseBTC) + base58.Encode(append([]byte{0xed, 0x01}, pub...))
}

// DIDKey is the did:key of an Ed25519 public key.
func DIDKey(pub ed25519.PublicKey) string { return "did:key:" + Multikey(pub) }

// DID is the issuer's DID under id: the did:web, or the active key's did:key.
func (k *Keyring) DID(id Identity) string {
	if id.Web != "" {
		return id.Web
	}
	return DIDKey(k.keys[0].pub)
}

// resolve returns the key a verification method names, if it is one of the
// ring's keys under id: did:web#multikey for any key of the ring, or a
// did:key#multikey of one of them.
func (k *Keyring) resolve(vm string, id Identity) (ed25519.PublicKey, bool) {
	did, frag, ok := strings.Cut(vm, "#")
	if !ok {
		return nil, false
	}
	for _, p := range k.keys {
		mk := Multikey(p.pub)
		if frag != mk {
			continue
		}
		if (id.Web != "" && did == id.Web) || (id.Web == "" && did == "did:key:"+mk) {
			return p.pub, true
		}
	}
	return nil, false
}

// controller is the DID part of a verification method id.
func (k *Keyring) controller(vm string) string {
	did, _, _ := strings.Cut(vm, "#")
	return did
}

// DIDDocument is the did:web document to serve at /.well-known/did.json:
// every key of the ring (the active one first, then the older ones, which
// stay as long as credentials they signed are valid, as in the JWKS) as a
// Multikey verification method, each allowed for assertionMethod. False
// under did:key, which has no document to serve.
func (k *Keyring) DIDDocument(id Identity) ([]byte, bool) {
	if id.Web == "" {
		return nil, false
	}
	type method struct {
		ID                 string `json:"id"`
		Type               string `json:"type"`
		Controller         string `json:"controller"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
	}
	doc := struct {
		Context            []string `json:"@context"`
		ID                 string   `json:"id"`
		VerificationMethod []method `json:"verificationMethod"`
		AssertionMethod    []string `json:"assertionMethod"`
	}{Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}, ID: id.Web}
	for _, p := range k.keys {
		mk := Multikey(p.pub)
		doc.VerificationMethod = append(doc.VerificationMethod, method{
			ID: id.Web + "#" + mk, Type: "Multikey", Controller: id.Web, PublicKeyMultibase: mk,
		})
		doc.AssertionMethod = append(doc.AssertionMethod, id.Web+"#"+mk)
	}
	b, _ := json.MarshalIndent(doc, "", "  ") // strings only: cannot fail
	return b, true
}
