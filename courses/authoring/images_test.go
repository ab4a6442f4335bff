package authoring

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"tadrib/courses"
	"tadrib/internal/web"
	"tadrib/internal/webtest"
	"tadrib/models"
)

// TestSniffImage: an image's type comes from its bytes, never its name or
// a claimed type; anything but PNG, JPEG, GIF and WebP is 415, too big 413,
// nothing 400, each on the image field.
func TestSniffImage(t *testing.T) {
	t.Parallel()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 9, A: 255})
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	webp := append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), make([]byte, 16)...)
	for _, c := range []struct {
		data       []byte
		ctype, ext string
	}{
		{webtest.PNG(t, 1), "image/png", "png"},
		{jpg.Bytes(), "image/jpeg", "jpg"},
		{gf.Bytes(), "image/gif", "gif"},
		{webp, "image/webp", "webp"},
	} {
		ctype, ext, err := sniffImage(c.data)
		if err != nil || ctype != c.ctype || ext != c.ext {
			t.Errorf("sniffImage(%s) = %q %q %v", c.ctype, ctype, ext, err)
		}
	}
	for _, c := range []struct {
		name   string
		data   []byte
		status int
	}{
		{"empty", nil, 400},
		{"html", []byte("<!doctype html><script>alert(1)</script>"), 415},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), 415},
		{"pdf", []byte("%PDF-1.7\n"), 415},
		{"too big", append(webtest.PNG(t, 2), make([]byte, courses.MaxImage)...), 413},
	} {
		_, _, err := sniffImage(c.data)
		var we *web.Error
		if !errors.As(err, &we) || we.Status != c.status || len(we.Fields) != 1 || we.Fields[0].Field != "image" {
			t.Errorf("%s: %v, want %d on the image field", c.name, err, c.status)
		}
	}
}

func TestAltText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"carte.png":               "carte",
		"  Schéma ":               "Schéma",
		"a](javascript:x) ![b":    "a(javascript:x) !b",
		"deux\nlignes\r":          "deux lignes",
		"v1.2 du schéma complet":  "v1.2 du schéma complet",
		".png":                    ".png",
		"rapport.final.version.x": "rapport.final.version",
	} {
		if got := altText(in); got != want {
			t.Errorf("altText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDraftImagesArePrivate: an image only a draft uses is served to those
// who may see the draft (its author, admins) and to nobody else; once one
// course that uses it is published it is public (SECURITY.md, "draft
// courses' images public by hash").
func TestDraftImagesArePrivate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner, other := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee, admin := e.User("Amina", models.RoleTrainee), e.User("Admin", models.RoleAdmin)
	e.draft(t, owner, "traite-101")
	data := webtest.PNG(t, 5)
	img, err := e.svc.SaveImage(ctx, owner, "traite-101", "carte.png", data)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/images/[0-9a-f]{64}\.png$`).MatchString(img.URL) || img.Markdown != "![carte]("+img.URL+")" ||
		img.Size != len(data) || img.ContentType != "image/png" {
		t.Fatalf("saved %+v", img)
	}
	// The same bytes again: the same image, no error.
	if again, err := e.svc.SaveImage(ctx, owner, "traite-101", "copie", data); err != nil || again.URL != img.URL {
		t.Errorf("the same image twice: %+v %v", again, err)
	}
	name := strings.TrimPrefix(img.URL, courses.ImagePath)
	for _, u := range []*models.User{nil, &trainee, &other} {
		if _, _, _, err := e.svc.Image(ctx, name, u); !errors.Is(err, courses.ErrNotFound) {
			t.Errorf("a draft's image for %v: %v, want ErrNotFound", u, err)
		}
	}
	for _, u := range []models.User{owner, admin} {
		ctype, got, public, err := e.svc.Image(ctx, name, &u)
		if err != nil || ctype != "image/png" || !bytes.Equal(got, data) || public {
			t.Errorf("a draft's image for its %s: %q public=%v %v", u.Role, ctype, public, err)
		}
	}
	for _, bad := range []string{"x.png", strings.Repeat("0", 64) + ".png", strings.TrimSuffix(name, ".png") + ".gif", "../" + name} {
		if _, _, _, err := e.svc.Image(ctx, bad, &admin); !errors.Is(err, courses.ErrNotFound) {
			t.Errorf("image %q: %v", bad, err)
		}
	}

	// Over HTTP: 404 for strangers, private and checked each time for the author.
	e.Anonymous().Get(img.URL).Want(t, http.StatusNotFound)
	e.As(other).Get(img.URL).Want(t, http.StatusNotFound)
	r := e.As(owner).Get(img.URL).Want(t, http.StatusOK)
	for h, want := range map[string]string{"Content-Type": "image/png", "Cache-Control": "private, no-cache",
		"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(r.Header.Get("Vary"), "Cookie") || r.Body != string(data) {
		t.Errorf("a draft's image: Vary %q, %d bytes", r.Header.Get("Vary"), len(r.Body))
	}

	// Another course, published, uses the same bytes: now public and immutable.
	e.draft(t, other, "traite-102")
	if _, err := e.svc.SaveImage(ctx, other, "traite-102", "", data); err != nil {
		t.Fatal(err)
	}
	e.publish(t, other, "traite-102")
	if _, _, public, err := e.svc.Image(ctx, name, nil); err != nil || !public {
		t.Errorf("an image of a published course: public=%v %v", public, err)
	}
	r = e.Anonymous().Get(img.URL).Want(t, http.StatusOK)
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("a published image: Cache-Control %q", cc)
	}
	if e.audits(t, "image.upload", "course:traite-101") != 2 {
		t.Error("uploads are not audited")
	}
}

// TestImageUploadRoute: multipart and raw bodies, refusals as problems on
// the image field, and the rights of the course.
func TestImageUploadRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner, other := e.User("Nadia", models.RoleTrainer), e.User("Karim", models.RoleTrainer)
	trainee := e.User("Amina", models.RoleTrainee)
	e.draft(t, owner, "traite-101")
	upload := func(u models.User, name string, data []byte) (int, string) {
		body, ctype := webtest.Multipart(t, map[string]string{"alt": "Schéma"}, "image", name, data)
		r := e.As(u).Do("POST", "/api/v1/courses/traite-101/images", body, "Content-Type", ctype)
		return r.Status, r.Body
	}
	if st, body := upload(owner, "photo.png", webtest.PNG(t, 3)); st != http.StatusCreated || !strings.Contains(body, `"markdown":"![Schéma](/images/`) {
		t.Errorf("multipart upload: %d %s", st, body)
	}
	// A raw body, named by ?name=: the name is only the description.
	var img ImageJSON
	e.As(owner).Do("POST", "/api/v1/courses/traite-101/images?name=carte.jpg", webtest.PNG(t, 4), "Content-Type", "image/jpeg").
		Want(t, http.StatusCreated).JSON(t, &img)
	if img.ContentType != "image/png" || !strings.HasSuffix(img.URL, ".png") || img.Markdown != "![carte]("+img.URL+")" {
		t.Errorf("raw upload: %+v", img)
	}
	for _, c := range []struct {
		name   string
		data   []byte
		status int
	}{
		{"page.png", []byte("<html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType},
		{"big.png", append(webtest.PNG(t, 9), make([]byte, 2<<20)...), http.StatusRequestEntityTooLarge},
		{"empty.png", nil, http.StatusBadRequest},
	} {
		body, ctype := webtest.Multipart(t, nil, "image", c.name, c.data)
		e.As(owner).Do("POST", "/api/v1/courses/traite-101/images", body, "Content-Type", ctype).WantProblem(t, c.status, "image")
	}
	// A multipart form without the image field.
	body, ctype := webtest.Multipart(t, map[string]string{"alt": "x"}, "", "", nil)
	e.As(owner).Do("POST", "/api/v1/courses/traite-101/images", body, "Content-Type", ctype).WantProblem(t, http.StatusBadRequest, "image")

	if st, _ := upload(other, "a.png", webtest.PNG(t, 5)); st != http.StatusNotFound {
		t.Errorf("another trainer uploading to a draft: %d, want 404", st)
	}
	if st, _ := upload(trainee, "a.png", webtest.PNG(t, 5)); st != http.StatusForbidden {
		t.Errorf("a trainee uploading: %d, want 403", st)
	}
	e.Anonymous().Get("/images/"+strings.Repeat("0", 64)+".png").Want(t, http.StatusNotFound)
}
