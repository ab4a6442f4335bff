package coursepkg

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"testing"

	"tadrib/courses"
)

func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

// FuzzReadZip feeds ReadZip arbitrary bytes (seeded with good and hostile
// packages): it must never panic, and what it accepts stays inside the
// package and within the limits (SECURITY.md §8, FuzzImportPackage).
func FuzzReadZip(f *testing.F) {
	manifest := "format: tadrib-course/1\nslug: p\nlocale: fr\naudiences: [police]\ntitle: {fr: P}\nmodules:\n  - slug: m\n    title: {fr: M}\n    lessons: [m/l]\n"
	f.Add(zipOf(f, map[string]string{"course.yaml": manifest, "m/l.fr.md": "---\ntitle: L\n---\nx"}))
	f.Add(zipOf(f, map[string]string{"course.yaml": manifest, "../m/l.fr.md": "---\ntitle: L\n---\nx"}))
	f.Add(zipOf(f, map[string]string{"p/course.yaml": manifest, "p/m/l.fr.md": "---\ntitle: L\n---\nx"}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkg, err := ReadZip(data)
		if err != nil {
			return
		}
		total := 0
		for lp, langs := range pkg.Lessons {
			if !fs.ValidPath(lp) {
				t.Fatalf("accepted lesson path %q", lp)
			}
			for _, l := range langs {
				total += len(l.Body)
			}
		}
		for name, b := range pkg.Images {
			if !fs.ValidPath(name) || len(b) > courses.MaxImage {
				t.Fatalf("accepted image %q of %d bytes", name, len(b))
			}
		}
		if total > MaxPackageSize {
			t.Fatalf("accepted %d bytes of lessons", total)
		}
	})
}
