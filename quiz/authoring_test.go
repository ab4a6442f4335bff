package quiz

// Authoring: who may create and edit a quiz and its questions (the course's
// author and admins; to anyone else who may not edit it the bank does not
// exist), validation by field, the bank version that drops cached banks,
// GIFT import and export, and course packages.

import (
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"tadrib/courses/coursepkg"
	"tadrib/internal/webtest"
	"tadrib/models"
)

func TestQuizSettingsValidation(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, "")
	mid := x.course.Modules[0].ID
	_, err := x.svc.CreateQuiz(x.ctx, x.author, mid, Settings{})
	webtest.WantFields(t, err, "title")
	_, err = x.svc.CreateQuiz(x.ctx, x.author, mid, Settings{Title: ptrTo("  "), Titles: &map[string]string{"de": "Quiz"},
		PassMark: ptrTo(101), TimeLimitS: ptrTo(-1), MaxAttempts: ptrTo(1001), Draw: ptrTo(-1), Review: ptrTo("sometimes")})
	webtest.WantFields(t, err, "title", "titles.de", "pass_mark", "time_limit_s", "max_attempts", "draw", "review")
	_, err = x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, Settings{Title: ptrTo(strings.Repeat("é", 201)), Titles: &map[string]string{"ar": strings.Repeat("ب", 201)}})
	webtest.WantFields(t, err, "title", "titles.ar")

	// An update changes only what it names; titles are trimmed, empty ones dropped.
	q, err := x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, Settings{PassMark: ptrTo(80), Titles: &map[string]string{"ar": " تعاريف ", "en": ""}})
	if err != nil || q.PassMark != 80 || q.Title != "Définitions" || q.Review != ReviewAfterSubmit || !q.Shuffle || len(q.Titles) != 1 || q.TitleIn("ar") != "تعاريف" || q.TitleIn("en") != "Définitions" {
		t.Errorf("update: %v %+v", err, q)
	}
}

func TestWhoMayEditAQuiz(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	trainee := x.trainee("Nadia")
	other := x.User("Other", models.RoleTrainer)
	admin := x.User("Admin", models.RoleAdmin)
	m2 := models.Module{CourseID: x.course.ID, Slug: "m2", Position: 2, Texts: []models.ModuleText{{Lang: "fr", Title: "Module 2"}}}
	if err := x.DB.W.Create(&m2).Error; err != nil {
		t.Fatal(err)
	}
	title := Settings{Title: ptrTo("Quiz 2")}

	// Creating: a published course's module is seen, not editable.
	for _, u := range []models.User{trainee, other} {
		if _, err := x.svc.CreateQuiz(x.ctx, u, m2.ID, title); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s creates a quiz: %v, want ErrForbidden", u.Name, err)
		}
	}
	if _, err := x.svc.CreateQuiz(x.ctx, x.author, 999999, title); !errors.Is(err, ErrNotFound) {
		t.Errorf("a quiz for an unknown module: %v, want ErrNotFound", err)
	}
	if _, err := x.svc.CreateQuiz(x.ctx, x.author, x.course.Modules[0].ID, title); !errors.Is(err, ErrQuizExists) {
		t.Errorf("a second quiz for a module: %v, want ErrQuizExists", err)
	}
	q2, err := x.svc.CreateQuiz(x.ctx, admin, m2.ID, title)
	if err != nil || q2.Title != "Quiz 2" || q2.PassMark != 70 || !q2.Shuffle || q2.Review != ReviewAfterSubmit || q2.QuestionCount != 0 {
		t.Errorf("an admin creates a quiz with the defaults: %v %+v", err, q2)
	}

	// Editing: to those who may not, the quiz's bank does not exist.
	bank, err := x.svc.Bank(x.ctx, x.quizID)
	if err != nil || len(bank) != 6 {
		t.Fatalf("bank: %v %d", err, len(bank))
	}
	qid := mustID(t, bank[0].ID)
	tf := Question{Type: TrueFalse, Stem: "Added.", Correct: ptrTo(true)}
	for _, u := range []models.User{trainee, other} {
		for name, err := range map[string]error{
			"update":   second(x.svc.UpdateQuiz(x.ctx, u, x.quizID, Settings{PassMark: ptrTo(10)})),
			"add":      second(x.svc.AddQuestion(x.ctx, u, x.quizID, tf)),
			"import":   second(x.svc.ImportGIFT(x.ctx, u, x.quizID, "::X:: x {TRUE}", false)),
			"export":   second(x.svc.ExportGIFTFor(x.ctx, u, x.quizID)),
			"question": second3(x.svc.Question(x.ctx, u, qid)),
			"replace":  second(x.svc.UpdateQuestion(x.ctx, u, qid, tf)),
			"delete":   second(x.svc.DeleteQuestion(x.ctx, u, qid)),
			"items":    second(x.svc.Items(x.ctx, u, x.quizID)),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: %s: %v, want ErrNotFound", u.Name, name, err)
			}
		}
	}
	if _, err := x.svc.UpdateQuiz(x.ctx, x.author, 999999, Settings{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown quiz: %v, want ErrNotFound", err)
	}
	if _, _, err := x.svc.Question(x.ctx, x.author, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown question: %v, want ErrNotFound", err)
	}
	if _, err := x.svc.UpdateQuiz(x.ctx, admin, x.quizID, Settings{PassMark: ptrTo(60)}); err != nil {
		t.Errorf("an admin edits any quiz: %v", err)
	}
	if q := x.quizRow(); q.PassMark != 60 || len(mustBank(t, x)) != 6 {
		t.Errorf("refused edits changed the quiz: pass mark %d, %d questions", q.PassMark, len(mustBank(t, x)))
	}
}

func second[T any](_ T, err error) error { return err }

func second3[T, U any](_ T, _ U, err error) error { return err }

func mustBank(t *testing.T, x *env) []Question {
	t.Helper()
	b, err := x.svc.Bank(x.ctx, x.quizID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestQuestionValidation(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		q    Question
		want []string
	}{
		"unknown type":   {Question{Type: "poll", Stem: "x"}, []string{"type"}},
		"no stem":        {Question{Type: TrueFalse, Correct: ptrTo(true)}, []string{"stem"}},
		"no answer":      {Question{Type: TrueFalse, Stem: "x"}, []string{"correct"}},
		"no full marks":  {Question{Type: Single, Stem: "x", Options: []Option{{Text: "a", Weight: 0.5}, {Text: "b"}}}, []string{"options"}},
		"weight":         {Question{Type: Multiple, Stem: "x", Options: []Option{{Text: "a", Weight: 2}}}, []string{"options", "options"}},
		"multiple short": {Question{Type: Multiple, Stem: "x", Options: []Option{{Text: "a", Weight: 0.5}, {Text: "b", Weight: -1}}}, []string{"options"}},
		"no options":     {Question{Type: Short, Stem: "x"}, []string{"options"}},
		"points":         {Question{Type: Essay, Stem: "x", Points: 1001}, []string{"points"}},
		"format":         {Question{Type: Essay, Stem: "x", Format: "rtf"}, []string{"format"}},
		"numbers":        {Question{Type: Numerical, Stem: "x", Numbers: []NumericAnswer{{IsRange: true, Min: 2, Max: 1, Weight: 1}}}, []string{"numbers"}},
		"no numbers":     {Question{Type: Numerical, Stem: "x"}, []string{"numbers"}},
		"one pair":       {Question{Type: Matching, Stem: "x", Pairs: []Pair{{Left: "a", Right: "b"}}}, []string{"pairs"}},
		"empty right":    {Question{Type: Matching, Stem: "x", Pairs: []Pair{{Left: "a", Right: "b"}, {Left: "c", Right: " "}}}, []string{"pairs"}},
		"too many":       {Question{Type: Single, Stem: "x", Options: make([]Option, MaxItems+1)}, []string{"options", "options"}},
		"fine":           {Question{Type: Description, Stem: "Read this.", Points: 3}, []string{}},
	} {
		got := []string{}
		for _, f := range ValidateQuestion(&c.q) {
			got = append(got, f.Field)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: fields %v, want %v", name, got, c.want)
		}
		if name == "fine" && c.q.Points != 0 {
			t.Errorf("a description keeps %v points, want 0", c.q.Points)
		}
	}
}

// Every change of the bank moves its version on (so that every node drops
// its cached bank); a change of settings does not.
func TestBankVersionAndQuestions(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{Shuffle: ptrTo(false)}, "")
	v := x.quizRow().BankVersion
	step := func(what string, err error, moves bool) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		now := x.quizRow().BankVersion
		if moves && now != v+1 || !moves && now != v {
			t.Errorf("%s: bank version %d → %d", what, v, now)
		}
		v = now
	}
	q, err := x.svc.AddQuestion(x.ctx, x.author, x.quizID, Question{Type: Single, Stem: "Which **law**?",
		Options: []Option{{Text: "27-14", Weight: 1}, {Text: "65-99"}}})
	step("add", err, true)
	if q.ID == "" || q.Points != 1 || q.Options[0].ID != "1" || q.Options[1].ID != "2" {
		t.Errorf("added: %+v, want an id, 1 point and options 1, 2", q)
	}
	_, err = x.svc.AddQuestion(x.ctx, x.author, x.quizID, Question{Type: Single, Stem: ""})
	webtest.WantFields(t, err, "stem", "options")
	step("a refused add", nil, false)
	_, err = x.svc.ImportGIFT(x.ctx, x.author, x.quizID, "::T:: Vrai ? {TRUE}\n\n::M:: Paires {=a -> 1 =b -> 2 =c -> 1}\n", false)
	step("import", err, true)
	_, err = x.svc.UpdateQuiz(x.ctx, x.author, x.quizID, Settings{PassMark: ptrTo(40)})
	step("settings", err, false)

	// A started attempt keeps what it froze through edits and deletions.
	u := x.trainee("Nadia")
	a := x.start(u)
	qid := mustID(t, q.ID)
	got, quizID, err := x.svc.Question(x.ctx, x.author, qid)
	if err != nil || quizID != x.quizID || got.Stem != "Which **law**?" {
		t.Fatalf("question: %v %d %+v", err, quizID, got)
	}
	got.Stem = "Which *law* number?"
	_, err = x.svc.UpdateQuestion(x.ctx, x.author, qid, got)
	step("update", err, true)
	got.Options = nil
	_, err = x.svc.UpdateQuestion(x.ctx, x.author, qid, got)
	webtest.WantFields(t, err, "options")
	from, err := x.svc.DeleteQuestion(x.ctx, x.author, qid)
	step("delete", err, true)
	if from != x.quizID {
		t.Errorf("deleted from quiz %d, want %d", from, x.quizID)
	}
	if b := mustBank(t, x); len(b) != 2 || b[0].Type != TrueFalse || b[1].Pairs[2].RightID != "r1" {
		t.Errorf("bank after the delete: %+v (a right text two pairs share is one item)", b)
	}
	if old, _ := x.svc.Get(x.ctx, u, mustID(t, a.ID)); len(old.Questions) != 3 || !strings.Contains(old.Questions[0].Stem, "<strong>law</strong>") {
		t.Errorf("the attempt started before the edits: %+v", old.Questions)
	}
	if fresh := x.start(x.trainee("Salma")); len(fresh.Questions) != 2 {
		t.Errorf("an attempt started after the delete has %d questions, want 2", len(fresh.Questions))
	}
	if _, err := x.svc.DeleteQuestion(x.ctx, x.author, qid); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
}

func TestGIFTImportAndExport(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{}, webtest.SixTypesGIFT)
	v := x.quizRow().BankVersion
	broken := "::Good:: Fine. {TRUE}\n\n::Broken:: Never closes {=yes ~no\n\n::Good two:: Fine too. {FALSE}\n"
	res, err := x.svc.ImportGIFT(x.ctx, x.author, x.quizID, broken, false)
	if err != nil || res.Imported != 0 || len(res.Errors) == 0 || res.Errors[0].Line != 3 {
		t.Fatalf("a broken import: %v %+v, want nothing imported and an error at line 3", err, res)
	}
	if n := len(mustBank(t, x)); n != 6 || x.quizRow().BankVersion != v {
		t.Errorf("a refused import changed the bank: %d questions, version %d → %d", n, v, x.quizRow().BankVersion)
	}
	res, err = x.svc.ImportGIFT(x.ctx, x.author, x.quizID, broken, true)
	if err != nil || res.Imported != 2 || len(res.Errors) != 1 || res.Errors[0].Line != 3 {
		t.Errorf("a partial import: %v %+v, want 2 imported and the error at line 3", err, res)
	}
	// A question that parses but is not valid is reported at its line.
	res, _ = x.svc.ImportGIFT(x.ctx, x.author, x.quizID, "::A:: Fine. {TRUE}\n\n::B:: None right? {~a ~b}\n", false)
	if res.Imported != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 3 || !strings.HasPrefix(res.Errors[0].Message, "options") {
		t.Errorf("an invalid question: %+v, want one error on options at line 3", res)
	}

	text, err := x.svc.ExportGIFTFor(x.ctx, x.author, x.quizID)
	if err != nil {
		t.Fatal(err)
	}
	qs, errs := ParseGIFT(text)
	if len(errs) != 0 || len(qs) != 8 {
		t.Fatalf("the export reads back as %d questions, errors %+v", len(qs), errs)
	}
	bank := mustBank(t, x)
	for i := range qs {
		if qs[i].Type != bank[i].Type || qs[i].Stem != bank[i].Stem || qs[i].Name != bank[i].Name {
			t.Errorf("question %d exported as %+v, bank has %+v", i+1, qs[i], bank[i])
		}
	}
}

// A bank holds at most MaxQuestions; an import that would pass it is
// refused at the line of the first question too many.
func TestQuestionLimit(t *testing.T) {
	t.Parallel()
	qs := []Question{{Line: 1}, {Line: 5}, {Line: 9}}
	if e, over := overLimit(MaxQuestions-2, qs); !over || e.Line != 9 {
		t.Errorf("two places left for three: %+v %v, want the third's line, 9", e, over)
	}
	if _, over := overLimit(MaxQuestions-3, qs); over {
		t.Error("three places for three: refused")
	}
	x := newEnv(t, Settings{}, "")
	var b strings.Builder
	for range MaxQuestions {
		b.WriteString("::Q:: Vrai ? {TRUE}\n\n")
	}
	x.importGIFT(b.String())
	res, err := x.svc.ImportGIFT(x.ctx, x.author, x.quizID, "::One more:: Vrai ? {TRUE}\n", false)
	if err != nil || res.Imported != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 1 {
		t.Errorf("one question too many: %v %+v", err, res)
	}
	if _, err := x.svc.AddQuestion(x.ctx, x.author, x.quizID, Question{Type: TrueFalse, Stem: "x", Correct: ptrTo(true)}); !errors.Is(err, ErrTooManyQuestions) {
		t.Errorf("adding a question to a full bank: %v, want ErrTooManyQuestions", err)
	}
}

// A course package carries a quiz's settings and its questions as GIFT,
// and brings them back whole, or reports every problem with its line.
func TestQuizPackages(t *testing.T) {
	t.Parallel()
	x := newEnv(t, Settings{PassMark: ptrTo(60), TimeLimitS: ptrTo(600), MaxAttempts: ptrTo(3), Draw: ptrTo(4),
		Review: ptrTo(ReviewScoreOnly), Titles: &map[string]string{"ar": "تعاريف"}}, webtest.SixTypesGIFT)
	st, gift, ok, err := x.svc.ExportQuiz(x.ctx, x.course.Modules[0].ID)
	if err != nil || !ok || st.Title != "Définitions" || st.PassMark != 60 || st.TimeLimitS != 600 || st.MaxAttempts != 3 ||
		st.Draw != 4 || st.Review != ReviewScoreOnly || !st.Shuffle || st.Titles["ar"] != "تعاريف" {
		t.Fatalf("export: %v %v %+v", err, ok, st)
	}
	m2 := models.Module{CourseID: x.course.ID, Slug: "m2", Position: 2}
	if err := x.DB.W.Create(&m2).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := x.svc.ExportQuiz(x.ctx, m2.ID); ok || err != nil {
		t.Errorf("a module without a quiz: ok=%v %v", ok, err)
	}

	// Broken settings and GIFT: every problem, nothing created.
	bad := st
	bad.PassMark, bad.Review = 200, "sometimes"
	err = x.DB.W.Transaction(func(tx *gorm.DB) error {
		return x.svc.ImportQuiz(x.ctx, tx, m2.ID, bad, "::A:: Fine. {TRUE}\n\n::B:: Never closes {=a ~b\n")
	})
	var perrs coursepkg.PackageErrors
	if !errors.As(err, &perrs) || len(perrs) != 3 || perrs[0].File != "course.yaml" || perrs[1].File != "course.yaml" || perrs[2].Line != 3 {
		t.Fatalf("a broken package: %v, want two settings problems and one at line 3", err)
	}
	var n int64
	x.DB.R.Model(&models.Quiz{}).Where("module_id = ?", m2.ID).Count(&n)
	if n != 0 {
		t.Fatal("a broken package created a quiz")
	}

	err = x.DB.W.Transaction(func(tx *gorm.DB) error { return x.svc.ImportQuiz(x.ctx, tx, m2.ID, st, gift) })
	if err != nil {
		t.Fatal(err)
	}
	back, gift2, ok, err := x.svc.ExportQuiz(x.ctx, m2.ID)
	if err != nil || !ok || gift2 != gift || back.PassMark != 60 || back.Review != ReviewScoreOnly || back.Titles["ar"] != "تعاريف" || back.Draw != 4 {
		t.Errorf("imported then exported again: %v %+v\n%s", err, back, gift2)
	}
}
