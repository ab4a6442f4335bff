package quiz

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

var jsonMarshal = json.Marshal

// numberReplacer reads numbers as people type them in French, Arabic and
// English: a decimal comma, the Arabic decimal separator, Arabic-Indic
// digits, and spaces (or no-break spaces) between thousands.
var numberReplacer = strings.NewReplacer(
	",", ".", "٫", ".", "٬", "", " ", "", "\u00a0", "", "\u202f", "",
	"٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9",
	"۰", "0", "۱", "1", "۲", "2", "۳", "3", "۴", "4", "۵", "5", "۶", "6", "۷", "7", "۸", "8", "۹", "9",
)

// ParseNumber reads a typed number; ok is false for anything that is not a
// finite number.
func ParseNumber(s string) (float64, bool) {
	s = numberReplacer.Replace(strings.TrimSpace(s))
	if strings.Count(s, ".") > 1 || s == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}
