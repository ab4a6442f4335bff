package authoring

import (
	"context"
	"errors"
	"strings"
	"testing"

	"tadrib/courses"
	"tadrib/internal/web"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// TestEditRightsPerObject: a trainer changes only their own courses, an
// admin any; for anyone else a draft does not exist (courses.ErrNotFound) and
// a published course is refused (courses.ErrForbidden), through every
// service entry that changes a course.
func TestEditRightsPerObject(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner, other := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	mid, lid := e.draft(t, owner, "traite-101")

	// Each change a non-owner may try, on the course, its module or its lesson.
	changes := map[string]func(u models.User) error{
		"UpdateCourse": func(u models.User) error {
			_, err := e.svc.UpdateCourse(ctx, u, "traite-101", CourseInput{Hours: ptr(1.0)})
			return err
		},
		"AddModule": func(u models.User) error {
			_, err := e.svc.AddModule(ctx, u, "traite-101", ModuleInput{Slug: ptr("autre"), Title: ptr("Autre")})
			return err
		},
		"UpdateModule": func(u models.User) error {
			_, err := e.svc.UpdateModule(ctx, u, mid, ModuleInput{Title: ptr("x")})
			return err
		},
		"DeleteModule": func(u models.User) error { _, err := e.svc.DeleteModule(ctx, u, mid); return err },
		"ModuleWeight": func(u models.User) error { _, _, err := e.svc.ModuleWeight(ctx, u, mid); return err },
		"AddLesson": func(u models.User) error {
			_, err := e.svc.AddLesson(ctx, u, mid, LessonInput{Title: ptr("x")})
			return err
		},
		"UpdateLesson": func(u models.User) error {
			_, err := e.svc.UpdateLesson(ctx, u, lid, LessonInput{Title: ptr("x")})
			return err
		},
		"DeleteLesson": func(u models.User) error { _, err := e.svc.DeleteLesson(ctx, u, lid); return err },
		"SaveImage": func(u models.User) error {
			_, err := e.svc.SaveImage(ctx, u, "traite-101", "x", webtest.PNG(t, 1))
			return err
		},
	}
	check := func(state string, want error) {
		for name, change := range changes {
			for _, u := range []models.User{other, trainee} {
				if err := change(u); !errors.Is(err, want) {
					t.Errorf("%s course, %s by a %s: %v, want %v", state, name, u.Role, err, want)
				}
			}
		}
	}
	check("a draft", courses.ErrNotFound)
	e.publish(t, owner, "traite-101")
	check("a published", courses.ErrForbidden)
	if got, err := e.svc.Authored(ctx, other, "fr"); err != nil || len(got) != 0 {
		t.Errorf("another trainer's home lists %v (%v)", got, err)
	}

	// An admin changes anyone's course; the author still can.
	if _, err := e.svc.UpdateModule(ctx, admin, mid, ModuleInput{Title: ptr("Identifier (admin)")}); err != nil {
		t.Errorf("an admin may not change a trainer's module: %v", err)
	}
	if _, err := e.svc.UpdateLesson(ctx, owner, lid, LessonInput{Minutes: ptr(9)}); err != nil {
		t.Errorf("the author may not change their lesson: %v", err)
	}
	// An edit may leave the title out, never blank it.
	var invalid *web.Error
	if _, err := e.svc.UpdateLesson(ctx, owner, lid, LessonInput{Title: ptr("  ")}); !errors.As(err, &invalid) ||
		len(invalid.Fields) != 1 || invalid.Fields[0].Field != "title" {
		t.Errorf("a blank lesson title: %v, want a 400 naming title", err)
	}
	// Unknown ids are not found, for everyone.
	if _, err := e.svc.UpdateLesson(ctx, admin, lid+1000, LessonInput{Minutes: ptr(1)}); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an unknown lesson: %v", err)
	}
	if _, err := e.svc.DeleteLesson(ctx, admin, lid+1000); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("deleting an unknown lesson: %v", err)
	}
	if _, err := e.svc.AddLesson(ctx, admin, mid+1000, LessonInput{Title: ptr("x")}); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("a lesson in an unknown module: %v", err)
	}
	if _, err := e.svc.UpdateCourse(ctx, admin, "nope", CourseInput{Hours: ptr(1.0)}); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("an unknown course: %v", err)
	}
}

func TestCreateCourseValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	ok := func() CourseInput {
		return CourseInput{Slug: ptr("traite-101"), Title: ptr("Traite"), Audiences: &[]string{"police"}}
	}
	long := strings.Repeat("a", 201)
	cases := []struct {
		name   string
		change func(*CourseInput)
		fields []string
	}{
		{"no slug", func(in *CourseInput) { in.Slug = nil }, []string{"slug"}},
		{"bad slug", func(in *CourseInput) { in.Slug = ptr("Pas Bon") }, []string{"slug"}},
		{"no title", func(in *CourseInput) { in.Title = nil }, []string{"title"}},
		{"empty title", func(in *CourseInput) { in.Title = ptr("") }, []string{"title"}},
		{"title too long", func(in *CourseInput) { in.Title = &long }, []string{"title"}},
		{"summary too long", func(in *CourseInput) { in.Summary = ptr(strings.Repeat("b", 2001)) }, []string{"summary"}},
		{"no audience", func(in *CourseInput) { in.Audiences = nil }, []string{"audiences"}},
		{"empty audiences", func(in *CourseInput) { in.Audiences = &[]string{} }, []string{"audiences"}},
		{"unknown audience", func(in *CourseInput) { in.Audiences = &[]string{"police", "pirates"} }, []string{"audiences"}},
		{"hours", func(in *CourseInput) { in.Hours = ptr(-1.0) }, []string{"hours"}},
		{"validity", func(in *CourseInput) { in.ValidityDays = ptr(36501) }, []string{"validity_days"}},
		{"locale", func(in *CourseInput) { in.Locale = ptr("de") }, []string{"locale"}},
		{"lang", func(in *CourseInput) { in.Lang = ptr("de") }, []string{"lang"}},
		{"texts language", func(in *CourseInput) { in.Texts = map[string]TextInput{"de": {Title: ptr("x")}} }, []string{"texts"}},
		{"texts empty title", func(in *CourseInput) { in.Texts = map[string]TextInput{"ar": {Title: ptr("")}} }, []string{"texts.ar.title"}},
		{"several", func(in *CourseInput) { in.Slug, in.Title, in.Hours = nil, nil, ptr(1001.0) }, []string{"slug", "title", "hours"}},
	}
	for _, c := range cases {
		in := ok()
		c.change(&in)
		_, err := e.svc.CreateCourse(ctx, tr, in)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		webtest.WantFields(t, err, c.fields...)
	}
	var n int64
	e.DB.R.Model(&models.Course{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d courses stored by refused creations", n)
	}

	// A new course may give its title only in texts, in its language.
	d, err := e.svc.CreateCourse(ctx, tr, CourseInput{Slug: ptr("tahrib"), Locale: ptr("ar"), Audiences: &[]string{"judiciary"},
		Texts: map[string]TextInput{"ar": {Title: ptr("الاتجار بالبشر")}, "en": {Title: ptr("Trafficking"), Summary: ptr("In English")}}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "الاتجار بالبشر" || d.Locale != "ar" || d.Published || !d.CanEdit {
		t.Errorf("created %+v", d)
	}
	en, err := e.cs.Course(ctx, "tahrib", &tr, "en")
	if err != nil || en.Title != "Trafficking" || en.Summary != "In English" {
		t.Errorf("the English text: %+v (%v)", en, err)
	}
	// The slug is the course's address: taken is ErrSlugTaken.
	if _, err := e.svc.CreateCourse(ctx, e.User("Karim", models.RoleTrainer), CourseInput{Slug: ptr("tahrib"), Title: ptr("Autre"),
		Audiences: &[]string{"police"}}); !errors.Is(err, courses.ErrSlugTaken) {
		t.Errorf("a taken slug: %v, want ErrSlugTaken", err)
	}
	if e.audits(t, "course.create", "course:tahrib") != 1 {
		t.Error("the creation is not audited once")
	}
}

// TestUpdateCourseTranslationsAndPublishing: texts are kept per language,
// a new language needs its title, publishing is audited as such, a renamed
// slug moves the course and a taken one is refused.
func TestUpdateCourseTranslationsAndPublishing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	e.draft(t, tr, "traite-101")
	e.draft(t, tr, "traite-102")

	// A language without a text needs a title.
	_, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Lang: ptr("ar"), Summary: ptr("ملخص")})
	webtest.WantFields(t, err, "title")
	d, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Lang: ptr("ar"), Title: ptr("الاتجار"), Summary: ptr("ملخص"),
		Hours: ptr(3.5), ValidityDays: ptr(365), Audiences: &[]string{"police", "labour_inspector"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Cours traite-101" || d.Hours != 3.5 || d.ValidityDays != 365 || len(d.Audiences) != 2 {
		t.Errorf("after the update, in the course's language: %+v", d)
	}
	ar, _ := e.cs.Course(ctx, "traite-101", &tr, "ar")
	if ar.Title != "الاتجار" || ar.Summary != "ملخص" {
		t.Errorf("the Arabic text: %q %q", ar.Title, ar.Summary)
	}
	// Only the summary: the title stays.
	if _, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Texts: map[string]TextInput{"ar": {Summary: ptr("ملخص جديد")}}}); err != nil {
		t.Fatal(err)
	}
	if ar, _ := e.cs.Course(ctx, "traite-101", &tr, "ar"); ar.Title != "الاتجار" || ar.Summary != "ملخص جديد" {
		t.Errorf("after changing the summary only: %q %q", ar.Title, ar.Summary)
	}

	// Prerequisites must exist and not be the course itself.
	_, err = e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Prerequisites: &[]string{"nope"}})
	webtest.WantFields(t, err, "prerequisites")
	_, err = e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Prerequisites: &[]string{"traite-101"}})
	webtest.WantFields(t, err, "prerequisites")
	if _, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Prerequisites: &[]string{"traite-102"}}); err != nil {
		t.Errorf("an existing prerequisite: %v", err)
	}

	// Publishing and unpublishing are audited as such; saving the same state is an update.
	e.publish(t, tr, "traite-101")
	if _, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Published: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Published: ptr(false)}); d.Published {
		t.Error("unpublishing left the course published")
	}
	if p, u := e.audits(t, "course.publish", "course:traite-101"), e.audits(t, "course.unpublish", "course:traite-101"); p != 1 || u != 1 {
		t.Errorf("%d publish and %d unpublish events, want 1 and 1", p, u)
	}

	// A new slug moves the course; a taken one is ErrSlugTaken.
	if _, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Slug: ptr("traite-102")}); !errors.Is(err, courses.ErrSlugTaken) {
		t.Errorf("renaming to a taken slug: %v", err)
	}
	if d, err := e.svc.UpdateCourse(ctx, tr, "traite-101", CourseInput{Slug: ptr("traite-200")}); err != nil || d.Slug != "traite-200" {
		t.Errorf("renaming: %+v %v", d.Slug, err)
	}
	if _, err := e.cs.Course(ctx, "traite-101", &tr, "fr"); !errors.Is(err, courses.ErrNotFound) {
		t.Errorf("the old slug still answers: %v", err)
	}

	items, err := e.svc.Authored(ctx, tr, "ar")
	if err != nil || len(items) != 2 {
		t.Fatalf("authored: %v %v", items, err)
	}
	for _, it := range items {
		if it.Modules != 1 || it.Lessons != 1 {
			t.Errorf("authored %+v, want 1 module and 1 lesson", it)
		}
	}
	if all, _ := e.svc.Authored(ctx, e.User("Admin", models.RoleAdmin), "fr"); len(all) != 2 {
		t.Errorf("an admin's home lists %d courses, want all 2", len(all))
	}
}

// TestModulesAndLessons: validation names its fields, module slugs are
// unique in a course, positions stay 1..n through inserts, moves and
// deletions, and a lesson's text is kept per language.
func TestModulesAndLessons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	mid, lid := e.draft(t, tr, "traite-101")

	_, err := e.svc.AddModule(ctx, tr, "traite-101", ModuleInput{Slug: ptr("Pas Bon"), Title: ptr(""), Position: ptr(0), Lang: ptr("de")})
	webtest.WantFields(t, err, "title", "slug", "position", "lang")
	_, err = e.svc.AddModule(ctx, tr, "traite-101", ModuleInput{Slug: ptr("identifier"), Title: ptr("Encore")})
	webtest.WantFields(t, err, "slug") // taken in this course
	_, err = e.svc.UpdateModule(ctx, tr, mid, ModuleInput{Title: ptr(""), Slug: ptr("x y"), Position: ptr(10001), Lang: ptr("xx")})
	webtest.WantFields(t, err, "title", "slug", "position", "lang")

	// A module inserted first moves the others down.
	first, err := e.svc.AddModule(ctx, tr, "traite-101", ModuleInput{Slug: ptr("approcher"), Title: ptr("Approcher"), Position: ptr(1)})
	if err != nil || first.Position != 1 {
		t.Fatalf("insert first: %+v %v", first, err)
	}
	last, err := e.svc.AddModule(ctx, tr, "traite-101", ModuleInput{Slug: ptr("poursuivre"), Title: ptr("Poursuivre"), Lang: ptr("fr")})
	if err != nil || last.Position != 3 {
		t.Fatalf("append: %+v %v", last, err)
	}
	order := func() string {
		d, err := e.cs.Course(ctx, "traite-101", &tr, "fr")
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for i, m := range d.Modules {
			if m.Position != i+1 {
				t.Errorf("module %s at position %d, want %d", m.Slug, m.Position, i+1)
			}
			s = append(s, m.Slug)
		}
		return strings.Join(s, ",")
	}
	if got := order(); got != "approcher,identifier,poursuivre" {
		t.Errorf("order %s", got)
	}
	// Moving past the end puts it last; a title in Arabic keeps the French one.
	m, err := e.svc.UpdateModule(ctx, tr, mustID(t, first.ID), ModuleInput{Position: ptr(99), Title: ptr("المقاربة"), Lang: ptr("ar")})
	if err != nil || m.Position != 3 || m.Title != "المقاربة" {
		t.Errorf("move: %+v %v", m, err)
	}
	if got := order(); got != "identifier,poursuivre,approcher" {
		t.Errorf("after the move: %s", got)
	}
	if m, _ := e.svc.UpdateModule(ctx, tr, mustID(t, first.ID), ModuleInput{Lang: ptr("fr")}); m.Title != "Approcher" {
		t.Errorf("the French title became %q", m.Title)
	}
	if _, err := e.svc.UpdateModule(ctx, tr, mustID(t, first.ID), ModuleInput{Slug: ptr("identifier")}); err == nil {
		t.Error("a module renamed to a taken slug")
	} else {
		webtest.WantFields(t, err, "slug")
	}

	// Lessons.
	_, err = e.svc.AddLesson(ctx, tr, mid, LessonInput{Minutes: ptr(601), Position: ptr(0), Lang: ptr("de")})
	webtest.WantFields(t, err, "title", "minutes", "position", "lang")
	second, err := e.svc.AddLesson(ctx, tr, mid, LessonInput{Title: ptr("Orienter"), BodyMD: ptr("# Titre\n\n<script>alert(1)</script>")})
	if err != nil || second.Position != 2 || !strings.Contains(second.HTML, "<h1") || strings.Contains(second.HTML, "<script") {
		t.Fatalf("second lesson: %+v %v", second, err)
	}
	// A translation is a text of its own; the French one stays.
	ar, err := e.svc.UpdateLesson(ctx, tr, lid, LessonInput{Title: ptr("المؤشرات"), BodyMD: ptr("نص"), Lang: ptr("ar")})
	if err != nil || ar.Lang != "ar" || ar.Title != "المؤشرات" {
		t.Fatalf("Arabic text: %+v %v", ar, err)
	}
	var texts []models.LessonText
	e.DB.R.Where("lesson_id = ?", lid).Order("lang").Find(&texts)
	if len(texts) != 2 || texts[0].Lang != "ar" || texts[1].Title != "Les indicateurs" {
		t.Errorf("texts of the lesson: %+v", texts)
	}
	moved, err := e.svc.UpdateLesson(ctx, tr, lid, LessonInput{Position: ptr(2)})
	if err != nil || moved.Position != 2 || moved.Title != "Les indicateurs" {
		t.Errorf("lesson moved: %+v %v", moved, err)
	}

	// What deleting the module would take; deleting renumbers the rest.
	c, w, err := e.svc.ModuleWeight(ctx, tr, mid)
	if err != nil || c.Slug != "traite-101" || w.Lessons != 2 || w.Questions != 0 || w.Attempts != 0 {
		t.Errorf("weight %+v of %s (%v)", w, c.Slug, err)
	}
	if slug, err := e.svc.DeleteLesson(ctx, tr, mustID(t, second.ID)); err != nil || slug != "traite-101" {
		t.Fatalf("delete lesson: %q %v", slug, err)
	}
	var l models.Lesson
	e.DB.R.Take(&l, "id = ?", lid)
	if l.Position != 1 {
		t.Errorf("the remaining lesson is at %d, want 1", l.Position)
	}
	if _, err := e.svc.DeleteModule(ctx, tr, mid); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "poursuivre,approcher" {
		t.Errorf("after deleting: %s", got)
	}
	var n int64
	e.DB.R.Model(&models.Lesson{}).Where("id = ?", lid).Count(&n)
	if n != 0 {
		t.Error("the deleted module's lesson is still there")
	}
	for _, action := range []string{"module.create", "module.update", "module.delete", "lesson.create", "lesson.update", "lesson.delete"} {
		var k int64
		e.DB.R.Model(&models.AuditEvent{}).Where("action = ? AND actor_id = ?", action, tr.ID).Count(&k)
		if k == 0 {
			t.Errorf("no %s event", action)
		}
	}
}

// TestLessonMarkdownBounds: a text past internal/markdown's bounds is
// refused on the body_md field, on create and update, and changes nothing
// (SECURITY.md M5).
func TestLessonMarkdownBounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tr := e.User("Nadia", models.RoleTrainer)
	mid, lid := e.draft(t, tr, "traite-101")
	for name, body := range map[string]string{
		"too long":      strings.Repeat("mot ", 17<<10),
		"brackets":      strings.Repeat("[a](", 600),
		"table columns": "|" + strings.Repeat(" a |", 70) + "\n|" + strings.Repeat("---|", 70) + "\n",
		"nested":        strings.Repeat("> ", 40) + "x",
	} {
		_, err := e.svc.AddLesson(ctx, tr, mid, LessonInput{Title: ptr("x"), BodyMD: &body})
		webtest.WantFields(t, err, "body_md")
		_, err = e.svc.UpdateLesson(ctx, tr, lid, LessonInput{BodyMD: &body})
		if got := webtest.InvalidFields(t, err); len(got) != 1 || got[0] != "body_md" {
			t.Errorf("%s: fields %v", name, got)
		}
	}
	var text models.LessonText
	e.DB.R.Take(&text, "lesson_id = ?", lid)
	if text.BodyMD != "Une **dette**." {
		t.Errorf("a refused text was saved: %.50q", text.BodyMD)
	}
}
