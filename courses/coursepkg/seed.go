package coursepkg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"tadrib/courses"
	"tadrib/models"
)

// LoadSeed imports each course package under seed/ in fsys whose slug is not
// in the database yet, and returns the slugs it created. A course already
// there is left as its trainers may have edited it.
func (s *Service) LoadSeed(ctx context.Context, fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, "seed")
	if err != nil {
		return nil, fmt.Errorf("courses: seed: %w", err)
	}
	var created []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub, _ := fs.Sub(fsys, path.Join("seed", e.Name()))
		pkg, err := ReadPackage(sub)
		if err != nil {
			return created, fmt.Errorf("courses: seed %s: %w", e.Name(), err)
		}
		var n int64
		if err := s.db.R.WithContext(ctx).Model(&models.Course{}).Where("slug = ?", pkg.Manifest.Slug).Count(&n).Error; err != nil {
			return created, err
		}
		if n > 0 {
			continue
		}
		if _, err := s.ImportPackage(ctx, pkg, nil, ""); err != nil {
			if errors.Is(err, courses.ErrSlugTaken) {
				continue // another node seeded it first
			}
			return created, err
		}
		created = append(created, pkg.Manifest.Slug)
	}
	return created, nil
}
