package pdf

import (
	"math"
	"strings"
	"time"

	"tadrib/internal/format"
)

// The certificate's wording lives here, not in assets/i18n: the PDF is a
// document design whose fixed wording is laid out in fixed boxes, changes
// together with the layout, and is part of what the SHA-256 recorded at
// issuance covers. A translator editing the site's strings must not change
// how (or whether) an issued certificate re-renders byte for byte.
type labels struct {
	title, awarded, profession, completed, duration, issued, expires, code, verify, signature string
}

var wording = map[string]labels{
	"fr": {
		title:      "CERTIFICAT DE FORMATION",
		awarded:    "Ce certificat est décerné à",
		profession: "Secteur d’activité\u202f:",
		completed:  "pour avoir suivi avec succès la formation",
		duration:   "Durée\u202f:",
		issued:     "Délivré le",
		expires:    "Valable jusqu’au",
		code:       "Code de vérification",
		verify:     "Vérifier\u202f:",
		signature:  "Signature",
	},
	"en": {
		title:      "TRAINING CERTIFICATE",
		awarded:    "This certificate is awarded to",
		profession: "Field:",
		completed:  "for successfully completing the training",
		duration:   "Duration:",
		issued:     "Issued on",
		expires:    "Valid until",
		code:       "Verification code",
		verify:     "Verify:",
		signature:  "Signature",
	},
	"ar": {
		// Without harakat: fpdf has no mark positioning (GPOS), so
		// vowel marks would float; official Moroccan documents omit them.
		title:      "شهادة تكوين",
		awarded:    "تمنح هذه الشهادة إلى",
		profession: "مجال العمل:",
		completed:  "لإتمامه بنجاح التكوين",
		duration:   "المدة:",
		issued:     "سلمت في",
		expires:    "صالحة إلى غاية",
		code:       "رمز التحقق",
		verify:     "للتحقق:",
		signature:  "التوقيع",
	},
}

// professions translates the holder's profession code.
var professions = map[string]map[string]string{
	"police":           {"fr": "Police", "en": "Police", "ar": "الشرطة"},
	"judiciary":        {"fr": "Justice", "en": "Judiciary", "ar": "القضاء"},
	"labour_inspector": {"fr": "Inspection du travail", "en": "Labour inspection", "ar": "تفتيش الشغل"},
	"child_protection": {"fr": "Protection de l’enfance", "en": "Child protection", "ar": "حماية الطفولة"},
	"other":            {"fr": "Autre", "en": "Other", "ar": "أخرى"},
}

// profession returns the translation of code, or "" for an unknown code
// (the line is then left out rather than printing an internal value).
func profession(code, lang string) string {
	return professions[code][lang]
}

// date formats t as "15 janvier 2025", "15 January 2025" or "15 يناير 2025"
// (Western digits and the month names used in Morocco), in UTC so that the
// text does not depend on the server's zone: internal/format, the same
// formatter the pages use, so that a page and its certificate agree.
func date(t time.Time, lang string) string {
	return format.Date(lang, t)
}

// hours formats a duration with its unit and the language's plural rule;
// the number is internal/format's, as on the pages.
func hours(h float64, lang string) string {
	n := format.Hours(lang, h)
	whole := h == math.Trunc(h)
	switch lang {
	case "fr":
		if h < 2 {
			return n + " heure"
		}
		return n + " heures"
	case "ar":
		switch {
		case whole && h == 1:
			return "ساعة واحدة"
		case whole && h == 2:
			return "ساعتان"
		case whole && h >= 3 && h <= 10:
			return n + " ساعات"
		}
		return n + " ساعة"
	}
	if h == 1 {
		return n + " hour"
	}
	return n + " hours"
}

// groupCode prints a code by groups of four for reading aloud.
func groupCode(code string) string {
	var b strings.Builder
	for i, r := range []rune(code) {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}
