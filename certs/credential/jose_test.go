package credential

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requireTool skips when an outside tool is missing, unless env is "1":
// CI sets it, so there a missing tool fails instead of passing silently.
func requireTool(t *testing.T, env, why string) {
	t.Helper()
	if os.Getenv(env) == "1" {
		t.Fatalf("%s=1 but %s", env, why)
	}
	t.Skipf("%s (set %s=1 to make this a failure)", why, env)
}

// TestIndependentVerificationJose verifies our credentials, JWKS and status
// list with npm jose, a JOSE implementation that shares no code with ours
// (issue 5: "a test verifies a credential with an independent JOSE
// implementation"). Setup: npm ci --prefix certs/credential/testdata/jose
// nodeTool is an npm package pinned under testdata/<dir>, run by Node with
// the script verify.mjs there; env=1 makes its absence a failure.
type nodeTool struct {
	node, script string
}

func needNodeTool(t *testing.T, env, dir, pkg string) nodeTool {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		requireTool(t, env, "node is not installed")
	}
	script, _ := filepath.Abs(filepath.Join("testdata", dir, "verify.mjs"))
	if _, err := os.Stat(filepath.Join("testdata", dir, "node_modules", pkg, "package.json")); err != nil {
		requireTool(t, env, "npm "+pkg+" is not installed: npm ci --prefix certs/credential/testdata/"+dir)
	}
	return nodeTool{node, script}
}

// run runs the script with args and returns what it prints; a failure
// shows the script's own error output.
func (n nodeTool) run(t *testing.T, timeout time.Duration, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, n.node, append([]string{n.script}, args...)...).Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node %s: %v\n%s", filepath.Base(n.script), err, stderr)
	}
	return out
}

func TestIndependentVerificationJose(t *testing.T) {
	jose := needNodeTool(t, "TADRIB_JOSE", "jose", "jose")

	oldPEM := newPEM(t)
	old := ring(t, oldPEM)
	k := ring(t, newPEM(t), oldPEM) // rotated: the old key is kept
	const listURL = "https://tadrib.example/status/1"

	revokedOne := sample()
	revokedOne.StatusIndex = 42
	byOldKey := sample()
	byOldKey.CredentialID, byOldKey.StatusIndex = "https://tadrib.example/verify/OLDKEY", 7
	expiring := sample()
	until := time.Now().AddDate(1, 0, 0)
	expiring.ExpiresAt = &until

	files := map[string]string{"jwks.json": string(k.JWKS())}
	sign := func(name string, r *Keyring, a Achievement) string {
		jws, err := r.Sign(a)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = jws
		return jws
	}
	good := sign("credential.jwt", k, sample())
	sign("credential-revoked.jwt", k, revokedOne)
	sign("credential-old-key.jwt", old, byOldKey)
	sign("credential-expiring.jwt", k, expiring)
	sign("wrong-key.jwt", ring(t, newPEM(t)), sample())
	parts := strings.Split(good, ".")
	p := payload(t, good)
	p["credentialSubject"].(map[string]any)["name"] = "Someone Else"
	files["tampered.jwt"] = parts[0] + "." + b64(mustJSON(t, p)) + "." + parts[2]
	list, err := k.SignStatusList(listURL, "https://tadrib.example/", []int{42, 1000}, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	files["statuslist.jwt"] = list

	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := jose.run(t, time.Minute, dir)
	var res struct {
		Thumbprints []struct {
			Kid, Computed string
			Match         bool
		}
		StatusLists map[string]int
		Tokens      map[string]struct {
			OK             bool
			Code, Alg, Typ string
			Kid, Subject   string
			Revoked        *bool
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("verify.mjs output is not JSON: %v\n%s", err, out)
	}
	t.Logf("jose says: %s", out)

	if len(res.Thumbprints) != 2 {
		t.Errorf("jose read %d keys from the JWKS, want 2", len(res.Thumbprints))
	}
	for _, tp := range res.Thumbprints {
		if !tp.Match {
			t.Errorf("kid %s is not jose's RFC 7638 thumbprint %s", tp.Kid, tp.Computed)
		}
	}
	if got := res.StatusLists[listURL]; got != StatusListSize {
		t.Errorf("jose decoded a status list of %d bits, want %d", got, StatusListSize)
	}
	yes, no := true, false
	want := []struct {
		file    string
		ok      bool
		kid     string
		revoked *bool
		code    string
	}{
		{"credential.jwt", true, k.ActiveKid(), &no, ""},
		{"credential-revoked.jwt", true, k.ActiveKid(), &yes, ""},
		{"credential-old-key.jwt", true, old.ActiveKid(), &no, ""},
		{"credential-expiring.jwt", true, k.ActiveKid(), &no, ""},
		{"statuslist.jwt", true, k.ActiveKid(), nil, ""},
		{"tampered.jwt", false, "", nil, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"},
		{"wrong-key.jwt", false, "", nil, "ERR_JWKS_NO_MATCHING_KEY"},
	}
	for _, w := range want {
		got, ok := res.Tokens[w.file]
		switch {
		case !ok:
			t.Errorf("%s: not checked by jose", w.file)
		case got.OK != w.ok:
			t.Errorf("%s: jose verified = %v (%s), want %v", w.file, got.OK, got.Code, w.ok)
		case !w.ok && got.Code != w.code:
			t.Errorf("%s: jose error %s, want %s", w.file, got.Code, w.code)
		case w.ok && (got.Alg != "EdDSA" || got.Typ != Typ || got.Kid != w.kid):
			t.Errorf("%s: header alg %s typ %s kid %s, want EdDSA %s %s", w.file, got.Alg, got.Typ, got.Kid, Typ, w.kid)
		case (got.Revoked == nil) != (w.revoked == nil) || (w.revoked != nil && *got.Revoked != *w.revoked):
			t.Errorf("%s: revoked = %v, want %v", w.file, deref(got.Revoked), deref(w.revoked))
		}
	}
	if s := res.Tokens["credential.jwt"].Subject; s != sample().HolderName {
		t.Errorf("jose read subject %q, want %q", s, sample().HolderName)
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
