package loadgen

import (
	"context"
	"fmt"
	"sync"
)

// prefillBatch is how many SETs a client pipelines while filling the key
// space; filling is not measured, so it uses deep pipelines whatever
// --pipeline says.
const prefillBatch = 256

// prefill SETs every key once, the clients sharing the key space by index
// modulo the client count. Values and TTL are the workload's.
func prefill(ctx context.Context, clients []*client) error {
	errs := make([]error, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { errs[i] = c.fill(ctx, uint64(i), uint64(len(clients))) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("prefill: %w", err)
		}
	}
	return nil
}

// fill SETs keys first, first+step, first+2*step, ...
func (c *client) fill(ctx context.Context, first, step uint64) error {
	keys := uint64(c.cfg.Keys)
	for i := first; i < keys; {
		if err := ctx.Err(); err != nil {
			return err
		}
		for n := 0; n < prefillBatch && i < keys; n, i = n+1, i+step {
			c.key = appendKey(c.key[:0], c.cfg.KeyPrefix, i)
			c.pipe.Set(ctx, string(c.key), c.values.pick(c.rng), c.cfg.TTL)
		}
		if _, err := c.pipe.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
