package loadgen

import "sync/atomic"

// budget hands out the run's commands batch by batch: all of them until
// stopped when the run is timed, at most the requested count otherwise.
type budget struct {
	stopped atomic.Bool
	limited bool
	left    atomic.Int64
}

func newBudget(requests int64) *budget {
	b := &budget{limited: requests > 0}
	b.left.Store(requests)
	return b
}

// claim returns how many commands (up to want) the caller may send next;
// 0 means the run is over.
func (b *budget) claim(want int) int {
	if b.stopped.Load() {
		return 0
	}
	if !b.limited {
		return want
	}
	left := b.left.Add(-int64(want))
	switch {
	case left >= 0:
		return want
	case left > -int64(want):
		return want + int(left)
	}
	return 0
}

// stop ends the run: clients finish the batch in flight and return.
func (b *budget) stop() { b.stopped.Store(true) }
