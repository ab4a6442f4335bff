package webtest

import (
	"fmt"

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
