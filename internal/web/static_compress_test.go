package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// TestStaticPrecompressed: once packed (in the background, from start-up),
// a text file is served compressed as the client accepts (brotli before gzip, none when refused with q=0), from bodies
// compressed once at the best level: smaller than what a per-request
// fast level makes, and the same file once decoded. Each encoding has its
// own ETag, and any of them revalidates.
func TestStaticPrecompressed(t *testing.T) {
	t.Parallel()
	css := []byte(strings.Repeat(".card { border: 1px solid var(--line); padding: 1rem; }\n.tag-"+"x { color: #123; }\n", 60))
	for i := range css { // some variety, so that levels differ
		if css[i] == 'x' {
			css[i] = byte('a' + i%26)
		}
	}
	st, err := NewStatic(fstest.MapFS{"static/app.css": {Data: css}, "static/logo.png": {Data: bytes.Repeat([]byte{1}, 4096)}})
	if err != nil {
		t.Fatal(err)
	}
	st.Packed()
	app := fiber.New()
	app.Get("/static/*", st.Handler)
	get := func(path string, header ...string) ([]byte, map[string]string) {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		h := map[string]string{"status": res.Status}
		for _, k := range []string{"Content-Encoding", "Vary", "ETag", "Content-Type"} {
			h[k] = res.Header.Get(k)
		}
		return buf.Bytes(), h
	}

	br, h := get("/static/app.css", "Accept-Encoding", "gzip, deflate, br")
	if h["Content-Encoding"] != "br" || !strings.Contains(h["Vary"], "Accept-Encoding") {
		t.Fatalf("a browser accepting brotli got %v", h)
	}
	if plain, err := fasthttp.AppendUnbrotliBytes(nil, br); err != nil || !bytes.Equal(plain, css) {
		t.Fatalf("the brotli body does not decode to the file (%v)", err)
	}
	fast := fasthttp.AppendBrotliBytesLevel(nil, css, fasthttp.CompressBrotliBestSpeed)
	if len(br) >= len(fast) {
		t.Errorf("precompressed brotli is %d bytes, not smaller than the fast level's %d", len(br), len(fast))
	}
	brTag := h["ETag"]

	gz, h := get("/static/app.css", "Accept-Encoding", "br;q=0, gzip")
	if h["Content-Encoding"] != "gzip" {
		t.Fatalf("brotli refused with q=0, gzip accepted: got %v", h)
	}
	if plain, err := fasthttp.AppendGunzipBytes(nil, gz); err != nil || !bytes.Equal(plain, css) {
		t.Fatalf("the gzip body does not decode to the file (%v)", err)
	}
	if h["ETag"] == brTag {
		t.Errorf("the gzip and brotli bodies share the ETag %s", brTag)
	}
	body, h := get("/static/app.css")
	if h["Content-Encoding"] != "" || !bytes.Equal(body, css) {
		t.Errorf("a client accepting no encoding got %v", h)
	}
	if _, h := get("/static/app.css", "Accept-Encoding", "br", "If-None-Match", brTag); h["status"] != "304 Not Modified" {
		t.Errorf("revalidating the brotli body: %s", h["status"])
	}
	if _, h := get("/static/logo.png", "Accept-Encoding", "br, gzip"); h["Content-Encoding"] != "" {
		t.Errorf("an image was compressed again: %v", h)
	}
}
