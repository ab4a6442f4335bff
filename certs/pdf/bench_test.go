package pdf

import "testing"

// BenchmarkPDFRender renders a whole certificate: French and Arabic lines,
// a Latin and an Arabic name, the QR code and the attached credential.
// testdata/tcpdf/compare.sh runs it next to TCPDF rendering the same page.
func BenchmarkPDFRender(b *testing.B) {
	r := newRenderer(b)
	c := sample()
	var size int
	b.ReportAllocs()
	for b.Loop() {
		pdf, err := r.Render(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size)/1000, "KB/pdf")
}
