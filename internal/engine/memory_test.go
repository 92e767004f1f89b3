package engine

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// TestAccountingTracksHeap loads keys of several shapes and checks that
// the engine's estimate of its data stays within 10 % of what the Go heap
// really grew by.
func TestAccountingTracksHeap(t *testing.T) {
	tests := []struct {
		keys, valueSize int
		ttl             bool
	}{
		{200_000, 100, false},
		{200_000, 10, true},
		{20_000, 4000, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%dB-ttl=%v", tt.keys, tt.valueSize, tt.ttl), func(t *testing.T) {
			runtime.GC()
			before := heapInUse()
			e := New(Options{Databases: 1, Shards: 4})
			txn := e.NewTxn()
			val := make([]byte, tt.valueSize)
			for i := range tt.keys {
				key := []byte(fmt.Sprintf("key:%010d", i))
				v := txn.LockKey(e.DB(0), key)
				var at int64
				if tt.ttl {
					at = v.Now() + 3_600_000
				}
				v.Put(key, NewString(append([]byte(nil), val...)), at)
				txn.Unlock()
			}
			runtime.GC()
			grew := heapInUse() - before
			estimate := e.DatasetBytes()
			ratio := float64(estimate) / float64(grew)
			t.Logf("heap grew %d B, estimate %d B (%.3f), %.1f B/key", grew, estimate, ratio, float64(grew)/float64(tt.keys))
			if ratio < 0.9 || ratio > 1.1 {
				t.Errorf("estimate is %.3f of the heap's growth, want within 10 %%", ratio)
			}
			runtime.KeepAlive(e)
		})
	}
}

// TestEvictionStaysWithinBudget puts a keyspace far past maxmemory at once
// (50,000 keys to evict) and checks that one FreeMemory call with a 1 ms
// budget gives up before it is done, rather than stalling the command that
// called it, and that repeated calls get there.
func TestEvictionStaysWithinBudget(t *testing.T) {
	e := New(Options{Databases: 16, Shards: 4})
	txn := e.NewTxn()
	for i := range 100_000 {
		key := []byte(fmt.Sprintf("key:%d", i))
		v := txn.LockKey(e.DB(0), key)
		v.Put(key, NewString(make([]byte, 100)), 0)
		txn.Unlock()
	}
	// Half the dataset must go; the baseline (the heap when the engine was
	// made) stays.
	e.SetEviction(EvictionSettings{MaxMemory: e.UsedMemory() - e.DatasetBytes()/2, Policy: AllKeysLRU, Samples: 5})
	start := time.Now()
	if !e.FreeMemory(time.Millisecond) {
		t.Fatal("FreeMemory found nothing to evict")
	}
	t.Logf("first call: %v, %d keys evicted", time.Since(start), e.Stats().EvictedKeys)
	if e.Stats().EvictedKeys == 0 || !e.OverMaxMemory() {
		t.Fatalf("one call evicted %d keys and left memory over the limit: %v; want some, and a stop at the budget",
			e.Stats().EvictedKeys, e.OverMaxMemory())
	}
	for e.OverMaxMemory() {
		if !e.FreeMemory(time.Millisecond) {
			t.Fatalf("over maxmemory with %d keys and nothing evictable", e.DB(0).Size())
		}
	}
	if n := e.DB(0).Size(); n > 55_000 || n < 45_000 {
		t.Fatalf("%d keys left after evicting down to half the memory", n)
	}
}
