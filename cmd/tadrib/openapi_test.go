package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"tadrib/internal/apidoc"
)

// fiberParam is a path parameter as Fiber writes it (":id").
var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// routedOperations are the app's routes as "METHOD /path" with OpenAPI's
// {param} spelling: HEAD (Fiber adds one to every GET) and middleware left
// out.
func routedOperations(a *testApp) map[string]bool {
	ops := map[string]bool{}
	for _, r := range a.GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		ops[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return ops
}

// documentedOperations are the operations of internal/apidoc's document.
func documentedOperations(t *testing.T) map[string]bool {
	t.Helper()
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(apidoc.Document, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	ops := map[string]bool{}
	for p, item := range d.Paths {
		for m := range item {
			switch m {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	return ops
}

// TestOpenAPICoversEveryRoute walks the app's route stack: every /api/v1
// route is in the OpenAPI document with its method, and every operation of
// the document (the public routes outside /api/v1 included) is routed.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	a := newTestApp(t, nil)
	routed, documented := routedOperations(a), documentedOperations(t)
	var undocumented, unrouted []string
	for op := range routed {
		if _, path, _ := strings.Cut(op, " "); strings.HasPrefix(path, "/api/v1/") && !documented[op] {
			undocumented = append(undocumented, op)
		}
	}
	for op := range documented {
		if !routed[op] {
			unrouted = append(unrouted, op)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unrouted)
	if len(undocumented) > 0 {
		t.Errorf("routes missing from internal/apidoc/openapi.json:\n  %s", strings.Join(undocumented, "\n  "))
	}
	if len(unrouted) > 0 {
		t.Errorf("operations of internal/apidoc/openapi.json that no route serves:\n  %s", strings.Join(unrouted, "\n  "))
	}
	if n := len(documented); n < 60 {
		t.Errorf("only %d operations documented", n)
	}
}

// TestOpenAPIServedPublicly: the document is served to anyone, cacheable by
// shared caches (the app's default is no-store), the same bytes as embedded.
func TestOpenAPIServedPublicly(t *testing.T) {
	a := newTestApp(t, nil)
	r := a.do("GET", apidoc.Path, nil)
	if r.StatusCode != 200 || string(r.Body) != string(apidoc.Document) {
		t.Fatalf("GET %s: %d, %d bytes", apidoc.Path, r.StatusCode, len(r.Body))
	}
	if cc := r.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") || strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control %q", cc)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	if r.Header.Get("Set-Cookie") != "" {
		t.Errorf("a public document sets a cookie: %q", r.Header.Get("Set-Cookie"))
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no security headers")
	}
	r2 := a.do("GET", apidoc.Path, nil, "If-None-Match", r.Header.Get("ETag"))
	if r2.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", r2.StatusCode)
	}
	var d map[string]any
	if err := json.Unmarshal(r.Body, &d); err != nil || !slices.Contains([]string{"3.1.0", "3.1.1"}, d["openapi"].(string)) {
		t.Errorf("not an OpenAPI 3.1 document: %v", err)
	}
}
