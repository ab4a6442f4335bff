package reports

import (
	"context"
	"fmt"
	"math"
	"time"

	"tadrib/courses"
	"tadrib/models"
)

// Counts are the head counts of a report or of one of its groups.
type Counts struct {
	Enrolled   int `json:"enrolled"`
	InProgress int `json:"in_progress"`
	Completed  int `json:"completed"`
	Certified  int `json:"certified"`
}

// CohortCounts are the counts of one cohort's members.
type CohortCounts struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Counts
}

// ModuleStats are a module's quiz results among the report's trainees.
// PassRate is passed / attempted (0–1); MeanPercent the mean of each
// trainee's best percent. Both are null when nobody finished an attempt, and
// for a module without a quiz.
type ModuleStats struct {
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	HasQuiz     bool     `json:"has_quiz"`
	Attempted   int      `json:"attempted"`
	Passed      int      `json:"passed"`
	PassRate    *float64 `json:"pass_rate"`
	MeanPercent *float64 `json:"mean_percent"`
}

// Score is a trainee's best result at one module's quiz.
type Score struct {
	Module      string   `json:"module"`
	BestPercent *float64 `json:"best_percent"`
	Passed      bool     `json:"passed"`
}

// TraineeRow is one trainee in a report.
type TraineeRow struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	NameAr          string     `json:"name_ar"`
	Email           string     `json:"email"`
	Profession      string     `json:"profession"`
	Organization    string     `json:"organization"`
	Cohorts         []string   `json:"cohorts"`
	EnrolledAt      time.Time  `json:"enrolled_at"`
	Percent         int        `json:"percent"`
	LessonsDone     int        `json:"lessons_done"`
	LessonsTotal    int        `json:"lessons_total"`
	QuizzesPassed   int        `json:"quizzes_passed"`
	QuizzesTotal    int        `json:"quizzes_total"`
	Started         bool       `json:"started"`
	LastActivity    *time.Time `json:"last_activity"` // latest lesson done, attempt started or finished
	CompletedAt     *time.Time `json:"completed_at"`
	CertificateCode *string    `json:"certificate_code"`
	Scores          []Score    `json:"scores"` // one per module with a quiz, in course order
}

// Report is a course's progress report (openapi.json: courseReport,
// GET /api/v1/reports/courses/{slug}, schema CourseReport).
type Report struct {
	Course courses.CourseRef `json:"course"`
	Counts
	ByProfession map[string]*Counts `json:"by_profession"`
	ByCohort     []CohortCounts     `json:"by_cohort"`
	Modules      []ModuleStats      `json:"modules"`
	Trainees     []TraineeRow       `json:"trainees"`

	courseID int64
	scope    reportScope
}

// CourseReport computes the progress report of course slug for viewer.
// Trainees get courses.ErrForbidden; a trainer who may neither edit the course nor
// runs a cohort following it, courses.ErrNotFound.
//
// A handful of aggregate queries do the work whatever the number of trainees
// (one row per trainee, or per trainee and quiz, comes back); the same rule as
// a trainee's own progress (courses.Progress.Finish) turns the counts into percent and
// completion.
func (s *Service) CourseReport(ctx context.Context, viewer models.User, slug string, f ReportFilter, lang string) (Report, error) {
	t, err := s.courses.LoadTree(ctx, slug)
	if err != nil {
		return Report{}, err
	}
	sc, err := s.scopeFor(ctx, viewer, t.Course)
	if err != nil {
		return Report{}, err
	}
	if f.CohortID != 0 {
		if err := s.checkCohort(ctx, viewer, t.Course, sc, f.CohortID); err != nil {
			return Report{}, err
		}
	}
	title, _ := t.Title(lang)
	r := Report{Course: courses.CourseRef{Slug: t.Slug, Title: title}, ByProfession: map[string]*Counts{},
		ByCohort: []CohortCounts{}, Modules: []ModuleStats{}, Trainees: []TraineeRow{}, courseID: t.ID, scope: sc}
	for _, p := range models.Professions {
		r.ByProfession[p] = &Counts{}
	}
	where, args := population(t.ID, sc, f)
	d, err := s.reportData(ctx, t, sc, where, args)
	if err != nil {
		return Report{}, fmt.Errorf("courses: report on %q: %w", slug, err)
	}
	r.build(t, d, lang)
	return r, nil
}

// build turns the rows into the report's numbers.
func (r *Report) build(t courses.Tree, d reportData, lang string) {
	lessons := len(t.LessonIDs())
	var quizModules []models.Module // modules whose quiz counts, in course order
	for _, m := range t.Modules {
		if d.quizzes[m.ID] {
			quizModules = append(quizModules, m)
		}
	}
	type modAcc struct {
		attempted, passed int
		sum               float64
		n                 int
	}
	acc := map[int64]*modAcc{}
	cohorts := map[int64]*CohortCounts{}
	for _, u := range d.users {
		row := TraineeRow{ID: id(u.id), Name: u.name, NameAr: u.nameAr, Email: u.email, Profession: u.profession,
			Organization: u.organization, EnrolledAt: u.enrolledAt, Cohorts: []string{}, Scores: []Score{}}
		p := courses.Progress{LessonsTotal: lessons, QuizzesTotal: len(quizModules)}
		c := d.lessons[u.id]
		p.LessonsDone = c.done
		last := c.last
		activity := c.last
		started := c.done > 0
		for _, m := range quizModules {
			a, ok := d.attempts[userModule{u.id, m.ID}]
			sc := Score{Module: m.Slug}
			if ok {
				sc.BestPercent, sc.Passed = a.best, a.passed
				if a.passed {
					p.QuizzesPassed++
					if a.firstPass.After(last) {
						last = a.firstPass
					}
				}
				if a.finished > 0 {
					ma := acc[m.ID]
					if ma == nil {
						ma = &modAcc{}
						acc[m.ID] = ma
					}
					ma.attempted++
					if a.passed {
						ma.passed++
					}
					if a.best != nil {
						ma.sum += *a.best
						ma.n++
					}
				}
			}
			row.Scores = append(row.Scores, sc)
		}
		// Attempts at any quiz of the course (one not counted for progress
		// included) show the trainee started and when they were last seen.
		if a, ok := d.activity[u.id]; ok {
			started = true
			activity = later(activity, a)
		}
		p.Finish(last)
		activity = later(activity, last)
		row.Percent, row.LessonsDone, row.QuizzesPassed = p.Percent, p.LessonsDone, p.QuizzesPassed
		row.LessonsTotal, row.QuizzesTotal, row.CompletedAt, row.Started = p.LessonsTotal, p.QuizzesTotal, p.CompletedAt, started
		if !activity.IsZero() {
			at := activity
			row.LastActivity = &at
		}
		if code, ok := d.certs[u.id]; ok {
			cc := code
			row.CertificateCode = &cc
		}
		r.Trainees = append(r.Trainees, row)

		groups := []*Counts{&r.Counts}
		if pc, ok := r.ByProfession[u.profession]; ok {
			groups = append(groups, pc)
		}
		for _, co := range d.cohorts[u.id] {
			cc := cohorts[co.id]
			if cc == nil {
				cc = &CohortCounts{ID: id(co.id), Name: co.name}
				cohorts[co.id] = cc
			}
			groups = append(groups, &cc.Counts)
			row := &r.Trainees[len(r.Trainees)-1]
			row.Cohorts = append(row.Cohorts, co.name)
		}
		for _, g := range groups {
			g.Enrolled++
			if p.CompletedAt != nil {
				g.Completed++
			} else if started {
				g.InProgress++
			}
			if row.CertificateCode != nil {
				g.Certified++
			}
		}
	}
	for _, cid := range d.cohortOrder {
		if cc, ok := cohorts[cid]; ok {
			r.ByCohort = append(r.ByCohort, *cc)
		}
	}
	for _, m := range t.Modules {
		ms := ModuleStats{Slug: m.Slug, Title: courses.ModuleTitle(m, lang, t.Locale), HasQuiz: d.quizzes[m.ID]}
		if a := acc[m.ID]; ms.HasQuiz && a != nil {
			ms.Attempted, ms.Passed = a.attempted, a.passed
			ms.PassRate = ptr(round(float64(a.passed)/float64(a.attempted), 4))
			if a.n > 0 {
				ms.MeanPercent = ptr(round(a.sum/float64(a.n), 2))
			}
		}
		r.Modules = append(r.Modules, ms)
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func ptr[T any](v T) *T { return &v }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
