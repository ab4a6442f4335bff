package reports

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"tadrib/internal/csvcell"
)

// csvHeader is the CSV export's first row (openapi.json: courseReport's
// text/csv response); its order is the contract.
var csvHeader = []string{"name", "name_ar", "email", "profession", "organization", "cohort", "percent",
	"lessons_done", "quizzes_passed", "last_activity", "completed_at", "certificate_code"}

// utf8BOM lets spreadsheet programs recognise UTF-8 and show Arabic names
// instead of mojibake.
const utf8BOM = "\uFEFF"

// WriteCSV writes the report, one row per trainee, UTF-8 with a BOM. Cells a
// spreadsheet would read as a formula are neutralised (internal/csvcell).
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
			rec[i] = csvcell.Safe(rec[i])
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
