package pdf

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	pngenc "image/png"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"tadrib/certs/rtl"
)

// The same certificate must give the same bytes (its SHA-256 is recorded
// at issuance), from the same renderer or a new one.
func TestRenderIsDeterministic(t *testing.T) {
	c := sample()
	a := render(t, newRenderer(t), c)
	b := render(t, newRenderer(t), c)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same certificate differ")
	}
	c.IssuedAt = c.IssuedAt.Add(time.Second)
	if bytes.Equal(a, render(t, newRenderer(t), c)) {
		t.Fatal("a different issue time gave the same bytes: dates not taken from IssuedAt?")
	}
}

func TestRenderConcurrently(t *testing.T) {
	r := newRenderer(t)
	want := render(t, r, sample())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			b, err := r.Render(sample())
			if err == nil && !bytes.Equal(b, want) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRenderRefusesUnprintableText(t *testing.T) {
	r := newRenderer(t)
	tests := []struct {
		name  string
		edit  func(*Certificate)
		field string
		rune  rune
	}{
		{"Chinese in the Arabic name", func(c *Certificate) { c.HolderNameAr = "فاطمة 王" }, "HolderNameAr", '王'},
		{"emoji beyond the BMP", func(c *Certificate) { c.HolderName = "Anna 🙂" }, "HolderName", '🙂'},
		{"Tifinagh title", func(c *Certificate) { c.CourseTitle = map[string]string{"fr": "ⵜⴰⴳⵍⴷⵉⵜ"} }, "CourseTitle", 'ⵜ'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sample()
			tt.edit(&c)
			_, err := r.Render(c)
			var mg *MissingGlyphError
			if !errors.As(err, &mg) || mg.Field != tt.field || mg.Rune != tt.rune {
				t.Fatalf("err = %v, want a MissingGlyphError for %s %q", err, tt.field, tt.rune)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name the field", err)
			}
		})
	}
}

func TestRenderRefusesIncompleteCertificates(t *testing.T) {
	r := newRenderer(t)
	for name, edit := range map[string]func(*Certificate){
		"no name":      func(c *Certificate) { c.HolderName, c.HolderNameAr = " ", "" },
		"no title":     func(c *Certificate) { c.CourseTitle = nil },
		"no code":      func(c *Certificate) { c.Code = "" },
		"no URL":       func(c *Certificate) { c.VerifyURL = "" },
		"invalid utf8": func(c *Certificate) { c.HolderName = "A\xffB" },
		"huge name":    func(c *Certificate) { c.HolderName = strings.Repeat("Abcdefghij ", 200) },
	} {
		c := sample()
		edit(&c)
		if _, err := r.Render(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestRenderTooLongIsTyped: a name too long for its box is a *TooLongError,
// which package certs turns into a 422 on the name's field with errors.As.
func TestRenderTooLongIsTyped(t *testing.T) {
	t.Parallel()
	r := newRenderer(t)
	c := sample()
	c.HolderName = strings.Repeat("Abcdefghij ", 200)
	_, err := r.Render(c)
	var tl *TooLongError
	if !errors.As(err, &tl) || tl.Text != c.HolderName {
		t.Fatalf("Render of a huge name: %v (%T), want a *TooLongError carrying the name", err, err)
	}
}

func TestRenderVariants(t *testing.T) {
	r := newRenderer(t)
	// Only an Arabic name, only an Arabic title, English fallback title,
	// unknown profession: all render.
	for name, edit := range map[string]func(*Certificate){
		"arabic name only":   func(c *Certificate) { c.HolderName = "" },
		"arabic title only":  func(c *Certificate) { c.CourseTitle = map[string]string{"ar": "حماية الطفولة"} },
		"english title only": func(c *Certificate) { c.CourseTitle = map[string]string{"en": "Child protection"} },
		"unknown profession": func(c *Certificate) { c.Profession = "astronaut" },
		"fractional hours":   func(c *Certificate) { c.Hours = 7.5 },
	} {
		c := sample()
		edit(&c)
		if _, err := r.Render(c); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNewChecksIssuer(t *testing.T) {
	if _, err := New(Issuer{Name: "X", Logo: []byte("GIF89a not a png")}); err == nil {
		t.Error("a GIF logo was accepted")
	}
	var mg *MissingGlyphError
	if _, err := New(Issuer{Name: "X", Signatory: "李"}); !errors.As(err, &mg) {
		t.Errorf("err = %v, want MissingGlyphError", err)
	}
}

// Every fixed label must be printable with the embedded fonts.
func TestLabelsArePrintable(t *testing.T) {
	r := newRenderer(t)
	for lang, l := range wording {
		for _, s := range append([]string{l.title, l.awarded, l.profession, l.completed, l.duration, l.issued,
			l.expires, l.code, l.verify, l.signature}, l.months[:]...) {
			if err := r.check(lang, s); err != nil {
				t.Error(err)
			}
		}
	}
	for code, tr := range professions {
		for lang := range wording {
			if tr[lang] == "" {
				t.Errorf("profession %s has no %s translation", code, lang)
			}
			if err := r.check(code, tr[lang]); err != nil {
				t.Error(err)
			}
		}
	}
}

func TestFormats(t *testing.T) {
	d := time.Date(2025, 8, 3, 23, 30, 0, 0, time.FixedZone("x", -2*3600)) // 4 Aug in UTC
	for _, tt := range []struct{ got, want string }{
		{date(d, "fr"), "4 août 2025"},
		{date(d, "en"), "4 August 2025"},
		{date(d, "ar"), "4 غشت 2025"},
		{hours(24, "fr"), "24 heures"},
		{hours(1.5, "fr"), "1,5 heure"},
		{hours(1, "en"), "1 hour"},
		{hours(7.5, "en"), "7.5 hours"},
		{hours(1, "ar"), "ساعة واحدة"},
		{hours(2, "ar"), "ساعتان"},
		{hours(5, "ar"), "5 ساعات"},
		{hours(24, "ar"), "24 ساعة"},
		{groupCode("P2FMTMMQK7XWD4BZ3LNA6YHC5E"), "P2FM-TMMQ-K7XW-D4BZ-3LNA-6YHC-5E"},
		{groupCode("ABCD"), "ABCD"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// fit must never return lines wider than the box or taller than it, for any
// text: that is what keeps fields from overlapping each other.
func TestFitNeverOverflows(t *testing.T) {
	r := newRenderer(t)
	f := fpdf.New("L", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", r.regular.data)
	f.AddPage()
	words := []string{"فاطمة", "الزهراء", "بنعلي", "Hélène", "Dupré-Benali", "de", "la", "Tour", "24", "(ساعة)", "Anticonstitutionnellement"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		n := 1 + rnd.IntN(25)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = words[rnd.IntN(len(words))]
		}
		fl := field{text: strings.Join(parts, " "), dir: rtl.Direction(i % 2), style: "B", size: 28, maxLines: 2}
		b := box{20, 75, 30 + rnd.Float64()*230, 15, alignCenter}
		lines, size, err := fit(f, fl, b)
		if err != nil {
			continue // too long even at the smallest size: Render reports it
		}
		if h := float64(len(lines)) * size * ptToMM * lineGap; h > b.h+0.01 || len(lines) > 2 {
			t.Fatalf("%q: %d lines, %.1f mm high in a %.1f mm box", fl.text, len(lines), h, b.h)
		}
		for _, l := range lines {
			if w := f.GetStringWidth(l); w > b.w {
				t.Fatalf("%q: line %.1f mm wide in a %.1f mm box", l, w, b.w)
			}
		}
	}
}

func TestDirOf(t *testing.T) {
	for s, want := range map[string]rtl.Direction{"Nadia": rtl.LTR, "نادية العمراني": rtl.RTL, "12 نادية": rtl.RTL, "": rtl.LTR, "Émile": rtl.LTR} {
		if got := dirOf(s); got != want {
			t.Errorf("dirOf(%q) = %v, want %v", s, got, want)
		}
	}
}

// A PNG logo from configuration is drawn; a JPEG one too.
func TestRenderWithLogo(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for x := range 60 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{24, 48, 92, 255})
		}
	}
	var png, jpg bytes.Buffer
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	plain := render(t, newRenderer(t), sample())
	for name, logo := range map[string][]byte{"png": png.Bytes(), "jpeg": jpg.Bytes()} {
		is := issuer()
		is.Logo = logo
		r, err := New(is)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b := render(t, r, sample())
		if !bytes.Contains(b, []byte("/Subtype /Image")) || bytes.Contains(plain, []byte("/Subtype /Image")) {
			t.Errorf("%s: logo image not embedded", name)
		}
	}
}
