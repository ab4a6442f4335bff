package certs

import (
	"strconv"
	"strings"
)

// fmtSscanf reads a holder field name "holders[3].email" into its index and
// sub-field, returning how many of the two it found.
func fmtSscanf(field string, idx *int, sub *string) (int, error) {
	rest, ok := strings.CutPrefix(field, "holders[")
	if !ok {
		return 0, nil
	}
	num, after, ok := strings.Cut(rest, "].")
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, err
	}
	*idx, *sub = n, after
	return 2, nil
}
