package webtest

import (
	"errors"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tadrib/internal/web"
)

// Problem is an RFC 9457 body as web.ErrorHandler writes it, read back the
// way a client reads it.
type Problem web.Problem

// Fields are the fields the problem's errors name, in their order (an error
// about a line of a document names none: "").
func (p Problem) Fields() []string {
	out := []string{}
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// WantProblem fails the test unless r is an application/problem+json answer
// of status with the members every problem has (type, title, detail, and
// status equal to status), each of its errors with a message, and, when
// fields are given, errors on exactly those fields (in any order, each as
// often as given). An empty name stands for no field, so that a table's row
// without one checks none. It returns the problem.
func (r Response) WantProblem(t testing.TB, status int, fields ...string) Problem {
	t.Helper()
	r.Want(t, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json: %.300s", ct, r.Body)
	}
	var p Problem
	r.JSON(t, &p)
	if p.Status != status || p.Type == "" || p.Title == "" || p.Detail == "" {
		t.Errorf("problem %+v, want status %d with a type, a title and a detail", p, status)
	}
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("the problem's error on %q (file %q, line %d) has no message: %s", e.Field, e.File, e.Line, r.Body)
		}
	}
	fields = slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return f == "" })
	if len(fields) > 0 {
		got, want := sorted(p.Fields()), sorted(fields)
		if !slices.Equal(got, want) {
			t.Errorf("problem names fields %q, want %q: %s", got, want, r.Body)
		}
	}
	return p
}

// InvalidFields are the fields a validation error names, in its order: err
// must be (or wrap) a *web.Error of status 400, such as web.Invalid makes,
// or the test fails at once.
func InvalidFields(t testing.TB, err error) []string {
	t.Helper()
	var we *web.Error
	if !errors.As(err, &we) || we.Status != http.StatusBadRequest {
		t.Fatalf("error %v, want a 400 validation error", err)
	}
	out := []string{}
	for _, f := range we.Fields {
		out = append(out, f.Field)
	}
	return out
}

// WantFields fails the test unless err is a validation error (see
// InvalidFields) naming exactly the fields want, in that order.
func WantFields(t testing.TB, err error, want ...string) {
	t.Helper()
	if got := InvalidFields(t, err); !slices.Equal(got, want) {
		t.Errorf("validation error on %q, want %q", strings.Join(got, ","), strings.Join(want, ","))
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// WantPage fails the test unless r is an HTML page in lang (the html
// element's lang, and right to left for Arabic) that shows each text, as it
// is or as the templates escape it. It returns r.
func (r Response) WantPage(t testing.TB, lang string, texts ...string) Response {
	t.Helper()
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	if !strings.Contains(r.Body, `<html lang="`+lang+`" dir="`+dir+`">`) {
		t.Errorf("the page is not in %s (%s): %.200s", lang, dir, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) && !strings.Contains(r.Body, html.EscapeString(s)) {
			t.Errorf("the %s page lacks %q", lang, s)
		}
	}
	return r
}

// Title is how a page in lang whose title is the translation of key opens
// its <title>, escaped as the templates escape it: a text for WantPage.
func (e *Env) Title(lang, key string, args ...any) string {
	return "<title>" + html.EscapeString(e.Catalog.T(lang, key, args...))
}
