package netloop

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"time"
)

// The balancer's rules, looked at every balanceEvery. A loop more than
// saturatedBusy of its time busy is saturated; another loop is added when
// the active ones are and the machine had at least idleToGrow processors
// idle in the same window (a second loop on a machine whose cores are all
// taken, by the clients among others, only adds wake-ups). A loop is
// taken away once the active loops' busy time would have fit in one loop
// fewer at lightBusy each, for lightWindows windows in a row. A loop that
// has spent longer than stuckPoll in one poll (a command or script that
// runs long) starves its other clients: another loop is added whatever
// the machine's load, so that new clients are served (SCRIPT KILL).
//
// Several loops on a machine with no processor idle may be fewer loops'
// work spread thin (an unpipelined load that needed two loops once and
// now runs beside its clients): after probeFirst windows of that, one
// loop goes, as a probe. If the loops left are then saturated with a
// processor idle, the loop comes back at the next look, and the next
// probe waits twice as long (up to probeMost windows): the probes of a
// load that needs its loops cost at most a window in probeMost.
const (
	stuckPoll     = 100 * time.Millisecond
	balanceEvery  = 250 * time.Millisecond
	saturatedBusy = 0.85
	idleToGrow    = 0.5
	lightBusy     = 0.5
	lightWindows  = 4
	probeFirst    = 8
	probeMost     = 128
)

// sample is what the balancer saw in one window.
type sample struct {
	active, loops    int
	maxBusy, sumBusy float64 // of the active loops, fractions of the window
	idle             float64 // processors idle on the machine
	// anyStuck: an active loop is held by one command; allStuck: every
	// active loop is.
	anyStuck, allStuck bool
}

// balancer is the balancer's memory between windows.
type balancer struct {
	light    int // windows in a row the load would fit in fewer loops
	crowded  int // windows in a row of several loops and no idle processor
	probeGap int // crowded windows before the next probe
	probed   int // windows since the last probe, -1 if none is pending
}

func newBalancer() *balancer { return &balancer{probeGap: probeFirst, probed: -1} }

// next returns how many loops should take clients after window w.
func (b *balancer) next(w sample) int {
	n := w.active
	if b.probed >= 0 {
		b.probed++
	}
	// A grow must not meet the shrink rule at once (one hot client on a
	// loop of three): the load must be worth the loops it will have.
	saturated := w.allStuck ||
		w.maxBusy > saturatedBusy && w.idle >= idleToGrow && w.sumBusy >= float64(n)*lightBusy
	switch {
	case n < w.loops && saturated:
		if b.probed >= 0 && b.probed <= 1 {
			b.probeGap = min(2*b.probeGap, probeMost) // the probe was wrong
		}
		b.probed, b.light, b.crowded = -1, 0, 0
		return n + 1
	case n > 1 && w.sumBusy < float64(n-1)*lightBusy:
		b.crowded = 0
		b.probeGap = probeFirst
		if b.light++; b.light >= lightWindows {
			b.light = 0
			return n - 1
		}
	case n > 1 && w.idle < idleToGrow && !w.anyStuck:
		b.light = 0
		if b.crowded++; b.crowded >= b.probeGap {
			b.crowded, b.probed = 0, 0
			return n - 1
		}
	default:
		b.light, b.crowded = 0, 0
	}
	return n
}

func (s *Server) balance() {
	defer s.balDone.Done()
	tick := time.NewTicker(balanceEvery)
	defer tick.Stop()
	busy := make([]int64, len(s.loops))
	for i, l := range s.loops {
		busy[i] = l.busyNs.Load()
	}
	cpu, cpuOK := readCPU()
	last := time.Now()
	b := newBalancer()
	for {
		select {
		case <-s.balancer:
			return
		case <-tick.C:
		}
		now := time.Now()
		window := float64(now.Sub(last))
		last = now
		w := sample{active: s.Active(), loops: len(s.loops), idle: 2} // idle unknown: saturation alone decides
		w.allStuck = true
		for i, l := range s.loops {
			bn := l.busyNs.Load()
			frac := float64(bn-busy[i]) / window
			busy[i] = bn
			stuck := l.stuck(now.UnixNano())
			if stuck {
				frac = 1
			}
			if i < w.active {
				w.anyStuck = w.anyStuck || stuck
				w.allStuck = w.allStuck && stuck
			}
			if i < w.active {
				w.maxBusy = max(w.maxBusy, frac)
				w.sumBusy += frac
			}
		}
		next, nextOK := readCPU()
		if cpuOK && nextOK {
			w.idle = next.idleSince(cpu)
		}
		cpu, cpuOK = next, nextOK
		if n := b.next(w); n != w.active {
			s.SetActive(n)
		}
	}
}

// stuck reports whether the loop has been in one poll for longer than
// stuckPoll at now (Unix ns).
func (l *Loop) stuck(now int64) bool {
	at := l.pollStart.Load()
	return at != 0 && now-at > int64(stuckPoll)
}

// cpuTimes is the machine's CPU time from /proc/stat: idle (with I/O
// wait) and the total, in ticks, and how many processors there are.
type cpuTimes struct {
	idle, total uint64
	procs       int
}

// idleSince is how many processors were idle, on average, since then.
func (c cpuTimes) idleSince(then cpuTimes) float64 {
	if c.total <= then.total {
		return 0
	}
	return float64(c.idle-then.idle) / float64(c.total-then.total) * float64(c.procs)
}

func readCPU() (cpuTimes, bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	defer f.Close()
	var c cpuTimes
	ok := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("cpu")) {
			break
		}
		if len(line) > 3 && line[3] != ' ' {
			c.procs++
			continue
		}
		// cpu user nice system idle iowait irq softirq steal ...
		for i, field := range bytes.Fields(line[3:]) {
			v, err := strconv.ParseUint(string(field), 10, 64)
			if err != nil {
				return cpuTimes{}, false
			}
			if i < 8 { // guest time is in user's already
				c.total += v
			}
			if i == 3 || i == 4 {
				c.idle += v
			}
		}
		ok = true
	}
	return c, ok && c.procs > 0
}
