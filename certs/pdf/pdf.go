// Package pdf renders one certificate as an A4 landscape PDF with
// codeberg.org/go-pdf/fpdf (the maintained continuation of the archived
// github.com/go-pdf/fpdf). fpdf neither shapes Arabic nor orders it right to
// left, so every Arabic string goes through package certs/rtl first, and
// fpdf's own RTL() (a plain rune reversal) is never called.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"tadrib/certs/rtl"
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

// Renderer renders certificates for one issuer. The font is read and its
// coverage computed once in New; Render is safe for concurrent use.
type Renderer struct {
	is       Issuer
	logoType string // fpdf image type of is.Logo: "PNG", "JPG" or ""
	regular  *face
	// sem bounds concurrent renders: each allocates ~10 MB (fpdf parses
	// the TrueType font again for every document), so a burst of
	// downloads must not multiply that by the number of requests.
	sem chan struct{}
}

// family is the single font face: Amiri Regular covers French accents and
// Arabic presentation forms, so one face serves both scripts and the PDF
// embeds one small subset (bold is synthetic, see draw).
const family = "amiri"

// New reads the embedded Amiri font and prepares a renderer for is.
func New(is Issuer) (*Renderer, error) {
	r := &Renderer{is: is, sem: make(chan struct{}, runtime.NumCPU())}
	var err error
	if r.regular, err = loadFace("Amiri-Regular.ttf"); err != nil {
		return nil, err
	}
	if len(is.Logo) > 0 {
		switch http.DetectContentType(is.Logo) {
		case "image/png":
			r.logoType = "PNG"
		case "image/jpeg":
			r.logoType = "JPG"
		default:
			return nil, errors.New("certs/pdf: the issuer logo must be a PNG or JPEG image")
		}
	}
	for _, c := range []struct{ name, text string }{
		{"Issuer.Name", is.Name}, {"Issuer.NameAr", is.NameAr},
		{"Issuer.Signatory", is.Signatory}, {"Issuer.SignatoryTitle", is.SignatoryTitle},
	} {
		if err := r.check(c.name, c.text); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// check returns a *MissingGlyphError when text, once shaped, has a rune
// that one of the faces cannot draw.
func (r *Renderer) check(fieldName, text string) error {
	if !utf8.ValidString(text) {
		return fmt.Errorf("certs/pdf: %s is not valid UTF-8", fieldName)
	}
	for _, c := range rtl.Shape(text) {
		if !r.regular.has(c) {
			return &MissingGlyphError{Field: fieldName, Rune: c}
		}
	}
	return nil
}

// Render returns the PDF bytes of c. The same certificate gives the same
// bytes every time (dates fixed to IssuedAt, sorted catalog), so the
// SHA-256 recorded at issuance stays valid when the PDF is regenerated
// with the same fonts and library versions.
func (r *Renderer) Render(c Certificate) ([]byte, error) {
	latin := "fr"
	if c.Lang == "en" {
		latin = "en"
	}
	titleLatin, titleAr := c.CourseTitle[latin], c.CourseTitle["ar"]
	if titleLatin == "" { // the other Latin-script language, rather than nothing
		titleLatin = c.CourseTitle[map[string]string{"fr": "en", "en": "fr"}[latin]]
	}
	switch {
	case strings.TrimSpace(c.HolderName) == "" && strings.TrimSpace(c.HolderNameAr) == "":
		return nil, errors.New("certs/pdf: the certificate has no holder name")
	case titleLatin == "" && titleAr == "":
		return nil, errors.New("certs/pdf: the certificate has no course title")
	case c.VerifyURL == "" || c.Code == "":
		return nil, errors.New("certs/pdf: the certificate has no code or verification URL")
	}
	for _, fl := range []struct{ name, text string }{
		{"HolderName", c.HolderName}, {"HolderNameAr", c.HolderNameAr},
		{"CourseTitle", titleLatin}, {"CourseTitle[ar]", titleAr}, {"Code", c.Code}, {"VerifyURL", c.VerifyURL},
	} {
		if err := r.check(fl.name, fl.text); err != nil {
			return nil, err
		}
	}

	r.sem <- struct{}{}
	defer func() { <-r.sem }()

	f := fpdf.New("L", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(c.IssuedAt)
	f.SetModificationDate(c.IssuedAt)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.AddUTF8FontFromBytes(family, "", r.regular.data)
	// Document properties carry the text in logical order, as typed: they
	// are what a search index or a screen reader shows.
	names := strings.TrimSpace(c.HolderName + " " + c.HolderNameAr)
	f.SetTitle(wording[latin].title+" — "+names, true)
	f.SetSubject(strings.TrimSpace(titleLatin+" "+titleAr), true)
	f.SetAuthor(strings.TrimSpace(r.is.Name+" "+r.is.NameAr), true)
	f.SetKeywords(groupCode(c.Code), true)
	f.SetCreator("Tadrib", true)
	f.AddPage()
	p := page{f: f, latin: wording[latin], ar: wording["ar"], lang: latin}
	if err := p.layout(r, c, titleLatin, titleAr); err != nil {
		return nil, err
	}
	if c.Credential != "" {
		f.SetAttachments([]fpdf.Attachment{{Content: []byte(c.Credential), Filename: "credential.jwt",
			Description: "Signed credential (W3C Verifiable Credential, compact JWS)"}})
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("certs/pdf: %w", err)
	}
	return buf.Bytes(), nil
}
