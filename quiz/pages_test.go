package quiz

// The trainees' pages (the quiz, an attempt as a plain form, the result) in
// French and in Arabic, and the trainers' quiz editor.

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"tadrib/internal/format"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// wantText fails unless the page holds the catalogue's text for key in
// lang, as the templates escape it.
func wantText(t *testing.T, x *env, r webtest.Response, lang, key string, args ...any) {
	t.Helper()
	s := template.HTMLEscapeString(x.Catalog.T(lang, key, args...))
	if !strings.Contains(r.Body, s) {
		t.Errorf("the page in %s lacks %s (%q): %.300s", lang, key, s, r.Body)
	}
}

// TestScoreLineAgreesWithTheScore: French and English put the noun after
// the points obtained, so it agrees with them ("1 point sur 8", not
// "1 points sur 8"); Arabic names the points first and needs no agreement.
func TestScoreLineAgreesWithTheScore(t *testing.T) {
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	for _, c := range []struct {
		lang  string
		score int
		want  string
	}{
		{"fr", 0, "0 point sur 8"}, {"fr", 1, "1 point sur 8"}, {"fr", 2, "2 points sur 8"},
		{"en", 1, "1 point out of 8"}, {"en", 0, "0 points out of 8"},
		{"ar", 1, "النقاط: 1 من 8"}, {"ar", 3, "النقاط: 3 من 8"}, {"ar", 11, "النقاط: 11 من 8"},
	} {
		if got := x.Catalog.N(c.lang, "quiz.score_line", c.score, fmt.Sprint(c.score), "8"); got != c.want {
			t.Errorf("%s, %d of 8: %q, want %q", c.lang, c.score, got, c.want)
		}
	}
}

func redirect(t *testing.T, r webtest.Response, prefix string) string {
	t.Helper()
	r.Want(t, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("redirected to %q, want %s…", loc, prefix)
	}
	return loc
}

func TestTraineePagesInFrenchAndArabic(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{PassMark: ptrTo(50), TimeLimitS: ptrTo(600), Titles: &map[string]string{"ar": "تعاريف"}}, webtest.SixTypesGIFT)
	quizPage := fmt.Sprintf("/quizzes/%d", x.quizID)
	for _, lang := range []string{"fr", "ar"} {
		c := x.As(x.trainee("Nadia-" + lang))
		c.Lang = lang
		p := c.Get(quizPage)
		p.Want(t, http.StatusOK).WantPage(t, lang)
		wantText(t, x, p, lang, "quiz.start")
		wantText(t, x, p, lang, "quiz.pass_mark", format.Percent(lang, 50, 0))
		if title := map[string]string{"fr": "Définitions", "ar": "تعاريف"}[lang]; !strings.Contains(p.Body, "<h1>"+title+"</h1>") {
			t.Errorf("the quiz page in %s is not titled %q", lang, title)
		}

		at := redirect(t, c.Post(quizPage+"/start", url.Values{}), "/attempts/")
		page := c.Get(at)
		page.Want(t, http.StatusOK).WantPage(t, lang)
		wantText(t, x, page, lang, "quiz.submit")
		wantText(t, x, page, lang, "quiz.time_left")
		a, err := x.svc.Get(x.ctx, *c.User, mustID(t, strings.TrimPrefix(at, "/attempts/")))
		if err != nil {
			t.Fatal(err)
		}
		if a.Lang != lang {
			t.Errorf("an attempt started from a page in %s is worded in %q", lang, a.Lang)
		}
		qs := byType(a)
		right := rightAnswers(t, a)
		form := url.Values{"action": {"save"}}
		// The single choice and the matching question right; the true/false
		// question wrong; the numerical one shown but left empty.
		for _, typ := range []string{Single, TrueFalse, Numerical, Matching} {
			form.Set("q_"+qs[typ].ID+"_shown", "1")
		}
		form.Set("q_"+qs[Single].ID, optionID(t, qs[Single].Options, "Palermo"))
		form.Set("q_"+qs[TrueFalse].ID, "false")
		for l, r := range right[qs[Matching].ID].(map[string]any)["pairs"].(map[string]string) {
			form.Set("q_"+qs[Matching].ID+"_"+l, r)
		}
		redirect(t, c.Post(at, form), at+"?saved=1")
		if saved, _ := x.svc.Get(x.ctx, *c.User, mustID(t, a.ID)); len(saved.Answers) != 3 {
			t.Errorf("the form saved %d answers, want 3: %v", len(saved.Answers), saved.Saved)
		}
		// A reload shows what was saved.
		if reload := c.Get(at).Body; !strings.Contains(reload, `value="false" checked`) {
			t.Errorf("the saved true/false answer is not checked on reload")
		}

		form.Set("action", "submit")
		result := redirect(t, c.Post(at, form), at+"/result")
		r := c.Get(result)
		r.Want(t, http.StatusOK).WantPage(t, lang)
		wantText(t, x, r, lang, "quiz.result")
		wantText(t, x, r, lang, "quiz.you_failed", format.Percent(lang, 50, 0)) // 2 of 6
		if line := map[string]string{"fr": "2 points sur 6", "ar": "النقاط: 2 من 6"}[lang]; !strings.Contains(r.Body, line) {
			t.Errorf("the score line in %s is not %q", lang, line)
		}
		// A matched pair reads from the item to its answer, the way the page
		// reads (an arrow is not mirrored by bidi).
		arrow, wrong := " → ", " ← "
		if lang == "ar" {
			arrow, wrong = wrong, arrow
		}
		if !strings.Contains(r.Body, arrow) || strings.Contains(r.Body, wrong) {
			t.Errorf("the matched pairs in %s are not written with %q", lang, arrow)
		}
		// One point: the page counts with the score, not the maximum.
		again := redirect(t, c.Post(quizPage+"/start", url.Values{}), "/attempts/")
		b, err := x.svc.Get(x.ctx, *c.User, mustID(t, strings.TrimPrefix(again, "/attempts/")))
		if err != nil {
			t.Fatal(err)
		}
		one := url.Values{"action": {"submit"}}
		one.Set("q_"+byType(b)[Single].ID+"_shown", "1")
		one.Set("q_"+byType(b)[Single].ID, optionID(t, byType(b)[Single].Options, "Palermo"))
		r1 := c.Get(redirect(t, c.Post(again, one), again+"/result"))
		if line := map[string]string{"fr": "1 point sur 6", "ar": "النقاط: 1 من 6"}[lang]; !strings.Contains(r1.Body, line) {
			t.Errorf("the score line in %s for one point is not %q: %s", lang, line, regexp.MustCompile(`class="meta">[^<]*`).FindAllString(r1.Body, -1))
		}
		wantText(t, x, r, lang, "quiz.review")
		wantText(t, x, r, lang, "quiz.right_answer_label")
		if !strings.Contains(r.Body, "FBK-tf-wrong") {
			t.Errorf("the review in %s lacks the true/false feedback", lang)
		}
		// A finished attempt's page leads to its result, and back.
		redirect(t, c.Get(at), result)
		wantText(t, x, c.Get(quizPage), lang, "quiz.start_again")
	}
	// Nobody else's, and not without signing in.
	stranger := x.As(x.trainee("Omar"))
	stranger.Get("/attempts/1").Want(t, http.StatusNotFound)
	stranger.Get("/attempts/1/result").Want(t, http.StatusNotFound)
	redirect(t, x.Anonymous().Get(quizPage), "/login")
	x.As(x.User("Salma", models.RoleTrainee)).Post(quizPage+"/start", url.Values{}).Want(t, http.StatusForbidden)
}

func TestOnePerPageAndReviewNever(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{OnePerPage: ptrTo(true), Review: ptrTo(ReviewNever), Shuffle: ptrTo(false)}, webtest.SixTypesGIFT)
	c := x.As(x.trainee("Nadia"))
	c.Lang = "fr"
	at := redirect(t, c.Post(fmt.Sprintf("/quizzes/%d/start", x.quizID), url.Values{}), "/attempts/")
	p := c.Get(at)
	p.Want(t, http.StatusOK).WantPage(t, "fr")
	wantText(t, x, p, "fr", "quiz.next")
	if !strings.Contains(p.Body, "Palermo") || strings.Contains(p.Body, "Recruitment") {
		t.Errorf("one per page: the first screen should show the first question only")
	}
	redirect(t, c.Post(at, url.Values{"action": {"next"}, "q": {"1"}}), at+"?q=2")
	second := c.Get(at + "?q=2")
	wantText(t, x, second, "fr", "quiz.prev")
	if !strings.Contains(second.Body, "elements of the definition") {
		t.Errorf("?q=2 does not show the second question")
	}
	redirect(t, c.Post(at, url.Values{"action": {"prev"}, "q": {"2"}}), at+"?q=1")
	if all := c.Get(at + "?q=all"); !strings.Contains(all.Body, "Recruitment") || !strings.Contains(all.Body, "Palermo") {
		t.Errorf("?q=all does not show every question")
	}

	result := redirect(t, c.Post(at, url.Values{"action": {"submit"}}), at+"/result")
	r := c.Get(result)
	r.Want(t, http.StatusOK).WantPage(t, "fr")
	wantText(t, x, r, "fr", "quiz.you_failed", format.Percent("fr", 70, 0))
	if strings.Contains(r.Body, template.HTMLEscapeString(x.Catalog.T("fr", "quiz.review"))) || strings.Contains(r.Body, "points") {
		t.Errorf("review never: the result page shows a review or points")
	}
}

func TestEditorPages(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	author := x.As(x.author)
	author.Lang = "fr"
	editor := fmt.Sprintf("/author/quizzes/%d", x.quizID)
	p := author.Get(editor)
	p.Want(t, http.StatusOK).WantPage(t, "fr")
	if !strings.Contains(p.Body, "Which instrument first defined") {
		t.Error("the editor does not list the bank")
	}
	x.As(x.User("Other", models.RoleTrainer)).Get(editor).Want(t, http.StatusNotFound)
	x.As(x.trainee("Nadia")).Get(editor).Want(t, http.StatusForbidden)

	// Settings.
	bad := author.Post(editor, url.Values{"title": {"Définitions"}, "review": {"after_submit"}, "pass_mark": {"abc"}})
	bad.Want(t, http.StatusUnprocessableEntity)
	wantText(t, x, bad, "fr", "err.range", 0, 100)
	redirect(t, author.Post(editor, url.Values{"title": {"Définitions"}, "review": {"score_only"}, "pass_mark": {"65"},
		"time_limit_min": {"15"}, "shuffle": {"on"}, "title_ar": {"تعاريف"}}), editor+"?saved=1")
	if q := x.quizRow(); q.PassMark != 65 || q.TimeLimitS != 900 || q.Review != ReviewScoreOnly || !q.Shuffle || q.Titles != `{"ar":"تعاريف"}` {
		t.Errorf("settings saved as %+v", q)
	}

	// Questions: a form per type, add, edit, delete.
	for _, typ := range Types {
		author.Get(editor+"/questions/new?type="+typ).Want(t, http.StatusOK).WantPage(t, "fr")
	}
	author.Get(editor+"/questions/new?type=poll").Want(t, http.StatusBadRequest)
	tf := url.Values{"type": {"true_false"}, "stem": {"Le consentement est-il indifférent ?"}, "correct": {"true"}, "points": {"2"}}
	redirect(t, author.Post(editor+"/questions", tf), editor+"?saved=1")
	bank := mustBank(t, x)
	added := bank[len(bank)-1]
	if added.Type != TrueFalse || added.Points != 2 || added.Correct == nil || !*added.Correct {
		t.Fatalf("added from the form: %+v", added)
	}
	mc := url.Values{"type": {"multiple"}, "stem": {"Éléments ?"}, "opt_text_0": {"L'acte"}, "opt_weight_0": {"50"},
		"opt_text_1": {"Les moyens"}, "opt_weight_1": {"50 %"}, "opt_text_2": {"La météo"}, "opt_weight_2": {"-100"}}
	redirect(t, author.Post(editor+"/questions", mc), editor)
	num := url.Values{"type": {"numerical"}, "stem": {"Combien ?"}, "num_value_0": {"3"}, "num_tol_0": {"0"}, "num_weight_0": {"100"},
		"num_min_1": {"2"}, "num_max_1": {"4"}, "num_weight_1": {"50"}}
	redirect(t, author.Post(editor+"/questions", num), editor)
	pairs := url.Values{"type": {"matching"}, "stem": {"Associez"}, "pair_left_0": {"Acte"}, "pair_right_0": {"Recrutement"},
		"pair_left_1": {"Moyen"}, "pair_right_1": {"Tromperie"}}
	redirect(t, author.Post(editor+"/questions", pairs), editor)
	bank = mustBank(t, x)
	if n := len(bank); n != 10 || bank[7].Options[1].Weight != 0.5 || !bank[8].Numbers[1].IsRange || bank[9].Pairs[1].Right != "Tromperie" {
		t.Errorf("questions from the forms: %d, %+v", n, bank[7:])
	}
	invalid := author.Post(editor+"/questions", url.Values{"type": {"single"}, "stem": {""}})
	invalid.Want(t, http.StatusUnprocessableEntity)
	wantText(t, x, invalid, "fr", "err.required")

	qpage := "/author/questions/" + added.ID
	author.Get(qpage).Want(t, http.StatusOK).WantPage(t, "fr")
	tf.Set("stem", "Reformulée")
	redirect(t, author.Post(qpage, tf), editor+"?saved=1")
	tf.Set("stem", " ")
	author.Post(qpage, tf).Want(t, http.StatusUnprocessableEntity)
	author.Get(qpage+"/delete").Want(t, http.StatusOK).WantPage(t, "fr")
	redirect(t, author.Post(qpage+"/delete", url.Values{}), editor+"?saved=1")
	author.Get(qpage).Want(t, http.StatusNotFound)

	// Import.
	author.Get(editor+"/import").Want(t, http.StatusOK).WantPage(t, "fr")
	broken := author.Post(editor+"/import", url.Values{"gift": {"::A:: x {TRUE}\n\n::B:: {=a ~b\n"}})
	broken.Want(t, http.StatusUnprocessableEntity)
	if len(mustBank(t, x)) != 9 {
		t.Error("a refused import from the page changed the bank")
	}
	author.Post(editor+"/import", url.Values{"gift": {"::A:: x {TRUE}\n\n::B:: {=a ~b\n"}, "partial": {"on"}}).Want(t, http.StatusOK).WantPage(t, "fr")
	if len(mustBank(t, x)) != 10 {
		t.Error("a partial import from the page did not add the good question")
	}

	// A new quiz from the page, titled by default in the page's language.
	m2 := models.Module{CourseID: x.course.ID, Slug: "m2", Position: 2}
	if err := x.DB.W.Create(&m2).Error; err != nil {
		t.Fatal(err)
	}
	loc := redirect(t, author.Post(fmt.Sprintf("/author/modules/%d/quiz", m2.ID), url.Values{}), "/author/quizzes/")
	var q models.Quiz
	x.DB.R.Take(&q, "module_id = ?", m2.ID)
	if loc != fmt.Sprintf("/author/quizzes/%d", q.ID) || q.Title != x.Catalog.T("fr", "course.quiz_default_title") {
		t.Errorf("a new quiz from the page: %s %q", loc, q.Title)
	}
}

func TestReportAndGradingPages(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT+"\n::Essay:: Describe a referral you made. {}\n")
	for _, name := range []string{"Nadia", "Salma"} {
		u := x.trainee(name)
		a := x.start(u)
		x.mustSave(u, a, byType(a)[Essay].ID, map[string]any{"text": "Réponse de " + name})
		x.mustSave(u, a, byType(a)[TrueFalse].ID, map[string]any{"value": name == "Nadia"})
		x.submit(u, a)
	}
	for _, lang := range []string{"fr", "ar"} {
		author := x.As(x.author)
		author.Lang = lang
		rep := author.Get(fmt.Sprintf("/author/quizzes/%d/report", x.quizID))
		rep.Want(t, http.StatusOK).WantPage(t, lang)
		wantText(t, x, rep, lang, "report.title")
		if !strings.Contains(rep.Body, `<svg class="chart"`) {
			t.Errorf("the report in %s has no charts", lang)
		}
		g := author.Get("/author/grading")
		g.Want(t, http.StatusOK).WantPage(t, lang)
		if !strings.Contains(g.Body, "Réponse de Nadia") || !strings.Contains(g.Body, "Réponse de Salma") {
			t.Errorf("the grading page in %s does not list both essays", lang)
		}
	}
	queue, err := x.svc.GradingQueue(x.ctx, x.author)
	if err != nil || len(queue) != 2 {
		t.Fatalf("queue: %v %d", err, len(queue))
	}
	author := x.As(x.author)
	redirect(t, author.Post("/author/grading", url.Values{"attempt_id": {queue[0].AttemptID}, "question_id": {queue[0].QuestionID},
		"points": {"1"}, "comment": {"Bien."}}), "/author/grading?done=1")
	author.Post("/author/grading", url.Values{"attempt_id": {queue[1].AttemptID}, "question_id": {queue[1].QuestionID},
		"points": {"9"}}).Want(t, http.StatusBadRequest)
	author.Post("/author/grading", url.Values{"attempt_id": {"x"}}).Want(t, http.StatusNotFound)
	if left, _ := x.svc.GradingQueue(x.ctx, x.author); len(left) != 1 {
		t.Errorf("%d essays left to grade, want 1", len(left))
	}
	x.As(x.User("Other", models.RoleTrainer)).Get(fmt.Sprintf("/author/quizzes/%d/report", x.quizID)).Want(t, http.StatusNotFound)
}
