package rtl

import "strings"

// Wrap breaks s into lines no wider than width, in logical order, at spaces.
// measure returns the drawn width of one logical line (the caller shapes and
// measures it with its font). Lines are cut before they are reordered: a
// visual string cut left to right would put the end of an Arabic sentence on
// the first line. A single word wider than width gets a line of its own; the
// caller shrinks the font when any line is still too wide.
func Wrap(s string, width float64, measure func(line string) float64) []string {
	// Break at ordinary spaces only: no-break spaces (U+00A0, U+202F before
	// French ":" or "»") must keep their words together and stay as typed.
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	if len(words) == 0 {
		return nil
	}
	var lines []string
	line := words[0]
	for _, w := range words[1:] {
		if try := line + " " + w; measure(try) <= width {
			line = try
			continue
		}
		lines = append(lines, line)
		line = w
	}
	return append(lines, line)
}
