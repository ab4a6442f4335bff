package pdf

import (
	"bytes"

	"codeberg.org/go-pdf/fpdf"

	"tadrib/certs/rtl"
)

// Page geometry, mm (A4 landscape). Every field has a fixed box: nothing
// flows, so a long name shrinks or wraps inside its own box and the rest of
// the page never moves.
const (
	pageW, pageH = 297.0, 210.0
	margin       = 20.0                        // text area starts inside the double border
	half         = (pageW - 2*margin - 10) / 2 // a column of the side-by-side lines
	rightCol     = pageW - margin - half
	qrSize       = 34.0 // QR code with its quiet zone (≥ 30 mm)
)

var (
	navy = [3]int{24, 48, 92}
	gold = [3]int{176, 141, 62}
	ink  = [3]int{35, 35, 35}
)

type page struct {
	f         *fpdf.Fpdf
	latin, ar labels
	lang      string // language of the Latin-script side: fr or en
	ink       [3]int // current text colour
	err       error
}

func (p *page) color(c [3]int) {
	p.ink = c
	p.f.SetTextColor(c[0], c[1], c[2])
}

// text draws one field, keeping the first error.
func (p *page) text(fl field, b box) {
	if p.err == nil {
		p.err = draw(p.f, fl, b, p.ink)
	}
}

// pair draws a Latin-script line in the left column and its Arabic
// counterpart in the right one, each aligned to its outer edge's reading
// start: the French reader starts on the left, the Arabic reader on the
// right.
func (p *page) pair(latin, arabic string, y, h, size float64, style string) {
	p.text(field{text: latin, dir: rtl.LTR, style: style, size: size, maxLines: 2}, box{margin, y, half, h, alignCenter})
	p.text(field{text: arabic, dir: rtl.RTL, style: style, size: size, maxLines: 2}, box{rightCol, y, half, h, alignCenter})
}

func (p *page) layout(r *Renderer, c Certificate, titleLatin, titleAr string) error {
	f := p.f
	p.border()

	// Issuer: Latin name top left, Arabic name top right, logo between.
	p.color(navy)
	p.text(field{text: r.is.Name, dir: rtl.LTR, style: "B", size: 13, maxLines: 2}, box{margin, 15, 100, 20, alignLeft})
	p.text(field{text: r.is.NameAr, dir: rtl.RTL, style: "B", size: 14, maxLines: 2}, box{pageW - margin - 100, 15, 100, 20, alignRight})
	if r.logoType != "" {
		opt := fpdf.ImageOptions{ImageType: r.logoType}
		f.RegisterImageOptionsReader("logo", opt, bytes.NewReader(r.is.Logo))
		if info := f.GetImageInfo("logo"); info != nil && info.Height() > 0 {
			h := 22.0
			w := min(h*info.Width()/info.Height(), 60)
			h = w * info.Height() / info.Width()
			f.ImageOptions("logo", (pageW-w)/2, 13, w, h, false, opt, 0, "")
		}
	}

	// Title in both languages, one above the other.
	p.text(field{text: p.latin.title, dir: rtl.LTR, style: "B", size: 26}, box{margin, 37, pageW - 2*margin, 12, alignCenter})
	p.text(field{text: p.ar.title, dir: rtl.RTL, style: "B", size: 26}, box{margin, 49, pageW - 2*margin, 13, alignCenter})
	f.SetDrawColor(gold[0], gold[1], gold[2])
	f.SetLineWidth(0.5)
	f.Line(pageW/2-40, 64, pageW/2+40, 64)

	p.color(ink)
	p.pair(p.latin.awarded, p.ar.awarded, 66, 8, 13, "")

	// The holder, Latin script then Arabic script.
	p.color(navy)
	// A single name is centred on the space of both.
	latinBox, arBox := box{margin, 75, pageW - 2*margin, 15, alignCenter}, box{margin, 90, pageW - 2*margin, 15, alignCenter}
	switch {
	case c.HolderNameAr == "":
		latinBox.y, latinBox.h = 75, 30
	case c.HolderName == "":
		arBox.y, arBox.h = 75, 30
	}
	p.text(field{text: c.HolderName, dir: rtl.LTR, style: "B", size: 28, maxLines: 2}, latinBox)
	p.text(field{text: c.HolderNameAr, dir: rtl.RTL, style: "B", size: 28, maxLines: 2}, arBox)

	p.color(ink)
	if pl, pa := profession(c.Profession, p.lang), profession(c.Profession, "ar"); pl != "" {
		p.pair(p.latin.profession+" "+pl, p.ar.profession+" "+pa, 106, 7, 12, "")
	}
	p.pair(p.latin.completed, p.ar.completed, 113, 7, 12, "")

	p.color(navy)
	p.text(field{text: titleLatin, dir: rtl.LTR, style: "B", size: 17, maxLines: 2}, box{margin, 121, pageW - 2*margin, 12, alignCenter})
	p.text(field{text: titleAr, dir: rtl.RTL, style: "B", size: 17, maxLines: 2}, box{margin, 133, pageW - 2*margin, 12, alignCenter})

	p.color(ink)
	p.pair(p.latin.duration+" "+hours(c.Hours, p.lang)+" — "+p.latin.issued+" "+date(c.IssuedAt, p.lang),
		p.ar.duration+" "+hours(c.Hours, "ar")+" — "+p.ar.issued+" "+date(c.IssuedAt, "ar"), 146, 7, 12, "")
	if c.ExpiresAt != nil {
		p.pair(p.latin.expires+" "+date(*c.ExpiresAt, p.lang), p.ar.expires+" "+date(*c.ExpiresAt, "ar"), 153, 7, 12, "")
	}

	p.footer(r, c)
	return p.err
}

// dirOf returns the direction of configuration text that may be in either
// script (the signatory): that of its first letter.
func dirOf(s string) rtl.Direction {
	for _, r := range s {
		if rtl.IsArabic(r) {
			return rtl.RTL
		}
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= 0xC0 && r <= 0x24F {
			return rtl.LTR
		}
	}
	return rtl.LTR
}

// border draws a double frame with a thin gold line inside a navy one.
func (p *page) border() {
	f := p.f
	f.SetDrawColor(navy[0], navy[1], navy[2])
	f.SetLineWidth(1.6)
	f.Rect(7, 7, pageW-14, pageH-14, "D")
	f.SetDrawColor(gold[0], gold[1], gold[2])
	f.SetLineWidth(0.4)
	f.Rect(10.5, 10.5, pageW-21, pageH-21, "D")
}

// footer: QR code bottom left with the grouped code and the URL beside it;
// signature block bottom right.
func (p *page) footer(r *Renderer, c Certificate) {
	f := p.f
	qrY := pageH - 12 - qrSize
	if p.err == nil {
		p.err = drawQR(f, c.VerifyURL, margin-4, qrY, qrSize)
	}
	x := margin - 4 + qrSize + 2
	p.color(ink)
	p.text(field{text: p.latin.code + " / " + p.ar.code, dir: rtl.LTR, size: 10}, box{x, qrY + 6, 110, 6, alignLeft})
	p.color(navy)
	p.text(field{text: groupCode(c.Code), dir: rtl.LTR, style: "B", size: 13}, box{x, qrY + 12, 110, 8, alignLeft})
	p.color(ink)
	p.text(field{text: p.latin.verify + " " + c.VerifyURL, dir: rtl.LTR, size: 9, maxLines: 2}, box{x, qrY + 20, 110, 9, alignLeft})

	// Signature block.
	sx, sw := pageW-margin-85, 85.0
	p.text(field{text: p.latin.signature + " — " + p.ar.signature, dir: rtl.LTR, size: 10}, box{sx, qrY + 2, sw, 6, alignCenter})
	f.SetDrawColor(ink[0], ink[1], ink[2])
	f.SetLineWidth(0.3)
	f.Line(sx+8, qrY+19, sx+sw-8, qrY+19)
	p.color(navy)
	p.text(field{text: r.is.Signatory, dir: dirOf(r.is.Signatory), style: "B", size: 12}, box{sx, qrY + 20, sw, 7, alignCenter})
	p.color(ink)
	p.text(field{text: r.is.SignatoryTitle, dir: dirOf(r.is.SignatoryTitle), size: 10, maxLines: 2}, box{sx, qrY + 27, sw, 8, alignCenter})
}
