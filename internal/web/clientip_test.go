package web

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestSecurityH1ClientIP: the client address is the rightmost X-Forwarded-For
// entry that is not a trusted proxy, and only when the peer is one.
func TestSecurityH1ClientIP(t *testing.T) {
	// app.Test's peer address is 0.0.0.0.
	cases := []struct {
		name    string
		trusted []string
		xff     []string
		want    string
	}{
		{"no proxy configured", nil, []string{"203.0.113.9"}, "0.0.0.0"},
		{"untrusted peer", []string{"10.0.0.0/8"}, []string{"203.0.113.9"}, "0.0.0.0"},
		{"one proxy", []string{"0.0.0.0"}, []string{"203.0.113.9"}, "203.0.113.9"},
		{"client-written entries ignored", []string{"0.0.0.0"}, []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops skipped", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"198.51.100.1, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"headers joined in order", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"198.51.100.1", "203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"garbage is the peer", []string{"0.0.0.0"}, []string{"203.0.113.9, <script>"}, "0.0.0.0"},
		{"port is garbage", []string{"0.0.0.0"}, []string{"203.0.113.9:443"}, "0.0.0.0"},
		{"empty header", []string{"0.0.0.0"}, []string{""}, "0.0.0.0"},
		{"no header", []string{"0.0.0.0"}, nil, "0.0.0.0"},
		{"ipv6", []string{"0.0.0.0"}, []string{"2001:db8::1"}, "2001:db8::1"},
		{"mapped ipv4", []string{"0.0.0.0"}, []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"all trusted", []string{"0.0.0.0", "10.0.0.0/8"}, []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := fiber.New()
			app.Use(ClientAddress(tc.trusted))
			var got string
			app.Get("/", func(c *fiber.Ctx) error { got = ClientIP(c); return nil })
			req := httptest.NewRequest("GET", "/", nil)
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			if _, err := app.Test(req, -1); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ClientIP(trusted %v, X-Forwarded-For %q) = %q, want %q", tc.trusted, tc.xff, got, tc.want)
			}
		})
	}
}
