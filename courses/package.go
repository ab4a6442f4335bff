package courses

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"gorm.io/gorm"

	"tadrib/internal/markdown"
	"tadrib/models"
)

// PackageFormat is the format a course package's manifest declares.
const PackageFormat = "tadrib-course/1"

// Manifest is a course package's course.yaml.
type Manifest struct {
	Format       string            `yaml:"format"`
	Slug         string            `yaml:"slug"`
	Locale       string            `yaml:"locale"`
	Hours        float64           `yaml:"hours"`
	Audiences    []string          `yaml:"audiences"`
	Published    bool              `yaml:"published"`
	ValidityDays int               `yaml:"validity_days"`
	Title        map[string]string `yaml:"title"`
	Summary      map[string]string `yaml:"summary,omitempty"`
	Modules      []ManifestModule  `yaml:"modules"`
	// Prerequisites are the slugs of courses to complete before this one:
	// the catalogue shows them as a path, and this course's certificate
	// waits for them (enrolment stays open).
	Prerequisites []string `yaml:"prerequisites,omitempty"`
	// Images are files under images/, each named by its content's SHA-256
	// and its type's extension, as lessons link to them (ImagePath).
	Images []string `yaml:"images,omitempty"`
}

// ManifestModule is a module in the manifest: its lessons are paths, without
// the ".<lang>.md" ending, of Markdown files in the package.
type ManifestModule struct {
	Slug    string            `yaml:"slug"`
	Title   map[string]string `yaml:"title"`
	Lessons []string          `yaml:"lessons"`
	Quiz    *ManifestQuiz     `yaml:"quiz,omitempty"`
}

// ManifestQuiz is a module's quiz: its settings, and the GIFT file of its
// questions.
type ManifestQuiz struct {
	File string `yaml:"file"`
	// Translations names, per language, a GIFT file holding the same
	// questions in the same order and structure, worded in that language
	// (optional).
	Translations map[string]string `yaml:"translations,omitempty"`
	QuizSettings `yaml:",inline"`
}

// QuizSettings are a quiz's settings as a package carries them.
type QuizSettings struct {
	Title           string `yaml:"title"`
	PassMark        int    `yaml:"pass_mark"`
	TimeLimitS      int    `yaml:"time_limit_s,omitempty"`
	MaxAttempts     int    `yaml:"max_attempts,omitempty"`
	Draw            int    `yaml:"draw,omitempty"`
	DrawPerCategory bool   `yaml:"draw_per_category,omitempty"`
	Shuffle         bool   `yaml:"shuffle"`
	Review          string `yaml:"review"`
	OnePerPage      bool   `yaml:"one_per_page,omitempty"`
	// Titles is the quiz's title in other languages.
	Titles map[string]string `yaml:"titles,omitempty"`
	// TranslatedGIFT is, per language, the questions worded in it as GIFT:
	// filled by ExportQuiz, and from the files of ManifestQuiz.Translations
	// for ImportQuiz.
	TranslatedGIFT map[string]QuizTranslationFile `yaml:"-"`
}

// QuizTranslationFile is a quiz's translation GIFT file in a package.
type QuizTranslationFile struct {
	File string // its name in the package; empty on export (the writer names it)
	Text string
}

// QuizPackages exports and imports modules' quizzes for course packages.
// Package quiz implements it (courses may not import quiz: DESIGN.md);
// cmd/tadrib connects it. ImportQuiz runs in the import's transaction and
// reports problems in the GIFT text as PackageErrors (their File is filled in
// by the caller).
type QuizPackages interface {
	ExportQuiz(ctx context.Context, moduleID int64) (settings QuizSettings, gift string, ok bool, err error)
	ImportQuiz(ctx context.Context, tx *gorm.DB, moduleID int64, settings QuizSettings, gift string) error
}

// LessonFile is one language of one lesson: its front matter and body.
type LessonFile struct {
	Title   string `yaml:"title"`
	Minutes int    `yaml:"minutes"`
	Body    string `yaml:"-"`
}

// Package is a course package read and checked, ready to import.
type Package struct {
	Manifest Manifest
	Lessons  map[string]map[string]LessonFile // lesson path → language → file
	Quizzes  map[string]string                // GIFT file → its text
	Images   map[string][]byte                // image file → its bytes
}

// PackageError is one problem in a package, with the file and, when known,
// the line.
type PackageError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (e PackageError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return e.File + ": " + e.Message
}

// PackageErrors is every problem found in a package.
type PackageErrors []PackageError

func (es PackageErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return "courses: broken package:\n" + strings.Join(msgs, "\n")
}

var (
	yamlLine     = regexp.MustCompile(`line (\d+)`)
	lessonPathRE = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}$`)
	quizPathRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}\.gift$`)
	// quizTransRE also allows a language before the ending: quiz.ar.gift.
	quizTransRE = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}(\.[a-z]{2})?\.gift$`)
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
	if !slugRE.MatchString(m.Slug) {
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
	if msg := checkPrerequisites(m.Slug, m.Prerequisites); msg != "" {
		add("course.yaml", 0, "prerequisites: %s", msg)
	}
	if len(m.Modules) == 0 {
		add("course.yaml", 0, "modules: a course needs at least one module")
	}
	seen := map[string]bool{}
	for i, mod := range m.Modules {
		where := fmt.Sprintf("module %d (%s)", i+1, mod.Slug)
		if !slugRE.MatchString(mod.Slug) || seen["m:"+mod.Slug] {
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

// ImportPackage creates the course a package describes, in one transaction:
// all of it, or nothing. slug, when not empty, renames it.
func (s *Service) ImportPackage(ctx context.Context, pkg Package, actor *int64, slug string) (models.Course, error) {
	m := pkg.Manifest
	if slug == "" {
		slug = m.Slug
	}
	now := s.now()
	c := models.Course{Slug: slug, Locale: m.Locale, Hours: m.Hours, Audiences: strings.Join(m.Audiences, ","),
		Prerequisites: strings.Join(m.Prerequisites, ","), Published: m.Published, ValidityDays: m.ValidityDays, CreatedBy: actor, CreatedAt: now, UpdatedAt: now}
	err := s.DB.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		for _, lang := range sortedKeys(m.Title) {
			if err := tx.Create(&models.CourseText{CourseID: c.ID, Lang: lang, Title: m.Title[lang], Summary: m.Summary[lang]}).Error; err != nil {
				return err
			}
		}
		for i, mm := range m.Modules {
			mod := models.Module{CourseID: c.ID, Slug: mm.Slug, Position: i + 1}
			if err := tx.Create(&mod).Error; err != nil {
				return err
			}
			for _, lang := range sortedKeys(mm.Title) {
				if err := tx.Create(&models.ModuleText{ModuleID: mod.ID, Lang: lang, Title: mm.Title[lang]}).Error; err != nil {
					return err
				}
			}
			for j, lp := range mm.Lessons {
				files := pkg.Lessons[lp]
				first, _ := pickText(files, m.Locale, m.Locale)
				l := models.Lesson{ModuleID: mod.ID, Position: j + 1, Minutes: first.Minutes, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&l).Error; err != nil {
					return err
				}
				for _, lang := range sortedKeys(files) {
					f := files[lang]
					html, err := markdown.ToHTML(f.Body)
					if err != nil {
						return PackageErrors{{File: lp + "." + lang + ".md", Message: err.Error()}}
					}
					if err := tx.Create(&models.LessonText{LessonID: l.ID, Lang: lang, Title: f.Title, BodyMD: f.Body, HTML: html}).Error; err != nil {
						return err
					}
				}
			}
			if q := mm.Quiz; q != nil {
				if s.QuizPackages == nil {
					return PackageErrors{{File: q.File, Message: "this server cannot import quizzes"}}
				}
				st := q.QuizSettings
				if len(q.Translations) > 0 {
					st.TranslatedGIFT = map[string]QuizTranslationFile{}
					for lang, file := range q.Translations {
						st.TranslatedGIFT[lang] = QuizTranslationFile{File: file, Text: pkg.Quizzes[file]}
					}
				}
				if err := s.QuizPackages.ImportQuiz(ctx, tx, mod.ID, st, pkg.Quizzes[q.File]); err != nil {
					var pe PackageErrors
					if errors.As(err, &pe) {
						for i := range pe {
							if pe[i].File == "" {
								pe[i].File = q.File
							}
						}
						return pe
					}
					return err
				}
			}
		}
		for _, name := range sortedKeys(pkg.Images) {
			m := imageName.FindStringSubmatch(path.Base(name))
			ctype := http.DetectContentType(pkg.Images[name])
			if err := insertImage(tx, c.ID, m[1], m[2], ctype, pkg.Images[name], actor, now); err != nil {
				return err
			}
		}
		return models.Audit(tx, actor, "course.import", "course:"+slug, "")
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return c, ErrSlugTaken
	}
	var pe PackageErrors
	if errors.As(err, &pe) {
		return c, pe
	}
	if err != nil {
		return c, fmt.Errorf("courses: import %q: %w", slug, err)
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LoadSeed imports each course package under seed/ in fsys whose slug is not
// in the database yet, and returns the slugs it created. A course already
// there is left as its trainers may have edited it.
func (s *Service) LoadSeed(ctx context.Context, fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, "seed")
	if err != nil {
		return nil, fmt.Errorf("courses: seed: %w", err)
	}
	var created []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub, _ := fs.Sub(fsys, path.Join("seed", e.Name()))
		pkg, err := ReadPackage(sub)
		if err != nil {
			return created, fmt.Errorf("courses: seed %s: %w", e.Name(), err)
		}
		var n int64
		if err := s.DB.R.WithContext(ctx).Model(&models.Course{}).Where("slug = ?", pkg.Manifest.Slug).Count(&n).Error; err != nil {
			return created, err
		}
		if n > 0 {
			continue
		}
		if _, err := s.ImportPackage(ctx, pkg, nil, ""); err != nil {
			if errors.Is(err, ErrSlugTaken) {
				continue // another node seeded it first
			}
			return created, err
		}
		created = append(created, pkg.Manifest.Slug)
	}
	return created, nil
}
