package cohorts

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"tadrib/courses"
	"tadrib/internal/accounts"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// baseURL is the public address the tests' links start with.
const baseURL = "https://tadrib.example"

// env is a webtest.Env with cohorts mounted, and the services the tests
// call directly.
type env struct {
	*webtest.Env
	svc      *Service
	cs       *courses.Service
	accounts *accounts.Service
}

// newEnv mounts cohorts as cmd/tadrib/app.go does: with the accounts
// service (registration through a link, set-password links) and sessions.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := webtest.New(t)
	acc := accounts.NewService(e.DB)
	return mount(t, e, Env{BaseURL: baseURL + "/", Accounts: acc, Sessions: e.Sessions, Cookies: e.Cookies}, acc)
}

func mount(t *testing.T, e *webtest.Env, ce Env, acc *accounts.Service) *env {
	t.Helper()
	cs := courses.NewService(e.DB, nil, nil)
	svc := NewService(e.DB, cs)
	NewHandler(svc, cs, e.Renderer, ce).Routes(e.App, e.API)
	return &env{Env: e, svc: svc, cs: cs, accounts: acc}
}

func ptr[T any](v T) *T { return &v }

// input is a valid cohort of the given courses.
func input(slugs ...string) CohortInput {
	return CohortInput{Name: ptr("Traite — Rabat"), StartsOn: ptr("2026-12-01"), EndsOn: ptr("2026-12-05"), Place: ptr("Rabat"),
		CourseSlugs: &slugs}
}

// cohort creates a cohort of slugs run by u, through the service.
func (e *env) cohort(t *testing.T, u models.User, slugs ...string) Cohort {
	t.Helper()
	co, err := e.svc.CreateCohort(context.Background(), u, input(slugs...), "fr")
	if err != nil {
		t.Fatalf("create cohort: %v", err)
	}
	return co
}

func cid(t *testing.T, co Cohort) int64 {
	t.Helper()
	n, err := strconv.ParseInt(co.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// enrolled reports whether u is enrolled in the course slug.
func (e *env) enrolled(t *testing.T, userID int64, slug string) bool {
	t.Helper()
	var n int64
	err := e.DB.R.Table("enrolments e").Joins("JOIN courses c ON c.id = e.course_id").
		Where("e.user_id = ? AND c.slug = ?", userID, slug).Count(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// count counts a table's rows matching where.
func (e *env) count(t *testing.T, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := e.DB.R.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) in(u models.User, lang string) *webtest.Client {
	c := e.As(u)
	c.Lang = lang
	return c
}

var metaCSRF = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// visitor is an anonymous browser: the CSRF cookie and token a page gave it.
type visitor struct {
	e             *env
	cookie, token string
	session       string // the session cookie a post signed it in with
}

// open GETs a page as a visitor and keeps the anonymous CSRF cookie and the
// page's token, as a browser keeps them for the page's form.
func (e *env) open(t *testing.T, path string) (*visitor, webtest.Response) {
	t.Helper()
	r := e.Anonymous().Get(path)
	v := &visitor{e: e}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == e.Cookies.Anon() {
			v.cookie = c.Value
		}
	}
	if m := metaCSRF.FindStringSubmatch(r.Body); m != nil {
		v.token = m[1]
	}
	return v, r
}

// post sends a form as the visitor, with its cookie and token.
func (v *visitor) post(t *testing.T, path, form string) webtest.Response {
	t.Helper()
	r := v.e.Anonymous().Do("POST", path, form, "Content-Type", "application/x-www-form-urlencoded",
		"Cookie", v.e.Cookies.Anon()+"="+v.cookie, "X-CSRF-Token", v.token)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == v.e.Cookies.Session() && c.Value != "" {
			v.session = c.Value
		}
	}
	return r
}

// person is one row of a member list.
func person(name, email string) MemberInput {
	return MemberInput{Name: name, Email: email, Profession: "police", Organization: "DGSN"}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
