package loadgen

import (
	"math"
	"testing"
	"time"
)

// TestHistogramPercentiles records 1..100,000 µs once each, where the true
// q-quantile is q*100,000 µs, and checks every reported percentile is
// within the promised 0.1 %.
func TestHistogramPercentiles(t *testing.T) {
	h := NewHistogram()
	for v := 1; v <= 100000; v++ {
		h.Record(time.Duration(v)*time.Microsecond, 1)
	}
	if h.Count() != 100000 {
		t.Fatalf("Count() = %d", h.Count())
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		want := q * 100000
		got := micros(h.Quantile(q))
		if math.Abs(got-want)/want > 0.001 {
			t.Errorf("quantile %g = %.1f µs, want %.0f µs within 0.1%%", q, got, want)
		}
	}
	s := h.Summary()
	if math.Abs(s.Max-100000)/100000 > 0.001 || math.Abs(s.Mean-50000.5)/50000 > 0.001 {
		t.Errorf("max %.1f, mean %.1f; want 100000, 50000.5", s.Max, s.Mean)
	}
	if !(s.P50 <= s.P90 && s.P90 <= s.P99 && s.P99 <= s.P999 && s.P999 <= s.Max) {
		t.Errorf("percentiles out of order: %+v", s)
	}
}

// TestHistogramBatches checks Record(d, n) counts n commands, as a batch of
// n pipelined commands does, and that Merge and Reset keep counts right.
func TestHistogramBatches(t *testing.T) {
	a, b := NewHistogram(), NewHistogram()
	a.Record(100*time.Microsecond, 90) // 90 commands at 100 µs
	b.Record(time.Millisecond, 10)     // 10 at 1 ms
	a.Merge(b)
	if a.Count() != 100 {
		t.Fatalf("Count() = %d, want 100", a.Count())
	}
	if p50, p99 := a.Quantile(0.5), a.Quantile(0.99); !near(p50, 100*time.Microsecond) || !near(p99, time.Millisecond) {
		t.Errorf("p50 %v, p99 %v; want 100µs, 1ms", p50, p99)
	}
	a.Reset()
	if a.Count() != 0 || a.Quantile(0.5) != 0 || a.Max() != 0 {
		t.Errorf("after Reset: count %d, p50 %v, max %v", a.Count(), a.Quantile(0.5), a.Max())
	}
}

func TestHistogramClamps(t *testing.T) {
	h := NewHistogram()
	h.Record(time.Hour, 1)
	h.Record(-time.Second, 1)
	h.Record(0, 1)
	if h.Count() != 3 {
		t.Fatalf("Count() = %d, want 3 (out of range values clamped, not dropped)", h.Count())
	}
	if !near(h.Max(), time.Minute) {
		t.Errorf("Max() = %v, want the 1 minute ceiling", h.Max())
	}
}

func near(got, want time.Duration) bool {
	return math.Abs(float64(got-want)) <= float64(want)*0.001
}
