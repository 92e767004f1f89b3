package server

import (
	"io"
	"log/slog"
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
// user CPU time: an idle window gives the few processors, a window spent
// computing the many, and GOMAXPROCS follows.
func TestProcsGovernorFollowsCPU(t *testing.T) {
	if governed.Load() {
		t.Skip("a server of this process governs GOMAXPROCS")
	}
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	g := newProcsGovernor(2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if g == nil {
		t.Fatal("no governor for 2 loops")
	}
	defer g.release()
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("GOMAXPROCS at start = %d, want 3 (the loops and a spare)", got)
	}
	at := time.Now()
	g.tick(at)
	at = at.Add(governWindow)
	g.tick(at) // next to no CPU in a window's time
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Fatalf("GOMAXPROCS after an idle window = %d, want 1", got)
	}
	spin(governWindow) // a window's time of user CPU
	at = at.Add(governWindow)
	g.tick(at)
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("GOMAXPROCS after a busy window = %d, want 3", got)
	}
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
	t.Setenv("GOMAXPROCS", "2")
	if g := newProcsGovernor(2, discard); g != nil {
		g.release()
		t.Error("a governor although the environment sets GOMAXPROCS")
	}
}
