package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteCSV(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	code := "ABC"
	r := Report{Trainees: []TraineeRow{
		{Name: "=cmd", NameAr: "أمينة", Email: "a@x.org", Profession: "police", Organization: "-DGSN", Cohorts: []string{"A", "B"},
			Percent: 100, LessonsDone: 3, QuizzesPassed: 2, LastActivity: &at, CompletedAt: &at, CertificateCode: &code},
		{Name: "Karim, \"K\"", Email: "k@x.org", Profession: "other"},
	}}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFname,name_ar,email,profession,organization,cohort,percent,lessons_done,quizzes_passed,last_activity,completed_at,certificate_code\n" +
		"'=cmd,أمينة,a@x.org,police,'-DGSN,A; B,100,3,2,2026-11-27T10:00:00Z,2026-11-27T10:00:00Z,ABC\n" +
		"\"Karim, \"\"K\"\"\",,k@x.org,other,,,0,0,0,,,\n"
	if got := buf.String(); got != want {
		t.Errorf("WriteCSV =\n%s\nwant\n%s", got, want)
	}
}

func TestCSVFilename(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		slug string
		f    ReportFilter
		want string
	}{
		{"traite-101", ReportFilter{}, "tadrib-report-traite-101-20261127.csv"},
		{"traite-101", ReportFilter{CohortID: 7, Profession: "labour_inspector"}, "tadrib-report-traite-101-cohort-7-labour-inspector-20261127.csv"},
		{"a\"b\r\nc;d", ReportFilter{}, "tadrib-report-a-b--c-d-20261127.csv"},
	}
	for _, c := range cases {
		if got := csvFilename(c.slug, c.f, now); got != c.want {
			t.Errorf("csvFilename(%q, %+v) = %q, want %q", c.slug, c.f, got, c.want)
		}
	}
}

func TestTextDir(t *testing.T) {
	cases := map[string]string{"Amina": "ltr", "أمينة": "rtl", "+212 600": "ltr", "=HYPERLINK(\"x\")": "ltr", "12 يوسف": "rtl", "": "ltr"}
	for in, want := range cases {
		if got := textDir(in); got != want {
			t.Errorf("textDir(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBarChartSVG(t *testing.T) {
	chart := func(rtl bool) string {
		return string(barChart{ID: "c", Title: `Titre <"&'>`, Desc: "d", RTL: rtl, Max: 4,
			Legend: []chartSeries{{"Inscrits", "#000"}, {"المسجَّلون", "#111"}},
			Groups: []chartGroup{{Label: "<script>alert(1)</script>", Bars: []chartBar{{4, "4"}, {1, "1"}}}, {Label: "فارغ", Note: "لا اختبار"}}}.SVG())
	}
	for _, rtl := range []bool{false, true} {
		s := chart(rtl)
		if err := xmlOK(s); err != nil {
			t.Errorf("rtl=%v: not well-formed: %v\n%s", rtl, err, s)
		}
		if strings.Contains(s, "<script") {
			t.Errorf("rtl=%v: a label is not escaped: %s", rtl, s)
		}
		for _, want := range []string{`role="img"`, `<title id="c-t">`, `<desc id="c-d">`, "المسجَّلون", "لا اختبار"} {
			if !strings.Contains(s, want) {
				t.Errorf("rtl=%v: lacks %q", rtl, want)
			}
		}
	}
	// The full bar starts at the left margin in French and ends at the right
	// margin in Arabic: the layout is mirrored, not flipped.
	full := regexp.MustCompile(`<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="13.0" fill="#000"/>`)
	ltr, rtl := full.FindStringSubmatch(chart(false)), full.FindStringSubmatch(chart(true))
	if ltr == nil || rtl == nil {
		t.Fatalf("no full bar: ltr %v, rtl %v", ltr, rtl)
	}
	if ltr[1] != "4.0" || ltr[2] != rtl[2] {
		t.Errorf("left-to-right full bar x=%s width=%s, want x=4.0 and the same width as right to left (%s)", ltr[1], ltr[2], rtl[2])
	}
	if x, w := atof(rtl[1]), atof(rtl[2]); x+w != chartW-chartPad {
		t.Errorf("right-to-left full bar ends at %g, want %g", x+w, chartW-chartPad)
	}
	if !strings.Contains(chart(true), `direction="rtl"`) || strings.Contains(chart(false), `direction="rtl"`) {
		t.Errorf("the svg's direction does not follow the language")
	}
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

func xmlOK(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
