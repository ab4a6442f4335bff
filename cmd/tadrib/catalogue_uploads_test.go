package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tadrib/assets"
	"tadrib/courses"
	"tadrib/courses/coursepkg"
	"tadrib/courses/coursepkg/pkgtest"
	"tadrib/internal/i18n"
	"tadrib/internal/webtest"
	"tadrib/quiz"
)

// SECURITY.md UP1 (cases U2, U4, U5 at their edges): each upload exactly at
// its limit is taken, one byte past it is refused naming the reason, and a
// refusal stores nothing (rows counted before and after). The limits are the
// code's constants: courses.MaxImage, quiz.MaxGIFTSize, the member list's
// 1 MiB (courses/cohorts/cohort_csv.go, maxMemberBytes).
func TestCatalogueUploadLimits(t *testing.T) {
	a := newTestApp(t, nil)
	p := newCatPeople(t, a)
	w := newCatWorld(t, a, p)
	count := func(table string) int64 { return cohortCount(t, a, table) }

	t.Run("image", func(t *testing.T) {
		// A PNG padded after its end to exactly the limit: the type is
		// read from the first bytes.
		img := webtest.PNG(t, 200)
		at := append(img, bytes.Repeat([]byte{0}, courses.MaxImage-len(img))...)
		before := count("images")
		r := uploadImage(p.author, w.slug, "limite.png", at)
		wantStatus(t, r, 201)
		if n := count("images"); n != before+1 {
			t.Errorf("an image at the limit: %d rows, want %d", n, before+1)
		}
		past := append(webtest.PNG(t, 201), bytes.Repeat([]byte{0}, courses.MaxImage)...)[:courses.MaxImage+1]
		before = count("images")
		wantProblem(t, uploadImage(p.author, w.slug, "trop.png", past), 413, "image")
		if n := count("images"); n != before {
			t.Errorf("a refused image was stored: %d rows, want %d", n, before)
		}
	})

	t.Run("GIFT", func(t *testing.T) {
		q := "::Limite:: Le consentement d'un enfant est indifférent. {TRUE}\n\n"
		pad := func(size int) []byte {
			var b strings.Builder
			b.WriteString(q)
			for b.Len() < size {
				line := "// " + strings.Repeat("x", min(200, size-b.Len()-4)) + "\n"
				if size-b.Len() < 5 {
					line = strings.Repeat("\n", size-b.Len())
				}
				b.WriteString(line)
			}
			return []byte(b.String())
		}
		before := count("questions")
		at := pad(quiz.MaxGIFTSize)
		if len(at) != quiz.MaxGIFTSize {
			t.Fatalf("built %d bytes, want %d", len(at), quiz.MaxGIFTSize)
		}
		r := p.author.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", at, "Content-Type", "text/plain; charset=utf-8")
		wantStatus(t, r, 200)
		if n := count("questions"); n != before+1 {
			t.Errorf("GIFT at the limit: %d questions, want %d", n, before+1)
		}
		before = count("questions")
		wantProblem(t, p.author.do("POST", "/api/v1/quizzes/"+w.quiz+"/import", pad(quiz.MaxGIFTSize+1),
			"Content-Type", "text/plain; charset=utf-8"), 413, "")
		if n := count("questions"); n != before {
			t.Errorf("a refused GIFT stored questions: %d, want %d", n, before)
		}
	})

	t.Run("member list", func(t *testing.T) {
		const limit = 1 << 20 // courses/cohorts/cohort_csv.go, maxMemberBytes
		row := "name,email,profession\nAmina Limite,amina.limite@example.org,police\n"
		pad := func(size int) []byte {
			// Blank lines at the end: a spreadsheet leaves them.
			return []byte(row + strings.Repeat("\r\n", (size-len(row))/2) + strings.Repeat("\n", (size-len(row))%2))
		}
		send := func(b []byte) resp {
			return p.cohortTr.do("POST", "/api/v1/cohorts/"+w.cohort+"/members", b, "Content-Type", "text/csv; charset=utf-8")
		}
		before := count("cohort_invitations")
		at := pad(limit)
		if len(at) != limit {
			t.Fatalf("built %d bytes, want %d", len(at), limit)
		}
		r := send(at)
		wantStatus(t, r, 200)
		if n := count("cohort_invitations"); n != before+1 {
			t.Errorf("a list at the limit: %d invitations, want %d: %s", n, before+1, r.Body)
		}
		before = count("cohort_invitations")
		wantProblem(t, send(pad(limit+1)), 400, "")
		if n := count("cohort_invitations"); n != before {
			t.Errorf("a refused list stored invitations: %d, want %d", n, before)
		}
	})

	t.Run("GIFT question", func(t *testing.T) {
		// One question of exactly quiz.MaxGIFTQuestion bytes (its line, the
		// line's end aside), then one byte more.
		question := func(size int) []byte {
			head, tail := "::Longue:: ", " {TRUE}"
			return []byte(head + strings.Repeat("x", size-len(head)-len(tail)) + tail + "\n")
		}
		send := func(b []byte) resp {
			return p.author.do("POST", "/api/v1/quizzes/"+w.quiz+"/import?lang=fr", b, "Content-Type", "text/plain; charset=utf-8")
		}
		before := count("questions")
		wantStatus(t, send(question(quiz.MaxGIFTQuestion)), 200)
		if n := count("questions"); n != before+1 {
			t.Errorf("a question at the limit: %d questions, want %d", n, before+1)
		}
		before = count("questions")
		r := send(question(quiz.MaxGIFTQuestion + 1))
		wantProblem(t, r, 422, "")
		if !strings.Contains(string(r.Body), "64 Kio") {
			t.Errorf("a question past the limit: the answer does not name 64 Kio: %.300s", r.Body)
		}
		if n := count("questions"); n != before {
			t.Errorf("a refused question was stored: %d, want %d", n, before)
		}
	})

	t.Run("questions of a quiz", func(t *testing.T) {
		// A new quiz filled to quiz.MaxQuestions by one import, then one
		// question more.
		m := p.author.do("POST", "/api/v1/courses/"+w.slug+"/modules", map[string]any{"slug": "limite-" + next(), "title": "Limite"})
		wantStatus(t, m, 201)
		q := p.author.do("POST", "/api/v1/modules/"+m.JSON(t)["id"].(string)+"/quiz", map[string]any{"title": "Plein", "pass_mark": 50})
		wantStatus(t, q, 201)
		id := q.JSON(t)["id"].(string)
		gift := func(n int) []byte {
			var b strings.Builder
			for i := range n {
				fmt.Fprintf(&b, "::Q%d:: Affirmation %d. {TRUE}\n\n", i, i)
			}
			return []byte(b.String())
		}
		send := func(b []byte) resp {
			return p.author.do("POST", "/api/v1/quizzes/"+id+"/import?lang=fr", b, "Content-Type", "text/plain; charset=utf-8")
		}
		before := count("questions")
		wantStatus(t, send(gift(quiz.MaxQuestions)), 200)
		if n := count("questions"); n != before+quiz.MaxQuestions {
			t.Errorf("a bank at the limit: %d questions more, want %d", n-before, quiz.MaxQuestions)
		}
		before = count("questions")
		r := send(gift(1))
		wantProblem(t, r, 422, "")
		if !strings.Contains(string(r.Body), strconv.Itoa(quiz.MaxQuestions)) {
			t.Errorf("a question past the limit: the answer does not name %d: %.300s", quiz.MaxQuestions, r.Body)
		}
		if n := count("questions"); n != before {
			t.Errorf("a refused import stored questions: %d, want %d", n, before)
		}
	})

	t.Run("member list rows", func(t *testing.T) {
		const limit = 2000 // courses/cohorts/cohort_csv.go, maxMemberRows
		list := func(n int) []byte {
			var b strings.Builder
			b.WriteString("name,email,profession\n")
			for i := range n {
				fmt.Fprintf(&b, "Personne %d,rang.%d.%s@example.org,police\n", i, i, next())
			}
			return []byte(b.String())
		}
		send := func(b []byte) resp {
			return p.cohortTr.do("POST", "/api/v1/cohorts/"+w.cohort+"/members?lang=fr", b, "Content-Type", "text/csv; charset=utf-8")
		}
		before := count("cohort_invitations")
		r := send(list(limit))
		wantStatus(t, r, 200)
		if n := count("cohort_invitations"); n != before+limit {
			t.Errorf("a list at the limit: %d invitations more, want %d: %.300s", n-before, limit, r.Body)
		}
		before = count("cohort_invitations")
		r = send(list(limit + 1))
		wantProblem(t, r, 400, "")
		if !strings.Contains(string(r.Body), "2000 personnes au plus") {
			t.Errorf("a list past the limit: the answer does not name %d: %.300s", limit, r.Body)
		}
		if n := count("cohort_invitations"); n != before {
			t.Errorf("a refused list stored invitations: %d, want %d", n, before)
		}
	})

	t.Run("course package", func(t *testing.T) { catPackageLimits(t, a, p) })
}

// catPackage is a valid package named by slug: its manifest (padded with a
// comment line to manifestSize bytes when that is not 0), its lesson, and
// extra entries.
func catPackage(t *testing.T, slug string, manifestSize int, extra ...catEntry) []catEntry {
	t.Helper()
	y := strings.Replace(pkgtest.Manifest, "slug: paquet", "slug: "+slug, 1)
	if manifestSize > 0 {
		y += "# " + strings.Repeat("x", manifestSize-len(y)-3) + "\n"
	}
	return append([]catEntry{{name: "course.yaml", body: []byte(y)},
		{name: "01-un/01-lecon.fr.md", body: []byte("---\ntitle: Leçon\nminutes: 5\n---\nTexte.\n")}}, extra...)
}

// catEntry is one entry of a zip catZip writes: deflated from body, or, with
// raw set, its deflated bytes given (the same block stored many times), or
// stored as is.
type catEntry struct {
	name    string
	body    []byte
	raw     *catDeflated
	stored  bool
	symlink bool
}

// catDeflated is a block deflated once.
type catDeflated struct {
	size int
	crc  uint32
	data []byte
}

func deflated(t *testing.T, b []byte) *catDeflated {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(b)
	fw.Close()
	return &catDeflated{size: len(b), crc: crc32.ChecksumIEEE(b), data: buf.Bytes()}
}

func catZip(t *testing.T, entries []catEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var w io.Writer
		var err error
		switch {
		case e.raw != nil:
			w, err = zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: e.raw.crc,
				CompressedSize64: uint64(len(e.raw.data)), UncompressedSize64: uint64(e.raw.size)})
			e.body = e.raw.data
		case e.stored:
			w, err = zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.body),
				CompressedSize64: uint64(len(e.body)), UncompressedSize64: uint64(len(e.body))})
		default:
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
			if e.symlink {
				h.SetMode(fs.ModeSymlink | 0o777)
			}
			w, err = zw.CreateHeader(h)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// catPadded is the zip of entries and one stored entry "x/pad.bin" whose
// size makes fit(archive size, uncompressed total) hold, the smallest such
// pad: each pad byte adds one byte to both.
func catPadded(t *testing.T, entries []catEntry, pad func(size, total int) int) ([]byte, int) {
	t.Helper()
	total := 0
	for _, e := range entries {
		if e.raw != nil {
			total += e.raw.size
		} else {
			total += len(e.body)
		}
	}
	bare := catZip(t, append(entries, catEntry{name: "x/pad.bin", stored: true}))
	n := pad(len(bare), total)
	if n < 0 {
		t.Fatalf("pad %d for a zip of %d bytes, %d uncompressed", n, len(bare), total)
	}
	data := catZip(t, append(entries, catEntry{name: "x/pad.bin", body: make([]byte, n), stored: true}))
	if len(data) != len(bare)+n {
		t.Fatalf("padded zip %d bytes, want %d", len(data), len(bare)+n)
	}
	return data, total + n
}

// catPackageLimits: SECURITY.md UP1 for course packages (U1, U2): each
// limit coursepkg enforces, exactly at it (imported, a course more) and
// one past it (422 or 413 whose message, in French, is the catalogue's
// text naming the limit, and no row written in any table an import writes).
func catPackageLimits(t *testing.T, a *testApp, p catPeople) {
	cat, err := i18n.Load(assets.FS(""))
	if err != nil {
		t.Fatal(err)
	}
	tables := []string{"courses", "course_texts", "modules", "module_texts", "lessons", "lesson_texts",
		"quizzes", "questions", "images", "audit_events"}
	rows := func() map[string]int64 {
		out := map[string]int64{}
		for _, tb := range tables {
			out[tb] = cohortCount(t, a, tb)
		}
		return out
	}
	send := func(data []byte, slug string) resp {
		return p.author.do("POST", "/api/v1/courses/import?lang=fr&slug="+slug, data, "Content-Type", "application/zip")
	}
	type refusal struct {
		status int
		file   string // the problem's file; "" for a whole-request problem (413)
		key    string
		args   []any
		limit  int // the number the message names
	}
	// Over the server's BodyLimit, fasthttp refuses the request from its
	// Content-Length, before reading the body and before any route: only a
	// real socket shows the answer a client gets. The request is sent
	// whole when it is within the limit; past it, its headers only (the
	// server answers and closes: a client still writing would get a
	// reset, not the answer).
	base := a.serve(t)
	sendSocket := func(data []byte, slug string) resp {
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		head := fmt.Sprintf("POST /api/v1/courses/import?lang=fr&slug=%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/zip\r\n"+
			"Authorization: Bearer %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", slug, strings.TrimPrefix(base, "http://"), p.author.Token, len(data))
		req := []byte(head)
		if len(data) <= bodyLimit {
			req = append(req, data...)
		}
		if _, err := conn.Write(req); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{res, b}
	}
	checkVia := func(t *testing.T, send func([]byte, string) resp, data []byte, want *refusal) {
		t.Helper()
		slug := "limite-" + next()
		before := rows()
		r := send(data, slug)
		if want == nil {
			wantStatus(t, r, 201)
			if r.JSON(t)["slug"] != slug {
				t.Errorf("imported %s, want %s", r.Body, slug)
			}
			if n := cohortCount(t, a, "courses"); n != before["courses"]+1 {
				t.Errorf("%d courses after an import, want %d", n, before["courses"]+1)
			}
			return
		}
		m := wantProblem(t, r, want.status, "")
		msg := cat.T("fr", want.key, want.args...)
		if msg == want.key || (want.limit != 0 && !strings.Contains(msg, strconv.Itoa(want.limit))) {
			t.Fatalf("the catalogue's French of %s is %q: it does not name %d", want.key, msg, want.limit)
		}
		found := m["detail"] == msg
		errs, _ := m["errors"].([]any)
		for _, e := range errs {
			e := e.(map[string]any)
			found = found || (e["file"] == want.file && e["message"] == msg)
		}
		if !found {
			t.Errorf("answer does not say %q (file %q): %.600s", msg, want.file, r.Body)
		}
		if after := rows(); !maps.Equal(after, before) {
			t.Errorf("a refused package wrote rows: %v, was %v", after, before)
		}
	}
	check := func(t *testing.T, data []byte, want *refusal) { t.Helper(); checkVia(t, send, data, want) }
	four := deflated(t, make([]byte, coursepkg.MaxPackageFile))
	zeros := func(n int) []catEntry {
		var out []catEntry
		for i := range n {
			out = append(out, catEntry{name: fmt.Sprintf("x/%d.bin", i), raw: four})
		}
		return out
	}

	t.Run("files", func(t *testing.T) {
		files := func(n int) []byte {
			var es []catEntry
			for i := range n - 2 {
				es = append(es, catEntry{name: fmt.Sprintf("x/%d.txt", i)})
			}
			return catZip(t, catPackage(t, "paquet", 0, es...))
		}
		check(t, files(coursepkg.MaxPackageFiles), nil)
		check(t, files(coursepkg.MaxPackageFiles+1), &refusal{422, "(zip)", "pkg.too_many_files",
			[]any{coursepkg.MaxPackageFiles + 1, coursepkg.MaxPackageFiles}, coursepkg.MaxPackageFiles})
	})
	t.Run("one file", func(t *testing.T) {
		check(t, catZip(t, catPackage(t, "paquet", 0, catEntry{name: "x/max.bin", raw: four})), nil)
		past := deflated(t, make([]byte, coursepkg.MaxPackageFile+1))
		check(t, catZip(t, catPackage(t, "paquet", 0, catEntry{name: "x/trop.bin", raw: past})), &refusal{422, "x/trop.bin",
			"pkg.file_too_large", []any{uint64(coursepkg.MaxPackageFile + 1), coursepkg.MaxPackageFile}, coursepkg.MaxPackageFile})
	})
	t.Run("all files", func(t *testing.T) {
		// 15 files of 4 MiB and a stored pad up to exactly the limit.
		es := catPackage(t, "paquet", 0, zeros(coursepkg.MaxPackageSize/coursepkg.MaxPackageFile-1)...)
		at, total := catPadded(t, es, func(_, total int) int { return coursepkg.MaxPackageSize - total })
		if total != coursepkg.MaxPackageSize {
			t.Fatalf("built %d bytes uncompressed", total)
		}
		check(t, at, nil)
		past, _ := catPadded(t, es, func(_, total int) int { return coursepkg.MaxPackageSize + 1 - total })
		check(t, past, &refusal{422, "(zip)", "pkg.too_large", []any{uint64(coursepkg.MaxPackageSize + 1), coursepkg.MaxPackageSize}, coursepkg.MaxPackageSize})
	})
	t.Run("zip bomb ratio", func(t *testing.T) {
		// Three files of 4 MiB of zeros (past RatioFreeSize, 4 KiB each
		// deflated) and a stored pad: the smallest pad that keeps the
		// total within MaxPackageRatio times the archive, then one less.
		const ratio = coursepkg.MaxPackageRatio
		es := catPackage(t, "paquet", 0, zeros(coursepkg.RatioFreeSize/coursepkg.MaxPackageFile+1)...)
		at, total := catPadded(t, es, func(size, total int) int { return (total - ratio*size + ratio - 2) / (ratio - 1) })
		if total > ratio*len(at) || total <= coursepkg.RatioFreeSize {
			t.Fatalf("built %d bytes from %d", total, len(at))
		}
		check(t, at, nil)
		past, pastTotal := catPadded(t, es, func(size, total int) int { return (total-ratio*size+ratio-2)/(ratio-1) - 1 })
		if pastTotal <= ratio*len(past) {
			t.Fatalf("built %d bytes from %d: not past %d:1", pastTotal, len(past), ratio)
		}
		check(t, past, &refusal{422, "(zip)", "pkg.ratio", []any{uint64(pastTotal), len(past), ratio}, ratio})
	})
	t.Run("request body", func(t *testing.T) {
		// The server's BodyLimit (8 MiB): a package of exactly that many
		// bytes (two stored files within MaxPackageFile), then one more.
		es := catPackage(t, "paquet", 0, catEntry{name: "x/stored.bin", body: make([]byte, coursepkg.MaxPackageFile), stored: true})
		at, _ := catPadded(t, es, func(size, _ int) int { return bodyLimit - size })
		if len(at) != bodyLimit {
			t.Fatalf("built %d bytes", len(at))
		}
		checkVia(t, sendSocket, at, nil)
		past, _ := catPadded(t, es, func(size, _ int) int { return bodyLimit + 1 - size })
		checkVia(t, sendSocket, past, &refusal{413, "", "err.body_too_large", []any{bodyLimit >> 10}, bodyLimit >> 10})
	})
	t.Run("manifest", func(t *testing.T) {
		check(t, catZip(t, catPackage(t, "paquet", coursepkg.MaxManifestSize)), nil)
		check(t, catZip(t, catPackage(t, "paquet", coursepkg.MaxManifestSize+1)), &refusal{422, "course.yaml", "pkg.manifest_large",
			[]any{coursepkg.MaxManifestSize + 1, coursepkg.MaxManifestSize}, coursepkg.MaxManifestSize})
	})
	t.Run("YAML", func(t *testing.T) {
		es := catPackage(t, "paquet", 0)
		laughs := "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		for i := 1; i <= 9; i++ {
			laughs += fmt.Sprintf("lol%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
		}
		es[0].body = append(es[0].body, laughs...)
		check(t, catZip(t, es), &refusal{422, "course.yaml", "pkg.yaml_nodes", []any{coursepkg.MaxYAMLNodes}, coursepkg.MaxYAMLNodes})
		es = catPackage(t, "paquet", 0)
		es[1].body = []byte("---\ntitle: Leçon\nx: " + strings.Repeat("[", coursepkg.MaxYAMLDepth+1) + strings.Repeat("]", coursepkg.MaxYAMLDepth+1) + "\n---\nTexte.\n")
		check(t, catZip(t, es), &refusal{422, "01-un/01-lecon.fr.md", "pkg.yaml_depth", []any{coursepkg.MaxYAMLDepth}, coursepkg.MaxYAMLDepth})
	})
	t.Run("names", func(t *testing.T) {
		for _, c := range []struct {
			entry catEntry
			key   string
		}{
			{catEntry{name: "../../evil.md", body: []byte("x")}, "pkg.leaves"},
			{catEntry{name: "01-un/../../evil.md", body: []byte("x")}, "pkg.leaves"},
			{catEntry{name: "/etc/evil", body: []byte("x")}, "pkg.absolute"},
			{catEntry{name: "01-un/lien.fr.md", body: []byte("/etc/passwd"), symlink: true}, "pkg.symlink"},
			{catEntry{name: "01-un/01-lecon.fr.md", body: []byte("---\ntitle: Autre\n---\nUn autre texte.\n")}, "pkg.duplicate"},
		} {
			check(t, catZip(t, catPackage(t, "paquet", 0, c.entry)), &refusal{422, c.entry.name, c.key, nil, 0})
		}
	})
	t.Run("nested zip", func(t *testing.T) {
		// A zip bomb inside the package: a file like another, never
		// opened; the course has its one lesson.
		inner := catZip(t, zeros(coursepkg.MaxPackageSize/coursepkg.MaxPackageFile))
		before := cohortCount(t, a, "lessons")
		check(t, catZip(t, catPackage(t, "paquet", 0, catEntry{name: "x/bombe.zip", body: inner})), nil)
		if n := cohortCount(t, a, "lessons"); n != before+1 {
			t.Errorf("%d lessons more, want 1", n-before)
		}
	})
}
