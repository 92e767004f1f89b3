package engine

// Read-only views of the memory accounting (memory.go) for MEMORY USAGE,
// MEMORY STATS and INFO memory.

// Per-key overheads beyond the key's and value's bytes, as accounted:
// KeyOverhead for every key (the entry and its slot-table share, Redis's
// dictEntry plus robj), ExpireOverhead for a key with a TTL (the expiry
// index's entry, Redis's expires dict).
const (
	KeyOverhead    = entryOverhead
	ExpireOverhead = expireOverhead
)

// MemoryUsage returns what the entry stored under a key of keyLen bytes
// costs: the same estimate the engine accounts for it against maxmemory.
func (e *Entry) MemoryUsage(keyLen int) int64 { return e.footprint(keyLen) }

// BaselineMemory returns the heap in use when the engine was made, the
// part of UsedMemory that is not data.
func (e *Engine) BaselineMemory() int64 { return e.baseline.Load() }

// Overhead returns the database's per-key bookkeeping: KeyOverhead for
// each key and ExpireOverhead for each key with a TTL. It is part of
// DatasetBytes, the rest being the keys' and values' own bytes.
func (db *DB) Overhead() (keys, expires int64) {
	return int64(db.Size()) * KeyOverhead, int64(db.Expires()) * ExpireOverhead
}
