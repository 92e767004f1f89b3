package zset

import (
	"fmt"
	"runtime"
	"testing"
)

// TestSizeBytes compares SizeBytes with what the sets really take on the
// heap, measured with the runtime's statistics: within 20%.
func TestSizeBytes(t *testing.T) {
	lim := Limits{MaxEntries: 128, MaxValue: 64}
	cases := []struct {
		name           string
		sets, members  int
		memberLen      int
		removeFraction int // remove every nth member after building, 0: none
	}{
		{"compact small", 20000, 5, 8, 0},
		{"compact full", 200, 128, 16, 0},
		{"compact shrunk", 200, 128, 16, 2},
		{"skiplist", 20, 2000, 16, 0},
		{"skiplist long members", 20, 1000, 100, 0},
		{"skiplist mostly removed", 20, 2000, 16, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sets := make([]*ZSet, tc.sets)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := range sets {
				z := New()
				for j := range tc.members {
					m := fmt.Sprintf("%0*d", tc.memberLen, j)
					z.Add([]byte(m), float64(j%7)+0.5, 0, lim)
				}
				if tc.removeFraction > 0 {
					for j := range tc.members {
						if j%tc.removeFraction != 0 {
							z.Remove([]byte(fmt.Sprintf("%0*d", tc.memberLen, j)))
						}
					}
				}
				sets[i] = z
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			var estimate int64
			for _, z := range sets {
				estimate += z.SizeBytes()
			}
			real := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			ratio := float64(estimate) / float64(real)
			t.Logf("%s (%s): estimate %d, heap %d, ratio %.3f", tc.name, sets[0].Encoding(), estimate, real, ratio)
			if ratio < 0.8 || ratio > 1.2 {
				t.Errorf("SizeBytes is %.0f%% of the heap used", ratio*100)
			}
			runtime.KeepAlive(sets)
		})
	}
}
