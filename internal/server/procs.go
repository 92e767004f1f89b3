package server

import (
	"log/slog"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// How many processors (GOMAXPROCS) Go runs the event loops on.
//
// A loop spends most of an unpipelined request in the kernel (read,
// write, epoll_wait), where it needs no processor. With a processor per
// loop and one spare, the runtime keeps waking threads to look for work
// whenever a loop blocks or yields (gnet yields after every empty poll)
// and they find none: on a 2-core machine running redis-benchmark beside
// the node, -P 1 SET cost 10.9-11.4 µs of CPU per request with three
// processors and 8.3-9.7 µs with one, and INCR at -P 16 1.21-1.28 against
// 1.05-1.13 µs (docs/benchmarks.md). But a loop whose batches are mostly
// Go work (scripts: EVALSHA at -P 16) then waits for the one processor:
// 250-295k requests a second with one, 295-390k with two or three.
//
// So with io-threads 0 (a loop per CPU) the node measures its user CPU
// time (getrusage, every window) and runs on few processors (half the
// loops) while that is light, and on a processor per loop plus a spare
// (the garbage collector's workers, timers, the replication link,
// scripts' goroutine) once it keeps the few busy. It starts on the many
// and, its first window being idle or a probe, moves to the few after
// it. GOMAXPROCS set in the environment, or io-threads set, turns this
// off.
//
// User time, not user and system time: a loop in read or write needs no
// processor for long (the runtime hands a processor blocked in a system
// call to another thread), and counting the kernel's share would put an
// unpipelined load, which is most of the kernel's, on the many. A load
// that is mostly kernel time (large values, many connections) stays on
// the few; its loops' system calls still run on every core.

const (
	// governWindow is how long the user time is averaged over before the
	// processors change, and so the least time between two changes: a
	// change stops the world for some microseconds, and a window much
	// longer would run a short burst of scripts on too few.
	governWindow = 300 * time.Millisecond
	// raiseAt is the process's user CPU time per second, in the few
	// processors' worth, at which the few count as taken: a processor
	// also stays with a loop through its short system calls, so a loop
	// becoming ready would wait for one. Measured on the 2-core machine
	// with one processor, per window: SET at -P 1 0.08-0.36; INCR and
	// LPUSH at -P 16 0.44-0.67; EVALSHA and ZADD at -P 16 0.71-0.75.
	raiseAt = 0.7
	// On the many processors the same load takes about the same user
	// time (as much Go work per request), which cannot tell whether the
	// few would do: the governor goes back to the few every probeEvery
	// to measure again, and at once when the load falls below lowerAt.
	probeEvery = 3 * time.Second
	lowerAt    = 0.3
)

// governed is set while a server of this process governs GOMAXPROCS:
// it is the process's setting, so only one may (tests run many servers).
var governed atomic.Bool

// procsGovernor moves GOMAXPROCS between few and many processors by how
// busy the event loops are.
type procsGovernor struct {
	few, many int
	log       *slog.Logger

	cur      int
	from     time.Time     // start of the current window
	userFrom time.Duration // the process's user CPU time at from
	raised   time.Time     // when the many were last set
}

// newProcsGovernor returns the governor of a server with loops event
// loops, or nil when GOMAXPROCS is the environment's, one loop has
// nothing to share, or another server governs.
func newProcsGovernor(loops int, log *slog.Logger) *procsGovernor {
	if os.Getenv("GOMAXPROCS") != "" || loops < 2 || !governed.CompareAndSwap(false, true) {
		return nil
	}
	g := &procsGovernor{few: max(1, loops/2), many: loops + 1, log: log}
	g.cur = g.many
	runtime.GOMAXPROCS(g.cur)
	return g
}

// release gives the setting up, at the server's end, leaving the many:
// what a server that does not govern sets (spareProcessor), for the
// servers and nodes the process starts next.
func (g *procsGovernor) release() {
	if g != nil {
		runtime.GOMAXPROCS(g.many)
		governed.Store(false)
	}
}

// tick is called every tick; at the end of a window it sets GOMAXPROCS
// if the load calls for the other setting.
func (g *procsGovernor) tick(now time.Time) {
	user := userCPU()
	if g.from.IsZero() {
		g.from, g.userFrom = now, user
		return
	}
	elapsed := now.Sub(g.from)
	if elapsed < governWindow {
		return
	}
	load := float64(user-g.userFrom) / float64(elapsed)
	g.from, g.userFrom = now, user
	if next := g.decide(load, now.Sub(g.raised)); next != g.cur {
		if next == g.many {
			g.raised = now
		}
		g.log.Debug("event loops' processors", "gomaxprocs", next, "was", g.cur, "user_cpu", load)
		g.cur = next
		runtime.GOMAXPROCS(next)
	}
}

// userCPU is the CPU time the process has spent running its own code,
// not the kernel's.
func userCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano())
}

// decide returns the processors for a window in which the loops were
// busy load processors' worth, the many having been set since ago.
func (g *procsGovernor) decide(load float64, since time.Duration) int {
	few := float64(g.few)
	switch {
	case g.cur == g.few && load > raiseAt*few:
		return g.many
	case g.cur == g.many && (load < lowerAt*few || since >= probeEvery):
		return g.few
	}
	return g.cur
}
