package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
	"time"
)

// issuer and sample build the certificates the tests render.
func issuer() Issuer {
	return Issuer{
		Name:           "Institut national de formation à la protection de l’enfance",
		NameAr:         "المعهد الوطني للتكوين في حماية الطفولة",
		Signatory:      "Nadia El Amrani",
		SignatoryTitle: "Directrice des formations",
	}
}

var issued = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

func sample() Certificate {
	return Certificate{
		Code:         "P2FMTMMQK7XWD4BZ3LNA6YHC5E",
		HolderName:   "Hélène Dupré-Benali",
		HolderNameAr: "فاطمة الزهراء بنعلي",
		Profession:   "child_protection",
		CourseTitle: map[string]string{
			"fr": "Protection de l’enfance : l’écoute des mineurs victimes",
			"ar": "حماية الطفولة: الاستماع إلى القاصرين والتكفل بهم (24 ساعة)",
			"en": "Child protection: listening to child victims",
		},
		Hours:     24,
		IssuedAt:  issued,
		VerifyURL: "https://certificats.example.ma/verify/P2FMTMMQK7XWD4BZ3LNA6YHC5E",
		Lang:      "fr",
		Credential: "eyJhbGciOiJFZERTQSIsImtpZCI6Imh0dHBzOi8vZXhhbXBsZS5tYS9rZXlzLzEiLCJ0eXAiOiJ2Yytqd3QifQ." +
			"eyJpc3MiOiJodHRwczovL2V4YW1wbGUubWEiLCJzdWIiOiJ1cm46dXVpZDoxIn0.c2lnbmF0dXJl",
	}
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New(issuer())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func render(t testing.TB, r *Renderer, c Certificate) []byte {
	t.Helper()
	b, err := r.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWriteSamples writes sample PDFs to TADRIB_CERTS_LOOK (for looking at
// them as pictures); it does nothing without it.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("TADRIB_CERTS_LOOK")
	if dir == "" {
		t.Skip("set TADRIB_CERTS_LOOK=dir to write sample certificates")
	}
	r := newRenderer(t)
	for name, c := range samples() {
		if err := os.WriteFile(dir+"/"+name+".pdf", render(t, r, c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// With a logo (a gold disc) and an Arabic signatory.
	is := issuer()
	is.Logo = discPNG(t)
	is.Signatory, is.SignatoryTitle = "نادية العمراني", "مديرة التكوين"
	rl, err := New(is)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/logo.pdf", render(t, rl, sample()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func discPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 120, 120))
	for x := range 120 {
		for y := range 120 {
			if dx, dy := x-60, y-60; dx*dx+dy*dy < 58*58 {
				img.Set(x, y, color.NRGBA{176, 141, 62, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func samples() map[string]Certificate {
	fr := sample()
	fr.HolderNameAr = ""
	ar := sample()
	ar.Lang = "ar"
	exp := issued.AddDate(3, 0, 0)
	ar.ExpiresAt = &exp
	long := sample()
	long.HolderName = "Marie-Joséphine Alexandrine de La Tour d’Auvergne-Benkirane El Idrissi Ouazzani Chahdi"
	long.HolderNameAr = "فاطمة الزهراء بنت محمد بن عبد الرحمن بن عبد الله الإدريسي الوزاني الشهدي بنكيران"
	long.CourseTitle = map[string]string{
		"fr": "Accueil, écoute et orientation des enfants victimes de violences, d’exploitation économique ou sexuelle et de traite des êtres humains : cadre juridique, pratiques et coordination",
		"ar": "استقبال الأطفال ضحايا العنف والاستغلال الاقتصادي أو الجنسي والاتجار بالبشر والاستماع إليهم وتوجيههم: الإطار القانوني والممارسات والتنسيق بين المتدخلين",
	}
	en := sample()
	en.Lang = "en"
	en.Profession = "police"
	return map[string]Certificate{"french": fr, "arabic": ar, "long": long, "english": en}
}
