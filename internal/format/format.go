// Package format writes dates and numbers the way each interface language
// does (CLDR conventions), so that pages, e-mails of the server and the PDF
// certificate say the same thing the same way:
//
//	         date               number   percent   hours
//	fr   7 décembre 2026        1 234,25  100 %     2,25
//	ar   7 دجنبر 2026           1.234,25  100%      2,25
//	en   7 December 2026        1,234.25  100%      2.25
//
// French groups thousands with, and puts before "%", a narrow no-break space
// (U+202F), as CLDR does since version 34. Arabic follows ar-MA: Western
// digits (the digits the whole interface and the certificate use), "," for
// decimals, "." for thousands, and the month names used in Morocco (the
// French-derived ones: ماي, يوليوز, غشت, شتنبر, نونبر, دجنبر) rather than the
// Mashriq's. CSV exports keep ISO 8601 and plain integers: their columns are
// for machines (openapi.json, the courseReport CSV).
//
// Dates are written in UTC, so that a page, a CSV and a certificate issued at
// 23:30 in Rabat agree on the day whatever the server's zone.
package format

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// NNBSP is the narrow no-break space French puts between a number and "%"
// and between groups of digits.
const NNBSP = "\u202f"

var months = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"},
	// As in Morocco (and on the certificate since it was first drawn).
	"ar": {"يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت",
		"شتنبر", "أكتوبر", "نونبر", "دجنبر"},
}

// symbols are a language's decimal separator, group separator and the text
// that follows a percentage.
type symbols struct{ decimal, group, percent string }

var syms = map[string]symbols{
	"fr": {",", NNBSP, NNBSP + "%"},
	"ar": {",", ".", "%"},
	"en": {".", ",", "%"},
}

func lang(l string) string {
	if _, ok := syms[l]; ok {
		return l
	}
	return "fr"
}

// Date writes t's day in UTC: "7 décembre 2026", "7 دجنبر 2026",
// "7 December 2026". The zero time is "".
func Date(l string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	return strconv.Itoa(t.Day()) + " " + months[lang(l)][t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Day writes a calendar day kept as "2006-01-02" (a session's dates) as
// Date does; anything else is returned unchanged.
func Day(l, iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return Date(l, t)
}

// ISO is t's day in UTC as "2006-01-02", for <time datetime>.
func ISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Number writes f with at most frac decimals (trailing zeros dropped):
// "1 234,5", "1.234,5", "1,234.5".
func Number(l string, f float64, frac int) string {
	s := syms[lang(l)]
	p := math.Pow(10, float64(frac))
	f = math.Round(f*p) / p
	neg := f < 0
	digits := strconv.FormatFloat(math.Abs(f), 'f', frac, 64)
	whole, dec, _ := strings.Cut(digits, ".")
	dec = strings.TrimRight(dec, "0")
	var b strings.Builder
	if neg && (whole != "0" || dec != "") {
		b.WriteByte('-')
	}
	// CLDR's minimumGroupingDigits is 1 for fr, ar and en: 1 234 is grouped.
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(s.group)
		}
		b.WriteRune(r)
	}
	if dec != "" {
		b.WriteString(s.decimal)
		b.WriteString(dec)
	}
	return b.String()
}

// Percent writes a percentage given from 0 to 100 with at most frac
// decimals: "70 %" (narrow no-break space) in French, "70%" in Arabic and
// English.
func Percent(l string, v float64, frac int) string {
	return Number(l, v, frac) + syms[lang(l)].percent
}

// Isolate wraps s in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, for a
// value (a date, a name, a number with a sign) put into translated text of
// possibly the other direction: Unicode's bidi algorithm then lays it out on
// its own, and "7 دجنبر 2026" inside a French sentence, or "2026-12-07"
// inside an Arabic one, keeps its order.
func Isolate(s string) string {
	if s == "" {
		return s
	}
	return "\u2068" + s + "\u2069"
}

// Hours writes a course's duration in hours, with at most two decimals and
// no grouping ("2,25", "1000"): a course lasts at most 1,000 hours
// (courses/coursepkg checks it), and the certificate, whose bytes must not
// change when it is drawn again (certs/pdf/labels.go), printed durations
// ungrouped before this package existed. Pages and certificate use this one.
func Hours(l string, h float64) string {
	return strings.ReplaceAll(Number(l, h, 2), syms[lang(l)].group, "")
}
