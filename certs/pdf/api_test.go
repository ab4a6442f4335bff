package pdf

import (
	"bytes"
	"testing"
	"time"
)

func TestRenderStartsWithPDFHeader(t *testing.T) {
	r, err := New(Issuer{Name: "Institut"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(Certificate{Code: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", HolderName: "Hélène Dupré", IssuedAt: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC), VerifyURL: "https://x.example/verify/ABC", Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:10])
	}
}
