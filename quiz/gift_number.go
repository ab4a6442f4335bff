package quiz

// Numbers in GIFT: weights ("%50%") and numerical answers, read as
// Moodle reads them and written so that they read back to the same float64.

import (
	"math"
	"strconv"
	"strings"
)

// parseGIFTWeight reads what Moodle's weight pattern
// /^%\-*([0-9]{1,2})\.?([0-9]*)%/ means: an optional minus, digits, an
// optional decimal part; it returns the fraction (0.5 for "50"). Moodle
// divides the percentage by 100; this reads the decimal fraction itself
// ("50e-2"), correctly rounded, so that every float64 weight has a
// percentage that reads back to it (see giftPercent).
func parseGIFTWeight(c string) (float64, bool) {
	i := 0
	if i < len(c) && c[i] == '-' {
		i++
	}
	d := i
	for i < len(c) && c[i] >= '0' && c[i] <= '9' {
		i++
	}
	if i == d {
		return 0, false
	}
	if i < len(c) && c[i] == '.' {
		i++
		for i < len(c) && c[i] >= '0' && c[i] <= '9' {
			i++
		}
	}
	if i != len(c) {
		return 0, false
	}
	v, err := strconv.ParseFloat(c+"e-2", 64)
	return v, err == nil
}

// parseGIFTNumber reads a number as PHP's is_numeric does for decimal
// notation: sign, digits, decimal point, exponent.
func parseGIFTNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

func giftNumber(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// giftPercent writes a weight (a fraction) as the percentage that
// parseGIFTWeight reads back to the same float64: the shortest decimal of
// the weight, its point moved two places.
func giftPercent(w float64) string {
	if math.IsNaN(w) || math.IsInf(w, 0) || w == 0 {
		if math.Signbit(w) && w == 0 {
			return "-0"
		}
		return "0"
	}
	e := strconv.FormatFloat(w, 'e', -1, 64) // -d.ddde±xx
	sign := ""
	if e[0] == '-' {
		sign, e = "-", e[1:]
	}
	k := strings.IndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[k+1:])
	digits := strings.Replace(e[:k], ".", "", 1)
	point := 1 + exp + 2 // digits before the decimal point of the percentage
	var p string
	switch {
	case point <= 0:
		p = "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		p = digits + strings.Repeat("0", point-len(digits))
	default:
		p = digits[:point] + "." + digits[point:]
	}
	return sign + p
}
