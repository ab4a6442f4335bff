package main

import (
	"strings"
	"testing"
)

// TestQuizPageSaysHowManyAreDrawn: a quiz that draws 8 of its 12 questions
// says so on its page ("12 questions" misled trainees), in each language.
func TestQuizPageSaysHowManyAreDrawn(t *testing.T) {
	a := newTestApp(t, nil)
	u := a.register("police")
	wantStatus(t, u.do("POST", "/api/v1/courses/"+cohortCourse+"/enroll", nil), 201)
	qid := u.do("GET", "/api/v1/courses/"+cohortCourse, nil).JSON(t)["modules"].([]any)[0].(map[string]any)["quiz"].(map[string]any)["id"].(string)
	b := a.signIn(t, u.Email)
	for lang, want := range map[string]string{
		"fr": "8 questions tirées au hasard parmi 12",
		"en": "8 questions drawn at random from 12",
		"ar": "8 أسئلة تُختار عشوائيًا من بين 12",
	} {
		if page := string(b.get("/quizzes/" + qid + "?lang=" + lang).Body); !strings.Contains(page, want) {
			t.Errorf("%s quiz page lacks %q", lang, want)
		}
	}
}
