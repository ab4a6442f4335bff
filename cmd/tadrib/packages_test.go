package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"tadrib/courses/coursepkg/pkgtest"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// richCourse is a draft course in two languages with a quiz of every
// question type, its settings changed from the defaults, and an image.
func richCourse(t *testing.T, a *testApp) (user, string) {
	t.Helper()
	tr, slug, lessons := authorCourse(t, a, []string{"police", "judiciary"}, false)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"validity_days": 365, "hours": 2.5,
		"texts": map[string]any{"ar": map[string]any{"title": "عنوان", "summary": "ملخص"}}}), 200)
	wantStatus(t, tr.do("PATCH", "/api/v1/lessons/"+lessons[1], map[string]any{"lang": "ar", "title": "درس", "body_md": "## توجيه\n\nنص."}), 200)
	img := uploadImage(tr, slug, "schema.png", webtest.PNG(t, 42))
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
			want, got := pkgtest.Tree(t, a.db, a.quizzes, tc.slug), pkgtest.Tree(t, b.db, b.quizzes, "copie")
			delete(want, "published") // an import is a draft, as checked above
			delete(got, "published")
			if !reflect.DeepEqual(want, got) {
				w, _ := json.MarshalIndent(want, "", " ")
				g, _ := json.MarshalIndent(got, "", " ")
				t.Fatalf("the imported course differs:\nwant %s\ngot  %s", w, g)
			}
			// And the export of the import is the same package again.
			again := exportZip(t, importer, "copie")
			if w, g := pkgtest.Files(t, data), pkgtest.Files(t, again); !reflect.DeepEqual(keys(w), keys(g)) {
				t.Errorf("the re-export has other files:\n%v\n%v", keys(w), keys(g))
			}
		})
	}
	// Someone else may not export a draft, nor import into a taken slug.
	wantStatus(t, a.trainer().do("GET", "/api/v1/courses/"+rich+"/export", nil), 404)
	wantStatus(t, importZip(a.trainer(), rich, exportZip(t, tr, rich)), 409)
	wantProblem(t, importZip(tr, "Mauvais Slug", exportZip(t, tr, rich)), 400, "slug")
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func withQuiz(gift string) []pkgtest.Entry {
	return []pkgtest.Entry{
		{Name: "course.yaml", Body: []byte(pkgtest.Manifest + "    quiz: {file: 01-un/quiz.gift, title: Quiz, pass_mark: 50, shuffle: true, review: after_submit}\n")},
		{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n")},
		{Name: "01-un/quiz.gift", Body: []byte(gift)},
	}
}

func TestBrokenPackages(t *testing.T) {
	a := newTestApp(t, nil)
	tr := a.trainer()
	lesson := pkgtest.Entry{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n")}
	manifest := pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest)}
	many := []pkgtest.Entry{manifest, lesson}
	for i := 0; i < 2001; i++ {
		many = append(many, pkgtest.Entry{Name: fmt.Sprintf("x/%d.txt", i)})
	}
	// A zip bomb: small compressed, large once inflated.
	bomb := []pkgtest.Entry{manifest, lesson, {Name: "01-un/bombe.fr.md", Body: bytes.Repeat([]byte{'0'}, 70<<20)}}
	for _, tc := range []struct {
		name    string
		zip     []byte
		file    string
		line    int
		message string
	}{
		{"not a zip", []byte("PK but not really"), "(zip)", 0, "not a zip"},
		{"missing manifest", pkgtest.Zip(t, lesson), "course.yaml", 0, "missing"},
		{"bad YAML", pkgtest.Zip(t, pkgtest.Entry{Name: "course.yaml", Body: []byte("format: tadrib-course/1\nslug: paquet\ntitle: [oops\n")}, lesson), "course.yaml", 3, ""},
		{"unknown manifest field", pkgtest.Zip(t, pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest + "colour: blue\n")}, lesson), "course.yaml", 11, "colour"},
		{"lesson file missing", pkgtest.Zip(t, manifest), "01-un/01-lecon.fr.md", 0, "missing"},
		{"lesson front matter", pkgtest.Zip(t, manifest, pkgtest.Entry{Name: lesson.Name, Body: []byte("---\ntitle: Leçon\nminutes: [\n---\nTexte")}), "01-un/01-lecon.fr.md", 3, ""},
		{"lesson not UTF-8", pkgtest.Zip(t, manifest, pkgtest.Entry{Name: lesson.Name, Body: []byte("---\ntitle: Le\xe7on\n---\n")}), "01-un/01-lecon.fr.md", 0, "UTF-8"},
		{"bad GIFT", pkgtest.Zip(t, withQuiz("::Q1:: Bonne ? {=oui ~non}\n\n::Q2:: Mauvaise ? {=oui ~non\n")...), "01-un/quiz.gift", 3, ""},
		{"GIFT file missing", pkgtest.Zip(t, withQuiz("")[:2]...), "01-un/quiz.gift", 0, "missing"},
		{"zip slip", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "../../evil.md", Body: []byte("x")}), "../../evil.md", 0, "leaves"},
		{"absolute path", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "/etc/evil", Body: []byte("x")}), "/etc/evil", 0, "absolute"},
		{"backslash", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: `a\..\..\evil`, Body: []byte("x")}), `a\..\..\evil`, 0, `\`},
		{"symlink", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/lien.fr.md", Body: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777}), "01-un/lien.fr.md", 0, "symbolic link"},
		{"too many files", pkgtest.Zip(t, many...), "(zip)", 0, "at most 2000"},
		{"zip bomb", pkgtest.Zip(t, bomb...), "01-un/bombe.fr.md", 0, "at most"},
		{"image not named by its hash", pkgtest.Zip(t, pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest + "images: [images/" + strings.Repeat("0", 64) + ".png]\n")}, lesson, pkgtest.Entry{Name: "images/" + strings.Repeat("0", 64) + ".png", Body: webtest.PNG(t, 1)}), "images/" + strings.Repeat("0", 64) + ".png", 0, "SHA-256"},
		{"SVG as an image", pkgtest.Zip(t, pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest + "images: [images/" + strings.Repeat("0", 64) + ".png]\n")}, lesson, pkgtest.Entry{Name: "images/" + strings.Repeat("0", 64) + ".png", Body: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}), "images/" + strings.Repeat("0", 64) + ".png", 0, "not a PNG"},
		{"non-UTF-8 name", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/\xff.md", Body: []byte("x")}), "01-un/?.md", 0, "UTF-8"},
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
	bad := b.postFile(page, "/author/courses/import", map[string]string{}, "package", "p.zip", pkgtest.Zip(t, manifest))
	wantStatus(t, bad, 422)
	if !strings.Contains(string(bad.Body), "01-un/01-lecon.fr.md") {
		t.Error("the import page does not name the missing file")
	}
	ok := b.postFile(bad, "/author/courses/import", map[string]string{}, "package", "p.zip", pkgtest.Zip(t, withQuiz("::Q1:: Bonne ? {=oui ~non}\n")...))
	wantStatus(t, ok, 303)
	if loc := ok.Header.Get("Location"); loc != "/author/courses/paquet?imported=1" {
		t.Errorf("after importing, redirected to %q", loc)
	}
}
