package credential

import (
	"encoding/json"
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
