package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"tadrib/models"
	"tadrib/quiz"
)

// The chaos exam's check (tadrib-load check) finds nothing wrong after a
// normal run, and finds each thing it counts when the database is made to
// hold it: an answer changed after grading, an answer stored after the
// deadline.
func TestIntegrityCheckFindsWhatMustNeverHappen(t *testing.T) {
	a := newTestApp(t, nil)
	_, slug, quizID := quizCourse(t, a, map[string]any{"time_limit_s": 600})
	u := enrolled(t, a, slug)
	at := start(t, u, quizID, 201)
	for qid, body := range rightAnswers(t, at) {
		wantStatus(t, u.do("PUT", "/api/v1/attempts/"+at.ID+"/answers/"+qid, body), 204)
	}
	wantStatus(t, u.do("POST", "/api/v1/attempts/"+at.ID+"/submit", nil), 200)
	other := enrolled(t, a, slug)
	start(t, other, quizID, 201)
	ctx := context.Background()
	qs := quiz.NewService(a.db, a.courses)

	c, err := qs.CheckIntegrity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Finished != 1 || c.InProgress != 1 || c.ManyInProgress+c.DuplicateNumbers+c.LateAnswers+c.Regraded != 0 {
		t.Fatalf("after a normal run: %+v", c)
	}
	id, _ := strconv.ParseInt(at.ID, 10, 64)
	g, err := qs.Regrade(ctx, id)
	if err != nil || !g.Passed || g.Percent != 100 {
		t.Fatalf("Regrade = %+v, %v; want the stored 100 %%, passed", g, err)
	}

	// An answer changed after the grade: the grade no longer re-grades.
	tf := byType(at)["true_false"]["id"].(string)
	a.db.W.Model(&models.AttemptAnswer{}).Where("attempt_id = ? AND question_id = ?", id, tf).Update("body", `{"value": false}`)
	// An answer stored an hour after the deadline.
	var att models.Attempt
	a.db.R.Take(&att, "id = ?", id)
	a.db.W.Model(&models.AttemptAnswer{}).Where("attempt_id = ? AND question_id = ?", id, byType(at)["single"]["id"].(string)).
		Update("saved_at", att.Deadline.Add(time.Hour))
	// A second attempt in progress, or a second attempt with one number:
	// the database refuses both (attempts_one_open, attempts_number), so the
	// check's counts of them stay a second line of defence.
	var open models.Attempt
	a.db.R.Where("status = ?", models.AttemptInProgress).Take(&open)
	dup := open
	dup.ID, dup.AttemptNo = 0, open.AttemptNo+1
	if err := a.db.W.Create(&dup).Error; err == nil {
		t.Error("the database took a second attempt in progress for one trainee and quiz")
	}
	c, err = qs.CheckIntegrity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Regraded != 1 || c.LateAnswers != 1 || c.ManyInProgress != 0 || len(c.Examples) != 1 {
		t.Errorf("after breaking one of each: %+v", c)
	}
}
