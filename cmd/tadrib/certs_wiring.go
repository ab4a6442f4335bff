package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"tadrib/certs"
	"tadrib/certs/pdf"
	"tadrib/courses"
	"tadrib/internal/config"
	"tadrib/internal/db"
)

// newCerts builds the certificate service from configuration: the signing
// keys, the issuer and its PDF renderer.
func newCerts(cfg config.Config, d *db.DB, cs *courses.Service, log *slog.Logger) (*certs.Service, error) {
	keys, err := certs.LoadKeyring(certs.KeySource{File: cfg.SigningKeyFile, Text: cfg.SigningKey, Dev: cfg.SigningKeyDev}, log)
	if err != nil {
		return nil, fmt.Errorf("certificate signing key: %w", err)
	}
	is := certs.Issuer{Name: cfg.IssuerName, NameAr: cfg.IssuerNameAr, Signatory: cfg.IssuerSignatory, SignatoryTitle: cfg.IssuerSignatoryTitle}
	if cfg.IssuerLogoFile != "" {
		if is.Logo, err = os.ReadFile(cfg.IssuerLogoFile); err != nil {
			return nil, fmt.Errorf("TADRIB_ISSUER_LOGO_FILE: %w", err)
		}
	}
	r, err := pdf.New(pdf.Issuer{Name: is.Name, NameAr: is.NameAr, Signatory: is.Signatory, SignatoryTitle: is.SignatoryTitle, Logo: is.Logo})
	if err != nil {
		return nil, fmt.Errorf("certificate PDF (TADRIB_ISSUER_*): %w", err)
	}
	svc := certs.NewService(d, cs, keys, r, is, cfg.BaseURL.String())
	if log != nil {
		// Which DID signs the Open Badges 3.0 credentials, and why.
		did, why := svc.IssuerIdentity()
		log.Info("certificate issuer: "+did, "why", why)
	}
	if err := svc.KeepLogo(context.Background()); err != nil {
		return nil, fmt.Errorf("certificate logo: %w", err)
	}
	return svc, nil
}
