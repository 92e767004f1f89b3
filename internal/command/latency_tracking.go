package command

import (
	"fmt"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/hdrhist"
)

// Latency tracking, as Redis 7.0 does it: while latency-tracking is on,
// every call a command's commandstats count (Table.run, and a blocked
// command's CLIENT UNBLOCK) also goes into that command's latency
// histogram, its duration in whole microseconds; subcommands have their
// own (config|get). INFO latencystats prints the percentiles
// latency-tracking-info-percentiles names, LATENCY HISTOGRAM the
// cumulative distribution, and CONFIG RESETSTAT drops them. A command
// that has not run since (with tracking on) has no histogram and is in
// neither.
//
// A histogram is striped as the commandstats counters are (package
// stripe): each stripe's share (package hdrhist, 14 KiB) hangs off the
// stripe's cmdCell, allocated the first time the command runs there, so a
// call costs one atomic add on the stripe's own memory and a pointer load
// from the cache line calls was just added to. The Prometheus latency
// histogram (internal/metrics) is kept apart: it is fed whatever
// latency-tracking says, survives CONFIG RESETSTAT, and has bucket bounds
// in nanoseconds that whole-microsecond counts cannot split.

// latencyCounts returns the stripe's share of the histogram, to Record a
// call in. It and Record inline into Table.run: past a stripe's first
// call the hot path makes no call for them.
func (x *cmdCell) latencyCounts() *hdrhist.Counts {
	if h := x.latency.Load(); h != nil {
		return h
	}
	return x.newLatency()
}

// newLatency returns the stripe's share of the histogram, allocating it
// if no goroutine sharing the stripe did first.
func (x *cmdCell) newLatency() *hdrhist.Counts {
	for {
		if h := x.latency.Load(); h != nil {
			return h
		}
		h := new(hdrhist.Counts)
		if x.latency.CompareAndSwap(nil, h) {
			return h
		}
	}
}

// latencySnapshot sums the command's histogram over the stripes into s.
// It reports false when the command has none. Calls counted while it
// reads may be in or out, and one counted at the moment CONFIG RESETSTAT
// drops the histogram is lost with it.
func (st *cmdStats) latencySnapshot(s *hdrhist.Snapshot) bool {
	s.Reset()
	found := false
	for i := range st.cells {
		if h := st.cells[i].latency.Load(); h != nil {
			s.Add(h)
			found = true
		}
	}
	return found
}

// infoLatencyStats writes INFO latencystats: a line per command with a
// histogram, in commandstats' order, each percentile as Redis prints it
// (p99.9=12.031: the highest duration equivalent to it, in µs). With
// latency-tracking off the section is empty, the histograms kept.
func infoLatencyStats(w *infoWriter, c *Ctx, _ *serverState) {
	if c.Node.hot().latencyTracking.Int() == 0 {
		return
	}
	ps := c.Node.Config.Percentiles("latency-tracking-info-percentiles")
	labels := make([]string, len(ps))
	for i, p := range ps {
		labels[i] = config.FormatPercentile(p)
	}
	snap := new(hdrhist.Snapshot)
	for _, s := range c.Node.Table.specsInStatsOrder() {
		if !s.stats.latencySnapshot(snap) {
			continue
		}
		w.b.WriteString("latency_percentiles_usec_" + s.fullName + ":")
		for i, p := range ps {
			if i > 0 {
				w.b.WriteByte(',')
			}
			fmt.Fprintf(&w.b, "p%s=%.3f", labels[i], float64(snap.ValueAtPercentile(p))/1000)
		}
		w.b.WriteString("\r\n")
	}
}

// specsInStatsOrder returns every command, each followed by its
// subcommands: INFO commandstats' order.
func (t *Table) specsInStatsOrder() []*Spec {
	var out []*Spec
	for _, s := range t.All() {
		out = append(out, s)
		out = append(out, s.Subcommands...)
	}
	return out
}

// latencyHistogram is LATENCY HISTOGRAM [command ...]: a map from each
// named command with a histogram (every one when none is named) to its
// calls and cumulative distribution. A container's name stands for it
// and its subcommands; "config|get" for the one; an unknown name is
// skipped, and a name given twice answers twice, as in Redis.
func latencyHistogram(c *Ctx) {
	var specs []*Spec
	if len(c.Args) == 2 {
		specs = c.Node.Table.specsInStatsOrder()
	}
	for _, name := range c.Args[2:] {
		if s := lookupFullName(c.Node.Table, name); s != nil {
			specs = append(specs, s)
			specs = append(specs, s.Subcommands...)
		}
	}
	type histogram struct {
		name    string
		calls   int64
		buckets []hdrhist.Bucket
	}
	var out []histogram
	snap := new(hdrhist.Snapshot)
	for _, s := range specs {
		if s.stats.latencySnapshot(snap) {
			out = append(out, histogram{s.fullName, snap.Total(), snap.Buckets()})
		}
	}
	c.W.Map(len(out))
	for _, h := range out {
		c.W.BulkString(h.name)
		c.W.Map(2)
		c.W.BulkString("calls")
		c.W.Int(h.calls)
		c.W.BulkString("histogram_usec")
		c.W.Map(len(h.buckets))
		for _, b := range h.buckets {
			c.W.Int(b.Usec)
			c.W.Int(b.Count)
		}
	}
}
