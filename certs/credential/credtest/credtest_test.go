package credtest_test

import (
	"testing"
	"time"

	"tadrib/certs/credential"
	"tadrib/certs/credential/credtest"
)

// TestStatusBitReadsWhatCredentialSigns: the bits set are the ones read,
// and no others nearby.
func TestStatusBitReadsWhatCredentialSigns(t *testing.T) {
	pem, err := credential.Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, err := credential.ParseKeyring(pem)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := k.SignStatusList("https://tadrib.example/status/1", "https://tadrib.example/", []int{0, 9, credtest.ListBits - 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]bool{0: true, 1: false, 8: false, 9: true, 10: false, credtest.ListBits - 2: false, credtest.ListBits - 1: true} {
		if got := credtest.StatusBit(t, jws, i); got != want {
			t.Errorf("StatusBit(%d) = %v, want %v", i, got, want)
		}
		if got := credtest.StatusBit(t, []byte(jws), i); got != want {
			t.Errorf("StatusBit([]byte, %d) = %v, want %v", i, got, want)
		}
	}
}
