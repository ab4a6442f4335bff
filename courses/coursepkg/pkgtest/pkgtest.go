// Package pkgtest holds what the course-package tests of coursepkg and
// cmd/tadrib share: hand-made zips, the files of a zip, and a course as a
// comparable value for round trips. It is test support: no production
// package imports it (internal/webtest's tests check this). It uses the real
// quiz service, as the round trips do.
package pkgtest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"sort"
	"testing"

	"tadrib/internal/db"
	"tadrib/models"
	"tadrib/quiz"
)

// Manifest is a small valid course.yaml: one module of one lesson,
// 01-un/01-lecon, in French.
const Manifest = `format: tadrib-course/1
slug: paquet
locale: fr
hours: 1
audiences: [police]
title: {fr: "Paquet"}
modules:
  - slug: un
    title: {fr: "Un"}
    lessons: [01-un/01-lecon]
`

// Entry is one file of a hand-made zip.
type Entry struct {
	Name string
	Body []byte
	Mode fs.FileMode // 0: a regular file
}

// Zip writes the entries, deflated, into a zip as they are: names are not
// cleaned, so that a test can make the zips an attacker would.
func Zip(t testing.TB, entries ...Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.Name, Method: zip.Deflate}
		if e.Mode != 0 {
			h.SetMode(e.Mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Files reads a zip's files by name.
func Files(t testing.TB, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		b, err := fs.ReadFile(zr, f.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

// Tree is a course as a comparable value: everything a package carries
// (texts, modules, lessons, quiz settings, GIFT and bank, images), without
// ids, authors, dates or its slug.
func Tree(t testing.TB, d *db.DB, quizzes *quiz.Service, slug string) map[string]any {
	t.Helper()
	ctx := context.Background()
	var c models.Course
	err := d.R.Preload("Texts").Preload("Modules").Preload("Modules.Texts").Preload("Modules.Lessons").Preload("Modules.Lessons.Texts").
		Take(&c, "slug = ?", slug).Error
	if err != nil {
		t.Fatalf("course %s: %v", slug, err)
	}
	texts := map[string]any{}
	for _, x := range c.Texts {
		texts[x.Lang] = []string{x.Title, x.Summary}
	}
	sort.Slice(c.Modules, func(i, j int) bool { return c.Modules[i].Position < c.Modules[j].Position })
	var modules []any
	for _, m := range c.Modules {
		mt := map[string]string{}
		for _, x := range m.Texts {
			mt[x.Lang] = x.Title
		}
		sort.Slice(m.Lessons, func(i, j int) bool { return m.Lessons[i].Position < m.Lessons[j].Position })
		var lessons []any
		for _, l := range m.Lessons {
			lt := map[string]any{}
			for _, x := range l.Texts {
				lt[x.Lang] = []string{x.Title, x.BodyMD, x.HTML}
			}
			lessons = append(lessons, map[string]any{"position": l.Position, "minutes": l.Minutes, "texts": lt})
		}
		mod := map[string]any{"slug": m.Slug, "position": m.Position, "titles": mt, "lessons": lessons}
		st, gift, ok, err := quizzes.ExportQuiz(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			var qid int64
			if err := d.R.Table("quizzes").Select("id").Where("module_id = ?", m.ID).Scan(&qid).Error; err != nil {
				t.Fatal(err)
			}
			qs, err := quizzes.Bank(ctx, qid)
			if err != nil {
				t.Fatal(err)
			}
			for i := range qs {
				qs[i].ID = ""
			}
			bank, _ := json.Marshal(qs)
			mod["quiz"] = map[string]any{"settings": st, "gift": gift, "bank": string(bank)}
		}
		modules = append(modules, mod)
	}
	var imgs []struct {
		Name string
		Data []byte
	}
	if err := d.R.Table("images").Select("name, data").Where("course_id = ?", c.ID).Scan(&imgs).Error; err != nil {
		t.Fatal(err)
	}
	images := map[string][]byte{}
	for _, im := range imgs {
		images[im.Name] = im.Data
	}
	return map[string]any{"locale": c.Locale, "hours": c.Hours, "audiences": c.Audiences, "validity_days": c.ValidityDays,
		"published": c.Published, "prerequisites": c.Prerequisites, "texts": texts, "modules": modules, "images": images}
}
