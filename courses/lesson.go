package courses

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/internal/db"
	"tadrib/models"
)

// LessonView is one lesson as a reader gets it.
type LessonView struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	HTML         string  `json:"html"`
	BodyMD       string  `json:"body_md,omitempty"`
	Minutes      int     `json:"minutes"`
	ModuleID     string  `json:"module_id"`
	ModuleTitle  string  `json:"module_title"`
	CourseSlug   string  `json:"course_slug"`
	CourseTitle  string  `json:"course_title"`
	PrevID       *string `json:"prev_id"`
	NextID       *string `json:"next_id"`
	Completed    bool    `json:"completed"`
	Lang         string  `json:"lang"`
	Untranslated bool    `json:"untranslated"`
	Position     int     `json:"position"` // 1-based place in the course
	Count        int     `json:"count"`    // lessons in the course

	version int64 // the course's version (updated_at) this view was built from
}

// lessonCourse is the row that ties a lesson to its course.
type lessonCourse struct {
	LessonID  int64
	ModuleID  int64
	Minutes   int
	CourseID  int64
	Slug      string
	Locale    string
	Published bool
	CreatedBy *int64
}

func (s *Service) lessonCourse(ctx context.Context, lessonID int64) (lessonCourse, error) {
	var lc lessonCourse
	res := s.db.R.WithContext(ctx).Raw(`SELECT l.id AS lesson_id, l.module_id, l.minutes, c.id AS course_id, c.slug, c.locale, c.published, c.created_by
		FROM lessons l JOIN modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id WHERE l.id = ?`, lessonID).Scan(&lc)
	if res.Error != nil {
		return lc, fmt.Errorf("courses: lesson %d: %w", lessonID, res.Error)
	}
	if res.RowsAffected == 0 {
		return lc, ErrNotFound
	}
	return lc, nil
}

// access checks that viewer may read the lesson: a draft's lessons are not
// found for those who may not edit it; a trainee must be enrolled (403).
func (s *Service) access(ctx context.Context, viewer models.User, lc lessonCourse) error {
	c := models.Course{ID: lc.CourseID, Published: lc.Published, CreatedBy: lc.CreatedBy}
	if !canSee(&viewer, c) {
		return ErrNotFound
	}
	if IsStaff(&viewer) {
		return nil
	}
	ok, err := s.isEnrolled(ctx, viewer.ID, lc.CourseID)
	if err != nil {
		return fmt.Errorf("courses: enrolment: %w", err)
	}
	if !ok {
		return ErrNotEnrolled
	}
	return nil
}

// lessonSQL reads a lesson, its course and the viewer's enrolment and
// completion in one query, prepared once (the lesson page is the most read).
const lessonSQL = `SELECT l.id, l.module_id, l.minutes, c.id, c.slug, c.locale, c.published, c.created_by, c.updated_at,
	EXISTS (SELECT 1 FROM enrolments e WHERE e.user_id = CAST(? AS BIGINT) AND e.course_id = c.id),
	EXISTS (SELECT 1 FROM lesson_completions lc WHERE lc.user_id = CAST(? AS BIGINT) AND lc.lesson_id = l.id)
	FROM lessons l JOIN modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id WHERE l.id = CAST(? AS BIGINT)`

func (s *Service) lessonStmt(ctx context.Context) (db.ReadQuery, error) {
	return s.lessonQuery.Get(ctx, s.db, lessonSQL)
}

// lessonRow is everything about a lesson and its viewer that one query reads.
//
// The ids are compared as CAST(? AS BIGINT), not as a bare ?: SQLite 3.54
// re-prepares this join on every execution when a bound id is 1 (its planner
// looks at the value, and marks the statement as depending on it), which
// cost the most visited lesson of all — the first one — 3× its time. The
// cast keeps the same plan (primary-key searches) on both engines.
type lessonRow struct {
	LessonID  int64
	ModuleID  int64
	Minutes   int
	CourseID  int64
	Slug      string
	Locale    string
	Published bool
	CreatedBy *int64
	UpdatedAt time.Time
	Enrolled  bool
	Completed bool
}

// textRow is one language of the lesson's, its module's or its course's text.
type textRow struct {
	Kind, Lang, Title, HTML, BodyMD string
}

// Lesson returns a lesson for viewer in lang (falling back to the course's
// language), with its neighbours in reading order. It is the most read page
// of the site, so it costs three queries: the lesson with its course and the
// viewer's enrolment and completion; the texts it shows; the reading order.
func (s *Service) Lesson(ctx context.Context, lessonID int64, viewer models.User, lang string) (LessonView, error) {
	stmt, err := s.lessonStmt(ctx)
	if err != nil {
		return LessonView{}, fmt.Errorf("courses: prepare lesson query: %w", err)
	}
	var row lessonRow
	err = stmt.QueryRowContext(ctx, viewer.ID, viewer.ID, lessonID).Scan(&row.LessonID, &row.ModuleID, &row.Minutes,
		&row.CourseID, &row.Slug, &row.Locale, &row.Published, &row.CreatedBy, &row.UpdatedAt, &row.Enrolled, &row.Completed)
	if errors.Is(err, sql.ErrNoRows) {
		return LessonView{}, ErrNotFound
	}
	if err != nil {
		return LessonView{}, fmt.Errorf("courses: lesson %d: %w", lessonID, err)
	}
	lc := lessonCourse{LessonID: row.LessonID, ModuleID: row.ModuleID, Minutes: row.Minutes, CourseID: row.CourseID,
		Slug: row.Slug, Locale: row.Locale, Published: row.Published, CreatedBy: row.CreatedBy}
	if !canSee(&viewer, models.Course{ID: lc.CourseID, Published: lc.Published, CreatedBy: lc.CreatedBy}) {
		return LessonView{}, ErrNotFound
	}
	if !IsStaff(&viewer) && !row.Enrolled {
		return LessonView{}, ErrNotEnrolled
	}

	content, err := s.content.get(row.CourseID, row.UpdatedAt, lessonID, lang, func() (lessonContent, error) {
		return s.loadContent(ctx, lc, lang)
	})
	if err != nil {
		return LessonView{}, err
	}
	v := LessonView{ID: id(lessonID), Title: content.text.Title, HTML: content.text.HTML, Minutes: lc.Minutes, ModuleID: id(lc.ModuleID),
		ModuleTitle: content.module, CourseSlug: lc.Slug, CourseTitle: content.course, Completed: row.Completed,
		Lang: content.used, Untranslated: content.used != lang, version: row.UpdatedAt.UnixNano()}
	if IsStaff(&viewer) {
		v.BodyMD = content.text.BodyMD
	}
	ids := content.order
	v.Count = len(ids)
	for i, lid := range ids {
		if lid != lessonID {
			continue
		}
		v.Position = i + 1
		if i > 0 {
			p := id(ids[i-1])
			v.PrevID = &p
		}
		if i+1 < len(ids) {
			n := id(ids[i+1])
			v.NextID = &n
		}
	}
	return v, nil
}

// lessonContent is what a lesson page shows that only changes when its
// course does: cached per course version.
type lessonContent struct {
	text           textRow
	used           string // the language of text
	module, course string // titles
	order          []int64
}

// loadContent reads a lesson's texts in lang (or the course's language) and
// its course's reading order.
func (s *Service) loadContent(ctx context.Context, lc lessonCourse, lang string) (lessonContent, error) {
	db := s.db.R.WithContext(ctx)
	var texts []textRow
	err := db.Raw(`SELECT 'l' AS kind, lang, title, html, body_md FROM lesson_texts WHERE lesson_id = ? AND lang IN (?, ?)
		UNION ALL SELECT 'm', lang, title, '', '' FROM module_texts WHERE module_id = ? AND lang IN (?, ?)
		UNION ALL SELECT 'c', lang, title, '', '' FROM course_texts WHERE course_id = ? AND lang IN (?, ?)`,
		lc.LessonID, lang, lc.Locale, lc.ModuleID, lang, lc.Locale, lc.CourseID, lang, lc.Locale).Scan(&texts).Error
	if err != nil {
		return lessonContent{}, fmt.Errorf("courses: lesson texts %d: %w", lc.LessonID, err)
	}
	versions := map[string]map[string]textRow{"l": {}, "m": {}, "c": {}}
	for _, t := range texts {
		versions[t.Kind][t.Lang] = t
	}
	var c lessonContent
	c.text, c.used = PickText(versions["l"], lang, lc.Locale)
	module, _ := PickText(versions["m"], lang, lc.Locale)
	course, _ := PickText(versions["c"], lang, lc.Locale)
	c.module, c.course = module.Title, course.Title
	err = db.Raw(`SELECT l.id FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.course_id = ?
		ORDER BY m.position, m.id, l.position, l.id`, lc.CourseID).Scan(&c.order).Error
	if err != nil {
		return c, fmt.Errorf("courses: reading order of course %d: %w", lc.CourseID, err)
	}
	return c, nil
}

// contentCache keeps lesson content by course version. A course's
// updated_at changes with every edit of its content, and every request reads
// it afresh, so an entry is never served after its course changed, on any
// node; stale entries simply stop being asked for.
type contentCache struct {
	mu sync.Mutex
	m  map[contentKey]lessonContent
}

type contentKey struct {
	course, lesson int64
	version        int64
	lang           string
}

const contentCacheSize = 4096

func (c *contentCache) get(course int64, version time.Time, lesson int64, lang string, load func() (lessonContent, error)) (lessonContent, error) {
	k := contentKey{course, lesson, version.UnixNano(), lang}
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= contentCacheSize {
		c.m = make(map[contentKey]lessonContent, 64)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v, nil
}

// LessonJSON is Lesson encoded for the API. A trainee's view of a lesson
// depends only on the course's version, the language and whether they
// completed it, so the encoded bytes are kept for those: encoding 8 KB of
// HTML into JSON on every request was the largest cost left on the most
// read endpoint.
func (s *Service) LessonJSON(ctx context.Context, lessonID int64, viewer models.User, lang string, encode func(any) ([]byte, error)) ([]byte, error) {
	v, err := s.Lesson(ctx, lessonID, viewer, lang)
	if err != nil {
		return nil, err
	}
	if IsStaff(&viewer) { // carries body_md: not shared with trainees
		return encode(v)
	}
	k := encodedKey{lessonID, v.version, lang, v.Completed}
	s.encoded.mu.Lock()
	b, ok := s.encoded.m[k]
	s.encoded.mu.Unlock()
	if ok {
		return b, nil
	}
	if b, err = encode(v); err != nil {
		return nil, err
	}
	s.encoded.mu.Lock()
	if s.encoded.m == nil || len(s.encoded.m) >= contentCacheSize {
		s.encoded.m = make(map[encodedKey][]byte, 64)
	}
	s.encoded.m[k] = b
	s.encoded.mu.Unlock()
	return b, nil
}

type encodedKey struct {
	lesson, version int64
	lang            string
	completed       bool
}

// Complete marks a lesson done for user; doing it twice changes nothing.
func (s *Service) Complete(ctx context.Context, user models.User, lessonID int64) error {
	lc, err := s.lessonCourse(ctx, lessonID)
	if err != nil {
		return err
	}
	if err := s.access(ctx, user, lc); err != nil {
		return err
	}
	if IsStaff(&user) {
		// Staff read without enrolling; completing enrols them, so that their
		// progress has a course to belong to.
		if _, err := s.Enrol(ctx, user, lc.Slug); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	err = s.db.W.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.LessonCompletion{UserID: user.ID, LessonID: lessonID, CompletedAt: s.now()}).Error
	if err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("courses: complete lesson %d for user %d: %w", lessonID, user.ID, err)
	}
	return nil
}

// HasCompleted reports whether user has completed lesson lessonID.
func (s *Service) HasCompleted(ctx context.Context, userID, lessonID int64) (bool, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Model(&models.LessonCompletion{}).
		Where("user_id = ? AND lesson_id = ?", userID, lessonID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("courses: completion of lesson %d: %w", lessonID, err)
	}
	return n > 0, nil
}
