package hdrhist

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// refHist is hdr_histogram.c as Redis 7.0 builds and reads it, written
// out step by step over the full 3072 counters: the model Counts and
// Snapshot must agree with.
type refHist struct {
	counts [countsLen]int64
	total  int64
}

// The configuration hdr_calculate_bucket_config derives from (1, 1e9, 2).
func refConfig() (halfMag, bucketCount, countsLen int) {
	largestSingleUnit := 2 * 100 // 2 × 10^significant figures
	subBucketCountMag := int(math.Ceil(math.Log(float64(largestSingleUnit)) / math.Log(2)))
	halfMag = subBucketCountMag - 1
	subBucketCount := 1 << (halfMag + 1)
	smallestUntrackable, buckets := int64(subBucketCount), 1
	for smallestUntrackable <= maxValue {
		smallestUntrackable <<= 1
		buckets++
	}
	return halfMag, buckets, (buckets + 1) * subBucketCount / 2
}

func refIndex(v int64) int {
	pow2ceiling := 64 - bits.LeadingZeros64(uint64(v|255))
	bucket := pow2ceiling - 0 - (7 + 1)
	sub := int(v >> bucket)
	return (bucket+1)<<7 + sub - 128
}

// record is updateCommandLatencyHistogram(h, us*1000).
func (h *refHist) record(us int64) {
	v := min(max(us*1000, minValue), maxValue)
	h.counts[refIndex(v)]++
	h.total++
}

// valueAtPercentile is Redis 7.0's hdr_value_at_percentile.
func (h *refHist) valueAtPercentile(p float64) int64 {
	req := p
	if req > 100 {
		req = 100
	}
	count := int64(float64(req/100*float64(h.total)) + 0.5)
	if count < 1 {
		count = 1
	}
	var cum int64
	value := int64(0)
	for i := range countsLen {
		cum += h.counts[i]
		if cum >= count {
			value = valueAtIndex(i)
			break
		}
	}
	if p == 0 {
		return lowestEquivalent(value)
	}
	return highestEquivalent(value)
}

// buckets is fillCommandCDF: hdr_iter_log_init(&iter, h, 1024, 2) and
// the loop over it, with hdr_iter_next's log_iter_next as written.
func (h *refHist) buckets() []Bucket {
	idx, cum, value, hev := -1, int64(0), int64(0), int64(0)
	level := int64(1024)
	levelLow := lowestEquivalent(level)
	moveNext := func() bool {
		idx++
		if idx >= countsLen {
			return false
		}
		cum += h.counts[idx]
		value = valueAtIndex(idx)
		hev = highestEquivalent(value)
		return true
	}
	next := func() bool {
		if !(cum < h.total || idx < countsLen && valueAtIndex(idx+1) > levelLow) {
			return false
		}
		for {
			if value >= levelLow {
				level *= 2
				levelLow = lowestEquivalent(level)
				return true
			}
			if !moveNext() {
				return true
			}
		}
	}
	var out []Bucket
	prev := int64(0)
	for next() {
		if cum > prev {
			out = append(out, Bucket{Usec: hev / 1000, Count: cum})
		}
		prev = cum
	}
	return out
}

func TestLayout(t *testing.T) {
	halfMag, buckets, n := refConfig()
	if halfMag != halfCountLog || buckets != 23 || n != countsLen {
		t.Fatalf("hdr config: half magnitude %d, %d buckets, %d counters", halfMag, buckets, n)
	}
	if got := countsIndex(dedicated * 1000); got != sharedBase+dedicated {
		t.Fatalf("countsIndex(%d µs) = %d, sharedBase+dedicated = %d", dedicated, got, sharedBase+dedicated)
	}
	if got := countsIndex(maxValue); got != slots-1+sharedBase {
		t.Fatalf("countsIndex(1 s) = %d, want %d", got, slots-1+sharedBase)
	}
	// Below dedicated each microsecond has a counter of its own.
	for us := int64(1); us < dedicated; us++ {
		if countsIndex(us*1000) == countsIndex((us-1)*1000+1) {
			t.Fatalf("%d µs shares a counter with %d µs", us, us-1)
		}
	}
	if slots > countsCap || unsafe.Sizeof(Counts{}) != 14336 {
		t.Fatalf("%d slots, Counts is %d bytes", slots, unsafe.Sizeof(Counts{}))
	}
	prev := -1
	for us := int64(0); us <= 1_100_000; us++ {
		s := slotOf(us)
		v := min(max(us*1000, minValue), maxValue)
		if s < prev || s >= slots || counterOf(s) != refIndex(v) {
			t.Fatalf("slotOf(%d µs) = %d (counter %d), after %d; want counter %d", us, s, counterOf(s), prev, refIndex(v))
		}
		prev = s
	}
	if s := slotOf(-1); s != slots-1 {
		t.Fatalf("slotOf(-1) = %d", s)
	}
}

// TestKnownValues are answers redis-server 7.0 gave for these durations.
func TestKnownValues(t *testing.T) {
	for _, tc := range []struct {
		us   []int64
		p    float64
		want int64
	}{
		{[]int64{4}, 50, 4015},
		{[]int64{2}, 99.9, 2007},
		{[]int64{116}, 50, 116223},
		{[]int64{91, 10130}, 50, 91135},
		{[]int64{91, 10130}, 99, 10158079},
		{[]int64{12}, 0, 11968},
		{[]int64{12}, 1e-7, 12031},
		{[]int64{0}, 50, 1},
	} {
		var c Counts
		for _, us := range tc.us {
			c.Record(us)
		}
		var s Snapshot
		s.Add(&c)
		if got := s.ValueAtPercentile(tc.p); got != tc.want {
			t.Errorf("%v at p%v = %d ns, want %d", tc.us, tc.p, got, tc.want)
		}
	}
	var c Counts
	c.Record(1)
	c.Record(130)
	c.Record(16000)
	var s Snapshot
	s.Add(&c)
	want := []Bucket{{1, 1}, {132, 2}, {16908, 3}}
	if got := s.Buckets(); !equalBuckets(got, want) {
		t.Errorf("Buckets = %v, want %v", got, want)
	}
}

func equalBuckets(a, b []Bucket) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMatchesRedis records the same durations in Counts (spread over
// several, as stripes are) and in the model, and compares every answer.
func TestMatchesRedis(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	percentiles := []float64{0, 1e-7, 0.0078125, 1, 12.5, 50, 90, 99, 99.9, 99.99, 99.99999999, 100}
	dists := map[string]func() int64{
		"fast":      func() int64 { return rng.Int64N(20) },
		"around132": func() int64 { return 100 + rng.Int64N(80) },
		"log":       func() int64 { return int64(math.Exp(rng.Float64() * math.Log(3e6))) },
		"beyond 1s": func() int64 { return 900_000 + rng.Int64N(300_000) },
		"one":       func() int64 { return 4 },
	}
	for name, dist := range dists {
		for _, n := range []int{1, 2, 3, 10, 1000, 20000} {
			var ref refHist
			var stripes [3]Counts
			for i := range n {
				us := dist()
				ref.record(us)
				stripes[i%3].Record(us)
			}
			var s Snapshot
			for i := range stripes {
				s.Add(&stripes[i])
			}
			if s.Total() != ref.total {
				t.Fatalf("%s/%d: total %d, want %d", name, n, s.Total(), ref.total)
			}
			for _, p := range percentiles {
				if got, want := s.ValueAtPercentile(p), ref.valueAtPercentile(p); got != want {
					t.Errorf("%s/%d: p%v = %d, want %d", name, n, p, got, want)
				}
			}
			if got, want := s.Buckets(), ref.buckets(); !equalBuckets(got, want) {
				t.Errorf("%s/%d: Buckets\n got %v\nwant %v", name, n, got, want)
			}
		}
	}
}

func TestRecordAllocates(t *testing.T) {
	c := new(Counts)
	if n := testing.AllocsPerRun(100, func() { c.Record(57) }); n != 0 {
		t.Fatalf("Record allocates %v times", n)
	}
}

func BenchmarkRecord(b *testing.B) {
	c := new(Counts)
	us := []int64{1, 2, 3, 150, 2, 1, 40, 3}
	i := 0
	for b.Loop() {
		c.Record(us[i&7])
		i++
	}
}
