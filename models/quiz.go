package models

import "time"

// Quiz is a module's quiz and its settings.
type Quiz struct {
	ID              int64 `gorm:"primaryKey"`
	ModuleID        int64
	Title           string
	PassMark        int    // percent
	TimeLimitS      int    // 0: no limit
	MaxAttempts     int    // 0: unlimited
	Draw            int    // questions drawn per attempt; 0: all
	DrawPerCategory bool   // draw Draw questions from each category
	Shuffle         bool   // questions and options in a random order per attempt
	Review          string // after_submit, score_only, never
	OnePerPage      bool   // the page shows one question per screen
	// BankVersion counts changes to the quiz's questions, in the same
	// transaction as each change: a node's copy of a rendered bank is
	// current while the quiz row it reads still has the same version.
	BankVersion int
	// Titles is the title in other languages, JSON {"ar": "…"}; a language
	// without one shows Title.
	Titles    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// QuizQuestion is a question of a quiz's bank. Spec is the JSON of a
// quiz.Question (models does not import the feature).
type QuizQuestion struct {
	ID        int64 `gorm:"primaryKey"`
	QuizID    int64
	Position  int
	Type      string
	Category  string
	Points    float64
	Spec      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName is "questions".
func (QuizQuestion) TableName() string { return "questions" }

// Attempt statuses.
const (
	AttemptInProgress = "in_progress"
	AttemptSubmitted  = "submitted"
	AttemptExpired    = "expired" // graded with what was saved when time ran out
)

// Attempt is one try of a trainee at a quiz. Snapshot freezes, when it
// starts, the questions drawn, their order and wording; Result keeps the
// graded review, so a second submit returns the same bytes.
type Attempt struct {
	ID            int64 `gorm:"primaryKey"`
	QuizID        int64
	UserID        int64
	AttemptNo     int // 1, 2, … per quiz and user; unique, so a limit holds under races
	Status        string
	StartedAt     time.Time
	Deadline      *time.Time
	FinishedAt    *time.Time
	Snapshot      string
	Score         *float64
	MaxScore      *float64
	Percent       *float64
	Passed        *bool
	PendingManual bool
	Result        string
}

// AttemptAnswer is one saved answer. Points is set at grading; ManualPoints
// and Comment by a trainer for essays.
type AttemptAnswer struct {
	AttemptID    int64  `gorm:"primaryKey"`
	QuestionID   string `gorm:"primaryKey"`
	Body         string
	SavedAt      time.Time
	Points       *float64
	ManualPoints *float64
	Comment      string
	GradedBy     *int64
	GradedAt     *time.Time
}

// TableName is "answers".
func (AttemptAnswer) TableName() string { return "answers" }

// QuizOverride gives one trainee more time or attempts at a quiz.
type QuizOverride struct {
	QuizID        int64 `gorm:"primaryKey"`
	UserID        int64 `gorm:"primaryKey"`
	ExtraTimeS    int
	ExtraAttempts int
	CreatedBy     *int64
	CreatedAt     time.Time
}
