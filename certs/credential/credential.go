package credential

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Contexts of an OpenBadgeCredential: VC Data Model 2.0, then Open Badges
// 3.0 (CERTS.md §3.1).
const (
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Typ is the JOSE header typ of our credentials (W3C VC-JOSE-COSE §3.1.1).
const Typ = "vc+jwt"

// Achievement is what a certificate attests, in the words of the credential.
type Achievement struct {
	CredentialID  string            // the verification URL (absolute) — the credential's id
	Code          string            // the verification code printed on the certificate
	HolderName    string            // as typed, in Latin script
	HolderNameAr  string            // optional: the name in Arabic script
	CourseID      string            // absolute URL of the course page
	CourseTitle   string            // in the certificate's language
	CourseTitles  map[string]string // optional: lang -> title
	Hours         float64
	IssuerID      string // absolute URL (the platform's base URL or an issuer profile URL)
	IssuerName    string
	IssuedAt      time.Time
	ExpiresAt     *time.Time
	StatusListURL string // URL of the status list credential
	StatusIndex   int
}

// vcClaims is the JWT payload: the credential itself plus the registered
// claims VC-JOSE-COSE and OB 3.0 derive from it. A struct, not a map, so the
// member order and therefore the bytes are stable.
type vcClaims struct {
	Context           []string     `json:"@context"`
	CredID            string       `json:"id"`
	Type              []string     `json:"type"`
	Issuer            profile      `json:"issuer"`
	ValidFrom         string       `json:"validFrom"`
	ValidUntil        string       `json:"validUntil,omitempty"`
	Name              string       `json:"name"`
	CredentialSubject any          `json:"credentialSubject"`
	CredentialStatus  *statusEntry `json:"credentialStatus,omitempty"`
	jwt.RegisteredClaims
}

type profile struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name"`
}

type achievementSubject struct {
	Type        []string    `json:"type"`
	Name        string      `json:"name"`
	Identifier  []identity  `json:"identifier,omitempty"`
	Achievement achievement `json:"achievement"`
}

type identity struct {
	Type         string `json:"type"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
}

type achievement struct {
	ID               string   `json:"id"`
	Type             []string `json:"type"`
	AchievementType  string   `json:"achievementType"`
	Name             string   `json:"name"`
	Description      string   `json:"description"`
	Criteria         criteria `json:"criteria"`
	CreditsAvailable float64  `json:"creditsAvailable"`
}

type criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

type statusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Sign returns the achievement as a compact JWS (header alg EdDSA, typ
// vc+jwt, kid = the active key's thumbprint). Ed25519 signatures are
// deterministic, so the same achievement and key give the same string.
func (k *Keyring) Sign(a Achievement) (string, error) {
	if err := a.check(); err != nil {
		return "", err
	}
	from := a.IssuedAt.UTC().Truncate(time.Second)
	c := vcClaims{
		Context:   []string{ContextVC, ContextOB},
		CredID:    a.CredentialID,
		Type:      []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:    profile{ID: a.IssuerID, Type: []string{"Profile"}, Name: a.IssuerName},
		ValidFrom: from.Format(time.RFC3339),
		Name:      a.CourseTitle,
		CredentialSubject: achievementSubject{
			Type: []string{"AchievementSubject"},
			Name: a.HolderName,
			Achievement: achievement{
				ID: a.CourseID, Type: []string{"Achievement"}, AchievementType: "Certificate",
				Name: a.CourseTitle, Description: a.CourseTitle,
				Criteria:         criteria{ID: a.CourseID},
				CreditsAvailable: a.Hours,
			},
		},
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    a.IssuerID,
			ID:        a.CredentialID,
			NotBefore: jwt.NewNumericDate(from),
			IssuedAt:  jwt.NewNumericDate(from),
		},
	}
	if a.ExpiresAt != nil {
		until := a.ExpiresAt.UTC().Truncate(time.Second)
		c.ValidUntil = until.Format(time.RFC3339)
		c.ExpiresAt = jwt.NewNumericDate(until)
	}
	if a.StatusListURL != "" {
		idx := strconv.Itoa(a.StatusIndex)
		c.CredentialStatus = &statusEntry{
			ID: a.StatusListURL + "#" + idx, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: idx, StatusListCredential: a.StatusListURL,
		}
	}
	return k.sign(c)
}

// sign wraps claims in a JWS with our header. OB 3.0 forbids JOSE headers
// beyond alg, kid, typ (and jwk), so nothing else is set.
func (k *Keyring) sign(c jwt.Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["typ"] = Typ
	t.Header["kid"] = k.ActiveKid()
	s, err := t.SignedString(k.signer)
	if err != nil {
		return "", fmt.Errorf("credential: sign: %w", err)
	}
	return s, nil
}

func (a Achievement) check() error {
	for _, u := range []struct{ name, v string }{
		{"CredentialID", a.CredentialID}, {"CourseID", a.CourseID}, {"IssuerID", a.IssuerID},
	} {
		if !absoluteURL(u.v) {
			return fmt.Errorf("credential: %s %q is not an absolute URL", u.name, u.v)
		}
	}
	if a.StatusListURL != "" && !absoluteURL(a.StatusListURL) {
		return fmt.Errorf("credential: StatusListURL %q is not an absolute URL", a.StatusListURL)
	}
	switch {
	case a.HolderName == "" && a.HolderNameAr == "":
		return errors.New("credential: no holder name")
	case a.CourseTitle == "":
		return errors.New("credential: no course title")
	case a.IssuerName == "":
		return errors.New("credential: no issuer name")
	case a.IssuedAt.IsZero():
		return errors.New("credential: no issue date")
	case a.ExpiresAt != nil && !a.ExpiresAt.After(a.IssuedAt):
		return errors.New("credential: expiry is not after the issue date")
	case a.StatusIndex < 0 || a.StatusIndex >= StatusListSize:
		return fmt.Errorf("credential: status index %d outside [0, %d)", a.StatusIndex, StatusListSize)
	}
	return nil
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && u.Host != ""
}
