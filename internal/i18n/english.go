package i18n

import (
	"fmt"
	"maps"
	"sync"
)

// Parsers (GIFT, course packages) find problems before anyone knows the
// reader's language: they return Msgs, which handlers translate with
// Catalog.T. Their English is also kept with the code, registered here, so
// that the text of an error (a log line, a seed that fails to load, a
// parser's own tests) reads as a sentence without the catalogue; a test
// holds assets/i18n/*.en.json to the same text (quiz and coursepkg's
// imports_catalog_test.go).
var (
	englishMu sync.RWMutex
	english   = map[string]string{}
)

// RegisterEnglish adds the English of keys; a package calls it from a
// variable initialiser. It returns its argument.
func RegisterEnglish(m map[string]string) map[string]string {
	englishMu.Lock()
	defer englishMu.Unlock()
	maps.Copy(english, m)
	return m
}

// English writes key and args in English from the registered texts, nested
// Msgs included; a key nobody registered is written as the key (followed by
// its arguments), so that a slip shows.
func English(key string, args ...any) string {
	englishMu.RLock()
	f, ok := english[key]
	englishMu.RUnlock()
	out := make([]any, len(args))
	for i, a := range args {
		if m, isMsg := a.(Msg); isMsg {
			out[i] = English(m.Key, m.Args...)
		} else {
			out[i] = a
		}
	}
	if !ok {
		if len(out) == 0 {
			return key
		}
		return key + " " + fmt.Sprint(out...)
	}
	return fmt.Sprintf(f, out...)
}

// String is the Msg's English (English(m.Key, m.Args...)).
func (m Msg) String() string { return English(m.Key, m.Args...) }

// EnglishFormat is the registered English of key, unformatted.
func EnglishFormat(key string) (string, bool) {
	englishMu.RLock()
	defer englishMu.RUnlock()
	f, ok := english[key]
	return f, ok
}
