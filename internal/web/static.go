package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
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
		s.files[strings.TrimPrefix(p, "static/")] = staticFile{body: b, ctype: ctype, hash: hex.EncodeToString(sum[:6])}
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
	c.Set(fiber.HeaderETag, `"`+f.hash+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+f.hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	return c.Send(f.body)
}
