package coursepkg

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"tadrib/internal/i18n"
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
	MaxPackageFile  = 4 << 20  // one file, uncompressed
	// MaxPackageRatio bounds how much larger than the archive its files
	// are once uncompressed (a zip bomb inflates a few kilobytes into the
	// whole MaxPackageSize): text deflates 3 to 10 times, images not at
	// all. A package of at most RatioFreeSize uncompressed is not checked:
	// it is no larger than what could be uploaded uncompressed.
	MaxPackageRatio = 100
	RatioFreeSize   = 8 << 20
)

// ReadZip checks a zipped course package and reads it: every entry must be
// a plain file with a relative, clean, UTF-8 name inside the package (no
// "..", no absolute path, no backslash, no symlink), within the limits.
func ReadZip(data []byte) (Package, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Package{}, PackageErrors{perr("(zip)", 0, "pkg.not_zip")}
	}
	if len(zr.File) > MaxPackageFiles {
		return Package{}, PackageErrors{perr("(zip)", 0, "pkg.too_many_files", len(zr.File), MaxPackageFiles)}
	}
	var errs PackageErrors
	var total uint64
	names := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		if msg := checkEntry(f); msg != nil {
			errs = append(errs, perr(printable(f.Name), 0, msg.Key, msg.Args...))
		}
		// Two entries of one name: which one a tool shows and which one
		// is imported would be a matter of order (a reviewer could read
		// one text and trainees get another).
		if name := strings.TrimSuffix(f.Name, "/"); names[name] {
			errs = append(errs, perr(printable(f.Name), 0, "pkg.duplicate"))
		} else {
			names[name] = true
		}
		total += f.UncompressedSize64
	}
	switch {
	case total > MaxPackageSize:
		errs = append(errs, perr("(zip)", 0, "pkg.too_large", total, MaxPackageSize))
	case total > RatioFreeSize && total > MaxPackageRatio*uint64(len(data)):
		errs = append(errs, perr("(zip)", 0, "pkg.ratio", total, len(data), MaxPackageRatio))
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
			return Package{}, PackageErrors{perr(f.Name, 0, "pkg.unreadable")}
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxPackageFile+1))
		rc.Close()
		if err != nil {
			return Package{}, PackageErrors{perr(f.Name, 0, "pkg.unreadable")}
		}
		read += int64(len(b))
		if len(b) > MaxPackageFile || read > MaxPackageSize {
			return Package{}, PackageErrors{perr(f.Name, 0, "pkg.larger_than_declared")}
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

// checkEntry says what is wrong with a zip entry, or nil.
func checkEntry(f *zip.File) *i18n.Msg {
	name := f.Name
	switch {
	case !utf8.ValidString(name):
		return msgOf("pkg.name_not_utf8")
	case strings.Contains(name, `\`):
		return msgOf("pkg.backslash")
	case strings.HasPrefix(name, "/"):
		return msgOf("pkg.absolute")
	case f.Mode()&fs.ModeSymlink != 0:
		return msgOf("pkg.symlink")
	case !f.Mode().IsRegular() && !f.FileInfo().IsDir():
		return msgOf("pkg.not_regular")
	}
	clean := strings.TrimSuffix(name, "/")
	if !fs.ValidPath(clean) {
		return msgOf("pkg.leaves")
	}
	if !f.FileInfo().IsDir() && f.UncompressedSize64 > MaxPackageFile {
		return msgOf("pkg.file_too_large", f.UncompressedSize64, MaxPackageFile)
	}
	return nil
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
func checkPackageImage(name string, b []byte) *i18n.Msg {
	m := courses.ImageName.FindStringSubmatch(path.Base(name))
	if m == nil || path.Dir(name) != "images" {
		return msgOf("pkg.image_name")
	}
	if len(b) > courses.MaxImage {
		return msgOf("pkg.image_large", courses.MaxImage)
	}
	if ext, ok := courses.ImageTypes[http.DetectContentType(b)]; !ok || ext != m[2] {
		return msgOf("pkg.image_type")
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != m[1] {
		return msgOf("pkg.image_hash")
	}
	return nil
}
