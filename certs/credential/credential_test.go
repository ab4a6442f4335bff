package credential

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	k := ring(t, newPEM(t))
	a := sample()
	jws, err := k.Sign(a)
	if err != nil {
		t.Fatalf("Sign() error: %v", err)
	}
	h := header(t, jws)
	if !reflect.DeepEqual(h, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": k.ActiveKid()}) {
		t.Errorf("header = %v, want exactly alg EdDSA, typ vc+jwt, kid (OB 3.0 allows no other)", h)
	}
	v, err := k.Verify(jws)
	if err != nil {
		t.Fatalf("Verify() error: %v", err)
	}
	if v.Kid != k.ActiveKid() {
		t.Errorf("Verify().Kid = %s, want %s", v.Kid, k.ActiveKid())
	}
	p := v.Payload
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"@context"}, []any{ContextVC, ContextOB}},
		{[]string{"type"}, []any{"VerifiableCredential", "OpenBadgeCredential"}},
		{[]string{"id"}, a.CredentialID},
		{[]string{"jti"}, a.CredentialID},
		{[]string{"iss"}, a.IssuerID},
		{[]string{"issuer", "id"}, a.IssuerID},
		{[]string{"issuer", "type"}, []any{"Profile"}},
		{[]string{"issuer", "name"}, a.IssuerName},
		{[]string{"validFrom"}, "2026-01-15T10:00:00Z"},
		{[]string{"nbf"}, float64(issuedAt.Unix())},
		{[]string{"iat"}, float64(issuedAt.Unix())},
		{[]string{"validUntil"}, nil},
		{[]string{"exp"}, nil},
		{[]string{"sub"}, nil},
		{[]string{"name"}, a.CourseTitle},
		{[]string{"credentialSubject", "type"}, []any{"AchievementSubject"}},
		{[]string{"credentialSubject", "name"}, a.HolderName},
		{[]string{"credentialSubject", "identifier"}, []any{
			map[string]any{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": a.HolderName},
			map[string]any{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": a.HolderNameAr},
		}},
		{[]string{"credentialSubject", "creditsEarned"}, 24.0},
		{[]string{"credentialSubject", "achievement", "id"}, a.CourseID},
		{[]string{"credentialSubject", "achievement", "type"}, []any{"Achievement"}},
		{[]string{"credentialSubject", "achievement", "achievementType"}, "CertificateOfCompletion"},
		{[]string{"credentialSubject", "achievement", "name"}, a.CourseTitle},
		{[]string{"credentialSubject", "achievement", "description"}, a.CourseTitle + " (24 h)"},
		{[]string{"credentialSubject", "achievement", "criteria", "id"}, a.CourseID},
		{[]string{"credentialSubject", "achievement", "creditsAvailable"}, 24.0},
		{[]string{"credentialSubject", "achievement", "inLanguage"}, "fr"},
		{[]string{"credentialStatus"}, map[string]any{
			"id": "https://tadrib.example/status/1#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": "94567", "statusListCredential": "https://tadrib.example/status/1",
		}},
	}
	for _, c := range checks {
		if got := at(p, c.path...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("payload %s = %#v, want %#v", strings.Join(c.path, "."), got, c.want)
		}
	}
	// The other languages' titles, sorted, the certificate's own left out.
	l10n, _ := json.Marshal(at(p, "localizationData", "local", "items"))
	want := `[{"apply":[{"language":"ar","value":"حماية الطفولة — الاستماع إلى القاصرين"},{"language":"en","value":"Child protection — hearing minors"}],"select":"$.name"},` +
		`{"apply":[{"language":"ar","value":"حماية الطفولة — الاستماع إلى القاصرين"},{"language":"en","value":"Child protection — hearing minors"}],"select":"$.credentialSubject.achievement.name"}]`
	if string(l10n) != want {
		t.Errorf("localizationData items = %s\nwant %s", l10n, want)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignExpiringArabicOnly(t *testing.T) {
	k := ring(t, newPEM(t))
	a := sample()
	a.HolderName, a.Lang, a.CourseTitle, a.CourseTitles, a.Hours = "", "ar", "حماية الطفولة", nil, 8
	a.StatusListURL = ""
	until := issuedAt.AddDate(3, 0, 0).Add(1500 * time.Millisecond)
	a.ExpiresAt = &until
	jws, err := k.Sign(a)
	if err != nil {
		t.Fatalf("Sign() error: %v", err)
	}
	v, err := k.Verify(jws)
	if err != nil {
		t.Fatalf("Verify() error: %v", err)
	}
	p := v.Payload
	for path, want := range map[string]any{
		"validUntil":             "2029-01-15T10:00:01Z",
		"exp":                    float64(until.Truncate(time.Second).Unix()),
		"credentialSubject.name": a.HolderNameAr,
		"credentialSubject.achievement.description":      "حماية الطفولة (8 ساعات)",
		"credentialSubject.achievement.creditsAvailable": 8.0,
		"credentialStatus": nil,
		"localizationData": nil,
	} {
		if got := at(p, strings.Split(path, ".")...); !reflect.DeepEqual(got, want) {
			t.Errorf("payload %s = %#v, want %#v", path, got, want)
		}
	}
	if ids, _ := at(p, "credentialSubject", "identifier").([]any); len(ids) != 1 {
		t.Errorf("identifier = %v, want the Arabic name only", ids)
	}
}

// TestVerifyExpired: an expired certificate still verifies, so that the
// verify page can say "expired"; judging validUntil is the caller's job.
func TestVerifyExpired(t *testing.T) {
	k := ring(t, newPEM(t))
	a := sample()
	a.IssuedAt = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	until := a.IssuedAt.AddDate(1, 0, 0)
	a.ExpiresAt = &until
	jws, err := k.Sign(a)
	if err != nil {
		t.Fatal(err)
	}
	v, err := k.Verify(jws)
	if err != nil {
		t.Fatalf("Verify(expired) error: %v", err)
	}
	if v.Payload["validUntil"] != "2021-01-01T00:00:00Z" {
		t.Errorf("validUntil = %v", v.Payload["validUntil"])
	}
}

func TestSignDeterministic(t *testing.T) {
	k := ring(t, newPEM(t))
	first, err := k.Sign(sample())
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // map iteration order differs between runs of the loop
		again, _ := ring(t, newPEMFrom(t, k)).Sign(sample())
		if again != first {
			t.Fatalf("Sign() twice gave different tokens:\n%s\n%s", first, again)
		}
	}
}

// newPEMFrom re-encodes the ring's signing key, as a restart would read it.
func newPEMFrom(t *testing.T, k *Keyring) []byte { return pkcs8(t, k.signer) }

func TestSignRejectsBadAchievement(t *testing.T) {
	k := ring(t, newPEM(t))
	before := issuedAt.Add(-time.Hour)
	tests := []struct {
		name   string
		change func(*Achievement)
		want   string
	}{
		{"relative credential id", func(a *Achievement) { a.CredentialID = "/verify/X" }, "CredentialID"},
		{"empty course id", func(a *Achievement) { a.CourseID = "" }, "CourseID"},
		{"issuer without host", func(a *Achievement) { a.IssuerID = "https://" }, "IssuerID"},
		{"relative status list", func(a *Achievement) { a.StatusListURL = "status/1" }, "StatusListURL"},
		{"no holder name", func(a *Achievement) { a.HolderName, a.HolderNameAr = "", "" }, "holder"},
		{"no title", func(a *Achievement) { a.CourseTitle = "" }, "title"},
		{"no issuer name", func(a *Achievement) { a.IssuerName = "" }, "issuer name"},
		{"no date", func(a *Achievement) { a.IssuedAt = time.Time{} }, "issue date"},
		{"expires before issue", func(a *Achievement) { a.ExpiresAt = &before }, "expiry"},
		{"negative index", func(a *Achievement) { a.StatusIndex = -1 }, "status index"},
		{"index past the list", func(a *Achievement) { a.StatusIndex = StatusListSize }, "status index"},
		{"negative hours", func(a *Achievement) { a.Hours = -1 }, "hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sample()
			tt.change(&a)
			if _, err := k.Sign(a); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Sign() error = %v, want one about %q", err, tt.want)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	k := ring(t, newPEM(t))
	good, err := k.Sign(sample())
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	stranger, _ := ring(t, newPEM(t)).Sign(sample())

	tamper := func(change func(map[string]any)) string {
		p := payload(t, good)
		change(p)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString(mustJSON(t, p)) + "." + parts[2]
	}
	// A token signed by our key but built by hand, to reach the checks after the signature.
	signed := func(hdr map[string]any, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		for name, v := range hdr {
			tok.Header[name] = v
		}
		s, err := tok.SignedString(k.signer)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	vc := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://tadrib.example/", "issuer": map[string]any{"id": "https://tadrib.example/"}, "type": []string{"VerifiableCredential"}}
	}
	pub := k.keys[0].pub
	hs256 := jwt.NewWithClaims(jwt.SigningMethodHS256, vc())
	hs256.Header["typ"], hs256.Header["kid"] = Typ, k.ActiveKid()
	confused, _ := hs256.SignedString([]byte(pub)) // the public key as an HMAC secret
	none := jwt.NewWithClaims(jwt.SigningMethodNone, vc())
	none.Header["typ"], none.Header["kid"] = Typ, k.ActiveKid()
	unsigned, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)

	tests := []struct{ name, jws string }{
		{"tampered name", tamper(func(p map[string]any) { p["credentialSubject"].(map[string]any)["name"] = "Someone Else" })},
		{"tampered hours", tamper(func(p map[string]any) {
			p["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["creditsAvailable"] = 240
		})},
		{"one flipped signature byte", parts[0] + "." + parts[1] + "." + flip(parts[2])},
		{"signed by a key not in the ring", stranger},
		{"header swapped from another key", header0(stranger) + "." + parts[1] + "." + parts[2]},
		{"HS256 with the public key as secret", confused},
		{"alg none", unsigned},
		{"typ JWT", signed(map[string]any{"typ": "JWT", "kid": k.ActiveKid()}, vc())},
		{"no kid", signed(map[string]any{"typ": Typ}, vc())},
		{"iss differs from issuer.id", signed(map[string]any{"typ": Typ, "kid": k.ActiveKid()}, jwt.MapClaims{
			"iss": "https://evil.example/", "issuer": map[string]any{"id": "https://tadrib.example/"}, "type": []string{"VerifiableCredential"}})},
		{"not a credential", signed(map[string]any{"typ": Typ, "kid": k.ActiveKid()}, jwt.MapClaims{
			"iss": "https://tadrib.example/", "issuer": "https://tadrib.example/"})},
		{"empty", ""},
		{"garbage", "not.a.jws"},
		{"too large", good + strings.Repeat("A", maxJWSLength)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, err := k.Verify(tt.jws); err == nil {
				t.Errorf("Verify() = %+v, want an error", v)
			}
		})
	}
}

func header0(jws string) string { return strings.SplitN(jws, ".", 2)[0] }

func flip(sig string) string {
	raw, _ := base64.RawURLEncoding.DecodeString(sig)
	raw[10] ^= 1
	return base64.RawURLEncoding.EncodeToString(raw)
}

// TestRotatedKeyStillVerifies: after a rotation the bundle starts with the
// new key and keeps the old one, so certificates signed before still verify
// and the old kid stays in the JWKS.
func TestRotatedKeyStillVerifies(t *testing.T) {
	oldPEM, newKeyPEM := newPEM(t), newPEM(t)
	before := ring(t, oldPEM)
	oldJWS, err := before.Sign(sample())
	if err != nil {
		t.Fatal(err)
	}
	oldPub := pkix(t, ed25519.PublicKey(before.keys[0].pub))
	for name, bundle := range map[string][]byte{
		"old private key kept": joinPEM(newKeyPEM, oldPEM),
		"old public key kept":  joinPEM(newKeyPEM, oldPub),
	} {
		t.Run(name, func(t *testing.T) {
			after := ring(t, bundle)
			if after.ActiveKid() == before.ActiveKid() {
				t.Fatal("the new key did not become the active one")
			}
			v, err := after.Verify(oldJWS)
			if err != nil {
				t.Fatalf("Verify(credential signed before rotation) error: %v", err)
			}
			if v.Kid != before.ActiveKid() {
				t.Errorf("Verify().Kid = %s, want the old kid %s", v.Kid, before.ActiveKid())
			}
			if !strings.Contains(string(after.JWKS()), `"kid":"`+before.ActiveKid()+`"`) {
				t.Errorf("JWKS after rotation lacks the old kid: %s", after.JWKS())
			}
			newJWS, _ := after.Sign(sample())
			if got := header(t, newJWS)["kid"]; got != after.ActiveKid() {
				t.Errorf("new credentials signed with kid %v, want the new key %s", got, after.ActiveKid())
			}
		})
	}
	if _, err := ring(t, newKeyPEM).Verify(oldJWS); err == nil {
		t.Error("a ring that dropped the old key still verified its credential")
	}
}

// BenchmarkSign and BenchmarkVerify measure one credential: Ed25519 signing
// is cheap next to rendering the PDF; verification bounds /verify/{code}.jwt checks.
func BenchmarkSign(b *testing.B) {
	pemKey, _ := Generate()
	k, _ := ParseKeyring(pemKey)
	a := sample()
	for b.Loop() {
		if _, err := k.Sign(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	pemKey, _ := Generate()
	k, _ := ParseKeyring(pemKey)
	jws, _ := k.Sign(sample())
	for b.Loop() {
		if _, err := k.Verify(jws); err != nil {
			b.Fatal(err)
		}
	}
}
