package credential

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDataIntegrityRoundTrip(t *testing.T) {
	k := ring(t, newPEM(t))
	id, _ := NewIdentity("http://localhost:8080")
	doc, err := k.SignDataIntegrity(sample(), id)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", doc)
	vm, err := k.VerifyDataIntegrity(doc, id)
	if err != nil {
		t.Fatalf("VerifyDataIntegrity(fresh) error: %v", err)
	}
	if want := DIDKey(k.keys[0].pub) + "#" + Multikey(k.keys[0].pub); vm != want {
		t.Errorf("verification method %s, want %s", vm, want)
	}
	tampered := strings.Replace(string(doc), "Fatima Zahra Bennani", "Fatima Zahra Bennan1", 1)
	if _, err := k.VerifyDataIntegrity([]byte(tampered), id); err == nil {
		t.Error("VerifyDataIntegrity accepted a changed name")
	}
	var m map[string]any
	_ = json.Unmarshal(doc, &m)
	t.Log(at(m, "proof", "proofValue"))
}

func BenchmarkSignJWS(b *testing.B) {
	k, err := ParseKeyring(mustGenerate(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Sign(sample()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignDataIntegrity(b *testing.B) {
	k, err := ParseKeyring(mustGenerate(b))
	if err != nil {
		b.Fatal(err)
	}
	id, _ := NewIdentity("https://tadrib.example")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.SignDataIntegrity(sample(), id); err != nil {
			b.Fatal(err)
		}
	}
}

func mustGenerate(b *testing.B) []byte {
	p, err := Generate()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// The embedded contexts are shared by every canonicalization: signing from
// many goroutines at once must give the same bytes (and no race under -race).
func TestDataIntegrityConcurrent(t *testing.T) {
	k := ring(t, newPEM(t))
	id, _ := NewIdentity("https://tadrib.example")
	want, err := k.SignDataIntegrity(sample(), id)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := k.SignDataIntegrity(sample(), id)
			if err == nil && string(got) != string(want) {
				err = errors.New("a different credential for the same facts")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// An undefined term is refused rather than left out of what is signed, and
// a context that is not embedded is never fetched.
func TestDataIntegrityCanonicalRefuses(t *testing.T) {
	for name, doc := range map[string]string{
		"undefined term":  `{"@context":["` + ContextVC + `"],"type":["VerifiableCredential"],"localizationData":{"x":1}}`,
		"unknown context": `{"@context":["https://evil.example/context.json"],"type":["VerifiableCredential"]}`,
	} {
		if out, err := canon.canonical([]byte(doc)); err == nil {
			t.Errorf("%s: canonicalized to %q, want an error", name, out)
		}
	}
}
