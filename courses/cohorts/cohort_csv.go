package cohorts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/web"
)

// Limits of a member list: a cohort is a room of people, not a census. The
// caps keep one upload inside one short transaction.
const (
	maxMemberRows  = 2000
	maxMemberBytes = 1 << 20
)

// memberColumns are the CSV header's columns; name, email and profession
// are required, the others may be left out.
var memberColumns = []string{"name", "name_ar", "email", "profession", "organization"}

// ParseMembersCSV reads a member list as spreadsheets save it: UTF-8 with or
// without a byte-order mark, comma- or semicolon-separated (French Excel
// writes ';'), CRLF or LF, quoted fields. A file that cannot be read as such a
// list is refused whole with the line of each problem (400), so that nothing
// is half-imported; a row whose values are wrong is not a format problem and
// is left to the import, which rejects that row alone.
func ParseMembersCSV(b []byte) ([]MemberInput, error) {
	if len(b) > maxMemberBytes {
		return nil, &web.Error{Status: fiber.StatusBadRequest, Key: "cohort.csv.too_large", Args: []any{maxMemberBytes >> 10}}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		line := 1 + bytes.Count(b[:firstInvalidUTF8(b)], []byte("\n"))
		return nil, csvProblem("cohort.csv.not_utf8", web.FieldError{Line: line, Key: "cohort.csv.not_utf8_line"})
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, csvProblem("cohort.csv.empty")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = separator(b)
	r.FieldsPerRecord = -1 // counted here, to name every bad line
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, csvParseProblem(err)
	}
	col, herr := headerColumns(header)
	if herr != nil {
		return nil, herr
	}
	var rows []MemberInput
	var problems []web.FieldError
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvParseProblem(err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue // Excel leaves ";;;;" lines below the data
		}
		if len(rec) != len(header) {
			if len(problems) < 20 {
				problems = append(problems, web.FieldError{Line: line, Key: "cohort.csv.columns", Args: []any{len(rec), len(header)}})
			}
			continue
		}
		if len(rows) == maxMemberRows {
			return nil, &web.Error{Status: fiber.StatusBadRequest, Key: "cohort.csv.too_many_rows", Args: []any{maxMemberRows},
				Fields: []web.FieldError{{Line: line, Key: "cohort.csv.too_many_rows", Args: []any{maxMemberRows}}}}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return rec[i]
			}
			return ""
		}
		rows = append(rows, MemberInput{Row: line, Name: get("name"), NameAr: get("name_ar"), Email: get("email"),
			Profession: get("profession"), Organization: get("organization")})
	}
	if len(problems) > 0 {
		return nil, csvProblem("cohort.csv.malformed", problems...)
	}
	if len(rows) == 0 {
		return nil, csvProblem("cohort.csv.empty")
	}
	return rows, nil
}

func csvProblem(key string, fields ...web.FieldError) *web.Error {
	return &web.Error{Status: fiber.StatusBadRequest, Key: key, Fields: fields}
}

func csvParseProblem(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return csvProblem("cohort.csv.malformed", web.FieldError{Line: pe.Line, Key: "cohort.csv.quotes"})
	}
	return csvProblem("cohort.csv.malformed")
}

// headerColumns maps each column name to its index; an unknown, repeated or
// missing required column refuses the file.
func headerColumns(header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range memberColumns {
			known = known || c == h
		}
		if _, dup := col[h]; !known || dup {
			return nil, csvProblem("cohort.csv.header", web.FieldError{Line: 1, Key: "cohort.csv.header_column", Args: []any{h, strings.Join(memberColumns, ",")}})
		}
		col[h] = i
	}
	for _, req := range []string{"name", "email", "profession"} {
		if _, ok := col[req]; !ok {
			return nil, csvProblem("cohort.csv.header", web.FieldError{Line: 1, Key: "cohort.csv.header_missing", Args: []any{req, strings.Join(memberColumns, ",")}})
		}
	}
	return col, nil
}

// separator guesses the field separator from the header line: ';' when it
// has more of them than commas.
func separator(b []byte) rune {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
