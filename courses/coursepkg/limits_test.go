package coursepkg_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"tadrib/courses/coursepkg"
	"tadrib/courses/coursepkg/pkgtest"
)

// ratioZip is a package (pkgtest.Manifest and its lesson) with n files of
// 4 MiB of zeros (deflated once, stored raw n times) and one stored,
// uncompressed file of pad bytes: the archive grows by one byte per pad
// byte, so pad sets the archive's size against its uncompressed total.
func ratioZip(t testing.TB, n, pad int) (data []byte, total uint64) {
	t.Helper()
	zeros := make([]byte, coursepkg.MaxPackageFile)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(zeros)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []pkgtest.Entry{{Name: "course.yaml", Body: []byte(pkgtest.Manifest)}, {Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\n---\nTexte.\n")}} {
		w, _ := zw.Create(e.Name)
		w.Write(e.Body)
		total += uint64(len(e.Body))
	}
	for i := range n {
		h := &zip.FileHeader{Name: fmt.Sprintf("x/%d.bin", i), Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(len(zeros))}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
		total += uint64(len(zeros))
	}
	body := make([]byte, pad)
	h := &zip.FileHeader{Name: "x/pad.bin", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(pad), UncompressedSize64: uint64(pad)}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	total += uint64(pad)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), total
}

// RatioZips are a zip bomb exactly at MaxPackageRatio (its uncompressed
// total at most MaxPackageRatio times its size, by less than the ratio) and
// the same with one byte less of padding, past it.
func RatioZips(t testing.TB) (at, past []byte) {
	t.Helper()
	n := coursepkg.RatioFreeSize/coursepkg.MaxPackageFile + 1
	bare, total := ratioZip(t, n, 0)
	excess := int64(total) - coursepkg.MaxPackageRatio*int64(len(bare))
	pad := int((excess + coursepkg.MaxPackageRatio - 2) / (coursepkg.MaxPackageRatio - 1)) // ceil(excess / (ratio-1))
	at, total = ratioZip(t, n, pad)
	past, pastTotal := ratioZip(t, n, pad-1)
	if total <= coursepkg.RatioFreeSize || total > coursepkg.MaxPackageRatio*uint64(len(at)) ||
		pastTotal <= coursepkg.MaxPackageRatio*uint64(len(past)) {
		t.Fatalf("ratio zips: %d bytes from %d, %d from %d: not at and past %d:1", total, len(at), pastTotal, len(past), coursepkg.MaxPackageRatio)
	}
	return at, past
}

// TestReadZipBombsAndDuplicates: a zip that inflates more than
// MaxPackageRatio times its size (beyond RatioFreeSize) is refused before
// anything is decompressed, one exactly at the ratio is read; two entries
// of one name are refused; a zip inside the package is a file like any
// other, never opened.
func TestReadZipBombsAndDuplicates(t *testing.T) {
	t.Parallel()
	at, past := RatioZips(t)
	if _, err := coursepkg.ReadZip(at); err != nil {
		t.Errorf("a zip at %d:1 is refused: %v", coursepkg.MaxPackageRatio, err)
	}
	pe := packageErrors(t, func() error { _, err := coursepkg.ReadZip(past); return err }())
	if len(pe) != 1 || pe[0].File != "(zip)" || pe[0].Key != "pkg.ratio" || pe[0].Args[2] != coursepkg.MaxPackageRatio {
		t.Errorf("a zip past %d:1: %+v, want one pkg.ratio naming the ratio", coursepkg.MaxPackageRatio, pe)
	}
	// At most RatioFreeSize uncompressed, any ratio: 4 MiB of zeros.
	if _, err := coursepkg.ReadZip(pkgtest.Zip(t, pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest)},
		pkgtest.Entry{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\n---\nTexte.\n")}, pkgtest.Entry{Name: "x/zeros.bin", Body: make([]byte, coursepkg.MaxPackageFile)})); err != nil {
		t.Errorf("4 MiB of zeros, under RatioFreeSize: %v", err)
	}

	manifest := pkgtest.Entry{Name: "course.yaml", Body: []byte(pkgtest.Manifest)}
	lesson := pkgtest.Entry{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Leçon\n---\nTexte.\n")}
	other := pkgtest.Entry{Name: "01-un/01-lecon.fr.md", Body: []byte("---\ntitle: Autre\n---\nUn autre texte.\n")}
	for name, c := range map[string]struct {
		entries []pkgtest.Entry
		file    string
	}{
		"a lesson twice":         {[]pkgtest.Entry{manifest, lesson, other}, "01-un/01-lecon.fr.md"},
		"the manifest twice":     {[]pkgtest.Entry{manifest, lesson, manifest}, "course.yaml"},
		"a folder and a file":    {[]pkgtest.Entry{manifest, lesson, {Name: "x/", Mode: fs.ModeDir | 0o755}, {Name: "x", Body: []byte("x")}}, "x"},
		"a folder's entry twice": {[]pkgtest.Entry{manifest, lesson, {Name: "x/", Mode: fs.ModeDir | 0o755}, {Name: "x/", Mode: fs.ModeDir | 0o755}}, "x/"},
	} {
		pe := packageErrors(t, func() error { _, err := coursepkg.ReadZip(pkgtest.Zip(t, c.entries...)); return err }())
		if len(pe) != 1 || pe[0].File != c.file || pe[0].Key != "pkg.duplicate" {
			t.Errorf("%s: %+v, want one pkg.duplicate on %s", name, pe, c.file)
		}
	}

	// A zip bomb zipped inside the package: stored as the bytes it is,
	// never opened (the reader opens the files the manifest names, and
	// reads them as text or images).
	inner, _ := ratioZip(t, coursepkg.MaxPackageSize/coursepkg.MaxPackageFile, 0)
	pkg, err := coursepkg.ReadZip(pkgtest.Zip(t, manifest, lesson, pkgtest.Entry{Name: "x/bombe.zip", Body: inner}))
	if err != nil {
		t.Errorf("a package carrying a zip: %v", err)
	}
	if len(pkg.Lessons) != 1 || len(pkg.Images) != 0 || len(pkg.Quizzes) != 0 {
		t.Errorf("a package carrying a zip read as %d lessons, %d images, %d quizzes", len(pkg.Lessons), len(pkg.Images), len(pkg.Quizzes))
	}
}

// billionLaughs is the YAML of "billion laughs": nine anchors, each ten
// aliases of the one before, 10⁹ values in under 700 bytes.
func billionLaughs(key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n", key)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "%s%d: &l%d [%s]\n", key, i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

// TestDecodeYAMLLimits: a package's YAML is measured before it is decoded:
// nesting up to MaxYAMLDepth, up to MaxYAMLNodes values, aliases counted as
// what they repeat; one more is refused, naming the limit.
func TestDecodeYAMLLimits(t *testing.T) {
	t.Parallel()
	nested := func(depth int) string { return strings.Repeat("[", depth) + "x" + strings.Repeat("]", depth) }
	block := func(depth int) string { // a: {a: {… x}} written as indented maps
		var b strings.Builder
		for i := range depth {
			b.WriteString(strings.Repeat("  ", i) + "a:\n")
		}
		b.WriteString(strings.Repeat("  ", depth) + "x\n")
		return b.String()
	}
	list := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat("x,", n), ",") + "]" }
	// Values: the root map 1, keys a and b 2, a's list 101, b's list 1,
	// 494 aliases of a's list 494 × 101: 4 + 495 × 101 = 49999, and extra.
	aliased := func(extra int) string {
		return "a: &a " + list(100) + "\nb: [" + strings.TrimSuffix(strings.Repeat("*a,", 494), ",") + strings.Repeat(",y", extra) + "]\n"
	}
	cases := []struct {
		name, src string
		key       string // "": decoded
		arg       int
	}{
		{"depth at the limit", nested(coursepkg.MaxYAMLDepth), "", 0},
		{"depth past the limit", nested(coursepkg.MaxYAMLDepth + 1), "pkg.yaml_depth", coursepkg.MaxYAMLDepth},
		{"block depth at the limit", block(coursepkg.MaxYAMLDepth), "", 0},
		{"block depth past the limit", block(coursepkg.MaxYAMLDepth + 1), "pkg.yaml_depth", coursepkg.MaxYAMLDepth},
		{"values at the limit", list(coursepkg.MaxYAMLNodes - 1), "", 0},
		{"values past the limit", list(coursepkg.MaxYAMLNodes), "pkg.yaml_nodes", coursepkg.MaxYAMLNodes},
		{"aliased values at the limit", aliased(1), "", 0},
		{"aliased values past the limit", aliased(2), "pkg.yaml_nodes", coursepkg.MaxYAMLNodes},
		{"billion laughs", billionLaughs("lol"), "pkg.yaml_nodes", coursepkg.MaxYAMLNodes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var v any
			_, msg := coursepkg.DecodeYAML([]byte(tc.src), &v)
			switch {
			case tc.key == "" && msg != nil:
				t.Errorf("refused at the limit: %v", *msg)
			case tc.key == "" && v == nil:
				t.Errorf("accepted but not decoded")
			case tc.key != "" && (msg == nil || msg.Key != tc.key || len(msg.Args) != 1 || msg.Args[0] != tc.arg):
				t.Errorf("got %v, want %s naming %d", msg, tc.key, tc.arg)
			}
		})
	}
	// An anchor that holds an alias of itself ends (refused by the
	// decoder, counted once by the measure).
	var v any
	if _, msg := coursepkg.DecodeYAML([]byte("a: &a [x, *a]\n"), &v); msg == nil {
		t.Errorf("a self-referencing anchor is accepted: %v", v)
	}
}

// TestReadPackageYAMLLimits: the manifest is at most MaxManifestSize; the
// YAML limits hold in the manifest and in a lesson's front matter, and the
// problem names the file.
func TestReadPackageYAMLLimits(t *testing.T) {
	t.Parallel()
	good := goodPackage(t)
	y := good["course.yaml"].Data
	padded := func(size int) []byte { // a comment line fills the manifest to size
		line := "# " + strings.Repeat("x", size-len(y)-3) + "\n"
		return append(append([]byte{}, y...), line...)
	}
	with := func(name string, data []byte) fstest.MapFS {
		fsys := goodPackage(t)
		fsys[name] = &fstest.MapFile{Data: data}
		return fsys
	}
	at := padded(coursepkg.MaxManifestSize)
	if len(at) != coursepkg.MaxManifestSize {
		t.Fatalf("built %d bytes, want %d", len(at), coursepkg.MaxManifestSize)
	}
	if _, err := coursepkg.ReadPackage(with("course.yaml", at)); err != nil {
		t.Errorf("a manifest of exactly %d bytes: %v", coursepkg.MaxManifestSize, err)
	}
	deep := "x: " + strings.Repeat("[", coursepkg.MaxYAMLDepth+1) + strings.Repeat("]", coursepkg.MaxYAMLDepth+1) + "\n"
	for name, c := range map[string]struct {
		fsys      fstest.MapFS
		file, key string
		line      int
	}{
		"manifest past its size": {with("course.yaml", padded(coursepkg.MaxManifestSize+1)), "course.yaml", "pkg.manifest_large", 0},
		"manifest laughing":      {with("course.yaml", append(append([]byte{}, y...), billionLaughs("lol")...)), "course.yaml", "pkg.yaml_nodes", 0},
		"manifest too deep":      {with("course.yaml", append(append([]byte{}, y...), deep...)), "course.yaml", "pkg.yaml_depth", 30},
		"front matter laughing": {with("01-un/01-lecon.fr.md", []byte("---\ntitle: Leçon\n"+billionLaughs("lol")+"---\nTexte.\n")),
			"01-un/01-lecon.fr.md", "pkg.yaml_nodes", 1},
	} {
		_, err := coursepkg.ReadPackage(c.fsys)
		pe := packageErrors(t, err)
		if len(pe) != 1 || pe[0].File != c.file || pe[0].Key != c.key || pe[0].Line != c.line {
			t.Errorf("%s: %+v, want one %s on %s line %d", name, pe, c.key, c.file, c.line)
		}
	}
}
