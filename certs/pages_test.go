package certs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tadrib/internal/webtest"
	"tadrib/models"
)

// The holder's page offers the certificate of a finished course, issues it
// from a form, and lists it; an unfinished course's claim says what is left.
// In French and Arabic.
func TestMyCertificatesPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.trainee(t, "Nadia", "نادية")
	e.course(t, "traite-101", nil, u)
	e.course(t, "bases", nil, u)
	e.courses.prereqs["traite-101"] = nil

	for _, lang := range []string{"fr", "ar"} {
		p := e.as(&u, lang).Get("/certificates").Want(t, http.StatusOK)
		p.WantPage(t, lang, e.Catalog.T(lang, "certs.mine.title"))
		if strings.Contains(p.Body, `action="/certificates/claim"`) {
			t.Errorf("%s: an unfinished course offers a certificate", lang)
		}
	}
	// Claiming an unfinished course: 422, the page lists what is left.
	left := e.as(&u, "fr").Post("/certificates/claim", url.Values{"course": {"bases"}}).Want(t, http.StatusUnprocessableEntity)
	left.WantPage(t, "fr", "Leçon 1", "Leçon 2")
	e.as(&u, "fr").Post("/certificates/claim", url.Values{"course": {"nulle-part"}}).Want(t, http.StatusNotFound)
	if r := e.Anonymous().Get("/certificates").Want(t, http.StatusSeeOther); !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("an anonymous visitor is sent to %q, want the sign-in page", r.Header.Get("Location"))
	}

	e.courses.complete(u, "traite-101", e.clock.now())
	p := e.as(&u, "fr").Get("/certificates").Want(t, http.StatusOK)
	if !strings.Contains(p.Body, `action="/certificates/claim"`) || !strings.Contains(p.Body, `value="traite-101"`) {
		t.Fatalf("a finished course offers no certificate:\n%s", p.Body)
	}
	r := e.as(&u, "fr").Post("/certificates/claim", url.Values{"course": {"traite-101"}}).Want(t, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	code := strings.TrimPrefix(strings.Split(loc, "#")[0], "/certificates?issued=")
	if _, ok := Normalize(code); !ok {
		t.Fatalf("claim sent to %q", loc)
	}
	for _, lang := range []string{"fr", "ar"} {
		p := e.as(&u, lang).Get("/certificates?issued="+code).Want(t, http.StatusOK)
		p.WantPage(t, lang, Group(code), "/api/v1/certificates/"+code+"/pdf", "/verify/"+code)
	}
	// Claiming again from the form goes to the same certificate.
	if again := e.as(&u, "fr").Post("/certificates/claim", url.Values{"course": {"traite-101"}}).Want(t, http.StatusSeeOther); again.Header.Get("Location") != loc {
		t.Errorf("second claim sent to %q, want %q", again.Header.Get("Location"), loc)
	}
}

// The staff register, a certificate's page, and revocation with its
// confirmation step, in French and Arabic; another trainer sees nothing.
func TestRegisterAndRevocationPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	other := e.User("Autre", models.RoleTrainer)
	u := e.trainee(t, "Nadia Tazi", "نادية التازي")
	e.course(t, "traite-101", &tr, u)
	j := e.claimed(t, u, "traite-101")
	detail := "/author/certificates/" + j.Code

	for _, lang := range []string{"fr", "ar"} {
		reg := e.as(&tr, lang).Get("/author/certificates?q=tazi").Want(t, http.StatusOK)
		reg.WantPage(t, lang, e.Catalog.T(lang, "certs.register.title"), `href="/author/certificates/`+j.Code+`"`)
		e.as(&tr, lang).Get(detail).Want(t, http.StatusOK).WantPage(t, lang, "Nadia Tazi", "نادية التازي", Group(j.Code))
		e.as(&tr, lang).Get("/author/certificates?from=hier").Want(t, http.StatusBadRequest).WantPage(t, lang)
	}
	if reg := e.as(&other, "fr").Get("/author/certificates").Want(t, http.StatusOK); strings.Contains(reg.Body, j.Code) {
		t.Error("another trainer's register lists the certificate")
	}
	e.as(&other, "fr").Get(detail).Want(t, http.StatusNotFound)
	e.as(&other, "fr").Post(detail+"/revoke", url.Values{"reason": {"Fraude"}, "confirm": {"yes"}}).Want(t, http.StatusNotFound)
	e.as(&u, "fr").Get("/author/certificates").Want(t, http.StatusForbidden)

	e.as(&tr, "fr").Post(detail+"/revoke", url.Values{"reason": {" "}}).Want(t, http.StatusBadRequest)
	confirm := e.as(&tr, "ar").Post(detail+"/revoke", url.Values{"reason": {"Fraude"}}).Want(t, http.StatusOK)
	confirm.WantPage(t, "ar", `name="confirm" value="yes"`)
	if v, _ := e.svc.Verify(context.Background(), j.Code, "fr"); v.Status != models.CertValid {
		t.Fatalf("revoked before the confirmation: %s", v.Status)
	}
	done := e.as(&tr, "fr").Post(detail+"/revoke", url.Values{"reason": {"Fraude"}, "confirm": {"yes"}}).Want(t, http.StatusSeeOther)
	if loc := done.Header.Get("Location"); loc != detail+"?done=revoked" {
		t.Errorf("after revocation sent to %q", loc)
	}
	if v, _ := e.svc.Verify(context.Background(), j.Code, "fr"); v.Status != models.CertRevoked || v.RevokedReason == nil || *v.RevokedReason != "Fraude" {
		t.Errorf("after the confirmation: %+v", v)
	}
	e.as(&tr, "fr").Post(detail+"/revoke", url.Values{"reason": {"Fraude"}, "confirm": {"yes"}}).Want(t, http.StatusConflict)
}

// In-person issuance from the form: one holder a line (an email, or
// "name | Arabic name | profession"); a bad line is named and nothing is
// issued. Then a correction from the certificate's page.
func TestIssueAndReissuePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tr := e.User("Formatrice", models.RoleTrainer)
	e.course(t, "traite-101", &tr)
	for _, lang := range []string{"fr", "ar"} {
		e.as(&tr, lang).Get("/author/certificates/issue?course=traite-101").Want(t, http.StatusOK).WantPage(t, lang, e.Catalog.T(lang, "certs.issue.title"), "traite-101")
	}
	bad := e.as(&tr, "fr").Post("/author/certificates/issue", url.Values{"course_slug": {"traite-101"},
		"holders": {"Nadia Tazi | نادية التازي | police\nnobody@example.org"}}).Want(t, http.StatusBadRequest)
	bad.WantPage(t, "fr", e.Catalog.T("fr", "certs.issue.line", 2))
	if n := e.count(t, "1 = 1"); n != 0 {
		t.Fatalf("a refused form issued %d certificates", n)
	}
	e.as(&tr, "fr").Post("/author/certificates/issue", url.Values{"course_slug": {"traite-101"},
		"holders": {"Nadia | police | de trop | encore"}}).Want(t, http.StatusBadRequest)

	good := e.as(&tr, "ar").Post("/author/certificates/issue", url.Values{"course_slug": {"traite-101"},
		"holders": {"Nadia Tazi | نادية التازي | police\r\n\r\nOmar Idrissi | | labour_inspector\nSara Bennis | judiciary"}}).Want(t, http.StatusOK)
	good.WantPage(t, "ar", "Nadia Tazi", "Omar Idrissi", "Sara Bennis")
	var sara models.Certificate
	if err := e.DB.R.Take(&sara, "holder_name = ?", "Sara Bennis").Error; err != nil || sara.Profession != "judiciary" || sara.HolderNameAr != "" {
		t.Errorf(`a "name | profession" line: %+v, %v`, sara, err)
	}
	if n := e.count(t, "1 = 1"); n != 3 {
		t.Errorf("%d certificates, want 3", n)
	}

	var omar models.Certificate
	if err := e.DB.R.Take(&omar, "holder_name = ?", "Omar Idrissi").Error; err != nil {
		t.Fatal(err)
	}
	page := "/author/certificates/" + omar.Code
	e.as(&tr, "fr").Post(page+"/reissue", url.Values{"name": {""}, "name_ar": {""}, "reason": {"Nom"}}).Want(t, http.StatusBadRequest)
	re := e.as(&tr, "fr").Post(page+"/reissue", url.Values{"name": {"Omar El Idrissi"}, "name_ar": {"عمر الإدريسي"}, "reason": {"Nom complet"}}).
		Want(t, http.StatusSeeOther)
	next := strings.TrimSuffix(strings.TrimPrefix(re.Header.Get("Location"), "/author/certificates/"), "?done=reissued")
	v, err := e.svc.Verify(context.Background(), next, "fr")
	if err != nil || v.Holder.Name != "Omar El Idrissi" || v.Holder.NameAr != "عمر الإدريسي" {
		t.Errorf("the corrected certificate %q: %+v, %v", next, v.Holder, err)
	}
	e.as(&tr, "fr").Get("/author/certificates/"+next+"?done=reissued").Want(t, http.StatusOK).WantPage(t, "fr", "Omar El Idrissi")
	e.as(&tr, "fr").Post(page+"/reissue", url.Values{"name": {"X"}, "reason": {"Nom"}}).Want(t, http.StatusConflict)
}

func logoPNG(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		for y := range 20 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A new logo in the configuration changes no certificate already issued:
// its PDF regenerates with the logo it was issued with, byte for byte.
func TestNewLogoKeepsIssuedPDFs(t *testing.T) {
	t.Parallel()
	w := webtest.New(t)
	fc := &fakeCourses{titles: map[string]string{}, done: map[string]time.Time{}, notEnrolled: map[string]bool{}}
	is := testIssuer
	is.Logo = logoPNG(t, color.RGBA{200, 0, 0, 255})
	before := newService(t, w, fc, is)
	tr := w.User("Formatrice", models.RoleAdmin)
	w.Course("traite-101", 1, &tr)
	out, err := before.Issue(context.Background(), tr, IssueIn{CourseSlug: "traite-101", Holders: []HolderIn{{Name: "Amina Logo", Profession: "police"}}}, "fr")
	if err != nil {
		t.Fatal(err)
	}
	is.Logo = logoPNG(t, color.RGBA{0, 0, 200, 255})
	after := newService(t, w, fc, is)
	b, _, err := after.PDFFor(context.Background(), tr, out[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != out[0].PDFSHA256 {
		t.Errorf("after a logo change the PDF hashes to %x, want the issued %s", sum, out[0].PDFSHA256)
	}
	var logos int64
	w.DB.R.Table("issuer_logos").Count(&logos)
	if logos != 2 {
		t.Errorf("%d logos kept, want both", logos)
	}
}
