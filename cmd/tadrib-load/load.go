package main

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Target is one endpoint under closed-loop load.
type Target struct {
	Name    string
	HC      *fasthttp.HostClient
	Prepare func(req *fasthttp.Request) // sets method, URI and headers once per worker
	Status  int                         // the expected status (200 when 0)
	Body    []byte                      // the expected body; nil accepts any
}

// Round is the outcome of one closed-loop run against a target.
type Round struct {
	Target   string
	Round    int             // 1-based; 0 for a warm-up
	Sorted   []time.Duration // latencies of the successful requests, ascending
	Errors   int64
	Elapsed  time.Duration
	FirstErr string
	CPU      CPUUse // processor time used during the round
}

// Summary computes the round's figures.
func (r Round) Summary() Summary { return Summarize(r.Sorted, r.Errors, r.Elapsed, r.FirstErr) }

type workerResult struct {
	lat      []time.Duration
	errors   int64
	firstErr string
	firstAt  time.Time
}

// RunClosedLoop runs conc workers against t for d: each sends a request,
// waits for the answer and sends the next at once, over its own keep-alive
// connection. Every latency of a successful request is kept in a per-worker
// slice preallocated for perWorkerHint entries. A worker starts no request
// after the deadline, so the round ends at most one request time after d.
// probe measures the processor time of this process and the server's.
func RunClosedLoop(t Target, conc int, d time.Duration, perWorkerHint int, probe CPUProbe) Round {
	want := t.Status
	if want == 0 {
		want = fasthttp.StatusOK
	}
	results := make([]workerResult, conc)
	var ready, wg sync.WaitGroup
	startGate := make(chan struct{})
	ready.Add(conc)
	wg.Add(conc)
	var deadline time.Time
	for w := range conc {
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			t.Prepare(req)
			res := workerResult{lat: make([]time.Duration, 0, perWorkerHint)}
			fail := func(now time.Time, msg string) {
				res.errors++
				if res.firstErr == "" {
					res.firstErr, res.firstAt = msg, now
				}
			}
			ready.Done()
			<-startGate
			for {
				start := time.Now()
				if !start.Before(deadline) {
					break
				}
				err := t.HC.Do(req, resp)
				lat := time.Since(start)
				switch {
				case err != nil:
					fail(start, "transport: "+err.Error())
				case resp.StatusCode() != want:
					fail(start, fmt.Sprintf("status %d: %s", resp.StatusCode(), snippet(resp.Body())))
				case t.Body != nil && !bytes.Equal(resp.Body(), t.Body):
					fail(start, fmt.Sprintf("body differs from the captured one (%d bytes, want %d): %s",
						len(resp.Body()), len(t.Body), snippet(resp.Body())))
				default:
					res.lat = append(res.lat, lat)
				}
			}
			results[w] = res
		}()
	}
	ready.Wait()
	cpu0 := probe.Read()
	start := time.Now()
	deadline = start.Add(d)
	close(startGate) // publishes deadline to the workers
	wg.Wait()
	elapsed := time.Since(start)
	r := Round{Target: t.Name, Elapsed: elapsed, CPU: probe.Read().Since(cpu0, elapsed)}
	parts := make([][]time.Duration, conc)
	var firstAt time.Time
	for i, res := range results {
		parts[i] = res.lat
		r.Errors += res.errors
		if res.firstErr != "" && (r.FirstErr == "" || res.firstAt.Before(firstAt)) {
			r.FirstErr, firstAt = res.firstErr, res.firstAt
		}
	}
	r.Sorted = MergeSorted(parts...)
	return r
}

// PerWorkerHint sizes the latency slices of a round of d from an earlier
// round's rate, with a quarter more for luck; fallback when there is none.
func PerWorkerHint(prev *Round, conc int, d time.Duration, fallback int) int {
	if prev == nil || prev.Elapsed <= 0 || conc <= 0 {
		return fallback
	}
	perSec := float64(len(prev.Sorted)) / prev.Elapsed.Seconds() / float64(conc)
	return int(perSec*d.Seconds()*1.25) + 64
}
