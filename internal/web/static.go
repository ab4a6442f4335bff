package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Static serves assets/static. Each file's URL carries a hash of its content
// (?v=…), so browsers may cache it for a year: a slow phone connection
// downloads the stylesheet once.
type Static struct {
	files map[string]staticFile
	// packed holds the compressed bodies once they are ready: brotli at
	// its best level takes seconds for the whole folder (far more under the
	// race detector), so it runs in the background and start-up does not
	// wait; until then the compression middleware compresses per request.
	packed atomic.Pointer[map[string]packedFile]
	ready  chan struct{}
}

// packedFile is a file's body compressed once with the best level of each
// encoding (nil when that does not make it smaller): the per-request
// compression of pages uses a faster level, which made the stylesheet
// larger in brotli than in gzip -9 (issue 11, point 11).
type packedFile struct{ br, gz []byte }

type staticFile struct {
	body  []byte
	ctype string
	hash  string
}

// compressible are the types worth compressing (text); fonts and images
// are compressed already.
func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// precompress returns body compressed by enc at its best level, or nil
// when that is not smaller.
func precompress(body []byte, enc string) []byte {
	var out []byte
	switch enc {
	case "br":
		out = fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliBestCompression)
	case "gzip":
		out = fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressBestCompression)
	}
	if len(out) >= len(body) {
		return nil
	}
	return out
}

// NewStatic reads every file under static/ in fsys.
func NewStatic(fsys fs.FS) (*Static, error) {
	s := &Static{files: map[string]staticFile{}, ready: make(chan struct{})}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.files[strings.TrimPrefix(p, "static/")] = staticFile{body: b, ctype: ctype, hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		return s, err
	}
	go s.pack()
	return s, nil
}

// packedByContent keeps each compressed body by the SHA-256 of its content for the
// life of the process. A server builds one Static; a test binary builds
// hundreds from the same files, and each paid seconds of brotli at its
// best level (far more under -race) in the background of every test.
var packedByContent sync.Map // [32]byte → packedFile

// pack compresses the text files, then publishes them all at once.
func (s *Static) pack() {
	defer close(s.ready)
	m := map[string]packedFile{}
	for name, f := range s.files {
		if !compressible(f.ctype) {
			continue
		}
		sum := sha256.Sum256(f.body)
		if p, ok := packedByContent.Load(sum); ok {
			m[name] = p.(packedFile)
			continue
		}
		p := packedFile{br: precompress(f.body, "br"), gz: precompress(f.body, "gzip")}
		packedByContent.Store(sum, p)
		m[name] = p
	}
	s.packed.Store(&m)
}

// Packed waits until the compressed bodies are ready (tests; serving never
// waits).
func (s *Static) Packed() { <-s.ready }

// URL returns the versioned URL of a static file.
func (s *Static) URL(name string) string {
	if f, ok := s.files[name]; ok {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

// Handler serves GET /static/*.
func (s *Static) Handler(c *fiber.Ctx) error {
	f, ok := s.files[c.Params("*")]
	if !ok {
		return ErrNotFound
	}
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	body, enc := f.body, ""
	var pf packedFile
	if m := s.packed.Load(); m != nil {
		pf = (*m)[c.Params("*")]
	}
	if pf.br != nil || pf.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		ae := c.Request().Header.Peek(fiber.HeaderAcceptEncoding)
		switch {
		case pf.br != nil && acceptsEncoding(ae, "br"):
			body, enc = pf.br, "br"
		case pf.gz != nil && acceptsEncoding(ae, "gzip"):
			body, enc = pf.gz, "gzip"
		}
	}
	// Each encoding is its own representation, with its own tag; any of
	// them revalidates, since they all hold the same file.
	etag := `"` + f.hash + `"`
	if enc != "" {
		etag = `"` + f.hash + "-" + enc + `"`
	}
	c.Set(fiber.HeaderETag, etag)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, `"`+f.hash) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	if enc != "" {
		// The compression middleware leaves a body that has an encoding.
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	return c.Send(body)
}

// acceptsEncoding reports whether an Accept-Encoding header names enc
// without refusing it (q=0).
func acceptsEncoding(header []byte, enc string) bool {
	for _, part := range strings.Split(string(header), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
