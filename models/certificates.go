package models

import "time"

// Certificate is one issued certificate. Everything it certifies (names,
// profession, course title, hours, dates) is frozen at issuance: a later
// change to the account or the course never alters what was certified.
// Nothing is deleted: revocation and correction (supersede) only add facts.
type Certificate struct {
	ID            int64 `gorm:"primaryKey"`
	Code          string
	CourseID      int64
	UserID        *int64 // nil for a named person without an account (in-person session)
	HolderName    string
	HolderNameAr  string
	Profession    string
	Locale        string
	CourseTitle   string // in the course's default language
	CourseTitles  string // JSON object lang -> title, frozen at issuance
	Issuer        string // JSON of the issuer's names and signatory at issuance, so the PDF regenerates identically
	Hours         float64
	IssuedAt      time.Time
	ExpiresAt     *time.Time
	IssuedBy      *int64 // the trainer or admin who issued it; nil when earned online
	RevokedAt     *time.Time
	RevokedBy     *int64
	RevokedReason string
	SupersededBy  *string // code of the certificate that replaces this one
	StatusIndex   int     // position in the Bitstring Status List
	Kid           string  // key that signed Credential
	Credential    string  // compact JWS (vc+jwt)
	// CredentialLD is the same credential as JSON-LD with a Data Integrity
	// proof (eddsa-rdfc-2022, issuer a DID); empty for certificates issued
	// before it existed, which get one signed on demand.
	CredentialLD string `gorm:"column:credential_ld"`
	PDFSHA256    string `gorm:"column:pdf_sha256"`
	CreatedAt    time.Time
}

// Status values of a certificate, as verification reports them.
const (
	CertValid      = "valid"
	CertExpired    = "expired"
	CertRevoked    = "revoked"
	CertSuperseded = "superseded"
)

// Status is the certificate's standing at now: revoked and superseded are
// final; otherwise it is expired past its end date, else valid.
func (c Certificate) Status(now time.Time) string {
	switch {
	case c.RevokedAt != nil:
		return CertRevoked
	case c.SupersededBy != nil:
		return CertSuperseded
	case c.ExpiresAt != nil && !now.Before(*c.ExpiresAt):
		return CertExpired
	}
	return CertValid
}
