// Package pdf renders one certificate as an A4 landscape PDF with
// codeberg.org/go-pdf/fpdf (the maintained continuation of the archived
// github.com/go-pdf/fpdf). fpdf neither shapes Arabic nor orders it right to
// left, so every Arabic string goes through package certs/rtl first.
package pdf

import (
	"bytes"
	"fmt"
	"io/fs"
	"runtime"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"tadrib/assets"
)

// Issuer is the organisation that issues certificates; it comes from
// configuration, never from code.
type Issuer struct {
	Name, NameAr              string // organisation issuing, from configuration
	Signatory, SignatoryTitle string
	Logo                      []byte // optional PNG or JPEG, from configuration
}

// Certificate holds what one certificate prints.
type Certificate struct {
	Code         string            // 26 upper-case base32 chars; printed grouped by 4 (ABCD-EFGH-…)
	HolderName   string            // Latin script as typed
	HolderNameAr string            // optional, Arabic script
	Profession   string            // police|judiciary|labour_inspector|child_protection|other
	CourseTitle  map[string]string // lang -> title (fr, ar, en; any may be missing)
	Hours        float64
	IssuedAt     time.Time
	ExpiresAt    *time.Time
	VerifyURL    string // absolute; also the QR payload
	Lang         string // "fr" or "ar": French + Arabic side by side; "en": English + Arabic
	Credential   string // compact JWS, attached inside the PDF as credential.jwt (when not empty)
}

// Renderer renders certificates for one issuer. The fonts are read and
// checked once in New; Render is safe for concurrent use.
type Renderer struct {
	is      Issuer
	regular []byte
	bold    []byte
	// sem bounds concurrent renders: each allocates ~25 MB (fpdf parses
	// the TrueType font for every document), so an unbounded burst of
	// downloads would exhaust memory on a small machine.
	sem chan struct{}
}

// New reads the embedded Amiri fonts and prepares a renderer for is.
func New(is Issuer) (*Renderer, error) {
	fsys := assets.FS("")
	reg, err := fs.ReadFile(fsys, "fonts/Amiri-Regular.ttf")
	if err != nil {
		return nil, fmt.Errorf("certs/pdf: regular font: %w", err)
	}
	bold, err := fs.ReadFile(fsys, "fonts/Amiri-Bold.ttf")
	if err != nil {
		return nil, fmt.Errorf("certs/pdf: bold font: %w", err)
	}
	return &Renderer{is: is, regular: reg, bold: bold, sem: make(chan struct{}, runtime.NumCPU())}, nil
}

// Render returns the PDF bytes of c. The same certificate gives the same
// bytes every time (dates fixed to IssuedAt, sorted catalog).
func (r *Renderer) Render(c Certificate) ([]byte, error) {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()

	f := fpdf.New("L", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(c.IssuedAt)
	f.SetModificationDate(c.IssuedAt)
	f.AddUTF8FontFromBytes("amiri", "", r.regular)
	f.AddUTF8FontFromBytes("amiri", "B", r.bold)
	f.SetTitle(c.HolderName, true)
	f.AddPage()
	f.SetFont("amiri", "B", 24)
	f.Text(20, 40, c.HolderName)
	f.SetFont("amiri", "", 12)
	f.Text(20, 60, c.Code)
	f.Text(20, 70, c.VerifyURL)
	if c.Credential != "" {
		f.SetAttachments([]fpdf.Attachment{{Content: []byte(c.Credential), Filename: "credential.jwt"}})
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("certs/pdf: %w", err)
	}
	return buf.Bytes(), nil
}
