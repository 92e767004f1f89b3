package set

import (
	"fmt"
	"runtime"
	"testing"
)

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSizeBytesMatchesHeap builds sets of several shapes and compares
// SizeBytes with what the heap grew by: the estimate must stay within 20%.
func TestSizeBytesMatchesHeap(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("measures the heap of a normal build")
	}
	cases := []struct {
		name   string
		n      int
		member func(i int) string
		remove int // members removed after the adds
	}{
		{"intset 16-bit", 500, func(i int) string { return fmt.Sprint(i) }, 0},
		{"intset 64-bit", 500, func(i int) string { return fmt.Sprint(i << 40) }, 0},
		{"small hashtable", 5, func(i int) string { return fmt.Sprint("member:", i) }, 0},
		{"hashtable short members", 1000, func(i int) string { return fmt.Sprint("m", i) }, 0},
		{"hashtable 40-byte members", 20000, func(i int) string { return fmt.Sprintf("%040d", i) }, 0},
		{"hashtable 200-byte members", 3000, func(i int) string { return fmt.Sprintf("%0200d", i) }, 0},
		{"hashtable after removals", 20000, func(i int) string { return fmt.Sprintf("member:%012d", i) }, 18000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := make([][]byte, c.n)
			for i := range args {
				args[i] = []byte(c.member(i))
			}
			// Enough sets for a megabyte: the runtime's own allocations
			// during the test are noise of a few KB.
			one := NewFor(args[0])
			for _, m := range args {
				one.Add(m, 512)
			}
			reps := int(max(8, 1<<20/one.SizeBytes()))
			sets := make([]*Set, reps)
			before := heapAlloc()
			var est int64
			for r := range sets {
				s := NewFor(args[0])
				for _, m := range args {
					s.Add(m, 512)
				}
				for _, m := range args[:c.remove] {
					s.Remove(m)
				}
				sets[r] = s
				est += s.SizeBytes()
			}
			real := int64(heapAlloc() - before)
			runtime.KeepAlive(sets)
			runtime.KeepAlive(args)
			ratio := float64(est) / float64(real)
			t.Logf("%s: SizeBytes %d, heap %d, ratio %.2f", sets[0].Encoding(), est/int64(reps), real/int64(reps), ratio)
			if ratio < 0.8 || ratio > 1.2 {
				t.Errorf("SizeBytes %d vs heap %d: ratio %.2f", est/int64(reps), real/int64(reps), ratio)
			}
		})
	}
}
