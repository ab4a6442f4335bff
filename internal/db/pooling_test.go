package db

import (
	"net/url"
	"testing"
)

func TestUnnamedStatementsSetsTheExecModeOnce(t *testing.T) {
	cases := map[string]string{
		"postgres://u@h:6432/db?sslmode=disable": "cache_describe",
		"postgres://u@h/db":                      "cache_describe",
		"postgres://u@h/db?default_query_exec_mode=simple_protocol&sslmode=off": "simple_protocol", // the operator's choice stays
	}
	for in, want := range cases {
		out, err := unnamedStatements(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		u, _ := url.Parse(out)
		if got := u.Query().Get("default_query_exec_mode"); got != want {
			t.Errorf("%s: default_query_exec_mode %q, want %q", in, got, want)
		}
		if u.Host != "h:6432" && u.Host != "h" {
			t.Errorf("%s: host became %q", in, u.Host)
		}
	}
	if _, err := unnamedStatements("postgres://u:secret@h/%zz"); err == nil {
		t.Error("a URL that does not parse was accepted")
	} else if s := err.Error(); s != "db: DATABASE_URL is not a URL" {
		t.Errorf("error %q may echo the URL (and its password)", s)
	}
}
