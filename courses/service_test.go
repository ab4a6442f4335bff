package courses

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"tadrib/internal/web"
	"tadrib/models"
)

func catalogSlugs(items []CatalogItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Slug)
	}
	return out
}

// TestCatalogShowsEachViewerWhatTheyMaySee: published courses to everyone;
// a draft to its author and to admins only.
func TestCatalogShowsEachViewerWhatTheyMaySee(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	other := e.User("Omar", models.RoleTrainer)
	admin := e.User("Admin", models.RoleAdmin)
	trainee := e.User("Nadia", models.RoleTrainee)
	e.Course("publie", 1, &author)
	e.set(t, e.Course("brouillon-amina", 1, &author), "published", false)
	e.set(t, e.Course("brouillon-omar", 1, &other), "published", false)

	for _, tc := range []struct {
		name   string
		viewer *models.User
		want   []string
	}{
		{"visitor", nil, []string{"publie"}},
		{"trainee", &trainee, []string{"publie"}},
		{"author", &author, []string{"publie", "brouillon-amina"}},
		{"another trainer", &other, []string{"publie", "brouillon-omar"}},
		{"admin", &admin, []string{"publie", "brouillon-amina", "brouillon-omar"}},
	} {
		items, err := e.svc.Catalog(t.Context(), tc.viewer, "", "fr")
		if err != nil {
			t.Fatal(err)
		}
		if got := catalogSlugs(items); !slices.Equal(got, tc.want) {
			t.Errorf("%s sees %v, want %v", tc.name, got, tc.want)
		}
		for _, it := range items {
			// openapi.json, CatalogItem: enrolled and progress are absent for visitors.
			if (it.Enrolled == nil) != (tc.viewer == nil) || (it.Progress == nil) != (tc.viewer == nil) {
				t.Errorf("%s, %s: enrolled %v, progress %v", tc.name, it.Slug, it.Enrolled, it.Progress)
			}
		}
	}
}

func TestCatalogFiltersByProfession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.set(t, e.Course("police-justice", 1, nil), "audiences", "police,judiciary")
	e.set(t, e.Course("inspection", 1, nil), "audiences", "labour_inspector")
	e.Course("pour-tous", 1, nil) // no audience: listed only without a filter

	for profession, want := range map[string][]string{
		"":                 {"police-justice", "inspection", "pour-tous"},
		"police":           {"police-justice"},
		"judiciary":        {"police-justice"}, // the last of a list
		"labour_inspector": {"inspection"},
		"child_protection": {},
	} {
		items, err := e.svc.Catalog(t.Context(), nil, profession, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if got := catalogSlugs(items); !slices.Equal(got, want) {
			t.Errorf("profession %q: %v, want %v", profession, got, want)
		}
	}
	items, _ := e.svc.Catalog(t.Context(), nil, "police", "fr")
	if len(items) == 1 && !slices.Equal(items[0].Audiences, []string{"police", "judiciary"}) {
		t.Errorf("audiences %v, want [police judiciary]", items[0].Audiences)
	}
}

// TestCatalogItem: what one card of the catalogue says for a trainee: the
// modules, whether they follow it and how far, the language of its title,
// and where a path starts.
func TestCatalogItem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	u := e.User("Nadia", models.RoleTrainee)
	base := e.Course("base", 2, nil)
	e.addModule(t, base, "m2", 2, 1)
	metier := e.Course("metier", 1, nil)
	e.set(t, metier, "prerequisites", "base,cache")
	e.set(t, e.Course("cache", 1, nil), "published", false)
	e.translate(t, metier)
	e.enrol(t, u, base)
	e.complete(t, u, lessons(base)[0])

	items, err := e.svc.Catalog(t.Context(), &u, "", "ar")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]CatalogItem{}
	for _, it := range items {
		by[it.Slug] = it
	}
	b, m := by["base"], by["metier"]
	if b.ModuleCount != 2 || !*b.Enrolled || b.Progress.Percent != 33 {
		t.Errorf("base: %d modules, enrolled %v, %d %%; want 2, true, 33 (1 of 3 lessons)", b.ModuleCount, *b.Enrolled, b.Progress.Percent)
	}
	if *m.Enrolled || m.Progress.Percent != 0 || m.Progress.CompletedAt != nil {
		t.Errorf("metier, not followed: enrolled %v, progress %+v", *m.Enrolled, *m.Progress)
	}
	if !b.Untranslated || b.Title != "Cours base" {
		t.Errorf("base has no Arabic: title %q untranslated %v, want the French title marked", b.Title, b.Untranslated)
	}
	if m.Untranslated || m.Title != "دورة metier" {
		t.Errorf("metier in Arabic: title %q untranslated %v", m.Title, m.Untranslated)
	}
	// The draft prerequisite stays in the list of slugs but is not offered
	// as a place to start: the trainee cannot see it.
	if !slices.Equal(m.Prerequisites, []string{"base", "cache"}) ||
		!slices.Equal(m.StartWith, []CourseRef{{Slug: "base", Title: "Cours base"}}) {
		t.Errorf("metier: prerequisites %v, start with %v", m.Prerequisites, m.StartWith)
	}
	if got := catalogSlugs(items); slices.Index(got, "base") > slices.Index(got, "metier") {
		t.Errorf("order %v: base must come before metier", got)
	}
}

// TestCourseVisibility: a draft is not found for whoever may not edit it,
// and an unknown slug is not found for anyone.
func TestCourseVisibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	other := e.User("Omar", models.RoleTrainer)
	admin := e.User("Admin", models.RoleAdmin)
	trainee := e.User("Nadia", models.RoleTrainee)
	e.Course("publie", 1, &author)
	e.set(t, e.Course("brouillon", 1, &author), "published", false)

	for _, tc := range []struct {
		name     string
		viewer   *models.User
		slug     string
		wantErr  error
		wantEdit bool
	}{
		{"visitor, published", nil, "publie", nil, false},
		{"trainee, published", &trainee, "publie", nil, false},
		{"other trainer, published", &other, "publie", nil, false},
		{"author, published", &author, "publie", nil, true},
		{"visitor, draft", nil, "brouillon", ErrNotFound, false},
		{"trainee, draft", &trainee, "brouillon", ErrNotFound, false},
		{"other trainer, draft", &other, "brouillon", ErrNotFound, false},
		{"author, draft", &author, "brouillon", nil, true},
		{"admin, draft", &admin, "brouillon", nil, true},
		{"admin, unknown", &admin, "inconnu", ErrNotFound, false},
	} {
		d, err := e.svc.Course(t.Context(), tc.slug, tc.viewer, "fr")
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.wantErr)
			continue
		}
		if err == nil && (d.CanEdit != tc.wantEdit || d.Slug != tc.slug) {
			t.Errorf("%s: slug %q can_edit %v, want %q %v", tc.name, d.Slug, d.CanEdit, tc.slug, tc.wantEdit)
		}
	}
}

// TestCourseOutlineAndProgress: the outline in reading order with each
// lesson's completion and each module's quiz; progress counts lessons and
// quizzes, and the course is completed only when every lesson is read and
// every quiz passed.
func TestCourseOutlineAndProgress(t *testing.T) {
	t.Parallel()
	passed := map[int64]bool{} // by user id
	var quizModule int64
	quizzes := quizzesFunc(func(userID, _ int64) map[int64]QuizStatus {
		st := QuizStatus{ModuleID: quizModule, QuizID: 77, Title: "Quiz", PassMark: 80, Passed: passed[userID]}
		if passed[userID] {
			st.BestPercent = ptr(90.0)
			st.PassedAt = ptr(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
		}
		return map[int64]QuizStatus{quizModule: st}
	})
	e := newEnv(t, quizzes, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("parcours", 2, nil)
	quizModule = c.Modules[0].ID
	introID, intro := e.addModule(t, c, "intro", 0, 1) // before m1
	ids := append(intro, lessons(c)...)

	d, err := e.svc.Course(t.Context(), "parcours", &u, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if d.Enrolled || d.Progress.Percent != 0 || d.ResumeLessonID() != ids[0] {
		t.Errorf("before enrolling: enrolled %v, %d %%, resume %d; want false, 0, %d", d.Enrolled, d.Progress.Percent, d.ResumeLessonID(), ids[0])
	}
	if len(d.Modules) != 2 || d.Modules[0].ID != strconv.FormatInt(introID, 10) || d.Modules[1].Slug != "m1" {
		t.Fatalf("modules %+v, want intro then m1", d.Modules)
	}
	if d.Modules[0].Quiz != nil || d.Modules[1].Quiz == nil || d.Modules[1].Quiz.ID != "77" || d.Modules[1].Quiz.PassMark != 80 {
		t.Errorf("quizzes: intro %+v, m1 %+v; want only m1's, id 77", d.Modules[0].Quiz, d.Modules[1].Quiz)
	}

	e.enrol(t, u, c)
	e.complete(t, u, ids[1], ids[0])
	d, _ = e.svc.Course(t.Context(), "parcours", &u, "fr")
	done := []bool{d.Modules[0].Lessons[0].Completed, d.Modules[1].Lessons[0].Completed, d.Modules[1].Lessons[1].Completed}
	if !d.Enrolled || !slices.Equal(done, []bool{true, true, false}) {
		t.Errorf("enrolled %v, lessons done %v; want true, [true true false]", d.Enrolled, done)
	}
	// 2 of 3 lessons and 0 of 1 quiz.
	if d.Progress.Percent != 50 || d.Progress.CompletedAt != nil || d.ResumeLessonID() != ids[2] {
		t.Errorf("progress %d %% completed %v resume %d; want 50, nil, %d", d.Progress.Percent, d.Progress.CompletedAt, d.ResumeLessonID(), ids[2])
	}

	e.complete(t, u, ids[2])
	d, _ = e.svc.Course(t.Context(), "parcours", &u, "fr")
	if d.Progress.Percent != 75 || d.Progress.CompletedAt != nil || d.ResumeLessonID() != 0 {
		t.Errorf("every lesson, no quiz: %d %% completed %v resume %d; want 75, nil, 0", d.Progress.Percent, d.Progress.CompletedAt, d.ResumeLessonID())
	}

	passed[u.ID] = true
	d, _ = e.svc.Course(t.Context(), "parcours", &u, "fr")
	if d.Progress.Percent != 100 || d.Progress.CompletedAt == nil || !d.Modules[1].Quiz.Passed {
		t.Fatalf("quiz passed too: %d %% completed %v; want 100 and a date", d.Progress.Percent, d.Progress.CompletedAt)
	}
	// Completed when the last step was: here the quiz, passed after the lessons.
	if want := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC); !d.Progress.CompletedAt.Equal(want) {
		t.Errorf("completed at %v, want the quiz's pass %v", d.Progress.CompletedAt, want)
	}
}

func TestCourseFailsWhenTheQuizzesCannotBeRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, failingQuizzes{}, nil)
	u := e.User("Nadia", models.RoleTrainee)
	e.Course("cours", 1, nil)
	if _, err := e.svc.Course(t.Context(), "cours", &u, "fr"); !errors.Is(err, errQuizStore) {
		t.Errorf("error %v, want the quiz store's", err)
	}
	// A visitor has no progress to compute: the page still shows.
	if _, err := e.svc.Course(t.Context(), "cours", nil, "fr"); err != nil {
		t.Errorf("visitor: %v", err)
	}
	if m, err := NewService(e.DB, nil, nil).CourseQuizzes(t.Context(), u.ID, 1, "fr"); err != nil || len(m) != 0 {
		t.Errorf("a service without quizzes: %v, %v; want none", m, err)
	}
}

// TestEnrol: enrolling is idempotent (one row, "new" only the first time),
// and a course one may not see cannot be joined.
func TestEnrol(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 1, nil)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)

	for i, want := range []bool{true, false, false} {
		created, err := e.svc.Enrol(t.Context(), u, "cours")
		if err != nil || created != want {
			t.Errorf("enrolment %d: new %v, %v; want %v", i+1, created, err, want)
		}
	}
	if n := e.count(t, &models.Enrolment{}, "user_id = ? AND course_id = ?", u.ID, c.ID); n != 1 {
		t.Errorf("%d enrolment rows, want 1", n)
	}
	for _, slug := range []string{"brouillon", "inconnu"} {
		if _, err := e.svc.Enrol(t.Context(), u, slug); !errors.Is(err, ErrNotFound) {
			t.Errorf("enrol in %s: %v, want ErrNotFound", slug, err)
		}
	}
	if n := e.count(t, &models.Enrolment{}, "course_id = ?", draft.ID); n != 0 {
		t.Errorf("a trainee got into a draft: %d rows", n)
	}
	if created, err := e.svc.Enrol(t.Context(), author, "brouillon"); err != nil || !created {
		t.Errorf("the author follows their draft: %v, %v", created, err)
	}
}

// TestComplete: completing a lesson needs an enrolment (staff are enrolled
// by it), is idempotent, and an unknown lesson or a draft's is not found.
func TestComplete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	other := e.User("Omar", models.RoleTrainer)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)
	lid, draftLesson := lessons(c)[0], lessons(draft)[0]

	if err := e.svc.Complete(t.Context(), u, lid); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("not enrolled: %v, want ErrNotEnrolled", err)
	}
	for name, err := range map[string]error{
		"unknown lesson":          e.svc.Complete(t.Context(), u, 99999999),
		"a draft's lesson":        e.svc.Complete(t.Context(), u, draftLesson),
		"another trainer's draft": e.svc.Complete(t.Context(), other, draftLesson),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	if n := e.count(t, &models.LessonCompletion{}, "1 = 1"); n != 0 {
		t.Fatalf("%d completions stored by refused calls", n)
	}

	e.enrol(t, u, c)
	e.complete(t, u, lid)
	var first models.LessonCompletion
	e.DB.R.Where("user_id = ? AND lesson_id = ?", u.ID, lid).Take(&first)
	e.complete(t, u, lid)
	var again []models.LessonCompletion
	e.DB.R.Where("user_id = ? AND lesson_id = ?", u.ID, lid).Find(&again)
	if len(again) != 1 || !again[0].CompletedAt.Equal(first.CompletedAt) {
		t.Errorf("completing twice: %+v, want the first row unchanged (%v)", again, first.CompletedAt)
	}

	// Staff read without enrolling; completing enrols them, a draft included.
	e.complete(t, other, lid)
	e.complete(t, author, draftLesson)
	if n := e.count(t, &models.Enrolment{}, "(user_id = ? AND course_id = ?) OR (user_id = ? AND course_id = ?)", other.ID, c.ID, author.ID, draft.ID); n != 2 {
		t.Errorf("%d enrolments of staff who completed a lesson, want 2", n)
	}
}

// TestLessonNavigation: the reading order runs across modules by their
// positions, then by the lessons' positions; the first lesson has no
// previous one and the last no next.
func TestLessonNavigation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 2, nil)           // m1 at position 1
	_, end := e.addModule(t, c, "fin", 5, 2) // last
	_, intro := e.addModule(t, c, "intro", 0, 1)
	order := append(append(intro, lessons(c)...), end...)
	e.enrol(t, u, c)

	str := func(n int64) string { return strconv.FormatInt(n, 10) }
	for i, lid := range order {
		v, err := e.svc.Lesson(t.Context(), lid, u, "fr")
		if err != nil {
			t.Fatal(err)
		}
		var wantPrev, wantNext *string
		if i > 0 {
			wantPrev = ptr(str(order[i-1]))
		}
		if i+1 < len(order) {
			wantNext = ptr(str(order[i+1]))
		}
		if v.Position != i+1 || v.Count != len(order) || !equalPtr(v.PrevID, wantPrev) || !equalPtr(v.NextID, wantNext) {
			t.Errorf("lesson %d: %d of %d, prev %v next %v; want %d of %d, prev %v next %v",
				lid, v.Position, v.Count, deref(v.PrevID), deref(v.NextID), i+1, len(order), deref(wantPrev), deref(wantNext))
		}
	}
	v, _ := e.svc.Lesson(t.Context(), end[1], u, "fr")
	if v.Title != "fin 2" || v.ModuleTitle != "Module fin" || v.CourseTitle != "Cours cours" || v.CourseSlug != "cours" || v.Minutes != 3 {
		t.Errorf("last lesson: %+v", v)
	}
}

func equalPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(p *string) string {
	if p == nil {
		return "nil"
	}
	return *p
}

// TestLessonAccess: who may read a lesson, and who gets its Markdown.
func TestLessonAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	other := e.User("Omar", models.RoleTrainer)
	admin := e.User("Admin", models.RoleAdmin)
	enrolled := e.User("Nadia", models.RoleTrainee)
	stranger := e.User("Karim", models.RoleTrainee)
	c := e.Course("cours", 1, &author)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)
	e.enrol(t, enrolled, c)
	lid, draftLesson := lessons(c)[0], lessons(draft)[0]

	for _, tc := range []struct {
		name    string
		user    models.User
		lesson  int64
		wantErr error
		wantMD  bool
	}{
		{"enrolled trainee", enrolled, lid, nil, false},
		{"trainee not enrolled", stranger, lid, ErrNotEnrolled, false},
		{"other trainer, without enrolling", other, lid, nil, true},
		{"author, draft", author, draftLesson, nil, true},
		{"admin, draft", admin, draftLesson, nil, true},
		{"other trainer, draft", other, draftLesson, ErrNotFound, false},
		{"trainee, draft", enrolled, draftLesson, ErrNotFound, false},
		{"unknown lesson", admin, 99999999, ErrNotFound, false},
	} {
		v, err := e.svc.Lesson(t.Context(), tc.lesson, tc.user, "fr")
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.wantErr)
			continue
		}
		if err == nil && (v.BodyMD != "") != tc.wantMD {
			t.Errorf("%s: body_md %q, want it only for staff", tc.name, v.BodyMD)
		}
		// The JSON answer follows the same rules, and a trainee's (cached
		// and shared) never carries body_md.
		b, err := e.svc.LessonJSON(t.Context(), tc.lesson, tc.user, "fr", web.EncodeJSON)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s, JSON: %v, want %v", tc.name, err, tc.wantErr)
			continue
		}
		var m map[string]any
		if err == nil {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if _, ok := m["body_md"]; ok != tc.wantMD {
				t.Errorf("%s, JSON: body_md present %v, want %v", tc.name, ok, tc.wantMD)
			}
		}
	}
}

// TestLessonJSONShowsCompletionAndEdits: a trainee's encoded lesson is
// kept per course version and completion, so both show on the next read.
func TestLessonJSONShowsCompletionAndEdits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 1, nil)
	e.enrol(t, u, c)
	lid := lessons(c)[0]
	read := func() map[string]any {
		t.Helper()
		b, err := e.svc.LessonJSON(t.Context(), lid, u, "fr", web.EncodeJSON)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := read(); m["completed"] != false || m["html"] != "<p>Leçon 1 : à lire.</p>" {
		t.Fatalf("first read: %v", m)
	}
	read() // from the cache
	e.complete(t, u, lid)
	if m := read(); m["completed"] != true {
		t.Errorf("after completing: %v", m)
	}
	e.DB.W.Model(&models.LessonText{}).Where("lesson_id = ?", lid).Update("html", "<p>Révisé.</p>")
	// Every edit marks its course changed (Touch): the version the cached
	// answers are keyed by.
	if err := e.svc.Touch(e.DB.W, c.ID); err != nil {
		t.Fatal(err)
	}
	if m := read(); m["html"] != "<p>Révisé.</p>" {
		t.Errorf("after an edit: html %v", m["html"])
	}
}

// TestUntranslatedLessonFallsBack: a lesson not translated into the
// reader's language is shown in the course's, and says so; once translated
// (and the course touched), the translation shows.
func TestUntranslatedLessonFallsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	u := e.User("Nadia", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	e.enrol(t, u, c)
	lid := lessons(c)[1]

	for _, lang := range []string{"ar", "en"} {
		v, err := e.svc.Lesson(t.Context(), lid, u, lang)
		if err != nil {
			t.Fatal(err)
		}
		if v.Lang != "fr" || !v.Untranslated || v.Title != "Leçon 2" || v.CourseTitle != "Cours cours" {
			t.Errorf("%s: lang %q untranslated %v title %q course %q; want the French text, marked", lang, v.Lang, v.Untranslated, v.Title, v.CourseTitle)
		}
	}
	if v, _ := e.svc.Lesson(t.Context(), lid, u, "fr"); v.Untranslated || v.Lang != "fr" {
		t.Errorf("fr: lang %q untranslated %v", v.Lang, v.Untranslated)
	}

	e.translate(t, c)
	v, err := e.svc.Lesson(t.Context(), lid, u, "ar")
	if err != nil {
		t.Fatal(err)
	}
	if v.Lang != "ar" || v.Untranslated || v.Title != "الدرس 2" || v.ModuleTitle != "الوحدة 1" || v.CourseTitle != "دورة cours" || v.HTML != "<p>الدرس 2</p>" {
		t.Errorf("translated: %+v", v)
	}
	d, _ := e.svc.Course(t.Context(), "cours", &u, "ar")
	if d.Untranslated || d.Title != "دورة cours" || d.Modules[0].Title != "الوحدة 1" || d.Modules[0].Lessons[0].Title != "الدرس 1" {
		t.Errorf("course page in Arabic: %+v", d)
	}
	if d, _ := e.svc.Course(t.Context(), "cours", &u, "en"); !d.Untranslated || d.Title != "Cours cours" {
		t.Errorf("course page in English: title %q untranslated %v; want the French, marked", d.Title, d.Untranslated)
	}
}

// TestMyProgress: the dashboard's list: the courses followed, most recently
// enrolled first, with counts, the lesson to resume and the certificate; a
// course taken back to draft leaves it.
func TestMyProgress(t *testing.T) {
	t.Parallel()
	var quizModule int64
	quizzes := quizzesFunc(func(_, courseID int64) map[int64]QuizStatus {
		if quizModule == 0 {
			return nil
		}
		return map[int64]QuizStatus{quizModule: {ModuleID: quizModule, QuizID: 1, Passed: true, PassedAt: ptr(time.Now())}}
	})
	e := newEnv(t, quizzes, nil)
	u := e.User("Nadia", models.RoleTrainee)
	other := e.User("Karim", models.RoleTrainee)
	old := e.Course("ancien", 2, nil)
	recent := e.Course("recent", 3, nil)
	done := e.Course("termine", 1, nil)
	retired := e.Course("retire", 1, nil)
	e.svc = NewService(e.DB, quizzes, certCodes{done.ID: "TAD-0001"})
	for _, c := range []models.Course{old, recent, done, retired} {
		e.enrol(t, u, c)
	}
	e.enrol(t, other, old)
	for i, c := range []models.Course{old, done, retired, recent} {
		// Distinct enrolment dates, whatever the clock's resolution.
		at := time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC)
		e.DB.W.Model(&models.Enrolment{}).Where("user_id = ? AND course_id = ?", u.ID, c.ID).Update("created_at", at)
	}
	e.complete(t, u, lessons(recent)[0])
	e.complete(t, u, lessons(done)...)
	e.set(t, retired, "published", false)

	items, err := e.svc.MyProgress(t.Context(), u, "fr")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, it := range items {
		got = append(got, it.Course.Slug)
	}
	if !slices.Equal(got, []string{"recent", "termine", "ancien"}) {
		t.Fatalf("courses %v, want recent, termine, ancien (the draft left out)", got)
	}
	r, d, o := items[0], items[1], items[2]
	if r.Percent != 33 || r.LessonsDone != 1 || r.LessonsTotal != 3 || deref(r.ResumeLessonID) != strconv.FormatInt(lessons(recent)[1], 10) ||
		r.CompletedAt != nil || r.LastActivity == nil || r.CertificateCode != nil || r.Course.Title != "Cours recent" {
		t.Errorf("recent: %+v", r)
	}
	if d.Percent != 100 || d.CompletedAt == nil || d.ResumeLessonID != nil || deref(d.CertificateCode) != "TAD-0001" {
		t.Errorf("termine: %+v", d)
	}
	if o.Percent != 0 || o.LastActivity != nil || deref(o.ResumeLessonID) != strconv.FormatInt(lessons(old)[0], 10) ||
		!o.EnrolledAt.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ancien: %+v", o)
	}

	// Quizzes count in the dashboard as on the course page.
	quizModule = recent.Modules[0].ID
	items, _ = e.svc.MyProgress(t.Context(), u, "fr")
	if items[0].QuizzesTotal != 1 || items[0].QuizzesPassed != 1 || items[0].Percent != 50 {
		t.Errorf("recent with a passed quiz: %+v; want 1 of 1 quiz, 50 %%", items[0])
	}
	if items, _ := e.svc.MyProgress(t.Context(), e.User("Nouveau", models.RoleTrainee), "fr"); len(items) != 0 {
		t.Errorf("someone who follows nothing: %v", items)
	}
}

// TestPrerequisitesOnTheCoursePage: the path a course requires, in order,
// without the courses that do not exist or the viewer may not see, each
// with whether the viewer has completed it.
func TestPrerequisitesOnTheCoursePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	admin := e.User("Admin", models.RoleAdmin)
	u := e.User("Nadia", models.RoleTrainee)
	base := e.Course("base", 2, nil)
	droit := e.Course("droit", 1, nil)
	e.set(t, droit, "published", false)
	metier := e.Course("metier", 1, nil)
	e.set(t, metier, "prerequisites", "base,disparu,droit")

	path := func(viewer *models.User) []PrerequisiteItem {
		t.Helper()
		d, err := e.svc.Course(t.Context(), "metier", viewer, "fr")
		if err != nil {
			t.Fatal(err)
		}
		return d.Prerequisites
	}
	if got := path(&u); !slices.Equal(got, []PrerequisiteItem{{Slug: "base", Title: "Cours base"}}) {
		t.Errorf("trainee: %+v, want base only, not completed", got)
	}
	if got := path(nil); !slices.Equal(got, []PrerequisiteItem{{Slug: "base", Title: "Cours base"}}) {
		t.Errorf("visitor: %+v", got)
	}
	if got := path(&admin); len(got) != 2 || got[0].Slug != "base" || got[1].Slug != "droit" {
		t.Errorf("admin: %+v, want base then the draft droit", got)
	}
	e.enrol(t, u, base)
	e.complete(t, u, lessons(base)[0])
	if got := path(&u); got[0].Completed {
		t.Error("half of base counts as completed")
	}
	e.complete(t, u, lessons(base)[1])
	if got := path(&u); !got[0].Completed {
		t.Error("base, completed, is not shown so")
	}
	if d, _ := e.svc.Course(t.Context(), "base", &u, "fr"); len(d.Prerequisites) != 0 || d.Prerequisites == nil {
		t.Errorf("a course without prerequisites: %#v, want an empty list", d.Prerequisites)
	}
}

// TestCheckPrerequisitesExist: an editor's list must be well formed, name
// existing courses, and not close a loop.
func TestCheckPrerequisitesExist(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	e.Course("base", 1, nil)
	e.set(t, e.Course("avance", 1, nil), "prerequisites", "metier")
	e.Course("metier", 1, nil)

	for _, tc := range []struct {
		name    string
		prereqs []string
		ok      bool
	}{
		{"none", nil, true},
		{"an existing course", []string{"base"}, true},
		{"an unknown course", []string{"base", "inconnu"}, false},
		{"itself", []string{"metier"}, false},
		{"malformed", []string{"Base"}, false},
		{"a loop: avance already requires metier", []string{"avance"}, false},
	} {
		err := CheckPrerequisitesExist(e.DB.R, "metier", tc.prereqs)
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var we *web.Error
		if !errors.As(err, &we) || we.Status != 400 || len(we.Fields) != 1 || we.Fields[0].Field != "prerequisites" {
			t.Errorf("%s: %v, want a 400 naming prerequisites", tc.name, err)
		}
	}
}

// TestEditRights: what the editor's packages ask before a change: a draft
// one may not see is not found; a course one may see but not change is
// forbidden.
func TestEditRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	other := e.User("Omar", models.RoleTrainer)
	admin := e.User("Admin", models.RoleAdmin)
	trainee := e.User("Nadia", models.RoleTrainee)
	pub := e.Course("publie", 1, &author)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)

	for _, tc := range []struct {
		name    string
		user    models.User
		course  models.Course
		wantErr error
	}{
		{"author, published", author, pub, nil},
		{"author, draft", author, draft, nil},
		{"admin, draft", admin, draft, nil},
		{"other trainer, published", other, pub, ErrForbidden},
		{"trainee, published", trainee, pub, ErrForbidden},
		{"other trainer, draft", other, draft, ErrNotFound},
		{"trainee, draft", trainee, draft, ErrNotFound},
	} {
		c, err := e.svc.Editable(t.Context(), e.DB.R, tc.user, tc.course.Slug)
		if !errors.Is(err, tc.wantErr) || (err == nil && c.ID != tc.course.ID) {
			t.Errorf("Editable, %s: %v (course %d), want %v", tc.name, err, c.ID, tc.wantErr)
		}
		c, err = e.svc.CheckEditModule(t.Context(), tc.user, tc.course.Modules[0].ID)
		if !errors.Is(err, tc.wantErr) || (err == nil && c.ID != tc.course.ID) {
			t.Errorf("CheckEditModule, %s: %v (course %d), want %v", tc.name, err, c.ID, tc.wantErr)
		}
	}
	if _, err := e.svc.Editable(t.Context(), e.DB.R, admin, "inconnu"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown course: %v", err)
	}
	if _, err := e.svc.CheckEditModule(t.Context(), admin, 99999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown module: %v", err)
	}
}

// TestModuleAccess: what a quiz asks of its module's course.
func TestModuleAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	author := e.User("Amina", models.RoleTrainer)
	enrolled := e.User("Nadia", models.RoleTrainee)
	stranger := e.User("Karim", models.RoleTrainee)
	pub := e.Course("publie", 1, &author)
	draft := e.Course("brouillon", 1, &author)
	e.set(t, draft, "published", false)
	e.enrol(t, enrolled, pub)

	for _, tc := range []struct {
		name                  string
		user                  models.User
		module                int64
		wantVisible, wantEnrl bool
	}{
		{"enrolled", enrolled, pub.Modules[0].ID, true, true},
		{"not enrolled", stranger, pub.Modules[0].ID, true, false},
		{"trainee, draft", enrolled, draft.Modules[0].ID, false, false},
		{"author, draft", author, draft.Modules[0].ID, true, false},
	} {
		c, visible, enrl, err := e.svc.ModuleAccess(t.Context(), tc.user, tc.module)
		if err != nil || visible != tc.wantVisible || enrl != tc.wantEnrl {
			t.Errorf("%s: visible %v enrolled %v (%v); want %v %v", tc.name, visible, enrl, err, tc.wantVisible, tc.wantEnrl)
		}
		if err == nil && visible && c.Slug == "" {
			t.Errorf("%s: the course is not returned", tc.name)
		}
	}
	if _, _, _, err := e.svc.ModuleAccess(t.Context(), enrolled, 99999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown module: %v", err)
	}
}

// TestDataExport: the parts of a trainee's data export hold their rows only,
// with the titles in the course's language.
func TestDataExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	u := e.User("Nadia", models.RoleTrainee)
	other := e.User("Karim", models.RoleTrainee)
	c := e.Course("cours", 2, nil)
	e.translate(t, c)
	e.enrol(t, u, c)
	e.enrol(t, other, c)
	e.complete(t, u, lessons(c)[1])
	e.complete(t, other, lessons(c)[0])

	name, v, err := e.svc.ExportEnrolments(t.Context(), u.ID)
	if err != nil || name != "enrolments" {
		t.Fatalf("%q, %v", name, err)
	}
	if es := v.([]enrolmentExport); len(es) != 1 || es[0].Slug != "cours" || es[0].Title != "Cours cours" || es[0].CourseID != c.ID {
		t.Errorf("enrolments %+v", es)
	}
	name, v, err = e.svc.ExportCompletions(t.Context(), u.ID)
	if err != nil || name != "lesson_completions" {
		t.Fatalf("%q, %v", name, err)
	}
	if cs := v.([]completionExport); len(cs) != 1 || cs[0].LessonID != lessons(c)[1] || cs[0].LessonTitle != "Leçon 2" || cs[0].Slug != "cours" {
		t.Errorf("completions %+v", cs)
	}
	_, v, _ = e.svc.ExportCompletions(t.Context(), e.User("Nouveau", models.RoleTrainee).ID)
	if b, _ := json.Marshal(v); string(b) != "[]" {
		t.Errorf("nothing to export is %s, want []", b)
	}
}

// TestImages: the same bytes stored twice in a course are one row.
func TestImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, nil)
	c := e.Course("cours", 1, nil)
	other := e.Course("autre", 1, nil)
	now := e.svc.Time()
	sum := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	sum2 := "f123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, img := range []struct {
		course int64
		sum    string
	}{{c.ID, sum2}, {c.ID, sum}, {c.ID, sum}, {other.ID, sum}} {
		if err := InsertImage(e.DB.W, img.course, img.sum, "png", "image/png", []byte("PNG"), nil, now); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.svc.CourseImages(t.Context(), c.ID)
	if err != nil || len(rows) != 2 || rows[0].Name != sum+".png" || rows[1].Name != sum2+".png" {
		t.Errorf("images %+v, %v; want two, by name", rows, err)
	}
	if !ImageName.MatchString(sum+".png") || ImageName.MatchString(sum+".svg") {
		t.Error("ImageName does not match an image's URL name, or lets SVG through")
	}
}
