package coursepkg

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"

	"go.yaml.in/yaml/v3"
	"gorm.io/gorm"

	"tadrib/courses"
	"tadrib/models"
)

// ExportPackage writes a course editor may change as a zipped package that
// ImportPackage reads back to the same course.
func (s *Service) ExportPackage(ctx context.Context, editor models.User, slug string) ([]byte, error) {
	c, err := s.courses.Editable(ctx, s.db.R.WithContext(ctx), editor, slug)
	if err != nil {
		return nil, err
	}
	var full models.Course
	err = s.db.R.WithContext(ctx).Preload("Texts").
		Preload("Modules", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Texts").
		Preload("Modules.Lessons", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") }).
		Preload("Modules.Lessons.Texts").
		Take(&full, "id = ?", c.ID).Error
	if err != nil {
		return nil, fmt.Errorf("courses: export %q: %w", slug, err)
	}
	m := Manifest{Format: PackageFormat, Slug: full.Slug, Locale: full.Locale, Hours: full.Hours, Audiences: full.AudienceList(),
		Prerequisites: full.PrerequisiteList(), Published: full.Published, ValidityDays: full.ValidityDays, Title: map[string]string{}, Summary: map[string]string{}}
	for _, t := range full.Texts {
		m.Title[t.Lang] = t.Title
		if t.Summary != "" {
			m.Summary[t.Lang] = t.Summary
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, b []byte) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	for i, mod := range full.Modules {
		dir := fmt.Sprintf("%02d-%s", i+1, mod.Slug)
		mm := ManifestModule{Slug: mod.Slug, Title: map[string]string{}}
		for _, t := range mod.Texts {
			mm.Title[t.Lang] = t.Title
		}
		for j, l := range mod.Lessons {
			var def string
			for _, t := range l.Texts {
				if t.Lang == full.Locale {
					def = t.Title
				}
			}
			lp := fmt.Sprintf("%s/%02d-%s", dir, j+1, courses.Slugify(def, "lesson"))
			mm.Lessons = append(mm.Lessons, lp)
			for _, t := range l.Texts {
				front, err := yaml.Marshal(LessonFile{Title: t.Title, Minutes: l.Minutes})
				if err != nil {
					return nil, err
				}
				body := "---\n" + string(front) + "---\n" + t.BodyMD
				if err := put(lp+"."+t.Lang+".md", []byte(body)); err != nil {
					return nil, err
				}
			}
		}
		if s.quizzes != nil {
			st, gift, ok, err := s.quizzes.ExportQuiz(ctx, mod.ID)
			if err != nil {
				return nil, err
			}
			if ok {
				file := dir + "/quiz.gift"
				trans := st.TranslatedGIFT
				st.TranslatedGIFT = nil
				mm.Quiz = &ManifestQuiz{File: file, QuizSettings: st}
				if err := put(file, []byte(gift)); err != nil {
					return nil, err
				}
				for _, lang := range sortedKeys(trans) {
					tf := dir + "/quiz." + lang + ".gift"
					if mm.Quiz.Translations == nil {
						mm.Quiz.Translations = map[string]string{}
					}
					mm.Quiz.Translations[lang] = tf
					if err := put(tf, []byte(trans[lang].Text)); err != nil {
						return nil, err
					}
				}
			}
		}
		m.Modules = append(m.Modules, mm)
	}
	imgs, err := s.courses.CourseImages(ctx, full.ID)
	if err != nil {
		return nil, err
	}
	for _, im := range imgs {
		name := "images/" + im.Name
		m.Images = append(m.Images, name)
		if err := put(name, im.Data); err != nil {
			return nil, err
		}
	}
	var manifest bytes.Buffer
	enc := yaml.NewEncoder(&manifest)
	enc.SetIndent(2) // as the seed's manifests are written
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := put("course.yaml", manifest.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	// Exports are logged: a package holds every answer of the course's quizzes.
	if err := models.Audit(s.db.W.WithContext(ctx), &editor.ID, "course.export", "course:"+full.Slug, ""); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
