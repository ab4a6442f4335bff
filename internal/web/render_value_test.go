package web

import "testing"

func TestValueReadsOptionalFields(t *testing.T) {
	yes, n, s, f := true, 3, "ABC", 72.5
	cases := []struct {
		in, want any
	}{
		{&yes, true}, {(*bool)(nil), false},
		{&n, 3}, {(*int)(nil), 0},
		{&s, "ABC"}, {(*string)(nil), ""},
		{&f, 72.5}, {(*float64)(nil), 0.0},
		{"plain", "plain"},
	}
	for _, c := range cases {
		if got := value(c.in); got != c.want {
			t.Errorf("value(%#v) = %#v, want %#v", c.in, got, c.want)
		}
	}
}
