package webtest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"sort"
	"testing"

	"tadrib/models"
)

// Course stores a published French course with one module of n lessons (a
// title and a paragraph each, five minutes), owned by author when it is not
// nil, and returns it with its module and lessons loaded. Tests change what
// they need on the rows it returns.
func (e *Env) Course(slug string, n int, author *models.User) models.Course {
	e.t.Helper()
	c := models.Course{Slug: slug, Locale: "fr", Hours: 2, Published: true,
		Texts: []models.CourseText{{Lang: "fr", Title: "Cours " + slug, Summary: "Résumé de " + slug}}}
	if author != nil {
		c.CreatedBy = &author.ID
	}
	m := models.Module{Slug: "m1", Position: 1, Texts: []models.ModuleText{{Lang: "fr", Title: "Module 1"}}}
	for i := 1; i <= n; i++ {
		title := fmt.Sprintf("Leçon %d", i)
		m.Lessons = append(m.Lessons, models.Lesson{Position: i, Minutes: 5, Texts: []models.LessonText{{
			Lang: "fr", Title: title, BodyMD: title + " : à lire.", HTML: "<p>" + title + " : à lire.</p>"}}})
	}
	c.Modules = []models.Module{m}
	if err := e.DB.W.Create(&c).Error; err != nil {
		e.t.Fatal(err)
	}
	return c
}

// SixTypesGIFT is a Moodle GIFT bank of one question of each auto-graded
// type (single, multiple, true-false, short, numerical, matching), worth a
// point each. Its feedback texts start with "FBK-", so that a test can check
// that none shows before the attempt is submitted.
const SixTypesGIFT = `::Q1 single:: Which instrument first defined trafficking in persons internationally? {
=The Palermo Protocol#FBK-single-right
~The Geneva Convention#FBK-single-wrong
~The Hague Convention
}

::Q2 multiple:: Which of these are elements of the definition of trafficking? {
~%50%The act
~%50%The means
~%-100%The weather
}

::Q3 true-false:: The consent of a child victim is irrelevant. {TRUE#FBK-tf-wrong#FBK-tf-right}

::Q4 short:: Which Moroccan law number is on trafficking in human beings? {=27-14 =27.14}

::Q5 numerical:: How many constituent elements does the definition of trafficking have for adults? {#3}

::Q6 matching:: Match each element with an example. {
=Act -> Recruitment
=Means -> Deception
=Purpose -> Exploitation
}
`

// EveryTypeGIFT is SixTypesGIFT with an essay and a description: one
// question of every type.
const EveryTypeGIFT = SixTypesGIFT + `
::Q7 essay:: Describe a referral you made. {}

::Q8 description:: Read the case below before answering.
`

// PNG is a real 8×8 PNG image, different for each seed.
func PNG(t testing.TB, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = seed + uint8(i)
	}
	img.Set(0, 0, color.RGBA{R: seed, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Multipart is a multipart/form-data body as a browser sends it: the fields
// (in the order of their names), then one file when fileField is not empty.
// It returns the body and its Content-Type.
func Multipart(t testing.TB, fields map[string]string, fileField, fileName string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := w.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := w.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}
