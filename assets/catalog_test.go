package assets_test

// The catalogues against the code: every key a template or the Go code asks
// for exists in French, Arabic and English, and the problems the importers
// report (GIFT, course packages, member lists) come with a key that every
// language translates, so that no English reaches the French or Arabic
// interface (issue 11, point 7).

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tadrib/assets"
	"tadrib/courses/cohorts"
	"tadrib/courses/coursepkg"
	"tadrib/internal/i18n"
	"tadrib/internal/web"
	"tadrib/quiz"
)

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(assets.FS(""))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// has reports whether lang defines key, or its plural forms.
func has(cat *i18n.Catalog, lang, key string) bool {
	probe := "\x00missing"
	return cat.T(lang, key) != key || cat.N(lang, key, 5) != key && cat.N(lang, key, 5) != probe
}

// templateKey finds {{.T "key"}}, {{$.TN "key" …}} and the like.
var templateKey = regexp.MustCompile(`\.(?:T|TN)\s+"([^"]+)"`)

// codeKey finds string literals that the Go code hands to the catalogue:
// translations (T, N), errors (Errorf, Field, Key:), and the importers'
// messages (i18n.M, giftError, perr, packageError, msgOf, fail, errAt, add,
// bad, msg, limitErr).
var codeKey = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:T|N|TN|Errorf|Field|M|msgOf|bad|msg|limitErr|csvProblem)\((?:[^"()]*?,\s*)?"([a-z_]+\.[a-z0-9_.#]+)"`),
	regexp.MustCompile(`\bKey:\s*"([a-z_]+\.[a-z0-9_.#]+)"`),
	regexp.MustCompile(`\b(?:giftError|fail|errAt)\([^",()]+,\s*"([a-z_]+\.[a-z0-9_.#]+)"`),
	regexp.MustCompile(`\b(?:perr|packageError|add)\([^,()]+,\s*[^,()]+,\s*"([a-z_]+\.[a-z0-9_.#]+)"`),
}

func TestEveryKeyUsedExistsInEveryLanguage(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	used := map[string]string{} // key → where
	err := fs.WalkDir(assets.FS(""), "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.FS(""), p)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nGo := 0
	err = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "tadrib-load") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		nGo++
		for _, re := range codeKey {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 300 || nGo < 50 {
		t.Fatalf("found %d keys in %d Go files: the scan is broken", len(used), nGo)
	}
	for key, where := range used {
		if strings.HasSuffix(key, ".") {
			continue // a prefix the code completes ("cohort.reason." + reason)
		}
		for _, lang := range i18n.Languages {
			if !has(cat, lang, key) {
				t.Errorf("%s uses %q, which the %s catalogue lacks", where, key, lang)
			}
		}
	}
	// And the other way: no language has a key French lacks (a typo there
	// would hide a missing translation).
	for lang, keys := range cat.Missing() {
		t.Errorf("%s lacks %d keys French has: %v", lang, len(keys), keys)
	}
}

// Texts that are the same in French (or Arabic) and English on purpose.
var sameInEveryLanguage = map[string]bool{"pkg.module": true}

// TestImporterEnglishIsTheCatalogues: the English kept with the parsers
// (i18n.RegisterEnglish, for logs and their own tests) is the English
// catalogue's, and French and Arabic translate every such key.
func TestImporterEnglishIsTheCatalogues(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	b, err := fs.ReadFile(assets.FS(""), "i18n/imports.en.json")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"((?:gift|pkg)\.[a-z_.]+)":`).FindAllStringSubmatch(string(b), -1)
	if len(keys) < 90 {
		t.Fatalf("imports.en.json has %d keys", len(keys))
	}
	for _, k := range keys {
		key := k[1]
		if got, ok := i18n.EnglishFormat(key); !ok || got != cat.T("en", key) {
			want := cat.T("en", key)
			t.Errorf("%s: the code's English %q, the catalogue's %q", key, got, want)
		}
		for _, lang := range []string{"fr", "ar"} {
			if tr := cat.T(lang, key); tr == cat.T("en", key) && !sameInEveryLanguage[key] {
				t.Errorf("%s: the %s text is the English one (%q)", key, lang, tr)
			}
		}
	}
}

// untranslated checks that a problem has a key, that each language has it,
// and that French and Arabic say it in their words: the text differs from
// the English, and Arabic has Arabic letters in it.
func untranslated(t *testing.T, cat *i18n.Catalog, where, key string, args []any) {
	t.Helper()
	if key == "" {
		t.Errorf("%s: a problem without a catalogue key", where)
		return
	}
	en := cat.T("en", key, args...)
	for _, lang := range i18n.Languages {
		if !has(cat, lang, key) {
			t.Errorf("%s: %s lacks %q", where, lang, key)
		}
	}
	if fr := cat.T("fr", key, args...); fr == en && !sameInEveryLanguage[key] {
		t.Errorf("%s: French %q is the English", where, fr)
	}
	ar := cat.T("ar", key, args...)
	if !strings.ContainsFunc(ar, func(r rune) bool { return r >= 0x0600 && r <= 0x06FF }) {
		t.Errorf("%s: Arabic %q has no Arabic word", where, ar)
	}
	if strings.Contains(en, "%!") || strings.Contains(cat.T("fr", key, args...), "%!") || strings.Contains(ar, "%!") {
		t.Errorf("%s: %q's arguments do not fit its format (%q)", where, key, en)
	}
}

func TestGIFTErrorsAreTranslated(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	broken := []string{
		"::Q1 Where? {=here ~there}",
		"Text } with {=a ~b}",
		"Text {=a ~b",
		"Text } before {=a ~b}",
		"Text {=a {=b ~c}",
		"Text {=a ~b} and {=c ~d}",
		"Text {=a ~b} }",
		"[word] Text {=a ~b}",
		"Text {~only}",
		"Text {=a ~}",
		"Text {=a -> 1}",
		"Text {=a -> 1 =b}",
		"Text {=a -> 1\n=b -> 2\nnot a pair}",
		"Text {=a -> 1 =b ->}",
		"Text {#}",
		"Text {#abc}",
		"Text {#1..x}",
		"Text {#5..1}",
		"Text {#3:x}",
		"Text {#3:-1}",
		"Text {#3 ~x}",
		"Text {#3 ~#a ~b}",
		"Text {#3 ~#a =4}",
		"Text {=a ~%5.5.5%b}",
		"Text {=a ~%200%b}",
		"Text \xff {=a ~b}",
		"Text \x00 {=a ~b}",
		strings.Repeat("x", quiz.MaxGIFTQuestion+10) + " {=a ~b}",
	}
	seen := map[string]bool{}
	for _, src := range broken {
		_, errs := quiz.ParseGIFT(src)
		if len(errs) == 0 {
			t.Errorf("%.40q: no error", src)
		}
		for _, e := range errs {
			seen[e.Key] = true
			untranslated(t, cat, "GIFT "+strings.ToValidUTF8(src[:min(len(src), 30)], "?"), e.Key, e.Args)
			if cat.T("en", e.Key, e.Args...) != e.Message {
				t.Errorf("%q: Message %q is not the English catalogue's %q", src, e.Message, cat.T("en", e.Key, e.Args...))
			}
		}
	}
	if len(seen) < 25 {
		t.Errorf("the broken texts reached %d kinds of error", len(seen))
	}
	// Localize puts the reader's language in Message.
	_, errs := quiz.ParseGIFT("Text {#abc}")
	errs = quiz.Localize(errs, func(k string, a ...any) string { return cat.T("fr", k, a...) })
	if len(errs) != 1 || errs[0].Message != "« abc » n’est pas un nombre" {
		t.Errorf("Localize(fr) = %+v", errs)
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const manifest = `format: tadrib-course/1
slug: paquet
locale: fr
hours: 2
audiences: [police]
title: {fr: Titre}
modules:
  - slug: un
    title: {fr: Un}
    lessons: [01-un/01-lecon]
`

func TestPackageErrorsAreTranslated(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	lesson := "---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n"
	for name, data := range map[string][]byte{
		"not a zip":       []byte("PK no"),
		"no manifest":     zipOf(t, map[string]string{"01-un/01-lecon.fr.md": lesson}),
		"bad YAML":        zipOf(t, map[string]string{"course.yaml": "title: [oops\n"}),
		"unknown field":   zipOf(t, map[string]string{"course.yaml": manifest + "colour: blue\n", "01-un/01-lecon.fr.md": lesson}),
		"wrong type":      zipOf(t, map[string]string{"course.yaml": strings.Replace(manifest, "hours: 2", "hours: [2]", 1), "01-un/01-lecon.fr.md": lesson}),
		"bad values":      zipOf(t, map[string]string{"course.yaml": strings.NewReplacer("tadrib-course/1", "x/9", "slug: paquet", "slug: Pa quet", "locale: fr", "locale: de", "hours: 2", "hours: 5000", "[police]", "[pirate]", "title: {fr: Titre}", "title: {fr: '', xx: a}\nprerequisites: [Paquet, paquet, x, x]").Replace(manifest)}),
		"no modules":      zipOf(t, map[string]string{"course.yaml": manifest[:strings.Index(manifest, "modules:")]}),
		"lesson missing":  zipOf(t, map[string]string{"course.yaml": manifest}),
		"front matter":    zipOf(t, map[string]string{"course.yaml": manifest, "01-un/01-lecon.fr.md": "Texte"}),
		"front not shut":  zipOf(t, map[string]string{"course.yaml": manifest, "01-un/01-lecon.fr.md": "---\ntitle: x\n"}),
		"front no title":  zipOf(t, map[string]string{"course.yaml": manifest, "01-un/01-lecon.fr.md": "---\nminutes: 5\n---\nx"}),
		"front minutes":   zipOf(t, map[string]string{"course.yaml": manifest, "01-un/01-lecon.fr.md": "---\ntitle: x\nminutes: 9000\n---\nx"}),
		"paths":           zipOf(t, map[string]string{"course.yaml": manifest, "01-un/01-lecon.fr.md": lesson, `a\b`: "x", "/abs": "x", "../up": "x"}),
		"quiz and images": zipOf(t, map[string]string{"course.yaml": strings.Replace(manifest, "lessons: [01-un/01-lecon]", "lessons: [01-un/01-lecon, 01-un/01-lecon]\n    quiz: {file: 01-un/quiz.gift, translations: {ar: 01-un/quiz.ar.gift, xx: y}}", 1) + "images: [images/x.png, images/" + strings.Repeat("0", 64) + ".png]\n", "01-un/01-lecon.fr.md": lesson, "images/" + strings.Repeat("0", 64) + ".png": "not a png"}),
	} {
		_, err := coursepkg.ReadZip(data)
		var pe coursepkg.PackageErrors
		if !errors.As(err, &pe) || len(pe) == 0 {
			t.Errorf("%s: err = %v, want package errors", name, err)
			continue
		}
		for _, e := range pe {
			untranslated(t, cat, name+": "+e.File, e.Key, e.Args)
		}
	}
}

func TestMemberListErrorsAreTranslated(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	for name, csv := range map[string]string{
		"not UTF-8":  "name,email\n\xff,a@b.c\n",
		"columns":    "name,name_ar,email,profession,organization\nA,,a@b.c\n",
		"header":     "nom,email\nA,a@b.c\n",
		"no email":   "name,name_ar\nA,B\n",
		"bad quotes": "name,email\n\"A,a@b.c\n",
	} {
		_, err := cohorts.ParseMembersCSV([]byte(csv))
		var we *web.Error
		if !errors.As(err, &we) {
			t.Errorf("%s: err = %v, want a problem", name, err)
			continue
		}
		untranslated(t, cat, name, we.Key, we.Args)
		for _, f := range we.Fields {
			untranslated(t, cat, name+" line", f.Key, f.Args)
		}
	}
}
