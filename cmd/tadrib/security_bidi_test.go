package main

import (
	"strings"
	"testing"
)

// TestSecurityBidiNames: a name holding bidirectional formatting characters
// (here U+202E, which makes "Simon\u202EilA" read "Simon Ali" on a page
// while it prints reversed on a certificate and escapes searches) is refused
// wherever a name is typed: registration, profile, a cohort's member list, a
// certificate issued to a named person, a corrected name. Nothing is stored.
func TestSecurityBidiNames(t *testing.T) {
	a := newTestApp(t, nil)
	const spoof = "Simon\u202EilA"
	wantProblem(t, a.do("POST", "/api/v1/auth/register", map[string]any{"email": "bidi@example.org", "password": testPassword,
		"name": spoof, "profession": "police"}), 400, "name")
	u := a.register("police")
	wantProblem(t, u.do("PATCH", "/api/v1/me", map[string]any{"name_ar": "أمينة\u2067x\u2069"}), 400, "name_ar")
	wantProblem(t, u.do("PATCH", "/api/v1/me", map[string]any{"organization": "DGSN\u200F"}), 400, "organization")
	if me := u.do("GET", "/api/v1/me", nil).JSON(t); strings.ContainsAny(me["name_ar"].(string)+me["organization"].(string), "\u2067\u200F") {
		t.Errorf("a refused profile change was stored: %v", me)
	}

	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	c := createCohort(t, tr, "Session bidi")
	r := tr.do("POST", "/api/v1/cohorts/"+c["id"].(string)+"/members", map[string]any{"members": []any{
		map[string]any{"name": spoof, "email": "spoof@example.org", "profession": "police"}}})
	wantStatus(t, r, 200)
	if rej := r.JSON(t)["rejected"].([]any); len(rej) != 1 || rej[0].(map[string]any)["reason"] != "invalid_text" {
		t.Errorf("a member named with U+202E: rejected = %v, want invalid_text", rej)
	}

	wantProblem(t, tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"name": spoof, "profession": "police"}}}), 400, "holders[0].name")
	issued := tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"name": "Simon Ali", "profession": "police"}}})
	wantStatus(t, issued, 201)
	code := issued.JSON(t)["items"].([]any)[0].(map[string]any)["code"].(string)
	wantProblem(t, tr.do("POST", "/api/v1/certificates/"+code+"/reissue", map[string]any{"name": spoof, "reason": "faute de frappe"}), 400, "name")
}
