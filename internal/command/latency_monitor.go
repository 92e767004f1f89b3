package command

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// The latency monitor (LATENCY), as Redis 7.0 keeps it for the events
// Shoal has: a command that ran for at least latency-monitor-threshold
// milliseconds is a "command" event ("fast-command" for a command flagged
// fast). Each event keeps its last latencySamples seconds, one sample a
// second (the second's worst), and its all-time worst. LATENCY GRAPH
// answers that Shoal does not support it; LATENCY HISTOGRAM is latency
// tracking's (latency_tracking.go).

const latencySamples = 160

type latencySample struct{ at, ms int64 }

type latencyEvent struct {
	samples [latencySamples]latencySample
	next    int // where the next second's sample goes
	max     int64
}

type latencyMonitor struct {
	mu     sync.Mutex
	events map[string]*latencyEvent
}

// add records ms for event now.
func (m *latencyMonitor) add(event string, ms int64) {
	now := time.Now().Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string]*latencyEvent{}
	}
	e := m.events[event]
	if e == nil {
		e = &latencyEvent{}
		m.events[event] = e
	}
	e.max = max(e.max, ms)
	prev := &e.samples[(e.next+latencySamples-1)%latencySamples]
	if prev.at == now {
		prev.ms = max(prev.ms, ms)
		return
	}
	e.samples[e.next] = latencySample{at: now, ms: ms}
	e.next = (e.next + 1) % latencySamples
}

// history returns an event's samples, oldest first.
func (e *latencyEvent) history() []latencySample {
	var out []latencySample
	for i := range latencySamples {
		s := e.samples[(e.next+i)%latencySamples]
		if s.at != 0 {
			out = append(out, s)
		}
	}
	return out
}

// names returns the events' names, sorted. The caller holds mu.
func (m *latencyMonitor) names() []string {
	out := make([]string, 0, len(m.events))
	for name := range m.events {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// latencyEventOf is the event a command's run past the threshold is.
func latencyEventOf(spec *Spec) string {
	if spec.Flags&Fast != 0 {
		return "fast-command"
	}
	return "command"
}

func latencyLatest(c *Ctx) {
	m := &c.Node.latency
	m.mu.Lock()
	defer m.mu.Unlock()
	names := m.names()
	c.W.Array(len(names))
	for _, name := range names {
		e := m.events[name]
		last := e.samples[(e.next+latencySamples-1)%latencySamples]
		c.W.Array(4)
		c.W.BulkString(name)
		c.W.Int(last.at)
		c.W.Int(last.ms)
		c.W.Int(e.max)
	}
}

func latencyHistory(c *Ctx) {
	m := &c.Node.latency
	m.mu.Lock()
	defer m.mu.Unlock()
	var samples []latencySample
	if e := m.events[string(c.Args[2])]; e != nil {
		samples = e.history()
	}
	c.W.Array(len(samples))
	for _, s := range samples {
		c.W.Array(2)
		c.W.Int(s.at)
		c.W.Int(s.ms)
	}
}

func latencyReset(c *Ctx) {
	m := &c.Node.latency
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	if len(c.Args) == 2 {
		n = len(m.events)
		m.events = nil
	} else {
		for _, a := range c.Args[2:] {
			if _, ok := m.events[string(a)]; ok {
				delete(m.events, string(a))
				n++
			}
		}
	}
	c.W.Int(int64(n))
}

func latencyGraph(c *Ctx) {
	m := &c.Node.latency
	m.mu.Lock()
	_, ok := m.events[string(c.Args[2])]
	m.mu.Unlock()
	if !ok {
		c.Error("ERR No samples available for event '" + string(c.Args[2]) + "'")
		return
	}
	c.Error("ERR LATENCY GRAPH is not supported by Shoal; LATENCY HISTORY has the samples")
}

func latencyDoctor(c *Ctx) {
	m := &c.Node.latency
	m.mu.Lock()
	defer m.mu.Unlock()
	th := c.Node.hot().latencyThreshold.Int()
	var b strings.Builder
	switch {
	case len(m.events) == 0 && th == 0:
		b.WriteString(`I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.` + "\n")
	case len(m.events) == 0:
		b.WriteString("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n")
	default:
		b.WriteString("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n")
		for i, name := range m.names() {
			e := m.events[name]
			h := e.history()
			var sum int64
			for _, s := range h {
				sum += s.ms
			}
			avg := sum / int64(len(h))
			var dev int64
			for _, s := range h {
				dev += max(s.ms-avg, avg-s.ms)
			}
			period := float64(max(1, h[len(h)-1].at-h[0].at)) / float64(len(h))
			fmt.Fprintf(&b, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.\n",
				i+1, name, len(h), avg, dev/int64(len(h)), period, e.max)
		}
		b.WriteString("\nI have a few advices for you:\n\n")
		if slow := c.Node.hot().slowerThan.Int(); slow < 0 || slow/1000 > th {
			fmt.Fprintf(&b, "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %d'.\n", th*1000)
		}
		b.WriteString("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n")
		b.WriteString("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n")
	}
	c.W.Verbatim("txt", b.String())
}

var latencyHelp = []string{
	"DOCTOR",
	"    Return a human readable latency analysis report.",
	"GRAPH <event>",
	"    Return an ASCII latency graph for the <event> class.",
	"HISTORY <event>",
	"    Return time-latency samples for the <event> class.",
	"LATEST",
	"    Return the latest latency samples for all events.",
	"RESET [<event> ...]",
	"    Reset latency data of one or more <event> classes.",
	"    (default: reset all data for all event classes)",
	"HISTOGRAM [COMMAND ...]",
	"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
	"    If no commands are specified then all histograms are replied.",
}

func latencyHelpCmd(c *Ctx) { replyHelp(c, "LATENCY", latencyHelp) }

// latencyCommand is LATENCY with Redis 7.0's subcommands and flags.
func latencyCommand() *Spec {
	admin := Admin | NoScript | Loading | Stale
	sub := func(name string, arity int, summary, since string, h func(*Ctx)) *Spec {
		return &Spec{Name: name, Arity: arity, Flags: admin, Summary: summary, Since: since, Handler: h}
	}
	return &Spec{
		Name: "latency", Arity: -2, Group: "server", Summary: "A container for latency diagnostics commands", Since: "2.8.13",
		// In the order Redis 7.0's COMMAND lists them.
		Subcommands: []*Spec{
			sub("reset", -2, "Reset latency data for one or more events", "2.8.13", latencyReset),
			sub("doctor", 2, "Return a human readable latency analysis report", "2.8.13", latencyDoctor),
			sub("graph", 3, "Return a latency graph for the event", "2.8.13", latencyGraph),
			sub("histogram", -2, "Return the cumulative distribution of latencies of a subset of commands or all commands", "7.0.0", latencyHistogram),
			sub("history", 3, "Return timestamp-latency samples for the event", "2.8.13", latencyHistory),
			{Name: "help", Arity: 2, Flags: Loading | Stale, Summary: "Show helpful text about the different subcommands", Since: "2.8.13", Handler: latencyHelpCmd},
			sub("latest", 2, "Return the latest latency samples for all events", "2.8.13", latencyLatest),
		},
	}
}
