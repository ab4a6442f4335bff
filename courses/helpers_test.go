package courses

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// Package quiz and package certs import this one, so the tests give the
// service small fakes of the seams it declares (QuizProgress,
// CertificateCodes, PendingInvitations) instead.

// quizzesFunc is a QuizProgress: the quizzes of a course for a user.
type quizzesFunc func(userID, courseID int64) map[int64]QuizStatus

func (f quizzesFunc) CourseQuizzes(_ context.Context, userID, courseID int64, _ string) (map[int64]QuizStatus, error) {
	if m := f(userID, courseID); m != nil {
		return m, nil
	}
	return map[int64]QuizStatus{}, nil
}

// failingQuizzes is a QuizProgress whose store is down.
type failingQuizzes struct{}

var errQuizStore = errors.New("quiz store down")

func (failingQuizzes) CourseQuizzes(context.Context, int64, int64, string) (map[int64]QuizStatus, error) {
	return nil, errQuizStore
}

// certCodes is a CertificateCodes: the same codes for every user.
type certCodes map[int64]string

func (c certCodes) CodesByCourse(context.Context, int64) (map[int64]string, error) { return c, nil }

// invitation has the fields the dashboard template shows of an invitation
// (courses/cohorts.Invitation).
type invitation struct {
	ID, Cohort, StartsOn, EndsOn, Place, InvitedBy string
	Courses                                        []CourseRef
}

// invitationsFunc is a PendingInvitations.
type invitationsFunc func(u models.User) []invitation

func (f invitationsFunc) PendingFor(_ context.Context, u models.User, _ string) (any, error) {
	return f(u), nil
}

// env is a test's database, users and service.
type env struct {
	*webtest.Env
	svc *Service
}

func newEnv(t *testing.T, quizzes QuizProgress, certs CertificateCodes) env {
	t.Helper()
	e := webtest.New(t)
	return env{Env: e, svc: NewService(e.DB, quizzes, certs)}
}

// lessons returns the ids of a fixture course's lessons, in its one module.
func lessons(c models.Course) []int64 {
	var ids []int64
	for _, m := range c.Modules {
		for _, l := range m.Lessons {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// addModule adds to course c a module at position pos with n French
// lessons, stored in the reverse of their positions (the reading order must
// come from the positions, not from the ids), and returns the lesson ids in
// reading order.
func (e env) addModule(t *testing.T, c models.Course, slug string, pos, n int) (int64, []int64) {
	t.Helper()
	m := models.Module{CourseID: c.ID, Slug: slug, Position: pos, Texts: []models.ModuleText{{Lang: "fr", Title: "Module " + slug}}}
	if err := e.DB.W.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i := n; i >= 1; i-- {
		title := fmt.Sprintf("%s %d", slug, i)
		l := models.Lesson{ModuleID: m.ID, Position: i, Minutes: 3, Texts: []models.LessonText{{
			Lang: "fr", Title: title, BodyMD: title, HTML: "<p>" + title + "</p>"}}}
		if err := e.DB.W.Create(&l).Error; err != nil {
			t.Fatal(err)
		}
		ids[i-1] = l.ID
	}
	return m.ID, ids
}

// translate adds Arabic texts to a fixture course, its module and lessons,
// and marks the course changed, as the editor does.
func (e env) translate(t *testing.T, c models.Course) {
	t.Helper()
	rows := []any{&models.CourseText{CourseID: c.ID, Lang: "ar", Title: "دورة " + c.Slug, Summary: "ملخص"}}
	for _, m := range c.Modules {
		rows = append(rows, &models.ModuleText{ModuleID: m.ID, Lang: "ar", Title: "الوحدة 1"})
		for i, l := range m.Lessons {
			title := fmt.Sprintf("الدرس %d", i+1)
			rows = append(rows, &models.LessonText{LessonID: l.ID, Lang: "ar", Title: title, BodyMD: title, HTML: "<p>" + title + "</p>"})
		}
	}
	for _, r := range rows {
		if err := e.DB.W.Create(r).Error; err != nil {
			t.Fatal(err)
		}
	}
	e.touch(t, c)
}

// touch marks a course changed a little later than its last change, so
// that its version differs whatever the clock's resolution.
func (e env) touch(t *testing.T, c models.Course) {
	t.Helper()
	var cur models.Course
	if err := e.DB.R.Select("updated_at").Where("id = ?", c.ID).Take(&cur).Error; err != nil {
		t.Fatal(err)
	}
	next := e.svc.Time()
	if !next.After(cur.UpdatedAt) {
		next = cur.UpdatedAt.Add(time.Millisecond)
	}
	if err := e.DB.W.Model(&models.Course{}).Where("id = ?", c.ID).Update("updated_at", next).Error; err != nil {
		t.Fatal(err)
	}
}

// set changes columns of a course (published, audiences, prerequisites).
func (e env) set(t *testing.T, c models.Course, column string, v any) {
	t.Helper()
	if err := e.DB.W.Model(&models.Course{}).Where("id = ?", c.ID).Update(column, v).Error; err != nil {
		t.Fatal(err)
	}
	e.touch(t, c)
}

func (e env) enrol(t *testing.T, u models.User, c models.Course) {
	t.Helper()
	if _, err := e.svc.Enrol(t.Context(), u, c.Slug); err != nil {
		t.Fatalf("enrol %s in %s: %v", u.Name, c.Slug, err)
	}
}

func (e env) complete(t *testing.T, u models.User, ids ...int64) {
	t.Helper()
	for _, lid := range ids {
		if err := e.svc.Complete(t.Context(), u, lid); err != nil {
			t.Fatalf("complete lesson %d for %s: %v", lid, u.Name, err)
		}
	}
}

func (e env) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.DB.R.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }
