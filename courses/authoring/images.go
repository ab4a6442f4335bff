package authoring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/internal/auth"
	"tadrib/internal/web"
	"tadrib/models"
)

// ImageJSON is an uploaded image.
type ImageJSON struct {
	URL         string `json:"url"`
	SHA256      string `json:"sha256"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	Markdown    string `json:"markdown"`
}

// sniffImage checks an image by its content, never by its name or the type
// a client claims, and returns its type and extension.
func sniffImage(data []byte) (ctype, ext string, err error) {
	if len(data) == 0 {
		return "", "", web.Invalid(web.Field("image", "err.required"))
	}
	if len(data) > courses.MaxImage {
		return "", "", &web.Error{Status: fiber.StatusRequestEntityTooLarge, Key: "err.too_large", Fields: []web.FieldError{web.Field("image", "authoring.image_too_large", courses.MaxImage>>20)}}
	}
	ctype = http.DetectContentType(data)
	ext, ok := courses.ImageTypes[ctype]
	if !ok {
		return "", "", &web.Error{Status: fiber.StatusUnsupportedMediaType, Key: "authoring.image_type", Fields: []web.FieldError{web.Field("image", "authoring.image_type")}}
	}
	return ctype, ext, nil
}

func imageJSON(sum, ctype, ext string, size int, alt string) ImageJSON {
	url := courses.ImagePath + sum + "." + ext
	return ImageJSON{URL: url, SHA256: sum, ContentType: ctype, Size: size, Markdown: "![" + altText(alt) + "](" + url + ")"}
}

// altText keeps an image's description safe inside ![…]: no brackets, one line.
func altText(s string) string {
	s = strings.NewReplacer("[", "", "]", "", "\n", " ", "\r", " ").Replace(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= 5 {
		s = s[:i] // a file name's extension says nothing to a reader
	}
	return s
}

// SaveImage stores an image in a course that editor may change.
func (s *Service) SaveImage(ctx context.Context, editor models.User, slug, alt string, data []byte) (ImageJSON, error) {
	ctype, ext, err := sniffImage(data)
	if err != nil {
		return ImageJSON{}, err
	}
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.courses.Editable(ctx, tx, editor, slug)
		if err != nil {
			return err
		}
		if err := courses.InsertImage(tx, c.ID, hexSum, ext, ctype, data, &editor.ID, s.now()); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "image.upload", "course:"+c.Slug, "image:"+hexSum+"."+ext)
	})
	if err != nil {
		return ImageJSON{}, err
	}
	return imageJSON(hexSum, ctype, ext, len(data), alt), nil
}

// Image returns a stored image by its name (<sha256>.<ext>) for viewer: an
// image of a published course is public; one that only drafts use is shown
// to those who may see such a draft (its author, admins), and to nobody
// else — its name is a hash, but a hash that leaks (a copied link, a
// package) must not open an unpublished course's content. public says
// whether shared caches may keep it.
func (s *Service) Image(ctx context.Context, name string, viewer *models.User) (ctype string, data []byte, public bool, err error) {
	m := courses.ImageName.FindStringSubmatch(name)
	if m == nil {
		return "", nil, false, courses.ErrNotFound
	}
	var found []models.Course
	err = s.db.R.WithContext(ctx).Model(&models.Course{}).
		Where("id IN (?)", s.db.R.Table("images").Select("course_id").Where("sha256 = ? AND name = ?", m[1], name)).
		Find(&found).Error
	if err != nil {
		return "", nil, false, fmt.Errorf("courses: image %s: %w", name, err)
	}
	var from *models.Course
	for i, c := range found {
		if c.Published {
			from, public = &found[i], true
			break
		}
		if courses.CanSee(viewer, c) && from == nil {
			from = &found[i]
		}
	}
	if from == nil {
		return "", nil, false, courses.ErrNotFound
	}
	var row courses.ImageRow
	err = s.db.R.WithContext(ctx).Where("course_id = ? AND name = ?", from.ID, name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, false, courses.ErrNotFound
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("courses: image %s: %w", name, err)
	}
	return row.ContentType, row.Data, public, nil
}

// serveImage sends an image. Its URL names its content, so it never
// changes: caches may keep it for a year. nosniff and the real type keep a
// browser from reading it as anything else.
func (h *Handler) serveImage(c *fiber.Ctx) error {
	ctype, data, public, err := h.svc.Image(c.UserContext(), c.Params("name"), auth.User(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	if public {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		// A draft's image: its author's browser only, checked each time.
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
		c.Set(fiber.HeaderVary, fiber.HeaderCookie+", "+fiber.HeaderAuthorization)
	}
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(data)
}
