// Package markdown turns what authors write (Markdown) into HTML that is safe
// to show trainees: goldmark renders, then bluemonday sanitizes, always last
// (a renderer's own URL filter has let data:image/svg+xml through before:
// yuin/goldmark fc877ab).
package markdown

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// MaxSource bounds the Markdown of one text.
const MaxSource = 512 * 1024

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Raw HTML in Markdown is dropped (no WithUnsafe), but for the
		// <details>/<summary> lines of folded blocks (details.go).
		goldmark.WithRendererOptions(withDetails),
	)
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]{1,80}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(rtl|ltr|auto)$`)).Globally()
	return p
}

// ToHTML renders Markdown to sanitized HTML.
func ToHTML(src string) (string, error) {
	if len(src) > MaxSource {
		return "", fmt.Errorf("markdown: text is %d bytes, more than %d", len(src), MaxSource)
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("markdown: %w", err)
	}
	return policy.Sanitize(buf.String()), nil
}

// Sanitize cleans HTML that did not come from our Markdown renderer (GIFT's
// [html] texts).
func Sanitize(html string) string { return policy.Sanitize(html) }
