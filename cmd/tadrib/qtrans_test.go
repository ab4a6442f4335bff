package main

import (
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"tadrib/courses/coursepkg/pkgtest"
	"testing"
)

// bankByName returns the quiz's bank questions by their GIFT name.
func bankByName(t *testing.T, tr user, quizID string) map[string]map[string]any {
	t.Helper()
	r := tr.do("GET", "/api/v1/quizzes/"+quizID+"/questions", nil)
	wantStatus(t, r, 200)
	out := map[string]map[string]any{}
	for _, q := range r.JSON(t)["items"].([]any) {
		q := q.(map[string]any)
		out[q["name"].(string)] = q
	}
	return out
}

// withTranslation is q with translations set, as a PUT body.
func withTranslation(q map[string]any, tr map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range q {
		out[k] = v
	}
	out["translations"] = tr
	return out
}

func TestQuestionTranslationValidation(t *testing.T) {
	a := newTestApp(t, nil)
	tr, _, quizID := quizCourse(t, a, nil)
	qs := bankByName(t, tr, quizID)
	single, matching := qs["Q1 single"], qs["Q6 matching"]
	cases := []struct {
		name  string
		q     map[string]any
		trans map[string]any
		field string
	}{
		{"unknown language", single, map[string]any{"de": map[string]any{"stem": "Welches?"}}, "translations.de"},
		{"too few options", single, map[string]any{"ar": map[string]any{"options": []string{"أ"}}}, "translations.ar.options"},
		{"too many pairs", matching, map[string]any{"en": map[string]any{"right": []string{"a", "b", "c", "d"}}}, "translations.en.right"},
		{"right items merged", matching, map[string]any{"ar": map[string]any{"right": []string{"تجنيد", "تجنيد", "استغلال"}}}, "translations.ar.right"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, tr.do("PUT", "/api/v1/questions/"+c.q["id"].(string), withTranslation(c.q, c.trans)), 400, c.field)
		})
	}
	wantProblem(t, tr.do("PATCH", "/api/v1/quizzes/"+quizID, map[string]any{"titles": map[string]string{"xx": "?"}}), 400, "titles.xx")
	// An empty translation is no translation: the question stays untranslated.
	r := tr.do("PUT", "/api/v1/questions/"+single["id"].(string), withTranslation(single, map[string]any{"ar": map[string]any{"stem": " ", "options": []string{"", "", ""}}}))
	wantStatus(t, r, 200)
	if _, ok := r.JSON(t)["translations"]; ok {
		t.Errorf("an empty translation was stored: %s", r.Body)
	}
}

// translatedQuiz gives the test bank an Arabic wording for the single, the
// short and the matching questions, and an Arabic title.
func translatedQuiz(t *testing.T, a *testApp) (user, string, string) {
	t.Helper()
	tr, slug, quizID := quizCourse(t, a, nil)
	qs := bankByName(t, tr, quizID)
	wantStatus(t, tr.do("PUT", "/api/v1/questions/"+qs["Q1 single"]["id"].(string), withTranslation(qs["Q1 single"], map[string]any{
		"ar": map[string]any{"stem": "أي صك عرّف الاتجار بالبشر دوليًا أولًا؟", "options": []string{"بروتوكول باليرمو", "اتفاقية جنيف", ""}}})), 200)
	wantStatus(t, tr.do("PUT", "/api/v1/questions/"+qs["Q4 short"]["id"].(string), withTranslation(qs["Q4 short"], map[string]any{
		"ar": map[string]any{"stem": "ما رقم القانون المغربي المتعلق بالاتجار بالبشر؟", "options": []string{"سبعة وعشرون أربعة عشر", ""}}})), 200)
	wantStatus(t, tr.do("PUT", "/api/v1/questions/"+qs["Q6 matching"]["id"].(string), withTranslation(qs["Q6 matching"], map[string]any{
		"ar": map[string]any{"left": []string{"الفعل", "الوسيلة", "الغرض"}, "right": []string{"التجنيد", "الخداع", "الاستغلال"}}})), 200)
	r := tr.do("PATCH", "/api/v1/quizzes/"+quizID, map[string]any{"titles": map[string]string{"ar": "التعاريف"}})
	wantStatus(t, r, 200)
	if r.JSON(t)["titles"].(map[string]any)["ar"] != "التعاريف" {
		t.Fatalf("the Arabic title is not stored: %s", r.Body)
	}
	return tr, slug, quizID
}

func submitAll(t *testing.T, u user, at attempt, answers map[string]any) map[string]any {
	t.Helper()
	for qid, body := range answers {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	r := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
	wantStatus(t, r, 200)
	return r.JSON(t)
}

func TestAttemptInTraineesLanguage(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := translatedQuiz(t, a)
	ar, fr := enrolled(t, a, slug), enrolled(t, a, slug)

	r := ar.do("POST", "/api/v1/quizzes/"+quizID+"/attempts?lang=ar", nil)
	wantStatus(t, r, 201)
	var atAr attempt
	if err := json.Unmarshal(r.Body, &atAr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r.Body), `"lang":"ar"`) {
		t.Errorf("the attempt does not say it is in Arabic: %s", r.Body)
	}
	qAr := byType(atAr)
	if !strings.Contains(qAr["single"]["stem"].(string), "أي صك") {
		t.Errorf("the Arabic attempt shows stem %q", qAr["single"]["stem"])
	}
	optionID(t, qAr["single"], "options", "بروتوكول باليرمو")
	optionID(t, qAr["single"], "options", "The Hague Convention") // left empty: the original
	optionID(t, qAr["matching"], "left", "الفعل")
	if !strings.Contains(qAr["true_false"]["stem"].(string), "consent of a child") {
		t.Errorf("an untranslated question does not fall back to its original: %q", qAr["true_false"]["stem"])
	}
	for _, secret := range []string{"27-14", "سبعة وعشرون", "translations"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("the Arabic attempt reveals %q", secret)
		}
	}

	atFr := start(t, fr, quizID, 201)
	if s := byType(atFr)["single"]["stem"].(string); !strings.Contains(s, "Which instrument") {
		t.Errorf("the French trainee's attempt shows stem %q, want the original", s)
	}

	// The trainer rewords the Arabic: the attempt started keeps its wording.
	qs := bankByName(t, tr, quizID)
	wantStatus(t, tr.do("PUT", "/api/v1/questions/"+qs["Q1 single"]["id"].(string), withTranslation(qs["Q1 single"], map[string]any{
		"ar": map[string]any{"stem": "صياغة جديدة", "options": []string{"باليرمو", "جنيف", "لاهاي"}}})), 200)
	again := ar.do("GET", "/api/v1/attempts/"+atAr.ID+"?lang=fr", nil)
	wantStatus(t, again, 200)
	if strings.Contains(string(again.Body), "صياغة جديدة") || !strings.Contains(string(again.Body), "أي صك") {
		t.Errorf("the attempt's wording changed after an edit: %s", again.Body)
	}
	// A second tab in French resumes the same Arabic attempt.
	resumed := ar.do("POST", "/api/v1/quizzes/"+quizID+"/attempts?lang=fr", nil)
	wantStatus(t, resumed, 200)
	if !strings.Contains(string(resumed.Body), `"id":"`+atAr.ID+`"`) || !strings.Contains(string(resumed.Body), "أي صك") {
		t.Errorf("a French tab does not resume the Arabic attempt as frozen: %s", resumed.Body)
	}

	// Same grading in both languages: choice ids, pairs, and a short answer
	// accepted in Arabic.
	ansAr := map[string]any{
		qAr["single"]["id"].(string):     map[string]any{"choice": optionID(t, qAr["single"], "options", "باليرمو")},
		qAr["multiple"]["id"].(string):   map[string]any{"choices": []string{optionID(t, qAr["multiple"], "options", "act"), optionID(t, qAr["multiple"], "options", "means")}},
		qAr["true_false"]["id"].(string): map[string]any{"value": true},
		qAr["short"]["id"].(string):      map[string]any{"text": "سبعة وعشرون أربعة عشر"},
		qAr["numerical"]["id"].(string):  map[string]any{"number": 3},
		qAr["matching"]["id"].(string): map[string]any{"pairs": map[string]any{
			optionID(t, qAr["matching"], "left", "الفعل"):   optionID(t, qAr["matching"], "right", "التجنيد"),
			optionID(t, qAr["matching"], "left", "الوسيلة"): optionID(t, qAr["matching"], "right", "الخداع"),
			optionID(t, qAr["matching"], "left", "الغرض"):   optionID(t, qAr["matching"], "right", "الاستغلال"),
		}},
	}
	resAr := submitAll(t, ar, atAr, ansAr)
	resFr := submitAll(t, fr, atFr, rightAnswers(t, atFr))
	if resAr["percent"] != 100.0 || resFr["percent"] != 100.0 {
		t.Errorf("right answers score %v in Arabic and %v in French, want 100 both", resAr["percent"], resFr["percent"])
	}
	// The Arabic accepted answer is Arabic's only: a French attempt typing
	// it scores nothing on that question, while the original stays accepted
	// in Arabic.
	fr2 := enrolled(t, a, slug)
	at2 := start(t, fr2, quizID, 201)
	q2 := byType(at2)
	res2 := submitAll(t, fr2, at2, map[string]any{q2["short"]["id"].(string): map[string]any{"text": "سبعة وعشرون أربعة عشر"}})
	if res2["score"] != 0.0 {
		t.Errorf("the Arabic answer scored %v in a French attempt", res2["score"])
	}
	ar2 := enrolled(t, a, slug)
	r = ar2.do("POST", "/api/v1/quizzes/"+quizID+"/attempts?lang=ar", nil)
	wantStatus(t, r, 201)
	var at3 attempt
	_ = json.Unmarshal(r.Body, &at3)
	res3 := submitAll(t, ar2, at3, map[string]any{byType(at3)["short"]["id"].(string): map[string]any{"text": "27-14"}})
	if res3["score"] != 1.0 {
		t.Errorf("the original answer scored %v in an Arabic attempt, want 1", res3["score"])
	}
}

var attemptLink = regexp.MustCompile(`/attempts/(\d+)`)

func TestTranslatedQuizPages(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := translatedQuiz(t, a)
	qs := bankByName(t, tr, quizID)
	single := qs["Q1 single"]["id"].(string)

	// The trainer's pages: the marker, then a translation saved by the form.
	b := a.signIn(t, tr.Email)
	editor := b.get("/author/quizzes/" + quizID)
	wantStatus(t, editor, 200)
	body := string(editor.Body)
	if !strings.Contains(body, "Non traduit\u202f: ar, en") || !strings.Contains(body, "Non traduit\u202f: en<") {
		t.Errorf("the question list does not mark what is untranslated: %s", body)
	}
	if !strings.Contains(body, `name="title_ar"`) || !strings.Contains(body, `value="التعاريف"`) {
		t.Error("the quiz settings have no Arabic title")
	}
	form := b.get("/author/questions/" + single)
	wantStatus(t, form, 200)
	if !strings.Contains(string(form.Body), `name="tr_ar_stem"`) || !strings.Contains(string(form.Body), "بروتوكول باليرمو") {
		t.Fatalf("the question form has no Arabic block with the saved text")
	}
	if strings.Contains(string(form.Body), `name="tr_fr_stem"`) {
		t.Error("the form offers to translate into the course's own language")
	}
	fields := url.Values{"type": {"single"}, "format": {"markdown"}, "name": {"Q1 single"}, "points": {"1"},
		"stem":       {"Which instrument first defined trafficking in persons internationally?"},
		"opt_text_0": {"The Palermo Protocol"}, "opt_weight_0": {"100"}, "opt_text_1": {"The Geneva Convention"}, "opt_weight_1": {"0"},
		"opt_text_2": {"The Hague Convention"}, "opt_weight_2": {"0"},
		"tr_en_stem": {"Which treaty came first?"}, "tr_en_opt_0": {"Palermo"}, "tr_en_opt_1": {"Geneva"}, "tr_en_opt_2": {"The Hague"},
		"tr_ar_stem": {"أي صك؟"}, "tr_ar_opt_0": {"باليرمو"}, "tr_ar_opt_1": {"جنيف"}, "tr_ar_opt_2": {"لاهاي"}}
	wantStatus(t, b.send("POST", "/author/questions/"+single, fields.Encode()), 403) // no CSRF token
	wantStatus(t, b.post(form, "/author/questions/"+single, fields), 303)
	q := tr.do("GET", "/api/v1/questions/"+single, nil).JSON(t)
	trs, _ := q["translations"].(map[string]any)
	if en, _ := trs["en"].(map[string]any); en == nil || en["stem"] != "Which treaty came first?" || len(en["options"].([]any)) != 3 {
		t.Fatalf("the form did not save the English translation: %v", q["translations"])
	}
	editor = b.get("/author/quizzes/" + quizID)
	if n := strings.Count(string(editor.Body), "Non traduit"); n != 5 {
		t.Errorf("%d questions marked untranslated after translating one fully, want 5", n)
	}

	// An Arabic trainee takes it through the pages.
	u := enrolled(t, a, slug)
	tb := a.signIn(t, u.Email)
	overview := tb.get("/quizzes/" + quizID + "?lang=ar") // remembered in a cookie
	wantStatus(t, overview, 200)
	if !strings.Contains(string(overview.Body), "التعاريف") {
		t.Error("the quiz page does not show the Arabic title")
	}
	if course := tb.get("/courses/" + slug); !strings.Contains(string(course.Body), "التعاريف") {
		t.Error("the course page does not show the quiz's Arabic title")
	}
	started := tb.post(overview, "/quizzes/"+quizID+"/start", url.Values{})
	wantStatus(t, started, 303)
	page := tb.get(started.Header.Get("Location"))
	wantStatus(t, page, 200)
	for _, want := range []string{"أي صك؟", "لاهاي", "التعاريف", `dir="rtl"`, "consent of a child"} {
		if !strings.Contains(string(page.Body), want) {
			t.Errorf("the Arabic attempt page lacks %q", want)
		}
	}
	if m := attemptLink.FindStringSubmatch(started.Header.Get("Location")); m == nil {
		t.Fatalf("start redirected to %q", started.Header.Get("Location"))
	}
}

// rezip is a package with some of its files replaced.
func rezip(t *testing.T, data []byte, replace map[string]string) []byte {
	t.Helper()
	files := pkgtest.Files(t, data)
	var entries []pkgtest.Entry
	for _, name := range keys(files) {
		b := files[name]
		if r, ok := replace[name]; ok {
			b = r
		}
		entries = append(entries, pkgtest.Entry{Name: name, Body: []byte(b)})
	}
	return pkgtest.Zip(t, entries...)
}

func TestQuizTranslationsInPackage(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := translatedQuiz(t, a)
	data := exportZip(t, tr, slug)
	files := pkgtest.Files(t, data)
	var arFile string
	for name := range files {
		if strings.HasSuffix(name, "/quiz.ar.gift") {
			arFile = name
		}
	}
	if arFile == "" || !strings.Contains(files[arFile], "بروتوكول باليرمو") {
		t.Fatalf("the package has no Arabic quiz file: %v", keys(files))
	}
	manifest := files["course.yaml"]
	if !strings.Contains(manifest, arFile) || !strings.Contains(manifest, "التعاريف") {
		t.Errorf("the manifest does not name the Arabic quiz or title:\n%s", manifest)
	}

	b := newTestApp(t, nil)
	importer := b.trainer()
	wantStatus(t, importZip(importer, "copie", data), 201)
	bankOf := func(a *testApp, u user, slug string) (string, any) {
		c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
		qid := c["modules"].([]any)[0].(map[string]any)["quiz"].(map[string]any)["id"].(string)
		r := u.do("GET", "/api/v1/quizzes/"+qid+"/questions", nil)
		wantStatus(t, r, 200)
		var items struct {
			Items []map[string]any `json:"items"`
		}
		_ = json.Unmarshal(r.Body, &items)
		for _, q := range items.Items {
			delete(q, "id")
		}
		bj, _ := json.Marshal(items.Items)
		return string(bj), u.do("GET", "/api/v1/quizzes/"+qid, nil).JSON(t)["titles"]
	}
	wantBank, wantTitles := bankOf(a, tr, slug)
	gotBank, gotTitles := bankOf(b, importer, "copie")
	if wantBank != gotBank {
		t.Errorf("the imported bank differs:\nwant %s\ngot  %s", wantBank, gotBank)
	}
	if !strings.Contains(wantBank, "سبعة وعشرون") {
		t.Error("the compared bank holds no translation")
	}
	if !reflect.DeepEqual(wantTitles, gotTitles) {
		t.Errorf("titles %v, want %v", gotTitles, wantTitles)
	}
	_ = quizID

	// A translation whose structure differs from the original is refused,
	// naming its file and line, and nothing is imported.
	broken := strings.Replace(files[arFile], "~%-100%", "~%-50%", 1)
	if broken == files[arFile] {
		t.Fatalf("no weight to break in:\n%s", files[arFile])
	}
	r := importZip(importer, "cassee", rezip(t, data, map[string]string{arFile: broken}))
	if r.StatusCode < 400 || r.StatusCode >= 500 || !strings.Contains(string(r.Body), arFile) || !strings.Contains(string(r.Body), "weight") {
		t.Errorf("a mismatched translation: %d %s", r.StatusCode, r.Body)
	}
	wantStatus(t, importer.do("GET", "/api/v1/courses/cassee", nil), 404)
	// Packages without translations still load (the seed is one).
	plain := regexp.MustCompile(`(?m)^ +translations:\n( +ar: .*\n)`).ReplaceAllString(manifest, "")
	if plain == manifest {
		t.Fatalf("no translations entry to remove in:\n%s", manifest)
	}
	wantStatus(t, importZip(importer, "sans", rezip(t, data, map[string]string{"course.yaml": plain})), 201)
	if plainBank, _ := bankOf(b, importer, "sans"); strings.Contains(plainBank, "translations") {
		t.Error("a package without translations imported some")
	}
}
