package plaintext

import "testing"

func TestHasBadRune(t *testing.T) {
	for s, want := range map[string]bool{
		"Simon Ali": false, "أمينة بنعلي": false, "Ait-Ben Haddou (DGSN)": false, "": false,
		"Simon\u202EilA": true, "a\u2066b\u2069": true, "x\u200Fy": true, "\u061Cعلي": true,
		"tab\there": true, "nl\n": true, "del\x7f": true, "c1\u0085": true, "\u202Atext\u202C": true,
	} {
		if got := HasBadRune(s); got != want {
			t.Errorf("HasBadRune(%q) = %v, want %v", s, got, want)
		}
	}
}
