package set

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkSetAdd is redis-benchmark's SADD workload: "element:N" for
// random N below 100000 into one set that already holds most of them.
func BenchmarkSetAdd(b *testing.B) {
	ms := make([][]byte, 100000)
	for i := range ms {
		ms[i] = []byte("element:" + strconv.Itoa(i))
	}
	r := rand.New(rand.NewPCG(1, 2))
	s := New()
	for range 200000 {
		s.Add(ms[r.IntN(len(ms))], 512)
	}
	b.ResetTimer()
	for b.Loop() {
		s.Add(ms[r.IntN(len(ms))], 512)
	}
}
