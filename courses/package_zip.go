package courses

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"testing/fstest"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"gorm.io/gorm"

	"tadrib/models"
)

// Limits of an uploaded package, checked on the zip's directory before
// anything is decompressed, and again while reading (a zip may lie about
// its sizes): SECURITY.md U1, U2.
const (
	MaxPackageFiles = 2000
	MaxPackageSize  = 64 << 20 // all files, uncompressed
	maxPackageFile  = 4 << 20  // one file, uncompressed
)

// ReadZip checks a zipped course package and reads it: every entry must be
// a plain file with a relative, clean, UTF-8 name inside the package (no
// "..", no absolute path, no backslash, no symlink), within the limits.
func ReadZip(data []byte) (Package, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Package{}, PackageErrors{{File: "(zip)", Message: "not a zip archive: " + err.Error()}}
	}
	if len(zr.File) > MaxPackageFiles {
		return Package{}, PackageErrors{{File: "(zip)", Message: fmt.Sprintf("%d files: at most %d", len(zr.File), MaxPackageFiles)}}
	}
	var errs PackageErrors
	var total uint64
	for _, f := range zr.File {
		if msg := checkEntry(f); msg != "" {
			errs = append(errs, PackageError{File: printable(f.Name), Message: msg})
		}
		total += f.UncompressedSize64
	}
	if total > MaxPackageSize {
		errs = append(errs, PackageError{File: "(zip)", Message: fmt.Sprintf("%d bytes uncompressed: at most %d", total, MaxPackageSize)})
	}
	if len(errs) > 0 {
		return Package{}, errs
	}
	files := fstest.MapFS{}
	var read int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return Package{}, PackageErrors{{File: f.Name, Message: err.Error()}}
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxPackageFile+1))
		rc.Close()
		if err != nil {
			return Package{}, PackageErrors{{File: f.Name, Message: err.Error()}}
		}
		read += int64(len(b))
		if len(b) > maxPackageFile || read > MaxPackageSize {
			return Package{}, PackageErrors{{File: f.Name, Message: "larger than its declared size"}}
		}
		files[f.Name] = &fstest.MapFile{Data: b}
	}
	// A package zipped with its folder around it: look inside the folder.
	var root fs.FS = files
	if _, ok := files["course.yaml"]; !ok {
		if dirs, _ := fs.Glob(files, "*/course.yaml"); len(dirs) == 1 {
			root, _ = fs.Sub(files, path.Dir(dirs[0]))
		}
	}
	return ReadPackage(root)
}

// checkEntry says what is wrong with a zip entry, or "".
func checkEntry(f *zip.File) string {
	name := f.Name
	switch {
	case !utf8.ValidString(name):
		return "the name is not UTF-8"
	case strings.Contains(name, `\`):
		return `the name contains "\"`
	case strings.HasPrefix(name, "/"):
		return "absolute path"
	case f.Mode()&fs.ModeSymlink != 0:
		return "symbolic link"
	case !f.Mode().IsRegular() && !f.FileInfo().IsDir():
		return "not a regular file"
	}
	clean := strings.TrimSuffix(name, "/")
	if !fs.ValidPath(clean) {
		return "path leaves the package (.., empty or dot elements)"
	}
	if !f.FileInfo().IsDir() && f.UncompressedSize64 > maxPackageFile {
		return fmt.Sprintf("%d bytes: at most %d per file", f.UncompressedSize64, maxPackageFile)
	}
	return ""
}

// printable is a name as an error may quote it.
func printable(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "?")
}

// checkPackageImage checks a package's image: its name is its content's
// hash, its content an allowed type matching its extension.
func checkPackageImage(name string, b []byte) string {
	m := imageName.FindStringSubmatch(path.Base(name))
	if m == nil || path.Dir(name) != "images" {
		return "an image must be images/<sha256>.<png|jpg|gif|webp>"
	}
	if len(b) > MaxImage {
		return fmt.Sprintf("larger than %d bytes", MaxImage)
	}
	if ext, ok := imageTypes[http.DetectContentType(b)]; !ok || ext != m[2] {
		return "not a PNG, JPEG, GIF or WebP image matching its extension"
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != m[1] {
		return "the name is not the SHA-256 of the content"
	}
	return ""
}

// ExportPackage writes a course editor may change as a zipped package that
// ImportPackage reads back to the same course.
func (s *Service) ExportPackage(ctx context.Context, editor models.User, slug string) ([]byte, error) {
	c, err := s.editable(ctx, s.DB.R.WithContext(ctx), editor, slug)
	if err != nil {
		return nil, err
	}
	var full models.Course
	err = s.DB.R.WithContext(ctx).Preload("Texts").
		Preload("Modules", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Texts").
		Preload("Modules.Lessons", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Lessons.Texts").
		Take(&full, "id = ?", c.ID).Error
	if err != nil {
		return nil, fmt.Errorf("courses: export %q: %w", slug, err)
	}
	m := Manifest{Format: PackageFormat, Slug: full.Slug, Locale: full.Locale, Hours: full.Hours, Audiences: full.AudienceList(),
		Prerequisites: full.PrerequisiteList(), Published: full.Published, ValidityDays: full.ValidityDays, Title: map[string]string{}, Summary: map[string]string{}}
	for _, t := range full.Texts {
		m.Title[t.Lang] = t.Title
		if t.Summary != "" {
			m.Summary[t.Lang] = t.Summary
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, b []byte) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	for i, mod := range full.Modules {
		dir := fmt.Sprintf("%02d-%s", i+1, mod.Slug)
		mm := ManifestModule{Slug: mod.Slug, Title: map[string]string{}}
		for _, t := range mod.Texts {
			mm.Title[t.Lang] = t.Title
		}
		for j, l := range mod.Lessons {
			var def string
			for _, t := range l.Texts {
				if t.Lang == full.Locale {
					def = t.Title
				}
			}
			lp := fmt.Sprintf("%s/%02d-%s", dir, j+1, Slugify(def, "lesson"))
			mm.Lessons = append(mm.Lessons, lp)
			for _, t := range l.Texts {
				front, err := yaml.Marshal(LessonFile{Title: t.Title, Minutes: l.Minutes})
				if err != nil {
					return nil, err
				}
				body := "---\n" + string(front) + "---\n" + t.BodyMD
				if err := put(lp+"."+t.Lang+".md", []byte(body)); err != nil {
					return nil, err
				}
			}
		}
		if s.QuizPackages != nil {
			st, gift, ok, err := s.QuizPackages.ExportQuiz(ctx, mod.ID)
			if err != nil {
				return nil, err
			}
			if ok {
				file := dir + "/quiz.gift"
				trans := st.TranslatedGIFT
				st.TranslatedGIFT = nil
				mm.Quiz = &ManifestQuiz{File: file, QuizSettings: st}
				if err := put(file, []byte(gift)); err != nil {
					return nil, err
				}
				for _, lang := range sortedKeys(trans) {
					tf := dir + "/quiz." + lang + ".gift"
					if mm.Quiz.Translations == nil {
						mm.Quiz.Translations = map[string]string{}
					}
					mm.Quiz.Translations[lang] = tf
					if err := put(tf, []byte(trans[lang].Text)); err != nil {
						return nil, err
					}
				}
			}
		}
		m.Modules = append(m.Modules, mm)
	}
	imgs, err := s.courseImages(ctx, full.ID)
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		name := "images/" + im.Name
		m.Images = append(m.Images, name)
		if err := put(name, im.Data); err != nil {
			return nil, err
		}
	}
	var manifest bytes.Buffer
	enc := yaml.NewEncoder(&manifest)
	enc.SetIndent(2) // as the seed's manifests are written
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := put("course.yaml", manifest.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	// Exports are logged: a package holds every answer of the course's quizzes.
	if err := models.Audit(s.DB.W.WithContext(ctx), &editor.ID, "course.export", "course:"+full.Slug, ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
