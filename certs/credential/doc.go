// Package credential signs Tadrib's certificates as machine-verifiable
// credentials: a W3C Verifiable Credential 2.0 / Open Badges 3.0
// OpenBadgeCredential in a compact JWS (EdDSA over Ed25519, typ vc+jwt), the
// JWKS that publishes the issuer's keys (old ones included, so credentials
// signed before a rotation keep verifying), and the W3C Bitstring Status List
// credential through which third parties learn of revocations.
//
// It owns keys and bytes only: storing certificates, choosing status list
// indexes and serving the URLs belong to the certificate service.
package credential
