package main

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

// xssMaxRunes is the longest text every typed field takes (200 characters:
// titles, names, a cohort's place, a certificate's name).
const xssMaxRunes = 200

// xssMarker is the plain word typed after the k-th payload of round r: a
// page shows it as text where it shows the field, unless the payload before
// it escaped its place (an unescaped sink), whatever it did there.
func xssMarker(r, k int) string { return "zq" + strconv.Itoa(r) + "r" + strconv.Itoa(k) + "x" }

// xssValue is what a round types in a field: each payload followed by its
// marker, on one line (sep " "), or paragraph by paragraph (sep "\n\n",
// a lesson's Markdown). The round's first payload starts the field.
func xssValue(r int, round []string, sep string) string {
	var b strings.Builder
	for k, x := range round {
		if k > 0 {
			b.WriteString(sep)
		}
		b.WriteString(x + sep + xssMarker(r, k))
	}
	return b.String()
}

// xssRounds groups the payloads (by index) into the rounds that are typed
// together, each round's single-line value within xssMaxRunes. A payload
// whose effect may depend on where it stands (one that does not start a
// tag: a javascript: or data: link, a formula for a spreadsheet, a leading
// space or control) starts a round; a payload no field may store (a control
// or bidirectional character in a name, more than xssMaxRunes) is typed
// alone, as the refusal of one would leave the others of its round out, and
// so is one that may open a Markdown block (xssOpensBlock).
func xssRounds(payloads []string) [][]int {
	var rounds [][]int
	fits := func(round []int, x int) bool {
		var xs []string
		for _, i := range append(round[:len(round):len(round)], x) {
			xs = append(xs, payloads[i])
		}
		return utf8.RuneCountInString(xssValue(len(payloads), xs, "\n\n")) <= xssMaxRunes
	}
	alone := map[int]bool{} // the rounds of a payload typed alone
	var tags []int
	for i, x := range payloads {
		switch {
		case plaintext.HasBadRune(strings.Join(strings.Fields(x), " ")) || !fits(nil, i) || xssOpensBlock(x):
			alone[len(rounds)] = true
			rounds = append(rounds, []int{i})
		case strings.HasPrefix(x, "<"):
			tags = append(tags, i)
		default:
			rounds = append(rounds, []int{i})
		}
	}
	for _, i := range tags {
		placed := false
		for r := range rounds {
			if !alone[r] && fits(rounds[r], i) {
				rounds[r] = append(rounds[r], i)
				placed = true
				break
			}
		}
		if !placed {
			rounds = append(rounds, []int{i})
		}
	}
	return rounds
}

// xssOpensBlock tells a payload that Markdown (a lesson's body, a
// question's stem) may read as the start of a block that runs on past the
// blank line after it (CommonMark's HTML blocks of kinds 1 to 5: <script>,
// <pre>, <style>, <textarea>, a comment, a processing instruction, a
// declaration, CDATA): typed with others, it would hold the payloads after
// it in that block instead of their own.
func xssOpensBlock(x string) bool {
	l := strings.ToLower(strings.TrimLeft(x, " "))
	switch {
	case strings.HasPrefix(l, "<script") || strings.HasPrefix(l, "<pre") || strings.HasPrefix(l, "<style") || strings.HasPrefix(l, "<textarea"):
		return !strings.Contains(l, "</script>") && !strings.Contains(l, "</pre>") && !strings.Contains(l, "</style>") && !strings.Contains(l, "</textarea>")
	case strings.HasPrefix(l, "<!--"):
		return !strings.Contains(l, "-->")
	case strings.HasPrefix(l, "<?"):
		return !strings.Contains(l, "?>")
	case strings.HasPrefix(l, "<![cdata["):
		return !strings.Contains(l, "]]>")
	case strings.HasPrefix(l, "<!"):
		return !strings.Contains(l, ">")
	}
	return false
}

// xssPlaces returns where each marker stands in a page, each place counted:
// text under which two elements, which attribute of which element, or what
// a payload made of it (a comment, a tag's or an attribute's name).
func xssPlaces(body []byte, markers []string) map[string]map[string]int {
	out := map[string]map[string]int{}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return out
	}
	add := func(s, place string) {
		for _, m := range markers {
			if n := strings.Count(s, m); n > 0 {
				if out[m] == nil {
					out[m] = map[string]int{}
				}
				out[m][place] += n
			}
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			place := "text"
			for p, i := n.Parent, 0; p != nil && i < 2; p, i = p.Parent, i+1 {
				place += "<" + p.Data
			}
			add(n.Data, place)
		case html.CommentNode:
			add(n.Data, "comment")
		case html.ElementNode:
			add(n.Data, "a tag's name")
			for _, at := range n.Attr {
				add(at.Key, "an attribute's name")
				add(at.Val, "attribute "+n.Data+"."+at.Key)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// pdfStreams are the streams of a PDF (page contents, fonts, images,
// compressed): an action is a name in a dictionary, outside them, and the
// bytes of a compressed stream may spell "/JS" by chance.
var pdfStreams = regexp.MustCompile(`(?s)stream\r?\n.*?endstream`)

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

	placed := map[string]int{} // sink → payloads stored there
	refused := map[string]int{}
	checks := 0
	// typeRound types a round's payloads in every field. Each write either
	// stores the text or refuses it with a 400/422 naming a field (too
	// long, a control character): never a 500, and a refused name leaves
	// nothing. It returns the sinks that refused.
	type typed struct {
		refused        []string
		nameOK, certOK bool
		stored, folded string
	}
	typeRound := func(label string, line, md string) typed {
		t.Helper()
		var out typed
		write := func(sink string, r resp) bool {
			t.Helper()
			switch {
			case r.StatusCode < 300:
				return true
			case r.StatusCode == 400 || r.StatusCode == 422:
				out.refused = append(out.refused, sink)
				return false
			default:
				t.Fatalf("%s in %s: %d %s", label, sink, r.StatusCode, r.Body)
				return false
			}
		}
		write("course title", p.author.do("PATCH", "/api/v1/courses/"+w.slug, map[string]any{"title": line}))
		write("module title", p.author.do("PATCH", "/api/v1/modules/"+w.module, map[string]any{"title": line}))
		write("lesson title+body", p.author.do("PATCH", "/api/v1/lessons/"+w.lesson, map[string]any{"title": line, "body_md": md}))
		write("question stem+options", p.author.do("PUT", "/api/v1/questions/"+w.question, map[string]any{"type": "single", "stem": md,
			"options": []map[string]any{{"text": md, "weight": 1, "feedback": md}, {"text": "Autre", "weight": 0}}}))
		write("cohort name", p.cohortTr.do("PATCH", "/api/v1/cohorts/"+w.cohort, map[string]any{"name": line, "place": line}))
		// A name is kept on one line, its spaces folded (certs.oneLine):
		// what is left must hold no control nor bidi character.
		out.folded = strings.Join(strings.Fields(line), " ")
		me := p.trainee.do("PATCH", "/api/v1/me", map[string]any{"name": line, "organization": line})
		out.nameOK = write("trainee name", me)
		if out.nameOK {
			out.stored, _ = me.JSON(t)["name"].(string)
		}
		if plaintext.HasBadRune(out.folded) && out.nameOK {
			t.Errorf("%s: a name with a control or bidi character was stored: %q", label, line)
		}
		re := p.author.do("POST", "/api/v1/certificates/"+code+"/reissue", map[string]any{"name": line, "reason": "Nom corrigé"})
		out.certOK = write("certificate name", re)
		if plaintext.HasBadRune(out.folded) && out.certOK {
			t.Errorf("%s: a certificate name with a control or bidi character was stored: %q", label, line)
		}
		if out.certOK {
			code = re.JSON(t)["code"].(string)
		}
		// The trainee sees the new question in a new attempt (an attempt
		// keeps the questions it started with).
		wantStatus(t, p.owner.do("POST", "/api/v1/attempts/"+attemptID+"/submit", nil), 200)
		attemptID = start(t, p.owner, w.quiz, 201).ID
		return out
	}

	// The pages with plain text: the elements they hold for themselves, and
	// where they show the typed fields (the places of the markers).
	plain := typeRound("plain text", xssValue(0, []string{"Alpha", "Bêta"}, " "), xssValue(0, []string{"Alpha", "Bêta"}, "\n\n"))
	if len(plain.refused) > 0 {
		t.Fatalf("plain text refused in %v", plain.refused)
	}
	var baseline []map[string]int
	var basePlaces []map[string]bool
	for _, pg := range pages() {
		r := get(pg, "text/html")
		wantStatus(t, r, 200)
		bad, tags := xssScan(r.Body)
		if len(bad) > 0 {
			t.Fatalf("%s holds script before any payload: %v", pg.path, bad)
		}
		baseline = append(baseline, tags)
		places := map[string]bool{}
		for _, m := range xssPlaces(r.Body, []string{xssMarker(0, 0), xssMarker(0, 1)}) {
			for pl := range m {
				places[pl] = true
			}
		}
		basePlaces = append(basePlaces, places)
	}

	// Each round: its payloads typed together, every page read once and
	// checked for script, and each payload's marker checked where the page
	// shows the field. A round with a refusal, or with a finding, is typed
	// again payload by payload, so that each payload is stored in every
	// field that takes it and a finding names its payload.
	rounds := xssRounds(payloads)
	run := func(r int, round []int) bool {
		var xs []string
		for _, i := range round {
			xs = append(xs, payloads[i])
		}
		label := fmt.Sprintf("payload %d %q", round[0], xs[0])
		if len(round) > 1 {
			label = fmt.Sprintf("payloads %v", round)
		}
		line, md := xssValue(r, xs, " "), xssValue(r, xs, "\n\n")
		got := typeRound(label, line, md)
		if len(got.refused) > 0 && len(round) > 1 {
			return false
		}
		for _, sink := range []string{"course title", "module title", "lesson title+body", "question stem+options", "cohort name",
			"trainee name", "certificate name"} {
			if contains(got.refused, sink) {
				refused[sink] += len(round)
			} else {
				placed[sink] += len(round)
			}
		}
		markers := make([]string, len(round))
		for k := range round {
			markers[k] = xssMarker(r, k)
		}
		clean := true
		for j, pg := range pages() {
			resp := get(pg, "text/html")
			wantStatus(t, resp, 200)
			checks++
			bad, tags := xssScan(resp.Body)
			for _, tag := range xssDangerTags {
				if tags[tag] > baseline[j][tag] {
					bad = append(bad, "a <"+tag+"> more than with plain text")
				}
			}
			bad = append(bad, svgWellFormed(resp.Body)...)
			// The markers: a payload must leave the text after it where
			// that text shows with plain text, or the payloads after it
			// went untested there. (A payload typed alone has none after
			// it, and a page may show it as Markdown turns it: a block
			// of code, raw HTML left out.)
			places := xssPlaces(resp.Body, markers)
			for k, m := range markers {
				if len(round) == 1 {
					break
				}
				var moved []string
				for pl := range places[m] {
					if !basePlaces[j][pl] {
						moved = append(moved, pl)
					}
				}
				if len(moved) > 0 {
					bad = append(bad, fmt.Sprintf("payload %d %q escaped its field: the text after it is in %v", round[k], xs[k], moved))
				}
				if len(got.refused) == 0 && len(basePlaces[j]) > 0 && len(places[m]) == 0 {
					bad = append(bad, fmt.Sprintf("payload %d %q swallowed the text after it", round[k], xs[k]))
				}
			}
			if len(bad) > 0 {
				clean = false
				t.Errorf("%s on %s: %v", label, pg.path, bad)
			}
		}

		// The CSV of the course report: no formula, the name there.
		csv := p.author.do("GET", "/api/v1/reports/courses/"+w.slug+"?format=csv", nil)
		wantStatus(t, csv, 200)
		checks++
		bad, recs := csvFormulaCells(csv.Body)
		if len(bad) > 0 {
			clean = false
			t.Errorf("%s: CSV cells a spreadsheet runs: %q", label, bad)
		}
		if got.nameOK {
			found := false
			for _, rec := range recs {
				for _, cell := range rec {
					found = found || cell == csvcell.Safe(got.stored)
				}
			}
			if !found {
				clean = false
				t.Errorf("%s: the trainee's name is not in the CSV as a guarded cell", label)
			}
		}

		// The certificate: the name as text, no action.
		pdf := p.author.do("GET", "/api/v1/certificates/"+code+"/pdf", nil)
		wantStatus(t, pdf, 200)
		checks++
		dicts := pdfStreams.ReplaceAll(pdf.Body, nil)
		for _, name := range pdfActions {
			if regexp.MustCompile(regexp.QuoteMeta(name) + `\b`).Match(dicts) {
				clean = false
				t.Errorf("%s: the PDF holds %s", label, name)
			}
		}
		if got.certOK {
			cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
			cmd.Stdin = bytes.NewReader(pdf.Body)
			text, err := cmd.Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			if !strings.Contains(alnum(string(text)), alnum(got.folded)) {
				clean = false
				t.Errorf("%s: the PDF's text lacks the name: %q", label, text)
			}
		}
		return clean || len(round) == 1
	}
	typedAlone, again := 0, len(rounds)
	for r, round := range rounds {
		if !run(r+1, round) {
			for _, i := range round {
				again++
				run(again, []int{i})
				typedAlone++
			}
		}
	}
	sinks := 0
	for range placed {
		sinks++
	}
	t.Logf("%d payloads × %d typed fields in %d rounds (%d payloads typed again alone): stored %v, refused %v; %d pages, CSVs and PDFs checked (%d each per round)",
		len(payloads), sinks, len(rounds), typedAlone, placed, refused, checks, len(pages())+2)
}
