package zset

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// benchLimits are the default thresholds: a set of 100k members is in
// the large form.
var benchLimits = Limits{MaxEntries: 128, MaxValue: 64}

// benchMembers are redis-benchmark's ZADD members, "element:N" for N
// below 100000.
func benchMembers() [][]byte {
	ms := make([][]byte, 100000)
	for i := range ms {
		ms[i] = []byte("element:" + strconv.Itoa(i))
	}
	return ms
}

// benchSet is a large set filled as redis-benchmark's ZADD fills it:
// random members with random integer scores, until it holds about n.
func benchSet(ms [][]byte, r *rand.Rand, n int) *ZSet {
	z := New()
	for z.Len() < n {
		z.Add(ms[r.IntN(len(ms))], float64(r.IntN(100000)), 0, benchLimits)
	}
	return z
}

// BenchmarkZSetAdd is redis-benchmark's ZADD workload on a set already
// grown to 100k members: nearly every Add moves a member to a new score.
func BenchmarkZSetAdd(b *testing.B) {
	ms := benchMembers()
	r := rand.New(rand.NewPCG(1, 2))
	z := benchSet(ms, r, 99000)
	b.ResetTimer()
	for b.Loop() {
		z.Add(ms[r.IntN(len(ms))], float64(r.IntN(100000)), 0, benchLimits)
	}
}

// BenchmarkZSetInsert builds a 100k-member set from empty.
func BenchmarkZSetInsert(b *testing.B) {
	ms := benchMembers()
	r := rand.New(rand.NewPCG(1, 2))
	scores := make([]float64, len(ms))
	for i := range scores {
		scores[i] = float64(r.IntN(100000))
	}
	b.ReportAllocs()
	for b.Loop() {
		z := New()
		for i, m := range ms {
			z.Add(m, scores[i], 0, benchLimits)
		}
	}
}

// BenchmarkZSetScore looks members up in a 100k-member set (ZSCORE).
func BenchmarkZSetScore(b *testing.B) {
	ms := benchMembers()
	r := rand.New(rand.NewPCG(1, 2))
	z := benchSet(ms, r, 99000)
	for b.Loop() {
		z.Score(ms[r.IntN(len(ms))])
	}
}

// BenchmarkZSetRank ranks members of a 100k-member set (ZRANK).
func BenchmarkZSetRank(b *testing.B) {
	ms := benchMembers()
	r := rand.New(rand.NewPCG(1, 2))
	z := benchSet(ms, r, 99000)
	for b.Loop() {
		z.Rank(ms[r.IntN(len(ms))])
	}
}
