package main

import (
	"encoding/json"
	"testing"
)

// TestSecurityOverrideUserOracle: the override endpoint gives extra time or
// attempts to a trainee of the course only, and answers an unknown id and an
// existing account that is not in the course alike, so that a trainer cannot
// learn which account ids exist.
func TestSecurityOverrideUserOracle(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, map[string]any{"max_attempts": 1})
	in := enrolled(t, a, slug)
	outsider := a.register("police") // exists, not enrolled
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/overrides", map[string]any{"user_id": in.ID, "extra_attempts": 1}), 200)
	unknown := tr.do("POST", "/api/v1/quizzes/"+quizID+"/overrides", map[string]any{"user_id": "999999", "extra_attempts": 1})
	other := tr.do("POST", "/api/v1/quizzes/"+quizID+"/overrides", map[string]any{"user_id": outsider.ID, "extra_attempts": 1})
	wantProblem(t, unknown, 400, "user_id")
	wantProblem(t, other, 400, "user_id")
	var a1, a2 map[string]any
	_ = json.Unmarshal(unknown.Body, &a1)
	_ = json.Unmarshal(other.Body, &a2)
	delete(a1, "instance")
	delete(a2, "instance")
	if b1, _ := json.Marshal(a1); string(b1) != func() string { b2, _ := json.Marshal(a2); return string(b2) }() {
		t.Errorf("an unknown id and an account outside the course answer differently:\n%s\n%s", unknown.Body, other.Body)
	}
}
