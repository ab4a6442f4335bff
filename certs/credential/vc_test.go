package credential

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIndependentVerificationVC verifies our Data Integrity credentials
// with Digital Bazaar's @digitalbazaar/vc, data-integrity and
// eddsa-rdfc-2022-cryptosuite (the libraries under the Digital Credentials
// Consortium's verifier), with a document loader holding the same context
// files the Go package embeds (issue 12, point 5): a fresh credential is
// accepted, a changed name and a stranger's key are rejected, under did:key
// and under did:web with a rotated key ring.
// Setup: npm ci --prefix certs/credential/testdata/vc
func TestIndependentVerificationVC(t *testing.T) {
	vc := needNodeTool(t, "TADRIB_VC", "vc", "@digitalbazaar/vc")

	oldPEM := newPEM(t)
	old := ring(t, oldPEM)
	k := ring(t, newPEM(t), oldPEM) // rotated: the old key stays in did.json
	stranger := ring(t, newPEM(t))
	local, _ := NewIdentity("http://localhost:8080")
	web, _ := NewIdentity("https://tadrib.example")
	if web.Web == "" {
		t.Fatal("https://tadrib.example gave no did:web")
	}

	files := map[string][]byte{}
	sign := func(name string, r *Keyring, a Achievement, id Identity) []byte {
		t.Helper()
		doc, err := r.SignDataIntegrity(a, id)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = doc
		return doc
	}
	fresh := sign("key-fresh.json", k, sample(), local)
	files["key-tampered.json"] = []byte(strings.Replace(string(fresh), sample().HolderName, "Fatima Zahra Bennanie", 1))
	// A stranger's signature under our verification method.
	sign("key-stranger.json", &Keyring{signer: stranger.signer, keys: k.keys}, sample(), local)
	arabic := sample()
	arabic.HolderName, arabic.CourseTitle, arabic.Lang = "", arabic.CourseTitles["ar"], "ar"
	until := issuedAt.AddDate(5, 0, 0)
	arabic.ExpiresAt, arabic.Hours = &until, 1.5
	sign("key-arabic-expiring.json", k, arabic, local)
	sign("web-fresh.json", k, sample(), web)
	sign("web-old-key.json", old, sample(), web)
	sign("web-stranger.json", stranger, sample(), web)

	dir := t.TempDir()
	m := struct {
		Contexts    map[string]string          `json:"contexts"`
		DIDs        map[string]json.RawMessage `json:"dids"`
		Credentials map[string]string          `json:"credentials"`
	}{map[string]string{}, map[string]json.RawMessage{}, map[string]string{}}
	for u, f := range ContextFiles {
		m.Contexts[u], _ = filepath.Abs(f)
	}
	didDoc, _ := k.DIDDocument(web)
	m.DIDs[web.Web] = didDoc
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		m.Credentials[name] = p
	}
	manifest := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(manifest, mustJSON(t, m), 0o600); err != nil {
		t.Fatal(err)
	}
	out := vc.run(t, 2*time.Minute, manifest)
	var res struct {
		SameV2Context bool
		Credentials   map[string]struct {
			Verified           bool
			VerificationMethod string
			Errors             []string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("verify.mjs output is not JSON: %v\n%s", err, out)
	}
	t.Logf("@digitalbazaar/vc says: %s", out)

	if !res.SameV2Context {
		t.Error("the embedded VC 2.0 context differs from @digitalbazaar/credentials-context's")
	}
	for _, w := range []struct {
		file, vm string
		ok       bool
	}{
		{"key-fresh.json", DIDKey(k.keys[0].pub) + "#" + Multikey(k.keys[0].pub), true},
		{"key-arabic-expiring.json", DIDKey(k.keys[0].pub) + "#" + Multikey(k.keys[0].pub), true},
		{"web-fresh.json", web.Web + "#" + Multikey(k.keys[0].pub), true},
		{"web-old-key.json", web.Web + "#" + Multikey(old.keys[0].pub), true},
		{"key-tampered.json", "", false},
		{"key-stranger.json", "", false},
		{"web-stranger.json", "", false},
	} {
		got, ok := res.Credentials[w.file]
		switch {
		case !ok:
			t.Errorf("%s: not checked", w.file)
		case got.Verified != w.ok:
			t.Errorf("%s: verified = %v %v, want %v", w.file, got.Verified, got.Errors, w.ok)
		case w.ok && got.VerificationMethod != w.vm:
			t.Errorf("%s: verification method %s, want %s", w.file, got.VerificationMethod, w.vm)
		case !w.ok && len(got.Errors) == 0:
			t.Errorf("%s: rejected without a reason", w.file)
		}
	}
}
