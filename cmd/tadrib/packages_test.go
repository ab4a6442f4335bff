package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// treeOf is a course as a comparable value: everything a package carries,
// without ids, authors or dates.
func treeOf(t *testing.T, a *testApp, slug string) map[string]any {
	t.Helper()
	var c models.Course
	err := a.db.R.Preload("Texts").Preload("Modules").Preload("Modules.Texts").Preload("Modules.Lessons").Preload("Modules.Lessons.Texts").
		Take(&c, "slug = ?", slug).Error
	if err != nil {
		t.Fatalf("course %s: %v", slug, err)
	}
	texts := map[string]any{}
	for _, x := range c.Texts {
		texts[x.Lang] = []string{x.Title, x.Summary}
	}
	var modules []any
	sort.Slice(c.Modules, func(i, j int) bool { return c.Modules[i].Position < c.Modules[j].Position })
	for _, m := range c.Modules {
		mt := map[string]string{}
		for _, x := range m.Texts {
			mt[x.Lang] = x.Title
		}
		sort.Slice(m.Lessons, func(i, j int) bool { return m.Lessons[i].Position < m.Lessons[j].Position })
		var lessons []any
		for _, l := range m.Lessons {
			lt := map[string]any{}
			for _, x := range l.Texts {
				lt[x.Lang] = []string{x.Title, x.BodyMD, x.HTML}
			}
			lessons = append(lessons, map[string]any{"position": l.Position, "minutes": l.Minutes, "texts": lt})
		}
		mod := map[string]any{"slug": m.Slug, "position": m.Position, "titles": mt, "lessons": lessons}
		st, gift, ok, err := a.quizzes.ExportQuiz(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			qs, _ := a.quizzes.Bank(context.Background(), quizIDOf(t, a, m.ID))
			for i := range qs {
				qs[i].ID = ""
			}
			bank, _ := json.Marshal(qs)
			mod["quiz"] = map[string]any{"settings": st, "gift": gift, "bank": string(bank)}
		}
		modules = append(modules, mod)
	}
	var images []struct {
		Name string
		Data []byte
	}
	a.db.R.Table("images").Select("name, data").Where("course_id = ?", c.ID).Order("name").Scan(&images)
	imgs := map[string][]byte{}
	for _, im := range images {
		imgs[im.Name] = im.Data
	}
	return map[string]any{"locale": c.Locale, "hours": c.Hours, "audiences": c.Audiences, "validity_days": c.ValidityDays,
		"texts": texts, "modules": modules, "images": imgs}
}

func quizIDOf(t *testing.T, a *testApp, moduleID int64) int64 {
	var id int64
	a.db.R.Table("quizzes").Select("id").Where("module_id = ?", moduleID).Scan(&id)
	return id
}

// richCourse is a draft course in two languages with a quiz of every
// question type, its settings changed from the defaults, and an image.
func richCourse(t *testing.T, a *testApp) (user, string) {
	t.Helper()
	tr, slug, lessons := authorCourse(t, a, []string{"police", "judiciary"}, false)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"validity_days": 365, "hours": 2.5,
		"texts": map[string]any{"ar": map[string]any{"title": "عنوان", "summary": "ملخص"}}}), 200)
	wantStatus(t, tr.do("PATCH", "/api/v1/lessons/"+lessons[1], map[string]any{"lang": "ar", "title": "درس", "body_md": "## توجيه\n\nنص."}), 200)
	img := uploadImage(tr, slug, "schema.png", testPNG(t, 42))
	wantStatus(t, img, 201)
	wantStatus(t, tr.do("PATCH", "/api/v1/lessons/"+lessons[0], map[string]any{"body_md": "Voir :\n\n" + img.JSON(t)["markdown"].(string), "minutes": 12}), 200)
	mid := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)["modules"].([]any)[0].(map[string]any)["id"].(string)
	q := tr.do("POST", "/api/v1/modules/"+mid+"/quiz", map[string]any{"title": "Définitions", "pass_mark": 60, "time_limit_s": 900,
		"max_attempts": 3, "draw": 5, "shuffle": false, "review": "score_only", "one_per_page": true})
	wantStatus(t, q, 201)
	imp := tr.do("POST", "/api/v1/quizzes/"+q.JSON(t)["id"].(string)+"/import", []byte(webtest.EveryTypeGIFT), "Content-Type", "text/plain; charset=utf-8")
	wantStatus(t, imp, 200)
	if n := imp.JSON(t)["imported"].(float64); n != 8 {
		t.Fatalf("imported %v questions, want 8: %s", n, imp.Body)
	}
	// A module written in Arabic only, first: a package carries it as it is.
	m2 := tr.do("POST", "/api/v1/courses/"+slug+"/modules", map[string]any{"slug": "poursuivre", "title": "الملاحقة", "position": 1, "lang": "ar"})
	wantStatus(t, m2, 201)
	wantStatus(t, tr.do("POST", "/api/v1/modules/"+m2.JSON(t)["id"].(string)+"/lessons", map[string]any{"title": "الأدلة", "body_md": "نص.", "minutes": 3, "lang": "ar"}), 201)
	return tr, slug
}

func exportZip(t *testing.T, u user, slug string) []byte {
	t.Helper()
	r := u.do("GET", "/api/v1/courses/"+slug+"/export", nil)
	wantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers: %q %q", ct, r.Header.Get("Content-Disposition"))
	}
	return r.Body
}

// importZip imports a package through the API, asking for English so
// that the tests can name the problems they expect in one language (each
// language's text is assets/catalog_test.go's business).
func importZip(u user, slug string, data []byte) resp {
	q := "?lang=en"
	if slug != "" {
		q += "&slug=" + url.QueryEscape(slug)
	}
	return u.do("POST", "/api/v1/courses/import"+q, data, "Content-Type", "application/zip")
}

func TestPackageRoundTrip(t *testing.T) {
	a := newTestApp(t, nil)
	ad := a.admin()
	tr, rich := richCourse(t, a)
	for _, tc := range []struct {
		name, slug string
		by         user
	}{
		{"seed curriculum", "traite-identifier-orienter-poursuivre", ad},
		{"quiz of every type and an image", rich, tr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := exportZip(t, tc.by, tc.slug)
			// Into a fresh server: the same course, as a draft.
			b := newTestApp(t, nil)
			importer := b.trainer()
			if tc.slug == "traite-identifier-orienter-poursuivre" {
				wantStatus(t, importZip(importer, "", data), 409) // the seed is there already
			}
			r := importZip(importer, "copie", data)
			wantStatus(t, r, 201)
			if r.JSON(t)["published"] != false {
				t.Error("an imported course is not a draft")
			}
			want, got := treeOf(t, a, tc.slug), treeOf(t, b, "copie")
			if !reflect.DeepEqual(want, got) {
				w, _ := json.MarshalIndent(want, "", " ")
				g, _ := json.MarshalIndent(got, "", " ")
				t.Fatalf("the imported course differs:\nwant %s\ngot  %s", w, g)
			}
			// And the export of the import is the same package again.
			again := exportZip(t, importer, "copie")
			if w, g := zipFiles(t, data), zipFiles(t, again); !reflect.DeepEqual(keys(w), keys(g)) {
				t.Errorf("the re-export has other files:\n%v\n%v", keys(w), keys(g))
			}
		})
	}
	// Someone else may not export a draft, nor import into a taken slug.
	wantStatus(t, a.trainer().do("GET", "/api/v1/courses/"+rich+"/export", nil), 404)
	wantStatus(t, importZip(a.trainer(), rich, exportZip(t, tr, rich)), 409)
	wantProblem(t, importZip(tr, "Mauvais Slug", exportZip(t, tr, rich)), 400, "slug")
}

func zipFiles(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		b, _ := fs.ReadFile(zr, f.Name)
		out[f.Name] = b
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// entry is one file of a hand-made zip.
type entry struct {
	name    string
	body    []byte
	symlink bool
}

func makeZip(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.symlink {
			h.SetMode(fs.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	zw.Close()
	return buf.Bytes()
}

const goodManifest = `format: tadrib-course/1
slug: paquet
locale: fr
hours: 1
audiences: [police]
title: {fr: "Paquet"}
modules:
  - slug: un
    title: {fr: "Un"}
    lessons: [01-un/01-lecon]
`

func withQuiz(gift string) []entry {
	return []entry{
		{name: "course.yaml", body: []byte(goodManifest + "    quiz: {file: 01-un/quiz.gift, title: Quiz, pass_mark: 50, shuffle: true, review: after_submit}\n")},
		{name: "01-un/01-lecon.fr.md", body: []byte("---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n")},
		{name: "01-un/quiz.gift", body: []byte(gift)},
	}
}

func TestBrokenPackages(t *testing.T) {
	a := newTestApp(t, nil)
	tr := a.trainer()
	lesson := entry{name: "01-un/01-lecon.fr.md", body: []byte("---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n")}
	manifest := entry{name: "course.yaml", body: []byte(goodManifest)}
	many := []entry{manifest, lesson}
	for i := 0; i < 2001; i++ {
		many = append(many, entry{name: fmt.Sprintf("x/%d.txt", i)})
	}
	// A zip bomb: small compressed, large once inflated.
	bomb := []entry{manifest, lesson, {name: "01-un/bombe.fr.md", body: bytes.Repeat([]byte{'0'}, 70<<20)}}
	for _, tc := range []struct {
		name    string
		zip     []byte
		file    string
		line    int
		message string
	}{
		{"not a zip", []byte("PK but not really"), "(zip)", 0, "not a zip"},
		{"missing manifest", makeZip(t, []entry{lesson}), "course.yaml", 0, "missing"},
		{"bad YAML", makeZip(t, []entry{{name: "course.yaml", body: []byte("format: tadrib-course/1\nslug: paquet\ntitle: [oops\n")}, lesson}), "course.yaml", 3, ""},
		{"unknown manifest field", makeZip(t, []entry{{name: "course.yaml", body: []byte(goodManifest + "colour: blue\n")}, lesson}), "course.yaml", 11, "colour"},
		{"lesson file missing", makeZip(t, []entry{manifest}), "01-un/01-lecon.fr.md", 0, "missing"},
		{"lesson front matter", makeZip(t, []entry{manifest, {name: lesson.name, body: []byte("---\ntitle: Leçon\nminutes: [\n---\nTexte")}}), "01-un/01-lecon.fr.md", 3, ""},
		{"lesson not UTF-8", makeZip(t, []entry{manifest, {name: lesson.name, body: []byte("---\ntitle: Le\xe7on\n---\n")}}), "01-un/01-lecon.fr.md", 0, "UTF-8"},
		{"bad GIFT", makeZip(t, withQuiz("::Q1:: Bonne ? {=oui ~non}\n\n::Q2:: Mauvaise ? {=oui ~non\n")), "01-un/quiz.gift", 3, ""},
		{"GIFT file missing", makeZip(t, withQuiz("")[:2]), "01-un/quiz.gift", 0, "missing"},
		{"zip slip", makeZip(t, []entry{manifest, lesson, {name: "../../evil.md", body: []byte("x")}}), "../../evil.md", 0, "leaves"},
		{"absolute path", makeZip(t, []entry{manifest, lesson, {name: "/etc/evil", body: []byte("x")}}), "/etc/evil", 0, "absolute"},
		{"backslash", makeZip(t, []entry{manifest, lesson, {name: `a\..\..\evil`, body: []byte("x")}}), `a\..\..\evil`, 0, `\`},
		{"symlink", makeZip(t, []entry{manifest, lesson, {name: "01-un/lien.fr.md", body: []byte("/etc/passwd"), symlink: true}}), "01-un/lien.fr.md", 0, "symbolic link"},
		{"too many files", makeZip(t, many), "(zip)", 0, "at most 2000"},
		{"zip bomb", makeZip(t, bomb), "01-un/bombe.fr.md", 0, "at most"},
		{"image not named by its hash", makeZip(t, []entry{{name: "course.yaml", body: []byte(goodManifest + "images: [images/" + strings.Repeat("0", 64) + ".png]\n")}, lesson, {name: "images/" + strings.Repeat("0", 64) + ".png", body: testPNG(t, 1)}}), "images/" + strings.Repeat("0", 64) + ".png", 0, "SHA-256"},
		{"SVG as an image", makeZip(t, []entry{{name: "course.yaml", body: []byte(goodManifest + "images: [images/" + strings.Repeat("0", 64) + ".png]\n")}, lesson, {name: "images/" + strings.Repeat("0", 64) + ".png", body: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}}), "images/" + strings.Repeat("0", 64) + ".png", 0, "not a PNG"},
		{"non-UTF-8 name", makeZip(t, []entry{manifest, lesson, {name: "01-un/\xff.md", body: []byte("x")}}), "01-un/?.md", 0, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after int64
			a.db.R.Model(&models.Course{}).Count(&before)
			r := importZip(tr, "", tc.zip)
			m := wantProblem(t, r, 422, "")
			a.db.R.Model(&models.Course{}).Count(&after)
			if after != before {
				t.Errorf("a broken package created %d courses", after-before)
			}
			found := false
			for _, e := range m["errors"].([]any) {
				e := e.(map[string]any)
				line, _ := e["line"].(float64)
				if e["file"] == tc.file && (tc.line == 0 || int(line) == tc.line) && strings.Contains(e["message"].(string), tc.message) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error names %s line %d (%q): %s", tc.file, tc.line, tc.message, r.Body)
			}
		})
	}
	// The page shows the same errors, and a good package imports from it.
	b := a.signIn(t, tr.Email)
	page := b.get("/author/courses/import")
	wantStatus(t, page, 200)
	bad := b.postFile(page, "/author/courses/import", map[string]string{}, "package", "p.zip", makeZip(t, []entry{manifest}))
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), "01-un/01-lecon.fr.md") {
		t.Error("the import page does not name the missing file")
	}
	ok := b.postFile(bad, "/author/courses/import", map[string]string{}, "package", "p.zip", makeZip(t, withQuiz("::Q1:: Bonne ? {=oui ~non}\n")))
	wantStatus(t, ok, 303)
	if loc := ok.Header.Get("Location"); loc != "/author/courses/paquet?imported=1" {
		t.Errorf("after importing, redirected to %q", loc)
	}
}
