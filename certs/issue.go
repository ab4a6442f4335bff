package certs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"tadrib/internal/db"
	"tadrib/internal/plaintext"
	"tadrib/internal/web"
	"tadrib/models"
)

// loadCourse reads a course with its texts.
func (s *Service) loadCourse(ctx context.Context, slug string) (models.Course, error) {
	var c models.Course
	err := s.db.R.WithContext(ctx).Preload("Texts").Where("slug = ?", slug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("certs: course %q: %w", slug, err)
	}
	return c, nil
}

// current returns the user's certificate for a course that nothing
// superseded (it may be revoked), and false when there is none.
func (s *Service) current(ctx context.Context, userID, courseID int64) (row, bool, error) {
	var rs []row
	err := s.rows(ctx).Where("c.user_id = ? AND c.course_id = ? AND c.superseded_by IS NULL", userID, courseID).
		Order("c.issued_at DESC, c.id DESC").Limit(1).Scan(&rs).Error
	if err != nil {
		return row{}, false, fmt.Errorf("certs: certificate of user %d: %w", userID, err)
	}
	if len(rs) == 0 {
		return row{}, false, nil
	}
	return rs[0], true, nil
}

// rows starts a query of certificates with their course slug.
func (s *Service) rows(ctx context.Context) *gorm.DB {
	return s.db.R.WithContext(ctx).Table("certificates c").Select("c.*, co.slug").
		Joins("JOIN courses co ON co.id = c.course_id")
}

// Claim gives user their certificate for course slug: the one already
// issued (created false), or a new one when the course is complete. When it
// is not, missing lists what is left. A revoked certificate is returned as
// it is: revocation is not undone by asking again.
func (s *Service) Claim(ctx context.Context, user models.User, slug, lang string) (JSON, bool, []Missing, error) {
	for attempt := 0; ; attempt++ {
		d, missing, err := s.Eligibility(ctx, user, slug, lang)
		if err != nil {
			return JSON{}, false, nil, err
		}
		c, err := s.loadCourse(ctx, d.Slug)
		if err != nil {
			return JSON{}, false, nil, err
		}
		if r, ok, err := s.current(ctx, user.ID, c.ID); err != nil || ok {
			return s.toJSON(r, lang), false, nil, err
		}
		if len(missing) > 0 {
			return JSON{}, false, missing, nil
		}
		now := s.now()
		uid := user.ID
		r, err := s.build(ctx, draft{Course: c, UserID: &uid, HolderName: user.Name, HolderNameAr: user.NameAr,
			Profession: user.Profession, Locale: user.Locale, IssuedAt: now, ExpiresAt: expiry(c, now.Truncate(time.Second))}, map[int]bool{})
		if err != nil {
			return JSON{}, false, nil, unprintable(err, "")
		}
		err = s.insert(ctx, []row{r}, nil, nil)
		if db.Unique(err) && attempt < 3 {
			continue // a concurrent request issued it (or drew the same index): read again
		}
		if err != nil {
			return JSON{}, false, nil, fmt.Errorf("certs: issue: %w", err)
		}
		s.statusList.reset()
		return s.toJSON(r, lang), true, nil, nil
	}
}

// HolderIn is one person to certify after an in-person session: an account
// by email, or a named person without one.
type HolderIn struct {
	Email      string `json:"email"`
	Name       string `json:"name"`
	NameAr     string `json:"name_ar"`
	Profession string `json:"profession"`
}

// IssueIn is a trainer's request to certify the people of an in-person session.
type IssueIn struct {
	CourseSlug string     `json:"course_slug"`
	Holders    []HolderIn `json:"holders"`
	Date       string     `json:"date"`
}

// maxHolders bounds one request: a session, not a bulk import.
const maxHolders = 200

// Issue certifies the holders of an in-person session, all or none: when
// one holder is wrong, the 400 names it by index and nothing is issued.
func (s *Service) Issue(ctx context.Context, actor models.User, in IssueIn, lang string) ([]JSON, error) {
	var errs []web.FieldError
	c, err := s.loadCourse(ctx, strings.TrimSpace(in.CourseSlug))
	if errors.Is(err, ErrNotFound) || (err == nil && !canManage(actor, c)) {
		errs = append(errs, web.Field("course_slug", "certs.err.course"))
	} else if err != nil {
		return nil, err
	}
	issued := s.now()
	if in.Date = strings.TrimSpace(in.Date); in.Date != "" {
		t, perr := time.Parse("2006-01-02", in.Date)
		if perr != nil {
			t, perr = time.Parse(time.RFC3339, in.Date)
		}
		switch {
		case perr != nil:
			errs = append(errs, web.Field("date", "certs.err.date"))
		case t.After(issued) || t.Year() < 2000:
			errs = append(errs, web.Field("date", "certs.err.date_range"))
		default:
			issued = t.UTC()
		}
	}
	if len(in.Holders) == 0 || len(in.Holders) > maxHolders {
		errs = append(errs, web.Field("holders", "certs.err.holders", maxHolders))
	}
	// Holders are looked at only for a course the actor manages: whether
	// someone holds another trainer's certificate is not theirs to learn.
	if len(errs) > 0 && (len(in.Holders) == 0 || len(in.Holders) > maxHolders || c.ID == 0 || !canManage(actor, c)) {
		return nil, web.Invalid(errs...)
	}
	drafts := make([]draft, 0, len(in.Holders))
	seen := map[string]bool{}
	for i, h := range in.Holders {
		field := func(f string) string { return "holders[" + strconv.Itoa(i) + "]." + f }
		d := draft{Course: c, IssuedAt: issued, ExpiresAt: expiry(c, issued.Truncate(time.Second)), IssuedBy: &actor.ID, Locale: lang}
		if email := strings.ToLower(strings.TrimSpace(h.Email)); email != "" {
			u, err := s.holderAccount(ctx, actor, c, email)
			if errors.Is(err, gorm.ErrRecordNotFound) {
				errs = append(errs, web.Field(field("email"), "certs.err.unknown_email"))
				continue
			} else if err != nil {
				return nil, fmt.Errorf("certs: holder %d: %w", i, err)
			}
			if seen["u"+email] {
				errs = append(errs, web.Field(field("email"), "certs.err.duplicate"))
				continue
			}
			seen["u"+email] = true
			if _, ok, err := s.current(ctx, u.ID, c.ID); err != nil {
				return nil, err
			} else if ok {
				errs = append(errs, web.Field(field("email"), "certs.err.already"))
				continue
			}
			d.UserID, d.HolderName, d.HolderNameAr, d.Profession, d.Locale = &u.ID, u.Name, u.NameAr, u.Profession, u.Locale
		} else {
			d.HolderName, d.HolderNameAr, d.Profession = oneLine(h.Name), oneLine(h.NameAr), strings.TrimSpace(h.Profession)
			if fe, ok := checkName(field("name"), d.HolderName, true); !ok {
				errs = append(errs, fe)
			}
			if fe, ok := checkName(field("name_ar"), d.HolderNameAr, false); !ok {
				errs = append(errs, fe)
			}
			if !models.Valid(d.Profession, models.Professions) {
				errs = append(errs, web.Field(field("profession"), "certs.err.profession"))
			}
		}
		drafts = append(drafts, d)
	}
	if len(errs) > 0 {
		return nil, web.Invalid(errs...)
	}
	taken := map[int]bool{}
	rows := make([]row, len(drafts))
	for i, d := range drafts {
		if rows[i], err = s.build(ctx, d, taken); err != nil {
			return nil, unprintable(err, "holders["+strconv.Itoa(i)+"].")
		}
	}
	err = s.insert(ctx, rows, nil, func(tx *gorm.DB) error {
		for _, r := range rows {
			if err := models.Audit(tx, &actor.ID, "certificate.issue", "certificate:"+r.Code,
				fmt.Sprintf("course:%s in-person date:%s", c.Slug, r.IssuedAt.Format("2006-01-02"))); err != nil {
				return err
			}
		}
		return nil
	})
	if db.Unique(err) {
		// Another request certified one of these accounts meanwhile.
		return nil, web.Errorf(409, "certs.err.conflict")
	}
	if err != nil {
		return nil, fmt.Errorf("certs: issue in person: %w", err)
	}
	s.statusList.reset()
	out := make([]JSON, len(rows))
	for i, r := range rows {
		out[i] = s.toJSON(r, lang)
	}
	return out, nil
}

// holderAccount finds the account an email names for an in-person
// certificate of course c. A trainer finds only the course's trainees (whom
// its report already shows them): any other address, with an account or
// not, is not found, so the form is no oracle of who has an account and
// never prints a stranger's profile on a certificate. Admins, who see every
// account, find any.
func (s *Service) holderAccount(ctx context.Context, actor models.User, c models.Course, email string) (models.User, error) {
	var u models.User
	q := s.db.R.WithContext(ctx).Where("email = ?", email)
	if actor.Role != models.RoleAdmin {
		q = q.Where("EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = users.id AND e.course_id = ?)", c.ID)
	}
	err := q.Take(&u).Error
	return u, err
}

// checkName validates a holder's name: one line, at most 200 characters.
func checkName(field, v string, required bool) (web.FieldError, bool) {
	switch {
	case v == "" && required:
		return web.Field(field, "certs.err.name_required"), false
	case len([]rune(v)) > 200:
		return web.Field(field, "certs.err.name_long"), false
	case !utf8.ValidString(v) || plaintext.HasBadRune(v):
		return web.Field(field, "err.text_chars"), false
	}
	return web.FieldError{}, true
}
