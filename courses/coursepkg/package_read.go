package coursepkg

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"tadrib/courses"
	"tadrib/internal/i18n"
	"tadrib/internal/markdown"
	"tadrib/models"
)

// ReadPackage reads and checks the course package rooted at fsys. It reports
// every problem it finds, not only the first.
func ReadPackage(fsys fs.FS) (Package, error) {
	var errs PackageErrors
	add := func(file string, line int, key string, args ...any) {
		errs = append(errs, perr(file, line, key, args...))
	}
	pkg := Package{Lessons: map[string]map[string]LessonFile{}, Quizzes: map[string]string{}, Images: map[string][]byte{}}
	raw, err := fs.ReadFile(fsys, "course.yaml")
	if err != nil {
		return pkg, PackageErrors{perr("course.yaml", 0, "pkg.manifest_missing")}
	}
	if !utf8.Valid(raw) {
		return pkg, PackageErrors{perr("course.yaml", 0, "pkg.not_utf8")}
	}
	if len(raw) > MaxManifestSize {
		return pkg, PackageErrors{perr("course.yaml", 0, "pkg.manifest_large", len(raw), MaxManifestSize)}
	}
	if line, msg := decodeYAML(raw, &pkg.Manifest); msg != nil {
		return pkg, PackageErrors{perr("course.yaml", line, msg.Key, msg.Args...)}
	}
	m := &pkg.Manifest
	if m.Format != PackageFormat {
		add("course.yaml", 0, "pkg.format", m.Format, PackageFormat)
	}
	if !courses.ValidSlug(m.Slug) {
		add("course.yaml", 0, "pkg.slug", m.Slug)
	}
	if !models.Valid(m.Locale, models.Locales) {
		add("course.yaml", 0, "pkg.locale", m.Locale, strings.Join(models.Locales, ", "))
	}
	if m.Hours < 0 || m.Hours > 1000 {
		add("course.yaml", 0, "pkg.hours", m.Hours)
	}
	if len(m.Audiences) == 0 {
		add("course.yaml", 0, "pkg.audiences", strings.Join(models.Professions, ", "))
	}
	for _, a := range m.Audiences {
		if !models.Valid(a, models.Professions) {
			add("course.yaml", 0, "pkg.audience", a, strings.Join(models.Professions, ", "))
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
	checkTexts := func(what i18n.Msg, texts map[string]string, required bool) {
		// A text is required in some language: the course's, normally; an
		// editor may have written one in another language only, which
		// trainees then see whatever their language (pickText).
		some := false
		for _, t := range texts {
			some = some || strings.TrimSpace(t) != ""
		}
		if required && !some {
			add("course.yaml", 0, "pkg.text_missing", what, m.Locale)
		}
		for lang, t := range texts {
			if !models.Valid(lang, models.Locales) {
				add("course.yaml", 0, "pkg.text_lang", what, lang)
			}
			if utf8.RuneCountInString(t) > 2000 {
				add("course.yaml", 0, "pkg.text_long", what, lang)
			}
		}
	}
	checkTexts(i18n.M("pkg.title"), m.Title, true)
	checkTexts(i18n.M("pkg.summary"), m.Summary, false)
	if msg := courses.CheckPrerequisites(m.Slug, m.Prerequisites); msg != nil {
		add("course.yaml", 0, "pkg.prerequisites", *msg)
	}
	if len(m.Modules) == 0 {
		add("course.yaml", 0, "pkg.no_modules")
	}
	seen := map[string]bool{}
	for i, mod := range m.Modules {
		where := i18n.M("pkg.module", i+1, mod.Slug)
		if !courses.ValidSlug(mod.Slug) || seen["m:"+mod.Slug] {
			add("course.yaml", 0, "pkg.module_slug", where)
		}
		seen["m:"+mod.Slug] = true
		checkTexts(i18n.M("pkg.module_title", i+1, mod.Slug), mod.Title, true)
		for _, lp := range mod.Lessons {
			if !lessonPathRE.MatchString(lp) || strings.Contains(lp, "..") || seen["l:"+lp] {
				add("course.yaml", 0, "pkg.lesson_path", where, lp)
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
					add(name, 0, "pkg.unreadable")
					continue
				}
				lf, line, msg := parseLessonFile(b)
				if msg != nil {
					add(name, line, msg.Key, msg.Args...)
					continue
				}
				pkg.Lessons[lp][lang] = lf
			}
			if len(pkg.Lessons[lp]) == 0 && !failed(lp) {
				add(lp+"."+m.Locale+".md", 0, "pkg.lesson_missing")
			}
		}
		if q := mod.Quiz; q != nil {
			if !quizPathRE.MatchString(q.File) || seen["q:"+q.File] {
				add("course.yaml", 0, "pkg.quiz_path", where, q.File)
				continue
			}
			seen["q:"+q.File] = true
			b, err := fs.ReadFile(fsys, q.File)
			switch {
			case err != nil:
				add(q.File, 0, "pkg.quiz_missing", where)
			case !utf8.Valid(b):
				add(q.File, 0, "not UTF-8 text")
			default:
				pkg.Quizzes[q.File] = string(b)
			}
			for _, lang := range sortedKeys(q.Translations) {
				file := q.Translations[lang]
				if !models.Valid(lang, models.Locales) || !quizTransRE.MatchString(file) || seen["q:"+file] {
					add("course.yaml", 0, "pkg.quiz_translation", where, file, lang)
					continue
				}
				seen["q:"+file] = true
				b, err := fs.ReadFile(fsys, file)
				switch {
				case err != nil:
					add(file, 0, "pkg.quiz_translation_missing", lang, where)
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
			add(name, 0, "pkg.image_missing")
			continue
		}
		if msg := checkPackageImage(name, b); msg != nil {
			add(name, 0, msg.Key, msg.Args...)
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
func parseLessonFile(b []byte) (LessonFile, int, *i18n.Msg) {
	var lf LessonFile
	if !utf8.Valid(b) {
		return lf, 0, msgOf("pkg.not_utf8")
	}
	if len(b) > markdown.MaxSource+4096 { // the body is checked once split from its front matter
		return lf, 0, msgOf("pkg.lesson_large", markdown.MaxSource+4096)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return lf, 1, msgOf("pkg.front_missing")
	}
	front, body, ok := strings.Cut(s[4:], "\n---\n")
	if !ok {
		return lf, 1, msgOf("pkg.front_open")
	}
	if line, msg := decodeYAML([]byte(front), &lf); msg != nil {
		return lf, line + 1, msg
	}
	if strings.TrimSpace(lf.Title) == "" {
		return lf, 2, msgOf("pkg.front_title")
	}
	if lf.Minutes < 0 || lf.Minutes > 600 {
		return lf, 2, msgOf("pkg.front_minutes")
	}
	lf.Body = strings.TrimLeft(body, "\n")
	return lf, 0, nil
}

// Limits of a package's YAML (the manifest, a lesson's front matter), so
// that a small text cannot hold a large tree: SECURITY.md U2.
const (
	// MaxManifestSize bounds course.yaml: a course of the seed has 4 KB.
	MaxManifestSize = 512 << 10
	// MaxYAMLDepth bounds the nesting of collections: a manifest needs 5.
	MaxYAMLDepth = 16
	// MaxYAMLNodes bounds the values of one YAML text, every alias counted
	// as the values it stands for: "billion laughs" (nine anchors of ten
	// aliases each) is a billion values written in a few hundred bytes.
	MaxYAMLNodes = 50000
)

// decodeYAML decodes one YAML document into v, refusing unknown fields,
// within MaxYAMLDepth and MaxYAMLNodes: it parses into nodes first (which
// expands no alias), measures them, then decodes. Like yaml's Decoder, it
// reads the first document only. The line is the
// problem's, from 1, or 0.
func decodeYAML(src []byte, v any) (int, *i18n.Msg) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // empty: every field zero, as Decode would leave it
			return 0, nil
		}
		return lineOf(err), yamlMsg(err)
	}
	size := map[*yaml.Node]int{}
	var walk func(n *yaml.Node, depth int) (int, *yaml.Node)
	// walk returns the values n stands for and the first node too deep.
	walk = func(n *yaml.Node, depth int) (int, *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return 1, nil
			}
			n = n.Alias
		}
		if c, ok := size[n]; ok {
			return c, nil
		}
		if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && depth > MaxYAMLDepth {
			return 0, n
		}
		size[n] = 1 // an alias of a node inside itself counts once
		c := 1
		for _, k := range n.Content {
			kc, deep := walk(k, depth+1)
			if deep != nil {
				return 0, deep
			}
			c = min(c+kc, MaxYAMLNodes+1)
		}
		size[n] = c
		return c, nil
	}
	// The document node holds the root value, at depth 1.
	nodes := 0
	for _, n := range doc.Content {
		c, deep := walk(n, 1)
		if deep != nil {
			return deep.Line, msgOf("pkg.yaml_depth", MaxYAMLDepth)
		}
		nodes = min(nodes+c, MaxYAMLNodes+1)
	}
	if nodes > MaxYAMLNodes {
		return 0, msgOf("pkg.yaml_nodes", MaxYAMLNodes)
	}
	// Measured: now decoded, from the text again (a yaml.Node decodes
	// without refusing unknown fields).
	dec = yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return lineOf(err), yamlMsg(err)
	}
	return 0, nil
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
