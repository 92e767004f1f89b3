package hdrhist

// Snapshot is a latency histogram summed from one or more [Counts], to
// answer from. The zero Snapshot is empty.
type Snapshot struct {
	n     [countsCap]int64
	total int64
}

// Add adds c's counts. Durations recorded while it reads may be in or
// out; a later Snapshot sees them.
func (s *Snapshot) Add(c *Counts) {
	for i := range slots {
		if v := int64(c.n[i].Load()); v != 0 {
			s.n[i] += v
			s.total += v
		}
	}
}

// Reset empties s for reuse.
func (s *Snapshot) Reset() { *s = Snapshot{} }

// Total returns the number of durations counted.
func (s *Snapshot) Total() int64 { return s.total }

// ValueAtPercentile returns, in nanoseconds, what Redis 7.0's
// hdr_value_at_percentile does: the highest value equivalent to the
// duration at percentile p (0..100) of those counted (the lowest one for
// p = 0), where the duration at p is the one at rank p/100 × total,
// rounded half up, and at least 1. It returns 0 for an empty Snapshot.
func (s *Snapshot) ValueAtPercentile(p float64) int64 {
	// The explicit conversion rounds the product to a float64 before the
	// addition, as C does; Go may otherwise fuse the two on some targets.
	rank := max(int64(float64(min(p, 100)/100*float64(s.total))+0.5), 1)
	var cum int64
	for i := range slots {
		if cum += s.n[i]; cum >= rank {
			v := valueAtIndex(counterOf(i))
			if p == 0 {
				return lowestEquivalent(v)
			}
			return highestEquivalent(v)
		}
	}
	return 0
}

// Bucket is one step of LATENCY HISTOGRAM's histogram_usec: Count
// durations took at most about Usec microseconds.
type Bucket struct {
	Usec, Count int64
}

// Buckets returns the cumulative distribution LATENCY HISTOGRAM replies,
// as Redis 7.0 walks its histogram with hdr_iter_log_init(iter, h, 1024,
// 2): a step at each power of two from 1024 ns, labelled with the highest
// value equivalent to it in whole microseconds (1, 2, 4, 8, 16, 33, 66,
// 132, ...), counting every duration up to that value; a last step past
// the histogram's range (1073741) counts the rest. Steps that add nothing
// are left out, and the walk ends once every duration is counted.
func (s *Snapshot) Buckets() []Bucket {
	var out []Bucket
	var cum int64
	slot := 0 // the first slot not yet in cum
	for level := int64(1024); cum < s.total; level *= 2 {
		before := cum
		var label int64
		if level < valueAtIndex(countsLen-1) {
			last := countsIndex(level) // the counter that starts at level
			for ; slot < slots && counterOf(slot) <= last; slot++ {
				cum += s.n[slot]
			}
			label = highestEquivalent(level) / 1000
		} else {
			cum = s.total
			label = highestEquivalent(valueAtIndex(countsLen-1)) / 1000
		}
		if cum > before {
			out = append(out, Bucket{Usec: label, Count: cum})
		}
	}
	return out
}
