package quiz

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/html"

	"tadrib/models"
)

// Part of a trainee's data export (right of access): their quiz attempts,
// with each answer as given, its grade and the trainer's comment. The
// question's wording and its options' texts come along so that the export
// can be read; the answer key does not (the same questions may be asked
// again).

type attemptExport struct {
	ID            int64           `json:"id,string"`
	QuizID        int64           `json:"quiz_id,string"`
	QuizTitle     string          `json:"quiz_title"`
	Status        string          `json:"status"`
	StartedAt     time.Time       `json:"started_at"`
	Deadline      *time.Time      `json:"deadline"`
	FinishedAt    *time.Time      `json:"finished_at"`
	Score         *float64        `json:"score"`
	MaxScore      *float64        `json:"max_score"`
	Percent       *float64        `json:"percent"`
	Passed        *bool           `json:"passed"`
	PendingManual bool            `json:"pending_manual"`
	Answers       []answerExport  `json:"answers"`
	Questions     []questionShown `json:"questions"`
}

type answerExport struct {
	QuestionID   string          `json:"question_id"`
	Answer       json.RawMessage `json:"answer"`
	SavedAt      time.Time       `json:"saved_at"`
	Points       *float64        `json:"points"`
	ManualPoints *float64        `json:"manual_points"`
	Comment      string          `json:"comment"`
	GradedAt     *time.Time      `json:"graded_at"`
}

// questionShown is a question as the trainee saw it in that attempt.
type questionShown struct {
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Text    string            `json:"text"`
	Options map[string]string `json:"options,omitempty"` // this attempt's option ids → their text
}

// ExportAttempts is the "quiz_attempts" part.
func (s *Service) ExportAttempts(ctx context.Context, userID int64) (string, any, error) {
	const name = "quiz_attempts"
	var rows []struct {
		models.Attempt
		QuizTitle string
	}
	err := s.db.R.WithContext(ctx).Table("attempts a").Select("a.*, q.title AS quiz_title").
		Joins("JOIN quizzes q ON q.id = a.quiz_id").Where("a.user_id = ?", userID).Order("a.started_at, a.id").Scan(&rows).Error
	if err != nil {
		return name, nil, fmt.Errorf("quiz: export attempts of %d: %w", userID, err)
	}
	out := make([]attemptExport, 0, len(rows))
	for _, r := range rows {
		var answers []models.AttemptAnswer
		if err := s.db.R.WithContext(ctx).Where("attempt_id = ?", r.ID).Order("question_id").Find(&answers).Error; err != nil {
			return name, nil, fmt.Errorf("quiz: export answers of attempt %d: %w", r.ID, err)
		}
		a := attemptExport{ID: r.ID, QuizID: r.QuizID, QuizTitle: r.QuizTitle, Status: r.Status, StartedAt: r.StartedAt,
			Deadline: r.Deadline, FinishedAt: r.FinishedAt, Score: r.Score, MaxScore: r.MaxScore, Percent: r.Percent,
			Passed: r.Passed, PendingManual: r.PendingManual, Answers: make([]answerExport, 0, len(answers)), Questions: []questionShown{}}
		for _, an := range answers {
			body := json.RawMessage(an.Body)
			if !json.Valid(body) {
				body, _ = json.Marshal(an.Body)
			}
			a.Answers = append(a.Answers, answerExport{QuestionID: an.QuestionID, Answer: body, SavedAt: an.SavedAt,
				Points: an.Points, ManualPoints: an.ManualPoints, Comment: an.Comment, GradedAt: an.GradedAt})
		}
		var sn snapshot
		if err := json.Unmarshal([]byte(r.Snapshot), &sn); err == nil {
			for _, q := range sn.Questions {
				qs := questionShown{ID: q.Q.ID, Type: q.Q.Type, Text: plainText(q.Stem)}
				for _, list := range [][]snapText{q.Options, q.Left, q.Right} {
					for _, o := range list {
						if qs.Options == nil {
							qs.Options = map[string]string{}
						}
						qs.Options[o.ID] = plainText(o.Text)
					}
				}
				a.Questions = append(a.Questions, qs)
			}
		}
		out = append(out, a)
	}
	return name, out, nil
}

// plainText is the text of sanitized HTML.
func plainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
