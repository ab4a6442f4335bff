package certs

import (
	"context"
	"fmt"
	"sync"
	"time"

	"tadrib/models"
)

// Verification is what anyone may learn of a certificate from its code
// (openapi.json: verify, schema Verification): the certified facts and
// their standing, and nothing else — no email, no profession, no score, no
// internal id (SECURITY.md C6).
type Verification struct {
	Code          string     `json:"code"`
	CodeGrouped   string     `json:"code_grouped"`
	Status        string     `json:"status"`
	Holder        Holder     `json:"holder"`
	Course        VCourse    `json:"course"`
	IssuedAt      time.Time  `json:"issued_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	Issuer        VIssuer    `json:"issuer"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason *string    `json:"revoked_reason,omitempty"`
	SupersededBy  *string    `json:"superseded_by,omitempty"`
	PDFSHA256     string     `json:"pdf_sha256"`
	Credential    string     `json:"credential"`
	VerifyURL     string     `json:"verify_url"`
}

// VCourse is the certified course.
type VCourse struct {
	Title string  `json:"title"`
	Hours float64 `json:"hours"`
}

// VIssuer is who issued the certificate.
type VIssuer struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameAr string `json:"name_ar,omitempty"`
}

// Verify looks a code up for the public. ErrNotFound when it is malformed or
// unknown: the two are indistinguishable (SECURITY.md C1).
func (s *Service) Verify(ctx context.Context, code, lang string) (Verification, error) {
	norm, ok := Normalize(code)
	if !ok {
		return Verification{}, ErrNotFound
	}
	r, err := s.verified(ctx, norm)
	if err != nil {
		return Verification{}, err
	}
	is := r.issuer()
	if is.Name == "" {
		is = s.issuer
	}
	v := Verification{
		Code: r.Code, CodeGrouped: Group(r.Code), Status: r.Status(s.now()),
		Holder: Holder{Name: r.HolderName, NameAr: r.HolderNameAr}, Course: VCourse{Title: r.title(lang), Hours: r.Hours},
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: utcPtr(r.ExpiresAt), Issuer: VIssuer{ID: s.baseURL, Name: is.Name, NameAr: is.NameAr},
		PDFSHA256: r.PDFSHA256, Credential: r.Credential, VerifyURL: s.VerifyURL(r.Code),
	}
	if r.RevokedAt != nil {
		reason := r.RevokedReason
		v.RevokedAt, v.RevokedReason = utcPtr(r.RevokedAt), &reason
	}
	v.SupersededBy = r.SupersededBy
	return v, nil
}

// statusListCache keeps the signed status list for a short while: third
// parties poll it, and it changes only on revocation (which resets it).
type statusListCache struct {
	mu  sync.Mutex
	jws string
	at  time.Time
}

func (c *statusListCache) reset() {
	c.mu.Lock()
	c.jws = ""
	c.mu.Unlock()
}

// statusListTTL is how long a signed list is served before being signed again.
const statusListTTL = time.Minute

// StatusList returns the signed Bitstring Status List credential: the bits
// of revoked and superseded certificates set.
func (s *Service) StatusList(ctx context.Context) (string, error) {
	s.statusList.mu.Lock()
	defer s.statusList.mu.Unlock()
	now := s.now()
	if s.statusList.jws != "" && now.Sub(s.statusList.at) < statusListTTL {
		return s.statusList.jws, nil
	}
	var idx []int
	err := s.db.R.WithContext(ctx).Model(&models.Certificate{}).
		Where("revoked_at IS NOT NULL OR superseded_by IS NOT NULL").Order("status_index").Pluck("status_index", &idx).Error
	if err != nil {
		return "", fmt.Errorf("certs: status list: %w", err)
	}
	jws, err := s.keys.SignStatusList(s.StatusListURL(), s.baseURL, idx, now.Truncate(time.Second))
	if err != nil {
		return "", err
	}
	s.statusList.jws, s.statusList.at = jws, now
	return jws, nil
}

// CredentialLD returns the certificate's Open Badges 3.0 credential with its
// Data Integrity proof, to whoever holds the code (the verification answer
// already carries the JWS of the same facts), whatever its standing: a
// verifier learns of a revocation from the status list. A certificate issued
// before these credentials existed gets one signed now from its frozen
// facts, by the active key.
func (s *Service) CredentialLD(ctx context.Context, code string) ([]byte, string, error) {
	norm, ok := Normalize(code)
	if !ok {
		return nil, "", ErrNotFound
	}
	r, err := s.verified(ctx, norm)
	if err != nil {
		return nil, "", err
	}
	if r.CredentialLD != "" {
		return []byte(r.CredentialLD), r.Code, nil
	}
	b, err := s.keys.SignDataIntegrity(s.achievement(r), s.id)
	return b, r.Code, err
}

// DIDDocument is the did:web document (/.well-known/did.json), false under did:key.
func (s *Service) DIDDocument() ([]byte, bool) { return s.keys.DIDDocument(s.id) }
