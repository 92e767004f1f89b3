package loadgen

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestBudgetExactCount checks that concurrent clients claiming batches
// send exactly the requested number of commands, the last batch cut short.
func TestBudgetExactCount(t *testing.T) {
	b := newBudget(1003)
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for n := b.claim(16); n > 0; n = b.claim(16) {
				sent.Add(int64(n))
			}
		})
	}
	wg.Wait()
	if sent.Load() != 1003 {
		t.Errorf("sent %d commands, want 1003", sent.Load())
	}
}

func TestBudgetStop(t *testing.T) {
	b := newBudget(0)
	if n := b.claim(16); n != 16 {
		t.Errorf("unlimited budget gave %d, want 16", n)
	}
	b.stop()
	if n := b.claim(16); n != 0 {
		t.Errorf("stopped budget gave %d, want 0", n)
	}
}
