package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mr-tron/base58"
	"github.com/piprate/json-gold/ld"
)

// Data Integrity: the same OpenBadgeCredential as the JWS, secured instead
// by an embedded proof that wallets and verifiers of the Digital
// Credentials Consortium and 1EdTech accept (issue 12). The cryptosuite is
// eddsa-rdfc-2022 as W3C "Data Integrity EdDSA Cryptosuites v1.0" §3.2
// defines it:
//  1. transformation: RDFC-1.0 canonical N-Quads of the credential without
//     its proof;
//  2. proof configuration: the proof's options (type, cryptosuite, created,
//     verificationMethod, proofPurpose) without proofValue, with the
//     credential's @context, canonicalized the same way;
//  3. hashing: SHA-256(proof configuration) || SHA-256(credential), 64 bytes;
//  4. serialization: Ed25519 signature of those bytes, multibase base58btc
//     ("z" prefix) in proofValue.
//
// RDFC-1.0 is github.com/piprate/json-gold's URDNA2015 (the W3C
// Recommendation standardised that algorithm under the new name; the
// output is the same).
const (
	ProofType    = "DataIntegrityProof"
	Cryptosuite  = "eddsa-rdfc-2022"
	ProofPurpose = "assertionMethod"
	multibaseBTC = 'z'
	// MediaType is VC Data Model 2.0's media type of a credential secured
	// by an embedded proof (§6.3, "application/vc").
	MediaType = "application/vc"
)

// Proof is an embedded DataIntegrityProof.
type Proof struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// diCredential is the credential with its proof. The localisations of the
// JWS are left out: localizationData is in neither context (VC DM 2.0 has
// no @vocab any more), so RDFC-1.0 would drop it and leave it unsigned;
// safe-mode verifiers refuse such a document outright.
type diCredential struct {
	vcBody
	Proof *Proof `json:"proof,omitempty"`
}

// canonicalizer runs RDFC-1.0 over JSON documents, reading contexts only
// from the binary.
type canonicalizer struct {
	proc  *ld.JsonLdProcessor
	toRDF *ld.JsonLdOptions // JSON-LD to an RDF dataset
	norm  *ld.JsonLdOptions // the dataset to canonical N-Quads
}

var canon = func() *canonicalizer {
	l, err := newEmbeddedLoader()
	if err != nil {
		panic(err) // the files are embedded at build time: a test catches this
	}
	toRDF := ld.NewJsonLdOptions("")
	toRDF.ProcessingMode = ld.JsonLd_1_1
	toRDF.DocumentLoader = l
	// Safe mode: a term the contexts do not define is an error rather
	// than silently left out of what is signed (as Digital Bazaar's
	// verifiers do).
	toRDF.SafeMode = true
	norm := ld.NewJsonLdOptions("")
	norm.Algorithm = ld.AlgorithmURDNA2015
	norm.Format = "application/n-quads"
	return &canonicalizer{proc: ld.NewJsonLdProcessor(), toRDF: toRDF, norm: norm}
}()

// canonical returns the RDFC-1.0 N-Quads of a JSON document. It does what
// json-gold's JsonLdProcessor.Normalize does (ToRDF, then URDNA2015), in
// two steps because Normalize does not pass SafeMode on to ToRDF.
func (c *canonicalizer) canonical(doc []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("credential: canonicalize: %w", err)
	}
	ds, err := c.proc.ToRDF(v, c.toRDF)
	if err != nil {
		return nil, fmt.Errorf("credential: canonicalize: %w", err)
	}
	dataset, ok := ds.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("credential: canonicalize: got %T, want an RDF dataset", ds)
	}
	out, err := ld.NewJsonLdApi().Normalize(dataset, c.norm.Copy())
	if err != nil {
		return nil, fmt.Errorf("credential: canonicalize: %w", err)
	}
	s, ok := out.(string)
	if !ok {
		return nil, fmt.Errorf("credential: canonicalize: got %T, want N-Quads", out)
	}
	if s == "" {
		return nil, errors.New("credential: canonicalize: the document states nothing")
	}
	return []byte(s), nil
}

// hashData is step 3 of the cryptosuite: SHA-256 of the canonical proof
// configuration, then SHA-256 of the canonical document.
func hashData(context []string, p Proof, doc []byte) ([]byte, error) {
	p.ProofValue = ""
	cfg, err := json.Marshal(struct {
		Context []string `json:"@context"`
		Proof
	}{context, p})
	if err != nil {
		return nil, err
	}
	cfgCanon, err := canon.canonical(cfg)
	if err != nil {
		return nil, err
	}
	docCanon, err := canon.canonical(doc)
	if err != nil {
		return nil, err
	}
	h1, h2 := sha256.Sum256(cfgCanon), sha256.Sum256(docCanon)
	return append(h1[:], h2[:]...), nil
}

// SignDataIntegrity returns the achievement as an OpenBadgeCredential
// (JSON-LD) with an eddsa-rdfc-2022 DataIntegrityProof by the active key.
// The issuer is id's DID, its profile names the issuer and links to url.
// created is the issue date, and Ed25519 signatures are deterministic, so
// the same achievement, identity and key give the same bytes.
func (k *Keyring) SignDataIntegrity(a Achievement, id Identity) ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	issuer := k.DID(id)
	cred := diCredential{vcBody: a.body(profile{ID: issuer, Type: []string{"Profile"}, Name: a.IssuerName, URL: id.URL})}
	doc, err := json.Marshal(cred)
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	p := Proof{
		Type: ProofType, Cryptosuite: Cryptosuite, ProofPurpose: ProofPurpose,
		Created:            a.IssuedAt.UTC().Truncate(time.Second).Format(time.RFC3339),
		VerificationMethod: issuer + "#" + Multikey(k.keys[0].pub),
	}
	data, err := hashData(cred.Context, p, doc)
	if err != nil {
		return nil, err
	}
	p.ProofValue = string(multibaseBTC) + base58.Encode(ed25519.Sign(k.signer, data))
	cred.Proof = &p
	return json.MarshalIndent(cred, "", "  ")
}

// VerifyDataIntegrity checks the eddsa-rdfc-2022 proof of a credential
// issued by id with one of the ring's keys (the current one or an older
// one) and returns the credential's verification method. It is our own
// check; the tests also verify with Digital Bazaar's libraries.
func (k *Keyring) VerifyDataIntegrity(doc []byte, id Identity) (string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(doc, &raw); err != nil {
		return "", fmt.Errorf("credential: not a JSON object: %w", err)
	}
	var p Proof
	if err := json.Unmarshal(raw["proof"], &p); err != nil {
		return "", errors.New("credential: no proof")
	}
	var issuer struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw["issuer"], &issuer); err != nil || issuer.ID != k.controller(p.VerificationMethod) {
		return "", fmt.Errorf("credential: the issuer is not the controller of %q", p.VerificationMethod)
	}
	var ctx []string
	if err := json.Unmarshal(raw["@context"], &ctx); err != nil {
		return "", errors.New("credential: @context is not a list of URLs")
	}
	if p.Type != ProofType || p.Cryptosuite != Cryptosuite || p.ProofPurpose != ProofPurpose {
		return "", fmt.Errorf("credential: proof %s/%s/%s, want %s/%s/%s", p.Type, p.Cryptosuite, p.ProofPurpose, ProofType, Cryptosuite, ProofPurpose)
	}
	pub, ok := k.resolve(p.VerificationMethod, id)
	if !ok {
		return "", fmt.Errorf("credential: verification method %q is not one of the issuer's keys", p.VerificationMethod)
	}
	if len(p.ProofValue) < 2 || p.ProofValue[0] != multibaseBTC {
		return "", errors.New("credential: proofValue is not multibase base58btc")
	}
	sig, err := base58.Decode(p.ProofValue[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "", errors.New("credential: proofValue is not an Ed25519 signature")
	}
	delete(raw, "proof")
	unsecured, err := json.Marshal(raw)
	if err != nil {
		return "", err
	}
	data, err := hashData(ctx, p, unsecured)
	if err != nil {
		return "", err
	}
	if !ed25519.Verify(pub, data, sig) {
		return "", errors.New("credential: the proof does not match the credential")
	}
	return p.VerificationMethod, nil
}
