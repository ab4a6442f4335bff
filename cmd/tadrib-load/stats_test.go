package main

import (
	"math"
	"testing"
	"time"
)

// ms builds a sorted latency slice from milliseconds.
func ms(vs ...int) []time.Duration {
	out := make([]time.Duration, len(vs))
	for i, v := range vs {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

// seq returns 1..n milliseconds.
func seq(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value p50", ms(7), 50, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"p0 is the minimum", ms(3, 5, 9), 0, 3 * time.Millisecond},
		{"negative p is the minimum", ms(3, 5, 9), -5, 3 * time.Millisecond},
		{"NaN is the minimum", ms(3, 5, 9), math.NaN(), 3 * time.Millisecond},
		{"p100 is the maximum", ms(3, 5, 9), 100, 9 * time.Millisecond},
		{"above 100 is the maximum", ms(3, 5, 9), 150, 9 * time.Millisecond},
		// Nearest rank: ceil(p/100 * n).
		{"p50 of 4 is the 2nd", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of 4 is the 3rd", ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"p50 of 5 is the median", ms(10, 20, 30, 40, 50), 50, 30 * time.Millisecond},
		{"p25 of 5 is the 2nd", ms(10, 20, 30, 40, 50), 25, 20 * time.Millisecond},
		{"p50 of 1..100", seq(100), 50, 50 * time.Millisecond},
		{"p95 of 1..100", seq(100), 95, 95 * time.Millisecond},
		{"p99 of 1..100", seq(100), 99, 99 * time.Millisecond},
		{"p99 of 1..1000", seq(1000), 99, 990 * time.Millisecond},
		{"p99.9 of 1..1000", seq(1000), 99.9, 999 * time.Millisecond},
		// 0.95*20 = 19.000000000000004 in floating point: still the 19th.
		{"p95 of 1..20 despite rounding", seq(20), 95, 19 * time.Millisecond},
		{"p99 of 1..10 is the max", seq(10), 99, 10 * time.Millisecond},
		{"tiny p is the first", seq(1000), 0.01, 1 * time.Millisecond},
		{"ties", ms(1, 1, 1, 5, 5), 60, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestMergeSortedAndSummarize(t *testing.T) {
	all := MergeSorted(ms(5, 1), nil, ms(3), ms(4, 2))
	want := ms(1, 2, 3, 4, 5)
	if len(all) != len(want) {
		t.Fatalf("MergeSorted gave %v, want %v", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Fatalf("MergeSorted gave %v, want %v", all, want)
		}
	}

	s := Summarize(all, 2, 2*time.Second, "status 500")
	if s.Requests != 5 || s.Errors != 2 || s.FirstError != "status 500" {
		t.Errorf("counts: %+v", s)
	}
	if s.P50 != 3*time.Millisecond || s.P95 != 5*time.Millisecond || s.P99 != 5*time.Millisecond || s.Max != 5*time.Millisecond {
		t.Errorf("percentiles: p50=%v p95=%v p99=%v max=%v", s.P50, s.P95, s.P99, s.Max)
	}
	if s.Mean != 3*time.Millisecond {
		t.Errorf("mean = %v, want 3ms", s.Mean)
	}
	if got := s.RPS(); got != 2.5 {
		t.Errorf("RPS = %v, want 2.5", got)
	}
	if got := (Summary{Requests: 10}).RPS(); got != 0 {
		t.Errorf("RPS with no elapsed time = %v, want 0", got)
	}
}
