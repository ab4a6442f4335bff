package main

import (
	"errors"
	"testing"
)

func TestLocalURL(t *testing.T) {
	tests := []struct {
		raw      string
		host     string // u.Host when accepted
		path     string
		notLocal bool // refused as not loopback
		bad      bool // refused for another reason
	}{
		{raw: "http://127.0.0.1:8080", host: "127.0.0.1:8080"},
		{raw: "http://127.0.0.1:8080/", host: "127.0.0.1:8080"},
		{raw: "http://127.1.2.3:9000/prefix/", host: "127.1.2.3:9000", path: "/prefix"},
		{raw: "http://[::1]:8080", host: "[::1]:8080"},
		{raw: "http://127.0.0.1", host: "127.0.0.1:80"},
		{raw: "http://10.0.0.1:8080", notLocal: true},
		{raw: "http://192.168.1.10", notLocal: true},
		{raw: "http://0.0.0.0:8080", notLocal: true},
		{raw: "http://example.com:8080", notLocal: true},
		{raw: "http://localhost.example.com", notLocal: true},
		{raw: "http://[::ffff:8.8.8.8]:80", notLocal: true},
		{raw: "https://127.0.0.1:8443", bad: true},
		{raw: "127.0.0.1:8080", bad: true},
		{raw: "http://user:pw@127.0.0.1:8080", bad: true},
		{raw: "http://127.0.0.1:8080/?x=1", bad: true},
		{raw: "http://", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := LocalURL(tt.raw)
			switch {
			case tt.notLocal:
				if !errors.Is(err, ErrNotLocal) {
					t.Fatalf("LocalURL(%q) = %v, %v; want ErrNotLocal", tt.raw, u, err)
				}
			case tt.bad:
				if err == nil || errors.Is(err, ErrNotLocal) {
					t.Fatalf("LocalURL(%q) = %v, %v; want a usage error", tt.raw, u, err)
				}
			default:
				if err != nil {
					t.Fatalf("LocalURL(%q): %v", tt.raw, err)
				}
				if u.Host != tt.host || u.Path != tt.path {
					t.Errorf("LocalURL(%q) = host %q path %q, want %q %q", tt.raw, u.Host, u.Path, tt.host, tt.path)
				}
			}
		})
	}
}
