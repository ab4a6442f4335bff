package coursepkg

import (
	"regexp"

	"tadrib/internal/i18n"
)

// The English of every problem ReadZip and ReadPackage
// report, by catalogue key (assets/i18n/imports.<lang>.json holds the
// translations; a handler translates Key and Args, see PackageErrors.Report).
var _ = i18n.RegisterEnglish(map[string]string{
	"pkg.not_zip":                  "not a zip archive",
	"pkg.too_many_files":           "%d files: at most %d",
	"pkg.too_large":                "%d bytes uncompressed: at most %d",
	"pkg.unreadable":               "this file cannot be read from the archive",
	"pkg.larger_than_declared":     "larger than its declared size",
	"pkg.name_not_utf8":            "the name is not UTF-8",
	"pkg.backslash":                `the name contains "\"`,
	"pkg.absolute":                 "absolute path",
	"pkg.symlink":                  "symbolic link",
	"pkg.not_regular":              "not a regular file",
	"pkg.leaves":                   "path leaves the package (.., empty or dot elements)",
	"pkg.file_too_large":           "%d bytes: at most %d per file",
	"pkg.duplicate":                "a second file of this name: each name once",
	"pkg.ratio":                    "%d bytes uncompressed from an archive of %d: at most %d times the archive's size",
	"pkg.manifest_large":           "%d bytes: at most %d",
	"pkg.yaml_depth":               "nested more than %d levels deep",
	"pkg.yaml_nodes":               "more than %d values (an alias counts as the values it repeats)",
	"pkg.manifest_missing":         "missing: a package needs its manifest",
	"pkg.not_utf8":                 "not UTF-8 text",
	"pkg.yaml_syntax":              "this YAML cannot be read (check indentation, quotes and brackets)",
	"pkg.yaml_field":               "unknown field %q",
	"pkg.yaml_type":                "a value has the wrong type (a number, a list or a text was expected)",
	"pkg.format":                   "format is %q, want %q",
	"pkg.slug":                     "slug %q: use lowercase letters, digits and hyphens",
	"pkg.locale":                   "locale %q: want one of %s",
	"pkg.hours":                    "hours %v: want 0 to 1000",
	"pkg.audiences":                "audiences: name at least one of %s",
	"pkg.audience":                 "audience %q: want one of %s",
	"pkg.text_missing":             "%s: missing in the course's language %q",
	"pkg.text_lang":                "%s: unknown language %q",
	"pkg.text_long":                "%s (%s): too long",
	"pkg.prerequisites":            "prerequisites: %s",
	"pkg.prereq.too_many":          "at most %d courses",
	"pkg.prereq.slug":              "%q is not a course slug",
	"pkg.prereq.self":              "a course cannot require itself",
	"pkg.prereq.twice":             "%q is named twice",
	"pkg.no_modules":               "modules: a course needs at least one module",
	"pkg.module":                   "module %d (%s)",
	"pkg.module_title":             "module %d (%s) title",
	"pkg.title":                    "title",
	"pkg.summary":                  "summary",
	"pkg.module_slug":              "%s: slug missing, malformed or repeated",
	"pkg.lesson_path":              "%s: lesson path %q is malformed or repeated",
	"pkg.lesson_missing":           "missing: every lesson needs a text in the course's language",
	"pkg.quiz_path":                "%s: quiz file %q is malformed or repeated",
	"pkg.quiz_missing":             "missing: the quiz of %s",
	"pkg.quiz_translation":         "%s: quiz translation %q (%s) is malformed, repeated or in an unknown language",
	"pkg.quiz_translation_missing": "missing: the %s quiz of %s",
	"pkg.image_missing":            "missing: listed in images",
	"pkg.image_name":               "an image must be images/<sha256>.<png|jpg|gif|webp>",
	"pkg.image_large":              "larger than %d bytes",
	"pkg.image_type":               "not a PNG, JPEG, GIF or WebP image matching its extension",
	"pkg.image_hash":               "the name is not the SHA-256 of the content",
	"pkg.lesson_large":             "larger than %d bytes",
	"pkg.front_missing":            "front matter missing: the file must start with a line '---'",
	"pkg.front_open":               "front matter not closed by a line '---'",
	"pkg.front_title":              "front matter: title is required",
	"pkg.front_minutes":            "front matter: minutes must be 0 to 600",
	"pkg.no_quizzes":               "this server cannot import quizzes",
})

// perr is a problem of file at line (0: the whole file).
func perr(file string, line int, key string, args ...any) PackageError {
	return PackageError{File: file, Line: line, Message: i18n.English(key, args...), Key: key, Args: args}
}

// msgOf is a problem's key and arguments, for the functions that say what
// is wrong with one thing and let their caller say where.
func msgOf(key string, args ...any) *i18n.Msg {
	m := i18n.M(key, args...)
	return &m
}

var yamlUnknownField = regexp.MustCompile(`field (\S+) not found in type`)

// yamlMsg says what a YAML decoding error is about in words a translator
// can carry: yaml.v3's own text is English and names Go types.
func yamlMsg(err error) *i18n.Msg {
	s := err.Error()
	if m := yamlUnknownField.FindStringSubmatch(s); m != nil {
		return msgOf("pkg.yaml_field", m[1])
	}
	if yamlTypeErr.MatchString(s) {
		return msgOf("pkg.yaml_type")
	}
	return msgOf("pkg.yaml_syntax")
}

var yamlTypeErr = regexp.MustCompile(`cannot unmarshal`)
