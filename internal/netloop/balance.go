package netloop

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"time"
)

// The balancer's rules. A loop more than saturatedBusy of its time busy
// is saturated; another loop is added when the active ones are and the
// machine had at least idleToGrow processors idle in the same window (a
// second loop on a machine whose cores are all taken, by the clients
// among others, only adds wake-ups). A loop is taken away once the
// active loops' busy time would have fit in one loop fewer at
// lightBusy each, for lightWindows windows in a row. A loop that has
// spent longer than stuckPoll in one poll (a command or script that runs
// long) starves its other clients: another loop is added whatever the
// machine's load, so that new clients are served (SCRIPT KILL).
const (
	stuckPoll     = 100 * time.Millisecond
	balanceEvery  = 250 * time.Millisecond
	saturatedBusy = 0.85
	idleToGrow    = 0.5
	lightBusy     = 0.5
	lightWindows  = 4
)

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
	light := 0
	for {
		select {
		case <-s.balancer:
			return
		case <-tick.C:
		}
		now := time.Now()
		window := float64(now.Sub(last))
		last = now
		n := s.Active()
		var maxBusy, sumBusy float64
		stuck := false
		for i, l := range s.loops {
			b := l.busyNs.Load()
			frac := float64(b-busy[i]) / window
			busy[i] = b
			if l.stuck(now.UnixNano()) {
				frac, stuck = 1, stuck || i < n
			}
			if i < n {
				maxBusy = max(maxBusy, frac)
				sumBusy += frac
			}
		}
		next, nextOK := readCPU()
		idle := 2.0 // unknown: as if idle, so that saturation alone decides
		if cpuOK && nextOK {
			idle = next.idleSince(cpu)
		}
		cpu, cpuOK = next, nextOK
		switch {
		case n < len(s.loops) && (stuck || maxBusy > saturatedBusy && idle >= idleToGrow):
			s.SetActive(n + 1)
			light = 0
		case n > 1 && sumBusy < float64(n-1)*lightBusy:
			light++
			if light >= lightWindows {
				s.SetActive(n - 1)
				light = 0
			}
		default:
			light = 0
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
