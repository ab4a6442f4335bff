package certs

import (
	"syscall"
	"testing"
	"time"

	"tadrib/certs/credential"
	"tadrib/certs/pdf"
	"tadrib/models"
)

// BenchmarkIssueOne measures what issuing one certificate computes (the
// JWS, the PDF, and since issue 12 the Data Integrity credential), without
// the database: the issue asks that the proof make issuance at most 1.5×
// slower. Compare the two sub-benchmarks of one run:
//
//	go test ./certs/ -run '^$' -bench IssueOne -benchtime 50x -count 5
func BenchmarkIssueOne(b *testing.B) {
	keys, err := credential.ParseKeyring(testKeyPEM)
	if err != nil {
		b.Fatal(err)
	}
	rd, err := pdf.New(pdf.Issuer{Name: testIssuer.Name, NameAr: testIssuer.NameAr, Signatory: testIssuer.Signatory, SignatoryTitle: testIssuer.SignatoryTitle})
	if err != nil {
		b.Fatal(err)
	}
	s := NewService(nil, nil, keys, rd, testIssuer, "https://tadrib.example")
	r := row{Slug: "traite-101", Certificate: models.Certificate{
		Code: "QW2KKOAFK25MDR7HVEOECJSMXT", HolderName: "Fatima Zahra Bennani", HolderNameAr: "فاطمة الزهراء بناني",
		Profession: "police", Locale: "fr", CourseTitle: "Traite des êtres humains : identifier, orienter, poursuivre",
		CourseTitles: `{"fr":"Traite des êtres humains : identifier, orienter, poursuivre","ar":"الاتجار بالبشر: التعرف على الضحايا وتوجيههم وملاحقة مرتكبيه"}`,
		Issuer:       `{"name":"Institut de formation","name_ar":"معهد التكوين"}`, Hours: 24,
		IssuedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), StatusIndex: 94567,
	}}
	if _, err := s.Render(r); err != nil { // parse the fonts once, outside the timings
		b.Fatal(err)
	}
	for _, withProof := range []bool{false, true} {
		name := "jws+pdf"
		if withProof {
			name += "+dataintegrity"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			// CPU time besides wall time: on a shared machine the wall time
			// mostly measures the neighbours.
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
			for b.Loop() {
				c := r
				a := s.achievement(c)
				if c.Credential, err = s.keys.Sign(a); err != nil {
					b.Fatal(err)
				}
				if withProof {
					ld, err := s.keys.SignDataIntegrity(a, s.id)
					if err != nil {
						b.Fatal(err)
					}
					c.CredentialLD = string(ld)
				}
				if _, err := s.Render(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
