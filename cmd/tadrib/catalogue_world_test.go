package main

import (
	"context"
	"net/url"
	"strings"
	"tadrib/internal/webtest"
	"testing"
	"time"
)

// The people and objects the security catalogue's tests (SECURITY.md §2.11)
// act on: a published course with a module, two lessons, a quiz and its
// questions, an image; a trainee who finished it (a submitted attempt, a
// certificate) and has a second attempt in progress; a cohort following the
// course, run by a trainer who did not write it, with both trainees as
// members; a pending invitation; an account for the administration routes.

// catPeople are the callers of the access matrix, made once per test app
// (an account costs an argon2id hash).
type catPeople struct {
	owner        user // the trainee whose attempt, certificate, invitation and membership they are
	trainee      user // another trainee: same course, same cohort
	otherTrainer user // a trainer with a course and a cohort of their own
	cohortTr     user // the course's trainer: runs the cohort that follows it, did not author it
	author       user // the course's author
	admin        user
}

func newCatPeople(t *testing.T, a *testApp) catPeople {
	t.Helper()
	p := catPeople{owner: a.register("police"), trainee: a.register("police"), otherTrainer: a.trainer(),
		cohortTr: a.trainer(), author: a.trainer(), admin: a.admin()}
	wantStatus(t, p.owner.do("PATCH", "/api/v1/me", map[string]any{"name": catOwnerName}), 200)
	// The other trainer has a course and a cohort of their own, so that
	// "a trainer of another course" is a trainer with something to protect.
	slug := "cat-autre-" + next()
	wantStatus(t, p.otherTrainer.do("POST", "/api/v1/courses", map[string]any{"slug": slug, "title": "Autre cours",
		"summary": "Un autre cours.", "hours": 1, "audiences": []string{"police"}, "locale": "fr"}), 201)
	wantStatus(t, p.otherTrainer.do("POST", "/api/v1/cohorts", map[string]any{"name": "Autre session", "starts_on": "2026-12-01",
		"ends_on": "2026-12-05", "place": "Fès", "course_slugs": []string{slug}}), 201)
	return p
}

// catOwnerName is the owner's name, looked for where it must not be.
const catOwnerName = "Nadia Propriétaire-Confidentielle"

// catWorld is one set of objects; a request that may have changed one
// (a delete, a submit, a revocation…) makes the matrix build another.
type catWorld struct {
	slug, module, lesson, quiz, question string
	attempt, attemptQ                    string // the owner's attempt in progress and one of its questions
	submitted                            string // the owner's submitted attempt
	cohort, joinToken                    string
	invitation, inviteToken              string
	cert                                 string
	image                                string
	victim, setPasswordToken             string // an account for /admin/users/:id
	kid                                  string
}

func newCatWorld(t *testing.T, a *testApp, p catPeople) catWorld {
	t.Helper()
	var w catWorld
	au := p.author
	w.slug = "cat-cours-" + next()
	wantStatus(t, au.do("POST", "/api/v1/courses", map[string]any{"slug": w.slug, "title": "Identifier et orienter",
		"summary": "Un cours du catalogue.", "hours": 2, "audiences": []string{"police"}, "locale": "fr"}), 201)
	m := au.do("POST", "/api/v1/courses/"+w.slug+"/modules", map[string]any{"slug": "identifier", "title": "Identifier"})
	wantStatus(t, m, 201)
	w.module = m.JSON(t)["id"].(string)
	l := au.do("POST", "/api/v1/modules/"+w.module+"/lessons", map[string]any{"title": "Leçon", "body_md": "Les **indicateurs**.", "minutes": 5})
	wantStatus(t, l, 201)
	w.lesson = l.JSON(t)["id"].(string)
	q := au.do("POST", "/api/v1/modules/"+w.module+"/quiz", map[string]any{"title": "Définitions", "pass_mark": 50})
	wantStatus(t, q, 201)
	w.quiz = q.JSON(t)["id"].(string)
	wantStatus(t, au.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", []byte(webtest.SixTypesGIFT), "Content-Type", "text/plain; charset=utf-8"), 200)
	qs := au.do("GET", "/api/v1/quizzes/"+w.quiz+"/questions", nil)
	wantStatus(t, qs, 200)
	w.question = qs.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	img := uploadImage(au, w.slug, "schema.png", webtest.PNG(t, uint8(serial.Add(1))))
	wantStatus(t, img, 201)
	w.image = img.JSON(t)["sha256"].(string) + ".png"
	if u := img.JSON(t)["url"].(string); !strings.HasSuffix(u, "/images/"+w.image) {
		t.Fatalf("image url %q does not end in /images/%s", u, w.image)
	}
	wantStatus(t, au.do("PATCH", "/api/v1/courses/"+w.slug, map[string]any{"published": true}), 200)

	// The cohort trainer's cohort follows the course; both trainees join.
	co := p.cohortTr.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session catalogue", "starts_on": "2026-12-01",
		"ends_on": "2026-12-05", "place": "Rabat", "course_slugs": []string{w.slug}})
	wantStatus(t, co, 201)
	w.cohort = co.JSON(t)["id"].(string)
	w.joinToken = lastSegment(co.JSON(t)["invite_url"].(string))
	for _, u := range []user{p.owner, p.trainee} {
		wantStatus(t, u.do("POST", "/api/v1/cohorts/join/"+w.joinToken, nil), 200)
	}

	// The owner finishes the course, claims the certificate and starts
	// again; the other trainee starts too.
	completeCourse(t, p.owner, w.slug, w.quiz)
	at := p.owner.do("GET", "/api/v1/quizzes/"+w.quiz+"/attempts", nil)
	wantStatus(t, at, 200)
	w.submitted = at.JSON(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	c := p.owner.do("POST", "/api/v1/courses/"+w.slug+"/certificate", nil)
	wantStatus(t, c, 201)
	w.cert = c.JSON(t)["code"].(string)
	again := start(t, p.owner, w.quiz, 201)
	// The short-answer question: the matrix answers it with a text (the
	// attempt's question order is shuffled).
	w.attempt, w.attemptQ = again.ID, byType(again)["short"]["id"].(string)

	// A second cohort of the same trainer invites the owner personally.
	co2 := p.cohortTr.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session suivante", "starts_on": "2027-01-10",
		"ends_on": "2027-01-12", "place": "Rabat", "course_slugs": []string{w.slug}})
	wantStatus(t, co2, 201)
	inv := p.cohortTr.do("POST", "/api/v1/cohorts/"+co2.JSON(t)["id"].(string)+"/members", map[string]any{"members": []map[string]any{
		{"name": "Invitée", "email": p.owner.Email, "profession": "police"}}})
	wantStatus(t, inv, 200)
	w.inviteToken = lastSegment(m4InviteURL(t, inv))
	mine := p.owner.do("GET", "/api/v1/me/invitations", nil)
	wantStatus(t, mine, 200)
	for _, it := range mine.JSON(t)["items"].([]any) {
		if it.(map[string]any)["cohort"] == "Session suivante" {
			w.invitation = it.(map[string]any)["id"].(string)
		}
	}
	if w.invitation == "" {
		t.Fatalf("the owner has no invitation: %s", mine.Body)
	}

	// An account for the administration routes, with a set-password link.
	v := a.register("judiciary")
	w.victim = v.ID
	tok, err := a.accounts.PasswordSetToken(context.Background(), mustInt(t, v.ID), mustInt(t, p.admin.ID), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	w.setPasswordToken = tok

	jwks := a.do("GET", "/.well-known/jwks.json", nil)
	wantStatus(t, jwks, 200)
	w.kid = jwks.JSON(t)["keys"].([]any)[0].(map[string]any)["kid"].(string)
	return w
}

// lastSegment is the last path segment of a link.
func lastSegment(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return u.Path[strings.LastIndex(u.Path, "/")+1:]
}

// fillPath puts the world's objects in a route pattern: each parameter is
// named by the segment before it (":id" after "lessons" is the lesson).
func (w catWorld) fillPath(t *testing.T, p catPeople, pattern string) string {
	t.Helper()
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, ":") && s != "*" {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		var v string
		switch s {
		case "*":
			v = "app.css"
		case ":slug":
			v = w.slug
		case ":qid":
			v = w.attemptQ
		case ":user":
			v = p.owner.ID
		case ":code":
			v = w.cert
		case ":code.json":
			v = w.cert + ".json"
		case ":name":
			v = w.image
		case ":kid":
			v = w.kid
		case ":action":
			v = "disable"
		case ":token":
			v = map[string]string{"join": w.joinToken, "invite": w.inviteToken, "set-password": w.setPasswordToken}[prev]
		case ":id":
			if prev == "attempts" && strings.HasSuffix(pattern, "/result") {
				v = w.submitted // a result is shown once submitted
				break
			}
			v = map[string]string{"lessons": w.lesson, "modules": w.module, "quizzes": w.quiz, "questions": w.question,
				"attempts": w.attempt, "cohorts": w.cohort, "invitations": w.invitation, "users": w.victim}[prev]
		}
		if v == "" {
			t.Fatalf("no object for %s in %s", s, pattern)
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}
