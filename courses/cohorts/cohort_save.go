package cohorts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/courses"
	"tadrib/internal/web"
	"tadrib/models"
)

// CohortInput is the body of POST /cohorts and PATCH /cohorts/{id}; nil
// fields are left as they are on PATCH.
type CohortInput struct {
	Name        *string   `json:"name"`
	StartsOn    *string   `json:"starts_on"`
	EndsOn      *string   `json:"ends_on"`
	Place       *string   `json:"place"`
	CourseSlugs *[]string `json:"course_slugs"`
}

// Cohort is a cohort as the API and pages show it. InviteURL is filled by
// the handler, which knows the public address.
type Cohort struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	StartsOn    string              `json:"starts_on"`
	EndsOn      string              `json:"ends_on"`
	Place       string              `json:"place"`
	Courses     []courses.CourseRef `json:"courses"`
	MemberCount int                 `json:"member_count"`
	InviteURL   string              `json:"invite_url"`
	CreatedAt   time.Time           `json:"created_at"`

	token    string
	courseID []int64
}

// Token is the cohort's invitation token (for the handler, never in JSON).
func (c Cohort) Token() string { return c.token }

const dateLayout = "2006-01-02"

func validDate(field string, v *string, required bool) []web.FieldError {
	if v == nil {
		if required {
			return []web.FieldError{web.Field(field, "err.required")}
		}
		return nil
	}
	*v = strings.TrimSpace(*v)
	if *v == "" {
		if required {
			return []web.FieldError{web.Field(field, "err.required")}
		}
		return nil
	}
	if _, err := time.Parse(dateLayout, *v); err != nil {
		return []web.FieldError{web.Field(field, "cohort.err.date")}
	}
	return nil
}

// datesOK reports whether errs say nothing of the dates, so that they can be
// compared.
func datesOK(errs []web.FieldError) bool {
	for _, e := range errs {
		if e.Field == "starts_on" || e.Field == "ends_on" {
			return false
		}
	}
	return true
}

func (in *CohortInput) validate(create bool) []web.FieldError {
	var errs []web.FieldError
	errs = append(errs, courses.ValidText("name", in.Name, create || in.Name != nil, 200)...)
	errs = append(errs, courses.ValidText("place", in.Place, false, 200)...)
	errs = append(errs, validDate("starts_on", in.StartsOn, create)...)
	errs = append(errs, validDate("ends_on", in.EndsOn, create)...)
	if create && in.CourseSlugs == nil || in.CourseSlugs != nil && len(*in.CourseSlugs) == 0 {
		errs = append(errs, web.Field("course_slugs", "err.required"))
	}
	if in.CourseSlugs != nil && len(*in.CourseSlugs) > 50 {
		errs = append(errs, web.Field("course_slugs", "cohort.err.too_many_courses", 50))
	}
	return errs
}

// newInviteToken returns 130 random bits in lowercase base32: unguessable,
// and safe in a URL path.
func newInviteToken() string { return strings.ToLower(rand.Text()) }

// cohortCourses resolves slugs to the courses editor may put in a cohort:
// those editor can see (published, or their own drafts; any for an admin).
func cohortCourses(ctx context.Context, tx *gorm.DB, editor models.User, slugs []string) ([]int64, []web.FieldError) {
	ids := make([]int64, 0, len(slugs))
	seen := map[int64]bool{}
	for _, slug := range slugs {
		var c models.Course
		err := tx.WithContext(ctx).Where("slug = ?", strings.TrimSpace(slug)).Take(&c).Error
		if err != nil || !courses.CanSee(&editor, c) {
			return nil, []web.FieldError{web.Field("course_slugs", "cohort.err.unknown_course", slug)}
		}
		if !seen[c.ID] {
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// CreateCohort creates a cohort run by editor, with a fresh invitation token.
func (s *Service) CreateCohort(ctx context.Context, editor models.User, in CohortInput, lang string) (Cohort, error) {
	errs := in.validate(true)
	if datesOK(errs) && *in.EndsOn < *in.StartsOn {
		errs = append(errs, web.Field("ends_on", "cohort.err.ends_before"))
	}
	if len(errs) > 0 {
		return Cohort{}, web.Invalid(errs...)
	}
	now := s.now()
	co := models.Cohort{Name: *in.Name, StartsOn: *in.StartsOn, EndsOn: *in.EndsOn, InviteToken: newInviteToken(),
		CreatedBy: &editor.ID, CreatedAt: now, UpdatedAt: now}
	if in.Place != nil {
		co.Place = *in.Place
	}
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids, ferrs := cohortCourses(ctx, tx, editor, *in.CourseSlugs)
		if ferrs != nil {
			return web.Invalid(ferrs...)
		}
		if err := tx.Create(&co).Error; err != nil {
			return err
		}
		for _, cid := range ids {
			if err := tx.Create(&models.CohortCourse{CohortID: co.ID, CourseID: cid}).Error; err != nil {
				return err
			}
		}
		return models.Audit(tx, &editor.ID, "cohort.create", cohortObject(co.ID), co.Name)
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, editor, co.ID, lang)
}

func cohortObject(id int64) string { return "cohort:" + strconv.FormatInt(id, 10) }

// ownCohort loads a cohort editor may manage: an admin any, a trainer those
// they created. Anyone else gets courses.ErrNotFound, as if it did not exist.
func ownCohort(ctx context.Context, tx *gorm.DB, editor models.User, id int64) (models.Cohort, error) {
	var co models.Cohort
	err := tx.WithContext(ctx).Take(&co, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return co, courses.ErrNotFound
	}
	if err != nil {
		return co, fmt.Errorf("courses: cohort %d: %w", id, err)
	}
	if editor.Role == models.RoleAdmin || (editor.Role == models.RoleTrainer && co.CreatedBy != nil && *co.CreatedBy == editor.ID) {
		return co, nil
	}
	return co, courses.ErrNotFound
}

// UpdateCohort changes a cohort's fields; new courses are followed by every
// member at once (they are enrolled), removed ones leave enrolments alone.
func (s *Service) UpdateCohort(ctx context.Context, editor models.User, id int64, in CohortInput, lang string) (Cohort, error) {
	if errs := in.validate(false); len(errs) > 0 {
		return Cohort{}, web.Invalid(errs...)
	}
	err := s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		co, err := ownCohort(ctx, tx, editor, id)
		if err != nil {
			return err
		}
		updates := map[string]any{"updated_at": s.now()}
		var changed []string
		set := func(col string, v any) { updates[col] = v; changed = append(changed, col) }
		if in.Name != nil {
			set("name", *in.Name)
			co.Name = *in.Name
		}
		if in.Place != nil {
			set("place", *in.Place)
		}
		if in.StartsOn != nil && *in.StartsOn != "" {
			set("starts_on", *in.StartsOn)
			co.StartsOn = *in.StartsOn
		}
		if in.EndsOn != nil && *in.EndsOn != "" {
			set("ends_on", *in.EndsOn)
			co.EndsOn = *in.EndsOn
		}
		if co.EndsOn < co.StartsOn {
			return web.Invalid(web.Field("ends_on", "cohort.err.ends_before"))
		}
		if err := tx.Model(&models.Cohort{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		if in.CourseSlugs != nil {
			ids, ferrs := cohortCourses(ctx, tx, editor, *in.CourseSlugs)
			if ferrs != nil {
				return web.Invalid(ferrs...)
			}
			if err := tx.Where("cohort_id = ?", id).Delete(&models.CohortCourse{}).Error; err != nil {
				return err
			}
			for _, cid := range ids {
				if err := tx.Create(&models.CohortCourse{CohortID: id, CourseID: cid}).Error; err != nil {
					return err
				}
			}
			if err := s.enrolMembers(tx, id, nil); err != nil {
				return err
			}
			changed = append(changed, "courses")
		}
		return models.Audit(tx, &editor.ID, "cohort.update", cohortObject(id), strings.Join(changed, ","))
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.Cohort(ctx, editor, id, lang)
}

// enrolMembers enrols members of a cohort (those in userIDs, or all when nil)
// in each of its courses, inside tx; existing enrolments are kept as they are.
// It is the cohort's form of Enrol: one statement for the whole group.
func (s *Service) enrolMembers(tx *gorm.DB, cohortID int64, userIDs []int64) error {
	q := `INSERT INTO enrolments (user_id, course_id, created_at)
		SELECT m.user_id, cc.course_id, ? FROM cohort_members m
		JOIN cohort_courses cc ON cc.cohort_id = m.cohort_id
		WHERE m.cohort_id = ?`
	args := []any{s.now(), cohortID}
	if userIDs != nil {
		if len(userIDs) == 0 {
			return nil
		}
		q += ` AND m.user_id IN ?`
		args = append(args, userIDs)
	}
	q += ` ON CONFLICT DO NOTHING`
	return tx.Exec(q, args...).Error
}

// RegenerateInvite gives a cohort a new invitation token: the old link stops
// working at once.
func (s *Service) RegenerateInvite(ctx context.Context, editor models.User, id int64) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := ownCohort(ctx, tx, editor, id); err != nil {
			return err
		}
		if err := tx.Model(&models.Cohort{}).Where("id = ?", id).
			Updates(map[string]any{"invite_token": newInviteToken(), "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "cohort.invite_regenerate", cohortObject(id), "")
	})
}

// RemoveMember takes a user out of a cohort. Their enrolments and progress
// stay: leaving a session does not erase what was learnt.
func (s *Service) RemoveMember(ctx context.Context, editor models.User, id, userID int64) error {
	return s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := ownCohort(ctx, tx, editor, id); err != nil {
			return err
		}
		res := tx.Where("cohort_id = ? AND user_id = ?", id, userID).Delete(&models.CohortMember{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return courses.ErrNotFound
		}
		return models.Audit(tx, &editor.ID, "cohort.member_remove", cohortObject(id), "user:"+strconv.FormatInt(userID, 10))
	})
}

// JoinCohort makes user a member of the cohort token opens and enrols them in
// its courses. It reports whether they were not a member before.
func (s *Service) JoinCohort(ctx context.Context, user models.User, token, detail, lang string) (Cohort, bool, error) {
	co, err := s.CohortByToken(ctx, token, lang)
	if err != nil {
		return co, false, err
	}
	cid, _ := strconv.ParseInt(co.ID, 10, 64)
	joined := false
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&models.CohortMember{CohortID: cid, UserID: user.ID, JoinedAt: s.now(), Via: models.ViaInvite})
		if res.Error != nil {
			return res.Error
		}
		joined = res.RowsAffected == 1
		if err := s.enrolMembers(tx, cid, []int64{user.ID}); err != nil {
			return err
		}
		if err := settleInvitations(tx, cid, []int64{user.ID}, s.now()); err != nil {
			return err
		}
		if !joined {
			return nil
		}
		return models.Audit(tx, &user.ID, "cohort.join", cohortObject(cid), detail)
	})
	if err != nil {
		return co, false, fmt.Errorf("courses: join cohort %d: %w", cid, err)
	}
	if joined {
		co.MemberCount++
	}
	return co, joined, nil
}
