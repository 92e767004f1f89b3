package loadgen

import (
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// The histogram's range and precision. 3 significant digits keep every
// percentile within 0.1 % of the true value; 100 ns (stored as 64 ns units)
// is far below any network round trip, and a minute is far above any a
// healthy server gives (longer ones are clamped to it).
const (
	histLowest  = 100
	histHighest = int64(time.Minute)
	histDigits  = 3
)

// Histogram counts command latencies in an HDR histogram: constant memory
// (about 170 KB), constant-time recording, bounded relative error.
type Histogram struct{ h *hdrhistogram.Histogram }

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{h: hdrhistogram.New(histLowest, histHighest, histDigits)}
}

// Record counts n commands that each took d.
func (h *Histogram) Record(d time.Duration, n int64) {
	v := max(int64(d), 0)
	if v > histHighest {
		v = histHighest
	}
	_ = h.h.RecordValues(v, n) // cannot fail: v is within range
}

// Merge adds everything o counted.
func (h *Histogram) Merge(o *Histogram) { h.h.Merge(o.h) }

// Reset empties the histogram for reuse.
func (h *Histogram) Reset() { h.h.Reset() }

// Count is how many commands were recorded.
func (h *Histogram) Count() int64 { return h.h.TotalCount() }

// Quantile is the latency that a share q (0..1) of commands did not exceed.
func (h *Histogram) Quantile(q float64) time.Duration {
	return time.Duration(h.h.ValueAtQuantile(q * 100))
}

// Max is the largest latency recorded (within the histogram's precision).
func (h *Histogram) Max() time.Duration {
	if h.h.TotalCount() == 0 {
		return 0
	}
	return time.Duration(h.h.Max())
}

// Summary gives the percentiles the report shows.
func (h *Histogram) Summary() Latency {
	return Latency{
		P50: micros(h.Quantile(0.50)), P90: micros(h.Quantile(0.90)),
		P99: micros(h.Quantile(0.99)), P999: micros(h.Quantile(0.999)),
		Max: micros(h.Max()), Mean: h.h.Mean() / 1e3,
	}
}

// Latency is a latency summary in microseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
