package reports

import (
	"fmt"
	"html/template"
	"strings"
)

// barChart is a horizontal bar chart drawn on the server as SVG: no script,
// readable without colour (each bar carries its number), and laid out mirrored
// for right-to-left languages rather than flipped with a transform, so that
// the text inside stays readable. Each group has its label on a line of its
// own above its bars, full width, so that long Arabic or French labels fit on
// a phone.
type barChart struct {
	ID, Title, Desc string
	RTL             bool
	Max             float64 // the value of a full-width bar
	Legend          []chartSeries
	Groups          []chartGroup
}

type chartSeries struct{ Label, Color string }

type chartGroup struct {
	Label string
	Bars  []chartBar // one per series; none for a group with Note only
	Note  string     // shown instead of bars (a module without a quiz)
}

type chartBar struct {
	Value float64
	Text  string // the number shown at the end of the bar
}

// Geometry, in viewBox units: the chart is 360 wide, about a phone's width, so
// its 13-unit text stays near 13 px there.
const (
	chartW     = 360.0
	chartPad   = 4.0
	chartBarH  = 13.0
	chartGap   = 4.0
	chartLabel = 20.0 // height of a group's label line
	chartValW  = 74.0 // room at the end of the longest bar for its number
	chartFont  = 13.0
)

// SVG renders the chart. Every text in it is escaped.
func (c barChart) SVG() template.HTML {
	var b strings.Builder
	y := 0.0
	var body strings.Builder
	// Legend: swatches and labels on one line.
	if len(c.Legend) > 0 {
		x := chartPad
		for _, s := range c.Legend {
			c.rect(&body, x, y+3, 12, 12, s.Color)
			c.text(&body, x+16, y+14, s.Label, "legend")
			x += 16 + float64(textWidth(s.Label))*chartFont*0.55 + 14
		}
		y += 26
	}
	span := chartW - 2*chartPad - chartValW
	for _, g := range c.Groups {
		c.text(&body, chartPad, y+14, truncate(g.Label, 52), "label")
		y += chartLabel
		if g.Note != "" {
			c.text(&body, chartPad, y+11, g.Note, "note")
			y += chartBarH + chartGap
		}
		for i, bar := range g.Bars {
			w := 0.0
			if c.Max > 0 {
				w = bar.Value / c.Max * span
			}
			c.rect(&body, chartPad, y, span, chartBarH, "#e4e8ed")
			if w > 0 {
				c.rect(&body, chartPad, y, w, chartBarH, c.Legend[i%len(c.Legend)].Color)
			}
			c.text(&body, chartPad+w+4, y+chartBarH-2, bar.Text, "value")
			y += chartBarH + chartGap
		}
		y += 8
	}
	h := y + chartPad
	dir := "ltr"
	if c.RTL {
		dir = "rtl"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="rchart" viewBox="0 0 %g %g" width="100%%" role="img" aria-labelledby="%s-t %s-d" direction="%s" font-size="%g" font-family="system-ui, sans-serif">`,
		chartW, h, c.ID, c.ID, dir, chartFont)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, c.ID, esc(c.Title), c.ID, esc(c.Desc))
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // numbers and escaped text only
}

// x mirrors a left-to-right position for right-to-left charts.
func (c barChart) x(x, w float64) float64 {
	if c.RTL {
		return chartW - x - w
	}
	return x
}

func (c barChart) rect(b *strings.Builder, x, y, w, h float64, color string) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, c.x(x, w), y, w, h, color)
}

// text writes a label starting at x: in a right-to-left chart the position is
// mirrored and, as the svg's direction is rtl, text-anchor start is the text's
// right edge, so Arabic reads from the right margin towards the bars' end.
func (c barChart) text(b *strings.Builder, x, y float64, s, class string) {
	fill := "#1b2430"
	weight := ""
	switch class {
	case "label":
		weight = ` font-weight="600"`
	case "note":
		fill = "#56616f"
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="start" fill="%s"%s class="%s">%s</text>`, c.x(x, 0), y, fill, weight, class, esc(s))
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func textWidth(s string) int { return len([]rune(s)) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
