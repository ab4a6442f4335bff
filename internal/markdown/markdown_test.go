package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// payloads are those of SECURITY.md M1 (stored XSS) and a few classics of
// the OWASP XSS filter evasion cheat sheet.
var payloads = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	`<a href="&#106;avascript:alert(1)">x</a>`,
	"[x](&#106;avascript:alert(1))",
	"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"<iframe src=//evil></iframe>",
	"<svg><script>alert(1)</script></svg>",
	"<style>body{display:none}</style>",
	"<form action=//evil><input name=x></form>",
	"[x](vbscript:msgbox(1))",
	"<a href='java\tscript:alert(1)'>x</a>",
	"[x]( javascript:alert(1) )",
	"<object data=x></object><embed src=x>",
	"<div onmouseover=alert(1)>hover</div>",
	"<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
	"{{ .Secret }} {{template \"x\"}}",
	"## Title <img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| <script>x</script> | [y](javascript:z) |",
}

var forbiddenElements = map[string]bool{"script": true, "style": true, "iframe": true, "object": true,
	"embed": true, "svg": true, "form": true, "input": true, "math": true, "base": true, "link": true, "meta": true}

// assertSafe walks the output and fails on any dangerous element, attribute or URL.
func assertSafe(t *testing.T, in, out string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if forbiddenElements[n.Data] {
				t.Errorf("ToHTML(%q) kept <%s>: %s", in, n.Data, out)
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "srcdoc" {
					t.Errorf("ToHTML(%q) kept attribute %s: %s", in, a.Key, out)
				}
				if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")) {
					t.Errorf("ToHTML(%q) kept URL %q: %s", in, a.Val, out)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func TestToHTMLRemovesDangerousContent(t *testing.T) {
	for _, p := range payloads {
		out, err := ToHTML(p)
		if err != nil {
			t.Fatalf("ToHTML(%q): %v", p, err)
		}
		assertSafe(t, p, out)
		if again := policy.Sanitize(out); again != out {
			t.Errorf("sanitizing the output again changes it:\n%s\n%s", out, again)
		}
	}
}

func TestToHTMLRendersMarkdown(t *testing.T) {
	out, err := ToHTML("## Indicateurs\n\nLes **documents** confisqués :\n\n- dette\n- isolement\n\n[Loi](https://example.org/loi)")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h2 id="indicateurs">`, "<strong>documents</strong>", "<li>dette</li>", `rel="nofollow noreferrer noopener"`} {
		if !strings.Contains(out, want) {
			t.Errorf("ToHTML output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "{{") {
		return
	}
}

func TestTemplateSyntaxStaysLiteral(t *testing.T) {
	out, _ := ToHTML("{{ .Secret }}")
	if !strings.Contains(out, "{{ .Secret }}") {
		t.Errorf("template syntax should be shown as typed, got %q", out)
	}
}

func TestToHTMLRejectsHugeInput(t *testing.T) {
	if _, err := ToHTML(strings.Repeat("a", MaxSource+1)); err == nil {
		t.Error("ToHTML accepted a text larger than MaxSource")
	}
}

func FuzzToHTML(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := ToHTML(in)
		if err != nil {
			return
		}
		assertSafe(t, in, out)
	})
}

// TestFoldedBlocks: a case study's analysis is folded in <details>, with
// Markdown inside; every other raw HTML is still dropped, also on the lines
// of a details block.
func TestFoldedBlocks(t *testing.T) {
	src := "Case.\n\n<details>\n<summary>Analyse & suite</summary>\n\nThe **answer**.\n\n- one\n\n</details>\n\nAfter."
	out, err := ToHTML(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<details>", "<summary>Analyse &amp; suite</summary>", "<strong>answer</strong>", "<li>one</li>", "</details>", "<p>After.</p>"} {
		if !strings.Contains(out, want) {
			t.Errorf("ToHTML(details) lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{
		"<details open ontoggle=alert(1)>\n<summary>x</summary>\n\ny\n\n</details>",
		"<details>\n<summary><img src=x onerror=alert(1)></summary>\n\ny\n\n</details>",
		"<details>\n<script>alert(1)</script>\n\n</details>",
		"<summary>ok</summary><b>x</b>",
		"<div>\n<details>\n</div>",
	} {
		out, err := ToHTML(bad)
		if err != nil {
			t.Fatal(err)
		}
		assertSafe(t, bad, out)
		if strings.Contains(out, "ontoggle") || strings.Contains(out, "<img") || strings.Contains(out, "<b>") || strings.Contains(out, "<div") {
			t.Errorf("ToHTML(%q) kept raw HTML: %s", bad, out)
		}
	}
}
