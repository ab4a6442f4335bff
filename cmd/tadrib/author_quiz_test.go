package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// signIn logs u in through the login form and returns their browser.
func (a *testApp) signIn(t *testing.T, email string) *browser {
	t.Helper()
	b := a.browser()
	page := b.get("/login")
	wantStatus(t, b.post(page, "/login", url.Values{"email": {email}, "password": {testPassword}}), 303)
	return b
}

// TestQuizEditorPages builds a quiz through the trainer's pages only: one
// question of every type with its form, a GIFT import whose errors are
// listed, the export, the report and the grading queue.
func TestQuizEditorPages(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	b := a.signIn(t, tr.Email)
	course := b.get("/courses/" + slug)
	m := regexp.MustCompile(`action="/author/modules/(\d+)/quiz"`).FindStringSubmatch(string(course.Body))
	if m == nil {
		t.Fatal("the course page offers its editor no 'add a quiz' button")
	}
	r := b.post(course, "/author/modules/"+m[1]+"/quiz", url.Values{})
	wantStatus(t, r, 303)
	editorPath := r.Header.Get("Location")
	editor := b.get(editorPath)
	wantStatus(t, editor, 200)
	quizID := strings.TrimPrefix(editorPath, "/author/quizzes/")

	forms := map[string]url.Values{
		"single":      {"stem": {"Quel instrument définit la traite ?"}, "points": {"2"}, "opt_text_0": {"Le Protocole de Palerme"}, "opt_weight_0": {"100"}, "opt_text_1": {"La Convention de Genève"}, "opt_weight_1": {"0"}},
		"multiple":    {"stem": {"Éléments de la définition ?"}, "opt_text_0": {"L'acte"}, "opt_weight_0": {"50"}, "opt_text_1": {"Le moyen"}, "opt_weight_1": {"50"}, "opt_text_2": {"La météo"}, "opt_weight_2": {"-100"}},
		"true_false":  {"stem": {"Le consentement d'un enfant est indifférent."}, "correct": {"true"}},
		"short":       {"stem": {"Numéro de la loi ?"}, "opt_text_0": {"27-14"}, "opt_weight_0": {"100"}},
		"numerical":   {"stem": {"Combien d'éléments ?"}, "num_value_0": {"3"}, "num_tol_0": {"0"}, "num_weight_0": {"100"}},
		"matching":    {"stem": {"Associez."}, "pair_left_0": {"Acte"}, "pair_right_0": {"Recrutement"}, "pair_left_1": {"Moyen"}, "pair_right_1": {"Tromperie"}},
		"essay":       {"stem": {"Décrivez une orientation."}},
		"description": {"stem": {"Lisez le cas suivant."}},
	}
	for typ, f := range forms {
		page := b.get("/author/quizzes/" + quizID + "/questions/new?type=" + typ)
		wantStatus(t, page, 200)
		f.Set("type", typ)
		f.Set("format", "markdown")
		if r := b.post(page, "/author/quizzes/"+quizID+"/questions", f); r.StatusCode != 303 {
			t.Fatalf("adding a %s question: %d\n%s", typ, r.StatusCode, r.Body)
		}
	}
	// A form with a mistake comes back with the message and what was typed.
	page := b.get("/author/quizzes/" + quizID + "/questions/new?type=single")
	bad := b.post(page, "/author/quizzes/"+quizID+"/questions", url.Values{"type": {"single"}, "stem": {"Sans bonne réponse"}, "opt_text_0": {"a"}, "opt_weight_0": {"50"}})
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), "Sans bonne réponse") || !strings.Contains(string(bad.Body), "field-error") {
		t.Error("an invalid question form is not shown again with its error")
	}
	bank := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil).JSON(t)["items"].([]any)
	if len(bank) != len(forms) {
		t.Fatalf("the bank has %d questions, want %d", len(bank), len(forms))
	}

	imp := b.get("/author/quizzes/" + quizID + "/import")
	res := b.post(imp, "/author/quizzes/"+quizID+"/import", url.Values{"gift": {"::A:: ok {TRUE}\n\n::B:: broken {=x ~y\n"}})
	wantStatus(t, res, 422)
	if !regexp.MustCompile(`Ligne\s*3`).Match(res.Body) {
		t.Errorf("the import page does not list the error's line:\n%s", res.Body)
	}
	ok := b.post(res, "/author/quizzes/"+quizID+"/import", url.Values{"gift": {"::A:: ok {TRUE}\n"}})
	wantStatus(t, ok, 200)

	wantStatus(t, b.get("/api/v1/quizzes/"+quizID+"/export.gift"), 200)
	wantStatus(t, b.get("/author/quizzes/"+quizID+"/report"), 200)
	wantStatus(t, b.get("/author/grading"), 200)

	// Editing and deleting a question.
	qid := bank[0].(map[string]any)["id"].(string)
	edit := b.get("/author/questions/" + qid)
	wantStatus(t, edit, 200)
	del := b.get("/author/questions/" + qid + "/delete")
	wantStatus(t, del, 200)
	wantStatus(t, b.post(del, "/author/questions/"+qid+"/delete", url.Values{}), 303)

	// Another trainer reaches none of it; a trainee gets 403.
	other := a.signIn(t, a.trainer().Email)
	wantStatus(t, other.get("/author/quizzes/"+quizID), 404)
	wantStatus(t, other.get("/author/questions/"+qid), 404)
	trainee := a.signIn(t, a.register("police").Email)
	wantStatus(t, trainee.get("/author/quizzes/"+quizID), 403)
}
