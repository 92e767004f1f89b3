package engine

import "runtime/metrics"

// Memory accounting. The engine keeps a running estimate of the memory
// its data takes, per shard, updated on every change: maxmemory decisions
// need it on every write, far too often to ask the Go runtime, whose heap
// figure also counts garbage not yet collected. The estimate is checked
// against the live heap in tests (TestAccountingTracksHeap).

// Per-key costs beyond the key's and value's bytes, measured on amd64 with
// Go 1.26 maps: the Entry struct and its allocation class, the slot
// table's share (string header, pointer, control byte, and the slack of a
// table between growths), and the expiry bucket's string header (and its slice's growth slack) for a key with a TTL.
const (
	entryOverhead  = 128
	expireOverhead = 18
)

// footprint is what the entry stored under a key of keyLen bytes costs.
func (e *Entry) footprint(keyLen int) int64 {
	n := int64(entryOverhead + allocSize(keyLen) + allocSize(cap(e.Str)))
	if e.expireAt != 0 {
		n += expireOverhead
	}
	if s, ok := e.Obj.(Sizer); ok {
		n += s.SizeBytes()
	}
	return n
}

// Sizer is implemented by aggregate values so that they are accounted for.
type Sizer interface {
	SizeBytes() int64
}

// allocSize rounds a byte slice's capacity the way small allocations are
// rounded (16-byte steps up to 1 KB, 128 beyond), near enough for an
// estimate.
func allocSize(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 1024:
		return (n + 15) &^ 15
	}
	return (n + 127) &^ 127
}

// account recomputes what e costs under key and moves the shard's total by
// the difference. The caller holds the shard lock.
func (sh *shard) account(e *Entry, keyLen int) {
	n := e.footprint(keyLen)
	sh.grow(n - int64(e.size))
	e.size = int32(min(n, 1<<31-1))
}

// grow moves the shard's total, and the engine's, by delta bytes.
func (sh *shard) grow(delta int64) {
	sh.used += delta
	sh.dataset.Add(delta)
}

// unaccount removes e's cost from the shard's total.
func (sh *shard) unaccount(e *Entry) {
	sh.grow(-int64(e.size))
	e.size = 0
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
