package authoring

import (
	"context"
	"strconv"
	"testing"

	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// env is a webtest.Env with the course editor mounted, and its services for
// the tests that call them directly.
type env struct {
	*webtest.Env
	svc *Service
	cs  *courses.Service
}

// newEnv mounts the course editor the way cmd/tadrib/app.go does, on a
// courses service that counts no quiz and names no certificate (the editor
// needs neither).
func newEnv(t *testing.T) *env {
	t.Helper()
	e := webtest.New(t)
	cs := courses.NewService(e.DB, nil, nil)
	svc := NewService(e.DB, cs)
	NewHandler(svc, cs, e.Renderer).Routes(e.App, e.API)
	return &env{Env: e, svc: svc, cs: cs}
}

func ptr[T any](v T) *T { return &v }

// draft creates, through the service, a French draft course owned by
// author, with one module of one lesson; it returns the module and lesson ids.
func (e *env) draft(t *testing.T, author models.User, slug string) (moduleID, lessonID int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.svc.CreateCourse(ctx, author, CourseInput{Slug: &slug, Title: ptr("Cours " + slug), Summary: ptr("Résumé"),
		Audiences: &[]string{"police"}, Locale: ptr("fr"), Hours: ptr(2.0)}); err != nil {
		t.Fatalf("create %s: %v", slug, err)
	}
	m, err := e.svc.AddModule(ctx, author, slug, ModuleInput{Slug: ptr("identifier"), Title: ptr("Identifier")})
	if err != nil {
		t.Fatalf("module of %s: %v", slug, err)
	}
	l, err := e.svc.AddLesson(ctx, author, mustID(t, m.ID), LessonInput{Title: ptr("Les indicateurs"), BodyMD: ptr("Une **dette**."), Minutes: ptr(5)})
	if err != nil {
		t.Fatalf("lesson of %s: %v", slug, err)
	}
	return mustID(t, m.ID), mustID(t, l.ID)
}

// publish publishes a course through the service, as its author.
func (e *env) publish(t *testing.T, author models.User, slug string) {
	t.Helper()
	if _, err := e.svc.UpdateCourse(context.Background(), author, slug, CourseInput{Published: ptr(true)}); err != nil {
		t.Fatalf("publish %s: %v", slug, err)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		t.Fatalf("id %q is not a positive number", s)
	}
	return n
}

// in returns a client of u reading pages in lang.
func (e *env) in(u models.User, lang string) *webtest.Client {
	c := e.As(u)
	c.Lang = lang
	return c
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
