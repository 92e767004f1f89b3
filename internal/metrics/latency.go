package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/stripe"
)

// latencyBounds are the upper bounds of the latency buckets: most
// commands finish in microseconds (a GET in about 2), a slow one in
// milliseconds, and a second is already a stall. The buckets under 10µs
// are what make a p99 of fast commands mean something: with 10µs as the
// first bound, every command faster than that reads as a p99 of 9.9µs.
var latencyBounds = [...]time.Duration{
	time.Microsecond, 2500 * time.Nanosecond, 5 * time.Microsecond, 10 * time.Microsecond, 25 * time.Microsecond, 50 * time.Microsecond,
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second,
}

// latencyHistogram counts one command's executions by duration. It is a
// command.LatencyObserver: an observation is two atomic adds on the
// stripe of the command's event loop (package stripe), and the histogram
// Prometheus sees is built from the stripes' counts at scrape time.
type latencyHistogram struct {
	spec *command.Spec
	// stripes is allocated alone: 1536 bytes, an allocator size class and
	// a multiple of 64, so it starts on a cache line (see stripe.Counter).
	stripes *[stripe.Count]latencyCounts
}

func newLatencyHistogram(spec *command.Spec) *latencyHistogram {
	return &latencyHistogram{spec: spec, stripes: new([stripe.Count]latencyCounts)}
}

type latencyCounts struct {
	// counts[i] is the number of durations in (bound[i-1], bound[i]];
	// the last one counts those above every bound.
	counts [len(latencyBounds) + 1]atomic.Uint64
	sumNs  atomic.Int64
	_      [24]byte // to a multiple of a cache line
}

// ObserveLatency records one execution on stripe s.
func (h *latencyHistogram) ObserveLatency(s int, d time.Duration) {
	i := 0
	for i < len(latencyBounds) && d > latencyBounds[i] {
		i++
	}
	st := &h.stripes[stripe.Of(s)]
	st.counts[i].Add(1)
	st.sumNs.Add(int64(d))
}

// count returns bucket i summed over the stripes.
func (h *latencyHistogram) count(i int) uint64 {
	var n uint64
	for s := range h.stripes {
		n += h.stripes[s].counts[i].Load()
	}
	return n
}

func (h *latencyHistogram) sum() time.Duration {
	var ns int64
	for s := range h.stripes {
		ns += h.stripes[s].sumNs.Load()
	}
	return time.Duration(ns)
}

// metric returns the histogram as Prometheus wants it: cumulative bucket
// counts, in seconds. The counts are read one by one while commands may
// still be adding to them, so a scrape can be off by the executions that
// ran during it; the next scrape includes them.
func (h *latencyHistogram) metric(desc *prometheus.Desc) (prometheus.Metric, bool) {
	buckets := make(map[float64]uint64, len(latencyBounds))
	var total uint64
	for i, bound := range latencyBounds {
		total += h.count(i)
		buckets[bound.Seconds()] = total
	}
	total += h.count(len(latencyBounds))
	if total == 0 {
		return nil, false
	}
	sum := h.sum().Seconds()
	m, err := prometheus.NewConstHistogram(desc, total, sum, buckets, h.spec.FullName())
	return m, err == nil
}
