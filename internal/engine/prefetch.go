package engine

import (
	"bytes"

	"github.com/shoal-cache/shoal/internal/slab"
)

// Prefetching. A lookup reads three places in turn, each depending on the
// one before: the slot's table header, the table's word for the key, and
// the record the word points to. With a dataset larger than the CPU's
// caches each is a cache miss, and one after another they are most of
// the cost of a GET or INCR. A pipelined batch names its keys before any
// of its commands run, so Prefetch reads the batch's keys level by level:
// every key's header, then every key's word, then every record, and the
// loads of one level, independent of each other, are waited for together
// instead of one at a time. The commands then find what they need in the
// cache. (Redis 8 does the same for batches its I/O threads parse.)

// maxPrefetch is the most keys one Prefetch reads: beyond a pipeline of
// 32 the first keys' lines may be evicted before their commands run.
const maxPrefetch = 32

// maxPrefetchKey is the longest key Prefetch reads ahead.
const maxPrefetchKey = 1024

// prefetchKey is one key on its way through the levels.
type prefetchKey struct {
	sh    *shard
	local int
	h     uint64
	word  int // position of the key's first word, -1 once done
	w     []uint64
}

// Prefetch brings into the cache what looking up keys in db reads, for
// keys that commands are about to look up. It reads under each shard's
// lock, taken only if free: a shard another command holds is skipped,
// never waited for. It changes nothing.
func (db *DB) Prefetch(keys [][]byte) {
	if len(keys) < 2 {
		return // one lookup has nothing to overlap with
	}
	var ks [maxPrefetch]prefetchKey
	n := 0
	for i, k := range keys {
		if n == maxPrefetch {
			break
		}
		if i > 0 && bytes.Equal(k, keys[i-1]) {
			continue // a pipeline on one key (LPUSH, HSET) has it cached
		}
		if len(k) > maxPrefetchKey {
			continue // hashing it twice costs more than a miss
		}
		slot := SlotOf(k)
		ks[n] = prefetchKey{sh: db.shards[db.shardOfSlot(slot)], local: db.localSlot(slot), h: hashKey(k), word: -1}
		n++
	}
	if n < 2 {
		return
	}
	var sink uint64
	for i := range n {
		sh := ks[i].sh
		if sh == nil {
			continue // done with its shard already
		}
		// A shard another command holds is skipped, for all its keys.
		if sh.mu.TryLock() {
			if sh.slots != nil {
				sink += prefetchShard(sh, ks[i:n])
			}
			sh.mu.Unlock()
		}
		for j := i; j < n; j++ {
			if ks[j].sh == sh {
				ks[j].sh = nil
			}
		}
	}
	keepLoaded(sink)
}

// keepLoaded takes what Prefetch loaded, so that the compiler keeps the
// loads: their values are not needed, only the cache lines they bring.
//
//go:noinline
func keepLoaded(uint64) {}

// prefetchShard reads, level by level, what looking up the keys of ks in
// shard sh reads, returning a sum of what it loaded. The caller holds the
// shard's lock.
func prefetchShard(sh *shard, ks []prefetchKey) uint64 {
	var sink uint64
	// The slot headers.
	for i := range ks {
		if ks[i].sh == sh {
			sink += uint64(sh.slots[ks[i].local].size)
		}
	}
	// Each key's first word.
	for i := range ks {
		k := &ks[i]
		if k.sh != sh {
			continue
		}
		si := &sh.slots[k.local]
		if si.count == 0 {
			continue
		}
		k.w = sh.words(si)
		k.word = si.home(k.h)
		sink += k.w[k.word]
	}
	// The record the word points to, when its tag is the key's: usually
	// the key's own (a lookup compares the key stored there).
	for i := range ks {
		k := &ks[i]
		if k.sh != sh || k.word < 0 {
			continue
		}
		word := k.w[k.word]
		if word == wordEmpty || word == wordDeleted || word&^locMask != k.h&^locMask {
			continue
		}
		if rec := sh.arena.Bytes(slab.Loc(word & locMask)); len(rec) > 0 {
			sink += uint64(rec[0])
		}
	}
	return sink
}
