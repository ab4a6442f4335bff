package certs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"tadrib/internal/db"
	"tadrib/internal/web"
	"tadrib/models"
)

// byCode reads a certificate by its code (any spelling); ErrNotFound when
// the code is malformed or unknown.
func (s *Service) byCode(ctx context.Context, code string) (row, error) {
	norm, ok := Normalize(code)
	if !ok {
		return row{}, ErrNotFound
	}
	var rs []row
	if err := s.rows(ctx).Where("c.code = ?", norm).Limit(1).Scan(&rs).Error; err != nil {
		return row{}, fmt.Errorf("certs: lookup: %w", err)
	}
	if len(rs) == 0 {
		return row{}, ErrNotFound
	}
	return rs[0], nil
}

// managed reads a certificate that actor may manage; another trainer's
// certificate is not found, as if it did not exist (SECURITY.md C3).
func (s *Service) managed(ctx context.Context, actor models.User, code string) (row, models.Course, error) {
	r, err := s.byCode(ctx, code)
	if err != nil {
		return r, models.Course{}, err
	}
	c, err := s.loadCourse(ctx, r.Slug)
	if err != nil {
		return r, c, err
	}
	if !canManage(actor, c) {
		return r, c, ErrNotAllowed
	}
	return r, c, nil
}

// reasonOf checks a revocation or correction reason: required, one line
// or a short paragraph.
func reasonOf(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", web.Invalid(web.Field("reason", "certs.err.reason_required"))
	case len([]rune(reason)) > 500:
		return "", web.Invalid(web.Field("reason", "certs.err.reason_long"))
	}
	return reason, nil
}

// Revoke revokes a certificate, with its reason, at once: the verification
// page says so from the next request. Audited (who, when, why).
func (s *Service) Revoke(ctx context.Context, actor models.User, code, reason, lang string) (JSON, error) {
	reason, err := reasonOf(reason)
	if err != nil {
		return JSON{}, err
	}
	r, _, err := s.managed(ctx, actor, code)
	if err != nil {
		return JSON{}, err
	}
	if r.RevokedAt != nil {
		return JSON{}, ErrFinal
	}
	now := s.now()
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.Certificate{}).Where("id = ? AND revoked_at IS NULL", r.ID).
			Updates(map[string]any{"revoked_at": now, "revoked_by": actor.ID, "revoked_reason": reason})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrFinal
		}
		return models.Audit(tx, &actor.ID, "certificate.revoke", "certificate:"+r.Code, "course:"+r.Slug+" reason:"+reason)
	})
	if err != nil {
		return JSON{}, err
	}
	s.statusList.reset()
	s.verifyCache.drop(r.Code)
	r.RevokedAt, r.RevokedBy, r.RevokedReason = &now, &actor.ID, reason
	return s.toJSON(r, lang), nil
}

// ReissueIn corrects a certificate: new names (nil keeps the old one) and why.
type ReissueIn struct {
	Name   *string `json:"name"`
	NameAr *string `json:"name_ar"`
	Reason string  `json:"reason"`
}

// Reissue issues a corrected certificate that supersedes code: the same
// course, hours and dates, the names corrected, a new code. The old one
// stays, marked superseded, pointing to the new one. Nothing is deleted.
func (s *Service) Reissue(ctx context.Context, actor models.User, code string, in ReissueIn, lang string) (JSON, error) {
	reason, err := reasonOf(in.Reason)
	if err != nil {
		return JSON{}, err
	}
	old, c, err := s.managed(ctx, actor, code)
	if err != nil {
		return JSON{}, err
	}
	d := draft{Course: c, UserID: old.UserID, HolderName: old.HolderName, HolderNameAr: old.HolderNameAr,
		Profession: old.Profession, Locale: old.Locale, IssuedAt: old.IssuedAt, ExpiresAt: old.ExpiresAt, IssuedBy: &actor.ID}
	var errs []web.FieldError
	if in.Name != nil {
		d.HolderName = oneLine(*in.Name)
		if fe, ok := checkName("name", d.HolderName, true); !ok {
			errs = append(errs, fe)
		}
	}
	if in.NameAr != nil {
		d.HolderNameAr = oneLine(*in.NameAr)
		if fe, ok := checkName("name_ar", d.HolderNameAr, false); !ok {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		return JSON{}, web.Invalid(errs...)
	}
	if old.RevokedAt != nil || old.SupersededBy != nil {
		return JSON{}, ErrFinal
	}
	// The course text may have changed since: a correction keeps what was
	// certified, only the names change.
	d.Course.Texts = frozenTexts(old)
	d.Course.Hours = old.Hours
	is := old.issuer()
	if is.Name != "" {
		d.Issuer = &is
	}
	r, err := s.build(ctx, d, map[int]bool{})
	if err != nil {
		return JSON{}, unprintable(err, "")
	}
	err = s.insert(ctx, []row{r}, func(tx *gorm.DB) error {
		// Supersede first: the new row takes the old one's place in the
		// one-live-certificate index.
		res := tx.Model(&models.Certificate{}).Where("id = ? AND superseded_by IS NULL AND revoked_at IS NULL", old.ID).
			Update("superseded_by", r.Code)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrFinal
		}
		return nil
	}, func(tx *gorm.DB) error {
		return models.Audit(tx, &actor.ID, "certificate.reissue", "certificate:"+old.Code,
			"superseded_by:"+r.Code+" course:"+old.Slug+" reason:"+reason)
	})
	if err != nil {
		return JSON{}, err
	}
	s.statusList.reset()
	s.verifyCache.drop(old.Code)
	return s.toJSON(r, lang), nil
}

// frozenTexts rebuilds course texts from a certificate's frozen titles.
func frozenTexts(r row) []models.CourseText {
	var ts []models.CourseText
	for l, t := range r.titles() {
		ts = append(ts, models.CourseText{Lang: l, Title: t})
	}
	if len(ts) == 0 {
		ts = append(ts, models.CourseText{Lang: r.Locale, Title: r.CourseTitle})
	}
	return ts
}

// Mine lists the user's certificates, newest first.
func (s *Service) Mine(ctx context.Context, user models.User, lang string) ([]JSON, error) {
	var rs []row
	if err := s.rows(ctx).Where("c.user_id = ?", user.ID).Order("c.issued_at DESC, c.id DESC").Scan(&rs).Error; err != nil {
		return nil, fmt.Errorf("certs: certificates of user %d: %w", user.ID, err)
	}
	out := make([]JSON, len(rs))
	for i, r := range rs {
		out[i] = s.toJSON(r, lang)
	}
	return out, nil
}

// Codes answers courses' /me/progress (courses.CertificateCodes). It needs
// the database only, so that it can be built before the courses service,
// which the certificate service needs.
type Codes struct{ db *db.DB }

// NewCodes returns the certificates' side of /me/progress on d.
func NewCodes(d *db.DB) *Codes { return &Codes{db: d} }

// CodesByCourse returns, per course id, the code of the user's certificate
// that nothing superseded (courses' /me/progress certificate_code).
func (cc *Codes) CodesByCourse(ctx context.Context, userID int64) (map[int64]string, error) {
	var rs []struct {
		CourseID int64
		Code     string
		IssuedAt time.Time
	}
	err := cc.db.R.WithContext(ctx).Model(&models.Certificate{}).Select("course_id, code, issued_at").
		Where("user_id = ? AND superseded_by IS NULL", userID).Order("issued_at, id").Scan(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("certs: codes of user %d: %w", userID, err)
	}
	m := make(map[int64]string, len(rs))
	for _, r := range rs {
		m[r.CourseID] = r.Code // the newest wins
	}
	return m, nil
}

// PDFFor returns a certificate's PDF for its holder, or for staff who may
// manage it; anyone else gets ErrNotFound.
func (s *Service) PDFFor(ctx context.Context, viewer models.User, code string) ([]byte, row, error) {
	r, err := s.byCode(ctx, code)
	if err != nil {
		return nil, r, err
	}
	if r.UserID == nil || *r.UserID != viewer.ID {
		if !isStaff(viewer) {
			return nil, r, ErrNotFound
		}
		c, err := s.loadCourse(ctx, r.Slug)
		if err != nil {
			return nil, r, err
		}
		if !canManage(viewer, c) {
			return nil, r, ErrNotAllowed
		}
	}
	b, err := s.Render(r)
	return b, r, err
}

// Filter selects certificates in the register.
type Filter struct {
	Q      string // a name (either script) or a code
	Course string // a course slug
	From   *time.Time
	To     *time.Time // inclusive: the whole day
}

// registerLimit caps one page of the register.
const registerLimit = 200

// Search lists the certificates staff may manage that match f, newest first.
func (s *Service) Search(ctx context.Context, viewer models.User, f Filter, lang string) ([]JSON, error) {
	if !isStaff(viewer) {
		return nil, ErrNotAllowed
	}
	q := s.rows(ctx)
	if viewer.Role != models.RoleAdmin {
		q = q.Where("co.created_by = ?", viewer.ID)
	}
	if v := strings.TrimSpace(f.Q); v != "" {
		if code, ok := Normalize(v); ok {
			q = q.Where("c.code = ?", code)
		} else {
			like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(oneLine(v))) + "%"
			q = q.Where(`(LOWER(c.holder_name) LIKE ? ESCAPE '\' OR c.holder_name_ar LIKE ? ESCAPE '\')`, like, like)
		}
	}
	if f.Course != "" {
		q = q.Where("co.slug = ?", f.Course)
	}
	if f.From != nil {
		q = q.Where("c.issued_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("c.issued_at < ?", f.To.AddDate(0, 0, 1))
	}
	var rs []row
	if err := q.Order("c.issued_at DESC, c.id DESC").Limit(registerLimit).Scan(&rs).Error; err != nil {
		return nil, fmt.Errorf("certs: register: %w", err)
	}
	out := make([]JSON, len(rs))
	for i, r := range rs {
		out[i] = s.toJSON(r, lang)
	}
	return out, nil
}

// Get returns one certificate staff may manage.
func (s *Service) Get(ctx context.Context, viewer models.User, code, lang string) (JSON, error) {
	r, _, err := s.managed(ctx, viewer, code)
	if err != nil {
		return JSON{}, err
	}
	return s.toJSON(r, lang), nil
}

// ManagedCourses lists the courses viewer may issue certificates for.
func (s *Service) ManagedCourses(ctx context.Context, viewer models.User, lang string) ([]Ref, error) {
	var cs []models.Course
	q := s.db.R.WithContext(ctx).Preload("Texts").Order("slug")
	if viewer.Role != models.RoleAdmin {
		q = q.Where("created_by = ?", viewer.ID)
	}
	if err := q.Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("certs: courses: %w", err)
	}
	out := make([]Ref, len(cs))
	for i, c := range cs {
		titles, def := courseTitles(c)
		t := titles[lang]
		if t == "" {
			t = def
		}
		out[i] = Ref{Slug: c.Slug, Title: t}
	}
	return out, nil
}
