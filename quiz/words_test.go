package quiz_test

// Issue 11, points 5, 7 and 8, as a trainee and a trainer meet them: an
// Arabic trainee's quiz marks the texts shown in French for want of a
// translation (lang, dir, isolated, with the lessons' "untranslated" note);
// the editor offers the translated answers of a new question before its
// first save; a GIFT import's problems are in the reader's language; the
// quiz editor leads back to the course editor.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"tadrib/certs"
	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
	"tadrib/quiz"
)

func wordsEnv(t *testing.T) (*webtest.Env, *quiz.Service, models.User, models.Course) {
	t.Helper()
	e := webtest.New(t)
	cs := courses.NewService(e.DB, quiz.NewProgress(e.DB), certs.NewCodes(e.DB))
	svc := quiz.NewService(e.DB, cs)
	quiz.NewHandler(svc, e.Renderer).Routes(e.App, e.API)
	tr := e.User("Karim", models.RoleTrainer)
	c := e.Course(fmt.Sprintf("mots-%d", len(t.Name())), 1, &tr)
	return e, svc, tr, c
}

func settings() quiz.Settings {
	title, shuffle := "Quiz", false
	return quiz.Settings{Title: &title, Shuffle: &shuffle}
}

func TestArabicAttemptMarksFrenchFallbacks(t *testing.T) {
	t.Parallel()
	e, svc, tr, c := wordsEnv(t)
	ctx := context.Background()
	qz, err := svc.CreateQuiz(ctx, tr, c.Modules[0].ID, settings())
	if err != nil {
		t.Fatal(err)
	}
	var qid int64
	fmt.Sscan(qz.ID, &qid)
	// One question translated into Arabic, one not.
	one := quiz.Question{Type: quiz.Single, Stem: "Quel niveau ?", Points: 1, Options: []quiz.Option{
		{Text: "débutant", Weight: 1}, {Text: "intermédiaire"}}}
	two := one
	two.Stem = "Quel risque ?"
	two.Translations = map[string]quiz.QuestionText{"ar": {Stem: "ما الخطر؟", Options: []string{"منخفض", "مرتفع"}}}
	for _, q := range []quiz.Question{one, two} {
		if _, err := svc.AddQuestion(ctx, tr, qid, q); err != nil {
			t.Fatal(err)
		}
	}
	nadia := e.User("Nadia", models.RoleTrainee)
	if err := e.DB.W.Create(&models.Enrolment{UserID: nadia.ID, CourseID: c.ID}).Error; err != nil {
		t.Fatal(err)
	}
	b := e.As(nadia)
	b.Lang = "ar"
	r := b.Post(fmt.Sprintf("/quizzes/%d/start", qid), nil)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/attempts/") {
		t.Fatalf("start: %d %s", r.Status, loc)
	}
	page := b.Get(loc+"?q=all").Want(t, 200).Body
	// The French question: its stem and options say they are French, left
	// to right, and the lessons' note says why.
	for _, want := range []string{
		`<div class="stem prose" lang="fr" dir="ltr"><p>Quel niveau ?</p></div>`,
		`<span lang="fr" dir="ltr">débutant</span>`,
		e.Catalog.T("ar", "content.untranslated"),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the Arabic attempt lacks %q", want)
		}
	}
	// The translated one is Arabic, its direction left to the text.
	if !strings.Contains(page, `<span dir="auto">منخفض</span>`) || strings.Count(page, e.Catalog.T("ar", "content.untranslated")) != 1 {
		t.Errorf("the translated question is marked as a fallback:\n%s", page)
	}
}

func TestQuestionFormOffersTranslatedAnswersBeforeSaving(t *testing.T) {
	t.Parallel()
	e, svc, tr, c := wordsEnv(t)
	qz, err := svc.CreateQuiz(context.Background(), tr, c.Modules[0].ID, settings())
	if err != nil {
		t.Fatal(err)
	}
	page := e.As(tr).Get("/author/quizzes/"+qz.ID+"/questions/new?type=short").Want(t, 200).Body
	for _, want := range []string{`name="tr_ar_opt_0"`, `name="tr_en_opt_0"`, e.Catalog.T("fr", "qtrans.short_hint")} {
		if !strings.Contains(page, want) {
			t.Errorf("a new short-answer question's form lacks %q", want)
		}
	}
	// The quiz editor leads back to the course editor, and its checkboxes
	// are plain labels (no green check mark class on them in the CSS).
	ed := e.As(tr).Get("/author/quizzes/"+qz.ID).Want(t, 200).Body
	if !strings.Contains(ed, `href="/author/courses/`+c.Slug+`#module-`) {
		t.Error("the quiz editor's way back is not the course editor")
	}
	// French names languages in lower case inside a sentence.
	if !strings.Contains(ed, "Titre en arabe") {
		t.Error(`the quiz editor lacks "Titre en arabe"`)
	}
}

func TestGIFTImportSpeaksTheReadersLanguage(t *testing.T) {
	t.Parallel()
	e, svc, tr, c := wordsEnv(t)
	qz, err := svc.CreateQuiz(context.Background(), tr, c.Modules[0].ID, settings())
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"fr": "« abc » n’est pas un nombre",
		"ar": "ليس رقمًا",
		"en": `&#34;abc&#34; is not a number`, // html/template escapes the quotes
	} {
		b := e.As(tr)
		b.Lang = lang
		page := b.Post("/author/quizzes/"+qz.ID+"/import", url.Values{"gift": {"Combien ? {#abc}"}}).Want(t, 422).Body
		if !strings.Contains(page, want) || (lang != "en" && strings.Contains(page, "is not a number")) {
			t.Errorf("%s: the import page does not say %q in its language", lang, want)
		}
	}
}
