package i18n_test

import (
	"testing"

	"tadrib/assets"
	"tadrib/internal/i18n"
)

func TestCatalogsAreComplete(t *testing.T) {
	c, err := i18n.Load(assets.FS(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) < 20 {
		t.Fatalf("the French catalog has only %d keys", len(c.Keys()))
	}
	for lang, keys := range c.Missing() {
		t.Errorf("%s lacks %d keys: %v", lang, len(keys), keys)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                        "fr",
		"ar-MA,ar;q=0.9,fr;q=0.8": "ar",
		"en-US,en;q=0.9":          "en",
		"fr-FR":                   "fr",
		"de-DE":                   "fr",
		"es;q=0.9, en;q=0.8":      "en",
		"zz;q=garbage, ,,,;;;":    "fr",
	}
	for header, want := range cases {
		if got := i18n.FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestDir(t *testing.T) {
	if i18n.Dir("ar") != "rtl" || i18n.Dir("fr") != "ltr" || i18n.Dir("en") != "ltr" {
		t.Error("Dir: Arabic must be rtl, French and English ltr")
	}
}
