package main

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"tadrib/internal/csvcell"
	"tadrib/internal/plaintext"
)

// SECURITY.md XS1 (cases M1–M3, M4, C9, L3 together): every payload of
// testdata/xss-payloads.txt is typed where trainers and trainees type text —
// a course's title, a module's title (the report's SVG chart), a lesson's
// title and body, a question's stem and options, a cohort's name, a
// trainee's name (reports, CSV, member lists), a certificate's corrected
// name (PDF, verification page) — and every page, chart, CSV and PDF that
// shows it is checked: no element or attribute that runs script, SVG that
// stays well-formed, CSV cells that no spreadsheet reads as a formula, a
// PDF with the text as text and no action. Names holding bidirectional
// controls are refused (internal/plaintext.BadRune).

// xssPayloads reads the payload list; "\uXXXX" in a line is that character.
func xssPayloads(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/xss-payloads.txt")
	if err != nil {
		t.Fatal(err)
	}
	esc := regexp.MustCompile(`\\u([0-9A-Fa-f]{4})`)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		out = append(out, esc.ReplaceAllStringFunc(l, func(m string) string {
			n, _ := strconv.ParseUint(m[2:], 16, 32)
			return string(rune(n))
		}))
	}
	return out
}

// xssDangerTags are elements a page may hold for itself (its forms, its
// chart) but no payload may add: the page with a payload has no more of
// them than with plain text.
var xssDangerTags = []string{"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
	"style", "svg", "math", "form", "input", "button", "textarea", "select", "template", "noscript", "video", "audio",
	"source", "marquee", "isindex", "keygen", "bgsound", "xss", "body", "foreignobject", "animate", "set", "use", "maction"}

var xssURLAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true, "background": true,
	"poster": true, "lowsrc": true, "dynsrc": true, "codebase": true, "ping": true, "srcset": true, "to": true, "values": true}

// xssScan parses a page and returns what in it could run script, and the
// count of each tag of xssDangerTags.
func xssScan(body []byte) (bad []string, tags map[string]int) {
	tags = map[string]int{}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return []string{"unparsable: " + err.Error()}, tags
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			tag := strings.ToLower(n.Data)
			tags[tag]++
			for _, at := range n.Attr {
				k := strings.ToLower(at.Key)
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' || r == 0x7f {
						return -1
					}
					return r
				}, at.Val))
				switch {
				case strings.HasPrefix(k, "on"):
					bad = append(bad, "<"+tag+" "+k+"=…>")
				case k == "srcdoc":
					bad = append(bad, "<"+tag+" srcdoc>")
				case xssURLAttrs[k] && (strings.Contains(v, "javascript:") || strings.Contains(v, "vbscript:") ||
					strings.HasPrefix(v, "data:") && !regexp.MustCompile(`^data:image/(png|jpeg|gif|webp)[;,]`).MatchString(v)):
					bad = append(bad, "<"+tag+" "+k+"="+at.Val+">")
				case k == "style" && (strings.Contains(v, "expression(") || strings.Contains(v, "javascript:") || strings.Contains(v, "binding")):
					bad = append(bad, "<"+tag+" style="+at.Val+">")
				}
			}
			if tag == "script" {
				if n.FirstChild != nil {
					bad = append(bad, "inline <script>")
				}
				for _, at := range n.Attr {
					if at.Key == "src" && !strings.HasPrefix(at.Val, "/static/") {
						bad = append(bad, "<script src="+at.Val+">")
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return bad, tags
}

// svgRE finds the inline SVG charts of a page.
var svgRE = regexp.MustCompile(`(?s)<svg[ >].*?</svg>`)

// svgWellFormed checks that each inline SVG parses as XML: a label that
// broke out of its text would leave it ill-formed or with extra elements.
func svgWellFormed(body []byte) []string {
	var bad []string
	for _, s := range svgRE.FindAll(body, -1) {
		d := xml.NewDecoder(bytes.NewReader(s))
		d.Entity = xml.HTMLEntity
		for {
			tok, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					bad = append(bad, "SVG not well-formed: "+err.Error())
				}
				break
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch strings.ToLower(se.Name.Local) {
				case "script", "foreignobject", "a", "use", "animate", "set", "iframe", "image":
					bad = append(bad, "SVG holds <"+se.Name.Local+">")
				}
			}
		}
	}
	return bad
}

// csvFormulaCells returns the cells of a CSV that a spreadsheet would read
// as a formula: starting with a trigger, or with one after a , or ;
// (SECURITY.md finding L3).
func csvFormulaCells(body []byte) ([]string, [][]string) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		return []string{"unparsable CSV: " + err.Error()}, nil
	}
	var bad []string
	for _, rec := range recs {
		for _, cell := range rec {
			start := true
			for i := 0; i < len(cell); i++ {
				if start && strings.IndexByte("=+-@\t\r", cell[i]) >= 0 {
					bad = append(bad, cell)
					break
				}
				start = cell[i] == ',' || cell[i] == ';'
			}
		}
	}
	return bad, recs
}

// alnum keeps the ASCII letters and digits of s: what a PDF's text must
// keep of a name whatever its font lacks and wherever a line breaks.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, s)
}

// pdfActions are the PDF names that run something or act on opening (the
// certificate's one attachment, its signed credential, is data:
// certs/pdf/pdf.go).
var pdfActions = []string{"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia", "/GoToR"}

func TestCatalogueXSS(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the certificates' text")
	}
	a := newTestApp(t, map[string]string{"TADRIB_RATE_VERIFY": "100000"})
	p := newCatPeople(t, a)
	w := newCatWorld(t, a, p)
	payloads := xssPayloads(t)
	if len(payloads) < 100 {
		t.Fatalf("%d payloads, want at least 100", len(payloads))
	}
	attemptID := w.attempt
	code := w.cert

	type page struct {
		who  user
		path string
	}
	pages := func() []page {
		return []page{
			{user{}, "/courses/" + w.slug}, {user{}, "/courses"}, {p.owner, "/lessons/" + w.lesson},
			{p.owner, "/attempts/" + attemptID}, {p.owner, "/dashboard"}, {p.author, "/author/questions/" + w.question},
			{p.author, "/author/quizzes/" + w.quiz}, {p.author, "/author/courses/" + w.slug}, {p.cohortTr, "/author/cohorts/" + w.cohort},
			{p.author, "/author/reports/courses/" + w.slug}, {p.cohortTr, "/author/reports/courses/" + w.slug},
			{user{}, "/verify/" + code},
		}
	}
	get := func(pg page, accept string) resp {
		if pg.who.Token == "" {
			return a.do("GET", pg.path, nil, "Accept", accept)
		}
		return pg.who.do("GET", pg.path, nil, "Accept", accept)
	}
	// The pages with plain text: the elements they hold for themselves.
	var baseline []map[string]int
	for _, pg := range pages() {
		r := get(pg, "text/html")
		wantStatus(t, r, 200)
		bad, tags := xssScan(r.Body)
		if len(bad) > 0 {
			t.Fatalf("%s holds script before any payload: %v", pg.path, bad)
		}
		baseline = append(baseline, tags)
	}

	placed := map[string]int{} // sink → payloads stored there
	refused := map[string]int{}
	checks := 0
	for i, x := range payloads {
		// Typing: each write either stores the payload or refuses it with
		// a 400/422 naming a field (too long, a control character): never
		// a 500, and a refused name leaves nothing.
		write := func(sink string, r resp) bool {
			t.Helper()
			switch {
			case r.StatusCode < 300:
				placed[sink]++
				return true
			case r.StatusCode == 400 || r.StatusCode == 422:
				refused[sink]++
				return false
			default:
				t.Fatalf("payload %d in %s: %d %s", i, sink, r.StatusCode, r.Body)
				return false
			}
		}
		write("course title", p.author.do("PATCH", "/api/v1/courses/"+w.slug, map[string]any{"title": x}))
		write("module title", p.author.do("PATCH", "/api/v1/modules/"+w.module, map[string]any{"title": x}))
		write("lesson title+body", p.author.do("PATCH", "/api/v1/lessons/"+w.lesson, map[string]any{"title": x, "body_md": x}))
		write("question stem+options", p.author.do("PUT", "/api/v1/questions/"+w.question, map[string]any{"type": "single", "stem": x,
			"options": []map[string]any{{"text": x, "weight": 1, "feedback": x}, {"text": "Autre", "weight": 0}}}))
		write("cohort name", p.cohortTr.do("PATCH", "/api/v1/cohorts/"+w.cohort, map[string]any{"name": x, "place": x}))
		// A name is kept on one line, its spaces folded (certs.oneLine):
		// what is left must hold no control nor bidi character.
		folded := strings.Join(strings.Fields(x), " ")
		me := p.trainee.do("PATCH", "/api/v1/me", map[string]any{"name": x, "organization": x})
		nameOK := write("trainee name", me)
		stored := ""
		if nameOK {
			stored, _ = me.JSON(t)["name"].(string)
		}
		if plaintext.HasBadRune(folded) && nameOK {
			t.Errorf("payload %d: a name with a control or bidi character was stored: %q", i, x)
		}
		re := p.author.do("POST", "/api/v1/certificates/"+code+"/reissue", map[string]any{"name": x, "reason": "Nom corrigé"})
		certOK := write("certificate name", re)
		if plaintext.HasBadRune(folded) && certOK {
			t.Errorf("payload %d: a certificate name with a control or bidi character was stored: %q", i, x)
		}
		if certOK {
			code = re.JSON(t)["code"].(string)
		}
		// The trainee sees the new question in a new attempt (an attempt
		// keeps the questions it started with).
		wantStatus(t, p.owner.do("POST", "/api/v1/attempts/"+attemptID+"/submit", nil), 200)
		attemptID = start(t, p.owner, w.quiz, 201).ID

		for j, pg := range pages() {
			r := get(pg, "text/html")
			wantStatus(t, r, 200)
			checks++
			bad, tags := xssScan(r.Body)
			for _, tag := range xssDangerTags {
				if tags[tag] > baseline[j][tag] {
					bad = append(bad, "a <"+tag+"> more than with plain text")
				}
			}
			bad = append(bad, svgWellFormed(r.Body)...)
			if len(bad) > 0 {
				t.Errorf("payload %d %q on %s: %v", i, x, pg.path, bad)
			}
		}

		// The CSV of the course report: no formula, the name there.
		r := p.author.do("GET", "/api/v1/reports/courses/"+w.slug+"?format=csv", nil)
		wantStatus(t, r, 200)
		checks++
		bad, recs := csvFormulaCells(r.Body)
		if len(bad) > 0 {
			t.Errorf("payload %d %q: CSV cells a spreadsheet runs: %q", i, x, bad)
		}
		if nameOK {
			found := false
			for _, rec := range recs {
				for _, cell := range rec {
					found = found || cell == csvcell.Safe(stored)
				}
			}
			if !found {
				t.Errorf("payload %d %q: the trainee's name is not in the CSV as a guarded cell", i, x)
			}
		}

		// The certificate: the name as text, no action.
		pdf := p.author.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
		wantStatus(t, pdf, 200)
		checks++
		for _, name := range pdfActions {
			if regexp.MustCompile(regexp.QuoteMeta(name) + `\b`).Match(pdf.Body) {
				t.Errorf("payload %d: the PDF holds %s", i, name)
			}
		}
		if certOK {
			cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
			cmd.Stdin = bytes.NewReader(pdf.Body)
			text, err := cmd.Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			if !strings.Contains(alnum(string(text)), alnum(folded)) {
				t.Errorf("payload %d %q: the PDF's text lacks the name: %q", i, x, text)
			}
		}
	}
	sinks := 0
	for range placed {
		sinks++
	}
	t.Logf("%d payloads × %d typed fields: stored %v, refused %v; %d pages, CSVs and PDFs checked (%d each per payload)",
		len(payloads), sinks, placed, refused, checks, len(pages())+2)
}
