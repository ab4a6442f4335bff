package markdown

import (
	"html"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// detailsLine matches the only raw HTML an author may write: the lines that
// open and close a folded block, as case studies use for their analysis so
// that it shows only when the trainee asks (it needs no JavaScript):
//
//	<details>
//	<summary>Analyse</summary>
//
//	…Markdown…
//
//	</details>
//
// The summary's text is escaped. Any other raw HTML is dropped as before.
var detailsLine = regexp.MustCompile(`^\s*(?:<details>|</details>|<summary>([^<>]{1,200})</summary>)\s*$`)

// detailsRenderer renders HTML blocks made only of detailsLine lines and
// drops every other HTML block, like goldmark does without WithUnsafe.
type detailsRenderer struct{}

func (detailsRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderDetailsBlock)
}

func renderDetailsBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	lines := n.Lines()
	var out []byte
	for i := range lines.Len() {
		seg := lines.At(i)
		line := seg.Value(source)
		m := detailsLine.FindSubmatch(line)
		if m == nil {
			_, _ = w.WriteString("<!-- raw HTML omitted -->\n")
			return ast.WalkContinue, nil
		}
		if m[1] != nil {
			out = append(out, "<summary>"+html.EscapeString(string(m[1]))+"</summary>\n"...)
		} else {
			out = append(out, line...)
			if len(line) == 0 || line[len(line)-1] != '\n' {
				out = append(out, '\n')
			}
		}
	}
	_, _ = w.Write(out)
	return ast.WalkContinue, nil
}

// withDetails is the goldmark option that installs detailsRenderer ahead of
// the default HTML renderer (a lower number wins).
var withDetails = renderer.WithNodeRenderers(util.Prioritized(detailsRenderer{}, 100))
