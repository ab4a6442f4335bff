package certs

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"tadrib/certs/credential/credtest"
	"tadrib/internal/web"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// verifyJSON asks /verify/{code} for JSON, as a third party's client does.
func verifyJSON(e *env, code string) webtest.Response {
	return e.Anonymous().Do(fiber.MethodGet, "/verify/"+code, nil, "Accept", "application/json")
}

// Revocation: staff of the course only (another trainer's certificate does
// not exist for them, SECURITY.md C3), with a reason, once; verification
// says so at once and the status list's bit flips.
func TestRevocation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	tr := e.User("Formatrice", models.RoleTrainer)
	otherTrainer := e.User("Autre", models.RoleTrainer)
	u := e.trainee(t, "Nadia", "نادية")
	e.course(t, "traite-101", &tr, u)
	j := e.claimed(t, u, "traite-101")
	v, err := e.svc.Verify(ctx, j.Code, "fr")
	if err != nil {
		t.Fatal(err)
	}
	idx := e.statusIndex(t, j.Code)
	if credtest.StatusBit(t, e.statusList(t), idx) {
		t.Fatal("the status bit is set before any revocation")
	}

	// Who may revoke: not the holder (403: not staff), not another trainer
	// (404, nothing changes), and a reason is required.
	rev := func(who models.User, reason string) webtest.Response {
		return e.As(who).Post("/api/v1/certificates/"+j.Code+"/revoke", map[string]any{"reason": reason})
	}
	rev(u, "x").WantProblem(t, http.StatusForbidden)
	rev(otherTrainer, "Fraude").WantProblem(t, http.StatusNotFound)
	if _, err := e.svc.Revoke(ctx, otherTrainer, j.Code, "Fraude", "fr"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("another trainer's revocation: %v, want ErrNotAllowed", err)
	}
	rev(tr, "   ").WantProblem(t, http.StatusBadRequest, "reason")
	rev(tr, strings.Repeat("é", 501)).WantProblem(t, http.StatusBadRequest, "reason")
	e.As(tr).Post("/api/v1/certificates/not-a-code/revoke", map[string]any{"reason": "x"}).WantProblem(t, http.StatusNotFound)
	e.Anonymous().Post("/api/v1/certificates/"+j.Code+"/revoke", map[string]any{"reason": "x"}).Want(t, http.StatusUnauthorized)
	if got, _ := e.svc.Verify(ctx, j.Code, "fr"); got.Status != models.CertValid || e.audits(t, "certificate.revoke", "certificate:"+j.Code) != 0 {
		t.Fatalf("a refused revocation changed the certificate: %s", got.Status)
	}
	if credtest.StatusBit(t, e.statusList(t), idx) {
		t.Fatal("a refused revocation set the status bit")
	}

	e.clock.add(time.Hour)
	var revoked JSON
	rev(tr, " Erreur de saisie ").Want(t, http.StatusOK).JSON(t, &revoked)
	if revoked.Status != models.CertRevoked || revoked.RevokedReason != "Erreur de saisie" || revoked.RevokedAt == nil || !revoked.RevokedAt.Equal(e.clock.now()) {
		t.Errorf("revoke answered %+v", revoked)
	}
	rev(tr, "encore").WantProblem(t, http.StatusConflict)
	if _, err := e.svc.Revoke(ctx, tr, j.Code, "encore", "fr"); !errors.Is(err, ErrFinal) {
		t.Errorf("second revocation: %v, want ErrFinal", err)
	}
	if n := e.audits(t, "certificate.revoke", "certificate:"+j.Code); n != 1 {
		t.Errorf("revocation audited %d times, want 1", n)
	}

	// Verification says so at once, with the reason, in JSON and on the page.
	var vj Verification
	verifyJSON(e, j.Code).Want(t, http.StatusOK).JSON(t, &vj)
	if vj.Status != models.CertRevoked || vj.RevokedReason == nil || *vj.RevokedReason != "Erreur de saisie" || vj.Credential != v.Credential {
		t.Errorf("verify after revocation: %+v", vj)
	}
	for _, lang := range []string{"fr", "ar"} {
		c := e.Anonymous()
		c.Lang = lang
		c.Get("/verify/"+j.Code).Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "verify.status.revoked"), "Erreur de saisie")
	}
	// Third parties learn it from the status list: the credential's bit is
	// set, and only it.
	list := e.statusList(t)
	if !credtest.StatusBit(t, list, idx) || credtest.StatusBit(t, list, (idx+1)%131072) {
		t.Errorf("status list bit %d not set (or its neighbour set) after revocation", idx)
	}
	// An admin may revoke any course's certificate.
	other := e.trainee(t, "Omar", "")
	e.course(t, "autre", &otherTrainer, other)
	j2 := e.claimed(t, other, "autre")
	if _, err := e.svc.Revoke(ctx, e.User("Admin", models.RoleAdmin), j2.Code, "Doublon", "fr"); err != nil {
		t.Errorf("an admin's revocation: %v", err)
	}
}

func (e *env) statusIndex(t *testing.T, code string) int {
	t.Helper()
	var c models.Certificate
	if err := e.DB.R.Take(&c, "code = ?", code).Error; err != nil {
		t.Fatal(err)
	}
	return c.StatusIndex
}

func (e *env) statusList(t *testing.T) string {
	t.Helper()
	r := e.Anonymous().Get("/credentials/status/1").Want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/vc+jwt" {
		t.Errorf("status list Content-Type %q", ct)
	}
	return r.Body
}

// The signed status list is kept a minute, and signed again at once after a
// change: the cache never hides a revocation.
func TestStatusListCacheAndReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	tr := e.User("Formatrice", models.RoleTrainer)
	u := e.trainee(t, "Nadia", "")
	e.course(t, "traite-101", &tr, u)
	j := e.claimed(t, u, "traite-101")
	first, err := e.svc.StatusList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.add(statusListTTL - time.Second)
	if again, _ := e.svc.StatusList(ctx); again != first {
		t.Error("the list was signed again within its minute")
	}
	e.clock.add(time.Second)
	if later, _ := e.svc.StatusList(ctx); later == first {
		t.Error("the list was not signed again after its minute")
	}
	cached, _ := e.svc.StatusList(ctx)
	if _, err := e.svc.Revoke(ctx, tr, j.Code, "Fraude", "fr"); err != nil {
		t.Fatal(err)
	}
	after, _ := e.svc.StatusList(ctx)
	if after == cached || !credtest.StatusBit(t, after, e.statusIndex(t, j.Code)) {
		t.Error("after a revocation the cached list was served")
	}
}

// Verification by code: any spelling of a known code; an unknown or
// malformed code is the same 404 (SECURITY.md C1), as JSON and as a page in
// French and Arabic; and only what C6 lists is shown.
func TestVerifyByCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia Tazi", "نادية التازي")
	if err := e.DB.W.Model(&u).Update("organization", "Brigade secrète").Error; err != nil {
		t.Fatal(err)
	}
	e.course(t, "traite-101", nil, u)
	j := e.claimed(t, u, "traite-101")

	var v Verification
	r := verifyJSON(e, j.Code).Want(t, http.StatusOK)
	r.JSON(t, &v)
	if v.Status != models.CertValid || v.Holder.Name != "Nadia Tazi" || v.Holder.NameAr != "نادية التازي" ||
		v.Issuer.Name != testIssuer.Name || v.Issuer.ID != testBaseURL || v.PDFSHA256 != j.PDFSHA256 || v.Course.Title != "Cours traite-101" {
		t.Errorf("verification %+v", v)
	}
	for _, leak := range []string{u.Email, "police", "Brigade", `"user_id"`, `"profession"`} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("the verification shows %q: %s", leak, r.Body)
		}
	}
	for h, want := range map[string]string{"Cache-Control": "public, max-age=60", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	for _, spelling := range []string{strings.ToLower(j.Code), Group(j.Code), strings.ToLower(j.Code[:13]) + "%20" + j.Code[13:]} {
		var got Verification
		verifyJSON(e, spelling).Want(t, http.StatusOK).JSON(t, &got)
		if got.Code != j.Code {
			t.Errorf("lookup of %q found %q", spelling, got.Code)
		}
	}
	e.Anonymous().Do(fiber.MethodGet, "/v/"+j.Code, nil, "Accept", "application/json").Want(t, http.StatusOK)
	// Signed in, the page is private to the browser.
	if cc := e.As(u).Get("/verify/"+j.Code).Want(t, http.StatusOK).Header.Get("Cache-Control"); strings.Contains(cc, "public") {
		t.Errorf("signed-in verify page: Cache-Control %q", cc)
	}

	for _, lang := range []string{"fr", "ar"} {
		c := e.Anonymous()
		c.Lang = lang
		page := c.Get("/verify/"+j.Code).Want(t, http.StatusOK)
		page.WantPage(t, lang, e.Catalog.T(lang, "verify.status.valid"), "Nadia Tazi", "نادية التازي", Group(j.Code), j.PDFSHA256)
		for _, code := range []string{NewCode(), "not-a-code", strings.Repeat("1", CodeLen), "%00", strings.Repeat("A", 2000)} {
			nf := c.Get("/verify/"+code).Want(t, http.StatusNotFound)
			if !strings.Contains(nf.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s: unknown code %.30q: %s, not a page", lang, code, nf.Header.Get("Content-Type"))
			}
			nf.WantPage(t, lang, e.Catalog.T(lang, "verify.status.not_found"))
		}
	}
	for _, code := range []string{NewCode(), "no-such-certificate", "ABCD"} {
		var nf map[string]string
		verifyJSON(e, code).Want(t, http.StatusNotFound).JSON(t, &nf)
		if nf["status"] != "not_found" || len(nf) != 1 {
			t.Errorf("%q: %v", code, nf)
		}
		if _, err := e.svc.Verify(context.Background(), code, "fr"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Verify(%q): %v, want ErrNotFound", code, err)
		}
	}

	// The form sends a typed code to its page; a malformed one is a 400 page.
	r = e.Anonymous().Get("/verify?code="+strings.ToLower(j.Code[:4])+"+-+"+j.Code[4:]).Want(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/verify/"+j.Code {
		t.Errorf("typed code sent to %q", loc)
	}
	for _, lang := range []string{"fr", "ar"} {
		c := e.Anonymous()
		c.Lang = lang
		c.Get("/verify?code=pas-un-code").Want(t, http.StatusBadRequest).WantPage(t, lang, e.Catalog.T(lang, "verify.malformed"))
		c.Get("/verify").Want(t, http.StatusOK)
	}
}

// The verification routes have their own rate limit: past it, /verify and
// /v answer 429 with Retry-After, while the keys, the status list and the
// holder's API still answer.
func TestVerifyRateLimitIsSeparate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, limiter.New(limiter.Config{Max: 3, Expiration: time.Minute,
		KeyGenerator: func(*fiber.Ctx) string { return "one client" },
		LimitReached: func(*fiber.Ctx) error { return web.Errorf(fiber.StatusTooManyRequests, "err.rate_limited") }}))
	u := e.trainee(t, "Nadia", "")
	e.course(t, "traite-101", nil, u)
	j := e.claimed(t, u, "traite-101")
	verifyJSON(e, j.Code).Want(t, http.StatusOK)
	verifyJSON(e, NewCode()).Want(t, http.StatusNotFound)
	e.Anonymous().Get("/verify").Want(t, http.StatusOK)
	for _, p := range []string{"/verify/" + j.Code, "/v/" + j.Code, "/verify?code=" + j.Code} {
		r := e.Anonymous().Get(p).Want(t, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", p)
		}
	}
	e.Anonymous().Get("/.well-known/jwks.json").Want(t, http.StatusOK)
	e.Anonymous().Get("/credentials/status/1").Want(t, http.StatusOK)
	e.As(u).Get("/api/v1/me/certificates").Want(t, http.StatusOK)
	e.As(u).Get("/api/v1/certificates/"+j.Code+"/pdf").Want(t, http.StatusOK)
}

type jwks struct {
	Keys []struct {
		Kty, Crv, X, Kid, Alg, Use string
	}
}

// The credential is a JWS that verifies with the key the JWKS serves under
// its kid, checked here from the wire format alone (no credential package),
// as a court's or an employer's verifier would.
func TestCredentialVerifiesWithTheServedJWKS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia Tazi", "نادية التازي")
	e.course(t, "traite-101", nil, u)
	j := e.claimed(t, u, "traite-101")
	var v Verification
	verifyJSON(e, j.Code).Want(t, http.StatusOK).JSON(t, &v)

	r := e.Anonymous().Get("/.well-known/jwks.json").Want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/jwk-set+json" {
		t.Errorf("JWKS Content-Type %q", ct)
	}
	var set jwks
	r.JSON(t, &set)
	parts := strings.Split(v.Credential, ".")
	if len(parts) != 3 {
		t.Fatalf("credential is not a compact JWS: %.60s", v.Credential)
	}
	var header struct{ Alg, Kid, Typ string }
	decodeSegment(t, parts[0], &header)
	if header.Alg != "EdDSA" || header.Kid == "" {
		t.Fatalf("header %+v", header)
	}
	var pub ed25519.PublicKey
	for _, k := range set.Keys {
		if k.Kid == header.Kid && k.Kty == "OKP" && k.Crv == "Ed25519" {
			b, err := base64.RawURLEncoding.DecodeString(k.X)
			if err != nil {
				t.Fatal(err)
			}
			pub = b
		}
	}
	if len(pub) != ed25519.PublicKeySize {
		t.Fatalf("the JWKS has no Ed25519 key %q: %s", header.Kid, r.Body)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		t.Fatalf("the credential's signature does not verify with the served key (%v)", err)
	}
	// One byte changed in the payload: the signature no longer holds (C7).
	forged := []byte(parts[1])
	forged[len(forged)/2] ^= 1
	if ed25519.Verify(pub, append([]byte(parts[0]+"."), forged...), sig) {
		t.Error("a changed payload verifies")
	}
	// The payload certifies both names, the code and its status list entry.
	var payload map[string]any
	decodeSegment(t, parts[1], &payload)
	raw, _ := json.Marshal(payload)
	for _, want := range []string{"Nadia Tazi", "نادية التازي", testBaseURL + "/verify/" + j.Code, testBaseURL + "/credentials/status/1",
		`"statusListIndex":"` + strconv.Itoa(e.statusIndex(t, j.Code)) + `"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the credential lacks %s: %s", want, raw)
		}
	}
	if _, err := e.keys.Verify(v.Credential); err != nil {
		t.Errorf("the keyring refuses its own credential: %v", err)
	}
	// /keys/{kid} dereferences the kid; an unknown kid is 404.
	var one struct{ Kid, X string }
	e.Anonymous().Get("/keys/"+header.Kid).Want(t, http.StatusOK).JSON(t, &one)
	if one.Kid != header.Kid || one.X != base64.RawURLEncoding.EncodeToString(pub) {
		t.Errorf("/keys/%s = %+v", header.Kid, one)
	}
	e.Anonymous().Get("/keys/no-such-kid").Want(t, http.StatusNotFound)
}

func decodeSegment(t *testing.T, seg string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// The PDF goes to its holder and to the staff who may manage it; anyone
// else gets 404 (SECURITY.md C2). Its bytes are the ones whose SHA-256 the
// verification publishes, and the file name is ASCII (C9).
func TestPDFDownloadOfOwnCertificateOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	u := e.trainee(t, "Nadia \"Tazi\"", "نادية التازي")
	other := e.trainee(t, "Omar", "")
	e.course(t, "traite-101", &tr, u, other)
	j := e.claimed(t, u, "traite-101")
	path := "/api/v1/certificates/" + j.Code + "/pdf"

	r := e.As(u).Get(path).Want(t, http.StatusOK)
	if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF") {
		t.Fatalf("not a PDF: %s", r.Header.Get("Content-Type"))
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="certificate-traite-101-`+j.Code+`.pdf"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	sum := sha256.Sum256([]byte(r.Body))
	if hex.EncodeToString(sum[:]) != j.PDFSHA256 {
		t.Error("the downloaded PDF is not the one whose SHA-256 was recorded at issuance")
	}
	for _, who := range []struct {
		name string
		u    models.User
		want int
	}{
		{"another trainee", other, http.StatusNotFound},
		{"another trainer", e.User("Autre", models.RoleTrainer), http.StatusNotFound},
		{"the course's trainer", tr, http.StatusOK},
		{"an admin", e.User("Admin", models.RoleAdmin), http.StatusOK},
	} {
		got := e.As(who.u).Get(path)
		if got.Status != who.want || (got.Status == http.StatusOK && got.Body != r.Body) {
			t.Errorf("%s: %d (same bytes %v), want %d", who.name, got.Status, got.Body == r.Body, who.want)
		}
	}
	if _, _, err := e.svc.PDFFor(context.Background(), other, j.Code); !errors.Is(err, ErrNotFound) {
		t.Errorf("PDFFor another trainee: %v, want ErrNotFound", err)
	}
	e.Anonymous().Get(path).Want(t, http.StatusUnauthorized)
	e.As(u).Get("/api/v1/certificates/"+NewCode()+"/pdf").WantProblem(t, http.StatusNotFound)
}
