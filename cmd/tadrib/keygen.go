package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"tadrib/certs/credential"
)

// keygen prints a new Ed25519 signing key as PKCS#8 PEM, or writes it to a
// new file readable by its owner only.
func keygen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keygen [-o FILE]", `Make a new Ed25519 key that signs certificates, as PKCS#8 PEM.
Point TADRIB_SIGNING_KEY_FILE at it (or put its text in TADRIB_SIGNING_KEY).

To rotate: make a new key, put it FIRST in the key file and keep the old
private key (or its public key) after it. New certificates are signed with
the first key; every key in the file stays in /.well-known/jwks.json, so the
credentials signed before the rotation keep verifying.`, stderr)
	out := fs.String("o", "", "write the key to this new file (mode 0600) instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("keygen: unexpected argument %q", fs.Arg(0))
	}
	key, err := credential.Generate()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(key)
		return err
	}
	// O_EXCL: never overwrite a key that may have signed certificates.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("keygen: %s exists; not overwriting a signing key", *out)
	}
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return fmt.Errorf("keygen: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %s (mode 0600)\n", *out)
	return nil
}
