package coursepkg_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"tadrib/courses"
	"tadrib/courses/coursepkg"
	"tadrib/courses/coursepkg/pkgtest"
	"tadrib/internal/markdown"
	"tadrib/internal/webtest"
)

// withLine is the good manifest with line n (1-based) replaced by s, or,
// when n is past the end, with s added at the end.
func withLine(img string, n int, s string) string {
	ls := manifestLines(img)
	if n > len(ls) {
		ls = append(ls, s)
	} else {
		ls[n-1] = s
	}
	return strings.Join(ls, "\n") + "\n"
}

// TestReadPackageRules: each case breaks one rule of a good package; the
// package is refused with the file, the line when there is one, and, where
// the problem is a value of the package, that value quoted. Assertions do
// not depend on the English wording (the messages are being translated).
func TestReadPackageRules(t *testing.T) {
	t.Parallel()
	good := goodPackage(t)
	if _, err := coursepkg.ReadPackage(good); err != nil {
		t.Fatalf("the good package is refused: %v", err)
	}
	var img string
	for name := range good {
		if strings.HasPrefix(name, "images/") {
			img = name
		}
	}
	pic := good[img].Data
	manifest := func(n int, s string) func(fstest.MapFS) {
		return func(m fstest.MapFS) { m["course.yaml"] = &fstest.MapFile{Data: []byte(withLine(img, n, s))} }
	}
	set := func(name, body string) func(fstest.MapFS) {
		return func(m fstest.MapFS) { m[name] = &fstest.MapFile{Data: []byte(body)} }
	}
	del := func(name string) func(fstest.MapFS) { return func(m fstest.MapFS) { delete(m, name) } }
	big := append(append([]byte{}, pic...), make([]byte, courses.MaxImage)...)
	bigName := imageName(big, "png")
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		file   string
		line   int
		quoted string
	}{
		{"no manifest", del("course.yaml"), "course.yaml", 0, ""},
		{"manifest not UTF-8", set("course.yaml", "slug: caf\xe9\n"), "course.yaml", 0, ""},
		{"manifest YAML broken", manifest(8, "title: [oops"), "course.yaml", 8, ""},
		{"manifest unknown field", manifest(99, "colour: blue"), "course.yaml", 30, "colour"},
		{"format", manifest(1, "format: scorm/2004"), "course.yaml", 0, "scorm/2004"},
		{"course slug", manifest(2, "slug: Mauvais_Slug"), "course.yaml", 0, "Mauvais_Slug"},
		{"locale", manifest(3, "locale: de"), "course.yaml", 0, "de"},
		{"hours", manifest(4, "hours: 5000"), "course.yaml", 0, "5000"},
		{"no audience", manifest(5, "audiences: []"), "course.yaml", 0, ""},
		{"unknown audience", manifest(5, "audiences: [police, pilot]"), "course.yaml", 0, "pilot"},
		{"no title", manifest(8, "title: {fr: \"  \"}"), "course.yaml", 0, ""},
		{"title in an unknown language", manifest(8, `title: {fr: "Paquet", de: "Paket"}`), "course.yaml", 0, "de"},
		{"title too long", manifest(8, `title: {fr: "`+strings.Repeat("a", 2001)+`"}`), "course.yaml", 0, ""},
		{"prerequisite of itself", manifest(99, "prerequisites: [paquet]"), "course.yaml", 0, ""},
		{"no module", func(m fstest.MapFS) {
			m["course.yaml"] = &fstest.MapFile{Data: []byte(strings.Join(manifestLines(img)[:9], "\n") + "\nmodules: []\n")}
		}, "course.yaml", 0, ""},
		{"module slug repeated", manifest(25, "  - slug: un"), "course.yaml", 0, "un"},
		{"module without title", manifest(26, "    title: {}"), "course.yaml", 0, "deux"},
		{"lesson path leaves the package", manifest(27, "    lessons: [../02-deux/01-ar]"), "course.yaml", 0, "../02-deux/01-ar"},
		{"lesson path repeated", manifest(27, "    lessons: [01-un/01-lecon]"), "course.yaml", 0, "01-un/01-lecon"},
		{"lesson in no language", del("02-deux/01-ar.ar.md"), "02-deux/01-ar.fr.md", 0, ""},
		{"lesson not UTF-8", set("01-un/01-lecon.en.md", "---\ntitle: Le\xe7on\n---\n"), "01-un/01-lecon.en.md", 0, ""},
		{"lesson without front matter", set("01-un/01-lecon.en.md", "# Lesson\n"), "01-un/01-lecon.en.md", 1, ""},
		{"lesson front matter not closed", set("01-un/01-lecon.en.md", "---\ntitle: Lesson\n"), "01-un/01-lecon.en.md", 1, ""},
		{"lesson front matter broken", set("01-un/01-lecon.en.md", "---\ntitle: Lesson\nminutes: [\n---\nText"), "01-un/01-lecon.en.md", 3, ""},
		{"lesson front matter unknown field", set("01-un/01-lecon.en.md", "---\ntitle: Lesson\nauthor: me\n---\nText"), "01-un/01-lecon.en.md", 3, "author"},
		{"lesson without title", set("01-un/01-lecon.en.md", "---\nminutes: 3\n---\nText"), "01-un/01-lecon.en.md", 2, ""},
		{"lesson minutes", set("01-un/01-lecon.en.md", "---\ntitle: Lesson\nminutes: 601\n---\nText"), "01-un/01-lecon.en.md", 2, ""},
		{"lesson too large", set("01-un/01-lecon.en.md", "---\ntitle: L\n---\n"+strings.Repeat("x", markdown.MaxSource+5000)), "01-un/01-lecon.en.md", 0, ""},
		{"quiz file malformed", manifest(15, "      file: 01-un/quiz.txt"), "course.yaml", 0, "01-un/quiz.txt"},
		{"quiz file missing", del("01-un/quiz.gift"), "01-un/quiz.gift", 0, ""},
		{"quiz not UTF-8", set("02-deux/quiz.gift", "::Q:: caf\xe9 {TRUE}"), "02-deux/quiz.gift", 0, ""},
		{"quiz file shared by two modules", manifest(28, "    quiz: {file: 01-un/quiz.gift, title: Q, pass_mark: 50, review: never, shuffle: true}"), "course.yaml", 0, "01-un/quiz.gift"},
		{"quiz translation in an unknown language", manifest(16, "      translations: {de: 01-un/quiz.ar.gift}"), "course.yaml", 0, "01-un/quiz.ar.gift"},
		{"quiz translation missing", del("01-un/quiz.ar.gift"), "01-un/quiz.ar.gift", 0, ""},
		{"quiz translation not UTF-8", set("01-un/quiz.ar.gift", "\xff"), "01-un/quiz.ar.gift", 0, ""},
		{"image missing", del(img), img, 0, ""},
		{"image outside images/", func(m fstest.MapFS) {
			other := strings.Replace(img, "images/", "pics/", 1)
			m[other] = m[img]
			m["course.yaml"] = &fstest.MapFile{Data: []byte(withLine(other, 99, ""))}
		}, strings.Replace(img, "images/", "pics/", 1), 0, ""},
		{"image not named by its hash", set(img, string(webtest.PNG(t, 8))), img, 0, ""},
		{"image of another type than its extension", func(m fstest.MapFS) {
			name := imageName(gif, "png")
			m[name] = &fstest.MapFile{Data: gif}
			m["course.yaml"] = &fstest.MapFile{Data: []byte(withLine(name, 99, ""))}
		}, imageName(gif, "png"), 0, ""},
		{"SVG named as a PNG", func(m fstest.MapFS) {
			svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)
			name := imageName(svg, "png")
			m[name] = &fstest.MapFile{Data: svg}
			m["course.yaml"] = &fstest.MapFile{Data: []byte(withLine(name, 99, ""))}
		}, imageName([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "png"), 0, ""},
		{"image too large", func(m fstest.MapFS) {
			m[bigName] = &fstest.MapFile{Data: big}
			m["course.yaml"] = &fstest.MapFile{Data: []byte(withLine(bigName, 99, ""))}
		}, bigName, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := goodPackage(t)
			tc.change(fsys)
			_, err := coursepkg.ReadPackage(fsys)
			pe := packageErrors(t, err)
			// One change, one problem: the rule the case breaks, no other.
			if len(pe) != 1 || !hasError(pe, tc.file, tc.line, tc.quoted) {
				t.Errorf("errors %v: none names %s line %d quoting %q", pe, tc.file, tc.line, tc.quoted)
			}
			for _, e := range pe {
				if e.Message == "" || (e.Line > 0) != strings.Contains(e.Error(), fmt.Sprintf(":%d:", e.Line)) {
					t.Errorf("error %+v: no message, or Error() %q lacks its line", e, e.Error())
				}
			}
		})
	}
}

// TestReadPackageReportsEveryProblem: a package with several problems is
// refused with all of them, not the first only, so an author fixes them in
// one go.
func TestReadPackageReportsEveryProblem(t *testing.T) {
	t.Parallel()
	fsys := goodPackage(t)
	y := string(fsys["course.yaml"].Data)
	y = strings.Replace(y, "locale: fr", "locale: de", 1)
	y = strings.Replace(y, "hours: 1.5", "hours: -1", 1)
	fsys["course.yaml"] = &fstest.MapFile{Data: []byte(y)}
	delete(fsys, "01-un/quiz.gift")
	fsys["01-un/01-lecon.ar.md"] = &fstest.MapFile{Data: []byte("pas de front matter")}
	_, err := coursepkg.ReadPackage(fsys)
	pe := packageErrors(t, err)
	for _, want := range []struct {
		file   string
		line   int
		quoted string
	}{{"course.yaml", 0, "de"}, {"course.yaml", 0, "-1"}, {"01-un/quiz.gift", 0, ""}, {"01-un/01-lecon.ar.md", 1, ""}} {
		if !hasError(pe, want.file, want.line, want.quoted) {
			t.Errorf("errors %v lack %s:%d (%q)", pe, want.file, want.line, want.quoted)
		}
	}
	if !strings.Contains(pe.Error(), "01-un/01-lecon.ar.md:1:") || strings.Count(pe.Error(), "\n") < len(pe) {
		t.Errorf("PackageErrors.Error() = %q: want one line per problem", pe.Error())
	}
}

// lyingZip is a zip whose one entry declares fewer bytes than it holds.
func lyingZip(t testing.TB, name string, body []byte, declared uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(body)), UncompressedSize64: declared}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	zw.Close()
	return buf.Bytes()
}

// bigZip is a zip of the manifest, a lesson and n files of 4 MiB of zeros,
// deflated once and stored n times.
func bigZip(t testing.TB, manifest, lesson pkgtest.Entry, n int) []byte {
	t.Helper()
	zeros := make([]byte, 4<<20)
	var deflated bytes.Buffer
	fw, err := flate.NewWriter(&deflated, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(zeros)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []pkgtest.Entry{manifest, lesson} {
		w, _ := zw.Create(e.Name)
		w.Write(e.Body)
	}
	for i := range n {
		h := &zip.FileHeader{Name: fmt.Sprintf("x/%d.bin", i), Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(len(zeros))}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadZipLimits: the zip is checked before anything is read (SECURITY.md
// U1, U2): entries must stay inside the package and be plain files, within
// the number and size limits; a zip that lies about its sizes is stopped
// while reading.
func TestReadZipLimits(t *testing.T) {
	t.Parallel()
	manifest := pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest)}
	lesson := pkgtest.Entry{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\n---\nTexte.\n")}
	many := []pkgtest.Entry{manifest, lesson}
	for i := 0; i < coursepkg.MaxPackageFiles; i++ {
		many = append(many, pkgtest.Entry{Name: fmt.Sprintf("x/%d.txt", i)})
	}
	// 17 files of 4 MiB: each within the per-file limit, 68 MiB in all
	// (one deflated block of zeros, stored 17 times).
	big := bigZip(t, manifest, lesson, coursepkg.MaxPackageSize/(4<<20)+1)
	cases := []struct {
		name string
		zip  []byte
		file string // "": accepted
	}{
		{"not a zip", []byte("PK but not really"), "(zip)"},
		{"empty", nil, "(zip)"},
		{"parent path", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "../../evil.md", Body: []byte("x")}), "../../evil.md"},
		{"parent inside the path", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/../../evil.md", Body: []byte("x")}), "01-un/../../evil.md"},
		{"dot element", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/./x.md", Body: []byte("x")}), "01-un/./x.md"},
		{"absolute path", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "/etc/evil", Body: []byte("x")}), "/etc/evil"},
		{"backslash", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: `a\..\..\evil`, Body: []byte("x")}), `a\..\..\evil`},
		{"symlink", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/lien.fr.md", Body: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777}), "01-un/lien.fr.md"},
		{"named pipe", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/pipe", Mode: fs.ModeNamedPipe | 0o644}), "01-un/pipe"},
		{"name not UTF-8", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/\xff.md", Body: []byte("x")}), "01-un/?.md"},
		{"too many files", pkgtest.Zip(t, many...), "(zip)"},
		{"one file too large", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "01-un/bombe.fr.md", Body: make([]byte, 4<<20+1)}), "01-un/bombe.fr.md"},
		{"all files too large", big, "(zip)"},
		{"as many files as allowed", pkgtest.Zip(t, many[:coursepkg.MaxPackageFiles]...), ""},
		{"one file as large as allowed", pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "x/max.bin", Body: make([]byte, 4<<20)}), ""},
		{"lies about its size", lyingZip(t, "course.yaml", []byte(pkgtest.Manifest), 10), "course.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := coursepkg.ReadZip(tc.zip)
			if tc.file == "" {
				if err != nil {
					t.Errorf("refused at the limit: %v", err)
				}
				return
			}
			pe := packageErrors(t, err)
			if len(pe) != 1 || !hasError(pe, tc.file, 0, "") {
				t.Errorf("errors %v: none names %q", pe, tc.file)
			}
		})
	}
}

// TestReadZipAccepts: a good package reads the same from a zip as from its
// folder, zipped bare or inside one folder, with directory entries; the
// package is checked like a folder once unzipped.
func TestReadZipAccepts(t *testing.T) {
	t.Parallel()
	good := goodPackage(t)
	want, err := coursepkg.ReadPackage(good)
	if err != nil {
		t.Fatal(err)
	}
	withDirs := append(makeZipEntries(good, ""), pkgtest.Entry{Name: "01-un/", Mode: fs.ModeDir | 0o755})
	for name, data := range map[string][]byte{
		"bare":             zipOfFS(t, good, ""),
		"in a folder":      zipOfFS(t, good, "paquet-v2/"),
		"with a dir entry": pkgtest.Zip(t, withDirs...),
	} {
		got, err := coursepkg.ReadZip(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.Manifest.Slug != want.Manifest.Slug || len(got.Lessons) != len(want.Lessons) || len(got.Quizzes) != len(want.Quizzes) ||
			len(got.Images) != 1 || got.Lessons["01-un/01-lecon"]["ar"].Body != want.Lessons["01-un/01-lecon"]["ar"].Body {
			t.Errorf("%s: read %+v, want %+v", name, got.Manifest, want.Manifest)
		}
	}
	// Two packages in one zip: neither is taken for the package.
	two := zipOfFS(t, fstest.MapFS{"a/course.yaml": good["course.yaml"], "b/course.yaml": good["course.yaml"]}, "")
	pe := packageErrors(t, func() error { _, err := coursepkg.ReadZip(two); return err }())
	if !hasError(pe, "course.yaml", 0, "") {
		t.Errorf("two packages: %v, want the manifest missing", pe)
	}
	// A package the zip carries fine but whose content is wrong is checked.
	bad := goodPackage(t)
	delete(bad, "01-un/quiz.gift")
	pe = packageErrors(t, func() error { _, err := coursepkg.ReadZip(zipOfFS(t, bad, "")); return err }())
	if !hasError(pe, "01-un/quiz.gift", 0, "") {
		t.Errorf("zipped package without its quiz: %v", pe)
	}
}

func makeZipEntries(fsys fstest.MapFS, dir string) []pkgtest.Entry {
	var out []pkgtest.Entry
	for name, f := range fsys {
		out = append(out, pkgtest.Entry{Name: dir + name, Body: f.Data})
	}
	return out
}
