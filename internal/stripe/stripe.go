// Package stripe holds the counters every event loop adds to on every
// command: calls and time per command, latency buckets, bytes in and out.
// One shared atomic per counter makes each add take the counter's cache
// line from the core that added last, a transfer that costs more than the
// add itself once two loops run at once; a stripe per event loop keeps a
// loop's adds on a line of its own. Readers (INFO, /metrics) sum the
// stripes, so a read costs Count loads and sees every add that finished
// before it.
//
// Any goroutine may add to any stripe: the adds stay atomic, so a stripe
// shared by two goroutines costs speed, never a count.
package stripe

import "sync/atomic"

// Count is the number of stripes. Stripe numbers are taken modulo Count,
// so event loops beyond it share stripes.
const Count = 8

// lineSize is the cache line the stripes are padded to.
const lineSize = 64

// Of maps a loop's number to its stripe.
func Of(n int) int { return n & (Count - 1) }

// Counter is a striped int64. The zero Counter reads 0.
//
// Its stripes are a cache line each only if the Counter starts on one,
// which Go does not promise for a field; allocated alone (new(Counter)),
// a Counter is 512 bytes, one of the allocator's size classes, and such
// objects are laid out at multiples of their size from a page-aligned
// span, so it does (TestNewCounterAligned checks it). Embed one only
// where the loss of that is acceptable.
type Counter struct {
	cells [Count]cell
}

type cell struct {
	v atomic.Int64
	_ [lineSize - 8]byte
}

// Add adds n on stripe s.
func (c *Counter) Add(s int, n int64) { c.cells[Of(s)].v.Add(n) }

// Load returns the sum of the stripes.
func (c *Counter) Load() int64 {
	var sum int64
	for i := range c.cells {
		sum += c.cells[i].v.Load()
	}
	return sum
}

// Reset sets every stripe to 0. Adds that run at the same time may
// survive it, as they would a reset of one atomic that came just before.
func (c *Counter) Reset() {
	for i := range c.cells {
		c.cells[i].v.Store(0)
	}
}
