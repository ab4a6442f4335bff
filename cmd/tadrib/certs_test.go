package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tadrib/certs"
	"tadrib/certs/credential"
	"tadrib/certs/credential/credtest"
	"tadrib/models"
)

// testSigningKey signs the test apps' certificates: generated once per test
// run, so no test writes a development key into the source tree.
var testSigningKey = func() string {
	k, err := credential.Generate()
	if err != nil {
		panic(err)
	}
	return string(k)
}()

// completeCourse makes u finish the quiz course: both lessons read, the quiz
// passed.
func completeCourse(t *testing.T, u user, slug, quizID string) {
	t.Helper()
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	for _, m := range c["modules"].([]any) {
		for _, l := range m.(map[string]any)["lessons"].([]any) {
			wantStatus(t, u.do("POST", "/api/v1/lessons/"+l.(map[string]any)["id"].(string)+"/complete", nil), 204)
		}
	}
	at := start(t, u, quizID, 201)
	for qid, body := range rightAnswers(t, at) {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	r := u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil)
	wantStatus(t, r, 200)
	if r.JSON(t)["passed"] != true {
		t.Fatalf("quiz not passed: %s", r.Body)
	}
}

func verifyJSON(a *testApp, code string) resp {
	return a.do("GET", "/verify/"+code, nil, "Accept", "application/json")
}

func TestCertificateJourney(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	other := enrolled(t, a, slug)

	// Not complete: 422 naming what is left, usable by a client.
	p := wantProblem(t, u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil), 422, "")
	kinds := map[string]int{}
	for _, m := range p["missing"].([]any) {
		m := m.(map[string]any)
		kinds[m["kind"].(string)]++
		if m["id"] == "" || m["title"] == "" || m["url"] == "" {
			t.Errorf("missing entry without id, title or url: %v", m)
		}
	}
	if kinds["lesson"] != 2 || kinds["quiz"] != 1 {
		t.Fatalf("missing = %v, want 2 lessons and 1 quiz: %s", kinds, p)
	}

	completeCourse(t, u, slug, quizID)
	r := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
	wantStatus(t, r, 201)
	cert := r.JSON(t)
	code := cert["code"].(string)
	if len(code) != 26 || strings.ToUpper(code) != code || cert["status"] != "valid" || cert["holder"].(map[string]any)["name"] != "Test User" {
		t.Fatalf("certificate = %s", r.Body)
	}
	if !strings.HasPrefix(cert["verify_url"].(string), "http://localhost:8080/verify/"+code) {
		t.Errorf("verify_url = %v", cert["verify_url"])
	}
	again := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
	wantStatus(t, again, 200)
	if again.JSON(t)["code"] != code {
		t.Fatalf("second claim gave another certificate: %s", again.Body)
	}
	// /me/progress and /me/certificates know it.
	prog := u.do("GET", "/api/v1/me/progress", nil).JSON(t)["items"].([]any)
	if got := prog[0].(map[string]any)["certificate_code"]; got != code {
		t.Errorf("/me/progress certificate_code = %v, want %s", got, code)
	}
	mine := u.do("GET", "/api/v1/me/certificates", nil).JSON(t)["items"].([]any)
	if len(mine) != 1 || mine[0].(map[string]any)["code"] != code {
		t.Errorf("/me/certificates = %v", mine)
	}

	// The PDF: the holder, the course's trainer and an admin; nobody else.
	pdf := u.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
	wantStatus(t, pdf, 200)
	if pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF")) {
		t.Fatalf("not a PDF: %s", pdf.Header.Get("Content-Type"))
	}
	if cd := pdf.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="certificate-`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	sum := sha256.Sum256(pdf.Body)
	for _, who := range []struct {
		name string
		u    user
		want int
	}{{"other trainee", other, 404}, {"another trainer", a.trainer(), 404}, {"course trainer", tr, 200}, {"admin", a.admin(), 200}} {
		got := who.u.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
		if got.StatusCode != who.want {
			t.Errorf("%s: PDF status %d, want %d", who.name, got.StatusCode, who.want)
		}
		if got.StatusCode == 200 && !bytes.Equal(got.Body, pdf.Body) {
			t.Errorf("%s: the regenerated PDF differs from the holder's", who.name)
		}
	}
	wantStatus(t, a.do("GET", "/api/v1/certificates/"+code+"/pdf", nil), 401)

	// Public verification: case, spaces and hyphens do not matter.
	v := verifyJSON(a, code)
	wantStatus(t, v, 200)
	vj := v.JSON(t)
	if vj["status"] != "valid" || vj["pdf_sha256"] != hex.EncodeToString(sum[:]) {
		t.Fatalf("verify = %s; want valid with the PDF's SHA-256 %x", v.Body, sum)
	}
	for _, spelling := range []string{strings.ToLower(code), code[:4] + "-" + code[4:8] + "-" + code[8:], strings.ToLower(code[:13]) + "%20" + code[13:]} {
		if got := verifyJSON(a, spelling); got.StatusCode != 200 || got.JSON(t)["code"] != code {
			t.Errorf("lookup of %q: %d %s", spelling, got.StatusCode, got.Body)
		}
	}
	if got := a.do("GET", "/v/"+code, nil, "Accept", "application/json"); got.StatusCode != 200 {
		t.Errorf("/v/ alias: %d", got.StatusCode)
	}
	for _, h := range [][2]string{{"Cache-Control", "public, max-age=60"}, {"Referrer-Policy", "no-referrer"}, {"X-Robots-Tag", "noindex, nofollow"}} {
		if got := v.Header.Get(h[0]); got != h[1] {
			t.Errorf("%s = %q, want %q", h[0], got, h[1])
		}
	}
	page := a.do("GET", "/verify/"+code, nil, "Accept", "text/html", "Accept-Language", "ar")
	wantStatus(t, page, 200)
	if bytes.Contains(page.Body, []byte(u.Email)) || bytes.Contains(page.Body, []byte("police")) || !bytes.Contains(page.Body, []byte("Test User")) ||
		!bytes.Contains(page.Body, []byte(`dir="rtl"`)) || !bytes.Contains(page.Body, []byte(vj["pdf_sha256"].(string))) {
		t.Errorf("verify page: want the name, the SHA-256, Arabic, and no email or profession:\n%s", page.Body)
	}

	// The credential verifies against the published key.
	keys, err := credential.ParseKeyring([]byte(testSigningKey))
	if err != nil {
		t.Fatal(err)
	}
	ver, err := keys.Verify(vj["credential"].(string))
	if err != nil {
		t.Fatalf("credential does not verify: %v", err)
	}
	if !bytes.Contains(a.do("GET", "/.well-known/jwks.json", nil).Body, []byte(`"kid":"`+ver.Kid+`"`)) {
		t.Errorf("JWKS lacks kid %s", ver.Kid)
	}
	// A public credential is no session token (SECURITY.md S6).
	wantStatus(t, a.do("GET", "/api/v1/me", nil, "Authorization", "Bearer "+vj["credential"].(string)), 401)
	// A page rendered for a signed-in visitor is never stored by a shared cache.
	if cc := u.do("GET", "/verify/"+code, nil, "Accept", "text/html").Header.Get("Cache-Control"); strings.Contains(cc, "public") {
		t.Errorf("signed-in verify page: Cache-Control %q", cc)
	}
	sl := a.do("GET", "/credentials/status/1", nil)
	if sl.StatusCode != 200 || sl.Header.Get("Content-Type") != "application/vc+jwt" {
		t.Fatalf("status list: %d %s", sl.StatusCode, sl.Header.Get("Content-Type"))
	}
	if credtest.StatusBit(t, sl.Body, 0) || credtest.StatusBit(t, sl.Body, credential.StatusListSize-1) {
		t.Error("bits set in a list with nothing revoked")
	}

	// Revocation: staff only, a reason required, the course's trainer only.
	wantStatus(t, u.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "x"}), 403)
	wantProblem(t, tr.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "  "}), 400, "reason")
	wantStatus(t, a.trainer().do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "x"}), 404)
	rv := tr.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "Erreur de saisie"})
	wantStatus(t, rv, 200)
	if rv.JSON(t)["status"] != "revoked" {
		t.Fatalf("revoke: %s", rv.Body)
	}
	wantStatus(t, tr.do("POST", "/api/v1/certificates/"+code+"/revoke", map[string]any{"reason": "again"}), 409)
	vj = verifyJSON(a, code).JSON(t)
	if vj["status"] != "revoked" || vj["revoked_reason"] != "Erreur de saisie" {
		t.Errorf("after revocation verify = %v", vj)
	}
	var audits int64
	a.db.R.Table("audit_events").Where("action = ? AND object = ? AND actor_id = ? AND detail LIKE ?", "certificate.revoke", "certificate:"+code, certUserID(t, tr.ID), "%Erreur de saisie%").Count(&audits)
	if audits != 1 {
		t.Errorf("revocation audited %d times, want 1", audits)
	}
	// Third parties learn it from the status list: the credential's bit is set.
	idx, _ := strconv.Atoi(ver.Payload["credentialStatus"].(map[string]any)["statusListIndex"].(string))
	if !credtest.StatusBit(t, a.do("GET", "/credentials/status/1", nil).Body, idx) {
		t.Errorf("status list bit %d not set after revocation", idx)
	}
	// Asking again does not undo a revocation.
	if again := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil); again.StatusCode != 200 || again.JSON(t)["status"] != "revoked" {
		t.Errorf("claim after revocation: %d %s", again.StatusCode, again.Body)
	}
}

func certUserID(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConcurrentClaimsMakeOneCertificate(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	completeCourse(t, u, slug, quizID)
	var wg sync.WaitGroup
	codes := make([]string, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil)
			if r.StatusCode != 200 && r.StatusCode != 201 {
				t.Errorf("claim: %d %s", r.StatusCode, r.Body)
			} else {
				var m map[string]any
				_ = json.Unmarshal(r.Body, &m)
				codes[i], _ = m["code"].(string)
			}
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c == "" || c != codes[0] {
			t.Fatalf("concurrent claims gave %v, want one code", codes)
		}
	}
}

func TestInPersonIssueAndReissue(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	wantStatus(t, tr.do("PATCH", "/api/v1/courses/"+slug, map[string]any{"validity_days": 365}), 200)
	trainee := a.register("police")
	// A trainer certifies by email only the course's trainees (TestSecurityM4CertificateByEmail).
	wantStatus(t, trainee.do("POST", "/api/v1/courses/"+slug+"/enroll", nil), 201)

	// One bad holder: nothing issued, the holder named by index.
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"course_slug": slug, "holders": []any{map[string]any{"email": trainee.Email}, map[string]any{"name": "Sans profession"}}}, "holders[1].profession"},
		{map[string]any{"course_slug": slug, "holders": []any{map[string]any{"email": "nobody@example.org"}}}, "holders[0].email"},
		{map[string]any{"course_slug": slug, "holders": []any{map[string]any{"profession": "police"}}}, "holders[0].name"},
		{map[string]any{"course_slug": slug, "holders": []any{}}, "holders"},
		{map[string]any{"course_slug": "no-such-course", "holders": []any{map[string]any{"email": trainee.Email}}}, "course_slug"},
		{map[string]any{"course_slug": slug, "date": "2999-01-01", "holders": []any{map[string]any{"email": trainee.Email}}}, "date"},
		{map[string]any{"course_slug": slug, "date": "hier", "holders": []any{map[string]any{"email": trainee.Email}}}, "date"},
	} {
		wantProblem(t, tr.do("POST", "/api/v1/certificates/issue", tc.body), 400, tc.field)
	}
	// A name the certificate font cannot print is the client's to fix, not a 500.
	wantProblem(t, tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"name": "Amina 😀", "profession": "police"}}}), 422, "holders[0].name")
	if n := len(tr.do("GET", "/api/v1/certificates", nil).JSON(t)["items"].([]any)); n != 0 {
		t.Fatalf("a rejected request issued %d certificates", n)
	}
	wantStatus(t, trainee.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug}), 403)
	wantProblem(t, a.trainer().do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"email": trainee.Email}}}), 400, "course_slug")

	// A session two years ago, with a one-year validity: both expired.
	r := tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug, "date": time.Now().AddDate(-2, 0, 0).Format("2006-01-02"),
		"holders": []any{map[string]any{"email": trainee.Email}, map[string]any{"name": "Youssef Alaoui", "name_ar": "يوسف العلوي", "profession": "judiciary"}}})
	wantStatus(t, r, 201)
	items := r.JSON(t)["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("issued %d, want 2: %s", len(items), r.Body)
	}
	named := items[1].(map[string]any)["code"].(string)
	vj := verifyJSON(a, named).JSON(t)
	if vj["status"] != "expired" || vj["holder"].(map[string]any)["name_ar"] != "يوسف العلوي" {
		t.Errorf("named holder's verification = %v", vj)
	}
	// The account's certificate shows in its list; a second issuance is refused.
	if mine := trainee.do("GET", "/api/v1/me/certificates", nil).JSON(t)["items"].([]any); len(mine) != 1 {
		t.Errorf("trainee sees %d certificates, want 1", len(mine))
	}
	wantProblem(t, tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"email": trainee.Email}}}), 400, "holders[0].email")

	// A name correction supersedes.
	wantProblem(t, tr.do("POST", "/api/v1/certificates/"+named+"/reissue", map[string]any{"name": "Youssef El Alaoui"}), 400, "reason")
	re := tr.do("POST", "/api/v1/certificates/"+named+"/reissue", map[string]any{"name": "Youssef El Alaoui", "reason": "Nom mal orthographié"})
	wantStatus(t, re, 201)
	next := re.JSON(t)
	if next["code"] == named || next["holder"].(map[string]any)["name"] != "Youssef El Alaoui" || next["holder"].(map[string]any)["name_ar"] != "يوسف العلوي" {
		t.Fatalf("reissue = %s", re.Body)
	}
	old := verifyJSON(a, named).JSON(t)
	if old["status"] != "superseded" || old["superseded_by"] != next["code"] {
		t.Errorf("old certificate after reissue = %v", old)
	}
	wantStatus(t, tr.do("POST", "/api/v1/certificates/"+named+"/reissue", map[string]any{"name": "X", "reason": "again"}), 409)
	page := a.do("GET", "/verify/"+named, nil, "Accept", "text/html")
	if !bytes.Contains(page.Body, []byte(`href="/verify/`+next["code"].(string)+`"`)) {
		t.Errorf("the superseded page does not link to the new certificate")
	}
	// The register finds by name, by code, by course and date.
	yearAgo, threeYears := time.Now().AddDate(-1, 0, 0).Format("2006-01-02"), time.Now().AddDate(-3, 0, 0).Format("2006-01-02")
	for q, want := range map[string]int{"q=alaoui": 2, "q=" + strings.ToLower(named[:4]+"-"+named[4:]): 1, "course=" + slug: 3, "from=2999-01-01": 0,
		"from=" + yearAgo: 0, "to=" + yearAgo: 3, "from=" + threeYears + "&to=" + yearAgo: 3, "q=%25": 0, "q=يوسف": 2} {
		if got := len(tr.do("GET", "/api/v1/certificates?"+q, nil).JSON(t)["items"].([]any)); got != want {
			t.Errorf("register ?%s: %d items, want %d", q, got, want)
		}
	}
}

func TestVerifyUnknownAndRateLimit(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_RATE_VERIFY": "5"})
	for _, code := range []string{"no-such-certificate", strings.Repeat("A", 26), strings.Repeat("1", 26), "%00"} {
		r := verifyJSON(a, code)
		if r.StatusCode != 404 || r.JSON(t)["status"] != "not_found" {
			t.Errorf("%q: %d %s", code, r.StatusCode, r.Body)
		}
	}
	page := a.do("GET", "/verify/"+strings.Repeat("B", 26), nil, "Accept", "text/html")
	if page.StatusCode != 404 || !strings.Contains(page.Header.Get("Content-Type"), "text/html") {
		t.Errorf("unknown code page: %d %s", page.StatusCode, page.Header.Get("Content-Type"))
	}
	// The sixth lookup within the minute is refused.
	r := a.do("GET", "/verify?code=abcd-efgh", nil, "Accept", "text/html")
	if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
		t.Errorf("past the limit: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

func TestVerifyFormRedirectsToTheCode(t *testing.T) {
	a := newTestApp(t, nil)
	code := strings.Repeat("C", 26)
	r := a.do("GET", "/verify?code="+strings.ToLower(code[:4])+"+-+"+code[4:], nil, "Accept", "text/html")
	if r.StatusCode != 303 || r.Header.Get("Location") != "/verify/"+code {
		t.Errorf("typed code: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	wantStatus(t, a.do("GET", "/verify?code=not-a-code", nil, "Accept", "text/html"), 400)
	wantStatus(t, a.do("GET", "/verify", nil, "Accept", "text/html"), 200)
}

// TestE2ECertificates walks the certificate pages on a phone, in French and
// Arabic: a trainee gets the certificate of a finished course from
// /certificates; a trainer finds it in the register, revokes it after the
// confirmation step, and certifies an in-person session (with a bad line
// first); the public page then says revoked. Screenshots are kept.
func TestE2ECertificates(t *testing.T) {
	chrome, shots := e2eSetup(t)
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	completeCourse(t, u, slug, quizID)
	base := a.serve(t)

	b := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s := &e2eSession{t: t, ctx: b.ctx, base: base, shots: shots}
	s.open("/login?next=/certificates")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), u.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	s.wantNoHorizontalScroll("my certificates, before (fr)")
	s.shotFromTop("certs-01-mine-ready-fr")
	s.click(`form[action="/certificates/claim"] button[type="submit"]`)
	if n := eval[int](s, `document.querySelectorAll(".cert-card").length`); n != 1 {
		t.Fatalf("after claiming, %d certificates listed", n)
	}
	code := strings.TrimPrefix(eval[string](s, `document.querySelector(".cert-card").id`), "c-")
	s.wantNoHorizontalScroll("my certificates (fr)")
	s.shotFromTop("certs-02-mine-fr")
	s.open("/certificates?lang=ar")
	s.wantDocument("ar", "rtl")
	s.wantNoHorizontalScroll("my certificates (ar)")
	s.shotFromTop("certs-03-mine-ar")
	s.open("/verify/" + code + "?lang=fr")
	s.wantNoHorizontalScroll("verify valid (fr)")
	s.shotFromTop("certs-04-verify-valid-fr")

	b2 := startE2EBrowser(t, chrome, e2eQuizTimeout)
	s = &e2eSession{t: t, ctx: b2.ctx, base: base, shots: shots}
	s.open("/login?next=/author/certificates")
	s.do(chromedp.SendKeys(chromedp.CSS("#email"), tr.Email), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	s.click(`form[action="/login"] button[type="submit"]`)
	s.wantNoHorizontalScroll("register (fr)")
	s.shotFromTop("certs-05-register-fr")
	s.click(`a[href="/author/certificates/` + code + `"]`)
	s.do(chromedp.SendKeys(chromedp.CSS("#reason"), "Erreur de saisie du nom"))
	s.click(`form[action$="/revoke"] button[type="submit"]`)
	if n := eval[int](s, `document.querySelectorAll("input[name=confirm]").length`); n != 1 {
		t.Fatal("revoking did not ask for confirmation")
	}
	s.wantNoHorizontalScroll("revoke confirmation (fr)")
	s.shotFromTop("certs-06-revoke-confirm-fr")
	s.click(`form[action$="/revoke"] button[type="submit"]`)
	if st := eval[string](s, `document.querySelector(".status-tag").className`); !strings.Contains(st, "revoked") {
		t.Errorf("after confirming, the certificate is %q", st)
	}
	s.open("/author/certificates/" + code + "?lang=ar")
	s.wantNoHorizontalScroll("detail (ar)")
	s.shotFromTop("certs-07-detail-ar")
	s.open("/verify/" + code + "?lang=ar")
	s.wantNoHorizontalScroll("verify revoked (ar)")
	s.shotFromTop("certs-08-verify-revoked-ar")

	s.open("/author/certificates/issue?lang=fr")
	s.do(chromedp.SendKeys(chromedp.CSS("#holders"), "Youssef Alaoui | يوسف العلوي | police\nnobody@example.org\n"))
	if res, err := chromedp.RunResponse(s.ctx, chromedp.Click(chromedp.CSS(`form[action="/author/certificates/issue"] button[type="submit"]`))); err != nil || res.Status != 400 {
		t.Fatalf("issue with a bad line: %v %v", res, err)
	}
	if n := eval[int](s, `document.querySelectorAll(".alert li").length`); n != 1 {
		t.Errorf("the bad line gives %d problems, want 1", n)
	}
	s.wantNoHorizontalScroll("issue with an error (fr)")
	s.shotFromTop("certs-09-issue-error-fr")
	s.open("/author/certificates/issue?lang=ar")
	s.do(chromedp.SendKeys(chromedp.CSS("#holders"), "Youssef Alaoui | يوسف العلوي | police\n"))
	s.click(`form[action="/author/certificates/issue"] button[type="submit"]`)
	if n := eval[int](s, `document.querySelectorAll(".notice li").length`); n != 1 {
		t.Errorf("issued %d, want 1", n)
	}
	s.wantNoHorizontalScroll("issue done (ar)")
	s.shotFromTop("certs-10-issue-done-ar")
	s.open("/author/certificates?lang=ar")
	s.wantNoHorizontalScroll("register (ar)")
	s.shotFromTop("certs-11-register-ar")
}

// certLogin signs a browser in through the login form.
func certLogin(t *testing.T, b *browser, email string) {
	t.Helper()
	page := b.get("/login")
	wantStatus(t, page, 200)
	wantStatus(t, b.post(page, "/login", url.Values{"email": {email}, "password": {testPassword}}), 303)
}

func TestCertificatePagesWithoutJavaScript(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	u := enrolled(t, a, slug)
	completeCourse(t, u, slug, quizID)

	// The trainee gets the certificate from /certificates; a post without
	// the CSRF token issues nothing (SECURITY.md C4).
	b := a.browser()
	certLogin(t, b, u.Email)
	mine := b.get("/certificates")
	wantStatus(t, mine, 200)
	if !strings.Contains(string(mine.Body), `action="/certificates/claim"`) {
		t.Fatal("a finished course offers no certificate")
	}
	wantStatus(t, b.send("POST", "/certificates/claim", url.Values{"course": {slug}}.Encode()), 403)
	claimed := b.post(mine, "/certificates/claim", url.Values{"course": {slug}})
	wantStatus(t, claimed, 303)
	code := strings.TrimPrefix(strings.Split(claimed.Header.Get("Location"), "#")[0], "/certificates?issued=")
	if _, ok := certs.Normalize(code); !ok {
		t.Fatalf("claim redirected to %q", claimed.Header.Get("Location"))
	}
	mine = b.get("/certificates")
	for _, want := range []string{certs.Group(code), `/api/v1/certificates/` + code + `/pdf`, `/verify/` + code} {
		if !strings.Contains(string(mine.Body), want) {
			t.Errorf("my certificates lacks %s", want)
		}
	}
	wantStatus(t, b.get("/author/certificates"), 403)

	// Another trainer sees nothing of it.
	other := a.browser()
	certLogin(t, other, a.trainer().Email)
	if reg := other.get("/author/certificates"); strings.Contains(string(reg.Body), code) {
		t.Error("another trainer's register lists the certificate")
	}
	wantStatus(t, other.get("/author/certificates/"+code), 404)

	// The course's trainer revokes it: a reason, then a confirmation.
	s := a.browser()
	certLogin(t, s, tr.Email)
	reg := s.get("/author/certificates?q=test+user")
	wantStatus(t, reg, 200)
	if !strings.Contains(string(reg.Body), `href="/author/certificates/`+code+`"`) {
		t.Fatal("the register does not find the certificate by name")
	}
	wantStatus(t, s.get("/author/certificates?from=hier"), 400)
	detail := s.get("/author/certificates/" + code)
	wantStatus(t, detail, 200)
	wantStatus(t, s.post(detail, "/author/certificates/"+code+"/revoke", url.Values{"reason": {" "}}), 400)
	confirm := s.post(detail, "/author/certificates/"+code+"/revoke", url.Values{"reason": {"Fraude"}})
	wantStatus(t, confirm, 200)
	if !strings.Contains(string(confirm.Body), `name="confirm" value="yes"`) {
		t.Fatal("no confirmation step")
	}
	if st := verifyJSON(a, code).JSON(t)["status"]; st != "valid" {
		t.Fatalf("revoked before confirmation: %v", st)
	}
	wantStatus(t, s.post(confirm, "/author/certificates/"+code+"/revoke", url.Values{"reason": {"Fraude"}, "confirm": {"yes"}}), 303)
	if v := verifyJSON(a, code).JSON(t); v["status"] != "revoked" || v["revoked_reason"] != "Fraude" {
		t.Errorf("after confirmation: %v", v)
	}

	// In-person issuance: a bad line issues nothing; then two people.
	form := s.get("/author/certificates/issue")
	wantStatus(t, form, 200)
	bad := s.post(form, "/author/certificates/issue", url.Values{"course_slug": {slug}, "holders": {"Nadia Tazi | نادية التازي | police\nnobody@example.org"}})
	wantStatus(t, bad, 400)
	if !strings.Contains(string(bad.Body), "Ligne 2\u202f:") {
		t.Errorf("the bad line is not named:\n%s", bad.Body)
	}
	good := s.post(form, "/author/certificates/issue", url.Values{"course_slug": {slug}, "holders": {"Nadia Tazi | نادية التازي | police\n\nOmar Idrissi | | labour_inspector\nSara Bennis | judiciary"}})
	wantStatus(t, good, 200)
	if n := len(tr.do("GET", "/api/v1/certificates?q=tazi", nil).JSON(t)["items"].([]any)); n != 1 {
		t.Errorf("Nadia Tazi has %d certificates, want 1 (the rejected form issued nothing)", n)
	}
	if n := len(tr.do("GET", "/api/v1/certificates?q=bennis", nil).JSON(t)["items"].([]any)); n != 1 {
		t.Errorf("a \"name | profession\" line gave %d certificates, want 1", n)
	}
	// A name correction from the page.
	items := tr.do("GET", "/api/v1/certificates?q=omar", nil).JSON(t)["items"].([]any)
	omar := items[0].(map[string]any)["code"].(string)
	page := s.get("/author/certificates/" + omar)
	wantStatus(t, s.post(page, "/author/certificates/"+omar+"/reissue", url.Values{"name": {""}, "name_ar": {""}, "reason": {"Nom"}}), 400)
	re := s.post(page, "/author/certificates/"+omar+"/reissue", url.Values{"name": {"Omar El Idrissi"}, "name_ar": {"عمر الإدريسي"}, "reason": {"Nom complet"}})
	wantStatus(t, re, 303)
	if v := verifyJSON(a, omar).JSON(t); v["status"] != "superseded" {
		t.Errorf("after correction the old certificate is %v", v["status"])
	}
}

func TestKeygen(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"keygen"}, nil, &out, &errb); code != 0 {
		t.Fatalf("keygen: %d %s", code, errb.String())
	}
	k, err := credential.ParseKeyring(out.Bytes())
	if err != nil {
		t.Fatalf("keygen's output is not a key: %v", err)
	}
	p := t.TempDir() + "/key.pem"
	if code := run([]string{"keygen", "-o", p}, nil, &out, &errb); code != 0 {
		t.Fatalf("keygen -o: %d %s", code, errb.String())
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	b, _ := os.ReadFile(p)
	if k2, err := credential.ParseKeyring(b); err != nil || k2.ActiveKid() == k.ActiveKid() {
		t.Errorf("the second key: %v (kid must differ)", err)
	}
	if code := run([]string{"keygen", "-o", p}, nil, &out, &errb); code == 0 {
		t.Error("keygen overwrote an existing key")
	}
	errb.Reset()
	if code := run([]string{"keygen", "--help"}, nil, &out, &errb); code != 0 || !strings.Contains(errb.String(), "rotate") {
		t.Errorf("keygen --help: %d %q", code, errb.String())
	}
}

// TestVerifyCodesStayOutOfTheAccessLog: the access log writes paths; a code
// there would tie each lookup to a certificate and so to a person.
func TestVerifyCodesStayOutOfTheAccessLog(t *testing.T) {
	var logs bytes.Buffer
	a := newLoggedTestApp(t, nil, &logs)
	code := certs.NewCode()
	for _, p := range []string{"/verify/" + code, "/v/" + strings.ToLower(code)} {
		wantStatus(t, a.do("GET", p, nil, "Accept", "application/json"), 404)
	}
	if strings.Contains(strings.ToUpper(logs.String()), code) || !strings.Contains(logs.String(), `"path":"/verify/-"`) {
		t.Errorf("access log:\n%s", logs.String())
	}
}

// TestCertificateWaitsForEssayGrading: a quiz with an essay counts once a
// trainer has graded it; until then the 422 says the quiz awaits grading.
func TestCertificateWaitsForEssayGrading(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, quizID := quizCourse(t, a, nil)
	wantStatus(t, tr.do("POST", "/api/v1/quizzes/"+quizID+"/import", []byte("::Essay:: Describe a referral you made. {}"), "Content-Type", "text/plain"), 200)
	u := enrolled(t, a, slug)
	c := u.do("GET", "/api/v1/courses/"+slug, nil).JSON(t)
	for _, l := range c["modules"].([]any)[0].(map[string]any)["lessons"].([]any) {
		wantStatus(t, u.do("POST", "/api/v1/lessons/"+l.(map[string]any)["id"].(string)+"/complete", nil), 204)
	}
	at := start(t, u, quizID, 201)
	for qid, body := range rightAnswers(t, at) {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	essay := byType(at)["essay"]["id"].(string)
	wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+essay, map[string]any{"text": "J'ai appelé la cellule."}), 204)
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)

	p := wantProblem(t, u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil), 422, "")
	missing := p["missing"].([]any)
	if len(missing) != 1 || missing[0].(map[string]any)["kind"] != "quiz" || missing[0].(map[string]any)["awaiting_grading"] != true {
		t.Fatalf("missing = %v, want the quiz, awaiting grading", missing)
	}
	wantStatus(t, tr.do("POST", "/api/v1/attempts/"+at.ID+"/answers/"+essay+"/grade", map[string]any{"points": 1}), 200)
	wantStatus(t, u.do("POST", "/api/v1/courses/"+slug+"/certificate", nil), 201)
}

// TestCertificateBadInputIsNeverA500: malformed bodies, types and codes are
// 4xx answers.
func TestCertificateBadInputIsNeverA500(t *testing.T) {
	a := newTestApp(t, nil)
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	r := tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug, "holders": []any{map[string]any{"name": "Ali Ben", "profession": "police"}}})
	wantStatus(t, r, 201)
	code := r.JSON(t)["items"].([]any)[0].(map[string]any)["code"].(string)
	for _, tc := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", "/api/v1/certificates/issue", "course_slug=" + slug, 415},
		{"POST", "/api/v1/certificates/issue", map[string]any{"course_slug": 5}, 400},
		{"POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug, "holders": "everyone"}, 400},
		{"POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug, "holders": []any{"x"}}, 400},
		{"POST", "/api/v1/certificates/" + code + "/revoke", map[string]any{"reason": 5}, 400},
		{"POST", "/api/v1/certificates/" + code + "/revoke", map[string]any{"reason": strings.Repeat("é", 501)}, 400},
		{"POST", "/api/v1/certificates/" + code + "/reissue", map[string]any{"name": strings.Repeat("a", 201), "reason": "x"}, 400},
		{"POST", "/api/v1/certificates/not-a-code/revoke", map[string]any{"reason": "x"}, 404},
		{"GET", "/api/v1/certificates/" + strings.Repeat("Z", 26) + "/pdf", nil, 404},
		{"GET", "/api/v1/certificates?to=31/12/2026", nil, 400},
		{"POST", "/api/v1/courses/no-such-course/certificate", nil, 404},
	} {
		if got := tr.do(tc.method, tc.path, tc.body); got.StatusCode != tc.want {
			t.Errorf("%s %s %v: %d, want %d: %s", tc.method, tc.path, tc.body, got.StatusCode, tc.want, got.Body)
		}
	}
	for _, p := range []string{"/verify/%25ZZ", "/verify/" + strings.Repeat("A", 2000), "/v/..%2F..%2Fetc%2Fpasswd"} {
		if got := a.do("GET", p, nil, "Accept", "application/json"); got.StatusCode != 404 {
			t.Errorf("GET %s: %d", p, got.StatusCode)
		}
	}
}

// logoPNG writes a small PNG of one colour and returns its path.
func logoPNG(t *testing.T, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, c)
		}
	}
	path := filepath.Join(t.TempDir(), "logo.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// A new logo in the configuration changes no certificate already issued:
// its PDF regenerates with the logo it was issued with, byte for byte.
func TestNewLogoKeepsIssuedPDFs(t *testing.T) {
	a := newTestApp(t, map[string]string{"TADRIB_ISSUER_LOGO_FILE": logoPNG(t, color.RGBA{200, 0, 0, 255})})
	tr, slug, _ := authorCourse(t, a, []string{"police"}, true)
	r := tr.do("POST", "/api/v1/certificates/issue", map[string]any{"course_slug": slug,
		"holders": []any{map[string]any{"name": "Amina Logo", "profession": "police"}}})
	wantStatus(t, r, 201)
	code := r.JSON(t)["items"].([]any)[0].(map[string]any)["code"].(string)
	want := verifyJSON(a, code).JSON(t)["pdf_sha256"].(string)

	cfg := a.cfg
	cfg.IssuerLogoFile = logoPNG(t, color.RGBA{0, 0, 200, 255})
	next, err := newCerts(cfg, a.db, a.courses, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var admin models.User
	if err := a.db.R.Take(&admin, "role = ?", models.RoleAdmin).Error; err != nil {
		t.Fatal(err)
	}
	b, _, err := next.PDFFor(context.Background(), admin, code)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
		t.Errorf("after a logo change the PDF hashes to %s, want the issued %s", got, want)
	}
}
