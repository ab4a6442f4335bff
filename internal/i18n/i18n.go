// Package i18n holds the interface strings in French (the default), Arabic and
// English, picks a language for a request, and knows each language's writing
// direction.
//
// Catalogs are flat JSON objects in assets/i18n/<lang>.json. A key missing in
// one language falls back to French, then to the key itself, so a forgotten
// translation shows up as a readable slip rather than a crash; a test checks
// that no key is missing.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Default is the language used when nothing else decides.
const Default = "fr"

// Languages are the supported languages, the default first.
var Languages = []string{"fr", "ar", "en"}

var matcher = language.NewMatcher([]language.Tag{language.French, language.Arabic, language.English})

// Catalog is the set of translations. It is read-only once loaded, so it is
// safe for concurrent use without a lock.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads, for every supported language, i18n/<lang>.json and every
// i18n/<area>.<lang>.json beside it (each feature keeps its own strings in
// its own files). A key defined twice for one language is an error.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		files, err := fs.Glob(fsys, "i18n/*."+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		for _, name := range append([]string{"i18n/" + lang + ".json"}, files...) {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is already defined for %s", name, k, lang)
				}
				m[k] = v
			}
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// T translates key into lang. With args, the message is a fmt format; an
// argument that is a Msg is translated into lang first, so that a message
// can name a part of a document ("module 2") in the reader's language.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.msgs[lang][key]
	if !ok {
		if msg, ok = c.msgs[Default][key]; !ok {
			msg = key
		}
	}
	if len(args) > 0 && strings.Contains(msg, "%") {
		copied := false
		for i, a := range args {
			if m, ok := a.(Msg); ok {
				if !copied {
					args, copied = append([]any(nil), args...), true // the caller's slice stays as it was
				}
				args[i] = c.T(lang, m.Key, m.Args...)
			}
		}
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Msg is a message not yet translated: a key and its arguments (which may be
// Msgs themselves). Code that finds a problem without knowing the reader's
// language (a parser) returns Msgs; the handler translates them with T.
type Msg struct {
	Key  string
	Args []any
}

// M builds a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

var tags = map[string]language.Tag{"fr": language.French, "ar": language.Arabic, "en": language.English}

// pluralForms names CLDR's plural categories as catalog key suffixes.
var pluralForms = map[plural.Form]string{
	plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other",
}

// N translates a message that depends on a count n, by CLDR's plural rules
// for lang (Arabic has six forms, French and English two): it uses the key
// "key#form", else "key#other", else "key". args are the format's arguments.
func (c *Catalog) N(lang, key string, n int, args ...any) string {
	form := pluralForms[plural.Cardinal.MatchPlural(tags[lang], n, 0, 0, 0, 0)]
	for _, k := range []string{key + "#" + form, key + "#other"} {
		if _, ok := c.msgs[lang][k]; ok {
			return c.T(lang, k, args...)
		}
	}
	return c.T(lang, key, args...)
}

// Missing lists, per language, the keys that French has and it lacks.
func (c *Catalog) Missing() map[string][]string {
	out := map[string][]string{}
	for _, lang := range Languages[1:] {
		for k := range c.msgs[Default] {
			if strings.Contains(k, "#") {
				k = k[:strings.Index(k, "#")] + "#other" // plural forms differ by language; "other" is the one each needs
			}
			if _, ok := c.msgs[lang][k]; !ok {
				out[lang] = append(out[lang], k)
			}
		}
	}
	return out
}

// Keys returns the keys of the default catalog.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs[Default]))
	for k := range c.msgs[Default] {
		keys = append(keys, k)
	}
	return keys
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// FromAcceptLanguage picks the best supported language for an
// Accept-Language header, or Default.
func FromAcceptLanguage(header string) string {
	if strings.TrimSpace(header) == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages[idx]
}

// Dir is the writing direction of lang: "rtl" for Arabic, "ltr" otherwise.
func Dir(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}
