package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tadrib/internal/apidoc"
)

// The contract check: every response a test app gives to a documented
// operation must be one the OpenAPI document describes — its status, its
// media type and, for JSON, a body that fits the schema, with no field the
// schema does not name. It runs under every test of this package, which
// between them answer every documented operation (TestOpenAPIResponses
// covers the few that no other test calls), so a response that drifts from
// internal/apidoc/openapi.json fails the test that got it.

// Test shadows fiber.App.Test for the test apps (testApp.do calls it) and
// reports each response that breaks the contract.
func (a *testApp) Test(req *http.Request, msTimeout ...int) (*http.Response, error) {
	var res *http.Response
	var err error
	if a.proxy != nil {
		res, err = a.proxy.send(a.t, req)
	} else {
		res, err = a.app.App.Test(req, msTimeout...)
	}
	if err != nil {
		return res, err
	}
	body, rerr := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return res, err
	}
	a.checks.Add(1)
	for _, p := range contract().check(req.Method, req.URL.Path, res.StatusCode, res.Header.Get("Content-Type"), body) {
		a.t.Errorf("OpenAPI: %s %s → %d: %s", req.Method, req.URL.Path, res.StatusCode, p)
	}
	return res, err
}

// openAPI is the document, decoded, with its paths as patterns.
type openAPI struct {
	doc   map[string]any
	paths []openAPIPath
}

type openAPIPath struct {
	template string
	re       *regexp.Regexp
	params   int
}

var contract = sync.OnceValue(func() *openAPI {
	o := &openAPI{}
	if err := json.Unmarshal(apidoc.Document, &o.doc); err != nil {
		panic(err)
	}
	for p := range o.doc["paths"].(map[string]any) {
		n := strings.Count(p, "{")
		re := regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`)
		o.paths = append(o.paths, openAPIPath{p, regexp.MustCompile("^" + re + "$"), n})
	}
	// A literal segment wins over a parameter: /courses/import before /courses/{slug}.
	sort.Slice(o.paths, func(i, j int) bool { return o.paths[i].params < o.paths[j].params })
	return o
})

// operation finds the documented operation of a request, nil when the
// route is not documented (pages) or not this method.
func (o *openAPI) operation(method, path string) (string, map[string]any) {
	for _, p := range o.paths {
		if !p.re.MatchString(path) {
			continue
		}
		item := o.doc["paths"].(map[string]any)[p.template].(map[string]any)
		if op, ok := item[strings.ToLower(method)].(map[string]any); ok {
			return p.template, op
		}
	}
	return "", nil
}

// check returns what is wrong with a response, by the document.
func (o *openAPI) check(method, path string, status int, ctype string, body []byte) []string {
	if method == "HEAD" {
		return nil
	}
	_, op := o.operation(method, path)
	if op == nil {
		return nil
	}
	if status == 500 {
		return []string{"500: " + string(body)}
	}
	rs := op["responses"].(map[string]any)
	r, ok := rs[strconv.Itoa(status)].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("status %d is not documented: %.300s", status, body)}
	}
	r = o.deref(r).(map[string]any)
	content, _ := r["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) > 0 {
			return []string{fmt.Sprintf("a body where none is documented: %.200s", body)}
		}
		return nil
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	media, ok := content[mt].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("media type %q is not documented", ctype)}
	}
	if !strings.HasSuffix(mt, "json") {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	return o.validate(media["schema"], v, "body")
}

func (o *openAPI) deref(s any) any {
	for {
		m, ok := s.(map[string]any)
		if !ok {
			return s
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return s
		}
		var cur any = o.doc
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[tok]
		}
		s = cur
	}
}

// jsonType is the JSON Schema type of a decoded value.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// validate checks v against the JSON Schema keywords the document uses:
// $ref, type, enum, const, properties, required, additionalProperties,
// propertyNames, items, oneOf, allOf. An object may hold no property its
// schema does not name, unless the schema says additionalProperties.
func (o *openAPI) validate(schema any, v any, at string) []string {
	s, _ := o.deref(schema).(map[string]any)
	if s == nil {
		return nil
	}
	var errs []string
	if subs, ok := s["allOf"].([]any); ok {
		for _, sub := range subs {
			errs = append(errs, o.validate(o.loose(sub), v, at)...)
		}
		errs = append(errs, o.unnamed(s, v, at)...)
	}
	if subs, ok := s["oneOf"].([]any); ok {
		var all []string
		fits := 0
		for _, sub := range subs {
			e := o.validate(sub, v, at)
			if len(e) == 0 {
				fits++
			}
			all = append(all, e...)
		}
		if fits != 1 {
			errs = append(errs, fmt.Sprintf("%s fits %d of oneOf, want 1: %s", at, fits, strings.Join(all, "; ")))
		}
	}
	jt := jsonType(v)
	switch t := s["type"].(type) {
	case string:
		if t != jt && !(t == "number" && jt == "integer") {
			return append(errs, fmt.Sprintf("%s is %s, want %s", at, jt, t))
		}
	case []any:
		ok := false
		for _, x := range t {
			ok = ok || x == jt || (x == "number" && jt == "integer")
		}
		if !ok {
			return append(errs, fmt.Sprintf("%s is %s, want %v", at, jt, t))
		}
	}
	if c, ok := s["const"]; ok && c != v {
		errs = append(errs, fmt.Sprintf("%s = %v, want %v", at, v, c))
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || x == v
		}
		if !found && v != nil {
			errs = append(errs, fmt.Sprintf("%s = %v, not one of %v", at, v, e))
		}
	}
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			errs = append(errs, o.validate(s["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s lacks %q", at, r))
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := s["propertyNames"]; ok {
				errs = append(errs, o.validate(ps, k, at+" key")...)
			}
			if p, ok := props[k]; ok {
				errs = append(errs, o.validate(p, v[k], at+"."+k)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				errs = append(errs, o.validate(ap, v[k], at+"."+k)...)
			}
		}
		if _, all := s["allOf"]; !all {
			errs = append(errs, o.unnamed(s, v, at)...)
		}
	}
	return errs
}

// loose is a schema of an allOf without its own check of unnamed
// properties: the allOf checks them against all its parts at once.
func (o *openAPI) loose(schema any) any {
	s, _ := o.deref(schema).(map[string]any)
	c := map[string]any{}
	for k, v := range s {
		c[k] = v
	}
	if _, ok := c["additionalProperties"]; !ok {
		c["additionalProperties"] = true
	}
	return c
}

// unnamed lists the properties of v that schema s (and its allOf parts)
// does not name, when it closes them.
func (o *openAPI) unnamed(s map[string]any, v any, at string) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	named := map[string]bool{}
	open := false
	var collect func(s map[string]any)
	collect = func(s map[string]any) {
		if _, ok := s["additionalProperties"]; ok {
			open = true
		}
		props, _ := s["properties"].(map[string]any)
		for k := range props {
			named[k] = true
		}
		subs, _ := s["allOf"].([]any)
		for _, sub := range subs {
			collect(o.deref(sub).(map[string]any))
		}
	}
	collect(s)
	if open || (len(named) == 0 && s["allOf"] == nil) {
		return nil
	}
	var errs []string
	for k := range m {
		if !named[k] {
			errs = append(errs, fmt.Sprintf("%s has %q, which the document does not name", at, k))
		}
	}
	sort.Strings(errs)
	return errs
}

// TestOpenAPIValidatorCatches: the check is no rubber stamp.
func TestOpenAPIValidatorCatches(t *testing.T) {
	o := contract()
	for _, c := range []struct {
		name, method, path string
		status             int
		ctype, body        string
	}{
		{"undocumented status", "GET", "/api/v1/me", 418, "application/json", `{}`},
		{"missing field", "GET", "/api/v1/me", 200, "application/json", `{"id":"1"}`},
		{"wrong type", "GET", "/api/v1/courses", 200, "application/json", `{"items":[{"slug":1}]}`},
		{"unnamed field", "GET", "/api/v1/me/progress", 200, "application/json", `{"items":[],"secret":1}`},
		{"bad enum", "GET", "/api/v1/attempts/1", 200, "application/json", `{"id":"1","quiz_id":"1","status":"lost","started_at":"x","deadline":null,"questions":[],"answers":{}}`},
		{"error not a problem", "GET", "/api/v1/me", 401, "application/json", `{}`},
		{"problem without detail", "GET", "/api/v1/me", 401, "application/problem+json", `{"type":"x","title":"x","status":401}`},
		{"body on 204", "POST", "/api/v1/lessons/1/complete", 204, "", `x`},
	} {
		if errs := o.check(c.method, c.path, c.status, c.ctype, []byte(c.body)); len(errs) == 0 {
			t.Errorf("%s: passed", c.name)
		}
	}
	if errs := o.check("GET", "/api/v1/me/progress", 200, "application/json", []byte(`{"items":[]}`)); len(errs) > 0 {
		t.Errorf("a right answer fails: %v", errs)
	}
	if errs := o.check("GET", "/dashboard", 200, "text/html", []byte(`<html>`)); len(errs) > 0 {
		t.Errorf("a page is checked: %v", errs)
	}
}

// TestOpenAPIResponses calls the operations no other test of this package
// calls, and the successes they leave out, so that the contract check sees
// an answer of every documented operation.
func TestOpenAPIResponses(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, lessons := authorCourse(t, a, []string{"police"}, true)
	if a.checks.Load() == 0 { // counted by testApp.Test, so that a test can tell the check still runs
		t.Fatal("testApp.do no longer goes through the contract check (testApp.Test)")
	}

	// A question added through the API, then the lesson deleted.
	c := tr.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	mid := c["modules"].([]any)[0].(map[string]any)["id"].(string)
	qz := tr.do("POST", "/api/v1/modules/"+mid+"/quiz", map[string]any{"title": "Contrôle"})
	wantStatus(t, qz, 201)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+qz.JSON(t)["id"].(string)+"/questions", map[string]any{
		"type": "single", "stem": "Combien d'éléments ?", "options": []map[string]any{{"text": "3", "weight": 1}, {"text": "2", "weight": 0}},
	}), 201)
	wantStatus(t, tr.do("DELETE", "/api/v1/lessons/"+lessons[1], nil), 204)

	// An invitation accepted through the API, then the member removed.
	u := a.register("police")
	co := tr.do("POST", "/api/v1/cohorts", map[string]any{"name": "Session de Rabat", "starts_on": "2026-12-07", "ends_on": "2026-12-09", "course_slugs": []string{slug}})
	wantStatus(t, co, 201)
	cid := co.JSON(t)["id"].(string)
	wantStatus(t, tr.do("POST", "/api/v1/cohorts/"+cid+"/members", map[string]any{
		"members": []map[string]any{{"name": "Test User", "email": u.Email, "profession": "police"}}}), 200)
	invs := u.do("GET", "/api/v1/me/invitations", nil).JSON(t)["items"].([]any)
	if len(invs) != 1 {
		t.Fatalf("invitations: %v", invs)
	}
	wantStatus(t, u.do("POST", "/api/v1/me/invitations/"+invs[0].(map[string]any)["id"].(string)+"/accept", nil), 204)
	wantStatus(t, tr.do("DELETE", "/api/v1/cohorts/"+cid+"/members/"+u.ID, nil), 204)

	// A signing key by its kid, and an unknown one.
	keys := a.do("GET", "/.well-known/jwks.json", nil).JSON(t)["keys"].([]any)
	wantStatus(t, a.do("GET", "/keys/"+keys[0].(map[string]any)["kid"].(string), nil), 200)
	wantStatus(t, a.do("GET", "/keys/unknown", nil, "Accept", "application/json"), 404)
}
