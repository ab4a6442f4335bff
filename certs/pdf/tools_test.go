package pdf

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// needTool skips the test when an external checker is not installed, except
// in CI (TADRIB_PDF_TOOLS=1), where a missing tool must fail the build
// rather than silently skip the checks.
func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("TADRIB_PDF_TOOLS") == "1" {
				t.Fatalf("%s is required (TADRIB_PDF_TOOLS=1): apt-get install -y poppler-utils qpdf zbar-tools", n)
			}
			t.Skipf("%s not installed (apt-get install -y poppler-utils qpdf zbar-tools); set TADRIB_PDF_TOOLS=1 to make this a failure", n)
		}
	}
}

// writePDF renders c into a temporary file and returns its path.
func writePDF(t *testing.T, c Certificate) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cert.pdf")
	if err := os.WriteFile(path, render(t, newRenderer(t), c), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// The names come back as typed once the presentation forms are folded by
// NFKC: poppler gives Arabic lines back in logical order.
func TestPDFTextGivesBackNamesAndCode(t *testing.T) {
	needTool(t, "pdftotext")
	for _, lang := range []string{"fr", "ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			c := sample()
			c.Lang = lang
			text := norm.NFKC.String(run(t, "pdftotext", "-enc", "UTF-8", writePDF(t, c), "-"))
			for _, want := range []string{c.HolderName, c.HolderNameAr, "P2FM-TMMQ-K7XW-D4BZ-3LNA-6YHC-5E", c.VerifyURL, "Nadia El Amrani"} {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext lacks %q; got:\n%s", want, text)
				}
			}
		})
	}
}

func TestPDFPassesQPDFCheck(t *testing.T) {
	needTool(t, "qpdf")
	for name, c := range samples() {
		out := run(t, "qpdf", "--check", writePDF(t, c))
		if !strings.Contains(out, "No syntax or stream encoding errors") {
			t.Errorf("%s: qpdf --check:\n%s", name, out)
		}
	}
}

func TestQRCodeDecodesToVerifyURL(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	c := sample()
	pdf := writePDF(t, c)
	// 100 dpi as asked; 72 and 150 as a screen and a cheap scan would.
	for _, dpi := range []string{"100", "72", "150"} {
		png := filepath.Join(filepath.Dir(pdf), "page"+dpi)
		run(t, "pdftoppm", "-png", "-r", dpi, "-singlefile", pdf, png)
		got := strings.TrimSpace(run(t, "zbarimg", "-q", "--raw", png+".png"))
		if got != c.VerifyURL {
			t.Fatalf("at %s dpi the QR decodes to %q, want %q", dpi, got, c.VerifyURL)
		}
	}
}

func TestCredentialAttachedByteForByte(t *testing.T) {
	needTool(t, "pdfdetach")
	c := sample()
	pdf := writePDF(t, c)
	if list := run(t, "pdfdetach", "-list", pdf); !strings.Contains(list, "credential.jwt") {
		t.Fatalf("pdfdetach -list:\n%s", list)
	}
	out := filepath.Join(filepath.Dir(pdf), "extracted.jwt")
	run(t, "pdfdetach", "-save", "1", "-o", out, pdf)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != c.Credential {
		t.Fatalf("extracted credential differs:\n got %q\nwant %q", got, c.Credential)
	}

	c.Credential = ""
	if list := run(t, "pdfdetach", "-list", writePDF(t, c)); strings.Contains(list, "credential.jwt") {
		t.Errorf("no credential given, yet an attachment:\n%s", list)
	}
}

func TestPDFInfoHasLogicalNames(t *testing.T) {
	needTool(t, "pdfinfo")
	c := sample()
	info := run(t, "pdfinfo", writePDF(t, c))
	for _, want := range []string{c.HolderName, c.HolderNameAr, c.CourseTitle["ar"], "CreationDate:    Wed Jan 15 10:00:00 2025"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Words  []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"word"`
	} `xml:"body>doc>page"`
}

func bboxes(t *testing.T, pdf string) bboxDoc {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", pdf, "-")
	var d bboxDoc
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("parse pdftotext -bbox: %v", err)
	}
	if len(d.Pages) != 1 {
		t.Fatalf("%d pages, want 1", len(d.Pages))
	}
	return d
}

// A very long name and title must shrink or wrap inside the frame: every
// word stays within the inner border, and the name is either smaller than
// the usual 28 pt or on two lines.
func TestLongNameStaysInsideThePage(t *testing.T) {
	needTool(t, "pdftotext")
	c := samples()["long"]
	d := bboxes(t, writePDF(t, c))
	const frame = 10.5 / 25.4 * 72 // inner border, pt
	p := d.Pages[0]
	nameLines := map[float64]bool{}
	var nameHeight float64
	for _, w := range p.Words {
		if w.XMin < frame || w.XMax > p.Width-frame || w.YMin < frame || w.YMax > p.Height-frame {
			t.Errorf("word %q at x %.1f–%.1f y %.1f–%.1f leaves the frame", w.Text, w.XMin, w.XMax, w.YMin, w.YMax)
		}
		if w.Text == "Alexandrine" || w.Text == "Chahdi" {
			nameLines[w.YMin] = true
			nameHeight = w.YMax - w.YMin
		}
	}
	normal := bboxes(t, writePDF(t, sample()))
	var normalHeight float64
	for _, w := range normal.Pages[0].Words {
		if w.Text == "Dupré-Benali" {
			normalHeight = w.YMax - w.YMin
		}
	}
	if nameHeight == 0 || normalHeight == 0 {
		t.Fatal("name words not found in pdftotext -bbox")
	}
	if len(nameLines) < 2 && nameHeight >= normalHeight {
		t.Errorf("long name neither wrapped (%d line) nor shrunk (%.1f pt vs %.1f pt)", len(nameLines), nameHeight, normalHeight)
	}
	t.Logf("long name: %d line(s), %.1f pt high (normal %.1f pt)", len(nameLines), nameHeight, normalHeight)
}

func TestPDFSizeUnder60KB(t *testing.T) {
	r := newRenderer(t)
	for name, c := range samples() {
		if n := len(render(t, r, c)); n >= 60_000 {
			t.Errorf("%s: %d bytes, want < 60 KB", name, n)
		} else {
			t.Logf("%s: %s bytes", name, strconv.Itoa(n))
		}
	}
}
