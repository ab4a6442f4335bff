package apidoc

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// doc is the document decoded, for the shape tests.
func doc(t *testing.T) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(Document, &d); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return d
}

// methods are the operation keys of a path item (OpenAPI 3.1 §4.8.9).
var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// walk calls f with the JSON pointer and value of every node under v.
func walk(ptr string, v any, f func(ptr string, v any)) {
	f(ptr, v)
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			walk(ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), c, f)
		}
	case []any:
		for i, c := range v {
			walk(fmt.Sprintf("%s/%d", ptr, i), c, f)
		}
	}
}

// resolve follows a local reference ("#/components/schemas/X") in d.
func resolve(d map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = d
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// TestDocumentShape checks what a tool reading the document relies on:
// OpenAPI 3.1, an info block, paths that start with "/", operations that
// each have an id (unique) and responses with valid status codes, path
// parameters declared exactly as the path names them, and security
// requirements naming declared schemes.
func TestDocumentShape(t *testing.T) {
	d := doc(t)
	if v, _ := d["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info, _ := d["info"].(map[string]any)
	if info["title"] == "" || info["title"] == nil || info["version"] == nil {
		t.Errorf("info needs a title and a version: %v", info)
	}
	comps, _ := d["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	paths, _ := d["paths"].(map[string]any)
	if len(paths) == 0 {
		t.Fatal("no paths")
	}
	status := regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)
	param := regexp.MustCompile(`\{([^}]+)\}`)
	ids := map[string]string{}
	ops := 0
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			t.Errorf("path %q does not start with /", p)
		}
		item, _ := item.(map[string]any)
		for k := range item {
			if !slices.Contains(methods, k) && k != "parameters" && k != "summary" && k != "description" {
				t.Errorf("%s: unexpected key %q", p, k)
			}
		}
		var inPath []string
		for _, m := range param.FindAllStringSubmatch(p, -1) {
			inPath = append(inPath, m[1])
		}
		sort.Strings(inPath)
		for _, m := range methods {
			o, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			ops++
			where := strings.ToUpper(m) + " " + p
			id, _ := o["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s: operationId %q also names %s", where, id, other)
			}
			ids[id] = where
			rs, _ := o["responses"].(map[string]any)
			if len(rs) == 0 {
				t.Errorf("%s: no responses", where)
			}
			for code, r := range rs {
				if !status.MatchString(code) {
					t.Errorf("%s: response %q is not a status code", where, code)
				}
				if r, _ := r.(map[string]any); r["$ref"] == nil && r["description"] == nil {
					t.Errorf("%s: response %s has no description", where, code)
				}
			}
			var declared []string
			ps, _ := o["parameters"].([]any)
			for _, p := range ps {
				pm, _ := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					r, _ := resolve(d, ref)
					pm, _ = r.(map[string]any)
				}
				if pm["in"] == "path" {
					declared = append(declared, pm["name"].(string))
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v is not required", where, pm["name"])
					}
				}
			}
			sort.Strings(declared)
			if !slices.Equal(declared, inPath) {
				t.Errorf("%s: path parameters declared %v, the path names %v", where, declared, inPath)
			}
			sec, ok := o["security"].([]any)
			if !ok {
				t.Errorf("%s: no security (say [] for a public route)", where)
			}
			for _, req := range sec {
				for name := range req.(map[string]any) {
					if schemes[name] == nil {
						t.Errorf("%s: security scheme %q is not declared", where, name)
					}
				}
			}
		}
	}
	if ops == 0 {
		t.Fatal("no operations")
	}
}

// TestReferencesResolve checks that every $ref points into the document,
// and that every declared component is used.
func TestReferencesResolve(t *testing.T) {
	d := doc(t)
	used := map[string]bool{}
	walk("#", d, func(ptr string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return
		}
		if _, ok := resolve(d, ref); !ok {
			t.Errorf("%s: $ref %q does not resolve", ptr, ref)
		}
		used[ref] = true
	})
	comps, _ := d["components"].(map[string]any)
	for _, kind := range []string{"schemas", "responses", "parameters"} {
		m, _ := comps[kind].(map[string]any)
		for name := range m {
			if ref := "#/components/" + kind + "/" + name; !used[ref] {
				t.Errorf("%s is declared but never used", ref)
			}
		}
	}
}

// TestProblemShape checks that every error response is the problem+json
// of internal/web: type, title, status, detail, and errors by field or line.
func TestProblemShape(t *testing.T) {
	d := doc(t)
	p, ok := resolve(d, "#/components/schemas/Problem")
	if !ok {
		t.Fatal("no Problem schema")
	}
	props, _ := p.(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"type", "title", "status", "detail", "errors"} {
		if props[f] == nil {
			t.Errorf("Problem lacks %q", f)
		}
	}
	paths, _ := d["paths"].(map[string]any)
	for path, item := range paths {
		if !strings.HasPrefix(path, "/api/") {
			continue // the verification routes answer JSON or pages of their own
		}
		for m, o := range item.(map[string]any) {
			rs, _ := o.(map[string]any)["responses"].(map[string]any)
			for code, r := range rs {
				if code < "400" {
					continue
				}
				r := r.(map[string]any)
				if ref, ok := r["$ref"].(string); ok {
					rr, _ := resolve(d, ref)
					r = rr.(map[string]any)
				}
				content, _ := r["content"].(map[string]any)
				if content["application/problem+json"] == nil || len(content) != 1 {
					t.Errorf("%s %s: %s is not application/problem+json alone", strings.ToUpper(m), path, code)
				}
			}
		}
	}
}

// TestHandler serves the document: public, cacheable, revalidated by ETag.
func TestHandler(t *testing.T) {
	app := fiber.New()
	app.Get(Path, Handler)
	res, err := app.Test(httptest.NewRequest("GET", Path, nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != string(Document) {
		t.Fatalf("GET: %d, %d bytes", res.StatusCode, len(body))
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
		t.Errorf("Cache-Control %q", cc)
	}
	req := httptest.NewRequest("GET", Path, nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	res, err = app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != fiber.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
}
