// Command tadrib-load measures a running Tadrib server on this machine. It is
// a measuring tool: it asserts nothing about the figures, it reports them.
//
//	tadrib-load lesson [flags]   a trainee's lesson (GET /api/v1/lessons/{id})
//	                             beside a bare Fiber handler returning the same bytes
//	tadrib-load quiz [flags]     many trainees starting, autosaving and submitting a
//	                             quiz, then a check that every acknowledged answer is saved
//
// It only ever sends requests to loopback addresses.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `tadrib-load — load figures for a Tadrib server running on this machine.

Usage:
  tadrib-load lesson [flags]   an authenticated trainee's lesson page
                               (GET /api/v1/lessons/{id}) measured side by side
                               with a bare Fiber handler that returns the same bytes
  tadrib-load quiz [flags]     N trainees start a quiz in a spike, autosave answers
                               at a rate and submit; then every answer acknowledged
                               with 204 must be found saved
  tadrib-load verify [flags]   public certificate verification (GET /verify/{code},
                               JSON) side by side with a bare handler
  tadrib-load check [flags]    after a load: attempts in progress per trainee and quiz,
                               answers after the deadline, grades against a re-grade
  tadrib-load help             this text

Run "tadrib-load COMMAND -h" for a command's flags. The tool only sends
requests to loopback addresses (127.0.0.0/8, ::1, localhost).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	var err error
	switch cmd {
	case "lesson":
		err = lessonCmd(args, stdout, stderr)
	case "quiz":
		err = quizCmd(args, stdout, stderr)
	case "verify":
		err = verifyCmd(args, stdout, stderr)
	case "check":
		err = checkCmd(args, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tadrib-load: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "tadrib-load:", err)
		return 1
	}
	return 0
}

// errUsage is a flag error already printed by the flag set.
var errUsage = errors.New("usage")

// newFlags makes a flag set whose -h prints a description and the flags.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tadrib-load %s [flags]\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a bad flag into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %q\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	return nil
}
