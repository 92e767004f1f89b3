package metrics_test

import (
	"runtime"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestScrapeGCCPU: /metrics carries the runtime's CPU estimates and GC
// cycle count, and they move with a collection. The runtime updates the
// /cpu/classes figures at the end of each GC cycle, so a forced one (the
// test node runs in this process) must show up in the next scrape.
func TestScrapeGCCPU(t *testing.T) {
	srv := testserver.Start(t, "metrics-addr 127.0.0.1:0")
	const (
		gcCPU  = "go_cpu_classes_gc_total_cpu_seconds_total"
		total  = "go_cpu_classes_total_cpu_seconds_total"
		idle   = "go_cpu_classes_idle_cpu_seconds_total"
		user   = "go_cpu_classes_user_cpu_seconds_total"
		cycles = "go_gc_cycles_total_gc_cycles_total"
	)
	runtime.GC()
	before := scrape(t, srv.Node.MetricsAddr())
	for _, series := range []string{gcCPU, total, idle, user, cycles} {
		if _, ok := before[series]; !ok {
			t.Fatalf("%s is not exported", series)
		}
	}
	garbage := make([][]byte, 0, 1000)
	for range 1000 {
		garbage = append(garbage, make([]byte, 1024))
	}
	runtime.KeepAlive(garbage)
	runtime.GC()
	after := scrape(t, srv.Node.MetricsAddr())
	if after[cycles] <= before[cycles] {
		t.Errorf("%s went from %v to %v across runtime.GC()", cycles, before[cycles], after[cycles])
	}
	if after[gcCPU] <= before[gcCPU] || after[total] <= before[total] {
		t.Errorf("GC CPU %v -> %v s, total %v -> %v s: want both to grow across a collection",
			before[gcCPU], after[gcCPU], before[total], after[total])
	}
	if after[gcCPU] <= 0 || after[gcCPU] > after[total]-after[idle] {
		t.Errorf("GC CPU %v s is not within the %v s the process used (total %v - idle %v)",
			after[gcCPU], after[total]-after[idle], after[total], after[idle])
	}
}
