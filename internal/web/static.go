package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Static serves assets/static. Each file's URL carries a hash of its content
// (?v=…), so browsers may cache it for a year: a slow phone connection
// downloads the stylesheet once.
type Static struct {
	files map[string]staticFile
}

type staticFile struct {
	body  []byte
	ctype string
	hash  string
	// br and gz are the body compressed once, at start-up, with the best
	// level of each (nil when that does not make it smaller): the
	// per-request compression of pages uses a faster level, which made the
	// stylesheet larger in brotli than in gzip -9 (issue 11, point 11).
	br, gz []byte
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
	s := &Static{files: map[string]staticFile{}}
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
		f := staticFile{body: b, ctype: ctype, hash: hex.EncodeToString(sum[:6])}
		if compressible(ctype) {
			f.br, f.gz = precompress(b, "br"), precompress(b, "gzip")
		}
		s.files[strings.TrimPrefix(p, "static/")] = f
		return nil
	})
	return s, err
}

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
	if f.br != nil || f.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		ae := c.Request().Header.Peek(fiber.HeaderAcceptEncoding)
		switch {
		case f.br != nil && acceptsEncoding(ae, "br"):
			body, enc = f.br, "br"
		case f.gz != nil && acceptsEncoding(ae, "gzip"):
			body, enc = f.gz, "gzip"
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
