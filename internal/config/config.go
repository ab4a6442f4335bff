// Package config reads Tadrib's settings from the environment.
//
// Every variable is listed in the README's configuration table. Load never
// reads the process environment itself: it takes a getenv function, so that
// tests can build two configurations side by side without touching os.Environ.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one Tadrib process.
type Config struct {
	Addr        string // TADRIB_ADDR: the listen address
	DatabaseURL string // DATABASE_URL: postgres://… selects PostgreSQL
	DBPath      string // TADRIB_DB_PATH: the SQLite file when DatabaseURL is empty
	// TransactionPooling (TADRIB_DB_POOL=transaction): DatabaseURL is a
	// pooler in transaction mode, so no statement is prepared by name.
	TransactionPooling bool
	BaseURL            *url.URL      // TADRIB_BASE_URL: absolute links, cookie security
	Secret             string        // TADRIB_SECRET: signs sessions and CSRF tokens; generated and stored in the DB when empty
	Registration       string        // TADRIB_REGISTRATION: "open" or "closed"
	RateAuth           int           // TADRIB_RATE_AUTH: requests per minute per address on /auth/*
	RateVerify         int           // TADRIB_RATE_VERIFY: requests per minute per address on /verify/*
	SessionTTL         time.Duration // TADRIB_SESSION_TTL: absolute lifetime of a session
	SessionIdle        time.Duration // TADRIB_SESSION_IDLE: a session unused this long ends
	TrustedProxy       []string      // TADRIB_TRUSTED_PROXIES: addresses or CIDRs whose X-Forwarded-For is believed
	MetricsToken       string        // TADRIB_METRICS_TOKEN: Bearer token for /metrics from non-loopback peers
	AdminEmail         string        // TADRIB_ADMIN_EMAIL: the first admin, on an empty database
	AdminPass          string        // TADRIB_ADMIN_PASSWORD
	LogLevel           string        // TADRIB_LOG_LEVEL: debug, info, warn, error
	DevAssets          string        // TADRIB_DEV_ASSETS: read templates and static files from this folder

	SigningKeyFile string // TADRIB_SIGNING_KEY_FILE: PEM bundle of the certificate signing keys
	SigningKey     string // TADRIB_SIGNING_KEY: the same bundle as text (never logged)
	// SigningKeyDev is where a development key is generated and kept when
	// neither variable is set: beside the SQLite database.
	SigningKeyDev        string
	IssuerName           string // TADRIB_ISSUER_NAME
	IssuerNameAr         string // TADRIB_ISSUER_NAME_AR
	IssuerSignatory      string // TADRIB_ISSUER_SIGNATORY
	IssuerSignatoryTitle string // TADRIB_ISSUER_SIGNATORY_TITLE
	IssuerLogoFile       string // TADRIB_ISSUER_LOGO_FILE: PNG or JPEG printed on certificates

	Retention Retention
}

// Retention is how long Tadrib keeps what it no longer needs. The privacy
// notice states these figures, so they are the configuration's, never text.
// A zero number of days keeps the data for good.
type Retention struct {
	// InactiveDays (TADRIB_RETAIN_INACTIVE_DAYS): an account nobody has
	// signed in to for this long is deleted, as if its owner had asked.
	InactiveDays int
	// EndedDays (TADRIB_RETAIN_ENDED_DAYS): a session, or a set-password
	// link, is kept this long after it ended (expired, revoked or used).
	EndedDays int
	// AuditDays (TADRIB_RETAIN_AUDIT_DAYS): audit events older than this
	// are deleted. At least MinAuditDays: the database itself refuses to
	// delete younger events (models, "audit log retention").
	AuditDays int
	// Every (TADRIB_RETENTION_EVERY): how often each node runs the job.
	Every time.Duration
}

// MinAuditDays is the youngest an audit event may be when it is deleted; the
// database trigger holds the same figure.
const MinAuditDays = 365

// Engine names the database engine the configuration selects.
func (c Config) Engine() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// Secure reports whether the public address is HTTPS, which decides cookie
// names (__Host- prefix), the Secure flag and HSTS.
func (c Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// Variables documents each variable: its default and meaning. The README table
// is written from the same facts, and a test checks that they agree.
var Variables = []struct{ Name, Default, Meaning string }{
	{"TADRIB_ADDR", ":8080", "address to listen on"},
	{"DATABASE_URL", "", "a `postgres://` URL selects PostgreSQL; unset means SQLite"},
	{"TADRIB_DB_PATH", "./tadrib.db", "the SQLite file, when `DATABASE_URL` is unset"},
	{"TADRIB_DB_POOL", "session", "`session`, or `transaction` when `DATABASE_URL` is a pooler in transaction mode (PgBouncer `pool_mode = transaction`): statements are then never prepared by name"},
	{"TADRIB_BASE_URL", "http://localhost:8080", "the public address; `https://` turns on Secure `__Host-` cookies and HSTS"},
	{"TADRIB_SECRET", "(generated)", "at least 32 characters; signs sessions and CSRF tokens. When unset, one is generated on first start and kept in the database, so all nodes on one PostgreSQL agree"},
	{"TADRIB_REGISTRATION", "open", "`open`, or `closed` (only admins and invitations create accounts)"},
	{"TADRIB_RATE_AUTH", "60", "requests per minute per address on `/api/v1/auth/*` and the login and register pages"},
	{"TADRIB_RATE_VERIFY", "120", "requests per minute per address on `/verify/*`"},
	{"TADRIB_SESSION_TTL", "12h", "absolute lifetime of a session (Go duration)"},
	{"TADRIB_SESSION_IDLE", "30m", "a session unused for this long ends (Go duration)"},
	{"TADRIB_TRUSTED_PROXIES", "", "comma-separated addresses or CIDRs of reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed"},
	{"TADRIB_METRICS_TOKEN", "", "Bearer token that opens `/metrics` to non-loopback clients; without it only loopback may read metrics"},
	{"TADRIB_ADMIN_EMAIL", "", "with `TADRIB_ADMIN_PASSWORD`: the first admin, created on an empty database"},
	{"TADRIB_ADMIN_PASSWORD", "", "the first admin's password (at least 10 characters); when unset a password is generated and printed once"},
	{"TADRIB_LOG_LEVEL", "info", "`debug`, `info`, `warn` or `error`"},
	{"TADRIB_DEV_ASSETS", "", "read templates and static files from this folder instead of the embedded copy (development)"},
	{"TADRIB_SIGNING_KEY_FILE", "", "PEM file of the Ed25519 keys that sign certificates (`tadrib keygen`): the active private key first, then older keys still published; file mode 0600"},
	{"TADRIB_SIGNING_KEY", "", "the same PEM bundle as text, instead of a file. When neither is set (development), a key is generated on first start into `tadrib-signing-key.pem` beside the SQLite database, with a warning"},
	{"TADRIB_ISSUER_NAME", "Tadrib", "the issuing organisation, in Latin script, printed on certificates and named in credentials"},
	{"TADRIB_ISSUER_NAME_AR", "تدريب", "the issuing organisation in Arabic script"},
	{"TADRIB_ISSUER_SIGNATORY", "", "the person who signs certificates (name printed in the signature block)"},
	{"TADRIB_ISSUER_SIGNATORY_TITLE", "Direction de la formation", "the signatory's title"},
	{"TADRIB_ISSUER_LOGO_FILE", "", "PNG or JPEG logo printed on certificates (at most 1 MB)"},
	{"TADRIB_RETAIN_INACTIVE_DAYS", "1095", "an account nobody has signed in to for this many days is deleted as its owner could ask (certificates stay verifiable); `0` keeps accounts; at least 30"},
	{"TADRIB_RETAIN_ENDED_DAYS", "90", "ended sessions and used or expired set-password links are deleted this many days after they ended; `0` keeps them"},
	{"TADRIB_RETAIN_AUDIT_DAYS", "1825", "audit events older than this many days are deleted; `0` keeps them; at least 365 (the database refuses to delete younger events)"},
	{"TADRIB_RETENTION_EVERY", "1h", "how often each node runs the retention job (Go duration); `tadrib retention` runs it once"},
}

// FromEnv loads the configuration from the process environment.
func FromEnv() (Config, error) { return Load(os.Getenv) }

// Load builds a Config from getenv. Each bad value is reported with the name of
// its variable, all of them at once, so an operator fixes them in one go.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}

	c := Config{
		Addr:         get("TADRIB_ADDR", ":8080"),
		DatabaseURL:  get("DATABASE_URL", ""),
		DBPath:       get("TADRIB_DB_PATH", "./tadrib.db"),
		Secret:       get("TADRIB_SECRET", ""),
		Registration: strings.ToLower(get("TADRIB_REGISTRATION", "open")),
		MetricsToken: get("TADRIB_METRICS_TOKEN", ""),
		AdminEmail:   get("TADRIB_ADMIN_EMAIL", ""),
		AdminPass:    getenv("TADRIB_ADMIN_PASSWORD"),
		LogLevel:     strings.ToLower(get("TADRIB_LOG_LEVEL", "info")),
		DevAssets:    get("TADRIB_DEV_ASSETS", ""),

		SigningKeyFile:       get("TADRIB_SIGNING_KEY_FILE", ""),
		SigningKey:           strings.TrimSpace(getenv("TADRIB_SIGNING_KEY")),
		IssuerName:           get("TADRIB_ISSUER_NAME", "Tadrib"),
		IssuerNameAr:         get("TADRIB_ISSUER_NAME_AR", "تدريب"),
		IssuerSignatory:      get("TADRIB_ISSUER_SIGNATORY", ""),
		IssuerSignatoryTitle: get("TADRIB_ISSUER_SIGNATORY_TITLE", "Direction de la formation"),
		IssuerLogoFile:       get("TADRIB_ISSUER_LOGO_FILE", ""),
	}

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("TADRIB_ADDR", "%q is not host:port (for example :8080 or 127.0.0.1:8080)", c.Addr)
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			// The URL may hold a password: never echo it.
			bad("DATABASE_URL", "must be a postgres:// or postgresql:// URL")
		}
	}
	switch pool := strings.ToLower(get("TADRIB_DB_POOL", "session")); pool {
	case "session":
	case "transaction":
		c.TransactionPooling = true
	default:
		bad("TADRIB_DB_POOL", "%q must be session or transaction", pool)
	}
	base := get("TADRIB_BASE_URL", "http://localhost:8080")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		bad("TADRIB_BASE_URL", "%q must be an absolute http:// or https:// URL without a path", base)
		u, _ = url.Parse("http://localhost:8080")
	}
	u.Path = ""
	c.BaseURL = u
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("TADRIB_SECRET", "must be at least 32 characters (it is %d); leave it unset to have one generated", len(c.Secret))
	}
	if c.Registration != "open" && c.Registration != "closed" {
		bad("TADRIB_REGISTRATION", "%q must be open or closed", c.Registration)
	}
	c.RateAuth = positiveInt(get("TADRIB_RATE_AUTH", "60"), "TADRIB_RATE_AUTH", bad)
	c.RateVerify = positiveInt(get("TADRIB_RATE_VERIFY", "120"), "TADRIB_RATE_VERIFY", bad)
	c.SessionTTL = duration(get("TADRIB_SESSION_TTL", "12h"), "TADRIB_SESSION_TTL", bad)
	c.SessionIdle = duration(get("TADRIB_SESSION_IDLE", "30m"), "TADRIB_SESSION_IDLE", bad)
	for _, p := range strings.Split(get("TADRIB_TRUSTED_PROXIES", ""), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				bad("TADRIB_TRUSTED_PROXIES", "%q is neither an IP address nor a CIDR", p)
				continue
			}
		}
		c.TrustedProxy = append(c.TrustedProxy, p)
	}
	if (c.AdminEmail == "") != (c.AdminPass == "") && c.AdminEmail == "" {
		bad("TADRIB_ADMIN_EMAIL", "must be set when TADRIB_ADMIN_PASSWORD is")
	}
	if c.AdminPass != "" && len([]rune(c.AdminPass)) < 10 {
		bad("TADRIB_ADMIN_PASSWORD", "must be at least 10 characters")
	}
	certificates(&c, bad)
	c.Retention = Retention{
		InactiveDays: days(get("TADRIB_RETAIN_INACTIVE_DAYS", "1095"), "TADRIB_RETAIN_INACTIVE_DAYS", 30, bad),
		EndedDays:    days(get("TADRIB_RETAIN_ENDED_DAYS", "90"), "TADRIB_RETAIN_ENDED_DAYS", 1, bad),
		AuditDays:    days(get("TADRIB_RETAIN_AUDIT_DAYS", "1825"), "TADRIB_RETAIN_AUDIT_DAYS", MinAuditDays, bad),
		Every:        duration(get("TADRIB_RETENTION_EVERY", "1h"), "TADRIB_RETENTION_EVERY", bad),
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("TADRIB_LOG_LEVEL", "%q must be debug, info, warn or error", c.LogLevel)
	}
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	return c, nil
}

func positiveInt(s, name string, bad func(string, string, ...any)) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		bad(name, "%q must be a whole number of at least 1", s)
		return 1
	}
	return n
}

func duration(s, name string, bad func(string, string, ...any)) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		bad(name, "%q must be a positive duration such as 30m or 12h", s)
		return time.Hour
	}
	return d
}

// days reads a retention period: 0 (keep for good) or a whole number of
// days of at least least, up to 100 years. The floor guards against a typo
// that would erase what was meant to be kept (3 for 30).
func days(s, name string, least int, bad func(string, string, ...any)) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 36500 || (n > 0 && n < least) {
		bad(name, "%q must be 0 (keep for good) or a whole number of days from %d to 36500", s, least)
		return 0
	}
	return n
}

// certificates checks the signing key and issuer settings. The key itself is
// parsed by package certs (which names these variables in its errors); here
// only what can be told without reading it: one source, a readable file.
func certificates(c *Config, bad func(string, string, ...any)) {
	switch {
	case c.SigningKeyFile != "" && c.SigningKey != "":
		bad("TADRIB_SIGNING_KEY", "set either TADRIB_SIGNING_KEY or TADRIB_SIGNING_KEY_FILE, not both")
	case c.SigningKeyFile != "":
		if st, err := os.Stat(c.SigningKeyFile); err != nil || st.IsDir() {
			bad("TADRIB_SIGNING_KEY_FILE", "%q is not a readable file (make one with `tadrib keygen -o FILE`)", c.SigningKeyFile)
		}
	case c.SigningKey != "":
		if !strings.HasPrefix(c.SigningKey, "-----BEGIN ") {
			// Never echo the value: it is a private key.
			bad("TADRIB_SIGNING_KEY", "must be PEM text starting with -----BEGIN PRIVATE KEY----- (the output of `tadrib keygen`)")
		}
	default:
		c.SigningKeyDev = filepath.Join(filepath.Dir(c.DBPath), "tadrib-signing-key.pem")
	}
	for _, v := range []struct{ name, value string }{
		{"TADRIB_ISSUER_NAME", c.IssuerName}, {"TADRIB_ISSUER_NAME_AR", c.IssuerNameAr},
		{"TADRIB_ISSUER_SIGNATORY", c.IssuerSignatory}, {"TADRIB_ISSUER_SIGNATORY_TITLE", c.IssuerSignatoryTitle},
	} {
		if len([]rune(v.value)) > 200 || strings.ContainsAny(v.value, "\r\n") {
			bad(v.name, "must be one line of at most 200 characters")
		}
	}
	if c.IssuerLogoFile != "" {
		st, err := os.Stat(c.IssuerLogoFile)
		switch {
		case err != nil || st.IsDir():
			bad("TADRIB_ISSUER_LOGO_FILE", "%q is not a readable file", c.IssuerLogoFile)
		case st.Size() > 1<<20:
			bad("TADRIB_ISSUER_LOGO_FILE", "%q is larger than 1 MB", c.IssuerLogoFile)
		default:
			ext := strings.ToLower(filepath.Ext(c.IssuerLogoFile))
			if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
				bad("TADRIB_ISSUER_LOGO_FILE", "%q must be a .png, .jpg or .jpeg file", c.IssuerLogoFile)
			}
		}
	}
}
