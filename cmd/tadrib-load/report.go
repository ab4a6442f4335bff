package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is the outcome of a scenario, printed as a table or as JSON.
type Report struct {
	Scenario      string  `json:"scenario"`
	URL           string  `json:"url"`
	Path          string  `json:"path"`
	Course        string  `json:"course,omitempty"`
	LessonID      string  `json:"lesson_id,omitempty"`
	BodyBytes     int     `json:"body_bytes"`
	ContentType   string  `json:"content_type"`
	Concurrency   int     `json:"concurrency"`
	RoundSeconds  float64 `json:"round_seconds"`
	WarmupSeconds float64 `json:"warmup_seconds"`
	Rounds        int     `json:"rounds"`
	NumCPU        int     `json:"num_cpu"`
	GOMAXPROCS    int     `json:"gomaxprocs"`
	ServerPID     int     `json:"server_pid,omitempty"`
	ServerComm    string  `json:"server_comm,omitempty"`

	RoundRows []Row          `json:"round_results"`
	Totals    map[string]Row `json:"totals"` // by target, over all rounds
	order     []string

	Ratio     float64 `json:"ratio_real_over_bare_rps"`
	RatioGoal float64 `json:"ratio_goal"`

	ServerBefore    *Memory `json:"-"`
	ServerAfter     *Memory `json:"-"`
	Load            *Memory `json:"-"`
	ServerMemGoalMB float64 `json:"server_peak_rss_goal_mb"`
}

// Row is one line of the report: a round, or a target's total.
type Row struct {
	Target     string   `json:"target"`
	Round      int      `json:"round,omitempty"` // 0 in totals
	Requests   int64    `json:"requests"`
	Errors     int64    `json:"errors"`
	Seconds    float64  `json:"seconds"`
	RPS        float64  `json:"rps"`
	P50ms      float64  `json:"p50_ms"`
	P95ms      float64  `json:"p95_ms"`
	P99ms      float64  `json:"p99_ms"`
	Maxms      float64  `json:"max_ms"`
	Meanms     float64  `json:"mean_ms"`
	FirstError string   `json:"first_error,omitempty"`
	CPU        *CPUUse  `json:"cpu,omitempty"`
	summary    *Summary `json:"-"`
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func rowOf(target string, round int, s Summary, cpu *CPUUse) Row {
	return Row{Target: target, Round: round, Requests: s.Requests, Errors: s.Errors, Seconds: s.Elapsed.Seconds(),
		RPS: s.RPS(), P50ms: msOf(s.P50), P95ms: msOf(s.P95), P99ms: msOf(s.P99), Maxms: msOf(s.Max), Meanms: msOf(s.Mean),
		FirstError: s.FirstError, CPU: cpu, summary: &s}
}

// AddRounds fills the per-round rows, the totals per target (in order) and
// the ratio of the second target's requests/s to the first's.
func (r *Report) AddRounds(rounds []Round, order []string) {
	r.order = order
	r.Totals = map[string]Row{}
	byTarget := map[string][]Round{}
	for _, rd := range rounds {
		cpu := rd.CPU
		r.RoundRows = append(r.RoundRows, rowOf(rd.Target, rd.Round, rd.Summary(), &cpu))
		byTarget[rd.Target] = append(byTarget[rd.Target], rd)
	}
	for _, name := range order {
		rs := byTarget[name]
		parts := make([][]time.Duration, len(rs))
		var errs int64
		var elapsed time.Duration
		var first string
		var load, server, other, secs float64
		for i, rd := range rs {
			parts[i] = rd.Sorted
			errs += rd.Errors
			elapsed += rd.Elapsed
			if first == "" {
				first = rd.FirstErr
			}
			// Processor use weighted by the rounds' lengths.
			load += rd.CPU.Load * rd.Elapsed.Seconds()
			server += rd.CPU.Server * rd.Elapsed.Seconds()
			other += rd.CPU.Other * rd.Elapsed.Seconds()
			secs += rd.Elapsed.Seconds()
		}
		var cpu *CPUUse
		if secs > 0 {
			cpu = &CPUUse{Load: load / secs, Server: server / secs, Other: other / secs}
			if cpu.Server < 0 {
				cpu.Server = -1
			}
			if cpu.Other < 0 {
				cpu.Other = -1
			}
		}
		r.Totals[name] = rowOf(name, 0, Summarize(MergeSorted(parts...), errs, elapsed, first), cpu)
	}
	if len(order) == 2 {
		if a, b := r.Totals[order[0]].RPS, r.Totals[order[1]].RPS; a > 0 {
			r.Ratio = b / a
		}
	}
}

func mb(b int64) float64 { return math.Round(float64(b)/(1<<20)*10) / 10 }

// jsonReport adds the memory figures in MB to the JSON.
type jsonReport struct {
	*Report
	ServerPeakRSSMB   *float64 `json:"server_peak_rss_mb,omitempty"`
	ServerRSSBeforeMB *float64 `json:"server_rss_before_mb,omitempty"`
	ServerRSSAfterMB  *float64 `json:"server_rss_after_mb,omitempty"`
	LoadPeakRSSMB     *float64 `json:"load_peak_rss_mb,omitempty"`
}

func ptr(f float64) *float64 { return &f }

// WriteJSON prints the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	j := jsonReport{Report: r}
	if r.ServerAfter != nil {
		j.ServerPeakRSSMB, j.ServerRSSAfterMB = ptr(mb(r.ServerAfter.Peak)), ptr(mb(r.ServerAfter.Current))
	}
	if r.ServerBefore != nil {
		j.ServerRSSBeforeMB = ptr(mb(r.ServerBefore.Current))
	}
	if r.Load != nil {
		j.LoadPeakRSSMB = ptr(mb(r.Load.Peak))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

func cores(f float64) string {
	if f < 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", f)
}

// WriteTable prints the report as plain text.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "tadrib-load %s: GET %s (%d bytes, %s)\n", r.Scenario, r.Path, r.BodyBytes, r.ContentType)
	server := r.URL
	if r.ServerPID > 0 {
		server += fmt.Sprintf(" (pid %d", r.ServerPID)
		if r.ServerComm != "" {
			server += ", " + r.ServerComm
		}
		server += ")"
	}
	fmt.Fprintf(w, "server %s; course %q, lesson %s\n", server, r.Course, r.LessonID)
	fmt.Fprintf(w, "closed loop: %d workers, keep-alive; %d round(s) of %gs per target, interleaved, after %gs warm-up each\n",
		r.Concurrency, r.Rounds, r.RoundSeconds, r.WarmupSeconds)
	fmt.Fprintf(w, "machine: %d CPU(s), GOMAXPROCS %d here; the load generator (and the bare handler, in this process)\n"+
		"share the CPUs with the server, so these are figures of this machine, not of the server alone\n\n", r.NumCPU, r.GOMAXPROCS)

	fmt.Fprintln(w, "Latencies are of successful (200, same body) requests; cpu = cores busy during the round\n(load: this process; server: -pid; other: the rest of the machine, which should be near 0).")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "round\ttarget\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\tcpu load\tcpu server\tcpu other\t")
	for _, row := range r.RoundRows {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t\n", row.Round, row.Target, row.Requests, row.Errors,
			row.RPS, row.P50ms, row.P95ms, row.P99ms, row.Maxms, cores(row.CPU.Load), cores(row.CPU.Server), cores(row.CPU.Other))
	}
	for _, name := range r.order {
		row := r.Totals[name]
		l, s, o := "-", "-", "-"
		if row.CPU != nil {
			l, s, o = cores(row.CPU.Load), cores(row.CPU.Server), cores(row.CPU.Other)
		}
		fmt.Fprintf(tw, "all\t%s\t%d\t%d\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t\n", name, row.Requests, row.Errors,
			row.RPS, row.P50ms, row.P95ms, row.P99ms, row.Maxms, l, s, o)
	}
	tw.Flush()
	fmt.Fprintln(w)

	if len(r.order) == 2 {
		goal := ""
		if r.RatioGoal > 0 {
			verdict := "below"
			if r.Ratio >= r.RatioGoal {
				verdict = "meets"
			}
			goal = fmt.Sprintf("; %s the %.0f%% goal", verdict, r.RatioGoal*100)
		}
		fmt.Fprintf(w, "ratio %s/%s req/s: %.3f (%.1f%%%s)\n", r.order[1], r.order[0], r.Ratio, r.Ratio*100, goal)
	}
	for _, name := range r.order {
		if row := r.Totals[name]; row.Errors > 0 {
			fmt.Fprintf(w, "WARNING: %d error(s) against %s: its figures do not describe a healthy run\n", row.Errors, name)
			fmt.Fprintf(w, "first error (%s): %s\n", name, strings.TrimSpace(row.FirstError))
		}
	}
	switch {
	case r.ServerAfter != nil:
		verdict := "under"
		if mb(r.ServerAfter.Peak) >= r.ServerMemGoalMB {
			verdict = "over"
		}
		before := ""
		if r.ServerBefore != nil {
			before = fmt.Sprintf(", %.1f MB before the load", mb(r.ServerBefore.Current))
		}
		fmt.Fprintf(w, "server peak RSS (VmHWM): %.1f MB (%s the %.0f MB goal; RSS now %.1f MB%s)\n",
			mb(r.ServerAfter.Peak), verdict, r.ServerMemGoalMB, mb(r.ServerAfter.Current), before)
	case r.ServerPID > 0:
		fmt.Fprintf(w, "server peak RSS: unknown (process %d could not be read after the run: did it end?)\n", r.ServerPID)
	default:
		fmt.Fprintln(w, "server peak RSS: not measured (give -pid)")
	}
	if r.Load != nil {
		fmt.Fprintf(w, "load process peak RSS (VmHWM): %.1f MB (includes the bare handler and every latency kept)\n", mb(r.Load.Peak))
	}
}
