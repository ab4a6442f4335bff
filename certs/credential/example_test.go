package credential_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"tadrib/certs/credential"
)

// exampleKey is a fixed key for documentation only (seed 0x01…), so that
// the output below is stable; real keys come from `tadrib keygen`.
func exampleKey() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)))
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// The payload of a credential, as a verifier decodes it.
func ExampleKeyring_Sign() {
	k, err := credential.ParseKeyring(exampleKey())
	if err != nil {
		panic(err)
	}
	jws, err := k.Sign(credential.Achievement{
		CredentialID:  "https://tadrib.example/verify/P2FMTMMQ3K7DW6ZXCABH5RYN4E",
		Code:          "P2FMTMMQ3K7DW6ZXCABH5RYN4E",
		HolderName:    "Fatima Zahra Bennani",
		HolderNameAr:  "فاطمة الزهراء بنعلي",
		CourseID:      "https://tadrib.example/courses/protection-enfance",
		CourseTitle:   "Protection de l'enfance",
		CourseTitles:  map[string]string{"fr": "Protection de l'enfance", "ar": "حماية الطفولة"},
		Hours:         24,
		IssuerID:      "https://tadrib.example",
		IssuerName:    "Institut de formation",
		IssuedAt:      time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC),
		StatusListURL: "https://tadrib.example/status/1",
		StatusIndex:   94567,
	})
	if err != nil {
		panic(err)
	}
	parts := strings.Split(jws, ".")
	for _, part := range parts[:2] {
		raw, _ := base64.RawURLEncoding.DecodeString(part)
		var out bytes.Buffer
		json.Indent(&out, raw, "", "  ")
		fmt.Println(out.String())
	}
	// Output:
	// {
	//   "alg": "EdDSA",
	//   "kid": "UDDReOZl1ipXAfp9wYsm13sDBMK5og--QWdBjzuf6o4",
	//   "typ": "vc+jwt"
	// }
	// {
	//   "@context": [
	//     "https://www.w3.org/ns/credentials/v2",
	//     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	//   ],
	//   "id": "https://tadrib.example/verify/P2FMTMMQ3K7DW6ZXCABH5RYN4E",
	//   "type": [
	//     "VerifiableCredential",
	//     "OpenBadgeCredential"
	//   ],
	//   "issuer": {
	//     "id": "https://tadrib.example",
	//     "type": [
	//       "Profile"
	//     ],
	//     "name": "Institut de formation"
	//   },
	//   "validFrom": "2026-01-15T10:00:00Z",
	//   "awardedDate": "2026-01-15T10:00:00Z",
	//   "name": "Protection de l'enfance",
	//   "credentialSubject": {
	//     "type": [
	//       "AchievementSubject"
	//     ],
	//     "name": "Fatima Zahra Bennani",
	//     "identifier": [
	//       {
	//         "type": "IdentityObject",
	//         "identityType": "name",
	//         "hashed": false,
	//         "identityHash": "Fatima Zahra Bennani"
	//       },
	//       {
	//         "type": "IdentityObject",
	//         "identityType": "name",
	//         "hashed": false,
	//         "identityHash": "فاطمة الزهراء بنعلي"
	//       }
	//     ],
	//     "creditsEarned": 24,
	//     "achievement": {
	//       "id": "https://tadrib.example/courses/protection-enfance",
	//       "type": [
	//         "Achievement"
	//       ],
	//       "achievementType": "CertificateOfCompletion",
	//       "name": "Protection de l'enfance",
	//       "description": "Protection de l'enfance (24 h)",
	//       "criteria": {
	//         "id": "https://tadrib.example/courses/protection-enfance"
	//       },
	//       "creditsAvailable": 24,
	//       "inLanguage": "fr"
	//     }
	//   },
	//   "credentialStatus": {
	//     "id": "https://tadrib.example/status/1#94567",
	//     "type": "BitstringStatusListEntry",
	//     "statusPurpose": "revocation",
	//     "statusListIndex": "94567",
	//     "statusListCredential": "https://tadrib.example/status/1"
	//   },
	//   "localizationData": {
	//     "local": {
	//       "items": [
	//         {
	//           "select": "$.name",
	//           "apply": [
	//             {
	//               "language": "ar",
	//               "value": "حماية الطفولة"
	//             }
	//           ]
	//         },
	//         {
	//           "select": "$.credentialSubject.achievement.name",
	//           "apply": [
	//             {
	//               "language": "ar",
	//               "value": "حماية الطفولة"
	//             }
	//           ]
	//         }
	//       ]
	//     }
	//   },
	//   "iss": "https://tadrib.example",
	//   "nbf": 1768471200,
	//   "iat": 1768471200,
	//   "jti": "https://tadrib.example/verify/P2FMTMMQ3K7DW6ZXCABH5RYN4E"
	// }
}
