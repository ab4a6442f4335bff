package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"tadrib/models"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DBPath != "./tadrib.db" || c.Engine() != "sqlite" || c.Registration != "open" ||
		c.RateAuth != 60 || c.RateVerify != 120 || c.Secure() || c.BaseURL.String() != "http://localhost:8080" {
		t.Errorf("defaults = %+v", c)
	}
	if want := (Retention{InactiveDays: 1095, EndedDays: 90, AuditDays: 1825, Every: time.Hour}); c.Retention != want {
		t.Errorf("retention defaults = %+v, want %+v", c.Retention, want)
	}
	c, err = Load(env(map[string]string{"TADRIB_RETAIN_INACTIVE_DAYS": "0", "TADRIB_RETAIN_AUDIT_DAYS": "365", "TADRIB_RETAIN_ENDED_DAYS": "0"}))
	if err != nil || c.Retention.InactiveDays != 0 || c.Retention.AuditDays != 365 || c.Retention.EndedDays != 0 {
		t.Errorf("keep accounts, the shortest audit retention: %+v, %v", c.Retention, err)
	}
}

func TestBadValuesNameTheirVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"TADRIB_ADDR":            {"TADRIB_ADDR": "8080"},
		"DATABASE_URL":           {"DATABASE_URL": "mysql://root@localhost/x"},
		"TADRIB_BASE_URL":        {"TADRIB_BASE_URL": "tadrib.example.org"},
		"TADRIB_SECRET":          {"TADRIB_SECRET": "short"},
		"TADRIB_REGISTRATION":    {"TADRIB_REGISTRATION": "maybe"},
		"TADRIB_RATE_AUTH":       {"TADRIB_RATE_AUTH": "-3"},
		"TADRIB_RATE_VERIFY":     {"TADRIB_RATE_VERIFY": "lots"},
		"TADRIB_SESSION_TTL":     {"TADRIB_SESSION_TTL": "12"},
		"TADRIB_TRUSTED_PROXIES": {"TADRIB_TRUSTED_PROXIES": "10.0.0.0/8, not-an-ip"},
		"TADRIB_ADMIN_EMAIL":     {"TADRIB_ADMIN_PASSWORD": "a long enough password"},
		"TADRIB_ADMIN_PASSWORD":  {"TADRIB_ADMIN_EMAIL": "a@b.c", "TADRIB_ADMIN_PASSWORD": "short"},
		"TADRIB_LOG_LEVEL":       {"TADRIB_LOG_LEVEL": "loud"},
		// A typo must not erase what was meant to be kept: 3 for 30.
		"TADRIB_RETAIN_INACTIVE_DAYS": {"TADRIB_RETAIN_INACTIVE_DAYS": "3"},
		"TADRIB_RETAIN_ENDED_DAYS":    {"TADRIB_RETAIN_ENDED_DAYS": "-1"},
		"TADRIB_RETAIN_AUDIT_DAYS":    {"TADRIB_RETAIN_AUDIT_DAYS": "364"},
		"TADRIB_RETENTION_EVERY":      {"TADRIB_RETENTION_EVERY": "hourly"},
	}
	for name, e := range cases {
		_, err := Load(env(e))
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("Load(%v) = %v, want an error naming %s", e, err, name)
		}
	}
}

func TestDatabaseURLNeverEchoed(t *testing.T) {
	_, err := Load(env(map[string]string{"DATABASE_URL": "mysql://root:hunter2@db/x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v should name DATABASE_URL without echoing it", err)
	}
}

func TestPostgresAndHTTPS(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db", "TADRIB_BASE_URL": "https://tadrib.example.org/",
		"TADRIB_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Engine() != "postgres" || !c.Secure() || c.BaseURL.String() != "https://tadrib.example.org" || len(c.TrustedProxy) != 2 {
		t.Errorf("got %+v", c)
	}
}

func TestEveryVariableIsDocumented(t *testing.T) {
	// Every TADRIB_* name Load reads is in Variables (and so in the README).
	documented := map[string]bool{}
	for _, v := range Variables {
		documented[v.Name] = true
	}
	var read []string
	Load(func(k string) string { read = append(read, k); return "" })
	for _, k := range read {
		if !documented[k] {
			t.Errorf("%s is read but not documented in config.Variables", k)
		}
	}
}

func TestREADMEListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables {
		if !strings.Contains(string(b), "| `"+v.Name+"` |") {
			t.Errorf("README.md's configuration table lacks %s", v.Name)
		}
	}
}

func TestCertificateSettings(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"TADRIB_DB_PATH": dir + "/data/t.db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SigningKeyDev != dir+"/data/tadrib-signing-key.pem" || c.IssuerName != "Tadrib" || c.IssuerNameAr == "" {
		t.Errorf("without a key: dev key %q, issuer %q/%q", c.SigningKeyDev, c.IssuerName, c.IssuerNameAr)
	}
	logo := dir + "/logo.gif"
	if err := os.WriteFile(logo, []byte("GIF89a"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----"
	for name, e := range map[string]map[string]string{
		"TADRIB_SIGNING_KEY":            {"TADRIB_SIGNING_KEY": secret, "TADRIB_SIGNING_KEY_FILE": logo},
		"TADRIB_SIGNING_KEY_FILE":       {"TADRIB_SIGNING_KEY_FILE": dir + "/absent.pem"},
		"TADRIB_ISSUER_LOGO_FILE":       {"TADRIB_ISSUER_LOGO_FILE": logo},
		"TADRIB_ISSUER_NAME":            {"TADRIB_ISSUER_NAME": strings.Repeat("x", 201)},
		"TADRIB_ISSUER_SIGNATORY_TITLE": {"TADRIB_ISSUER_SIGNATORY_TITLE": "line\nbreak"},
	} {
		_, err := Load(env(e))
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("Load(%v) = %v, want an error naming %s", e, err, name)
		}
		if err != nil && strings.Contains(err.Error(), "c2VjcmV0") {
			t.Errorf("the error echoes the key: %v", err)
		}
	}
	_, err = Load(env(map[string]string{"TADRIB_SIGNING_KEY": "c2VjcmV0 not PEM"}))
	if err == nil || !strings.Contains(err.Error(), "TADRIB_SIGNING_KEY:") || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("a non-PEM key: %v (must name the variable, never echo the value)", err)
	}
}

// The floor of TADRIB_RETAIN_AUDIT_DAYS is the database trigger's: a
// shorter setting would have the retention job refused by the database.
func TestAuditFloorIsTheDatabases(t *testing.T) {
	if MinAuditDays != models.AuditFloorDays {
		t.Errorf("MinAuditDays = %d, the trigger's floor is %d", MinAuditDays, models.AuditFloorDays)
	}
}
