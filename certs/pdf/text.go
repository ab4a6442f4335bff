package pdf

import (
	"codeberg.org/go-pdf/fpdf"

	"tadrib/certs/rtl"
)

const (
	ptToMM = 25.4 / 72
	// lineGap is the line height as a multiple of the font size: Amiri's
	// Arabic letters reach far above and below the Latin ones.
	lineGap = 1.25
	// minPt is the smallest size a field may shrink to before Render gives
	// up: below it a printed certificate is no longer readable.
	minPt = 6
)

type align uint8

const (
	alignCenter align = iota
	alignLeft
	alignRight
)

// box is a rectangle of the page (mm) reserved for one field: its text is
// shrunk and wrapped to fit inside, so that a long name can never run over
// the border or the next field.
type box struct {
	x, y, w, h float64
	align      align
}

// field is one piece of text to lay out.
type field struct {
	text     string
	dir      rtl.Direction
	style    string  // "" or "B" (synthetic bold, see draw)
	size     float64 // preferred size, pt
	maxLines int     // lines allowed once shrinking alone is not enough
}

// TooLongError reports text that does not fit its box even at the smallest
// size and on the most lines allowed (a name of several hundred characters).
type TooLongError struct {
	Text string
}

func (e *TooLongError) Error() string {
	return "certs/pdf: text too long for its box even at the smallest size"
}

// draw fits fl into b and draws it. It first shrinks the text on one line
// down to 80 % of its preferred size, then wraps it (in logical order) on
// up to maxLines lines, shrinking further until every line fits.
//
// Bold is synthetic: the regular face filled and stroked with a line of
// 3.5 % of the size (text rendering mode 2). Each embedded face costs fpdf
// a full TrueType parse, a JSON hash of its width table and a 128 KiB
// CIDToGIDMap per document — with Amiri Bold registered too, a render took
// 17 ms instead of 10 (BenchmarkPDFRender) for 2 KB more PDF.
func draw(f *fpdf.Fpdf, fl field, b box, ink [3]int) error {
	if fl.text == "" {
		return nil
	}
	lines, size, err := fit(f, fl, b)
	if err != nil {
		return err
	}
	if fl.style == "B" {
		f.SetDrawColor(ink[0], ink[1], ink[2])
		f.SetLineWidth(size * ptToMM * 0.035)
		f.RawWriteStr("2 Tr")
		defer f.RawWriteStr("0 Tr")
	}
	lineH := size * ptToMM * lineGap
	top := b.y + (b.h-lineH*float64(len(lines)))/2
	for i, l := range lines {
		// Baseline: Amiri's ascent is ~0.9 em of a 1.25 em line.
		baseline := top + lineH*float64(i) + size*ptToMM*0.95
		drawLine(f, l, b, baseline)
	}
	return nil
}

// fit returns the visual lines and the font size at which fl fits into b,
// leaving that font selected.
func fit(f *fpdf.Fpdf, fl field, b box) ([]string, float64, error) {
	maxLines := max(fl.maxLines, 1)
	for size := fl.size; size >= minPt; size -= 0.5 {
		f.SetFont(family, "", size)
		lineH := size * ptToMM * lineGap
		allowed := maxLines
		if size > fl.size*0.8 {
			allowed = 1
		}
		if float64(allowed)*lineH > b.h+0.01 {
			allowed = int((b.h + 0.01) / lineH)
		}
		if allowed < 1 {
			continue
		}
		var logical []string
		if allowed == 1 {
			logical = []string{fl.text}
		} else {
			logical = rtl.Wrap(fl.text, b.w, func(s string) float64 { return f.GetStringWidth(rtl.Visual(s, fl.dir)) })
		}
		if len(logical) > allowed {
			continue
		}
		visual := make([]string, len(logical))
		ok := true
		for i, l := range logical {
			visual[i] = rtl.Visual(l, fl.dir)
			if f.GetStringWidth(visual[i]) > b.w {
				ok = false
				break
			}
		}
		if ok {
			return visual, size, nil
		}
	}
	return nil, 0, &TooLongError{Text: fl.text}
}

// drawLine draws one visual line run by run (each run could take its own
// font; Amiri covers both scripts, so they share one here).
func drawLine(f *fpdf.Fpdf, visual string, b box, baseline float64) {
	w := f.GetStringWidth(visual)
	x := b.x
	switch b.align {
	case alignCenter:
		x = b.x + (b.w-w)/2
	case alignRight:
		x = b.x + b.w - w
	}
	for _, r := range rtl.Runs(visual) {
		f.Text(x, baseline, r.Text)
		x += f.GetStringWidth(r.Text)
	}
}
