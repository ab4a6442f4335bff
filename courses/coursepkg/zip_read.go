package coursepkg

import (
	"archive/zip"
	"bytes"
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

	"tadrib/courses"
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
	m := courses.ImageName.FindStringSubmatch(path.Base(name))
	if m == nil || path.Dir(name) != "images" {
		return "an image must be images/<sha256>.<png|jpg|gif|webp>"
	}
	if len(b) > courses.MaxImage {
		return fmt.Sprintf("larger than %d bytes", courses.MaxImage)
	}
	if ext, ok := courses.ImageTypes[http.DetectContentType(b)]; !ok || ext != m[2] {
		return "not a PNG, JPEG, GIF or WebP image matching its extension"
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != m[1] {
		return "the name is not the SHA-256 of the content"
	}
	return ""
}
