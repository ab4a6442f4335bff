package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/valyala/fasthttp"
)

const verifySynopsis = `Measure the public certificate verification, GET /verify/{code} with
Accept: application/json, on a running Tadrib server, side by side with a bare
Fiber handler (started inside this process) that returns the same bytes.

Set-up: with -code, that certificate; otherwise sign in as an admin
(-admin-email, -admin-password, or TADRIB_ADMIN_EMAIL / TADRIB_ADMIN_PASSWORD)
and certify one named person for the first course of the catalog
(POST /api/v1/certificates/issue). The answer is captured once.

Verification is rate limited per address (TADRIB_RATE_VERIFY a minute, 120 by
default): start the server with a limit above the rate you expect (e.g.
TADRIB_RATE_VERIFY=100000000), or every request past it counts as an error.
Then the same closed loop as the lesson scenario: -c workers over keep-alive
connections, a -warmup per target, -rounds interleaved rounds of -d; every
answer must be 200 with the captured body.`

func verifyCmd(args []string, stdout, stderr io.Writer) error {
	var cfg LessonConfig
	var code, email, password string
	fs := newFlags("verify", verifySynopsis, stderr)
	roundFlags(fs, &cfg)
	fs.DurationVar(&cfg.Timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&code, "code", "", "the certificate code to verify (default: issue one as -admin-email)")
	fs.StringVar(&email, "admin-email", os.Getenv("TADRIB_ADMIN_EMAIL"), "an admin's email, to issue a certificate when -code is not given")
	fs.StringVar(&password, "admin-password", os.Getenv("TADRIB_ADMIN_PASSWORD"), "that admin's password")
	cfg.TargetRPSx, cfg.MemGoalMB = 0.30, 100
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkRoundFlags(cfg); err != nil {
		return err
	}
	switch {
	case code == "" && (email == "" || password == ""):
		return fmt.Errorf("give -code, or -admin-email and -admin-password to issue a certificate")
	}
	rep, err := runVerify(cfg, code, email, password, stderr)
	if err != nil {
		return err
	}
	if cfg.JSON {
		return rep.WriteJSON(stdout)
	}
	rep.WriteTable(stdout)
	return nil
}

// issueOne signs in as an admin and certifies a named person for the first
// course of the catalog; it returns the code.
func issueOne(api *API, email, password string) (string, error) {
	var login struct {
		Token string `json:"token"`
	}
	if _, err := api.JSON(http.MethodPost, apiPrefix+"/auth/login", "", map[string]string{"email": email, "password": password}, http.StatusOK, &login); err != nil {
		return "", fmt.Errorf("admin login: %w", err)
	}
	slugs, err := api.CourseSlugs(login.Token)
	if err != nil {
		return "", err
	}
	if len(slugs) == 0 {
		return "", fmt.Errorf("the catalog is empty: no course to certify")
	}
	var out struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	in := map[string]any{"course_slug": slugs[0], "holders": []map[string]string{
		{"name": "Fatima-Zahra Benali", "name_ar": "فاطمة الزهراء بنعلي", "profession": "child_protection"}}}
	if _, err := api.JSON(http.MethodPost, apiPrefix+"/certificates/issue", login.Token, in, http.StatusCreated, &out); err != nil {
		return "", fmt.Errorf("issue a certificate: %w", err)
	}
	if len(out.Items) != 1 {
		return "", fmt.Errorf("issue a certificate: %d items in the answer", len(out.Items))
	}
	return out.Items[0].Code, nil
}

func runVerify(cfg LessonConfig, code, email, password string, progress io.Writer) (*Report, error) {
	base, err := LocalURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(progress, "tadrib-load: "+format+"\n", a...) }
	if code == "" {
		api := NewAPI(base, 4, cfg.Timeout)
		code, err = issueOne(api, email, password)
		api.HC.CloseIdleConnections()
		if err != nil {
			return nil, err
		}
		logf("issued certificate %s", code)
	}
	path := base.Path + "/verify/" + code
	prepare := func(addr string) func(*fasthttp.Request) {
		return func(req *fasthttp.Request) {
			req.Header.SetMethod(fasthttp.MethodGet)
			req.SetRequestURI("http://" + addr + path)
			req.Header.Set(fasthttp.HeaderAccept, "application/json")
		}
	}
	realHC := NewHostClient(base.Host, cfg.Conc, cfg.Timeout)
	defer realHC.CloseIdleConnections()
	want, err := capture(realHC, prepare(base.Host))
	if err != nil {
		return nil, fmt.Errorf("capture the verification: %w", err)
	}
	logf("captured %d bytes of %s", len(want.Body), want.ContentType)
	bare, bareAddr, err := startBare(path, want)
	if err != nil {
		return nil, err
	}
	defer bare.ShutdownWithTimeout(5 * time.Second)
	bareHC := NewHostClient(bareAddr, cfg.Conc, cfg.Timeout)
	defer bareHC.CloseIdleConnections()
	if got, err := capture(bareHC, prepare(bareAddr)); err != nil || !bytes.Equal(got.Body, want.Body) {
		return nil, fmt.Errorf("bare handler: %v", err)
	}

	targets := []Target{
		{Name: "bare", HC: bareHC, Prepare: prepare(bareAddr), Body: want.Body},
		{Name: "real", HC: realHC, Prepare: prepare(base.Host), Body: want.Body},
	}
	probe := CPUProbe{ServerPID: cfg.PID}
	rep := &Report{
		Scenario: "verify", URL: base.String(), Path: path,
		BodyBytes: len(want.Body), ContentType: want.ContentType,
		Concurrency: cfg.Conc, RoundSeconds: cfg.Duration.Seconds(), WarmupSeconds: cfg.Warmup.Seconds(), Rounds: cfg.Rounds,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), ServerPID: cfg.PID,
		ServerMemGoalMB: cfg.MemGoalMB, // the aim here is a p99, not a ratio to the bare handler
	}
	measureRounds(rep, targets, cfg, probe, 20000, logf)
	return rep, nil
}
