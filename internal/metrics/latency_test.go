package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/shoal-cache/shoal/internal/command"
)

func TestLatencyHistogram(t *testing.T) {
	h := newLatencyHistogram(command.NewTable().Lookup([]byte("get")))
	desc := prometheus.NewDesc("d", "h", []string{"cmd"}, nil)
	if _, ok := h.metric(desc); ok {
		t.Error("an empty histogram is exported")
	}
	// Each on another event loop's stripe: the histogram is their sum.
	for i, d := range []time.Duration{
		2 * time.Microsecond,  // ≤ 2.5µs
		10 * time.Microsecond, // a bound belongs to its own bucket (le)
		11 * time.Microsecond, // ≤ 25µs
		3 * time.Millisecond,  // ≤ 5ms
		time.Second,           // ≤ 1s
		2 * time.Second,       // only +Inf
	} {
		h.ObserveLatency(i, d)
	}
	m, ok := h.metric(desc)
	if !ok {
		t.Fatal("histogram not exported")
	}
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		t.Fatal(err)
	}
	hist := out.GetHistogram()
	if hist.GetSampleCount() != 6 {
		t.Errorf("count = %d, want 6", hist.GetSampleCount())
	}
	if want := (3*time.Second + 3023*time.Microsecond).Seconds(); hist.GetSampleSum() != want {
		t.Errorf("sum = %v, want %v", hist.GetSampleSum(), want)
	}
	want := map[float64]uint64{1e-6: 0, 2.5e-6: 1, 5e-6: 1, 1e-5: 2, 2.5e-5: 3, 5e-5: 3, 0.0025: 3, 0.005: 4, 0.5: 4, 1: 5}
	for _, b := range hist.GetBucket() {
		if n, ok := want[b.GetUpperBound()]; ok && b.GetCumulativeCount() != n {
			t.Errorf("bucket le=%v = %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), n)
		}
	}
	if len(hist.GetBucket()) != len(latencyBounds) {
		t.Errorf("%d buckets, want %d", len(hist.GetBucket()), len(latencyBounds))
	}
	if got := out.GetLabel(); len(got) != 1 || got[0].GetValue() != "get" {
		t.Errorf("labels = %v, want cmd=get", got)
	}
}

// BenchmarkObserve compares one observation in latencyHistogram with one
// in client_golang's own histogram over the same buckets, the cost the
// custom type exists to avoid.
func BenchmarkObserve(b *testing.B) {
	d := 3 * time.Microsecond
	b.Run("latencyHistogram", func(b *testing.B) {
		h := newLatencyHistogram(nil)
		for b.Loop() {
			h.ObserveLatency(0, d)
		}
	})
	b.Run("prometheus.Histogram", func(b *testing.B) {
		bounds := make([]float64, len(latencyBounds))
		for i, bound := range latencyBounds {
			bounds[i] = bound.Seconds()
		}
		h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "h", Buckets: bounds})
		for b.Loop() {
			h.Observe(d.Seconds())
		}
	})
}
