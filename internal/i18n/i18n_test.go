package i18n

import (
	"strings"
	"testing"
	"testing/fstest"

	"tadrib/assets"
)

func TestCatalogsAreComplete(t *testing.T) {
	c, err := Load(assets.FS(""))
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
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestDir(t *testing.T) {
	if Dir("ar") != "rtl" || Dir("fr") != "ltr" || Dir("en") != "ltr" {
		t.Error("Dir: Arabic must be rtl, French and English ltr")
	}
}

func TestPlurals(t *testing.T) {
	c, err := Load(assets.FS(""))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"fr", 1, "1 leçon terminée sur 12"},
		{"fr", 2, "2 leçons terminées sur 12"},
		{"en", 1, "1 of 12 lessons done"},
		{"ar", 1, "أنهيت درسًا واحدًا من 12"},
		{"ar", 2, "أنهيت درسين من 12"},
		{"ar", 3, "أنهيت 3 دروس من 12"},
		{"ar", 11, "أنهيت 11 درسًا من 12"},
	}
	for _, tc := range cases {
		if got := c.N(tc.lang, "dashboard.lessons", tc.n, tc.n, 12); got != tc.want {
			t.Errorf("N(%s, dashboard.lessons, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got := c.N("ar", "course.minutes", 8, 8); got != "8 دقائق" {
		t.Errorf("8 minutes in Arabic = %q", got)
	}
}

func TestAreaCatalogsMergeAndDuplicatesFail(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, lang := range Languages {
		fsys["i18n/"+lang+".json"] = &fstest.MapFile{Data: []byte(`{"a": "A"}`)}
		fsys["i18n/certs."+lang+".json"] = &fstest.MapFile{Data: []byte(`{"b": "B"}`)}
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c.T("ar", "b") != "B" {
		t.Errorf("a key from an area file is not found: %q", c.T("ar", "b"))
	}
	fsys["i18n/cohorts.en.json"] = &fstest.MapFile{Data: []byte(`{"a": "again"}`)}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("a key defined twice should be an error naming it, got %v", err)
	}
}
