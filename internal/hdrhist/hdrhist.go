// Package hdrhist keeps command latencies as redis-server 7.0 keeps them
// for INFO latencystats and LATENCY HISTOGRAM: an HdrHistogram from 1 ns
// to 1 s with 2 significant digits (Redis's LATENCY_HISTOGRAM_MIN_VALUE,
// LATENCY_HISTOGRAM_MAX_VALUE and LATENCY_HISTOGRAM_PRECISION), fed each
// command's duration in whole microseconds times 1000, clamped to that
// range. The same durations give the same percentiles and buckets, to the
// digit, as Redis's.
//
// # Layout
//
// Such an HdrHistogram has 3072 counters (24 KiB): bucket 0 counts values
// 0..255 one by one, and bucket k ≥ 1 counts [128·2^k, 256·2^k) in 128
// sub-buckets 2^k wide. Durations arrive in whole microseconds, so most
// of those counters are never hit: below 132 µs sub-buckets are narrower
// than a microsecond and each microsecond has its own, from 132 µs up
// every counter can be. [Counts] keeps only those, 1779 slots (14 KiB), in
// the HdrHistogram's order; [Snapshot] answers from them as the
// HdrHistogram would.
//
// Adding to [Counts] is one atomic add and takes no lock: the caller
// keeps one per event loop (package stripe) and sums them when read.
package hdrhist

import (
	"math/bits"
	"sync/atomic"
)

// The HdrHistogram's parameters, as hdr_init derives them from a lowest
// discernible value of 1, a highest trackable value of 1e9 and 2
// significant digits.
const (
	minValue     = 1   // ns
	maxValue     = 1e9 // ns
	halfCountLog = 7   // log2 of the sub-buckets in the upper half of a bucket
	halfCount    = 1 << halfCountLog
	subBucketMax = 2*halfCount - 1 // the sub-bucket mask
	countsLen    = 3072            // (bucket count 23 + 1) × 128
)

// dedicated is the first duration, in µs, whose counter may be shared:
// below it sub-buckets are narrower than a microsecond.
const dedicated = 132

// sharedBase maps the counters from dedicated µs on to slots: slot =
// counter index − sharedBase, where countsIndex(dedicated×1000) is 1408
// (TestLayout checks both constants).
const sharedBase = 1408 - dedicated

// slots is the number of counters a duration in whole microseconds can
// hit: up to countsIndex(maxValue), 3054.
const slots = 3054 - sharedBase + 1

// countsCap is slots rounded up so that a Counts is 14336 bytes, one of
// the allocator's size classes and a multiple of a cache line: allocated
// alone, a Counts starts on a line and shares none with another's.
const countsCap = 1792

// Counts is one event loop's share of a command's latency histogram.
// Allocate it alone (new(Counts)).
type Counts struct {
	n [countsCap]atomic.Uint64
}

// Record counts one duration of us microseconds.
func (c *Counts) Record(us int64) { c.n[slotOf(us)].Add(1) }

// slotOf returns the slot of a duration of us microseconds: the duration
// itself below dedicated, else the HdrHistogram counter of us×1000 ns,
// clamped to maxValue. A negative duration (none is) counts as the
// longest.
func slotOf(us int64) int {
	if uint64(us) < dedicated {
		return int(us)
	}
	return sharedSlot(uint64(us))
}

// sharedSlot is slotOf from dedicated µs on.
func sharedSlot(u uint64) int {
	v := min(u, maxValue/1000) * 1000
	b := bits.Len64(v) - (halfCountLog + 1)
	// countsIndex, with the bucket's base and offset folded together.
	return b<<halfCountLog + int(v>>b) - sharedBase
}

// counterOf returns the HdrHistogram counter a slot stands for.
func counterOf(slot int) int {
	if slot < dedicated {
		return countsIndex(max(int64(slot)*1000, minValue))
	}
	return slot + sharedBase
}

// bucketIndex, subBucketIndex, countsIndex, valueAtIndex and the
// equivalent values are hdr_histogram.c's, for this histogram's
// parameters (unit magnitude 0).

func bucketIndex(v int64) int {
	return bits.Len64(uint64(v)|subBucketMax) - (halfCountLog + 1)
}

func countsIndex(v int64) int {
	b := bucketIndex(v)
	sub := int(v >> b)
	return (b+1)<<halfCountLog + sub - halfCount
}

// valueAtIndex is the lowest value counter i counts.
func valueAtIndex(i int) int64 {
	b := i>>halfCountLog - 1
	sub := i&(halfCount-1) + halfCount
	if b < 0 {
		sub -= halfCount
		b = 0
	}
	return int64(sub) << b
}

func lowestEquivalent(v int64) int64 {
	b := bucketIndex(v)
	return v >> b << b
}

func highestEquivalent(v int64) int64 {
	return lowestEquivalent(v) + 1<<bucketIndex(v) - 1
}
