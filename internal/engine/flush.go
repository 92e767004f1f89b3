package engine

import "github.com/shoal-cache/shoal/internal/slab"

// Flush deletes every key of db and returns how many there were.
func (db *DB) Flush() int {
	n := 0
	for i, sh := range db.shards {
		sh.mu.Lock()
		sh.abortSnapshot()
		n += sh.keys
		db.eng.watch.touchWhere(db.index, func(k []byte) bool { return db.shardOfSlot(SlotOf(k)) == i && sh.has(k) })
		sh.reset()
		sh.mu.Unlock()
	}
	db.avgTTL.Store(0)
	return n
}

func (sh *shard) reset() {
	if sh.keys > 0 {
		sh.dirty.Add(int64(sh.keys))
	}
	sh.dataset.Add(-sh.used)
	sh.arena.Reset()
	sh.keyspace = keyspace{expires: newExpiryIndex()}
}

// FlushAll deletes every key of every database.
func (e *Engine) FlushAll() {
	for _, db := range e.dbs {
		db.Flush()
	}
}

// SwapDB exchanges the contents of databases a and b atomically: clients
// connected to a see b's keys from then on (SWAPDB).
func (e *Engine) SwapDB(a, b int) {
	if a == b {
		return
	}
	t := e.NewTxn()
	t.All(e.dbs[a]).All(e.dbs[b]).Acquire()
	defer t.Unlock()
	da, dbb := e.dbs[a], e.dbs[b]
	// A watched key that exists in either database changes: it appears,
	// disappears or gets another value.
	inEither := func(k []byte) bool {
		i := da.shardOfSlot(SlotOf(k))
		return da.shards[i].has(k) || dbb.shards[i].has(k)
	}
	e.watch.touchWhere(a, inEither)
	e.watch.touchWhere(b, inEither)
	for i := range da.shards {
		sa, sb := da.shards[i], dbb.shards[i]
		sa.abortSnapshot()
		sb.abortSnapshot()
		// Handles name their shard: swapping contents (not shards) keeps
		// every lock and counter where the waiting commands expect it.
		sa.keyspace, sb.keyspace = sb.keyspace, sa.keyspace
	}
	da.shards[0].dirty.Add(1) // one change, as Redis counts it
	ttlA := da.avgTTL.Load()
	da.avgTTL.Store(dbb.avgTTL.Load())
	dbb.avgTTL.Store(ttlA)
}

// has reports whether key is stored in the shard, expired or not; the
// caller holds the lock.
func (sh *shard) has(key []byte) bool {
	if sh.slots == nil {
		return false
	}
	_, loc := sh.find(SlotOf(key)>>sh.bits, hashKey(key), key)
	return loc != slab.Nil
}
