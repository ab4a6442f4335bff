package certs

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"tadrib/certs/credential"
	"tadrib/models"
)

// The Open Badges 3.0 credential with a Data Integrity proof (issue 12): signed
// at issuance and stored, downloadable by whoever has the code under the
// verification route's rules, issued by the did:key of the active key when
// the base URL is no public https address (here http://tadrib.test).
func TestDataIntegrityCredentialDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia Tazi", "نادية التازي")
	e.course(t, "traite-101", nil, u)
	j := e.claimed(t, u, "traite-101")

	r := e.Anonymous().Get("/verify/"+strings.ToLower(j.Code)+".json").Want(t, http.StatusOK)
	for h, want := range map[string]string{
		"Content-Type":        credential.MediaType,
		"Content-Disposition": `attachment; filename="certificate-` + j.Code + `.json"`,
		"Referrer-Policy":     "no-referrer",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var stored models.Certificate
	if err := e.DB.R.Where("code = ?", j.Code).Take(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored.CredentialLD == "" || r.Body != stored.CredentialLD {
		t.Errorf("the download is not the credential stored at issuance:\n%s\n---\n%s", r.Body, stored.CredentialLD)
	}
	vm, err := e.keys.VerifyDataIntegrity([]byte(r.Body), e.svc.id)
	if err != nil {
		t.Fatalf("the keyring refuses the served credential: %v\n%s", err, r.Body)
	}
	var c struct {
		Type   []string
		Issuer struct{ ID, Name, URL string }
		Proof  credential.Proof
	}
	r.JSON(t, &c)
	if !strings.HasPrefix(c.Issuer.ID, "did:key:z6Mk") || vm != c.Issuer.ID+"#"+strings.TrimPrefix(c.Issuer.ID, "did:key:") {
		t.Errorf("issuer %q, verification method %q: want the active key's did:key", c.Issuer.ID, vm)
	}
	if c.Issuer.Name != testIssuer.Name || c.Issuer.URL != testBaseURL {
		t.Errorf("issuer profile %+v", c.Issuer)
	}
	if c.Proof.Cryptosuite != "eddsa-rdfc-2022" || c.Proof.ProofPurpose != "assertionMethod" || c.Proof.Created != "2026-03-02T09:00:00Z" {
		t.Errorf("proof %+v", c.Proof)
	}
	for _, want := range []string{"Nadia Tazi", "نادية التازي", `"OpenBadgeCredential"`, testBaseURL + "/verify/" + j.Code} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the credential lacks %s", want)
		}
	}

	// Unknown and malformed codes are not found; there is no did:web.
	e.Anonymous().Get("/verify/"+strings.Repeat("A", len(j.Code))+".json").Want(t, http.StatusNotFound)
	e.Anonymous().Get("/verify/nope.json").Want(t, http.StatusNotFound)
	e.Anonymous().Get("/.well-known/did.json").Want(t, http.StatusNotFound)
	// The verification page still answers for the code itself.
	verifyJSON(e, j.Code).Want(t, http.StatusOK)

	// A certificate issued before these credentials existed gets one signed
	// from its frozen facts: the same one, as Ed25519 is deterministic.
	v := e.trainee(t, "Omar Alaoui", "")
	e.course(t, "traite-102", nil, v)
	old := e.claimed(t, v, "traite-102")
	var was string
	if err := e.DB.R.Model(&models.Certificate{}).Where("code = ?", old.Code).Pluck("credential_ld", &was).Error; err != nil || was == "" {
		t.Fatalf("no stored credential (%v)", err)
	}
	if err := e.DB.W.Model(&models.Certificate{}).Where("code = ?", old.Code).Update("credential_ld", "").Error; err != nil {
		t.Fatal(err)
	}
	r = e.Anonymous().Get("/verify/"+old.Code+".json").Want(t, http.StatusOK)
	if _, err := e.keys.VerifyDataIntegrity([]byte(r.Body), e.svc.id); err != nil {
		t.Errorf("the credential signed on demand does not verify: %v", err)
	}
	if r.Body != was {
		t.Errorf("signed on demand:\n%s\nwant the one signed at issuance:\n%s", r.Body, was)
	}
}

// With a public https base URL the issuer is did:web, and
// /.well-known/did.json lists the keys as Multikey verification methods.
func TestDataIntegrityDIDWeb(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.svc.id, e.svc.idWhy = credential.NewIdentity("https://tadrib.example/")
	if e.svc.id.Web != "did:web:tadrib.example" {
		t.Fatalf("identity %+v (%s)", e.svc.id, e.svc.idWhy)
	}
	u := e.trainee(t, "Nadia Tazi", "")
	e.course(t, "traite-101", nil, u)
	j := e.claimed(t, u, "traite-101")

	r := e.Anonymous().Get("/.well-known/did.json").Want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/did+json" {
		t.Errorf("did.json Content-Type %q", ct)
	}
	var doc struct {
		ID                 string
		VerificationMethod []struct{ ID, Type, Controller, PublicKeyMultibase string }
		AssertionMethod    []string
	}
	r.JSON(t, &doc)
	if doc.ID != "did:web:tadrib.example" || len(doc.VerificationMethod) != 1 || len(doc.AssertionMethod) != 1 {
		t.Fatalf("did.json %s", r.Body)
	}
	m := doc.VerificationMethod[0]
	if m.Type != "Multikey" || m.Controller != doc.ID || !strings.HasPrefix(m.PublicKeyMultibase, "z6Mk") ||
		m.ID != doc.ID+"#"+m.PublicKeyMultibase || doc.AssertionMethod[0] != m.ID {
		t.Errorf("verification method %+v", m)
	}

	cred := e.Anonymous().Get("/verify/"+j.Code+".json").Want(t, http.StatusOK)
	var c struct {
		Issuer struct{ ID string }
		Proof  credential.Proof
	}
	if err := json.Unmarshal([]byte(cred.Body), &c); err != nil {
		t.Fatal(err)
	}
	if c.Issuer.ID != doc.ID || c.Proof.VerificationMethod != m.ID {
		t.Errorf("issuer %q signed by %q, want %q by %q", c.Issuer.ID, c.Proof.VerificationMethod, doc.ID, m.ID)
	}
	if _, err := e.keys.VerifyDataIntegrity([]byte(cred.Body), e.svc.id); err != nil {
		t.Errorf("VerifyDataIntegrity: %v", err)
	}
}
