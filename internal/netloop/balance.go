package netloop

import (
	"bufio"
	"bytes"
	"math"
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
//
// Busy time and idle processors say when another loop could help, not
// whether it does: on a 2-core machine running redis-benchmark, EVALSHA
// at -P 16 saturates one loop with a processor idle, yet two loops served
// a fifth fewer calls than one, each call costing 3.6 µs of CPU on one
// loop and 5.6 µs on two. So the balancer also measures the work taken
// (bytes read from clients a second) with each number of loops, once the
// count has held for a whole window, and trusts a measurement for
// trustWindows windows. A loop added that did not raise the rate by
// paysGain within two windows goes again, and no loop is added for a
// saturated load while the last measurement says it did not pay; each
// such failed try doubles how long measurements are trusted (up to
// trustMost windows), so a load that does not profit from more loops
// tries them for two windows in trustMost. A window whose rate is more
// than loadShift away from the mean of the stretch it continues is
// another load: the rates measured with other numbers of loops are
// forgotten. A stuck loop gets another whatever the rates.
const (
	stuckPoll     = 100 * time.Millisecond
	balanceEvery  = 250 * time.Millisecond
	saturatedBusy = 0.85
	idleToGrow    = 0.5
	lightBusy     = 0.5
	lightWindows  = 4
	probeFirst    = 8
	probeMost     = 128
	paysGain      = 1.05
	trustWindows  = 16
	trustMost     = 128
	loadShift     = 0.3
	// maxRated is how many loops' rates the balancer keeps; with more
	// loops active it judges by busy time alone.
	maxRated = 16
)

// sample is what the balancer saw in one window.
type sample struct {
	active, loops    int
	maxBusy, sumBusy float64 // of the active loops, fractions of the window
	idle             float64 // processors idle on the machine
	rate             float64 // bytes read from clients a second, all loops
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

	// held counts the windows since the number of active loops last
	// changed (from from): the window of a change is not a measurement
	// of either.
	held, from int
	// rate[k] is the work taken a second with k loops active, averaged
	// over the windows of the latest stretch at k; age[k] counts windows
	// since it was measured, stretch[k] the windows that stretch has.
	rate    [maxRated + 1]float64
	age     [maxRated + 1]int
	stretch [maxRated + 1]int
	trust   int // windows a rate stays trusted
}

func newBalancer() *balancer {
	b := &balancer{probeGap: probeFirst, probed: -1, trust: trustWindows}
	for k := range b.age {
		b.age[k] = trustMost + 1
	}
	return b
}

// known reports whether the rate with k loops was measured recently.
func (b *balancer) known(k int) bool { return k <= maxRated && b.age[k] <= b.trust }

// measure records window w's rate against its number of loops, once
// that number has held for the whole window.
func (b *balancer) measure(w sample) {
	for k := range b.age {
		b.age[k]++
	}
	b.held++
	n := w.active
	if b.held < 2 || n > maxRated {
		return
	}
	if b.stretch[n] > 0 && b.age[n] == 1 && math.Abs(w.rate-b.rate[n]) > loadShift*b.rate[n] {
		// Another load: what was measured with other numbers of loops
		// says nothing about this one.
		for k := range b.age {
			b.age[k] = trustMost + 1
		}
		b.trust = trustWindows
		b.stretch[n], b.rate[n] = 1, w.rate
	} else if b.stretch[n] > 0 && b.age[n] == 1 {
		// The same stretch goes on: a running mean of its windows.
		b.stretch[n]++
		b.rate[n] += (w.rate - b.rate[n]) / float64(b.stretch[n])
	} else {
		b.stretch[n], b.rate[n] = 1, w.rate
	}
	b.age[n] = 0
}

// pays reports whether k loops were measured taking more work than k-1,
// by paysGain; with either rate unknown it says yes.
func (b *balancer) pays(k int) bool {
	if !b.known(k) || !b.known(k-1) {
		return true
	}
	return b.rate[k] >= paysGain*b.rate[k-1]
}

// next returns how many loops should take clients after window w.
func (b *balancer) next(w sample) int {
	n := b.decide(w)
	if n != w.active {
		b.held, b.from = 0, w.active
	}
	return n
}

func (b *balancer) decide(w sample) int {
	n := w.active
	if b.probed >= 0 {
		b.probed++
	}
	b.measure(w)
	// A grow must not meet the shrink rule at once (one hot client on a
	// loop of three): the load must be worth the loops it will have.
	saturated := w.maxBusy > saturatedBusy && w.idle >= idleToGrow && w.sumBusy >= float64(n)*lightBusy
	if b.from == n-1 && b.held == 3 && b.known(n-1) && !w.anyStuck {
		// The second measured window since a loop was added: keep it
		// only if it paid.
		if !b.pays(n) {
			b.trust = min(2*b.trust, trustMost)
			b.probed, b.light, b.crowded = -1, 0, 0
			return n - 1
		}
		b.trust = trustWindows
	}
	switch {
	case n < w.loops && w.allStuck:
		b.probed, b.light, b.crowded = -1, 0, 0
		return n + 1
	case n < w.loops && saturated && b.known(n+1) && !b.pays(n+1):
		b.light, b.crowded = 0, 0 // more loops did not pay lately
	case n < w.loops && saturated && b.held < 2 && b.probed >= 0:
		// Just probed: measure the rate with the loops left first.
	case n < w.loops && saturated:
		if b.probed >= 0 && b.probed <= 2 {
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
	read := make([]int64, len(s.loops))
	for i, l := range s.loops {
		busy[i], read[i] = l.busyNs.Load(), l.readBytes.Load()
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
			bn, rn := l.busyNs.Load(), l.readBytes.Load()
			frac := float64(bn-busy[i]) / window
			w.rate += float64(rn-read[i]) / window * float64(time.Second)
			busy[i], read[i] = bn, rn
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
