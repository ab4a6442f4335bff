package main

import (
	"bytes"
	"strings"
	"testing"

	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/quiz"
)

// SECURITY.md UP1 (cases U2, U4, U5 at their edges): each upload exactly at
// its limit is taken, one byte past it is refused naming the reason, and a
// refusal stores nothing (rows counted before and after). The limits are the
// code's constants: courses.MaxImage, quiz.MaxGIFTSize, the member list's
// 1 MiB (courses/cohorts/cohort_csv.go, maxMemberBytes).
func TestCatalogueUploadLimits(t *testing.T) {
	a := newTestApp(t, nil)
	p := newCatPeople(t, a)
	w := newCatWorld(t, a, p)
	count := func(table string) int64 { return cohortCount(t, a, table) }

	t.Run("image", func(t *testing.T) {
		// A PNG padded after its end to exactly the limit: the type is
		// read from the first bytes.
		img := webtest.PNG(t, 200)
		at := append(img, bytes.Repeat([]byte{0}, courses.MaxImage-len(img))...)
		before := count("images")
		r := uploadImage(p.author, w.slug, "limite.png", at)
		wantStatus(t, r, 201)
		if n := count("images"); n != before+1 {
			t.Errorf("an image at the limit: %d rows, want %d", n, before+1)
		}
		past := append(webtest.PNG(t, 201), bytes.Repeat([]byte{0}, courses.MaxImage)...)[:courses.MaxImage+1]
		before = count("images")
		wantProblem(t, uploadImage(p.author, w.slug, "trop.png", past), 413, "image")
		if n := count("images"); n != before {
			t.Errorf("a refused image was stored: %d rows, want %d", n, before)
		}
	})

	t.Run("GIFT", func(t *testing.T) {
		q := "::Limite:: Le consentement d'un enfant est indifférent. {TRUE}\n\n"
		pad := func(size int) []byte {
			var b strings.Builder
			b.WriteString(q)
			for b.Len() < size {
				line := "// " + strings.Repeat("x", min(200, size-b.Len()-4)) + "\n"
				if size-b.Len() < 5 {
					line = strings.Repeat("\n", size-b.Len())
				}
				b.WriteString(line)
			}
			return []byte(b.String())
		}
		before := count("questions")
		at := pad(quiz.MaxGIFTSize)
		if len(at) != quiz.MaxGIFTSize {
			t.Fatalf("built %d bytes, want %d", len(at), quiz.MaxGIFTSize)
		}
		r := p.author.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", at, "Content-Type", "text/plain; charset=utf-8")
		wantStatus(t, r, 200)
		if n := count("questions"); n != before+1 {
			t.Errorf("GIFT at the limit: %d questions, want %d", n, before+1)
		}
		before = count("questions")
		wantProblem(t, p.author.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", pad(quiz.MaxGIFTSize+1),
			"Content-Type", "text/plain; charset=utf-8"), 413, "")
		if n := count("questions"); n != before {
			t.Errorf("a refused GIFT stored questions: %d, want %d", n, before)
		}
	})

	t.Run("member list", func(t *testing.T) {
		const limit = 1 << 20 // courses/cohorts/cohort_csv.go, maxMemberBytes
		row := "name,email,profession\nAmina Limite,amina.limite@example.org,police\n"
		pad := func(size int) []byte {
			// Blank lines at the end: a spreadsheet leaves them.
			return []byte(row + strings.Repeat("\r\n", (size-len(row))/2) + strings.Repeat("\n", (size-len(row))%2))
		}
		send := func(b []byte) resp {
			return p.cohortTr.do("POST", "/api/v1/cohorts/"+w.cohort+"/members", b, "Content-Type", "text/csv; charset=utf-8")
		}
		before := count("cohort_invitations")
		at := pad(limit)
		if len(at) != limit {
			t.Fatalf("built %d bytes, want %d", len(at), limit)
		}
		r := send(at)
		wantStatus(t, r, 200)
		if n := count("cohort_invitations"); n != before+1 {
			t.Errorf("a list at the limit: %d invitations, want %d: %s", n, before+1, r.Body)
		}
		before = count("cohort_invitations")
		wantProblem(t, send(pad(limit+1)), 400, "")
		if n := count("cohort_invitations"); n != before {
			t.Errorf("a refused list stored invitations: %d, want %d", n, before)
		}
	})
}
