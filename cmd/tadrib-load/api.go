package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The Tadrib API steps the scenarios share (internal/apidoc/openapi.json).
// Every path is under /api/v1 of the server.

const apiPrefix = "/api/v1"

// Trainee is a signed-in account.
type Trainee struct {
	ID    string
	Email string
	Token string // for Authorization: Bearer
}

// RegisterTrainee creates a fresh trainee account through the public
// registration and returns it signed in. Registration is rate-limited per
// address (TADRIB_RATE_AUTH a minute, 60 by default): a scenario that needs
// many accounts must stay under that or raise it on the server.
func (a *API) RegisterTrainee(label string) (Trainee, error) {
	suffix := strings.ToLower(rand.Text()[:10])
	email := fmt.Sprintf("load-%s-%s@example.org", label, suffix)
	in := map[string]string{
		"email":      email,
		"password":   "Load-" + strings.ToLower(rand.Text()[:16]),
		"name":       "Load " + label + " " + suffix,
		"profession": "police",
	}
	var out struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Token string `json:"token"`
	}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/auth/register", "", in, http.StatusCreated, &out); err != nil {
		return Trainee{}, fmt.Errorf("register a trainee: %w", err)
	}
	if out.Token == "" {
		return Trainee{}, fmt.Errorf("register a trainee: the answer has no token")
	}
	return Trainee{ID: out.User.ID, Email: email, Token: out.Token}, nil
}

// CourseSlugs lists the slugs of the catalog as token sees it.
func (a *API) CourseSlugs(token string) ([]string, error) {
	var out struct {
		Items []struct {
			Slug string `json:"slug"`
		} `json:"items"`
	}
	if _, err := a.JSON(http.MethodGet, apiPrefix+"/courses", token, nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	slugs := make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		slugs = append(slugs, it.Slug)
	}
	return slugs, nil
}

// Enrol enrols token's user in a course (200 or 201: enrolling twice is no
// error).
func (a *API) Enrol(token, slug string) error {
	r, err := a.Do(http.MethodPost, apiPrefix+"/courses/"+url.PathEscape(slug)+"/enroll", token, nil)
	if err != nil {
		return err
	}
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		return fmt.Errorf("enrol in %q: status %d: %s", slug, r.Status, snippet(r.Body))
	}
	return nil
}

// CourseOutline is the part of GET /courses/{slug} the scenarios use.
type CourseOutline struct {
	Slug    string `json:"slug"`
	Modules []struct {
		ID      string `json:"id"`
		Lessons []struct {
			ID string `json:"id"`
		} `json:"lessons"`
		Quiz *struct {
			ID string `json:"id"`
		} `json:"quiz"`
	} `json:"modules"`
}

// Course reads a course's outline.
func (a *API) Course(token, slug string) (CourseOutline, error) {
	var out CourseOutline
	_, err := a.JSON(http.MethodGet, apiPrefix+"/courses/"+url.PathEscape(slug), token, nil, http.StatusOK, &out)
	return out, err
}

// FirstLesson is the id of the course's first lesson in reading order.
func (c CourseOutline) FirstLesson() (string, error) {
	for _, m := range c.Modules {
		if len(m.Lessons) > 0 {
			return m.Lessons[0].ID, nil
		}
	}
	return "", fmt.Errorf("course %q has no lesson", c.Slug)
}
