package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const quizSynopsis = `Take a quiz with many simulated trainees at once on a running Tadrib server:
start attempts in a spike, autosave answers at a given rate, submit, then
read every attempt back and compare its saved answers with the answers the
server acknowledged with 204.

Set-up, through the API: sign in as -admin-email (an admin or trainer), create
a course with a unique slug, a module, a lesson and a quiz, import a GIFT bank
of -questions questions (single, multiple, true_false, short, numerical and
matching in turn), publish; register -trainees trainees (-register-conc at a
time: each costs the server an argon2id hash, ~19 MiB and ~50 ms) and enrol
them. The server must allow that many registrations a minute from one
address: start it with TADRIB_RATE_AUTH=100000.

Phases (each reported: requests, errors by status, ok/s, latency p50 p95 p99
max of the successful requests, processor use):
  start     every trainee POSTs /quizzes/{id}/attempts at a random moment
            within -spike (201, or 200 for a resumed attempt); "drain" is the
            time from the first start to the last answer
  autosave  for -d, each trainee PUTs /attempts/{id}/answers/{qid} at -rate a
            second (open loop with jitter; a slot missed because the previous
            save was still running is skipped and counted), a valid body for a
            random question, different from the one before; the last body
            acknowledged with 204 is recorded per question; 409 (attempt
            closed) stops that trainee
  submit    every trainee POSTs /attempts/{id}/submit within -spike
  verify    GET /attempts/{id}: its answers must hold every acknowledged
            body (choices compared as sets)
A transport error, 503 or 429 (or a proxy's 502 or 504) is retried with exponential backoff (at most
-retry-attempts sends within -retry-window per request); retries and requests
given up are counted apart. A save given up, or refused with a 5xx, is "in
doubt": finding it on the server instead of the acknowledged one is no loss.

With -empty, every 4th save to a multiple choice or matching question is the
empty answer ({"choices": []}, {"pairs": {}}: every box unticked), which must
come back as sent too.

The exit status is 1 when an acknowledged answer is missing or different, an
attempt cannot be read back, the server holds an answer nobody sent, or a
trainee could not start or submit.`

// QuizConfig holds the flags of the quiz scenario.
type QuizConfig struct {
	URL           string
	AdminEmail    string
	AdminPassword string
	Trainees      int
	Rate          float64 // autosaves per second per trainee
	Duration      time.Duration
	Questions     int
	TimeLimitS    int
	Spike         time.Duration
	JSON          bool
	PID           int
	Timeout       time.Duration
	RegisterConc  int
	VerifyConc    int
	Empty         bool // send empty multiple/matching answers too
	Retry         RetryPolicy
}

func quizCmd(args []string, stdout, stderr io.Writer) error {
	var cfg QuizConfig
	fs := newFlags("quiz", quizSynopsis, stderr)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of a running Tadrib server (loopback only)")
	fs.StringVar(&cfg.AdminEmail, "admin-email", os.Getenv("TADRIB_ADMIN_EMAIL"), "email of an admin (or trainer) to create the course with (default $TADRIB_ADMIN_EMAIL)")
	fs.StringVar(&cfg.AdminPassword, "admin-password", "", "that account's password (default $TADRIB_ADMIN_PASSWORD)")
	fs.IntVar(&cfg.Trainees, "trainees", 200, "simulated trainees, each with its own account and attempt (and up to one connection each)")
	fs.Float64Var(&cfg.Rate, "rate", 0.5, "autosaves per second per trainee")
	fs.DurationVar(&cfg.Duration, "d", 30*time.Second, "duration of the autosave phase")
	fs.IntVar(&cfg.Questions, "questions", 20, "questions in the generated GIFT bank")
	fs.IntVar(&cfg.TimeLimitS, "time-limit", 0, "the quiz's time limit in seconds (0: none)")
	fs.DurationVar(&cfg.Spike, "spike", time.Second, "window in which all attempts start (and all submits are sent); 0: all at once")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON instead of a table")
	fs.IntVar(&cfg.PID, "pid", 0, "PID of the server process, to report its processor use and peak RSS")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "timeout of one request")
	fs.IntVar(&cfg.RegisterConc, "register-conc", 4, "registrations in flight during the set-up")
	fs.IntVar(&cfg.VerifyConc, "verify-conc", 16, "attempts read back at a time after the submits")
	fs.BoolVar(&cfg.Empty, "empty", false, `every 4th save to a multiple or matching question unticks everything: {"choices": []} or {"pairs": {}}`)
	fs.IntVar(&cfg.Retry.Attempts, "retry-attempts", 12, "sends of one request at most (1: no retry)")
	fs.DurationVar(&cfg.Retry.Window, "retry-window", 10*time.Second, "no retry of a request starts later than this after its first send")
	cfg.Retry.Base, cfg.Retry.Cap = 100*time.Millisecond, 2*time.Second
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfg.AdminPassword == "" {
		cfg.AdminPassword = os.Getenv("TADRIB_ADMIN_PASSWORD")
	}
	switch {
	case cfg.AdminEmail == "" || cfg.AdminPassword == "":
		return fmt.Errorf("give -admin-email and -admin-password (or set TADRIB_ADMIN_EMAIL and TADRIB_ADMIN_PASSWORD)")
	case cfg.Trainees < 1 || cfg.Trainees > 10000:
		return fmt.Errorf("-trainees must be between 1 and 10000, not %d", cfg.Trainees)
	case !(cfg.Rate > 0 && cfg.Rate <= 100):
		return fmt.Errorf("-rate must be above 0 and at most 100 a second, not %g", cfg.Rate)
	case cfg.Duration <= 0 || cfg.Duration > time.Hour:
		return fmt.Errorf("-d must be positive and at most 1h, not %s", cfg.Duration)
	case cfg.Questions < 1 || cfg.Questions > 500:
		return fmt.Errorf("-questions must be between 1 and 500, not %d", cfg.Questions)
	case cfg.TimeLimitS < 0 || cfg.TimeLimitS > 7*24*3600:
		return fmt.Errorf("-time-limit must be between 0 and %d seconds, not %d", 7*24*3600, cfg.TimeLimitS)
	case cfg.Spike < 0 || cfg.Spike > 10*time.Minute:
		return fmt.Errorf("-spike must be between 0 and 10m, not %s", cfg.Spike)
	case cfg.Timeout <= 0 || cfg.Timeout > 10*time.Minute:
		return fmt.Errorf("-timeout must be positive and at most 10m")
	case cfg.RegisterConc < 1 || cfg.RegisterConc > 64:
		return fmt.Errorf("-register-conc must be between 1 and 64")
	case cfg.VerifyConc < 1 || cfg.VerifyConc > 1024:
		return fmt.Errorf("-verify-conc must be between 1 and 1024")
	case cfg.Retry.Attempts < 1 || cfg.Retry.Attempts > 100:
		return fmt.Errorf("-retry-attempts must be between 1 and 100")
	case cfg.Retry.Window < 0 || cfg.Retry.Window > 10*time.Minute:
		return fmt.Errorf("-retry-window must be between 0 and 10m")
	case cfg.PID < 0:
		return fmt.Errorf("-pid must be a process id")
	}
	if cfg.PID > 0 {
		if _, err := StatusKB(cfg.PID, "VmHWM"); err != nil {
			return fmt.Errorf("-pid %d: cannot read its memory: %w", cfg.PID, err)
		}
	}
	rep, err := runQuiz(cfg, stderr)
	if err != nil {
		return err
	}
	if cfg.JSON {
		if err := rep.WriteJSON(stdout); err != nil {
			return err
		}
	} else {
		rep.WriteTable(stdout)
	}
	if !rep.Pass {
		return errVerdict
	}
	return nil
}

// errVerdict is the error of a run whose check failed (exit status 1).
var errVerdict = errors.New("quiz: the check failed (see the verdict)")

// simTrainee is one simulated trainee and what happened to it.
type simTrainee struct {
	Trainee
	attempt    AttemptView
	answerable []QuestionView
	started    bool
	status     int // of the start: 201 or 200
	log        *AckLog
	saves      map[string]int // saves sent per question, to vary the answers
	stopped    string         // why the autosave loop ended early
	submitted  bool
	submitErr  string
	final      string // the attempt's status after the submit
}

func runQuiz(cfg QuizConfig, progress io.Writer) (*QuizReport, error) {
	base, err := LocalURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(progress, "tadrib-load: "+format+"\n", a...) }
	probe := CPUProbe{ServerPID: cfg.PID}
	makeAnswer := MakeAnswer
	if cfg.Empty {
		makeAnswer = MakeAnswerEmpty
	}
	rep := &QuizReport{
		Scenario: "quiz", EmptyAnswers: cfg.Empty, URL: base.String(), Trainees: cfg.Trainees, Questions: cfg.Questions,
		RatePerTrainee: cfg.Rate, AutosaveSeconds: cfg.Duration.Seconds(), SpikeSeconds: cfg.Spike.Seconds(),
		TimeLimitS: cfg.TimeLimitS, NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), ServerPID: cfg.PID,
		Retry: RetryJSON{Attempts: cfg.Retry.Attempts, WindowSeconds: cfg.Retry.Window.Seconds()},
	}
	if cfg.PID > 0 {
		rep.ServerComm = Comm(cfg.PID)
	}

	// Set-up.
	api := NewAPI(base, cfg.RegisterConc+2, cfg.Timeout)
	defer api.HC.CloseIdleConnections()
	admin, err := api.Login(cfg.AdminEmail, cfg.AdminPassword)
	if err != nil {
		return nil, err
	}
	gift, types := GenerateGIFT(cfg.Questions)
	rep.Types = types
	setup, err := api.CreateQuizCourse(admin, gift, 50, cfg.TimeLimitS)
	if err != nil {
		return nil, err
	}
	if setup.Imported != cfg.Questions {
		return nil, fmt.Errorf("the import took %d questions of %d", setup.Imported, cfg.Questions)
	}
	rep.Course, rep.QuizID = setup.Course, setup.QuizID
	logf("course %q, quiz %s with %d questions %v", setup.Course, setup.QuizID, setup.Imported, types)

	t0 := time.Now()
	trainees, err := registerAll(api, cfg, setup.Course, logf)
	if err != nil {
		return nil, err
	}
	rep.RegisterSeconds = time.Since(t0).Seconds()
	logf("registered and enrolled %d trainees in %.1fs (%d at a time)", len(trainees), rep.RegisterSeconds, cfg.RegisterConc)

	// One client for the measured load, a connection per trainee.
	hc := NewHostClient(base.Host, cfg.Trainees+8, cfg.Timeout)
	defer hc.CloseIdleConnections()
	if cfg.PID > 0 {
		if m, err := ReadMemory(cfg.PID); err == nil {
			rep.ServerBefore = &m
		}
	}

	// Start.
	logf("start phase: %d attempts within %s", len(trainees), cfg.Spike)
	start := NewPhase("start")
	var lastStart atomic.Int64
	rep.addPhase(start, probe, func() time.Duration {
		t0 := time.Now()
		eachTrainee(trainees, func(st *simTrainee) {
			time.Sleep(jitter(cfg.Spike))
			path := apiPrefix + "/quizzes/" + setup.QuizID + "/attempts"
			ex, o := api.Call(start, hc, cfg.Retry, http.MethodPost, path, st.Token, nil, http.StatusCreated, http.StatusOK)
			if o != Done {
				st.stopped = "start: " + errPolicy(http.MethodPost, path, ex, o).Error()
				return
			}
			if err := json.Unmarshal(ex.Body, &st.attempt); err != nil || st.attempt.ID == "" {
				st.stopped = fmt.Sprintf("start: cannot read the attempt: %v: %s", err, snippet(ex.Body))
				return
			}
			lastStart.Store(int64(time.Since(t0)))
			st.started, st.status = true, ex.Status
			for _, q := range st.attempt.Questions {
				if Answerable(q) {
					st.answerable = append(st.answerable, q)
				}
			}
		})
		return time.Since(t0)
	})
	rep.StartDrainSeconds = time.Duration(lastStart.Load()).Seconds()
	for _, st := range trainees {
		switch {
		case st.started && st.status == http.StatusCreated:
			rep.Started++
		case st.started:
			rep.Resumed++
		}
	}
	logf("start phase: %d started, %d resumed, drained in %.2fs", rep.Started, rep.Resumed, rep.StartDrainSeconds)

	// Autosave.
	logf("autosave phase started: %d trainees × %g/s for %s", rep.Started+rep.Resumed, cfg.Rate, cfg.Duration)
	save := NewPhase("autosave")
	var slots, missed, sent atomic.Int64
	rep.addPhase(save, probe, func() time.Duration {
		t0 := time.Now()
		end := t0.Add(cfg.Duration)
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		eachTrainee(trainees, func(st *simTrainee) {
			if !st.started || len(st.answerable) == 0 {
				return
			}
			st.log, st.saves = NewAckLog(), map[string]int{}
			k0 := mrand.IntN(1000) // so that trainees do not all send the same bodies
			next := t0.Add(jitter(interval))
			for next.Before(end) {
				time.Sleep(time.Until(next))
				slots.Add(1)
				if late := time.Since(next); late > interval {
					// Still busy with the previous save: skip the slots missed.
					n := int64(late / interval)
					missed.Add(n)
					slots.Add(n)
					next = next.Add(time.Duration(n) * interval)
					if !next.Before(end) {
						break
					}
				}
				q := st.answerable[mrand.IntN(len(st.answerable))]
				body, _ := makeAnswer(q, k0+st.saves[q.ID])
				st.saves[q.ID]++
				raw, _ := json.Marshal(body)
				path := apiPrefix + "/attempts/" + st.attempt.ID + "/answers/" + q.ID
				sent.Add(1)
				ex, o := api.Call(save, hc, cfg.Retry, http.MethodPut, path, st.Token, raw, http.StatusNoContent)
				switch {
				case o == Done:
					st.log.Acked(q.ID, body)
				case o == GaveUp || ex.Status >= 500:
					st.log.Unknown(q.ID, body) // it may have been stored
				case ex.Status == http.StatusConflict:
					st.stopped = "409: the attempt closed"
					return
				case ex.Status == http.StatusUnauthorized || ex.Status == http.StatusForbidden:
					st.stopped = fmt.Sprintf("%d: %s", ex.Status, snippet(ex.Body))
					return
				}
				// Other 4xx: not stored; counted in the phase.
				next = next.Add(interval/2 + jitter(interval)) // mean: interval
			}
		})
		return time.Since(t0)
	})
	rep.Autosave = AutosaveJSON{
		OfferedPerSecond: float64(rep.Started+rep.Resumed) * cfg.Rate, Slots: slots.Load(), Sent: sent.Load(),
		MissedSlots: missed.Load(),
	}
	rep.Autosave.AchievedPerSecond = float64(len(save.lat)) / cfg.Duration.Seconds()
	for _, st := range trainees {
		if st.stopped != "" && st.started {
			rep.Autosave.Stopped++
			if rep.Autosave.FirstStop == "" {
				rep.Autosave.FirstStop = st.stopped
			}
		}
	}
	logf("autosave phase: %d saves sent, %d acknowledged", sent.Load(), len(save.lat))

	// Submit.
	logf("submit phase")
	submit := NewPhase("submit")
	rep.addPhase(submit, probe, func() time.Duration {
		t0 := time.Now()
		eachTrainee(trainees, func(st *simTrainee) {
			if !st.started {
				return
			}
			time.Sleep(jitter(cfg.Spike))
			path := apiPrefix + "/attempts/" + st.attempt.ID + "/submit"
			ex, o := api.Call(submit, hc, cfg.Retry, http.MethodPost, path, st.Token, nil, http.StatusOK)
			if o != Done {
				st.submitErr = errPolicy(http.MethodPost, path, ex, o).Error()
				return
			}
			var res struct {
				Status string `json:"status"`
			}
			if json.Unmarshal(ex.Body, &res) == nil && (res.Status == "submitted" || res.Status == "expired") {
				st.submitted, st.final = true, res.Status
			} else {
				st.submitErr = fmt.Sprintf("POST %s: status %q in %s", path, res.Status, snippet(ex.Body))
			}
		})
		return time.Since(t0)
	})

	// Verify.
	logf("verify phase: reading %d attempts back", rep.Started+rep.Resumed)
	verify := NewPhase("verify")
	var check Check
	var checkMu sync.Mutex
	rep.addPhase(verify, probe, func() time.Duration {
		t0 := time.Now()
		sem := make(chan struct{}, cfg.VerifyConc)
		eachTrainee(trainees, func(st *simTrainee) {
			if !st.started || st.log == nil {
				return
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			path := apiPrefix + "/attempts/" + st.attempt.ID
			ex, o := api.Call(verify, hc, cfg.Retry, http.MethodGet, path, st.Token, nil, http.StatusOK)
			var got AttemptView
			readable := o == Done && json.Unmarshal(ex.Body, &got) == nil
			checkMu.Lock()
			check.Add(st.attempt.ID, st.log, got.Answers, readable)
			checkMu.Unlock()
		})
		return time.Since(t0)
	})
	rep.Check = check
	for _, st := range trainees {
		if st.started {
			rep.SubmitWanted++
		}
		if st.submitted {
			rep.SubmitOK++
			if st.final == "expired" {
				rep.SubmitExpired++
			}
		} else if st.submitErr != "" && rep.FirstSubmitErr == "" {
			rep.FirstSubmitErr = st.submitErr
		}
	}
	rep.Unstarted = len(trainees) - rep.Started - rep.Resumed
	for _, st := range trainees {
		if !st.started && rep.FirstStartErr == "" {
			rep.FirstStartErr = st.stopped
		}
	}

	if cfg.PID > 0 {
		if m, err := ReadMemory(cfg.PID); err == nil {
			rep.ServerAfter = &m
		}
	}
	if m, err := ReadMemory(0); err == nil {
		rep.Load = &m
	}
	rep.decide()
	return rep, nil
}

// registerAll registers n trainees, conc at a time, and enrols each in slug.
func registerAll(api *API, cfg QuizConfig, slug string, logf func(string, ...any)) ([]*simTrainee, error) {
	out := make([]*simTrainee, cfg.Trainees)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var done atomic.Int64
	for range cfg.RegisterConc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				tr, err := api.RegisterTrainee("quiz")
				if err == nil {
					err = api.Enrol(tr.Token, slug)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				out[i] = &simTrainee{Trainee: tr}
				if n := done.Add(1); n%500 == 0 {
					logf("  %d trainees registered", n)
				}
			}
		}()
	}
	for i := range cfg.Trainees {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, fmt.Errorf("register the trainees (is the server started with TADRIB_RATE_AUTH=100000?): %w", firstErr)
	}
	return out, nil
}

// eachTrainee runs fn for every trainee at once and waits for all.
func eachTrainee(ts []*simTrainee, fn func(*simTrainee)) {
	var wg sync.WaitGroup
	for _, st := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(st)
		}()
	}
	wg.Wait()
}

// jitter is a uniformly random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(mrand.Int64N(int64(d)))
}
