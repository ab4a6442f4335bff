// Package certs issues, stores, verifies and revokes Tadrib's certificates:
// eligibility (every lesson done, every module quiz passed), issuance online
// and for in-person sessions, unguessable codes, the signed credential and the
// PDF (through certs/credential and certs/pdf), public verification by URL,
// the status list for third parties, revocation and correction (supersede).
//
// It depends on courses and quiz; neither depends on it. Courses learns a
// user's certificate codes through its CertificateCodes interface, which
// Codes satisfies.
package certs

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/certs/credential"
	"tadrib/certs/pdf"
	"tadrib/courses"
	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// Sentinel errors of the service. Each carries the status and message the
// client gets; handlers return them as they are (see web.Error). A
// certificate the viewer may not manage is not found to them (SECURITY.md C3).
var (
	ErrNotFound   = web.Sentinel("certs: not found", fiber.StatusNotFound, "err.not_found")
	ErrNotAllowed = web.Sentinel("certs: not allowed", fiber.StatusNotFound, "err.not_found")
	ErrFinal      = web.Sentinel("certs: certificate already revoked or superseded", fiber.StatusConflict, "certs.err.final")
)

// Issuer names who issues certificates (from configuration).
type Issuer struct {
	Name           string `json:"name"`
	NameAr         string `json:"name_ar,omitempty"`
	Signatory      string `json:"signatory,omitempty"`
	SignatoryTitle string `json:"signatory_title,omitempty"`
	// LogoSHA256 names the logo (kept in issuer_logos) that certificates
	// issued under this issuer print, so that a new logo in the
	// configuration changes no PDF already issued.
	LogoSHA256 string `json:"logo_sha256,omitempty"`
	Logo       []byte `json:"-"`
}

// Courses is what certificates ask of courses: a course as the holder sees
// it, and the holder's progress. *courses.Service satisfies it.
type Courses interface {
	Course(ctx context.Context, slug string, viewer *models.User, lang string) (courses.CourseDetail, error)
	MyProgress(ctx context.Context, user models.User, lang string) ([]courses.ProgressItem, error)
}

// Service is the certificate service.
type Service struct {
	db      *db.DB
	courses Courses
	keys    *credential.Keyring
	pdf     *pdf.Renderer
	issuer  Issuer
	baseURL string // absolute, without a trailing slash
	id      credential.Identity
	idWhy   string
	Now     func() time.Time

	statusList  statusListCache
	verifyCache verifyCache // rows of verified codes (verify_cache.go)
	rmu         sync.Mutex
	renderers   map[string]*pdf.Renderer
}

// NewService builds the certificate service on d: keys sign credentials,
// r draws the PDF, issuer is printed on certificates, and baseURL (absolute)
// starts the addresses they carry.
func NewService(d *db.DB, cs Courses, keys *credential.Keyring, r *pdf.Renderer, issuer Issuer, baseURL string) *Service {
	baseURL = strings.TrimSuffix(baseURL, "/")
	id, why := credential.NewIdentity(baseURL)
	return &Service{db: d, courses: cs, keys: keys, pdf: r, issuer: issuer, baseURL: baseURL, id: id, idWhy: why}
}

// IssuerIdentity says which DID issues the Data Integrity credentials and
// why (for the start-up log): did:web for a public https base URL, else the
// did:key of the active key.
func (s *Service) IssuerIdentity() (did, why string) { return s.keys.DID(s.id), s.idWhy }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// VerifyURL is the page a certificate's holder shares: /verify/{code}.
func (s *Service) VerifyURL(code string) string { return s.baseURL + "/verify/" + code }

// ShortURL is what the PDF prints and its QR code encodes: /v/{code}, the
// same page under a shorter path (a smaller QR code, a shorter line to type).
func (s *Service) ShortURL(code string) string { return s.baseURL + "/v/" + code }

// PDFURL is where the holder, and staff, download the PDF.
func (s *Service) PDFURL(code string) string {
	return s.baseURL + "/api/v1/certificates/" + code + "/pdf"
}

// StatusListURL is the Bitstring Status List credential every credential
// points to.
func (s *Service) StatusListURL() string { return s.baseURL + "/credentials/status/1" }

// Ref names a course in a certificate.
type Ref struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Holder is the certified person's names as printed.
type Holder struct {
	Name   string `json:"name"`
	NameAr string `json:"name_ar"`
}

// JSON is a certificate as the API returns it to its holder and to staff.
type JSON struct {
	Code          string     `json:"code"`
	CodeGrouped   string     `json:"code_grouped"`
	Course        Ref        `json:"course"`
	Holder        Holder     `json:"holder"`
	Profession    string     `json:"profession"`
	Hours         float64    `json:"hours"`
	IssuedAt      time.Time  `json:"issued_at"`
	ExpiresAt     *time.Time `json:"expires_at"`
	Status        string     `json:"status"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
	SupersededBy  *string    `json:"superseded_by,omitempty"`
	VerifyURL     string     `json:"verify_url"`
	PDFURL        string     `json:"pdf_url"`
	PDFSHA256     string     `json:"pdf_sha256"`
	HasAccount    bool       `json:"has_account"`
}

// row is a certificate with its course's slug.
type row struct {
	models.Certificate
	Slug string
}

// titles decodes the frozen course titles.
func (r row) titles() map[string]string {
	m := map[string]string{}
	_ = json.Unmarshal([]byte(r.CourseTitles), &m)
	return m
}

// title is the course title in lang, else the one frozen in the course's
// default language.
func (r row) title(lang string) string {
	if t := r.titles()[lang]; t != "" {
		return t
	}
	return r.CourseTitle
}

func (r row) issuer() Issuer {
	var is Issuer
	_ = json.Unmarshal([]byte(r.Issuer), &is)
	return is
}

func (s *Service) toJSON(r row, lang string) JSON {
	return JSON{
		Code: r.Code, CodeGrouped: Group(r.Code), Course: Ref{Slug: r.Slug, Title: r.title(lang)},
		Holder: Holder{Name: r.HolderName, NameAr: r.HolderNameAr}, Profession: r.Profession, Hours: r.Hours,
		IssuedAt: r.IssuedAt.UTC(), ExpiresAt: utcPtr(r.ExpiresAt), Status: r.Status(s.now()),
		RevokedAt: utcPtr(r.RevokedAt), RevokedReason: r.RevokedReason, SupersededBy: r.SupersededBy,
		VerifyURL: s.VerifyURL(r.Code), PDFURL: s.PDFURL(r.Code), PDFSHA256: r.PDFSHA256, HasAccount: r.UserID != nil,
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// isStaff reports whether u is a trainer or an admin.
func isStaff(u models.User) bool {
	return u.Role == models.RoleTrainer || u.Role == models.RoleAdmin
}

// canManage reports whether u may revoke, reissue and issue certificates of
// course c: admins for every course, trainers for the courses they author
// (the same rule as editing the course).
func canManage(u models.User, c models.Course) bool {
	return u.Role == models.RoleAdmin || (u.Role == models.RoleTrainer && c.CreatedBy != nil && *c.CreatedBy == u.ID)
}

// oneLine trims s and folds any run of whitespace (newlines included) into a
// single space: names end up in a PDF line and in logs.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
