package webtest

import (
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

func TestEnvSignsInChecksCSRFAndWritesProblems(t *testing.T) {
	e := New(t)
	e.API.Post("/whoami", auth.RequireUser, func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"email": auth.From(c).User.Email})
	})
	e.API.Get("/missing", func(c *fiber.Ctx) error { return web.ErrNotFound })
	u := e.User("Nadia", models.RoleTrainee)

	var got struct{ Email string }
	e.As(u).Post("/api/v1/whoami", nil).Want(t, http.StatusOK).JSON(t, &got)
	if got.Email != u.Email {
		t.Errorf("signed in as %q, want %q", got.Email, u.Email)
	}
	e.Anonymous().Post("/api/v1/whoami", nil).Want(t, http.StatusUnauthorized)

	forged := e.As(u)
	forged.csrf = "wrong"
	forged.Post("/api/v1/whoami", nil).Want(t, http.StatusForbidden)

	r := e.Anonymous().Get("/api/v1/missing").Want(t, http.StatusNotFound)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want problem+json", ct)
	}
	fr := e.Anonymous()
	fr.Lang = "ar"
	if r := fr.Get("/api/v1/missing"); r.Header.Get("Content-Language") != "ar" {
		t.Errorf("Content-Language %q, want ar", r.Header.Get("Content-Language"))
	}
}

func TestCourseFixture(t *testing.T) {
	e := New(t)
	c := e.Course("traite-101", 3, nil)
	var lessons int64
	e.DB.R.Model(&models.Lesson{}).Joins("JOIN modules m ON m.id = lessons.module_id").Where("m.course_id = ?", c.ID).Count(&lessons)
	if lessons != 3 || c.Modules[0].Lessons[2].ID == 0 {
		t.Errorf("%d lessons stored, want 3 (ids %+v)", lessons, c.Modules[0].Lessons)
	}
}
