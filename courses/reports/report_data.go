package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tadrib/courses"
)

// reportData is what the report's queries return, keyed by user.
type reportData struct {
	users       []reportUser
	lessons     map[int64]lessonAgg       // by user
	attempts    map[userModule]attemptAgg // by user and module
	activity    map[int64]time.Time       // latest attempt start or finish, by user
	quizzes     map[int64]bool            // modules whose quiz counts for progress
	certs       map[int64]string          // live certificate code, by user
	cohorts     map[int64][]cohortName    // by user
	cohortOrder []int64                   // cohorts by name
}

type reportUser struct {
	id                                            int64
	name, nameAr, email, profession, organization string
	enrolledAt                                    time.Time
}

type lessonAgg struct {
	done int
	last time.Time
}

type userModule struct{ user, module int64 }

type attemptAgg struct {
	best      *float64
	passed    bool
	finished  int
	firstPass time.Time
}

type cohortName struct {
	id   int64
	name string
}

// reportData runs the report's queries. Each joins the filtered enrolments
// (where, args from population) to one table and aggregates per trainee.
func (s *Service) reportData(ctx context.Context, t courses.Tree, sc reportScope, where string, args []any) (reportData, error) {
	d := reportData{lessons: map[int64]lessonAgg{}, attempts: map[userModule]attemptAgg{}, activity: map[int64]time.Time{},
		quizzes: map[int64]bool{}, certs: map[int64]string{}, cohorts: map[int64][]cohortName{}}
	const from = " FROM enrolments e JOIN users u ON u.id = e.user_id "

	err := s.scanRows(ctx, "SELECT u.id, u.name, u.name_ar, u.email, u.profession, u.organization, e.created_at"+from+
		"WHERE "+where+" ORDER BY u.name, u.id", args, func(rs *sql.Rows) error {
		var u reportUser
		var at dbTime
		if err := rs.Scan(&u.id, &u.name, &u.nameAr, &u.email, &u.profession, &u.organization, &at); err != nil {
			return err
		}
		u.enrolledAt = at.t
		d.users = append(d.users, u)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("trainees: %w", err)
	}

	err = s.scanRows(ctx, "SELECT lc.user_id, COUNT(*), MAX(lc.completed_at)"+from+
		`JOIN lesson_completions lc ON lc.user_id = e.user_id
		JOIN lessons l ON l.id = lc.lesson_id JOIN modules m ON m.id = l.module_id
		WHERE `+where+" AND m.course_id = e.course_id GROUP BY lc.user_id", args, func(rs *sql.Rows) error {
		var uid int64
		var a lessonAgg
		var last dbTime
		if err := rs.Scan(&uid, &a.done, &last); err != nil {
			return err
		}
		a.last = last.t
		d.lessons[uid] = a
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("lessons: %w", err)
	}

	if s.quizzes != nil { // without the quiz engine, progress counts no quiz either
		results, counted, err := s.quizzes.CourseResults(ctx, t.ID)
		if err != nil {
			return d, fmt.Errorf("quizzes: %w", err)
		}
		for _, r := range results {
			d.attempts[userModule{r.UserID, r.ModuleID}] = attemptAgg{best: r.BestPercent, passed: r.Passed, finished: r.Finished, firstPass: r.FirstPass}
			d.activity[r.UserID] = later(d.activity[r.UserID], r.LastActivity)
		}
		d.quizzes = counted
	}

	if s.certs != nil {
		if d.certs, err = s.certs.HeldCodes(ctx, t.ID); err != nil {
			return d, fmt.Errorf("certificates: %w", err)
		}
	}

	cq := "SELECT cm.user_id, co.id, co.name" + from +
		`JOIN cohort_members cm ON cm.user_id = e.user_id JOIN cohorts co ON co.id = cm.cohort_id
		JOIN cohort_courses cc ON cc.cohort_id = co.id AND cc.course_id = e.course_id
		WHERE ` + where
	cargs := args
	if !sc.all {
		cq += " AND co.created_by = ?"
		cargs = append(append([]any{}, args...), sc.trainer)
	}
	seen := map[int64]bool{}
	err = s.scanRows(ctx, cq+" ORDER BY co.name, co.id", cargs, func(rs *sql.Rows) error {
		var uid int64
		var c cohortName
		if err := rs.Scan(&uid, &c.id, &c.name); err != nil {
			return err
		}
		d.cohorts[uid] = append(d.cohorts[uid], c)
		if !seen[c.id] {
			seen[c.id] = true
			d.cohortOrder = append(d.cohortOrder, c.id)
		}
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("cohorts: %w", err)
	}
	return d, nil
}

// scanRows runs a read query and hands each row to fn.
func (s *Service) scanRows(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rs, err := s.db.R.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

// dbTime scans a time that may be NULL. PostgreSQL returns aggregates of
// times as times; SQLite returns MAX/MIN of a DATETIME column as the stored
// text (fixed width, see internal/db), which is parsed here.
type dbTime struct{ t time.Time }

var timeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

// Scan implements sql.Scanner.
func (d *dbTime) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case nil:
		d.t = time.Time{}
		return nil
	case time.Time:
		d.t = x.UTC()
		return nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("courses: scan time from %T", v)
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			d.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("courses: scan time from %q", s)
}
