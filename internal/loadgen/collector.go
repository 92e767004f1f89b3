package loadgen

import "time"

// minTail is the shortest last interval kept as a point of its own; a
// shorter one (the few milliseconds between the last whole second and the
// end) is folded into the second before it, where its ops/s means something.
const minTail = 250 * time.Millisecond

// Second is one point of the time series: what happened in the interval
// ending T seconds after the start (usually one second long).
type Second struct {
	T         float64 `json:"t"`
	Seconds   float64 `json:"seconds"` // the interval's length
	Ops       int64   `json:"ops"`
	OpsPerSec float64 `json:"ops_per_sec"`
	Errors    int64   `json:"errors"`
	P50       float64 `json:"p50_us"`
	P99       float64 `json:"p99_us"`
	Max       float64 `json:"max_us"`
}

// collector gathers the clients' histograms and counters once a second
// into the run's totals and time series. Only the run's goroutine uses it.
type collector struct {
	clients []*client
	start   time.Time

	total    *Histogram // every command of the run
	interval *Histogram // the interval being closed
	last     *Histogram // the interval before, kept to fold a short tail into
	spare    *Histogram // swapped into a client for the next interval

	sums     counters // totals at the last collection
	lastT    time.Duration
	series   []Second
	firstErr error
}

func newCollector(clients []*client, start time.Time) *collector {
	return &collector{
		clients: clients, start: start,
		total: NewHistogram(), interval: NewHistogram(), last: NewHistogram(), spare: NewHistogram(),
	}
}

// collect closes the interval ending now. final marks the run's end, when a
// short tail joins the previous point.
func (c *collector) collect(now time.Time, final bool) {
	var sums counters
	for _, cl := range c.clients {
		full, tot, err := cl.take(c.spare)
		c.interval.Merge(full)
		full.Reset()
		c.spare = full
		sums.add(tot)
		if c.firstErr == nil {
			c.firstErr = err
		}
	}
	c.total.Merge(c.interval)
	t := now.Sub(c.start)
	ops, errs := sums.ops()-c.sums.ops(), sums.Errors-c.sums.Errors
	c.sums = sums
	if final && t-c.lastT < minTail && len(c.series) > 0 {
		c.foldTail(t, ops, errs)
	} else {
		c.series = append(c.series, point(c.interval, t, t-c.lastT, ops, errs))
		c.interval, c.last = c.last, c.interval
	}
	c.interval.Reset()
	c.lastT = t
}

// foldTail merges the interval being closed into the last point.
func (c *collector) foldTail(t time.Duration, ops, errs int64) {
	prev := &c.series[len(c.series)-1]
	c.last.Merge(c.interval)
	length := t - time.Duration((prev.T-prev.Seconds)*float64(time.Second))
	*prev = point(c.last, t, length, prev.Ops+ops, prev.Errors+errs)
}

func point(h *Histogram, t, length time.Duration, ops, errs int64) Second {
	s := Second{
		T: t.Seconds(), Seconds: length.Seconds(), Ops: ops, Errors: errs,
		P50: micros(h.Quantile(0.5)), P99: micros(h.Quantile(0.99)), Max: micros(h.Max()),
	}
	if length > 0 {
		s.OpsPerSec = float64(ops) / length.Seconds()
	}
	return s
}
