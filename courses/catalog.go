package courses

import (
	"context"
	"fmt"
	"time"

	"tadrib/models"
)

// CatalogItem is one course in the catalog. Enrolled and Progress are nil for
// visitors, so that they are left out of the JSON (openapi.json,
// schema CatalogItem: "Absent for visitors").
type CatalogItem struct {
	Slug         string    `json:"slug"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Locale       string    `json:"locale"`
	Audiences    []string  `json:"audiences"`
	Hours        float64   `json:"hours"`
	ModuleCount  int       `json:"module_count"`
	Published    bool      `json:"published"`
	Enrolled     *bool     `json:"enrolled,omitempty"`
	Progress     *Progress `json:"progress,omitempty"`
	Untranslated bool      `json:"untranslated"` // the title is shown in the course's default language
	UpdatedAt    time.Time `json:"updated_at"`
	// Prerequisites are the slugs of the courses to complete first.
	Prerequisites []string `json:"prerequisites"`
	// StartWith are those courses as the catalogue shows them ("start
	// with …"): the ones in this catalogue, with their titles.
	StartWith []CourseRef `json:"-"`
}

// Catalog lists the courses viewer may see, optionally only those addressed
// to a profession. Trainees and visitors see published courses only.
func (s *Service) Catalog(ctx context.Context, viewer *models.User, profession, lang string) ([]CatalogItem, error) {
	q := s.db.R.WithContext(ctx).Model(&models.Course{}).Preload("Texts")
	if viewer == nil || viewer.Role != models.RoleAdmin {
		if IsStaff(viewer) {
			q = q.Where("published = ? OR created_by = ?", true, viewer.ID)
		} else {
			q = q.Where("published = ?", true)
		}
	}
	if profession != "" {
		q = q.Where("(',' || audiences || ',') LIKE ?", "%,"+profession+",%")
	}
	var list []models.Course
	if err := q.Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("courses: catalog: %w", err)
	}
	type count struct {
		CourseID int64
		N        int
	}
	var counts []count
	if err := s.db.R.WithContext(ctx).Model(&models.Module{}).Select("course_id, COUNT(*) AS n").Group("course_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("courses: module counts: %w", err)
	}
	modules := map[int64]int{}
	for _, c := range counts {
		modules[c.CourseID] = c.N
	}
	enrolled := map[int64]bool{}
	if viewer != nil {
		var es []models.Enrolment
		if err := s.db.R.WithContext(ctx).Where("user_id = ?", viewer.ID).Find(&es).Error; err != nil {
			return nil, fmt.Errorf("courses: enrolments: %w", err)
		}
		for _, e := range es {
			enrolled[e.CourseID] = true
		}
	}
	items := make([]CatalogItem, 0, len(list))
	for _, c := range list {
		text, used := PickText(CourseTexts(c.Texts), lang, c.Locale)
		it := CatalogItem{Slug: c.Slug, Title: text.Title, Summary: text.Summary, Locale: c.Locale,
			Audiences: c.AudienceList(), Hours: c.Hours, ModuleCount: modules[c.ID], Published: c.Published,
			Untranslated: used != lang, UpdatedAt: c.UpdatedAt, Prerequisites: c.PrerequisiteList()}
		if viewer != nil {
			e := enrolled[c.ID]
			it.Enrolled = &e
			p := Progress{}
			if e {
				t, err := s.LoadTree(ctx, c.Slug)
				if err != nil {
					return nil, err
				}
				if p, _, _, err = s.CourseProgress(ctx, t, viewer.ID, lang); err != nil {
					return nil, err
				}
			}
			it.Progress = &p
		}
		items = append(items, it)
	}
	titles := map[string]string{}
	for _, it := range items {
		titles[it.Slug] = it.Title
	}
	for i := range items {
		for _, p := range items[i].Prerequisites {
			if t, ok := titles[p]; ok {
				items[i].StartWith = append(items[i].StartWith, CourseRef{Slug: p, Title: t})
			}
		}
	}
	return orderByPath(items), nil
}
