package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// connectTimeout bounds opening every client's connection.
const connectTimeout = 10 * time.Second

// progressEvery is how often the Progress is told how the run is going.
const progressEvery = 250 * time.Millisecond

// Progress is told how a run goes; `shoal bench` draws a bar with it.
// Run calls it from one goroutine.
type Progress interface {
	// Prefill is called before and after the key space is filled.
	Prefill(keys int, done bool)
	// Update reports the requests sent so far and the current rate.
	Update(elapsed time.Duration, requests int64, opsPerSec float64)
	// Finish is called once, when the measuring stops.
	Finish()
}

// Run connects cfg.Clients clients to cfg.Addr, optionally fills the key
// space, then drives the workload until cfg.Duration has passed,
// cfg.Requests commands were sent, or ctx is cancelled (the result then
// says it was interrupted). progress may be nil.
func Run(ctx context.Context, cfg Config, progress Progress) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Seed == 0 {
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	if progress == nil {
		progress = silent{}
	}
	clients, err := connectAll(ctx, &cfg)
	if err != nil {
		return nil, err
	}
	defer closeAll(clients)
	if cfg.Prefill {
		progress.Prefill(cfg.Keys, false)
		if err := prefill(ctx, clients); err != nil {
			return nil, err
		}
		progress.Prefill(cfg.Keys, true)
	}
	return measure(ctx, &cfg, clients, progress), nil
}

// connectAll opens every client's connection in parallel, so that a run
// starts with all of them ready and a bad address or password fails early.
func connectAll(ctx context.Context, cfg *Config) ([]*client, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	values := newValuePool(cfg.ValueSize, cfg.Seed)
	clients := make([]*client, cfg.Clients)
	errs := make([]error, cfg.Clients)
	var wg sync.WaitGroup
	for i := range clients {
		clients[i] = newClient(cfg, i, cfg.Seed, values)
		wg.Go(func() { errs[i] = clients[i].connect(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			closeAll(clients)
			return nil, fmt.Errorf("can't connect to %s: %w", cfg.Addr, err)
		}
	}
	return clients, nil
}

func closeAll(clients []*client) {
	for _, c := range clients {
		c.close()
	}
}

// measure runs the clients and collects until the run ends.
func measure(ctx context.Context, cfg *Config, clients []*client, progress Progress) *Result {
	b := newBudget(cfg.Requests)
	start := time.Now()
	col := newCollector(clients, start)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() { c.run(b) })
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()

	interrupted := watch(ctx, cfg, b, col, finished, progress)
	col.collect(time.Now(), true)
	progress.Finish()
	return newResult(cfg, col, interrupted)
}

// watch collects every second and reports progress until the clients are
// done, stopping them when the time is up or ctx is cancelled. It reports
// whether ctx cut the run short.
func watch(ctx context.Context, cfg *Config, b *budget, col *collector, finished <-chan struct{}, progress Progress) bool {
	var deadline <-chan time.Time
	if cfg.Duration > 0 {
		timer := time.NewTimer(cfg.Duration)
		defer timer.Stop()
		deadline = timer.C
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	second := time.NewTicker(time.Second)
	defer second.Stop()
	rate := newRateMeter(col.start)
	interrupted := false
	for {
		select {
		case <-finished:
			return interrupted
		case <-deadline:
			b.stop()
		case <-ctx.Done():
			interrupted = !b.stopped.Load()
			b.stop()
			ctx = context.Background() // don't wake up again while clients drain
		case now := <-second.C:
			col.collect(now, false)
		case now := <-tick.C:
			ops := sumOps(col.clients)
			progress.Update(now.Sub(col.start), ops, rate.observe(now, ops))
		}
	}
}

func sumOps(clients []*client) int64 {
	var n int64
	for _, c := range clients {
		t := c.snapshot()
		n += t.ops()
	}
	return n
}

// silent is the Progress used when the caller gives none.
type silent struct{}

func (silent) Prefill(int, bool)                    {}
func (silent) Update(time.Duration, int64, float64) {}
func (silent) Finish()                              {}
