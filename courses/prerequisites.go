package courses

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tadrib/internal/i18n"
	"tadrib/internal/web"
	"tadrib/models"
)

// MaxPrerequisites bounds the courses one course may require: a path, not a
// graph to walk.
const MaxPrerequisites = 5

// PrerequisiteItem is a course to complete before another, as the viewer
// sees it on the course page.
type PrerequisiteItem struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Completed bool   `json:"completed"` // every lesson read and every quiz passed
}

// CheckPrerequisites says what is wrong with a list of prerequisite slugs for
// course slug (nil when nothing is), as a message of
// courses/coursepkg's catalogue keys (pkg.prereq.*). Whether they exist is not checked here:
// a package may name a course imported after it.
func CheckPrerequisites(slug string, prereqs []string) *i18n.Msg {
	bad := func(key string, args ...any) *i18n.Msg {
		m := i18n.M(key, args...)
		return &m
	}
	if len(prereqs) > MaxPrerequisites {
		return bad("pkg.prereq.too_many", MaxPrerequisites)
	}
	seen := map[string]bool{}
	for _, p := range prereqs {
		switch {
		case !slugRE.MatchString(p):
			return bad("pkg.prereq.slug", p)
		case p == slug:
			return bad("pkg.prereq.self")
		case seen[p]:
			return bad("pkg.prereq.twice", p)
		}
		seen[p] = true
	}
	return nil
}

// prerequisites returns the prerequisites of course c that exist and viewer
// may see, in their order, each with whether viewer has completed it. A
// prerequisite that is not (or no longer) in the database is left out: it
// can neither be shown nor taken.
func (s *Service) prerequisites(ctx context.Context, c models.Course, viewer *models.User, lang string) ([]PrerequisiteItem, error) {
	items := []PrerequisiteItem{}
	for _, slug := range c.PrerequisiteList() {
		t, err := s.LoadTree(ctx, slug)
		if err == ErrNotFound || (err == nil && !canSee(viewer, t.Course)) {
			continue
		}
		if err != nil {
			return nil, err
		}
		text, _ := PickText(CourseTexts(t.Texts), lang, t.Locale)
		it := PrerequisiteItem{Slug: t.Slug, Title: text.Title}
		if viewer != nil {
			p, _, _, err := s.CourseProgress(ctx, t, viewer.ID, lang)
			if err != nil {
				return nil, err
			}
			it.Completed = p.CompletedAt != nil
		}
		items = append(items, it)
	}
	return items, nil
}

// orderByPath sorts catalogue items so that a course comes after the courses
// it requires (a stable topological order: otherwise the catalogue's order).
func orderByPath(items []CatalogItem) []CatalogItem {
	pos := map[string]int{}
	for i, it := range items {
		pos[it.Slug] = i
	}
	out := make([]CatalogItem, 0, len(items))
	placed := map[string]bool{}
	var place func(i int, depth int)
	place = func(i int, depth int) {
		it := items[i]
		if placed[it.Slug] || depth > MaxPrerequisites+1 {
			return
		}
		placed[it.Slug] = true // before the walk: a cycle cannot loop
		for _, p := range it.Prerequisites {
			if j, ok := pos[p]; ok {
				place(j, depth+1)
			}
		}
		out = append(out, it)
	}
	for i := range items {
		place(i, 0)
	}
	return out
}

// CheckPrerequisitesExist checks, for an editor's change, that prereqs are
// well formed, name existing courses, and that none of them requires course
// slug in turn (a path has no loop).
func CheckPrerequisitesExist(tx *gorm.DB, slug string, prereqs []string) error {
	bad := web.Invalid(web.Field("prerequisites", "err.prerequisites", MaxPrerequisites))
	if CheckPrerequisites(slug, prereqs) != nil {
		return bad
	}
	if len(prereqs) == 0 {
		return nil
	}
	var found []models.Course
	if err := tx.Select("slug", "prerequisites").Where("slug IN ?", prereqs).Find(&found).Error; err != nil {
		return fmt.Errorf("courses: prerequisites: %w", err)
	}
	if len(found) != len(prereqs) {
		return bad
	}
	for _, f := range found {
		if slices.Contains(f.PrerequisiteList(), slug) {
			return bad
		}
	}
	return nil
}
