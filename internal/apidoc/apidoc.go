// Package apidoc holds the contract of Tadrib's JSON API: an OpenAPI 3.1
// document (openapi.json) describing every route under /api/v1 and the
// public verification and operations routes, served at
// GET /api/v1/openapi.json. cmd/tadrib's tests check it against the routes
// the app mounts; this package's tests check its shape.
//
// The document is written by hand: a route added, removed or changed is
// changed here in the same commit, and the tests say when it is not.
package apidoc

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"
)

// Document is the OpenAPI document, as served.
//
//go:embed openapi.json
var Document []byte

// Path is where the document is served.
const Path = "/api/v1/openapi.json"

// etag names this build's document, so that clients revalidate cheaply.
var etag = func() string {
	sum := sha256.Sum256(Document)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// Handler serves the document to anyone. It is the same for every client
// and changes only with a new build: public, cacheable for an hour, with
// an ETag.
func Handler(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(Document)
}
