package main

// The API steps of the quiz scenario's set-up (openapi.json: login,
// createCourse, addModule, addLesson, createQuiz, importGIFT, updateCourse),
// and the measured requests: one exchange at a time, timed, with the retry policy of
// the load (transport errors, 503 and 429 are sent again after a backoff).

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Login signs in with a password and returns the Bearer token.
func (a *API) Login(email, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
		User  struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	in := map[string]string{"email": email, "password": password}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/auth/login", "", in, http.StatusOK, &out); err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	if out.Token == "" {
		return "", fmt.Errorf("sign in as %s: the answer has no token", email)
	}
	if out.User.Role != "admin" && out.User.Role != "trainer" {
		return "", fmt.Errorf("sign in as %s: role %q cannot author a course (want admin or trainer)", email, out.User.Role)
	}
	return out.Token, nil
}

// QuizSetup is what the set-up created.
type QuizSetup struct {
	Course   string
	ModuleID string
	LessonID string
	QuizID   string
	Imported int
}

// CreateQuizCourse creates, as staff (token), a course with a unique slug,
// one module, one lesson and a quiz holding the GIFT bank, and publishes it.
func (a *API) CreateQuizCourse(token, gift string, passMark, timeLimitS int) (QuizSetup, error) {
	var s QuizSetup
	s.Course = "load-quiz-" + strings.ToLower(rand.Text()[:10])
	course := map[string]any{
		"slug": s.Course, "title": "Charge : quiz " + s.Course, "summary": "Cours créé par tadrib-load quiz.",
		"hours": 1, "audiences": []string{"police", "judiciary"}, "locale": "fr",
	}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/courses", token, course, http.StatusCreated, nil); err != nil {
		return s, fmt.Errorf("create the course: %w", err)
	}
	var mod struct {
		ID string `json:"id"`
	}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/courses/"+url.PathEscape(s.Course)+"/modules", token,
		map[string]any{"slug": "module-1", "title": "Module 1"}, http.StatusCreated, &mod); err != nil {
		return s, fmt.Errorf("create the module: %w", err)
	}
	s.ModuleID = mod.ID
	var les struct {
		ID string `json:"id"`
	}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/modules/"+mod.ID+"/lessons", token,
		map[string]any{"title": "Leçon 1", "body_md": "# Leçon\n\nUne leçon avant le quiz.", "minutes": 5}, http.StatusCreated, &les); err != nil {
		return s, fmt.Errorf("create the lesson: %w", err)
	}
	s.LessonID = les.ID
	var qz struct {
		ID         string `json:"id"`
		TimeLimitS int    `json:"time_limit_s"`
	}
	if _, err := a.JSON(http.MethodPost, apiPrefix+"/modules/"+mod.ID+"/quiz", token,
		map[string]any{"title": "Quiz de charge", "pass_mark": passMark, "time_limit_s": timeLimitS}, http.StatusCreated, &qz); err != nil {
		return s, fmt.Errorf("create the quiz: %w", err)
	}
	if qz.TimeLimitS != timeLimitS {
		return s, fmt.Errorf("create the quiz: time_limit_s %d, asked for %d", qz.TimeLimitS, timeLimitS)
	}
	s.QuizID = qz.ID
	r, err := a.doRaw(http.MethodPost, apiPrefix+"/quizzes/"+qz.ID+"/import", token, "text/plain; charset=utf-8", []byte(gift))
	if err != nil {
		return s, fmt.Errorf("import the GIFT bank: %w", err)
	}
	var imp struct {
		Imported int             `json:"imported"`
		Errors   json.RawMessage `json:"errors"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &imp) != nil {
		return s, fmt.Errorf("import the GIFT bank: status %d: %s", r.Status, snippet(r.Body))
	}
	s.Imported = imp.Imported
	if _, err := a.JSON(http.MethodPatch, apiPrefix+"/courses/"+url.PathEscape(s.Course), token,
		map[string]any{"published": true}, http.StatusOK, nil); err != nil {
		return s, fmt.Errorf("publish the course: %w", err)
	}
	return s, nil
}

// doRaw sends a body as it is, with its content type.
func (a *API) doRaw(method, path, token, contentType string, body []byte) (Response, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(a.URI(path))
	req.Header.Set(fasthttp.HeaderAccept, "application/json")
	if token != "" {
		req.Header.Set(fasthttp.HeaderAuthorization, "Bearer "+token)
	}
	req.Header.SetContentType(contentType)
	req.SetBodyRaw(body)
	if err := a.HC.DoTimeout(req, resp, a.Timeout); err != nil {
		return Response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return Response{Status: resp.StatusCode(), ContentType: string(resp.Header.ContentType()), Body: bytes.Clone(resp.Body())}, nil
}

// Exchange is one measured request and its answer.
type Exchange struct {
	Status     int // 0 for a transport error
	Body       []byte
	Err        error
	Latency    time.Duration
	RetryAfter time.Duration // from a Retry-After header in seconds, 0 when none
}

// Cause names the outcome for the counts: the status, or "net" for a
// transport error (refused, reset, timeout).
func (e Exchange) Cause() string {
	if e.Err != nil {
		return "net"
	}
	return strconv.Itoa(e.Status)
}

// Retryable is the retry policy: a transport error, 503 and 429, and a
// proxy's 502 and 504 (Tadrib itself never answers them: behind HAProxy they
// mean a node went away during the request, a transport error one hop on).
func (e Exchange) Retryable() bool {
	switch e.Status {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return e.Err != nil
}

// send performs one exchange on hc (no retry).
func (a *API) send(hc *fasthttp.HostClient, method, path, token string, body []byte) Exchange {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(a.URI(path))
	req.Header.Set(fasthttp.HeaderAccept, "application/json")
	req.Header.Set(fasthttp.HeaderAuthorization, "Bearer "+token)
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBodyRaw(body)
	}
	start := time.Now()
	err := hc.DoTimeout(req, resp, a.Timeout)
	ex := Exchange{Latency: time.Since(start), Err: err}
	if err != nil {
		return ex
	}
	ex.Status = resp.StatusCode()
	ex.Body = bytes.Clone(resp.Body())
	if s, err := strconv.Atoi(string(resp.Header.Peek(fasthttp.HeaderRetryAfter))); err == nil && s > 0 {
		ex.RetryAfter = time.Duration(min(s, 60)) * time.Second
	}
	return ex
}

// RetryPolicy bounds the retries of one request: at most Attempts sends,
// none started later than Window after the first; the waits double from
// Base up to Cap (with jitter), and are at least a Retry-After the server
// gave (when that still fits in the window).
type RetryPolicy struct {
	Attempts int
	Window   time.Duration
	Base     time.Duration
	Cap      time.Duration
}

// backoff is the wait before the retry that follows the n-th send (n ≥ 1).
func (p RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	d := p.Base << min(n-1, 20)
	if d > p.Cap || d <= 0 {
		d = p.Cap
	}
	d = d/2 + time.Duration(mrand.Int64N(int64(d/2)+1)) // jitter: [d/2, d]
	return max(d, retryAfter)
}

// Outcome is how a request with retries ended.
type Outcome int

const (
	Done    Outcome = iota // an answer with one of the statuses wanted
	Refused                // another status that is not retried (4xx, 500, …)
	GaveUp                 // still a transport error, 503 or 429 when the retries ran out
)

// Phase collects the exchanges of one phase of the scenario: latencies of
// the successful ones, the others by cause, the retries by the cause that
// triggered them, and the requests given up.
type Phase struct {
	Name string

	mu       sync.Mutex
	lat      []time.Duration
	sent     int64
	byCause  map[string]int64
	retries  map[string]int64
	gaveUp   int64
	refused  int64
	firstErr string
}

// NewPhase makes an empty phase.
func NewPhase(name string) *Phase {
	return &Phase{Name: name, byCause: map[string]int64{}, retries: map[string]int64{}}
}

func (p *Phase) record(ex Exchange, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent++
	if ok {
		p.lat = append(p.lat, ex.Latency)
		return
	}
	p.byCause[ex.Cause()]++
	if p.firstErr == "" {
		if ex.Err != nil {
			p.firstErr = "transport: " + ex.Err.Error()
		} else {
			p.firstErr = fmt.Sprintf("status %d: %s", ex.Status, snippet(ex.Body))
		}
	}
}

func (p *Phase) count(m map[string]int64, key string) {
	p.mu.Lock()
	m[key]++
	p.mu.Unlock()
}

// Call sends a request until it gets one of the wanted statuses, a status
// that is not retried, or the policy runs out. Every send is recorded in ph.
// It returns the last exchange.
func (a *API) Call(ph *Phase, hc *fasthttp.HostClient, pol RetryPolicy, method, path, token string, body []byte, want ...int) (Exchange, Outcome) {
	first := time.Now()
	for n := 1; ; n++ {
		ex := a.send(hc, method, path, token, body)
		ok := ex.Err == nil && containsInt(want, ex.Status)
		ph.record(ex, ok)
		switch {
		case ok:
			return ex, Done
		case !ex.Retryable():
			ph.mu.Lock()
			ph.refused++
			ph.mu.Unlock()
			return ex, Refused
		}
		wait := pol.backoff(n, ex.RetryAfter)
		if n >= pol.Attempts || time.Since(first)+wait > pol.Window {
			ph.mu.Lock()
			ph.gaveUp++
			ph.mu.Unlock()
			return ex, GaveUp
		}
		ph.count(ph.retries, ex.Cause())
		time.Sleep(wait)
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// errPolicy is the error of a request that did not end with a wanted status.
func errPolicy(method, path string, ex Exchange, o Outcome) error {
	what := "refused"
	if o == GaveUp {
		what = "gave up after retries"
	}
	if ex.Err != nil {
		return fmt.Errorf("%s %s: %s: %w", method, path, what, ex.Err)
	}
	return fmt.Errorf("%s %s: %s: status %d: %s", method, path, what, ex.Status, snippet(ex.Body))
}
