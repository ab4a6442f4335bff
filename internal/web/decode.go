package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/markdown"
)

// DecodeJSON reads a JSON object body into v. A body that is not JSON, not an
// object, or has a field of the wrong type is a 400 naming the field; a body
// sent as anything but application/json is a 415 (so a cross-site HTML form
// can never reach a JSON endpoint).
func DecodeJSON(c *fiber.Ctx, v any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		body = []byte("{}")
	} else if !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return Errorf(fiber.StatusUnsupportedMediaType, "err.media_type")
	}
	if body[0] != '{' {
		return Invalid(Field("body", "err.json_object"))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Invalid(Field(te.Field, "err.json_type", te.Value))
		}
		return Invalid(Field("body", "err.json"))
	}
	return nil
}

// EncodeJSON writes JSON responses. It leaves <, > and & as they are:
// escaping them (encoding/json's default) protects JSON pasted into an HTML
// script, which nothing here does, and it costs time and bytes on every
// lesson (its HTML grew by a third).
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// PostValue returns a field of a posted form (URL-encoded or multipart),
// never of the query string: fasthttp's FormValue reads the query first, so a
// value checked by one piece of code and used by another could differ.
func PostValue(c *fiber.Ctx, key string) string {
	if v := c.Request().PostArgs().Peek(key); v != nil {
		return string(v)
	}
	if f, err := c.Request().MultipartForm(); err == nil {
		if vs := f.Value[key]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// MaxBody refuses a request body above n bytes with a 413 naming the limit.
// The server's BodyLimit is sized for imports; routes anyone may call
// without an account (sign-in, registration, invitations) need a few
// hundred bytes, and what they receive may become a stored key.
func MaxBody(n int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Request().Body()) > n {
			return Errorf(fiber.StatusRequestEntityTooLarge, "err.body_too_large", n>>10)
		}
		return c.Next()
	}
}

// PlainBodies refuses request bodies sent with a Content-Encoding (415).
// Fiber's c.Body() inflates gzip, deflate and brotli without any bound, so a
// few megabytes within BodyLimit could become gigabytes in memory; no client
// of Tadrib compresses what it sends.
func PlainBodies() fiber.Handler {
	return func(c *fiber.Ctx) error {
		ce := strings.TrimSpace(strings.ToLower(c.Get(fiber.HeaderContentEncoding)))
		if ce != "" && ce != "identity" {
			return Errorf(fiber.StatusUnsupportedMediaType, "err.content_encoding")
		}
		return c.Next()
	}
}

// MarkdownField is the field error of a Markdown text that markdown.ToHTML
// refused: the bound it broke, or that it could not be read.
func MarkdownField(field string, err error) FieldError {
	var le *markdown.LimitError
	if errors.As(err, &le) {
		return Field(field, le.Key, le.Args...)
	}
	return Field(field, "err.markdown")
}
