package pdf

import (
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode/qr"
)

// quietZone is the blank margin, in modules, that readers need around a QR
// code (ISO/IEC 18004).
const quietZone = 4

// drawQR draws url as a QR code of side size mm (quiet zone included) at
// x, y, as vector rectangles: sharp at any print resolution and smaller than
// an image. Horizontal runs of dark modules are merged into one rectangle,
// and all of them are filled as one path: rectangles filled one by one
// leave hairline seams between rows once anti-aliased.
func drawQR(f *fpdf.Fpdf, url string, x, y, size float64) error {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return fmt.Errorf("certs/pdf: QR code: %w", err)
	}
	n := code.Bounds().Dx()
	m := size / float64(n+2*quietZone)
	f.SetFillColor(255, 255, 255)
	f.Rect(x, y, size, size, "F")
	f.SetFillColor(0, 0, 0)
	// fpdf's unit is mm and its y axis points down; PDF's are points, up.
	k := 72 / 25.4
	_, pageH := f.GetPageSize()
	ox, oy := x+quietZone*m, y+quietZone*m
	var path strings.Builder
	for row := 0; row < n; row++ {
		for col := 0; col < n; {
			if !dark(code.At(col, row)) {
				col++
				continue
			}
			start := col
			for col < n && dark(code.At(col, row)) {
				col++
			}
			fmt.Fprintf(&path, "%.3f %.3f %.3f %.3f re\n", (ox+float64(start)*m)*k, (pageH-oy-float64(row)*m)*k,
				float64(col-start)*m*k, -m*k)
		}
	}
	path.WriteString("f")
	f.RawWriteStr(path.String())
	return nil
}

func dark(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}
