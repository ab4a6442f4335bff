package certs

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"tadrib/certs/pdf"
	"tadrib/internal/web"
)

// unprintable turns the PDF's refusal of a holder's name (a character the
// certificate font cannot draw, a name too long for its box) into a client
// error on the name's field (prefix + "name" or "name_ar"), instead of a 500.
// Any other error is returned as it is.
func unprintable(err error, prefix string) error {
	if err == nil {
		return nil
	}
	var mg *pdf.MissingGlyphError
	if errors.As(err, &mg) {
		field := map[string]string{"HolderName": "name", "HolderNameAr": "name_ar"}[mg.Field]
		if field == "" {
			return err // course titles and issuer names are ours to fix, not the client's
		}
		return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "certs.err.unprintable", Cause: err,
			Fields: []web.FieldError{web.Field(prefix+field, "certs.err.glyph", fmt.Sprintf("%c (U+%04X)", mg.Rune, mg.Rune))}}
	}
	var tl *pdf.TooLongError
	if errors.As(err, &tl) {
		return &web.Error{Status: fiber.StatusUnprocessableEntity, Key: "certs.err.unprintable", Cause: err,
			Fields: []web.FieldError{web.Field(prefix+"name", "certs.err.name_long")}}
	}
	return err
}
