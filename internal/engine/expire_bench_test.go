package engine

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkActiveExpiry measures how many expired keys the active cycle
// reclaims per second of its own time: 1,000,000 keys, all past their TTL,
// nobody reading them.
func BenchmarkActiveExpiry(b *testing.B) {
	for range b.N {
		b.StopTimer()
		clock := NewManualClock(1_700_000_000_000)
		e := New(Options{Databases: 1, Shards: 4, Clock: clock})
		t := e.NewTxn()
		const n = 1_000_000
		for i := range n {
			key := []byte(fmt.Sprintf("key:%d", i))
			v := t.LockKey(e.DB(0), key)
			v.Put(key, NewString([]byte("value")), clock.NowMs()+1000)
			t.Unlock()
		}
		clock.Advance(2 * time.Second)
		b.StartTimer()
		start := time.Now()
		deleted := 0
		for e.DB(0).Size() > 0 {
			deleted += e.ActiveExpireCycle(25 * time.Millisecond)
		}
		b.ReportMetric(float64(deleted)/time.Since(start).Seconds(), "keys/s")
	}
}
