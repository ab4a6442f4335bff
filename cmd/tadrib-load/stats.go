package main

import (
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted, which must
// be in ascending order, by the nearest-rank method: the smallest value such
// that at least p% of the values are less than or equal to it. It returns 0
// for an empty slice; p ≤ 0 gives the minimum and p ≥ 100 the maximum.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 || math.IsNaN(p) {
		return sorted[0]
	}
	if p >= 100 {
		return sorted[n-1]
	}
	rank := int(math.Ceil(p / 100 * float64(n))) // 1-based
	// p/100*n can land a hair above an integer (0.95*20 = 19.000000000000004):
	// treat values within rounding error of an integer as that integer.
	if r := math.Round(p / 100 * float64(n)); math.Abs(p/100*float64(n)-r) < 1e-9 {
		rank = int(r)
	}
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

// MergeSorted concatenates the per-worker latency slices into one new slice
// and sorts it.
func MergeSorted(parts ...[]time.Duration) []time.Duration {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	all := make([]time.Duration, 0, n)
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.Sort(all)
	return all
}

// Summary is what a set of requests against one target came to.
type Summary struct {
	Requests   int64         // responses that were a success
	Errors     int64         // transport errors, unexpected statuses, wrong bodies
	Elapsed    time.Duration // wall time of the measured window(s)
	P50        time.Duration
	P95        time.Duration
	P99        time.Duration
	Max        time.Duration
	Mean       time.Duration
	FirstError string // the first error seen, for the report
}

// RPS is the rate of successful requests per second of wall time.
func (s Summary) RPS() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Summarize computes the latency figures of sorted (ascending latencies of the
// successful requests) over elapsed wall time.
func Summarize(sorted []time.Duration, errors int64, elapsed time.Duration, firstError string) Summary {
	s := Summary{Requests: int64(len(sorted)), Errors: errors, Elapsed: elapsed, FirstError: firstError,
		P50: Percentile(sorted, 50), P95: Percentile(sorted, 95), P99: Percentile(sorted, 99)}
	if len(sorted) > 0 {
		s.Max = sorted[len(sorted)-1]
		var sum time.Duration
		for _, d := range sorted {
			sum += d
		}
		s.Mean = sum / time.Duration(len(sorted))
	}
	return s
}
