package quiz

// Authoring a quiz's questions: validation, the bank, one question at a
// time or a GIFT import, and the GIFT export.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"tadrib/internal/i18n"

	"gorm.io/gorm"

	"tadrib/internal/web"
	"tadrib/models"
)

// ValidateQuestion checks a question as authored (API or GIFT).
func ValidateQuestion(q *Question) []web.FieldError {
	var errs []web.FieldError
	known := false
	for _, t := range Types {
		known = known || q.Type == t
	}
	if !known {
		return []web.FieldError{web.Field("type", "err.question_type")}
	}
	switch q.Format {
	case "", FormatMarkdown, FormatHTML, FormatPlain, FormatMoodle:
	default:
		errs = append(errs, web.Field("format", "err.format"))
	}
	if strings.TrimSpace(q.Stem) == "" {
		errs = append(errs, web.Field("stem", "err.required"))
	}
	if len(q.Stem) > 64*1024 {
		errs = append(errs, web.Field("stem", "err.too_long", 64*1024))
	}
	errs = append(errs, markdownTexts(q)...)
	if q.Type == Description {
		q.Points = 0
	} else if q.Points == 0 {
		q.Points = 1
	}
	if math.IsNaN(q.Points) || q.Points < 0 || q.Points > 1000 {
		errs = append(errs, web.Field("points", "err.range", 0, 1000))
	}
	weights := func(field string, n int) {
		if n == 0 {
			errs = append(errs, web.Field(field, "err.required"))
		}
	}
	// The same bound as on a quiz's questions (MaxQuestions): the API took
	// any number of options, pairs or numbers, up to its 4 MB body.
	for _, l := range []struct {
		field string
		n     int
	}{{"options", len(q.Options)}, {"numbers", len(q.Numbers)}, {"pairs", len(q.Pairs)}} {
		if l.n > MaxItems {
			errs = append(errs, web.Field(l.field, "err.too_many", MaxItems))
		}
	}
	if questionText(q) > MaxQuestionText {
		errs = append(errs, web.Field("stem", "err.too_long", MaxQuestionText))
	}
	switch q.Type {
	case Single, Multiple, Short:
		weights("options", len(q.Options))
		best, total := -2.0, 0.0
		for _, o := range q.Options {
			if math.IsNaN(o.Weight) || o.Weight < -1 || o.Weight > 1 {
				errs = append(errs, web.Field("options", "err.weight"))
				break
			}
			best = math.Max(best, o.Weight)
			if o.Weight > 0 {
				total += o.Weight
			}
		}
		if len(q.Options) > 0 && ((q.Type != Multiple && best < 1-1e-6) || (q.Type == Multiple && total < 1-1e-6)) {
			errs = append(errs, web.Field("options", "err.no_full_marks"))
		}
	case TrueFalse:
		if q.Correct == nil {
			errs = append(errs, web.Field("correct", "err.required"))
		}
	case Numerical:
		weights("numbers", len(q.Numbers))
		for _, n := range q.Numbers {
			if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) || n.Tolerance < 0 || (n.IsRange && n.Min > n.Max) {
				errs = append(errs, web.Field("numbers", "err.number"))
				break
			}
		}
	case Matching:
		lefts := 0
		for _, p := range q.Pairs {
			if p.Left != "" {
				lefts++
			}
			if strings.TrimSpace(p.Right) == "" {
				errs = append(errs, web.Field("pairs", "err.required"))
				break
			}
		}
		if lefts < 2 {
			errs = append(errs, web.Field("pairs", "err.pairs"))
		}
	}
	return append(errs, validateTranslations(q)...)
}

// Limits of one question, whether authored through the API, the editor or
// GIFT (whose questions ParseGIFT bounds to MaxGIFTQuestion bytes).
const (
	MaxItems        = 100       // options, numerical answers or pairs
	MaxQuestionText = 128 << 10 // bytes of all its texts together
)

// questionText is the size of every text of q, in bytes.
func questionText(q *Question) int {
	n := len(q.Stem) + len(q.StemAfter) + len(q.GeneralFeedback) + len(q.FeedbackTrue) + len(q.FeedbackFalse) + len(q.Name) + len(q.Category)
	for _, o := range q.Options {
		n += len(o.Text) + len(o.Feedback)
	}
	for _, x := range q.Numbers {
		n += len(x.Feedback)
	}
	for _, p := range q.Pairs {
		n += len(p.Left) + len(p.Right)
	}
	return n
}

// normalizeIDs gives options and pairs the bank ids "1", "2", … and right
// items "r1", "r2", … (one per distinct right text).
func normalizeIDs(q *Question) {
	for i := range q.Options {
		q.Options[i].ID = strconv.Itoa(i + 1)
	}
	rights := map[string]string{}
	for i := range q.Pairs {
		q.Pairs[i].ID = strconv.Itoa(i + 1)
		rid, ok := rights[q.Pairs[i].Right]
		if !ok {
			rid = "r" + strconv.Itoa(len(rights)+1)
			rights[q.Pairs[i].Right] = rid
		}
		q.Pairs[i].RightID = rid
	}
}

// addQuestions appends questions to a quiz's bank in tx, or none if the
// bank would then hold more than MaxQuestions (ErrTooManyQuestions).
func (s *Service) addQuestions(tx *gorm.DB, quizID int64, qs []Question) ([]int64, error) {
	// The version first: on PostgreSQL the update locks the quiz's row, so
	// two additions at once count one after the other.
	if err := bumpBank(tx, quizID); err != nil {
		return nil, err
	}
	var bank struct {
		N   int
		Pos int
	}
	if err := tx.Model(&models.QuizQuestion{}).Where("quiz_id = ?", quizID).Select("COUNT(*) AS n, COALESCE(MAX(position), 0) AS pos").Scan(&bank).Error; err != nil {
		return nil, err
	}
	if bank.N+len(qs) > MaxQuestions {
		return nil, fmt.Errorf("%w: quiz %d has %d, adding %d", ErrTooManyQuestions, quizID, bank.N, len(qs))
	}
	pos := bank.Pos
	now := s.now()
	ids := make([]int64, 0, len(qs))
	for _, q := range qs {
		normalizeIDs(&q)
		q.ID = ""
		spec, err := json.Marshal(q)
		if err != nil {
			return nil, err
		}
		pos++
		row := models.QuizQuestion{QuizID: quizID, Position: pos, Type: q.Type, Category: q.Category, Points: q.Points, Spec: string(spec), CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return nil, err
		}
		ids = append(ids, row.ID)
	}
	return ids, nil
}

// bumpBank marks a change of a quiz's questions, in the change's own
// transaction, so that every node's cached bank of that quiz is dropped.
func bumpBank(tx *gorm.DB, quizID int64) error {
	return tx.Exec("UPDATE quizzes SET bank_version = bank_version + 1 WHERE id = ?", quizID).Error
}

// AddQuestion adds one question to a quiz.
func (s *Service) AddQuestion(ctx context.Context, editor models.User, quizID int64, q Question) (Question, error) {
	if errs := ValidateQuestion(&q); len(errs) > 0 {
		return q, web.Invalid(errs...)
	}
	_, c, err := s.editable(ctx, editor, quizID)
	if err != nil {
		return q, err
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids, err := s.addQuestions(tx, quizID, []Question{q})
		if err != nil {
			return err
		}
		q.ID = id(ids[0])
		return models.Audit(tx, &editor.ID, "question.create", "course:"+c.Slug, "question:"+q.ID)
	})
	normalizeIDs(&q)
	return q, err
}

// Bank returns a quiz's questions in order, with their bank ids.
func (s *Service) Bank(ctx context.Context, quizID int64) ([]Question, error) {
	var rows []models.QuizQuestion
	if err := s.db.R.WithContext(ctx).Where("quiz_id = ?", quizID).Order("position, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("quiz: bank of %d: %w", quizID, err)
	}
	out := make([]Question, 0, len(rows))
	for _, r := range rows {
		var q Question
		if err := json.Unmarshal([]byte(r.Spec), &q); err != nil {
			return nil, fmt.Errorf("quiz: question %d: %w", r.ID, err)
		}
		q.ID = id(r.ID)
		out = append(out, q)
	}
	return out, nil
}

// ImportResult is the answer of a GIFT import.
type ImportResult struct {
	Imported int         `json:"imported"`
	Errors   []GIFTError `json:"errors"`
}

// ImportGIFT parses GIFT text and adds its questions to a quiz: all of them,
// or none when any question is wrong, unless partial is set.
func (s *Service) ImportGIFT(ctx context.Context, editor models.User, quizID int64, text string, partial bool) (ImportResult, error) {
	_, c, err := s.editable(ctx, editor, quizID)
	if err != nil {
		return ImportResult{}, err
	}
	qs, errs := ParseGIFT(text)
	var good []Question
	for _, q := range qs {
		if fe := ValidateQuestion(&q); len(fe) > 0 {
			errs = append(errs, giftError(q.Line, "gift.invalid", fe[0].Field, i18n.M(fe[0].Key, fe[0].Args...)))
			continue
		}
		good = append(good, q)
	}
	res := ImportResult{Errors: errs}
	if res.Errors == nil {
		res.Errors = []GIFTError{}
	}
	if len(errs) > 0 && !partial {
		return res, nil
	}
	// Said with a line before anything is written; addQuestions checks
	// again in the transaction.
	var have int64
	if err := s.db.R.WithContext(ctx).Model(&models.QuizQuestion{}).Where("quiz_id = ?", quizID).Count(&have).Error; err != nil {
		return res, fmt.Errorf("quiz: import into %d: %w", quizID, err)
	}
	if e, ok := overLimit(int(have), good); ok {
		res.Errors = append(res.Errors, e)
		return res, nil
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.addQuestions(tx, quizID, good); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "quiz.import", "course:"+c.Slug, fmt.Sprintf("quiz:%d questions:%d", quizID, len(good)))
	})
	if err != nil {
		return res, fmt.Errorf("quiz: import into %d: %w", quizID, err)
	}
	res.Imported = len(good)
	return res, nil
}

// overLimit is the error of adding qs to a bank of have questions when that
// passes MaxQuestions, at the line of the first question too many.
func overLimit(have int, qs []Question) (GIFTError, bool) {
	if have+len(qs) <= MaxQuestions {
		return GIFTError{}, false
	}
	line := 1
	if i := MaxQuestions - have; i >= 0 && i < len(qs) {
		line = qs[i].Line
	}
	return giftError(line, "gift.too_many_questions", MaxQuestions, have, len(qs)), true
}

// ExportGIFTFor writes a quiz's bank as GIFT.
func (s *Service) ExportGIFTFor(ctx context.Context, editor models.User, quizID int64) (string, error) {
	if _, _, err := s.editable(ctx, editor, quizID); err != nil {
		return "", err
	}
	qs, err := s.Bank(ctx, quizID)
	if err != nil {
		return "", err
	}
	return ExportGIFT(qs), nil
}

// question loads a bank question that editor may change.
func (s *Service) question(ctx context.Context, editor models.User, questionID int64) (models.QuizQuestion, models.Course, error) {
	var row models.QuizQuestion
	err := s.db.R.WithContext(ctx).Take(&row, "id = ?", questionID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, models.Course{}, ErrNotFound
	}
	if err != nil {
		return row, models.Course{}, err
	}
	_, c, err := s.editable(ctx, editor, row.QuizID)
	if errors.Is(err, ErrForbidden) {
		err = ErrNotFound
	}
	return row, c, err
}

// Question returns one bank question for its editor.
func (s *Service) Question(ctx context.Context, editor models.User, questionID int64) (Question, int64, error) {
	row, _, err := s.question(ctx, editor, questionID)
	if err != nil {
		return Question{}, 0, err
	}
	var q Question
	if err := json.Unmarshal([]byte(row.Spec), &q); err != nil {
		return q, 0, fmt.Errorf("quiz: question %d: %w", row.ID, err)
	}
	q.ID = id(row.ID)
	return q, row.QuizID, nil
}

// UpdateQuestion replaces a bank question. Attempts already started keep the
// wording they froze, and grades already given stay as they are.
func (s *Service) UpdateQuestion(ctx context.Context, editor models.User, questionID int64, q Question) (Question, error) {
	if errs := ValidateQuestion(&q); len(errs) > 0 {
		return q, web.Invalid(errs...)
	}
	row, c, err := s.question(ctx, editor, questionID)
	if err != nil {
		return q, err
	}
	normalizeIDs(&q)
	q.ID = ""
	spec, err := json.Marshal(q)
	if err != nil {
		return q, err
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.QuizQuestion{}).Where("id = ?", row.ID).Updates(map[string]any{
			"type": q.Type, "category": q.Category, "points": q.Points, "spec": string(spec), "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := bumpBank(tx, row.QuizID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "question.update", "course:"+c.Slug, "question:"+id(row.ID))
	})
	q.ID = id(row.ID)
	return q, err
}

// DeleteQuestion removes a question from the bank. Attempts that drew it keep
// it in their snapshot.
func (s *Service) DeleteQuestion(ctx context.Context, editor models.User, questionID int64) (int64, error) {
	row, c, err := s.question(ctx, editor, questionID)
	if err != nil {
		return 0, err
	}
	err = s.db.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Delete(&models.QuizQuestion{}, row.ID).Error; err != nil {
			return err
		}
		if err := bumpBank(tx, row.QuizID); err != nil {
			return err
		}
		return models.Audit(tx, &editor.ID, "question.delete", "course:"+c.Slug, "question:"+id(row.ID))
	})
	return row.QuizID, err
}
