package server

import (
	"io"
	"log/slog"
	"os"
	"runtime"
	"testing"
	"time"
)

func TestProcsGovernorDecide(t *testing.T) {
	g := procsGovernor{few: 1, many: 3}
	cases := []struct {
		name  string
		cur   int
		load  float64
		since time.Duration
		want  int
	}{
		{"few, light", 1, 0.2, 0, 1},
		{"few, at the line", 1, raiseAt, 0, 1},
		{"few, taken", 1, 0.75, 0, 3},
		{"many, busy", 3, 0.9, time.Second, 3},
		{"many, idle", 3, 0.1, time.Second, 1},
		{"many, busy, time to probe", 3, 0.9, probeEvery, 1},
	}
	for _, c := range cases {
		g.cur = c.cur
		if got := g.decide(c.load, c.since); got != c.want {
			t.Errorf("%s: decide(%.2f, %v) at %d = %d, want %d", c.name, c.load, c.since, c.cur, got, c.want)
		}
	}
	g = procsGovernor{few: 4, many: 9, cur: 4}
	if got := g.decide(2.5, 0); got != 4 {
		t.Errorf("8 loops, 2.5 processors' worth of user time on 4: got %d, want 4", got)
	}
	if got := g.decide(3.0, 0); got != 9 {
		t.Errorf("8 loops, 3.0 processors' worth of user time on 4: got %d, want 9", got)
	}
}

// TestProcsGovernorFollowsCPU runs the governor on this process's real
// user CPU time: an idle window gives the few processors, a window at
// 0.4 of one processor keeps them, one spent computing gives the many,
// and GOMAXPROCS follows; at the end the many are left.
func TestProcsGovernorFollowsCPU(t *testing.T) {
	if os.Getenv("GOMAXPROCS") != "" {
		t.Skip("the environment sets GOMAXPROCS")
	}
	if governed.Load() {
		t.Skip("a server of this process governs GOMAXPROCS")
	}
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	g := newProcsGovernor(2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if g == nil {
		t.Fatal("no governor for 2 loops")
	}
	released := false
	defer func() {
		if !released {
			g.release()
		}
	}()
	expect := func(when string, want int) {
		t.Helper()
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Fatalf("GOMAXPROCS %s = %d, want %d", when, got, want)
		}
	}
	expect("at start", 3)
	at := time.Now()
	g.tick(at)
	g.raised = at // not a probe: the idle window itself lowers
	at = at.Add(governWindow)
	g.tick(at) // next to no CPU in a window's time
	expect("after an idle window", 1)
	spin(governWindow * 4 / 10)
	at = at.Add(governWindow)
	g.tick(at)
	expect("after a window at 0.4 of a processor", 1)
	spin(governWindow) // a window's time of user CPU
	at = at.Add(governWindow)
	g.tick(at)
	expect("after a busy window", 3)
	at = at.Add(governWindow)
	g.tick(at)
	expect("after another idle window", 1)
	g.release()
	released = true
	expect("once released", 3)
}

// spin computes for d of the process's user CPU time.
func spin(d time.Duration) {
	start := userCPU()
	x := uint64(1)
	for userCPU()-start < d {
		for range 100000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

var sink uint64

func TestProcsGovernorOnlyOne(t *testing.T) {
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	if g := newProcsGovernor(1, discard); g != nil {
		g.release()
		t.Error("a governor for one loop")
	}
	if governed.Load() {
		t.Skip("a server of this process governs GOMAXPROCS")
	}
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	first := newProcsGovernor(2, discard)
	if first == nil {
		t.Fatal("no governor for 2 loops")
	}
	if g := newProcsGovernor(2, discard); g != nil {
		g.release()
		t.Error("a second governor while one governs")
	}
	first.release()
	if g := newProcsGovernor(2, discard); g == nil {
		t.Error("no governor once the first was released")
	} else {
		g.release()
	}
	t.Setenv("GOMAXPROCS", "2")
	if g := newProcsGovernor(2, discard); g != nil {
		g.release()
		t.Error("a governor although the environment sets GOMAXPROCS")
	}
}
