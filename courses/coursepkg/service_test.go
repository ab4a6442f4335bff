package coursepkg_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"gorm.io/gorm"

	"tadrib/assets"
	"tadrib/courses"
	"tadrib/courses/coursepkg"
	"tadrib/courses/coursepkg/pkgtest"
	"tadrib/internal/markdown"
	"tadrib/models"
)

const coreSeed = "traite-identifier-orienter-poursuivre"

// seedOnly is the embedded assets with only the named courses under seed/,
// as cmd/tadrib/testapp_test.go narrows the seed for its tests.
type seedOnly struct {
	fs.FS
	keep map[string]bool
}

func (s seedOnly) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(s.FS, name)
	if name != "seed" || err != nil {
		return es, err
	}
	var out []fs.DirEntry
	for _, e := range es {
		if s.keep[e.Name()] {
			out = append(out, e)
		}
	}
	return out, nil
}

func coreSeedFS() fs.FS {
	return seedOnly{FS: assets.FS(""), keep: map[string]bool{coreSeed: true}}
}

// TestSeedPackagesAreValid reads every course of the seed curriculum as a
// package: each must pass every check, in the three languages.
func TestSeedPackagesAreValid(t *testing.T) {
	t.Parallel()
	fsys := assets.FS("")
	entries, err := fs.ReadDir(fsys, "seed")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		sub, _ := fs.Sub(fsys, "seed/"+e.Name())
		pkg, err := coursepkg.ReadPackage(sub)
		if err != nil {
			t.Errorf("seed %s: %v", e.Name(), err)
			continue
		}
		if pkg.Manifest.Slug != e.Name() {
			t.Errorf("seed folder %s holds course %q", e.Name(), pkg.Manifest.Slug)
		}
		for _, lang := range models.Locales {
			if pkg.Manifest.Title[lang] == "" {
				t.Errorf("seed %s: no title in %s", e.Name(), lang)
			}
		}
		for lp, files := range pkg.Lessons {
			if len(files) != len(models.Locales) {
				t.Errorf("seed %s: lesson %s in %d languages, want %d", e.Name(), lp, len(files), len(models.Locales))
			}
		}
	}
	if n < 5 {
		t.Errorf("%d seed courses, want the 5 of the curriculum", n)
	}
}

// TestLoadSeedIsIdempotent: the seed loads once; loading it again (a restart,
// or a second node) creates nothing and leaves a course its trainers edited
// as they left it.
func TestLoadSeedIsIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	created, err := e.svc.LoadSeed(ctx, coreSeedFS())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(created, []string{coreSeed}) {
		t.Fatalf("created %v, want [%s]", created, coreSeed)
	}
	first := e.rows(t)
	if first["modules"] < 3 || first["quizzes"] < 3 || first["questions"] == 0 {
		t.Errorf("the seed loaded %v", first)
	}
	var c models.Course
	if err := e.DB.R.Take(&c, "slug = ?", coreSeed).Error; err != nil {
		t.Fatal(err)
	}
	if !c.Published || c.CreatedBy != nil {
		t.Errorf("seed course published %v, created by %v: want published, no author", c.Published, c.CreatedBy)
	}
	// Every lesson in French, Arabic and English, and each quiz's questions
	// translated (the seed carries quiz.ar.gift and quiz.en.gift).
	var perLang []struct {
		Lang string
		N    int
	}
	e.DB.R.Raw(`SELECT lt.lang, COUNT(*) AS n FROM lesson_texts lt JOIN lessons l ON l.id = lt.lesson_id
		JOIN modules m ON m.id = l.module_id WHERE m.course_id = ? GROUP BY lt.lang ORDER BY lt.lang`, c.ID).Scan(&perLang)
	if len(perLang) != 3 || perLang[0].N != perLang[1].N || perLang[1].N != perLang[2].N {
		t.Errorf("lesson texts per language = %+v, want the same number in ar, en, fr", perLang)
	}
	st, _, ok, err := e.qs.ExportQuiz(ctx, firstModule(t, e, c.ID))
	if err != nil || !ok {
		t.Fatalf("first module's quiz: ok %v, %v", ok, err)
	}
	if len(st.TranslatedGIFT) != 2 || st.Titles["ar"] == "" {
		t.Errorf("first quiz translated in %v, titles %v: want ar and en", keys(st.TranslatedGIFT), st.Titles)
	}

	// A trainer edits the seed course; the seed loads again.
	if err := e.DB.W.Model(&models.CourseText{}).Where("course_id = ? AND lang = 'fr'", c.ID).Update("title", "Édité").Error; err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.LoadSeed(ctx, coreSeedFS())
	if err != nil || len(again) != 0 {
		t.Fatalf("second load created %v (%v), want nothing", again, err)
	}
	if got := e.rows(t); !reflect.DeepEqual(got, first) {
		t.Errorf("second load changed the rows: %v, was %v", got, first)
	}
	var title string
	e.DB.R.Table("course_texts").Select("title").Where("course_id = ? AND lang = 'fr'", c.ID).Scan(&title)
	if title != "Édité" {
		t.Errorf("the edited title became %q", title)
	}
}

func firstModule(t *testing.T, e *env, courseID int64) int64 {
	t.Helper()
	var id int64
	if err := e.DB.R.Table("modules").Select("id").Where("course_id = ?", courseID).Order("position").Limit(1).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestLoadSeedRefusesABrokenSeed: a broken seed package stops the load with
// its folder named, and a missing seed folder is an error, not an empty
// curriculum.
func TestLoadSeedRefusesABrokenSeed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.LoadSeed(ctx, fstest.MapFS{"other/x": {}}); err == nil {
		t.Error("no seed folder: no error")
	}
	good := goodPackage(t)
	broken := fstest.MapFS{"seed/a-bon/README": {Data: []byte("a file beside the folders is ignored")}}
	for name, f := range good {
		broken["seed/a-bon/"+name] = f
	}
	broken["seed/b-casse/course.yaml"] = &fstest.MapFile{Data: []byte("format: tadrib-course/1\nslug: [\n")}
	created, err := e.svc.LoadSeed(ctx, broken)
	if err == nil || !strings.Contains(err.Error(), "b-casse") {
		t.Fatalf("broken seed: %v, want an error naming b-casse", err)
	}
	pe := packageErrors(t, err)
	if !hasError(pe, "course.yaml", 0, "") {
		t.Errorf("errors %v do not name course.yaml", pe)
	}
	// The good course before it is in; nothing of the broken one.
	if !slices.Equal(created, []string{"paquet"}) {
		t.Errorf("created %v, want [paquet]", created)
	}
}

// TestPackageRoundTrip: a course exported then imported is the same course
// (texts in every language, lessons, quizzes with their settings,
// translations and every question type, images), and exporting the copy gives
// the same package again.
func TestPackageRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	trainer := e.User("Nadia", models.RoleTrainer)
	if _, err := e.svc.LoadSeed(ctx, coreSeedFS()); err != nil {
		t.Fatal(err)
	}
	pkg, err := coursepkg.ReadPackage(goodPackage(t))
	if err != nil {
		t.Fatal(err)
	}
	orig, err := e.svc.ImportPackage(ctx, pkg, &trainer.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if orig.Slug != "paquet" || orig.CreatedBy == nil || *orig.CreatedBy != trainer.ID {
		t.Fatalf("imported %q by %v", orig.Slug, orig.CreatedBy)
	}
	// What the package said, read back from the database.
	tr := pkgtest.Tree(t, e.DB, e.qs, "paquet")
	mods := tr["modules"].([]any)
	m1, m2 := mods[0].(map[string]any), mods[1].(map[string]any)
	q1 := m1["quiz"].(map[string]any)
	st := q1["settings"].(coursepkg.QuizSettings)
	if st.PassMark != 60 || st.TimeLimitS != 900 || st.MaxAttempts != 3 || st.Shuffle || st.Review != "never" || !st.OnePerPage ||
		st.Titles["ar"] != "اختبار" || !strings.Contains(st.TranslatedGIFT["ar"].Text, "رضا الطفل") {
		t.Errorf("module 1 quiz settings = %+v", st)
	}
	if bank := m2["quiz"].(map[string]any)["bank"].(string); strings.Count(bank, `"type"`) != 8 {
		t.Errorf("module 2 quiz bank has %d questions, want 8: %s", strings.Count(bank, `"type"`), bank)
	}
	lesson1 := m1["lessons"].([]any)[0].(map[string]any)["texts"].(map[string]any)
	if len(lesson1) != 3 || !strings.Contains(lesson1["ar"].([]string)[2], "<h2") {
		t.Errorf("lesson 1 texts = %v, want fr, ar, en rendered", lesson1)
	}
	if m2["titles"].(map[string]string)["ar"] != "اثنان" || len(tr["images"].(map[string][]byte)) != 1 {
		t.Errorf("module 2 titles %v, images %d", m2["titles"], len(tr["images"].(map[string][]byte)))
	}

	for _, tc := range []struct {
		name, slug string
		by         models.User
	}{
		{"a package with every feature", "paquet", trainer},
		{"the seed course", coreSeed, e.User("Amina", models.RoleAdmin)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := e.svc.ExportPackage(ctx, tc.by, tc.slug)
			if err != nil {
				t.Fatal(err)
			}
			back, err := coursepkg.ReadZip(data)
			if err != nil {
				t.Fatalf("the export does not read back: %v", err)
			}
			copySlug := "copie-" + tc.slug[:5]
			if _, err := e.svc.ImportPackage(ctx, back, &tc.by.ID, copySlug); err != nil {
				t.Fatal(err)
			}
			want, got := pkgtest.Tree(t, e.DB, e.qs, tc.slug), pkgtest.Tree(t, e.DB, e.qs, copySlug)
			if !reflect.DeepEqual(want, got) {
				w, _ := json.MarshalIndent(want, "", " ")
				g, _ := json.MarshalIndent(got, "", " ")
				t.Fatalf("the imported course differs:\nwant %s\ngot  %s", w, g)
			}
			again, err := e.svc.ExportPackage(ctx, tc.by, copySlug)
			if err != nil {
				t.Fatal(err)
			}
			f1, f2 := pkgtest.Files(t, data), pkgtest.Files(t, again)
			f2["course.yaml"] = strings.Replace(f2["course.yaml"], "slug: "+copySlug+"\n", "slug: "+tc.slug+"\n", 1)
			if !reflect.DeepEqual(f1, f2) {
				t.Errorf("the copy's export differs from the original's: %v vs %v", keys(f1), keys(f2))
				for k := range f1 {
					if f1[k] != f2[k] {
						t.Errorf("%s:\n%s\n---\n%s", k, f1[k], f2[k])
					}
				}
			}
		})
	}
	// Each export is in the audit log: a package holds every answer.
	var n int64
	e.DB.R.Model(&models.AuditEvent{}).Where("action = 'course.export'").Count(&n)
	if n != 4 {
		t.Errorf("%d course.export audit events, want 4", n)
	}
}

// TestExportRights: only who may edit a course exports it (a package holds
// every quiz answer): its author and admins; another trainer gets not found
// for a draft and forbidden for a published course.
func TestExportRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	author := e.User("Nadia", models.RoleTrainer)
	draft := e.Course("brouillon", 1, &author)
	e.DB.W.Model(&models.Course{}).Where("id = ?", draft.ID).Update("published", false)
	e.Course("publie", 1, &author)
	cases := []struct {
		who  models.User
		slug string
		want error
	}{
		{author, "brouillon", nil},
		{e.User("Amina", models.RoleAdmin), "brouillon", nil},
		{e.User("Karim", models.RoleTrainer), "brouillon", courses.ErrNotFound},
		{e.User("Karim", models.RoleTrainer), "publie", courses.ErrForbidden},
		{e.User("Youssef", models.RoleTrainee), "publie", courses.ErrForbidden},
		{author, "absent", courses.ErrNotFound},
	}
	for _, c := range cases {
		_, err := e.svc.ExportPackage(ctx, c.who, c.slug)
		if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("%s (%s) exports %s: %v, want %v", c.who.Name, c.who.Role, c.slug, err, c.want)
		}
	}
}

// TestImportIsAllOrNothing: a package that passes ReadPackage but fails while
// it is written (a lesson too long to render, a broken GIFT in the second
// module, quiz settings out of range, a taken slug) leaves no row behind:
// not the course, not the first module already written.
func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	trainer := e.User("Nadia", models.RoleTrainer)
	e.Course("pris", 1, &trainer)
	before := e.rows(t)
	long := "---\ntitle: Longue\n---\n" + strings.Repeat("x", markdown.MaxSource+100)
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		slug   string
		file   string
		line   int
	}{
		{"lesson too long to render", func(m fstest.MapFS) { m["02-deux/01-ar.ar.md"] = &fstest.MapFile{Data: []byte(long)} }, "", "02-deux/01-ar.ar.md", 0},
		{"broken GIFT in the second module", func(m fstest.MapFS) {
			m["02-deux/quiz.gift"] = &fstest.MapFile{Data: []byte("::Q1:: Bonne ? {=oui ~non}\n\n::Q2:: Mauvaise ? {=oui ~non\n")}
		}, "", "02-deux/quiz.gift", 3},
		{"translation out of step", func(m fstest.MapFS) {
			m["01-un/quiz.ar.gift"] = &fstest.MapFile{Data: []byte("::Q1:: رضا الطفل لا يعتد به. {TRUE}\n")}
		}, "", "01-un/quiz.ar.gift", 0},
		{"pass mark out of range", func(m fstest.MapFS) {
			y := strings.Replace(string(m["course.yaml"].Data), "pass_mark: 60", "pass_mark: 500", 1)
			m["course.yaml"] = &fstest.MapFile{Data: []byte(y)}
		}, "", "course.yaml", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := goodPackage(t)
			tc.change(fsys)
			pkg, err := coursepkg.ReadPackage(fsys)
			if err != nil {
				t.Fatalf("the package should pass reading: %v", err)
			}
			_, err = e.svc.ImportPackage(ctx, pkg, &trainer.ID, tc.slug)
			pe := packageErrors(t, err)
			if !hasError(pe, tc.file, tc.line, "") {
				t.Errorf("errors %v do not name %s line %d", pe, tc.file, tc.line)
			}
			if after := e.rows(t); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused import left rows: %v, was %v", after, before)
			}
		})
	}
	t.Run("slug taken", func(t *testing.T) {
		pkg, err := coursepkg.ReadPackage(goodPackage(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ImportPackage(ctx, pkg, &trainer.ID, "pris"); !errors.Is(err, courses.ErrSlugTaken) {
			t.Errorf("import into a taken slug: %v, want ErrSlugTaken", err)
		}
		if after := e.rows(t); !reflect.DeepEqual(after, before) {
			t.Errorf("a refused import left rows: %v, was %v", after, before)
		}
	})
}

// fakeQuizzes is a QuizPackages that refuses every quiz with the errors it
// is given, to check what the package service does with them.
type fakeQuizzes struct{ err error }

func (f fakeQuizzes) ExportQuiz(context.Context, int64) (coursepkg.QuizSettings, string, bool, error) {
	return coursepkg.QuizSettings{}, "", false, f.err
}

func (f fakeQuizzes) ImportQuiz(context.Context, *gorm.DB, int64, coursepkg.QuizSettings, string) error {
	return f.err
}

// TestQuizErrorsNameTheirFile: the quiz engine reports GIFT problems by line;
// the package service names the quiz's file on those that name none, keeps
// the file of those that do, and rolls back on any error. A server without a
// quiz engine refuses a package with quizzes and exports none.
func TestQuizErrorsNameTheirFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	pkg, err := coursepkg.ReadPackage(goodPackage(t))
	if err != nil {
		t.Fatal(err)
	}
	before := e.rows(t)
	gift := coursepkg.PackageErrors{{Line: 4, Message: "x"}, {File: "01-un/quiz.ar.gift", Line: 2, Message: "y"}}
	svc := coursepkg.NewService(e.DB, e.cs, fakeQuizzes{err: gift})
	pe := packageErrors(t, func() error { _, err := svc.ImportPackage(ctx, pkg, nil, ""); return err }())
	if !hasError(pe, "01-un/quiz.gift", 4, "") || !hasError(pe, "01-un/quiz.ar.gift", 2, "") {
		t.Errorf("errors %v: want 01-un/quiz.gift:4 and 01-un/quiz.ar.gift:2", pe)
	}
	boom := errors.New("disk on fire")
	svc = coursepkg.NewService(e.DB, e.cs, fakeQuizzes{err: boom})
	if _, err := svc.ImportPackage(ctx, pkg, nil, ""); !errors.Is(err, boom) {
		t.Errorf("a failing quiz engine: %v, want it wrapped", err)
	}
	none := coursepkg.NewService(e.DB, e.cs, nil)
	pe = packageErrors(t, func() error { _, err := none.ImportPackage(ctx, pkg, nil, ""); return err }())
	if !hasError(pe, "01-un/quiz.gift", 0, "") {
		t.Errorf("without quizzes: errors %v, want one naming 01-un/quiz.gift", pe)
	}
	if after := e.rows(t); !reflect.DeepEqual(after, before) {
		t.Errorf("refused imports left rows: %v, was %v", after, before)
	}

	// The course without its quizzes imports and exports without them.
	for i := range pkg.Manifest.Modules {
		pkg.Manifest.Modules[i].Quiz = nil
	}
	admin := e.User("Amina", models.RoleAdmin)
	if _, err := none.ImportPackage(ctx, pkg, &admin.ID, ""); err != nil {
		t.Fatal(err)
	}
	data, err := none.ExportPackage(ctx, admin, "paquet")
	if err != nil {
		t.Fatal(err)
	}
	for name := range pkgtest.Files(t, data) {
		if strings.HasSuffix(name, ".gift") {
			t.Errorf("an export without a quiz engine carries %s", name)
		}
	}
	if _, err := svc.ExportPackage(ctx, admin, "paquet"); !errors.Is(err, boom) {
		t.Errorf("export with a failing quiz engine: %v, want it wrapped", err)
	}
}
