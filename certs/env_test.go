package certs

// The harness of this package's own tests: the certificate service and its
// routes on a webtest.Env (a database on the engine under test, the real
// templates), with a fake of the Courses interface the package declares, so
// that a test says who has completed what instead of walking lessons and
// quizzes (cmd/tadrib's certs_test.go does that, end to end).

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tadrib/certs/credential"
	"tadrib/certs/pdf"
	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// testKeyPEM signs every test's credentials: one key per run (generating
// one is cheap, parsing it per test is cheaper).
var testKeyPEM = func() []byte {
	k, err := credential.Generate()
	if err != nil {
		panic(err)
	}
	return k
}()

const testBaseURL = "http://tadrib.test"

var testIssuer = Issuer{Name: "Institut de formation", NameAr: "معهد التكوين", Signatory: "Directrice", SignatoryTitle: "Direction"}

// clock is the injected time (Service.Now); tests move it instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeCourses answers Eligibility's questions: a course is complete for a
// user once complete(user, slug) was called. Anything else (not enrolled,
// a prerequisite) is set per course.
type fakeCourses struct {
	mu          sync.Mutex
	titles      map[string]string    // slug -> title: the courses that exist
	done        map[string]time.Time // "uid/slug" -> completed at
	notEnrolled map[string]bool      // "uid/slug"
	prereqs     map[string][]courses.PrerequisiteItem
	quizID      string // the module quiz's id ("" for a course without one)
}

func key(uid int64, slug string) string { return fmt.Sprintf("%d/%s", uid, slug) }

func (f *fakeCourses) complete(u models.User, slug string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done[key(u.ID, slug)] = at
}

func (f *fakeCourses) Course(_ context.Context, slug string, viewer *models.User, _ string) (courses.CourseDetail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	title, ok := f.titles[slug]
	if !ok {
		return courses.CourseDetail{}, courses.ErrNotFound
	}
	_, done := f.done[key(viewer.ID, slug)]
	m := courses.ModuleItem{ID: "1", Slug: "m1", Title: "Module 1", Lessons: []courses.LessonItem{
		{ID: "11", Title: "Leçon 1", Completed: done}, {ID: "12", Title: "Leçon 2", Completed: done}}}
	if f.quizID != "" {
		m.Quiz = &courses.QuizItem{ID: f.quizID, Title: "Quiz", Passed: done}
	}
	return courses.CourseDetail{Slug: slug, Title: title, Enrolled: !f.notEnrolled[key(viewer.ID, slug)],
		Modules: []courses.ModuleItem{m}, Prerequisites: f.prereqs[slug]}, nil
}

func (f *fakeCourses) MyProgress(_ context.Context, user models.User, _ string) ([]courses.ProgressItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []courses.ProgressItem
	for slug, title := range f.titles {
		item := courses.ProgressItem{Course: courses.CourseRef{Slug: slug, Title: title}}
		if at, ok := f.done[key(user.ID, slug)]; ok {
			item.CompletedAt, item.Percent = &at, 100
		}
		out = append(out, item)
	}
	return out, nil
}

// env is one test's certificate service, mounted on a webtest.Env.
type env struct {
	*webtest.Env
	svc     *Service
	courses *fakeCourses
	clock   *clock
	keys    *credential.Keyring
}

func newService(t *testing.T, e *webtest.Env, fc Courses, is Issuer) *Service {
	t.Helper()
	keys, err := credential.ParseKeyring(testKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	r, err := pdf.New(pdf.Issuer{Name: is.Name, NameAr: is.NameAr, Signatory: is.Signatory, SignatoryTitle: is.SignatoryTitle, Logo: is.Logo})
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(e.DB, fc, keys, r, is, testBaseURL+"/")
	if err := s.KeepLogo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// newEnv mounts the routes with verifyLimit (nil: no limit).
func newEnv(t *testing.T, verifyLimit fiber.Handler) *env {
	t.Helper()
	e := webtest.New(t)
	fc := &fakeCourses{titles: map[string]string{}, done: map[string]time.Time{}, notEnrolled: map[string]bool{},
		prereqs: map[string][]courses.PrerequisiteItem{}}
	s := newService(t, e, fc, testIssuer)
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.Now = clk.now
	if verifyLimit == nil {
		verifyLimit = func(c *fiber.Ctx) error { return c.Next() }
	}
	NewHandler(s, e.Renderer, verifyLimit).Routes(e.App, e.API)
	return &env{Env: e, svc: s, courses: fc, clock: clk, keys: s.keys}
}

// course stores a course authored by author (nil: nobody) that the fake
// knows, and enrols trainees in it (a trainer certifies by email only the
// course's trainees).
func (e *env) course(t *testing.T, slug string, author *models.User, trainees ...models.User) models.Course {
	t.Helper()
	c := e.Course(slug, 2, author)
	e.courses.mu.Lock()
	e.courses.titles[slug] = c.Texts[0].Title
	e.courses.mu.Unlock()
	for _, u := range trainees {
		if err := e.DB.W.Create(&models.Enrolment{UserID: u.ID, CourseID: c.ID, CreatedAt: e.clock.now()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// trainee is a trainee with an Arabic name, so that both names show.
func (e *env) trainee(t *testing.T, name, nameAr string) models.User {
	t.Helper()
	u := e.User(name, models.RoleTrainee)
	u.NameAr = nameAr
	if err := e.DB.W.Model(&u).Update("name_ar", nameAr).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

// claimed completes slug for u and claims its certificate through the service.
func (e *env) claimed(t *testing.T, u models.User, slug string) JSON {
	t.Helper()
	e.courses.complete(u, slug, e.clock.now())
	j, _, missing, err := e.svc.Claim(context.Background(), u, slug, "fr")
	if err != nil || missing != nil {
		t.Fatalf("claim %s for %s: %v, missing %v", slug, u.Name, err, missing)
	}
	return j
}

// count is the number of certificate rows matching where.
func (e *env) count(t *testing.T, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.DB.R.Model(&models.Certificate{}).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// audits counts the audit events of an action on an object.
func (e *env) audits(t *testing.T, action, object string) int64 {
	t.Helper()
	var n int64
	if err := e.DB.R.Model(&models.AuditEvent{}).Where("action = ? AND object = ?", action, object).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// as is a client in lang (nil user: anonymous).
func (e *env) as(u *models.User, lang string) *webtest.Client {
	c := e.Anonymous()
	if u != nil {
		c = e.As(*u)
	}
	c.Lang = lang
	return c
}
