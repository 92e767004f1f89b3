package metrics

import (
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// RegisterRuntime registers the Go runtime's and the process's collectors
// on reg. On top of client_golang's default go_* metrics, the Go collector
// exports the runtime's CPU estimates (/cpu/classes/..., such as
// go_cpu_classes_gc_total_cpu_seconds_total and
// go_cpu_classes_total_cpu_seconds_total) and GC cycle counts
// (/gc/cycles/...): two scrapes around a load then tell what share of the
// CPU the garbage collector took, which a heap of millions of keys makes
// worth watching (scripts/bench-resident.sh reports it).
func RegisterRuntime(reg prometheus.Registerer) error {
	gc := collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
		collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/cpu/classes/`)},
		collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/cycles/`)},
	))
	if err := reg.Register(gc); err != nil {
		return err
	}
	return reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
