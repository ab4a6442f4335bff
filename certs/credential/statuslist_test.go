package credential

import (
	"math/bits"
	"strings"
	"tadrib/certs/credential/credtest"
	"testing"
)

func TestListBitsAgree(t *testing.T) {
	if credtest.ListBits != StatusListSize {
		t.Errorf("credtest reads lists of %d bits, the lists signed have %d", credtest.ListBits, StatusListSize)
	}
}

func TestSignStatusList(t *testing.T) {
	k := ring(t, newPEM(t))
	const listURL = "https://tadrib.example/status/1"
	revoked := []int{0, 42, 94567, StatusListSize - 1, 42}
	jws, err := k.SignStatusList(listURL, "https://tadrib.example/", revoked, issuedAt)
	if err != nil {
		t.Fatalf("SignStatusList() error: %v", err)
	}
	if h := header(t, jws); h["typ"] != Typ || h["alg"] != "EdDSA" || h["kid"] != k.ActiveKid() {
		t.Errorf("header = %v", h)
	}
	v, err := k.Verify(jws)
	if err != nil {
		t.Fatalf("Verify(status list) error: %v", err)
	}
	p := v.Payload
	for path, want := range map[string]string{
		"id":                              listURL,
		"issuer":                          "https://tadrib.example/",
		"iss":                             "https://tadrib.example/",
		"jti":                             listURL,
		"validFrom":                       "2026-01-15T10:00:00Z",
		"credentialSubject.id":            listURL + "#list",
		"credentialSubject.type":          "BitstringStatusList",
		"credentialSubject.statusPurpose": "revocation",
	} {
		if got := at(p, strings.Split(path, ".")...); got != want {
			t.Errorf("status list %s = %v, want %s", path, got, want)
		}
	}
	if types, _ := p["type"].([]any); len(types) != 2 || types[1] != "BitstringStatusListCredential" {
		t.Errorf("type = %v", p["type"])
	}
	list := credtest.DecodeList(t, at(p, "credentialSubject", "encodedList").(string))
	if len(list)*8 != StatusListSize {
		t.Fatalf("list has %d bits, want %d", len(list)*8, StatusListSize)
	}
	set := 0
	for _, b := range list {
		set += bits.OnesCount8(b)
	}
	if set != 4 {
		t.Errorf("%d bits set, want 4 (0, 42, 94567, last; 42 given twice)", set)
	}
	for _, i := range []int{0, 42, 94567, StatusListSize - 1} {
		if !credtest.Bit(list, i) {
			t.Errorf("bit %d not set", i)
		}
	}
	if list[0] != 0x80 {
		t.Errorf("byte 0 = %08b, want index 0 in the most significant bit", list[0])
	}
	if len(jws) > 2048 {
		t.Errorf("status list JWS is %d bytes; an almost empty list should compress to well under 2 KB", len(jws))
	}
	again, _ := k.SignStatusList(listURL, "https://tadrib.example/", revoked, issuedAt)
	if again != jws {
		t.Error("SignStatusList() twice gave different tokens (gzip header time?)")
	}
}

func TestSignStatusListRejects(t *testing.T) {
	k := ring(t, newPEM(t))
	tests := []struct {
		name, list, issuer string
		revoked            []int
	}{
		{"index past the end", "https://t.example/status/1", "https://t.example/", []int{StatusListSize}},
		{"negative index", "https://t.example/status/1", "https://t.example/", []int{-1}},
		{"relative list URL", "/status/1", "https://t.example/", nil},
		{"relative issuer", "https://t.example/status/1", "t.example", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := k.SignStatusList(tt.list, tt.issuer, tt.revoked, issuedAt); err == nil {
				t.Error("SignStatusList() succeeded, want an error")
			}
		})
	}
}

func TestEmptyStatusList(t *testing.T) {
	enc, err := EncodeStatusList(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range credtest.DecodeList(t, enc) {
		if b != 0 {
			t.Fatalf("byte %d = %d in an empty list", i, b)
		}
	}
}
