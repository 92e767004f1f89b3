package node

import (
	"math"
	"os"
	"runtime/debug"
	"slices"

	"github.com/shoal-cache/shoal/internal/config"
	"github.com/shoal-cache/shoal/internal/engine"
)

// applyMemorySettings hands the maxmemory directives to the engine and
// derives Go's memory limit from maxmemory. It runs at start and after
// every CONFIG SET.
func (n *Node) applyMemorySettings() {
	cfg := n.cfg
	policy := slices.Index(engine.PolicyNames, cfg.String("maxmemory-policy"))
	s := engine.EvictionSettings{
		MaxMemory:     cfg.Int("maxmemory"),
		Policy:        engine.Policy(max(policy, 0)),
		Samples:       int(min(cfg.Int("maxmemory-samples"), 64)),
		Tenacity:      int(cfg.Int("maxmemory-eviction-tenacity")),
		ReplicaIgnore: cfg.Bool("replica-ignore-maxmemory"),
		LFULogFactor:  int(cfg.Int("lfu-log-factor")),
		LFUDecayTime:  int(cfg.Int("lfu-decay-time")),
	}
	n.engine.SetEviction(s)
	if limit, ok := goMemoryLimit(cfg); ok {
		debug.SetMemoryLimit(limit)
	}
}

// goMemoryLimit derives GOMEMLIMIT from maxmemory. Strings live outside
// the Go heap (internal/slab) and are not under the limit; what is on the
// heap is the aggregates, which may grow to maxmemory, and the buffers.
// The collector gets half as much again (plus room for buffers) before it
// must run harder, so the heap stays near 1.5 × its data instead of the
// 2 × that GOGC=100 alone allows. An explicit GOMEMLIMIT in the
// environment wins; without maxmemory there is no limit.
func goMemoryLimit(cfg *config.Config) (int64, bool) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	maxmemory := cfg.Int("maxmemory")
	if maxmemory == 0 {
		return math.MaxInt64, true
	}
	const headroom = 64 << 20
	if maxmemory > (math.MaxInt64-headroom)/3*2 {
		return math.MaxInt64, true
	}
	return maxmemory + maxmemory/2 + headroom, true
}
