package courses

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tadrib/models"
)

// LessonItem is a lesson in a course outline.
type LessonItem struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Minutes   int    `json:"minutes"`
	Position  int    `json:"position"`
	Completed bool   `json:"completed"`
}

// QuizItem is a module's quiz in a course outline.
type QuizItem struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	PassMark    int      `json:"pass_mark"`
	Passed      bool     `json:"passed"`
	BestPercent *float64 `json:"best_percent"`
}

// ModuleItem is a module in a course outline.
type ModuleItem struct {
	ID       string       `json:"id"`
	Slug     string       `json:"slug"`
	Title    string       `json:"title"`
	Position int          `json:"position"`
	Lessons  []LessonItem `json:"lessons"`
	Quiz     *QuizItem    `json:"quiz"`
}

// CourseDetail is a course with its outline and the viewer's progress.
type CourseDetail struct {
	Slug         string       `json:"slug"`
	Title        string       `json:"title"`
	Summary      string       `json:"summary"`
	Locale       string       `json:"locale"`
	Hours        float64      `json:"hours"`
	Audiences    []string     `json:"audiences"`
	Published    bool         `json:"published"`
	ValidityDays int          `json:"validity_days"`
	Modules      []ModuleItem `json:"modules"`
	Progress     Progress     `json:"progress"`
	Enrolled     bool         `json:"enrolled"`
	CanEdit      bool         `json:"can_edit"`
	Untranslated bool         `json:"untranslated"`
	// Prerequisites are the courses to complete before this one's
	// certificate, in order (the path), with the viewer's completion.
	Prerequisites []PrerequisiteItem `json:"prerequisites"`

	resumeLessonID int64
	lessonsDone    int
	lessonsTotal   int
}

// ResumeLessonID is the first lesson the viewer has not done (0 when none).
func (d CourseDetail) ResumeLessonID() int64 { return d.resumeLessonID }

// Course returns a course's outline as viewer sees it; a draft is not found
// for anyone who may not edit it.
func (s *Service) Course(ctx context.Context, slug string, viewer *models.User, lang string) (CourseDetail, error) {
	t, err := s.LoadTree(ctx, slug)
	if err != nil {
		return CourseDetail{}, err
	}
	if !canSee(viewer, t.Course) {
		return CourseDetail{}, ErrNotFound
	}
	text, used := PickText(CourseTexts(t.Texts), lang, t.Locale)
	d := CourseDetail{Slug: t.Slug, Title: text.Title, Summary: text.Summary, Locale: t.Locale, Hours: t.Hours,
		Audiences: t.AudienceList(), Published: t.Published, ValidityDays: t.ValidityDays,
		CanEdit: CanEdit(viewer, t.Course), Untranslated: used != lang, Modules: []ModuleItem{}}
	if d.Prerequisites, err = s.prerequisites(ctx, t.Course, viewer, lang); err != nil {
		return d, err
	}
	done := map[int64]time.Time{}
	quizzes := map[int64]QuizStatus{}
	if viewer != nil {
		if d.Progress, done, quizzes, err = s.CourseProgress(ctx, t, viewer.ID, lang); err != nil {
			return d, err
		}
		if d.Enrolled, err = s.isEnrolled(ctx, viewer.ID, t.ID); err != nil {
			return d, fmt.Errorf("courses: enrolment: %w", err)
		}
		d.resumeLessonID = d.Progress.ResumeLessonID
		d.lessonsDone, d.lessonsTotal = d.Progress.LessonsDone, d.Progress.LessonsTotal
	}
	for _, m := range t.Modules {
		mi := ModuleItem{ID: id(m.ID), Slug: m.Slug, Title: ModuleTitle(m, lang, t.Locale), Position: m.Position, Lessons: []LessonItem{}}
		for _, l := range m.Lessons {
			_, ok := done[l.ID]
			mi.Lessons = append(mi.Lessons, LessonItem{ID: id(l.ID), Title: LessonTitle(l, lang, t.Locale), Minutes: l.Minutes, Position: l.Position, Completed: ok})
		}
		if q, ok := quizzes[m.ID]; ok {
			mi.Quiz = &QuizItem{ID: id(q.QuizID), Title: q.Title, PassMark: q.PassMark, Passed: q.Passed, BestPercent: q.BestPercent}
		}
		d.Modules = append(d.Modules, mi)
	}
	return d, nil
}

// Enrol makes user follow the published course slug. It reports whether the
// enrolment is new; enrolling twice is not an error.
func (s *Service) Enrol(ctx context.Context, user models.User, slug string) (bool, error) {
	var c models.Course
	err := s.db.R.WithContext(ctx).Where("slug = ?", slug).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !canSee(&user, c)) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("courses: enrol: %w", err)
	}
	res := s.db.W.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.Enrolment{UserID: user.ID, CourseID: c.ID, CreatedAt: s.now()})
	if res.Error != nil {
		return false, fmt.Errorf("courses: enrol user %d in %q: %w", user.ID, slug, res.Error)
	}
	return res.RowsAffected == 1, nil
}
