package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"runtime"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

const lessonSynopsis = `Measure an authenticated trainee's lesson page, GET /api/v1/lessons/{id}, on a
running Tadrib server, side by side with a bare Fiber handler (started inside
this process) that returns the same bytes with the same Content-Type.

Set-up: register a fresh trainee (one call to the rate-limited
/api/v1/auth/register), enrol in the first course of the catalog (or -course),
take its first lesson and capture that answer once.

Then the same closed loop runs against each target: -c workers, each sending
the same request (with the Bearer token) back to back over a keep-alive
connection; first a -warmup per target, then -rounds interleaved rounds of -d
(bare, real, bare, real, …). Every answer must be 200 with the captured body,
or it counts as an error. The report gives requests, errors, requests/s,
latency percentiles of the successful requests, the ratio real/bare of
requests/s, processor use, and peak resident memory (VmHWM) of the server
(with -pid) and of this process.`

// LessonConfig holds the flags of the lesson scenario.
type LessonConfig struct {
	URL        string
	Conc       int
	Duration   time.Duration
	Warmup     time.Duration
	Rounds     int
	PID        int
	Course     string
	Timeout    time.Duration
	JSON       bool
	TargetRPSx float64 // the goal for the ratio, only echoed in the report
	MemGoalMB  float64 // the goal for the server's peak RSS, only echoed
}

func lessonCmd(args []string, stdout, stderr io.Writer) error {
	var cfg LessonConfig
	fs := newFlags("lesson", lessonSynopsis, stderr)
	roundFlags(fs, &cfg)
	fs.StringVar(&cfg.Course, "course", "", "slug of the course to read (default: the first of the catalog)")
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON instead of a table")
	cfg.TargetRPSx, cfg.MemGoalMB = 0.30, 100
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkRoundFlags(cfg); err != nil {
		return err
	}
	if cfg.PID > 0 {
		if _, err := StatusKB(cfg.PID, "VmHWM"); err != nil {
			return fmt.Errorf("-pid %d: cannot read its memory: %w", cfg.PID, err)
		}
	}
	rep, err := runLesson(cfg, stderr)
	if err != nil {
		return err
	}
	if cfg.JSON {
		return rep.WriteJSON(stdout)
	}
	rep.WriteTable(stdout)
	return nil
}

func runLesson(cfg LessonConfig, progress io.Writer) (*Report, error) {
	base, err := LocalURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(progress, "tadrib-load: "+format+"\n", a...) }

	// Set-up through the API.
	api := NewAPI(base, 4, cfg.Timeout)
	defer api.HC.CloseIdleConnections()
	tr, err := api.RegisterTrainee("lesson")
	if err != nil {
		return nil, err
	}
	logf("registered trainee %s (id %s)", tr.Email, tr.ID)
	slug := cfg.Course
	if slug == "" {
		slugs, err := api.CourseSlugs(tr.Token)
		if err != nil {
			return nil, err
		}
		if len(slugs) == 0 {
			return nil, fmt.Errorf("the catalog is empty: the server has no published course to read")
		}
		slug = slugs[0]
	}
	if err := api.Enrol(tr.Token, slug); err != nil {
		return nil, err
	}
	outline, err := api.Course(tr.Token, slug)
	if err != nil {
		return nil, err
	}
	lessonID, err := outline.FirstLesson()
	if err != nil {
		return nil, err
	}
	path := base.Path + apiPrefix + "/lessons/" + lessonID
	logf("enrolled in %q; lesson %s", slug, lessonID)

	// The same request for both targets, bar the address.
	prepare := func(addr string) func(*fasthttp.Request) {
		return func(req *fasthttp.Request) {
			req.Header.SetMethod(fasthttp.MethodGet)
			req.SetRequestURI("http://" + addr + path)
			req.Header.Set(fasthttp.HeaderAuthorization, "Bearer "+tr.Token)
		}
	}
	realHC := NewHostClient(base.Host, cfg.Conc, cfg.Timeout)
	defer realHC.CloseIdleConnections()
	want, err := capture(realHC, prepare(base.Host))
	if err != nil {
		return nil, fmt.Errorf("capture the lesson: %w", err)
	}
	logf("captured %d bytes of %s", len(want.Body), want.ContentType)

	// The bare handler, in this process.
	bare, bareAddr, err := startBare(path, want)
	if err != nil {
		return nil, err
	}
	defer bare.ShutdownWithTimeout(5 * time.Second)
	bareHC := NewHostClient(bareAddr, cfg.Conc, cfg.Timeout)
	defer bareHC.CloseIdleConnections()
	got, err := capture(bareHC, prepare(bareAddr))
	if err != nil {
		return nil, fmt.Errorf("bare handler: %w", err)
	}
	if !bytes.Equal(got.Body, want.Body) || got.ContentType != want.ContentType {
		return nil, fmt.Errorf("bare handler: answers %d bytes of %s, not the captured %d bytes of %s",
			len(got.Body), got.ContentType, len(want.Body), want.ContentType)
	}

	targets := []Target{
		{Name: "bare", HC: bareHC, Prepare: prepare(bareAddr), Body: want.Body},
		{Name: "real", HC: realHC, Prepare: prepare(base.Host), Body: want.Body},
	}
	probe := CPUProbe{ServerPID: cfg.PID}
	rep := &Report{
		Scenario: "lesson", URL: base.String(), Path: path, LessonID: lessonID, Course: slug,
		BodyBytes: len(want.Body), ContentType: want.ContentType,
		Concurrency: cfg.Conc, RoundSeconds: cfg.Duration.Seconds(), WarmupSeconds: cfg.Warmup.Seconds(), Rounds: cfg.Rounds,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), ServerPID: cfg.PID,
		RatioGoal: cfg.TargetRPSx, ServerMemGoalMB: cfg.MemGoalMB,
	}
	measureRounds(rep, targets, cfg, probe, 50000, logf)
	return rep, nil
}

// capture sends the prepared request once and keeps the answer, which must
// be a 200.
func capture(hc *fasthttp.HostClient, prepare func(*fasthttp.Request)) (Response, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	prepare(req)
	if err := hc.Do(req, resp); err != nil {
		return Response{}, err
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		return Response{}, fmt.Errorf("GET %s: status %d: %s", req.URI().Path(), resp.StatusCode(), snippet(resp.Body()))
	}
	return Response{Status: resp.StatusCode(), ContentType: string(resp.Header.ContentType()), Body: bytes.Clone(resp.Body())}, nil
}

// startBare serves want at path on a free loopback port and returns the app
// and its address.
func startBare(path string, want Response) (*fiber.App, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("bare handler: %w", err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get(path, func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, want.ContentType)
		return c.Send(want.Body)
	})
	go func() { _ = app.Listener(ln) }()
	return app, ln.Addr().String(), nil
}

// measureRounds runs the interleaved closed-loop rounds of a bare handler
// and the real one, and records them and the processes' memory in rep.
// guessRPS sizes the latency slices before a first round has measured the
// rate (about 8 bytes a request; they grow if the guess is short).
func measureRounds(rep *Report, targets []Target, cfg LessonConfig, probe CPUProbe, guessRPS int, logf func(string, ...any)) {
	if cfg.PID > 0 {
		rep.ServerComm = Comm(cfg.PID)
		if m, err := ReadMemory(cfg.PID); err == nil {
			rep.ServerBefore = &m
		}
	}
	fallback := func(d time.Duration) int { return int(float64(guessRPS)*d.Seconds())/cfg.Conc + 64 }
	last := map[string]*Round{}
	if cfg.Warmup > 0 {
		for _, t := range targets {
			logf("warming up %s for %s", t.Name, cfg.Warmup)
			r := RunClosedLoop(t, cfg.Conc, cfg.Warmup, PerWorkerHint(nil, cfg.Conc, cfg.Warmup, fallback(cfg.Warmup)), probe)
			last[t.Name] = &r
		}
	}
	var rounds []Round
	for i := 1; i <= cfg.Rounds; i++ {
		for _, t := range targets {
			logf("round %d/%d: %s for %s", i, cfg.Rounds, t.Name, cfg.Duration)
			r := RunClosedLoop(t, cfg.Conc, cfg.Duration, PerWorkerHint(last[t.Name], cfg.Conc, cfg.Duration, fallback(cfg.Duration)), probe)
			r.Round = i
			rounds = append(rounds, r)
			last[t.Name] = &r
			if s := r.Summary(); s.Errors > 0 {
				logf("  %d errors; first: %s", s.Errors, s.FirstError)
			}
		}
	}
	rep.AddRounds(rounds, []string{"bare", "real"})
	if cfg.PID > 0 {
		if m, err := ReadMemory(cfg.PID); err == nil {
			rep.ServerAfter = &m
		}
	}
	if m, err := ReadMemory(0); err == nil {
		rep.Load = &m
	}
}

// roundFlags are the flags of the closed-loop scenarios (lesson, verify).
func roundFlags(fs *flag.FlagSet, cfg *LessonConfig) {
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of a running Tadrib server (loopback only)")
	fs.IntVar(&cfg.Conc, "c", 32, "concurrency: workers, each with its own keep-alive connection")
	fs.DurationVar(&cfg.Duration, "d", 10*time.Second, "duration of one measured round per target")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "unmeasured warm-up per target before the first round (0: none)")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "measured rounds per target, interleaved bare, real, bare, real, …")
	fs.IntVar(&cfg.PID, "pid", 0, "PID of the server process, to report its peak RSS (VmHWM) and processor use")
}

// checkRoundFlags refuses out-of-range values of roundFlags and -timeout.
func checkRoundFlags(cfg LessonConfig) error {
	switch {
	case cfg.Conc < 1 || cfg.Conc > 4096:
		return fmt.Errorf("-c must be between 1 and 4096, not %d", cfg.Conc)
	case cfg.Duration <= 0 || cfg.Duration > time.Hour:
		return fmt.Errorf("-d must be positive and at most 1h, not %s", cfg.Duration)
	case cfg.Warmup < 0 || cfg.Warmup > 10*time.Minute:
		return fmt.Errorf("-warmup must be between 0 and 10m, not %s", cfg.Warmup)
	case cfg.Rounds < 1 || cfg.Rounds > 100:
		return fmt.Errorf("-rounds must be between 1 and 100, not %d", cfg.Rounds)
	case cfg.Timeout <= 0:
		return fmt.Errorf("-timeout must be positive")
	case cfg.PID < 0:
		return fmt.Errorf("-pid must be a process id")
	}
	return nil
}
