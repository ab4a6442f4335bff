package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"tadrib/certs"
	"tadrib/courses"
	"tadrib/internal/db"
	"tadrib/quiz"
)

// checkCmd reads a Tadrib database after a load (the chaos exam) and counts
// what must never happen, whatever failed meanwhile: a trainee with two
// attempts in progress at one quiz, two attempts with one number, an answer
// stored after its attempt's deadline and grace, a grade that differs from a
// re-grade of the stored answers with the server's own grading code.
func checkCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "Check a Tadrib database's attempts after a load: in progress per trainee and quiz ≤ 1,\n"+
		"attempt numbers unique, no answer stored after deadline + grace, every grade equal to a re-grade.", stderr)
	url := fs.String("database-url", "", "the PostgreSQL database (postgres://…; direct, not through a pooler)")
	path := fs.String("sqlite", "", "or the SQLite file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if (*url == "") == (*path == "") {
		fmt.Fprintln(stderr, "give -database-url or -sqlite")
		return errUsage
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DatabaseURL: *url, SQLitePath: *path})
	if err != nil {
		return err
	}
	defer d.Close()
	qs := quiz.NewService(d, courses.NewService(d, quiz.NewProgress(d), certs.NewCodes(d)))
	c, err := qs.CheckIntegrity(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "attempts finished                        %d\n", c.Finished)
	fmt.Fprintf(stdout, "attempts in progress                     %d\n", c.InProgress)
	fmt.Fprintf(stdout, "trainee × quiz with 2+ in progress       %d\n", c.ManyInProgress)
	fmt.Fprintf(stdout, "duplicate attempt numbers                %d\n", c.DuplicateNumbers)
	fmt.Fprintf(stdout, "answers stored after deadline + grace    %d\n", c.LateAnswers)
	fmt.Fprintf(stdout, "grades different from a re-grade         %d\n", c.Regraded)
	for _, m := range c.Examples {
		fmt.Fprintln(stdout, "  ", m)
	}
	if c.ManyInProgress+c.DuplicateNumbers+c.LateAnswers+c.Regraded > 0 {
		return errors.New("check: FAIL")
	}
	fmt.Fprintln(stdout, "check: PASS")
	return nil
}
