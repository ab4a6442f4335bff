package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// QuizReport is the outcome of the quiz scenario.
type QuizReport struct {
	Scenario        string         `json:"scenario"`
	URL             string         `json:"url"`
	Course          string         `json:"course"`
	QuizID          string         `json:"quiz_id"`
	Trainees        int            `json:"trainees"`
	Questions       int            `json:"questions"`
	Types           map[string]int `json:"question_types"`
	RatePerTrainee  float64        `json:"rate_per_trainee"`
	AutosaveSeconds float64        `json:"autosave_seconds"`
	SpikeSeconds    float64        `json:"spike_seconds"`
	TimeLimitS      int            `json:"time_limit_s"`
	EmptyAnswers    bool           `json:"empty_answers"`
	NumCPU          int            `json:"num_cpu"`
	GOMAXPROCS      int            `json:"gomaxprocs"`
	ServerPID       int            `json:"server_pid,omitempty"`
	ServerComm      string         `json:"server_comm,omitempty"`
	Retry           RetryJSON      `json:"retry_policy"`

	RegisterSeconds   float64 `json:"register_seconds"`
	Started           int     `json:"started_201"`
	Resumed           int     `json:"resumed_200"`
	Unstarted         int     `json:"unstarted"`
	FirstStartErr     string  `json:"first_start_error,omitempty"`
	StartDrainSeconds float64 `json:"start_drain_seconds"`

	Autosave AutosaveJSON `json:"autosave"`
	Phases   []PhaseRow   `json:"phases"`

	SubmitWanted   int    `json:"submit_wanted"`
	SubmitOK       int    `json:"submit_ok"`
	SubmitExpired  int    `json:"submit_expired"`
	FirstSubmitErr string `json:"first_submit_error,omitempty"`

	Check   Check  `json:"check"`
	Pass    bool   `json:"pass"`
	Verdict string `json:"verdict"`

	ServerBefore *Memory `json:"-"`
	ServerAfter  *Memory `json:"-"`
	Load         *Memory `json:"-"`
}

// RetryJSON is the retry policy, for the report.
type RetryJSON struct {
	Attempts      int     `json:"attempts"`
	WindowSeconds float64 `json:"window_seconds"`
}

// AutosaveJSON sums up the autosave phase.
type AutosaveJSON struct {
	OfferedPerSecond  float64 `json:"offered_per_second"`  // trainees started × rate
	AchievedPerSecond float64 `json:"achieved_per_second"` // 204s over the phase's duration
	Slots             int64   `json:"slots"`               // save slots the schedule offered
	Sent              int64   `json:"sent"`                // saves sent (a save with its retries is one)
	MissedSlots       int64   `json:"missed_slots"`        // skipped: the previous save was still running
	Stopped           int     `json:"trainees_stopped"`    // by a 409, 401 or 403
	FirstStop         string  `json:"first_stop,omitempty"`
}

// PhaseRow is one phase of the report.
type PhaseRow struct {
	Row
	Sent     int64            `json:"sent"`     // exchanges, retries included
	ByStatus map[string]int64 `json:"by_cause"` // unwanted answers by status ("net": transport error)
	Retries  map[string]int64 `json:"retries"`  // re-sends by the cause that triggered them
	GaveUp   int64            `json:"gave_up"`  // requests still failing when the retries ran out
	Refused  int64            `json:"refused"`  // requests ended by a status that is not retried
}

// addPhase runs fn (which returns the phase's wall time) and adds its row.
func (r *QuizReport) addPhase(ph *Phase, probe CPUProbe, fn func() time.Duration) {
	cpu0 := probe.Read()
	elapsed := fn()
	cpu := probe.Read().Since(cpu0, elapsed)
	if elapsed < 500*time.Millisecond {
		// /proc counts in 10 ms ticks: too coarse for a short phase.
		cpu = CPUUse{Load: -1, Server: -1, Other: -1}
	}
	ph.mu.Lock()
	defer ph.mu.Unlock()
	lat := MergeSorted(ph.lat)
	var errs int64
	for _, n := range ph.byCause {
		errs += n
	}
	r.Phases = append(r.Phases, PhaseRow{
		Row:  rowOf(ph.Name, 0, Summarize(lat, errs, elapsed, ph.firstErr), &cpu),
		Sent: ph.sent, ByStatus: maps.Clone(ph.byCause), Retries: maps.Clone(ph.retries), GaveUp: ph.gaveUp, Refused: ph.refused,
	})
}

// decide sets the verdict.
func (r *QuizReport) decide() {
	c := r.Check
	var problems []string
	if c.Missing > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged answer(s) missing", c.Missing))
	}
	if c.Different > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged answer(s) different", c.Different))
	}
	if c.Unverified > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged answer(s) unverified (attempt unreadable)", c.Unverified))
	}
	if c.Unexpected > 0 {
		problems = append(problems, fmt.Sprintf("%d answer(s) saved that were never sent", c.Unexpected))
	}
	if r.SubmitOK < r.SubmitWanted {
		problems = append(problems, fmt.Sprintf("%d trainee(s) of %d could not submit", r.SubmitWanted-r.SubmitOK, r.SubmitWanted))
	}
	if r.Unstarted > 0 {
		problems = append(problems, fmt.Sprintf("%d trainee(s) could not start", r.Unstarted))
	}
	r.Pass = len(problems) == 0
	if r.Pass {
		r.Verdict = fmt.Sprintf("PASS: every 204-acknowledged answer is saved as acknowledged (%d/%d", c.Found+c.Superseded, c.Acknowledged)
		if c.Superseded > 0 {
			r.Verdict += fmt.Sprintf(", %d of them as a later save whose answer was lost", c.Superseded)
		}
		r.Verdict += fmt.Sprintf("); %d/%d trainees submitted", r.SubmitOK, r.SubmitWanted)
	} else {
		r.Verdict = "FAIL: " + strings.Join(problems, "; ")
	}
}

// WriteJSON prints the report as indented JSON.
func (r *QuizReport) WriteJSON(w io.Writer) error {
	j := struct {
		*QuizReport
		ServerPeakRSSMB *float64 `json:"server_peak_rss_mb,omitempty"`
		LoadPeakRSSMB   *float64 `json:"load_peak_rss_mb,omitempty"`
	}{QuizReport: r}
	if r.ServerAfter != nil {
		j.ServerPeakRSSMB = ptr(mb(r.ServerAfter.Peak))
	}
	if r.Load != nil {
		j.LoadPeakRSSMB = ptr(mb(r.Load.Peak))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

// causes writes counts by cause, most frequent first: "503×12 net×3".
func causes(m map[string]int64) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return int(m[b] - m[a])
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, k := range keys {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// WriteTable prints the report as plain text.
func (r *QuizReport) WriteTable(w io.Writer) {
	types := slices.Sorted(maps.Keys(r.Types))
	var tl []string
	for _, t := range types {
		tl = append(tl, fmt.Sprintf("%s %d", t, r.Types[t]))
	}
	fmt.Fprintf(w, "tadrib-load quiz: %d trainees, quiz %s of %d questions (%s), course %q\n",
		r.Trainees, r.QuizID, r.Questions, strings.Join(tl, ", "), r.Course)
	server := r.URL
	if r.ServerPID > 0 {
		server += fmt.Sprintf(" (pid %d %s)", r.ServerPID, r.ServerComm)
	}
	limit := "none"
	if r.TimeLimitS > 0 {
		limit = fmt.Sprintf("%ds", r.TimeLimitS)
	}
	fmt.Fprintf(w, "server %s; time limit %s; machine: %d CPU(s), GOMAXPROCS %d, shared by this tool and the server\n",
		server, limit, r.NumCPU, r.GOMAXPROCS)
	if r.EmptyAnswers {
		fmt.Fprintf(w, "-empty: every %dth save to a multiple or matching question is the empty answer\n", EmptyEvery)
	}
	fmt.Fprintf(w, "retries: transport errors, 503 and 429 (502 and 504 from a proxy), at most %d sends within %gs per request\n\n", r.Retry.Attempts, r.Retry.WindowSeconds)

	fmt.Fprintf(w, "set-up: %d trainees registered and enrolled in %.1fs\n", r.Trainees, r.RegisterSeconds)
	drained := fmt.Sprintf("drained in %.3fs", r.StartDrainSeconds)
	if r.Started+r.Resumed == 0 {
		drained = "none succeeded"
	}
	fmt.Fprintf(w, "start: %d attempts started (201) and %d resumed (200) within a %gs spike; %s; %d could not start\n",
		r.Started, r.Resumed, r.SpikeSeconds, drained, r.Unstarted)
	a := r.Autosave
	fmt.Fprintf(w, "autosave: offered %.1f saves/s (%d trainees × %g/s for %gs), achieved %.1f acknowledged/s; %d sent, %d slot(s) missed (previous save still running); %d trainee(s) stopped\n\n",
		a.OfferedPerSecond, r.Started+r.Resumed, r.RatePerTrainee, r.AutosaveSeconds, a.AchievedPerSecond, a.Sent, a.MissedSlots, a.Stopped)

	fmt.Fprintln(w, "Latencies are of the exchanges that got the wanted status; errors count every other answer, retried or not.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tsent\tok\terrors\tok/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tseconds\tcpu load\tcpu server\tcpu other\t")
	for _, p := range r.Phases {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t\n", p.Target, p.Sent, p.Requests, p.Errors,
			p.RPS, p.P50ms, p.P95ms, p.P99ms, p.Maxms, p.Seconds, cores(p.CPU.Load), cores(p.CPU.Server), cores(p.CPU.Other))
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, p := range r.Phases {
		if p.Errors == 0 && p.GaveUp == 0 && p.Refused == 0 && len(p.Retries) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s: errors by status %s; retries by cause %s; given up %d; refused %d\n",
			p.Target, causes(p.ByStatus), causes(p.Retries), p.GaveUp, p.Refused)
		if p.FirstError != "" {
			fmt.Fprintf(w, "  first error: %s\n", p.FirstError)
		}
	}
	if r.FirstStartErr != "" {
		fmt.Fprintf(w, "first trainee that could not start: %s\n", r.FirstStartErr)
	}
	if a.FirstStop != "" {
		fmt.Fprintf(w, "first trainee stopped: %s\n", a.FirstStop)
	}
	if r.FirstSubmitErr != "" {
		fmt.Fprintf(w, "first failed submit: %s\n", r.FirstSubmitErr)
	}

	c := r.Check
	fmt.Fprintln(w, "\ncheck: saved answers (GET /attempts/{id} after the submit) against the last body acknowledged with 204")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  acknowledged (distinct attempt×question with a 204)\t%d\n", c.Acknowledged)
	fmt.Fprintf(tw, "  found in the server, as acknowledged\t%d\n", c.Found)
	fmt.Fprintf(tw, "  found as a later save whose answer was lost (allowed)\t%d\n", c.Superseded)
	fmt.Fprintf(tw, "  missing\t%d\n", c.Missing)
	fmt.Fprintf(tw, "  different\t%d\n", c.Different)
	fmt.Fprintf(tw, "  unverified (attempt could not be read)\t%d\n", c.Unverified)
	fmt.Fprintf(tw, "  saved without any 204, from a save in doubt (allowed)\t%d\n", c.ExtraSaved)
	fmt.Fprintf(tw, "  saved but never sent\t%d\n", c.Unexpected)
	fmt.Fprintf(tw, "  submits ok\t%d/%d (%d expired)\n", r.SubmitOK, r.SubmitWanted, r.SubmitExpired)
	tw.Flush()
	for _, e := range c.Examples {
		fmt.Fprintf(w, "  e.g. %s\n", e)
	}
	if r.ServerAfter != nil {
		fmt.Fprintf(w, "server peak RSS (VmHWM): %.1f MB\n", mb(r.ServerAfter.Peak))
	}
	if r.Load != nil {
		fmt.Fprintf(w, "load process peak RSS (VmHWM): %.1f MB\n", mb(r.Load.Peak))
	}
	fmt.Fprintf(w, "\nVERDICT: %s\n", r.Verdict)
}
