package certs

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"tadrib/certs/credential"
)

// KeySource says where the signing keys come from: a file
// (TADRIB_SIGNING_KEY_FILE), PEM text (TADRIB_SIGNING_KEY), or, in
// development, a file generated on first start (Dev).
type KeySource struct {
	File, Text, Dev string
}

// LoadKeyring reads the signing keys. With no file and no text it uses the
// development file Dev, generating it (mode 0600) when absent, and warns:
// such a key lives beside the database, not in a secret store. Errors name
// the variable to fix; the key itself is never logged.
func LoadKeyring(src KeySource, log *slog.Logger) (*credential.Keyring, error) {
	switch {
	case src.Text != "":
		k, err := credential.ParseKeyring([]byte(src.Text))
		if err != nil {
			return nil, fmt.Errorf("TADRIB_SIGNING_KEY: %w", err)
		}
		return k, nil
	case src.File != "":
		b, err := os.ReadFile(src.File)
		if err != nil {
			return nil, fmt.Errorf("TADRIB_SIGNING_KEY_FILE: %w", err)
		}
		k, err := credential.ParseKeyring(b)
		if err != nil {
			return nil, fmt.Errorf("TADRIB_SIGNING_KEY_FILE %s: %w", src.File, err)
		}
		return k, nil
	case src.Dev == "":
		return nil, errors.New("TADRIB_SIGNING_KEY_FILE: no certificate signing key configured")
	}
	b, err := os.ReadFile(src.Dev)
	if errors.Is(err, fs.ErrNotExist) {
		if b, err = credential.Generate(); err != nil {
			return nil, err
		}
		// O_EXCL: two processes starting together must not both write a key.
		f, ferr := os.OpenFile(src.Dev, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if ferr == nil {
			_, ferr = f.Write(b)
			if cerr := f.Close(); ferr == nil {
				ferr = cerr
			}
		}
		if errors.Is(ferr, fs.ErrExist) {
			b, err = os.ReadFile(src.Dev)
		} else if ferr != nil {
			return nil, fmt.Errorf("TADRIB_SIGNING_KEY_FILE unset: writing a development key to %s: %w", src.Dev, ferr)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("TADRIB_SIGNING_KEY_FILE unset: reading the development key %s: %w", src.Dev, err)
	}
	k, err := credential.ParseKeyring(b)
	if err != nil {
		return nil, fmt.Errorf("development key %s: %w", src.Dev, err)
	}
	if log != nil {
		log.Warn("no certificate signing key configured: using a development key kept beside the database; set TADRIB_SIGNING_KEY_FILE in production (tadrib keygen)", "file", src.Dev, "kid", k.ActiveKid())
	}
	return k, nil
}
