package credential

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Contexts of an OpenBadgeCredential: VC Data Model 2.0, then Open Badges
// 3.0. The VC Data Model 2.0 (https://www.w3.org/TR/vc-data-model-2.0/,
// "Contexts") requires https://www.w3.org/ns/credentials/v2 as the first
// @context item; Open Badges 3.0 (https://www.imsglobal.org/spec/ob/v3p0/)
// builds on it and adds its own context (1EdTech/openbadges-specification,
// ob_v3p0/context-3.0.3.json).
const (
	ContextVC = "https://www.w3.org/ns/credentials/v2"
	ContextOB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Typ is the JOSE header typ of our credentials (W3C VC-JOSE-COSE §3.1.1).
const Typ = "vc+jwt"

// Achievement is what a certificate attests, in the words of the credential.
type Achievement struct {
	CredentialID  string            // the verification URL (absolute) — the credential's id
	Code          string            // the verification code; the id already carries it, so it is not repeated
	HolderName    string            // as typed, in Latin script
	HolderNameAr  string            // optional: the name in Arabic script
	CourseID      string            // absolute URL of the course page
	CourseTitle   string            // in the certificate's language
	CourseTitles  map[string]string // optional: lang -> title, published as localisations
	Hours         float64
	IssuerID      string // absolute URL (the platform's base URL or an issuer profile URL)
	IssuerName    string
	IssuedAt      time.Time
	ExpiresAt     *time.Time
	StatusListURL string // URL of the status list credential
	StatusIndex   int

	Lang        string // optional: BCP 47 language of CourseTitle (found in CourseTitles when empty)
	Description string // optional: the achievement's description (default: title and hours)
	Criteria    string // optional: how it was earned, in words (the course page is always linked)
}

// vcClaims is the JWT payload: the credential itself plus the registered
// claims OB 3.0 §8.2 and VC-JOSE-COSE derive from it (iss = issuer.id,
// jti = id, nbf = validFrom, exp = validUntil). A struct, not a map, so the
// member order and therefore the bytes are stable.
type vcClaims struct {
	vcBody
	LocalizationData *localization `json:"localizationData,omitempty"`
	jwt.RegisteredClaims
}

// vcBody is the credential as both securing mechanisms carry it: the JWS
// adds the registered claims and the localisations, the Data Integrity
// proof (dataintegrity.go) adds its proof.
type vcBody struct {
	Context           []string           `json:"@context"`
	CredID            string             `json:"id"`
	Type              []string           `json:"type"`
	Issuer            profile            `json:"issuer"`
	ValidFrom         string             `json:"validFrom"`
	ValidUntil        string             `json:"validUntil,omitempty"`
	AwardedDate       string             `json:"awardedDate"`
	Name              string             `json:"name"`
	CredentialSubject achievementSubject `json:"credentialSubject"`
	CredentialStatus  *statusEntry       `json:"credentialStatus,omitempty"`
}

type profile struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name"`
	URL  string   `json:"url,omitempty"`
}

// achievementSubject names a holder who has no DID: OB 3.0 wants an id or at
// least one IdentityObject, and identityType "name" in plain text
// (hashed false) is what the verify page shows anyway. name repeats it for
// readers that only know VC DM 2.0 (the v2 context maps undeclared terms).
type achievementSubject struct {
	Type          []string    `json:"type"`
	Name          string      `json:"name"`
	Identifier    []identity  `json:"identifier"`
	CreditsEarned float64     `json:"creditsEarned"`
	Achievement   achievement `json:"achievement"`
}

type identity struct {
	Type         string `json:"type"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
}

// achievement is the course. Hours go in creditsAvailable, OB 3.0's "credit
// hours associated with this entity", and in the description in words.
type achievement struct {
	ID               string   `json:"id"`
	Type             []string `json:"type"`
	AchievementType  string   `json:"achievementType"`
	Name             string   `json:"name"`
	Description      string   `json:"description"`
	Criteria         criteria `json:"criteria"`
	CreditsAvailable float64  `json:"creditsAvailable"`
	InLanguage       string   `json:"inLanguage,omitempty"`
}

type criteria struct {
	ID        string `json:"id"`
	Narrative string `json:"narrative,omitempty"`
}

type statusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// localization carries the course title in other languages. OB 3.0's names
// are plain strings in its JSON Schema, so a VC DM 2.0 language map there
// would fail OB validators; the OB repository's multilingual example
// (ob_v3p0/l10n.md, W3C Localization Framework) uses this extra member.
type localization struct {
	Local struct {
		Items []l10nItem `json:"items"`
	} `json:"local"`
}

type l10nItem struct {
	Select string      `json:"select"`
	Apply  []l10nValue `json:"apply"`
}

type l10nValue struct {
	Language string `json:"language"`
	Value    string `json:"value"`
}

// Sign returns the achievement as a compact JWS (header alg EdDSA, typ
// vc+jwt, kid = the active key's thumbprint). Ed25519 signatures are
// deterministic and the payload is built from structs and sorted keys, so
// the same achievement and key give the same string.
func (k *Keyring) Sign(a Achievement) (string, error) {
	if err := a.check(); err != nil {
		return "", err
	}
	from := a.IssuedAt.UTC().Truncate(time.Second)
	c := vcClaims{
		vcBody:           a.body(profile{ID: a.IssuerID, Type: []string{"Profile"}, Name: a.IssuerName}),
		LocalizationData: a.localization(a.lang()),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    a.IssuerID,
			ID:        a.CredentialID,
			NotBefore: jwt.NewNumericDate(from),
			IssuedAt:  jwt.NewNumericDate(from),
		},
	}
	if a.ExpiresAt != nil {
		c.ExpiresAt = jwt.NewNumericDate(a.ExpiresAt.UTC().Truncate(time.Second))
	}
	return k.sign(c)
}

// body is the credential's content, issued by issuer.
func (a Achievement) body(issuer profile) vcBody {
	from := a.IssuedAt.UTC().Truncate(time.Second)
	lang := a.lang()
	c := vcBody{
		Context:     []string{ContextVC, ContextOB},
		CredID:      a.CredentialID,
		Type:        []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:      issuer,
		ValidFrom:   from.Format(time.RFC3339),
		AwardedDate: from.Format(time.RFC3339),
		Name:        a.CourseTitle,
		CredentialSubject: achievementSubject{
			Type:          []string{"AchievementSubject"},
			Name:          a.HolderName,
			Identifier:    a.identities(),
			CreditsEarned: a.Hours,
			Achievement: achievement{
				ID: a.CourseID, Type: []string{"Achievement"},
				// "training or other activity" (OB 3.0 AchievementType).
				AchievementType:  "CertificateOfCompletion",
				Name:             a.CourseTitle,
				Description:      a.description(lang),
				Criteria:         criteria{ID: a.CourseID, Narrative: a.Criteria},
				CreditsAvailable: a.Hours,
				InLanguage:       lang,
			},
		},
	}
	if c.CredentialSubject.Name == "" {
		c.CredentialSubject.Name = a.HolderNameAr
	}
	if a.ExpiresAt != nil {
		c.ValidUntil = a.ExpiresAt.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	if a.StatusListURL != "" {
		idx := strconv.Itoa(a.StatusIndex)
		c.CredentialStatus = &statusEntry{
			ID: a.StatusListURL + "#" + idx, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: idx, StatusListCredential: a.StatusListURL,
		}
	}
	return c
}

func (a Achievement) identities() []identity {
	var ids []identity
	for _, n := range []string{a.HolderName, a.HolderNameAr} {
		if n != "" {
			ids = append(ids, identity{Type: "IdentityObject", IdentityType: "name", IdentityHash: n})
		}
	}
	return ids
}

// lang is the language of CourseTitle: given, or the CourseTitles entry
// that holds the same title (the smallest tag if several do).
func (a Achievement) lang() string {
	if a.Lang != "" {
		return a.Lang
	}
	for _, l := range sortedKeys(a.CourseTitles) {
		if a.CourseTitles[l] == a.CourseTitle {
			return l
		}
	}
	return ""
}

func (a Achievement) description(lang string) string {
	if a.Description != "" {
		return a.Description
	}
	hours := strconv.FormatFloat(a.Hours, 'f', -1, 64)
	if strings.HasPrefix(lang, "ar") {
		// Arabic counts 3 to 10 with the plural, anything else with the singular.
		unit := "ساعة"
		if a.Hours >= 3 && a.Hours <= 10 && a.Hours == float64(int(a.Hours)) {
			unit = "ساعات"
		}
		return a.CourseTitle + " (" + hours + " " + unit + ")"
	}
	return a.CourseTitle + " (" + hours + " h)"
}

func (a Achievement) localization(lang string) *localization {
	var apply []l10nValue
	for _, l := range sortedKeys(a.CourseTitles) {
		if l != lang && a.CourseTitles[l] != "" {
			apply = append(apply, l10nValue{Language: l, Value: a.CourseTitles[l]})
		}
	}
	if len(apply) == 0 {
		return nil
	}
	loc := &localization{}
	for _, sel := range []string{"$.name", "$.credentialSubject.achievement.name"} {
		loc.Local.Items = append(loc.Local.Items, l10nItem{Select: sel, Apply: apply})
	}
	return loc
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
	case a.Hours < 0 || math.IsNaN(a.Hours) || math.IsInf(a.Hours, 0):
		return fmt.Errorf("credential: hours %v is not a duration", a.Hours)
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
