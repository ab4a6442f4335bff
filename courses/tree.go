package courses

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"tadrib/models"
)

// Tree is a course with its modules and lessons in order, and their texts
// (lesson titles only: bodies are read one lesson at a time).
type Tree struct {
	models.Course
}

// LoadTree reads a course by slug with everything but lesson bodies.
func (s *Service) LoadTree(ctx context.Context, slug string) (Tree, error) {
	var c models.Course
	err := s.db.R.WithContext(ctx).
		Preload("Texts").
		Preload("Modules", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Texts").
		Preload("Modules.Lessons", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Lessons.Texts", func(db *gorm.DB) *gorm.DB { return db.Select("lesson_id", "lang", "title") }).
		Where("slug = ?", slug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Tree{}, ErrNotFound
	}
	if err != nil {
		return Tree{}, fmt.Errorf("courses: load %q: %w", slug, err)
	}
	return Tree{c}, nil
}

// LessonIDs returns the course's lessons in reading order.
func (t Tree) LessonIDs() []int64 {
	var ids []int64
	for _, m := range t.Modules {
		for _, l := range m.Lessons {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

func (t Tree) Title(lang string) (string, string) {
	v, l := PickText(CourseTexts(t.Texts), lang, t.Locale)
	return v.Title, l
}

func CourseTexts(ts []models.CourseText) map[string]models.CourseText {
	m := make(map[string]models.CourseText, len(ts))
	for _, t := range ts {
		m[t.Lang] = t
	}
	return m
}

func ModuleTitle(m models.Module, lang, def string) string {
	vs := make(map[string]string, len(m.Texts))
	for _, t := range m.Texts {
		vs[t.Lang] = t.Title
	}
	v, _ := PickText(vs, lang, def)
	return v
}

func LessonTitle(l models.Lesson, lang, def string) string {
	vs := make(map[string]string, len(l.Texts))
	for _, t := range l.Texts {
		vs[t.Lang] = t.Title
	}
	v, _ := PickText(vs, lang, def)
	return v
}

// completions returns when the user completed each lesson of the course.
func (s *Service) completions(ctx context.Context, userID, courseID int64) (map[int64]time.Time, error) {
	var rows []models.LessonCompletion
	err := s.db.R.WithContext(ctx).Table("lesson_completions lc").
		Select("lc.user_id, lc.lesson_id, lc.completed_at").
		Joins("JOIN lessons l ON l.id = lc.lesson_id JOIN modules m ON m.id = l.module_id").
		Where("lc.user_id = ? AND m.course_id = ?", userID, courseID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("courses: completions of user %d: %w", userID, err)
	}
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		out[r.LessonID] = r.CompletedAt
	}
	return out, nil
}

// isEnrolled reports whether the user follows the course.
func (s *Service) isEnrolled(ctx context.Context, userID, courseID int64) (bool, error) {
	var n int64
	err := s.db.R.WithContext(ctx).Model(&models.Enrolment{}).Where("user_id = ? AND course_id = ?", userID, courseID).Count(&n).Error
	return n > 0, err
}

// Progress is a user's progress in one course.
type Progress struct {
	Percent        int        `json:"percent"`
	CompletedAt    *time.Time `json:"completed_at"`
	LessonsDone    int        `json:"-"`
	LessonsTotal   int        `json:"-"`
	QuizzesPassed  int        `json:"-"`
	QuizzesTotal   int        `json:"-"`
	ResumeLessonID int64      `json:"-"` // the first lesson not done, 0 when all are
	LastActivity   *time.Time `json:"-"`
}

// CourseProgress computes a user's progress in a loaded course: lessons done and
// quizzes passed over lessons and quizzes in all.
func (s *Service) CourseProgress(ctx context.Context, t Tree, userID int64, lang string) (Progress, map[int64]time.Time, map[int64]QuizStatus, error) {
	done, err := s.completions(ctx, userID, t.ID)
	if err != nil {
		return Progress{}, nil, nil, err
	}
	quizzes, err := s.CourseQuizzes(ctx, userID, t.ID, lang)
	if err != nil {
		return Progress{}, nil, nil, err
	}
	var p Progress
	var last time.Time
	for _, id := range t.LessonIDs() {
		p.LessonsTotal++
		if at, ok := done[id]; ok {
			p.LessonsDone++
			if at.After(last) {
				last = at
			}
		} else if p.ResumeLessonID == 0 {
			p.ResumeLessonID = id
		}
	}
	for _, q := range quizzes {
		p.QuizzesTotal++
		if q.Passed {
			p.QuizzesPassed++
			if q.PassedAt != nil && q.PassedAt.After(last) {
				last = *q.PassedAt
			}
		}
	}
	p.Finish(last)
	return p, done, quizzes, nil
}

// Finish sets the percent and completion from the counts; last is the latest
// lesson done or quiz first passed. The progress report computes the counts
// for many trainees at once and calls it too, so both agree.
func (p *Progress) Finish(last time.Time) {
	total := p.LessonsTotal + p.QuizzesTotal
	if total > 0 {
		p.Percent = (p.LessonsDone + p.QuizzesPassed) * 100 / total
		if p.LessonsDone+p.QuizzesPassed == total {
			p.CompletedAt = &last
		}
	}
	if !last.IsZero() {
		p.LastActivity = &last
	}
}

// id formats an id for JSON: the API's ids are strings.
func id(n int64) string { return strconv.FormatInt(n, 10) }
