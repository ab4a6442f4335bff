package authoring

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tadrib/courses"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// TestCourseAPI: the JSON routes answer the service's rules with statuses
// and problem+json naming the fields.
func TestCourseAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, other := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	course := map[string]any{"slug": "traite-101", "title": "Traite", "audiences": []string{"police"}, "hours": 2}

	var d courses.CourseDetail
	e.As(owner).Post("/api/v1/courses", course).Want(t, http.StatusCreated).JSON(t, &d)
	if d.Slug != "traite-101" || d.Title != "Traite" || d.Published || !d.CanEdit {
		t.Errorf("created %+v", d)
	}
	p := e.As(other).Post("/api/v1/courses", course).WantProblem(t, http.StatusConflict, "slug")
	if len(p.Errors) != 1 {
		t.Errorf("a taken slug: %+v", p)
	}
	e.As(owner).Post("/api/v1/courses", map[string]any{"slug": "x", "title": "", "hours": 5000}).WantProblem(t, http.StatusBadRequest, "title", "hours", "audiences")
	e.As(owner).Post("/api/v1/courses", map[string]any{"slug": "x", "title": "x"}).WantProblem(t, http.StatusBadRequest, "audiences")
	e.As(owner).Do("POST", "/api/v1/courses", `{"slug":`, "Content-Type", "application/json").WantProblem(t, http.StatusBadRequest)
	e.As(trainee).Post("/api/v1/courses", course).WantProblem(t, http.StatusForbidden)
	e.Anonymous().Post("/api/v1/courses", course).WantProblem(t, http.StatusUnauthorized)

	patch := func(u models.User, path string, body any) webtest.Response { return e.As(u).Do("PATCH", path, body) }
	if r := patch(owner, "/api/v1/courses/traite-101", map[string]any{"texts": map[string]any{"ar": map[string]any{"title": "الاتجار"}}, "validity_days": 365}); r.Status != 200 ||
		!strings.Contains(r.Body, `"validity_days":365`) {
		t.Errorf("PATCH: %d %s", r.Status, r.Body)
	}
	e.As(owner).Do("PATCH", "/api/v1/courses/traite-101", map[string]any{"texts": map[string]any{"de": map[string]any{"title": "x"}}}).WantProblem(t, 400, "texts")
	e.As(other).Do("PATCH", "/api/v1/courses/traite-101", map[string]any{"hours": 1}).WantProblem(t, http.StatusNotFound)

	// Modules and lessons.
	var m ModuleJSON
	e.As(owner).Post("/api/v1/courses/traite-101/modules", map[string]any{"slug": "identifier", "title": "Identifier"}).Want(t, http.StatusCreated).JSON(t, &m)
	if m.Slug != "identifier" || m.Position != 1 || m.CourseSlug != "traite-101" {
		t.Errorf("module %+v", m)
	}
	e.As(owner).Post("/api/v1/courses/traite-101/modules", map[string]any{"slug": "identifier", "title": "Encore"}).WantProblem(t, 400, "slug")
	e.As(other).Post("/api/v1/courses/traite-101/modules", map[string]any{"slug": "autre", "title": "Autre"}).WantProblem(t, 404)
	var l LessonJSON
	e.As(owner).Post("/api/v1/modules/"+m.ID+"/lessons", map[string]any{"title": "Indicateurs", "body_md": "**dette**", "minutes": 4}).
		Want(t, http.StatusCreated).JSON(t, &l)
	if l.ModuleID != m.ID || l.HTML != "<p><strong>dette</strong></p>\n" || l.Minutes != 4 || l.Lang != "fr" {
		t.Errorf("lesson %+v", l)
	}
	e.As(owner).Post("/api/v1/modules/"+m.ID+"/lessons", map[string]any{"title": "x", "body_md": strings.Repeat("[a](", 600)}).WantProblem(t, 400, "body_md")
	e.As(owner).Post("/api/v1/modules/abc/lessons", map[string]any{"title": "x"}).WantProblem(t, 404)
	if r := patch(owner, "/api/v1/lessons/"+l.ID, map[string]any{"title": "المؤشرات", "lang": "ar"}); r.Status != 200 || !strings.Contains(r.Body, `"lang":"ar"`) {
		t.Errorf("PATCH lesson: %d %s", r.Status, r.Body)
	}
	e.As(owner).Do("PATCH", "/api/v1/lessons/"+l.ID, map[string]any{"minutes": 601}).WantProblem(t, 400, "minutes")
	if r := patch(owner, "/api/v1/modules/"+m.ID, map[string]any{"title": "Identifier !"}); r.Status != 200 || !strings.Contains(r.Body, `"title":"Identifier !"`) {
		t.Errorf("PATCH module: %d %s", r.Status, r.Body)
	}
	e.As(owner).Do("PATCH", "/api/v1/modules/"+m.ID, map[string]any{"position": 0}).WantProblem(t, 400, "position")

	// Published, the course is another trainer's to read, not to change.
	e.publish(t, owner, "traite-101")
	e.As(other).Do("PATCH", "/api/v1/modules/"+m.ID, map[string]any{"title": "x"}).WantProblem(t, http.StatusForbidden)
	e.As(other).Do("DELETE", "/api/v1/lessons/"+l.ID, nil).WantProblem(t, http.StatusForbidden)
	e.As(trainee).Do("DELETE", "/api/v1/modules/"+m.ID, nil).WantProblem(t, http.StatusForbidden)
	e.As(admin).Do("PATCH", "/api/v1/lessons/"+l.ID, map[string]any{"minutes": 6}).Want(t, http.StatusOK)

	e.As(owner).Do("DELETE", "/api/v1/lessons/"+l.ID, nil).Want(t, http.StatusNoContent)
	e.As(owner).Do("DELETE", "/api/v1/lessons/"+l.ID, nil).WantProblem(t, http.StatusNotFound)
	e.As(owner).Do("DELETE", "/api/v1/modules/"+m.ID, nil).Want(t, http.StatusNoContent)
	e.As(owner).Do("DELETE", "/api/v1/modules/"+m.ID, nil).WantProblem(t, http.StatusNotFound)
	if d, _ := e.cs.Course(context.Background(), "traite-101", &owner, "fr"); len(d.Modules) != 0 {
		t.Errorf("after the deletions: %+v", d.Modules)
	}
}

// TestMarkdownPreview: the preview is the saved lesson's rendering,
// sanitized, bounded, and for staff only.
func TestMarkdownPreview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tr := e.User("Nadia", models.RoleTrainer)
	var out struct{ HTML string }
	e.As(tr).Post("/api/v1/markdown/preview", map[string]any{"body_md": "# Titre\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>"}).
		Want(t, http.StatusOK).JSON(t, &out)
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(out.HTML, bad) {
			t.Errorf("the preview kept %q: %s", bad, out.HTML)
		}
	}
	if !strings.Contains(out.HTML, "<h1") {
		t.Errorf("the preview lost the heading: %s", out.HTML)
	}
	e.As(tr).Post("/api/v1/markdown/preview", map[string]any{"body_md": strings.Repeat("x", 65<<10)}).WantProblem(t, 400, "body_md")
	e.As(e.User("Amina", models.RoleTrainee)).Post("/api/v1/markdown/preview", map[string]any{"body_md": "x"}).WantProblem(t, 403)
	e.Anonymous().Post("/api/v1/markdown/preview", map[string]any{"body_md": "x"}).WantProblem(t, 401)
}

// itoa formats an id for a path.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
