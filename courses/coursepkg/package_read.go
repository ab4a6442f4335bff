package coursepkg

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"tadrib/courses"
	"tadrib/internal/markdown"
	"tadrib/models"
)

// ReadPackage reads and checks the course package rooted at fsys. It reports
// every problem it finds, not only the first.
func ReadPackage(fsys fs.FS) (Package, error) {
	var errs PackageErrors
	add := func(file string, line int, format string, args ...any) {
		errs = append(errs, PackageError{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	pkg := Package{Lessons: map[string]map[string]LessonFile{}, Quizzes: map[string]string{}, Images: map[string][]byte{}}
	raw, err := fs.ReadFile(fsys, "course.yaml")
	if err != nil {
		return pkg, PackageErrors{{File: "course.yaml", Message: "missing: a package needs its manifest"}}
	}
	if !utf8.Valid(raw) {
		return pkg, PackageErrors{{File: "course.yaml", Message: "not UTF-8 text"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&pkg.Manifest); err != nil {
		return pkg, PackageErrors{{File: "course.yaml", Line: lineOf(err), Message: err.Error()}}
	}
	m := &pkg.Manifest
	if m.Format != PackageFormat {
		add("course.yaml", 0, "format is %q, want %q", m.Format, PackageFormat)
	}
	if !courses.ValidSlug(m.Slug) {
		add("course.yaml", 0, "slug %q: use lowercase letters, digits and hyphens", m.Slug)
	}
	if !models.Valid(m.Locale, models.Locales) {
		add("course.yaml", 0, "locale %q: want one of %v", m.Locale, models.Locales)
	}
	if m.Hours < 0 || m.Hours > 1000 {
		add("course.yaml", 0, "hours %v: want 0 to 1000", m.Hours)
	}
	if len(m.Audiences) == 0 {
		add("course.yaml", 0, "audiences: name at least one of %v", models.Professions)
	}
	for _, a := range m.Audiences {
		if !models.Valid(a, models.Professions) {
			add("course.yaml", 0, "audience %q: want one of %v", a, models.Professions)
		}
	}
	failed := func(lp string) bool {
		for _, e := range errs {
			if strings.HasPrefix(e.File, lp+".") {
				return true
			}
		}
		return false
	}
	checkTexts := func(what string, texts map[string]string, required bool) {
		// A text is required in some language: the course's, normally; an
		// editor may have written one in another language only, which
		// trainees then see whatever their language (pickText).
		some := false
		for _, t := range texts {
			some = some || strings.TrimSpace(t) != ""
		}
		if required && !some {
			add("course.yaml", 0, "%s: missing in the course's language %q", what, m.Locale)
		}
		for lang, t := range texts {
			if !models.Valid(lang, models.Locales) {
				add("course.yaml", 0, "%s: unknown language %q", what, lang)
			}
			if utf8.RuneCountInString(t) > 2000 {
				add("course.yaml", 0, "%s (%s): too long", what, lang)
			}
		}
	}
	checkTexts("title", m.Title, true)
	checkTexts("summary", m.Summary, false)
	if msg := courses.CheckPrerequisites(m.Slug, m.Prerequisites); msg != "" {
		add("course.yaml", 0, "prerequisites: %s", msg)
	}
	if len(m.Modules) == 0 {
		add("course.yaml", 0, "modules: a course needs at least one module")
	}
	seen := map[string]bool{}
	for i, mod := range m.Modules {
		where := fmt.Sprintf("module %d (%s)", i+1, mod.Slug)
		if !courses.ValidSlug(mod.Slug) || seen["m:"+mod.Slug] {
			add("course.yaml", 0, "%s: slug missing, malformed or repeated", where)
		}
		seen["m:"+mod.Slug] = true
		checkTexts(where+" title", mod.Title, true)
		for _, lp := range mod.Lessons {
			if !lessonPathRE.MatchString(lp) || strings.Contains(lp, "..") || seen["l:"+lp] {
				add("course.yaml", 0, "%s: lesson path %q is malformed or repeated", where, lp)
				continue
			}
			seen["l:"+lp] = true
			pkg.Lessons[lp] = map[string]LessonFile{}
			for _, lang := range models.Locales {
				name := lp + "." + lang + ".md"
				b, err := fs.ReadFile(fsys, name)
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err != nil {
					add(name, 0, "%v", err)
					continue
				}
				lf, line, msg := parseLessonFile(b)
				if msg != "" {
					add(name, line, "%s", msg)
					continue
				}
				pkg.Lessons[lp][lang] = lf
			}
			if len(pkg.Lessons[lp]) == 0 && !failed(lp) {
				add(lp+"."+m.Locale+".md", 0, "missing: every lesson needs a text in the course's language")
			}
		}
		if q := mod.Quiz; q != nil {
			if !quizPathRE.MatchString(q.File) || seen["q:"+q.File] {
				add("course.yaml", 0, "%s: quiz file %q is malformed or repeated", where, q.File)
				continue
			}
			seen["q:"+q.File] = true
			b, err := fs.ReadFile(fsys, q.File)
			switch {
			case err != nil:
				add(q.File, 0, "missing: the quiz of %s", where)
			case !utf8.Valid(b):
				add(q.File, 0, "not UTF-8 text")
			default:
				pkg.Quizzes[q.File] = string(b)
			}
			for _, lang := range sortedKeys(q.Translations) {
				file := q.Translations[lang]
				if !models.Valid(lang, models.Locales) || !quizTransRE.MatchString(file) || seen["q:"+file] {
					add("course.yaml", 0, "%s: quiz translation %q (%s) is malformed, repeated or in an unknown language", where, file, lang)
					continue
				}
				seen["q:"+file] = true
				b, err := fs.ReadFile(fsys, file)
				switch {
				case err != nil:
					add(file, 0, "missing: the %s quiz of %s", lang, where)
				case !utf8.Valid(b):
					add(file, 0, "not UTF-8 text")
				default:
					pkg.Quizzes[file] = string(b)
				}
			}
		}
	}
	for _, name := range m.Images {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			add(name, 0, "missing: listed in images")
			continue
		}
		if msg := checkPackageImage(name, b); msg != "" {
			add(name, 0, "%s", msg)
			continue
		}
		pkg.Images[name] = b
	}
	if len(errs) > 0 {
		return pkg, errs
	}
	return pkg, nil
}

// parseLessonFile splits YAML front matter from the Markdown body.
func parseLessonFile(b []byte) (LessonFile, int, string) {
	var lf LessonFile
	if !utf8.Valid(b) {
		return lf, 0, "not UTF-8 text"
	}
	if len(b) > markdown.MaxSource+4096 { // the body is checked once split from its front matter
		return lf, 0, fmt.Sprintf("larger than %d bytes", markdown.MaxSource+4096)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return lf, 1, "front matter missing: the file must start with a line '---'"
	}
	front, body, ok := strings.Cut(s[4:], "\n---\n")
	if !ok {
		return lf, 1, "front matter not closed by a line '---'"
	}
	dec := yaml.NewDecoder(strings.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(&lf); err != nil {
		return lf, lineOf(err) + 1, err.Error()
	}
	if strings.TrimSpace(lf.Title) == "" {
		return lf, 2, "front matter: title is required"
	}
	if lf.Minutes < 0 || lf.Minutes > 600 {
		return lf, 2, "front matter: minutes must be 0 to 600"
	}
	lf.Body = strings.TrimLeft(body, "\n")
	return lf, 0, ""
}

func lineOf(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		// yaml.v3 numbers an unclosed [ or { by its context mark, from 0:
		// the line that opened it is one more.
		if strings.Contains(err.Error(), "did not find expected ',' or") {
			n++
		}
		return n
	}
	return 0
}
