package courses

import (
	"context"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MaxImage bounds one uploaded image: lessons are read on phones over slow
// networks.
const MaxImage = 2 << 20

// ImageTypes are the types an image may have, as http.DetectContentType
// names them from the first bytes, and the extension of its URL. SVG is not
// among them: it can carry script.
var ImageTypes = map[string]string{"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

// ImageName matches the last part of an image's URL: its content's SHA-256
// and the extension of its type.
var ImageName = regexp.MustCompile(`^([0-9a-f]{64})\.(png|jpg|gif|webp)$`)

// ImagePath is where images are served; an image's URL is
// ImagePath + sha256 + "." + extension, the same for the same bytes in every
// course and on every server, so that Markdown that names it survives an
// export and an import.
const ImagePath = "/images/"

// ImageRow is a row of the images table.
type ImageRow struct {
	ID          int64 `gorm:"primaryKey"`
	CourseID    int64
	Name        string
	ContentType string
	SHA256      string `gorm:"column:sha256"`
	Data        []byte
	CreatedBy   *int64
	CreatedAt   time.Time
}

func (ImageRow) TableName() string { return "images" }

// InsertImage adds an image to a course; the same bytes twice are one row.
func InsertImage(tx *gorm.DB, courseID int64, sum, ext, ctype string, data []byte, by *int64, now time.Time) error {
	row := ImageRow{CourseID: courseID, Name: sum + "." + ext, ContentType: ctype, SHA256: sum, Data: data, CreatedBy: by, CreatedAt: now}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
}

// CourseImages returns a course's images by name.
func (s *Service) CourseImages(ctx context.Context, courseID int64) ([]ImageRow, error) {
	var rows []ImageRow
	err := s.db.R.WithContext(ctx).Where("course_id = ?", courseID).Order("name").Find(&rows).Error
	return rows, err
}
