package models

import (
	"strings"
	"time"
)

// Course is a training course. Its texts (title, summary) live in
// CourseText, one row per language; Locale names the language every
// text falls back to.
type Course struct {
	ID        int64 `gorm:"primaryKey"`
	Slug      string
	Locale    string
	Hours     float64
	Audiences string // comma-separated professions
	// Prerequisites are the slugs, comma-separated, of the courses to
	// complete before this one's certificate (a path; enrolment stays open).
	Prerequisites string
	Published     bool
	ValidityDays  int // certificate validity; 0 means no expiry
	CreatedBy     *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Texts         []CourseText `gorm:"foreignKey:CourseID"`
	Modules       []Module     `gorm:"foreignKey:CourseID"`
}

// AudienceList returns the course's audiences as a slice (never nil).
func (c Course) AudienceList() []string {
	if c.Audiences == "" {
		return []string{}
	}
	return strings.Split(c.Audiences, ",")
}

// PrerequisiteList returns the course's prerequisite slugs (never nil).
func (c Course) PrerequisiteList() []string {
	if c.Prerequisites == "" {
		return []string{}
	}
	return strings.Split(c.Prerequisites, ",")
}

// CourseText is a course's title and summary in one language.
type CourseText struct {
	CourseID int64  `gorm:"primaryKey"`
	Lang     string `gorm:"primaryKey"`
	Title    string
	Summary  string
}

// Module is a part of a course, ordered by Position.
type Module struct {
	ID       int64 `gorm:"primaryKey"`
	CourseID int64
	Slug     string
	Position int
	Texts    []ModuleText `gorm:"foreignKey:ModuleID"`
	Lessons  []Lesson     `gorm:"foreignKey:ModuleID"`
}

// ModuleText is a module's title in one language.
type ModuleText struct {
	ModuleID int64  `gorm:"primaryKey"`
	Lang     string `gorm:"primaryKey"`
	Title    string
}

// Lesson is one page of reading, ordered by Position within its module.
type Lesson struct {
	ID        int64 `gorm:"primaryKey"`
	ModuleID  int64
	Position  int
	Minutes   int
	CreatedAt time.Time
	UpdatedAt time.Time
	Texts     []LessonText `gorm:"foreignKey:LessonID"`
}

// LessonText is a lesson in one language: the Markdown its author wrote and
// the sanitized HTML rendered from it when it was saved, so that reading a
// lesson never renders Markdown.
type LessonText struct {
	LessonID int64  `gorm:"primaryKey"`
	Lang     string `gorm:"primaryKey"`
	Title    string
	BodyMD   string `gorm:"column:body_md"`
	HTML     string `gorm:"column:html"`
}

// Enrolment says a user follows a course.
type Enrolment struct {
	UserID    int64 `gorm:"primaryKey"`
	CourseID  int64 `gorm:"primaryKey"`
	CreatedAt time.Time
}

// LessonCompletion says a user finished a lesson.
type LessonCompletion struct {
	UserID      int64 `gorm:"primaryKey"`
	LessonID    int64 `gorm:"primaryKey"`
	CompletedAt time.Time
}
