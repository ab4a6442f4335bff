package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"tadrib/models"
)

// ItemReport is the item analysis of a quiz (openapi.json: itemReport,
// GET /api/v1/reports/quizzes/{id}/items),
// with the statistics Moodle's quiz statistics report defines:
//
//   - facility index: the mean score on the question, as a percentage of its
//     maximum: how easy it is;
//   - discrimination index: the correlation (×100) between the score on the
//     question and the score on the rest of the quiz: whether those who do
//     well overall do well on it;
//   - reliability: Cronbach's alpha (equal to KR-20 on right/wrong items),
//     Moodle's "coefficient of internal consistency", over the questions
//     every graded attempt saw.
type ItemReport struct {
	Attempts    int         `json:"attempts"`
	Questions   []ItemStats `json:"questions"`
	Reliability *float64    `json:"reliability"` // nil when it cannot be computed (fewer than 2 attempts or items)
	MeanPercent *float64    `json:"mean_percent"`
}

// ItemStats is one question's statistics.
type ItemStats struct {
	ID             string        `json:"id"`
	Type           string        `json:"type"`
	Name           string        `json:"name"`
	Stem           string        `json:"stem"`     // sanitized HTML, for the report page
	Attempts       int           `json:"attempts"` // graded attempts that had it
	Facility       *float64      `json:"facility"`
	Discrimination *float64      `json:"discrimination"`
	Options        []OptionStats `json:"options"`
}

// OptionStats says how often an option was chosen.
type OptionStats struct {
	ID     string  `json:"id"`
	Text   string  `json:"text"`
	Weight float64 `json:"weight"`
	Chosen int     `json:"chosen"`
}

// Items computes the item analysis over the graded attempts of a quiz.
func (s *Service) Items(ctx context.Context, viewer models.User, quizID int64) (ItemReport, error) {
	if _, _, err := s.editable(ctx, viewer, quizID); err != nil {
		if errors.Is(err, ErrForbidden) {
			return ItemReport{}, ErrNotFound
		}
		return ItemReport{}, err
	}
	bank, err := s.Bank(ctx, quizID)
	if err != nil {
		return ItemReport{}, err
	}
	var attempts []models.Attempt
	if err := s.db.R.WithContext(ctx).Where("quiz_id = ? AND status <> ? AND pending_manual = ?", quizID, models.AttemptInProgress, false).
		Order("id").Find(&attempts).Error; err != nil {
		return ItemReport{}, fmt.Errorf("quiz: attempts of %d: %w", quizID, err)
	}
	var rows []models.AttemptAnswer
	if err := s.db.R.WithContext(ctx).Table("answers").Joins("JOIN attempts a ON a.id = answers.attempt_id").
		Where("a.quiz_id = ? AND a.status <> ?", quizID, models.AttemptInProgress).Select("answers.*").Find(&rows).Error; err != nil {
		return ItemReport{}, err
	}
	answers := map[int64]map[string]Answer{}
	for _, r := range rows {
		var a Answer
		if json.Unmarshal([]byte(r.Body), &a) == nil {
			if answers[r.AttemptID] == nil {
				answers[r.AttemptID] = map[string]Answer{}
			}
			answers[r.AttemptID][r.QuestionID] = a
		}
	}
	perQ := map[string][]scored{}
	totals := make([]float64, len(attempts))
	maxes := make([]float64, len(attempts))
	chosen := map[string]map[string]int{} // question → bank option → count
	for ai, at := range attempts {
		var r result
		if json.Unmarshal([]byte(at.Result), &r) != nil {
			continue
		}
		sn, err := s.parsedSnapshot(at)
		if err != nil {
			return ItemReport{}, err
		}
		for _, it := range r.Review {
			if it.MaxPoints <= 0 {
				continue
			}
			perQ[it.QuestionID] = append(perQ[it.QuestionID], scored{ai, it.Points / it.MaxPoints, it.Points})
			totals[ai] += it.Points
			maxes[ai] += it.MaxPoints
		}
		for _, sq := range sn.Questions {
			a, ok := answers[at.ID][sq.Q.ID]
			if !ok {
				continue
			}
			if chosen[sq.Q.ID] == nil {
				chosen[sq.Q.ID] = map[string]int{}
			}
			if a.Choice != nil {
				chosen[sq.Q.ID][sq.BankIDs[*a.Choice]]++
			}
			for _, c := range a.Choices {
				chosen[sq.Q.ID][sq.BankIDs[c]]++
			}
			if a.Value != nil {
				chosen[sq.Q.ID][strconv.FormatBool(*a.Value)]++
			}
		}
	}
	rep := ItemReport{Attempts: len(attempts), Questions: []ItemStats{}}
	var percents []float64
	for i := range attempts {
		if maxes[i] > 0 {
			percents = append(percents, totals[i]/maxes[i]*100)
		}
	}
	if len(percents) > 0 {
		m := mean(percents)
		rep.MeanPercent = ptrTo(round(m, 2))
	}
	for _, q := range bank {
		st := ItemStats{ID: q.ID, Type: q.Type, Name: q.Name, Stem: renderText(q.Format, q.Stem, false), Options: []OptionStats{}}
		sc := perQ[q.ID]
		st.Attempts = len(sc)
		if len(sc) > 0 {
			xs, rest := make([]float64, len(sc)), make([]float64, len(sc))
			for i, v := range sc {
				xs[i] = v.frac
				rest[i] = totals[v.attempt] - v.points
			}
			st.Facility = ptrTo(round(mean(xs)*100, 2))
			if r, ok := correlation(xs, rest); ok {
				st.Discrimination = ptrTo(round(r*100, 2))
			}
		}
		switch q.Type {
		case Single, Multiple:
			for _, o := range q.Options {
				st.Options = append(st.Options, OptionStats{ID: o.ID, Text: renderText(q.Format, o.Text, true), Weight: o.Weight, Chosen: chosen[q.ID][o.ID]})
			}
		case TrueFalse:
			for _, v := range []string{"true", "false"} {
				w := 0.0
				if q.Correct != nil && strconv.FormatBool(*q.Correct) == v {
					w = 1
				}
				st.Options = append(st.Options, OptionStats{ID: v, Text: v, Weight: w, Chosen: chosen[q.ID][v]})
			}
		}
		rep.Questions = append(rep.Questions, st)
	}
	rep.Reliability = alpha(perQ, len(attempts))
	return rep, nil
}

func ptrTo[T any](v T) *T { return &v }

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func variance(xs []float64) float64 {
	m, s := mean(xs), 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return s / float64(len(xs)-1)
}

// correlation is Pearson's r; ok is false when either side does not vary.
func correlation(xs, ys []float64) (float64, bool) {
	if len(xs) < 2 {
		return 0, false
	}
	mx, my := mean(xs), mean(ys)
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

// scored is one question's score in one attempt.
type scored struct {
	attempt int
	frac    float64 // of the question's marks
	points  float64
}

// alpha is Cronbach's alpha over the items every attempt had:
// k/(k−1) · (1 − Σ var(item) / var(total)). On right/wrong items it is KR-20.
func alpha(perQ map[string][]scored, n int) *float64 {
	if n < 2 {
		return nil
	}
	var items [][]float64
	keys := make([]string, 0, len(perQ))
	for k := range perQ {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sc := perQ[k]
		if len(sc) != n {
			continue // drawn at random: not in every attempt
		}
		col := make([]float64, n)
		for _, v := range sc {
			col[v.attempt] = v.points
		}
		items = append(items, col)
	}
	k := len(items)
	if k < 2 {
		return nil
	}
	totals := make([]float64, n)
	sumVar := 0.0
	for _, col := range items {
		sumVar += variance(col)
		for i, v := range col {
			totals[i] += v
		}
	}
	vt := variance(totals)
	if vt == 0 {
		return nil
	}
	a := float64(k) / float64(k-1) * (1 - sumVar/vt)
	return ptrTo(round(a, 4))
}
