package courses

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"tadrib/internal/web"
)

func ValidText(field string, v *string, required bool, max int) []web.FieldError {
	if v == nil {
		if required {
			return []web.FieldError{web.Field(field, "err.required")}
		}
		return nil
	}
	*v = strings.TrimSpace(*v)
	switch {
	case required && *v == "":
		return []web.FieldError{web.Field(field, "err.required")}
	case !utf8.ValidString(*v):
		return []web.FieldError{web.Field(field, "err.text_chars")}
	case utf8.RuneCountInString(*v) > max:
		return []web.FieldError{web.Field(field, "err.too_long", max)}
	}
	return nil
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// latin spells French accented letters and Arabic letters in ASCII, so that
// a title in either gives a readable slug (an address, not a translation).
var latin = strings.NewReplacer(
	"é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ù", "u", "û", "u", "œ", "oe",
	"ا", "a", "أ", "a", "إ", "i", "آ", "a", "ب", "b", "ت", "t", "ث", "th", "ج", "j", "ح", "h", "خ", "kh", "د", "d", "ذ", "dh",
	"ر", "r", "ز", "z", "س", "s", "ش", "sh", "ص", "s", "ض", "d", "ط", "t", "ظ", "z", "ع", "a", "غ", "gh", "ف", "f", "ق", "q",
	"ك", "k", "ل", "l", "م", "m", "ن", "n", "ه", "h", "و", "w", "ي", "y", "ى", "a", "ة", "a", "ؤ", "w", "ئ", "y", "ء", "",
	"٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9")

// Slugify makes a slug from a title, for forms that leave the slug to us:
// its ASCII letters and digits, or fallback when there are none (an Arabic
// title).
func Slugify(title, fallback string) string {
	s := strings.ToLower(title)
	s = latin.Replace(s)
	s = strings.Trim(nonSlug.ReplaceAllString(s, "-"), "-")
	if len(s) > 50 {
		s = strings.TrimRight(s[:50], "-")
	}
	if s == "" {
		return fallback
	}
	return s
}
