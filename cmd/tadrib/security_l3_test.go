package main

import (
	"strings"
	"testing"
)

// TestSecurityL3ReportCSVSemicolon: a trainee named so that French Excel,
// which splits CSV lines on semicolons, would find a formula cell in the
// progress report gets every such cell neutralised (SECURITY.md §10, finding L3).
func TestSecurityL3ReportCSVSemicolon(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	u := a.register("police")
	wantStatus(t, u.do("PATCH", "/api/v1/me", map[string]any{"name": "Karim;=cmd|' /C calc'!A0;", "organization": "DGSN,@SUM(1)"}), 200)
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)
	r := tr.do("GET", "/api/v1/reports/courses/"+slug+"?format=csv", nil)
	wantStatus(t, r, 200)
	body := string(r.Body)
	if !strings.Contains(body, "Karim;'=cmd") {
		t.Fatalf("the report does not hold the trainee's row as expected:\n%s", body)
	}
	for _, line := range strings.Split(body, "\n") {
		for _, sep := range []string{",", ";"} {
			for _, cell := range strings.Split(line, sep) {
				cell = strings.TrimLeft(cell, `"`)
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("split on %q, cell %q starts a formula: %q", sep, cell, line)
				}
			}
		}
	}
}
