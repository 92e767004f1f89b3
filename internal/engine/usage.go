package engine

// Read-only views of the memory accounting (memory.go) for MEMORY USAGE,
// MEMORY STATS and INFO memory.

// MemoryUsage returns what e, a stored entry, costs: the same figure the
// engine accounts for it against maxmemory. keyLen is not needed (the
// record holds the key) and is kept for callers' symmetry with Redis.
func (e *Entry) MemoryUsage(keyLen int) int64 { return e.footprint() }

// BaselineMemory returns the heap in use when the engine was made, the
// part of UsedMemory that is not data.
func (e *Engine) BaselineMemory() int64 { return e.baseline.Load() }

// Overhead returns the database's bookkeeping beyond keys and values: the
// slot tables, the records' headers and chunk rounding (keys), and the
// expiry index (expires). It is part of DatasetBytes.
func (db *DB) Overhead() (keys, expires int64) {
	for _, sh := range db.shards {
		sh.mu.Lock()
		keys += sh.overhead()
		expires += sh.expires.sizeBytes() + int64(sh.expires.count)*(headerTTL-headerFixed)
		sh.mu.Unlock()
	}
	return keys, expires
}

// overhead is the shard's arena bytes that are not keys, values or the
// TTL fields of records; the caller holds the lock.
func (sh *shard) overhead() int64 {
	return sh.arena.Used() - sh.payload - int64(sh.expires.count)*(headerTTL-headerFixed)
}
