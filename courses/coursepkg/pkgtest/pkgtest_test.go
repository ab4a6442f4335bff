package pkgtest

import (
	"io/fs"
	"testing"
)

// TestZipFiles: what Zip writes, Files reads back, names as given.
func TestZipFiles(t *testing.T) {
	data := Zip(t, Entry{Name: "course.yaml", Body: []byte(Manifest)}, Entry{Name: "01-un/x.md", Body: []byte("x")},
		Entry{Name: "lien", Body: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777})
	got := Files(t, data)
	if len(got) != 3 || got["course.yaml"] != Manifest || got["01-un/x.md"] != "x" || got["lien"] != "/etc/passwd" {
		t.Errorf("Files(Zip(…)) = %q", got)
	}
}
