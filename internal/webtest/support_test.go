package webtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// supportPackages are the packages that exist for tests: the server binary
// must not carry them.
var supportPackages = []string{"internal/webtest", "internal/testdb", "certs/credential/credtest", "courses/coursepkg/pkgtest"}

// TestNoProductionCodeImportsTestSupport reads the imports of every Go file
// of the module that is not a test and not itself test support.
func TestNoProductionCodeImportsTestSupport(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if slices.Contains(supportPackages, rel) || strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if slices.Contains(supportPackages, strings.TrimPrefix(p, "tadrib/")) {
				t.Errorf("%s imports %s, which is test support", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("read %d Go files: the walk did not start at the module's root", checked)
	}
}
