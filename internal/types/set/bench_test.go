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

// BenchmarkSetBuild adds 100k new members "element:N" to an empty set.
func BenchmarkSetBuild(b *testing.B) {
	ms := make([][]byte, 100000)
	for i := range ms {
		ms[i] = []byte("element:" + strconv.Itoa(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		s := New()
		for _, m := range ms {
			s.Add(m, 512)
		}
	}
}
