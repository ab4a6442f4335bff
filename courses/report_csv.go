package courses

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvHeader is the CSV export's first row (API.md); its order is the contract.
var csvHeader = []string{"name", "name_ar", "email", "profession", "organization", "cohort", "percent",
	"lessons_done", "quizzes_passed", "last_activity", "completed_at", "certificate_code"}

// utf8BOM lets spreadsheet programs recognise UTF-8 and show Arabic names
// instead of mojibake.
const utf8BOM = "\uFEFF"

// WriteCSV writes the report, one row per trainee, UTF-8 with a BOM. Cells a
// spreadsheet would read as a formula are neutralised (SECURITY.md M3).
func (r Report) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, t := range r.Trainees {
		code := ""
		if t.CertificateCode != nil {
			code = *t.CertificateCode
		}
		rec := []string{t.Name, t.NameAr, t.Email, t.Profession, t.Organization, strings.Join(t.Cohorts, "; "),
			strconv.Itoa(t.Percent), strconv.Itoa(t.LessonsDone), strconv.Itoa(t.QuizzesPassed),
			csvTime(t.LastActivity), csvTime(t.CompletedAt), code}
		for i := range rec {
			rec[i] = CSVCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// CSVCell neutralises a cell that a spreadsheet would run as a formula (OWASP
// "CSV Injection"): one starting with = + - @, a tab or a carriage return gets
// a leading apostrophe, which spreadsheets show as text. Numbers we write
// ourselves are never negative, so none is altered by mistake.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
