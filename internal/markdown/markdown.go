// Package markdown turns what authors write (Markdown) into HTML that is safe
// to show trainees: goldmark renders, then bluemonday sanitizes, always last
// (a renderer's own URL filter has let data:image/svg+xml through before:
// yuin/goldmark fc877ab).
package markdown

import (
	"fmt"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

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

// ToHTML renders Markdown to sanitized HTML. A text that breaks one of the
// bounds (limits.go) is refused with a *LimitError before it is parsed, or
// as soon as its HTML passes MaxOutput.
func ToHTML(src string) (string, error) {
	if err := check(src); err != nil {
		return "", err
	}
	w := &limitWriter{max: MaxOutput}
	err := md.Convert([]byte(src), w)
	if w.over {
		return "", errOutput
	}
	if err != nil {
		return "", fmt.Errorf("markdown: %w", err)
	}
	return policy.Sanitize(string(w.buf)), nil
}

// Sanitize cleans HTML that did not come from our Markdown renderer (GIFT's
// [html] texts).
func Sanitize(html string) string { return policy.Sanitize(html) }
