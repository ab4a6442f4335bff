package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"tadrib/models"
)

// Nothing lives in one node (issue 14, point 2): through HAProxy, what one
// node makes holds on the other at once — a session and its logout, a CSRF
// token, a login lockout count, an idempotent submit, a revocation, an
// attempt's deadline and a change to a quiz's bank. Each step is made on one
// node and checked on the other; the proxy's X-Served-By header proves which
// node answered.
func TestTwoNodesBehindHAProxyShareEverything(t *testing.T) {
	a, b := twoNodes(t, nil)
	tr, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 600})

	t.Run("session and logout", func(t *testing.T) {
		u := a.register("police")
		wantStatus(t, on(b, u).do("GET", "/api/v1/me", nil), 200)
		wantStatus(t, on(b, u).do("POST", "/api/v1/auth/logout", nil), 204)
		wantStatus(t, u.do("GET", "/api/v1/me", nil), 401)
	})

	t.Run("CSRF token", func(t *testing.T) {
		u := a.register("police")
		r := a.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword})
		wantStatus(t, r, 200)
		csrf, _ := r.JSON(t)["csrf_token"].(string)
		var cookie string
		for _, c := range r.Cookies() {
			if c.Name == a.sessionsCookie() {
				cookie = c.Name + "=" + c.Value
			}
		}
		if csrf == "" || cookie == "" {
			t.Fatalf("login gave no session cookie or CSRF token: %v %s", r.Header, r.Body)
		}
		wantStatus(t, b.do("POST", "/api/v1/courses/"+slug+"/enroll", nil, "Cookie", cookie, "X-CSRF-Token", "forged"), 403)
		wantStatus(t, b.do("POST", "/api/v1/courses/"+slug+"/enroll", nil, "Cookie", cookie, "X-CSRF-Token", csrf), 201)
	})

	t.Run("login lockout count", func(t *testing.T) {
		u := a.register("police")
		// Ten wrong passwords, alternating nodes, lock the account on both.
		for i := range 10 {
			n := []*testApp{a, b}[i%2]
			wantStatus(t, n.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": "wrong password " + strconv.Itoa(i)}), 401)
		}
		for _, n := range []*testApp{a, b} {
			wantStatus(t, n.do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}), 429)
		}
	})

	u := enrolled(t, a, slug)
	t.Run("idempotent submit", func(t *testing.T) {
		at := start(t, u, quizID, 201)
		answers := rightAnswers(t, at)
		for qid, body := range answers {
			wantStatus(t, on(b, u).do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
		}
		first := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
		wantStatus(t, first, 200)
		again := on(b, u).do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
		wantStatus(t, again, 200)
		if s1, s2 := first.JSON(t)["score"], again.JSON(t)["score"]; s1 != s2 || first.JSON(t)["passed"] != true {
			t.Errorf("submit on node1 graded %v, again on node2 %v (passed %v)", s1, s2, first.JSON(t)["passed"])
		}
		var graded int64
		a.db.R.Model(&models.Attempt{}).Where("quiz_id = ? AND status <> ?", quizID, models.AttemptInProgress).Count(&graded)
		if graded != 1 {
			t.Errorf("%d graded attempts after two submits, want 1", graded)
		}
	})

	t.Run("revocation", func(t *testing.T) {
		completeCourse(t, on(b, u), slug, quizID)
		r := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
		wantStatus(t, r, 201)
		code := r.JSON(t)["code"].(string)
		if got := verifyJSON(b, code).JSON(t)["status"]; got != "valid" {
			t.Fatalf("a fresh certificate verifies as %v on node2", got)
		}
		wantStatus(t, tr.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "Erreur de saisie"}), 200)
		if got := verifyJSON(b, code).JSON(t)["status"]; got != "revoked" {
			t.Errorf("revoked on node1, node2 verifies it as %v", got)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		v := enrolled(t, b, slug)
		at := start(t, v, quizID, 201)
		if at.Deadline == nil {
			t.Fatal("a timed attempt has no deadline")
		}
		answers := rightAnswers(t, at)
		qs := byType(at)
		single, tf := qs["single"]["id"].(string), qs["true_false"]["id"].(string)
		wantStatus(t, on(a, v).do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+single, answers[single]), 204)
		// On node1 the deadline node2 set has passed (its clock is 11 minutes
		// on): the answer is refused there.
		later := time.Now().Add(11 * time.Minute)
		a.quizzes.Now = func() time.Time { return later }
		defer func() { a.quizzes.Now = time.Now }()
		wantStatus(t, on(a, v).do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+tf, answers[tf]), 409)
	})

	t.Run("bank change", func(t *testing.T) {
		before := start(t, enrolled(t, b, slug), quizID, 201) // node2 renders the bank and keeps it
		bank := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil)
		wantStatus(t, bank, 200)
		first := bank.JSON(t)["items"].([]any)[0].(map[string]any)
		first["stem"] = "Reworded on node1."
		wantStatus(t, tr.do("PUT", "/api/v1/questions/"+first["id"].(string), first), 200)
		after := start(t, enrolled(t, b, slug), quizID, 201)
		stems := func(at attempt) string {
			var s []string
			for _, q := range at.Questions {
				s = append(s, q["stem"].(string))
			}
			return strings.Join(s, "\n")
		}
		if strings.Contains(stems(before), "Reworded on node1") || !strings.Contains(stems(after), "Reworded on node1") {
			t.Errorf("node2 did not see node1's edit at once:\nbefore:\n%s\nafter:\n%s", stems(before), stems(after))
		}
	})
}

// sessionsCookie is the session cookie's name for this app's configuration.
func (a *testApp) sessionsCookie() string {
	if a.cfg.Secure() {
		return "__Host-tadrib_session"
	}
	return "tadrib_session"
}
