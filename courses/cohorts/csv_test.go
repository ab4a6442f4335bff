package cohorts

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"tadrib/internal/web"
)

// TestParseMembersCSV: lists as spreadsheets save them are read; a file
// that is not such a list is refused whole (400) with the line of each
// problem.
func TestParseMembersCSV(t *testing.T) {
	t.Parallel()
	ok := []struct {
		name, in string
		want     []MemberInput
	}{
		{"comma, LF", "name,email,profession\nAmina,a@example.org,police\n",
			[]MemberInput{{Row: 2, Name: "Amina", Email: "a@example.org", Profession: "police"}}},
		{"French Excel: BOM, semicolons, CRLF, blank lines", "\ufeffName;Email;Profession;Organization;name_ar\r\nKarim;k@example.org;judiciary;\"Tribunal; Rabat\";كريم\r\n;;;;\r\n",
			[]MemberInput{{Row: 2, Name: "Karim", NameAr: "كريم", Email: "k@example.org", Profession: "judiciary", Organization: "Tribunal; Rabat"}}},
		{"quoted newline, leading spaces", "email, name, profession\nx@example.org, \"Deux\nlignes\", police\n",
			[]MemberInput{{Row: 2, Email: "x@example.org", Name: "Deux\nlignes", Profession: "police"}}},
	}
	for _, c := range ok {
		got, err := ParseMembersCSV([]byte(c.in))
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
		}
	}

	var many strings.Builder
	many.WriteString("name,email,profession\n")
	for i := range maxMemberRows + 1 {
		fmt.Fprintf(&many, "P%d,p%d@example.org,police\n", i, i)
	}
	bad := []struct {
		name, in string
		key      string
		line     int // of the first problem, 0 for none
	}{
		{"empty", " \r\n ", "cohort.csv.empty", 0},
		{"header only", "name,email,profession\n", "cohort.csv.empty", 0},
		{"not UTF-8", "name,email,profession\nA\xff,a@example.org,police\n", "cohort.csv.not_utf8", 2},
		{"unknown column", "name,email,profession,phone\n", "cohort.csv.header", 1},
		{"repeated column", "name,email,email,profession\n", "cohort.csv.header", 1},
		{"missing column", "name,email\nA,a@example.org\n", "cohort.csv.header", 1},
		{"columns", "name,email,profession\nA,a@example.org\nB,b@example.org,police\nC,c@example.org,police,x\n", "cohort.csv.malformed", 2},
		{"quotes", "name,email,profession\n\"A,a@example.org,police\n", "cohort.csv.malformed", 2},
		{"too many rows", many.String(), "cohort.csv.too_many_rows", maxMemberRows + 2},
		{"too large", strings.Repeat("x", maxMemberBytes+1), "cohort.csv.too_large", 0},
	}
	for _, c := range bad {
		_, err := ParseMembersCSV([]byte(c.in))
		var we *web.Error
		if !errors.As(err, &we) || we.Status != 400 || we.Key != c.key {
			t.Errorf("%s: %v, want 400 %s", c.name, err, c.key)
			continue
		}
		if c.line != 0 && (len(we.Fields) == 0 || we.Fields[0].Line != c.line) {
			t.Errorf("%s: problems %+v, want the first on line %d", c.name, we.Fields, c.line)
		}
	}
}

// TestProfessionLabels: a list may name a profession as the trainer reads it
// on the site, or its code in any case.
func TestProfessionLabels(t *testing.T) {
	t.Parallel()
	labels := map[string]string{"police": "Police", "judiciary": "Magistrature (juges et procureurs)", "labour_inspector": "Inspection du travail"}
	rows := []MemberInput{{Profession: "magistrature"}, {Profession: " Inspection du Travail "}, {Profession: "Labour-Inspector"}, {Profession: "pirate"}}
	useProfessionLabels(rows, func(code string) string { return labels[code] })
	var got []string
	for i := range rows {
		p, ok := professionCode(rows[i].Profession)
		got = append(got, fmt.Sprintf("%s %v", p, ok))
	}
	if want := "judiciary true,labour_inspector true,labour_inspector true,pirate false"; strings.Join(got, ",") != want {
		t.Errorf("professions %v, want %s", got, want)
	}
}
