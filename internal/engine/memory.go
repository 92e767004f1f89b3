package engine

import (
	"runtime/metrics"

	"github.com/shoal-cache/shoal/internal/slab"
)

// Memory accounting. Each shard keeps the memory its data takes, updated
// on every change: maxmemory decisions need it on every write, far too
// often to ask the runtime. It is exact for what the shard owns outside
// the Go heap (the arena's chunks in use: records and slot tables) and an
// estimate for the rest (aggregates' Sizer figures; the expiry index,
// from its buckets' capacities and its map's slots).

// account recomputes the shard's used bytes and moves the engine's total
// by the difference. The caller holds the shard lock.
func (sh *shard) account() {
	n := sh.arena.Used() + sh.objBytes + sh.expires.sizeBytes()
	if n == sh.used {
		// No add: even an add of 0 takes the shared total's cache line
		// from whichever core wrote last, and most in-place writes
		// (INCR, SET of a same-sized value) change no size.
		return
	}
	sh.dataset.Add(n - sh.used)
	sh.used = n
}

// Sizer is implemented by aggregate values so that they are accounted for.
type Sizer interface {
	SizeBytes() int64
}

// indexShareBytes is a key's share of its slot's table: a word, in tables
// kept between 3/8 and 13/16 full.
const indexShareBytes = 16

// footprint is what e, a stored entry, costs: its record's chunk, its
// share of a slot table, its share of the expiry index and its aggregate.
func (e *Entry) footprint() int64 {
	if e.loc == slab.Nil {
		return 0
	}
	n := int64(e.sh.arena.Size(e.loc)) + indexShareBytes
	if x := &e.sh.expires; e.expireAt != 0 && x.count > 0 {
		// The average over the shard's keys with a TTL, so that MEMORY
		// USAGE summed over the keys is what the shard accounts.
		n += x.sizeBytes() / int64(x.count)
	}
	if e.Kind != KindString {
		n += e.sh.objSize[e.objID]
	}
	return n
}

// DatasetBytes returns the estimated memory taken by the keys and values
// of every database.
func (e *Engine) DatasetBytes() int64 {
	return e.dataset.Load()
}

// UsedMemory is INFO's used_memory: the memory the process had in use
// when the engine started (runtime, code, buffers) plus the dataset.
func (e *Engine) UsedMemory() int64 { return e.baseline.Load() + e.DatasetBytes() }

// MarkBaseline records the heap in use now as the part of used_memory that
// is not data. The node calls it once it has started (listener, event
// loops, buffers), so that an empty node reports what it really uses.
func (e *Engine) MarkBaseline() {
	e.baseline.Store(max(heapInUse()-e.DatasetBytes(), 0))
}

// heapInUse reads the bytes of live and not yet swept heap objects.
func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
