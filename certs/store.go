package certs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"gorm.io/gorm"

	"tadrib/certs/credential"
	"tadrib/certs/pdf"
	"tadrib/models"
)

// draft is what a new certificate certifies, frozen before it is stored.
type draft struct {
	Course       models.Course
	UserID       *int64
	HolderName   string
	HolderNameAr string
	Profession   string
	Locale       string
	IssuedAt     time.Time
	ExpiresAt    *time.Time
	IssuedBy     *int64
	Issuer       *Issuer // nil: the configured issuer
}

// courseTitles returns the course's title in each language and in its
// default language.
func courseTitles(c models.Course) (map[string]string, string) {
	m := make(map[string]string, len(c.Texts))
	for _, t := range c.Texts {
		if t.Title != "" {
			m[t.Lang] = t.Title
		}
	}
	def := m[c.Locale]
	if def == "" {
		for _, l := range models.Locales {
			if m[l] != "" {
				def = m[l]
				break
			}
		}
	}
	return m, def
}

// expiry is the end of validity of a certificate of c issued at t, nil when
// the course sets none.
func expiry(c models.Course, t time.Time) *time.Time {
	if c.ValidityDays <= 0 {
		return nil
	}
	e := t.AddDate(0, 0, c.ValidityDays)
	return &e
}

// build turns a draft into a complete certificate row: a fresh code and
// status list index, the signed credential and the SHA-256 of the PDF. It
// writes nothing; taken is the set of indexes already chosen in this batch.
func (s *Service) build(ctx context.Context, d draft, taken map[int]bool) (row, error) {
	titles, title := courseTitles(d.Course)
	tj, _ := json.Marshal(titles)
	is := s.issuer
	if d.Issuer != nil {
		is = *d.Issuer
	}
	ij, _ := json.Marshal(is)
	issued := d.IssuedAt.UTC().Truncate(time.Second)
	var expires *time.Time
	if d.ExpiresAt != nil {
		e := d.ExpiresAt.UTC().Truncate(time.Second)
		expires = &e
	}
	idx, err := s.freeIndex(ctx, taken)
	if err != nil {
		return row{}, err
	}
	locale := d.Locale
	if !models.Valid(locale, models.Locales) {
		locale = "fr"
	}
	r := row{Slug: d.Course.Slug, Certificate: models.Certificate{
		Code: NewCode(), CourseID: d.Course.ID, UserID: d.UserID,
		HolderName: oneLine(d.HolderName), HolderNameAr: oneLine(d.HolderNameAr), Profession: d.Profession, Locale: locale,
		CourseTitle: title, CourseTitles: string(tj), Issuer: string(ij), Hours: d.Course.Hours,
		IssuedAt: issued, ExpiresAt: expires, IssuedBy: d.IssuedBy, StatusIndex: idx,
		Kid: s.keys.ActiveKid(), CreatedAt: s.now(),
	}}
	a := s.achievement(r)
	if r.Credential, err = s.keys.Sign(a); err != nil {
		return row{}, err
	}
	ld, err := s.keys.SignDataIntegrity(a, s.id)
	if err != nil {
		return row{}, err
	}
	r.CredentialLD = string(ld)
	b, err := s.Render(r)
	if err != nil {
		return row{}, err
	}
	sum := sha256.Sum256(b)
	r.PDFSHA256 = hex.EncodeToString(sum[:])
	return r, nil
}

// achievement is what a certificate's credentials say, from its frozen facts.
func (s *Service) achievement(r row) credential.Achievement {
	return credential.Achievement{
		CredentialID: s.VerifyURL(r.Code), Code: r.Code, HolderName: r.HolderName, HolderNameAr: r.HolderNameAr,
		CourseID: s.baseURL + "/courses/" + r.Slug, CourseTitle: r.title(r.Locale), CourseTitles: r.titles(), Hours: r.Hours,
		IssuerID: s.baseURL, IssuerName: r.issuer().Name, IssuedAt: r.IssuedAt, ExpiresAt: r.ExpiresAt,
		StatusListURL: s.StatusListURL(), StatusIndex: r.StatusIndex,
	}
}

// freeIndex picks a random status list index no certificate uses: random,
// so that a list reveals nothing about issuance order (herd privacy).
func (s *Service) freeIndex(ctx context.Context, taken map[int]bool) (int, error) {
	for range 64 {
		n, err := rand.Int(rand.Reader, big.NewInt(credential.StatusListSize))
		if err != nil {
			return 0, err
		}
		idx := int(n.Int64())
		if taken[idx] {
			continue
		}
		var used int64
		if err := s.db.R.WithContext(ctx).Model(&models.Certificate{}).Where("status_index = ?", idx).Count(&used).Error; err != nil {
			return 0, fmt.Errorf("certs: status index: %w", err)
		}
		if used == 0 {
			taken[idx] = true
			return idx, nil
		}
	}
	return 0, errors.New("certs: the status list is full")
}

// Render regenerates a certificate's PDF from its stored facts. The same
// facts give the same bytes, whose SHA-256 was recorded at issuance.
func (s *Service) Render(r row) ([]byte, error) {
	is := r.issuer()
	if is.Name == "" {
		is = s.issuer
	}
	rd, err := s.renderer(is)
	if err != nil {
		return nil, err
	}
	var expires *time.Time
	if r.ExpiresAt != nil {
		e := r.ExpiresAt.UTC()
		expires = &e
	}
	titles := r.titles()
	if len(titles) == 0 {
		titles = map[string]string{r.Locale: r.CourseTitle}
	}
	return rd.Render(pdf.Certificate{
		Code: r.Code, HolderName: r.HolderName, HolderNameAr: r.HolderNameAr, Profession: r.Profession,
		CourseTitle: titles, Hours: r.Hours, IssuedAt: r.IssuedAt.UTC(), ExpiresAt: expires,
		VerifyURL: s.ShortURL(r.Code), Lang: r.Locale, Credential: r.Credential,
	})
}

// KeepLogo records the configured logo under its SHA-256 (once), so that
// certificates issued with it regenerate with it after the configuration
// names another one.
func (s *Service) KeepLogo(ctx context.Context) error {
	if len(s.issuer.Logo) == 0 {
		s.issuer.LogoSHA256 = ""
		return nil
	}
	sum := sha256.Sum256(s.issuer.Logo)
	s.issuer.LogoSHA256 = hex.EncodeToString(sum[:])
	return s.db.W.WithContext(ctx).Exec(`INSERT INTO issuer_logos (sha256, data, created_at) VALUES (?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, s.issuer.LogoSHA256, s.issuer.Logo, s.now()).Error
}

// renderer returns a PDF renderer for an issuer, made once per issuer: a
// certificate is rendered with the issuer it was issued under.
func (s *Service) renderer(is Issuer) (*pdf.Renderer, error) {
	key, _ := json.Marshal(is)
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if r, ok := s.renderers[string(key)]; ok {
		return r, nil
	}
	if cfg, _ := json.Marshal(s.issuer); s.pdf != nil && string(cfg) == string(key) {
		return s.pdf, nil // the configured issuer, logo included (its hash is in the key)
	}
	var logo []byte
	if is.LogoSHA256 != "" {
		// An earlier logo: the one the certificate was issued with.
		if err := s.db.R.Raw("SELECT data FROM issuer_logos WHERE sha256 = ?", is.LogoSHA256).Row().Scan(&logo); err != nil {
			return nil, fmt.Errorf("certs: logo %s: %w", is.LogoSHA256, err)
		}
	}
	r, err := pdf.New(pdf.Issuer{Name: is.Name, NameAr: is.NameAr, Signatory: is.Signatory, SignatoryTitle: is.SignatoryTitle, Logo: logo})
	if err != nil {
		return nil, err
	}
	if s.renderers == nil {
		s.renderers = map[string]*pdf.Renderer{}
	}
	s.renderers[string(key)] = r
	return r, nil
}

// insert stores built certificates in one transaction with audit (which
// may be nil).
func (s *Service) insert(ctx context.Context, rows []row, before func(tx *gorm.DB) error, audit func(tx *gorm.DB) error) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		for i := range rows {
			if err := tx.Create(&rows[i].Certificate).Error; err != nil {
				return err
			}
		}
		if audit != nil {
			return audit(tx)
		}
		return nil
	})
}
