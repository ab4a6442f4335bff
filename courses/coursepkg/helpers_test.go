package coursepkg_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"tadrib/courses"
	"tadrib/courses/coursepkg"
	"tadrib/internal/webtest"
	"tadrib/quiz"
)

// env is a test server with the package routes mounted as cmd/tadrib/app.go
// mounts them: the package service carries quizzes through the real quiz
// service (package quiz implements coursepkg.QuizPackages and is cheap to
// build), so GIFT round-trips are the real ones.
type env struct {
	*webtest.Env
	cs  *courses.Service
	qs  *quiz.Service
	svc *coursepkg.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := webtest.New(t)
	cs := courses.NewService(e.DB, nil, nil)
	qs := quiz.NewService(e.DB, cs)
	svc := coursepkg.NewService(e.DB, cs, qs)
	coursepkg.NewHandler(svc, cs, e.Renderer).Routes(e.App, e.API)
	return &env{Env: e, cs: cs, qs: qs, svc: svc}
}

// tables are every table a package import writes to.
var tables = []string{"courses", "course_texts", "modules", "module_texts", "lessons", "lesson_texts",
	"quizzes", "questions", "images", "audit_events"}

// rows counts the rows of each table a package import writes to, so that a
// refused import can be shown to have written none.
func (e *env) rows(t *testing.T) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range tables {
		var n int64
		if err := e.DB.R.Table(tb).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

func imageName(b []byte, ext string) string {
	sum := sha256.Sum256(b)
	return "images/" + hex.EncodeToString(sum[:]) + "." + ext
}

// quizFR and quizAR are one quiz in French and its Arabic translation: the
// same questions, in the same order and structure.
const quizFR = `::Q1:: Le consentement d'un enfant est indifférent. {TRUE}

::Q2:: Quelle loi réprime la traite ? {
=La loi 27-14#Oui.
~La loi 65-99#Non.
}
`

const quizAR = `::Q1:: رضا الطفل لا يعتد به. {TRUE}

::Q2:: أي قانون يجرم الاتجار بالبشر؟ {
=القانون 27.14#نعم.
~القانون 65.99#لا.
}
`

// manifestLines is a good manifest, line by line, so that a case can change
// one line or add one at a known line number.
func manifestLines(img string) []string {
	return []string{
		"format: tadrib-course/1",
		"slug: paquet",
		"locale: fr",
		"hours: 1.5",
		"audiences: [police, judiciary]",
		"published: true",
		"validity_days: 365",
		`title: {fr: "Paquet", ar: "حزمة", en: "Package"}`,
		`summary: {fr: "Résumé", ar: "ملخص"}`,
		"modules:",
		"  - slug: un",
		`    title: {fr: "Un", ar: "واحد"}`,
		"    lessons: [01-un/01-lecon, 01-un/02-suite]",
		"    quiz:",
		"      file: 01-un/quiz.gift",
		"      translations: {ar: 01-un/quiz.ar.gift}",
		"      title: Quiz",
		`      titles: {ar: "اختبار"}`,
		"      pass_mark: 60",
		"      time_limit_s: 900",
		"      max_attempts: 3",
		"      shuffle: false",
		"      review: never",
		"      one_per_page: true",
		"  - slug: deux",
		`    title: {ar: "اثنان"}`,
		"    lessons: [02-deux/01-ar]",
		"    quiz: {file: 02-deux/quiz.gift, title: Tous les types, pass_mark: 50, draw: 5, shuffle: true, review: score_only}",
		"images: [" + img + "]",
	}
}

// goodPackage is a package that uses every feature of the format: three
// languages, a module written in Arabic only, a translated quiz, a quiz of
// every question type, an image a lesson shows.
func goodPackage(t testing.TB) fstest.MapFS {
	pic := webtest.PNG(t, 7)
	img := imageName(pic, "png")
	files := map[string]string{
		"course.yaml":          strings.Join(manifestLines(img), "\n") + "\n",
		"01-un/01-lecon.fr.md": "---\ntitle: Leçon un\nminutes: 12\n---\n## Les trois éléments\n\nL'acte, le moyen, le but.\n",
		"01-un/01-lecon.ar.md": "---\ntitle: الدرس الأول\nminutes: 12\n---\n## العناصر الثلاثة\n\nالفعل والوسيلة والغرض.\n",
		"01-un/01-lecon.en.md": "---\ntitle: Lesson one\nminutes: 12\n---\n## The three elements\n\nAct, means, purpose.\n",
		"01-un/02-suite.fr.md": "---\ntitle: Suite\nminutes: 3\n---\nVoir le schéma :\n\n![schéma](/" + img + ")\n",
		"02-deux/01-ar.ar.md":  "---\ntitle: الأدلة\nminutes: 4\n---\nنص.\n",
		"01-un/quiz.gift":      quizFR,
		"01-un/quiz.ar.gift":   quizAR,
		"02-deux/quiz.gift":    webtest.EveryTypeGIFT,
	}
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	m[img] = &fstest.MapFile{Data: pic}
	return m
}

// zipOfFS zips a package, optionally under a folder.
func zipOfFS(t testing.TB, fsys fstest.MapFS, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(fsys))
	for n := range fsys {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(dir + n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(fsys[n].Data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// packageErrors unwraps the PackageErrors of err, failing the test when err
// is something else.
func packageErrors(t testing.TB, err error) coursepkg.PackageErrors {
	t.Helper()
	var pe coursepkg.PackageErrors
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want PackageErrors", err, err)
	}
	return pe
}

// hasError says whether one of the errors names file and, when line is not
// 0, that line; when quoted is not empty, the message also quotes it (a value
// taken from the package, which any translation of the message keeps).
func hasError(pe coursepkg.PackageErrors, file string, line int, quoted string) bool {
	for _, e := range pe {
		if e.File == file && (line == 0 || e.Line == line) && strings.Contains(e.Message, quoted) {
			return true
		}
	}
	return false
}
