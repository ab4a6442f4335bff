package pdf

import (
	"fmt"
	"io/fs"

	"golang.org/x/image/font/sfnt"

	"tadrib/assets"
)

// face is one embedded TrueType font and the set of runes it can draw.
type face struct {
	data []byte
	// covers is a bitset over the Basic Multilingual Plane: fpdf maps CID
	// = code point through a 65,536-entry CIDToGIDMap, so runes beyond
	// U+FFFF cannot be printed with any font.
	covers [1 << 16 / 64]uint64
}

// loadFace reads an embedded font and records its coverage once, so that
// Render can refuse a name the font would print as empty boxes (fpdf draws
// .notdef silently).
func loadFace(name string) (*face, error) {
	data, err := fs.ReadFile(assets.FS(""), "fonts/"+name)
	if err != nil {
		return nil, fmt.Errorf("certs/pdf: font %s: %w", name, err)
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("certs/pdf: font %s: %w", name, err)
	}
	fc := &face{data: data}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 1<<16; r++ {
		if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
			fc.covers[r/64] |= 1 << (r % 64)
		}
	}
	return fc, nil
}

func (f *face) has(r rune) bool {
	return r >= 0 && r < 1<<16 && f.covers[r/64]&(1<<(r%64)) != 0
}

// MissingGlyphError reports text the certificate fonts cannot draw.
type MissingGlyphError struct {
	Field string // which certificate field, e.g. "HolderNameAr"
	Rune  rune
}

func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("certs/pdf: %s contains %q (U+%04X), which the certificate font (Amiri) cannot print", e.Field, e.Rune, e.Rune)
}
