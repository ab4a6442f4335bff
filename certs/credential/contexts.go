package credential

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/piprate/json-gold/ld"
)

// The JSON-LD contexts a Data Integrity credential names, copied byte for
// byte from their specifications' repositories (never written by hand):
//   - contexts/credentials-v2.jsonld: w3c/vc-data-model, contexts/credentials/v2
//     at 979c4af1 (2026-08-22; last changed 08b83e46, 2025-02-24). It also
//     defines DataIntegrityProof and BitstringStatusListEntry.
//   - contexts/ob-context-3.0.3.json: 1EdTech/openbadges-specification,
//     ob_v3p0/context-3.0.3.json at 1af145ff (2025-04-07).
//
// Signing and verifying read them from the binary: the document loader
// never touches the network and refuses every other URL, so what a
// credential means cannot change under it (a context served by someone else
// could redefine a term) and no request leaks who is verifying what.
//
//go:embed contexts/*.json contexts/*.jsonld
var contextFS embed.FS

// ContextFiles maps each embedded context URL to its file under contexts/
// (the independent verifier in the tests loads the same files).
var ContextFiles = map[string]string{
	ContextVC: "contexts/credentials-v2.jsonld",
	ContextOB: "contexts/ob-context-3.0.3.json",
}

// embeddedLoader is a json-gold DocumentLoader over the embedded contexts.
type embeddedLoader struct{ docs map[string]any }

func newEmbeddedLoader() (*embeddedLoader, error) {
	l := &embeddedLoader{docs: map[string]any{}}
	for u, f := range ContextFiles {
		b, err := contextFS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("credential: context %s: %w", u, err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("credential: context %s: %w", u, err)
		}
		l.docs[u] = doc
	}
	return l, nil
}

// LoadDocument returns an embedded context, or an error for any other URL.
func (l *embeddedLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		known := make([]string, 0, len(l.docs))
		for k := range l.docs {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed,
			fmt.Sprintf("credential: JSON-LD document %q is not embedded (known: %v); it is never fetched", u, known))
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}
