package coursepkg

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"tadrib/internal/web"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"
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
	// and its type's extension, as lessons link to them (courses.ImagePath).
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
// Package quiz implements it (quiz imports this package, not the other way
// round); cmd/tadrib passes it to NewService. ImportQuiz runs in the
// import's transaction and reports problems in the GIFT text as
// PackageErrors (their File is filled in by the caller).
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

// Report is the 422 of a broken package: every problem, with its file and
// line (web.Reporter).
func (es PackageErrors) Report() *web.Error {
	fields := make([]web.FieldError, len(es))
	for i, e := range es {
		fields[i] = web.FieldError{File: e.File, Line: e.Line, Message: e.Message}
	}
	return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "authoring.package_broken", Fields: fields}
}

var (
	yamlLine     = regexp.MustCompile(`line (\d+)`)
	lessonPathRE = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}$`)
	quizPathRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}\.gift$`)
	// quizTransRE also allows a language before the ending: quiz.ar.gift.
	quizTransRE = regexp.MustCompile(`^[a-z0-9][a-z0-9/_-]{0,150}(\.[a-z]{2})?\.gift$`)
)
