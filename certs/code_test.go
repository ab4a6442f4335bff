package certs

import (
	"strings"
	"testing"
)

func TestNewCodeIsLongRandomBase32(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if len(c) != CodeLen || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("code %q is not 26 upper-case base32 characters", c)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice", c)
		}
		seen[c] = true
	}
}

func TestNormalize(t *testing.T) {
	const code = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{code, code, true},
		{strings.ToLower(code), code, true},
		{Group(code), code, true},
		{" abcd efgh-ijkl.mnop qrst uvwx yz ", code, true},
		{"ABCD\u202fEFGH\u00a0IJKLMNOPQRSTUVWXYZ", code, true},
		{code[:25], "", false},                    // too short
		{code + "A", "", false},                   // too long
		{"ABCDEFGHIJKLMNOPQRSTUVWXY1", "", false}, // 1 is not base32
		{"ABCDEFGHIJKLMNOPQRSTUVWXY0", "", false},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYÉ", "", false},
		{"' OR 1=1 --", "", false},
		{"", "", false},
		{strings.Repeat("-", 10000), "", false},
	} {
		got, ok := Normalize(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGroup(t *testing.T) {
	if got := Group("ABCDEFGHIJKLMNOPQRSTUVWXYZ"); got != "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ" {
		t.Errorf("Group = %q", got)
	}
}
