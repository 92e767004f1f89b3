package engine

import (
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/slab"
)

// Options configure an Engine.
type Options struct {
	// Databases is the number of logical databases (the databases config).
	Databases int
	// Shards per database; rounded up to a power of two. Zero picks
	// 4 × GOMAXPROCS: a script holds its keys' shards for its whole run
	// (microseconds, not a command's hundred nanoseconds), and with two
	// event loops running scripts on random keys, 4 shards had the loops
	// spinning on each other's shard locks (EVALSHA at -P 16 ran 15-30 %
	// faster on 8 or 16; docs/benchmarks.md).
	Shards int
	// Clock defaults to the system clock.
	Clock Clock
}

// Engine is the keyspace of one node: its databases and their counters.
type Engine struct {
	dbs []*DB
	// baseline is the heap in use when the engine was made, the part of
	// used_memory that is not data.
	baseline atomic.Int64
	eviction atomicEviction
	evicted  atomic.Int64
	// exceededSince (ns from monoBase, +1 so that 0 means none) and
	// exceededTotal time used memory over maxmemory (evict.go).
	exceededSince, exceededTotal atomic.Int64
	// dataset is the sum of every shard's used bytes (memory.go).
	dataset atomic.Int64
	// evictMu lets one command at a time evict, so that concurrent writers
	// do not all empty the pool for the same shortfall.
	evictMu sync.Mutex
	pool    evictionPool
	watch   watchRegistry
	// expireNext is the shard (db × shards + shard) where the active
	// expiry cycle resumes; only that cycle's goroutine uses it.
	expireNext int
	// expireCycleUs is the wall time the active expiry cycles took, in
	// microseconds (INFO's expire_cycle_cpu_milliseconds);
	// activeExpiryOff stops the cycle (DEBUG SET-ACTIVE-EXPIRE 0).
	expireCycleUs   atomic.Int64
	activeExpiryOff atomic.Bool
	shardBits       int
	clock           Clock
	// onDrop is told of keys the engine removes by itself (effects.go).
	onDrop DropHook
	// notices is told of expired, evicted, new and missed keys (notice.go).
	notices keyNotices
	// snapshot is the snapshot being taken, if any (snapshot.go).
	snapshot atomic.Pointer[Snapshot]
	// replica is set while the node is a replica (replica.go).
	replica atomic.Bool
	// paused holds expiry and eviction while clients are paused
	// (replica.go).
	paused atomic.Bool
}

// Stats are the keyspace counters INFO stats reports.
type Stats struct {
	Hits, Misses, ExpiredKeys, EvictedKeys int64
	// ExpireCycleTime is the time spent in active expiry cycles.
	ExpireCycleTime time.Duration
}

// New returns an empty keyspace.
func New(opts Options) *Engine {
	if opts.Databases <= 0 {
		opts.Databases = 16
	}
	if opts.Shards <= 0 {
		opts.Shards = min(4*runtime.GOMAXPROCS(0), 4096) // the shards config's limit
	}
	shardBits := bits.Len(uint(opts.Shards - 1))
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	e := &Engine{shardBits: shardBits, clock: opts.Clock}
	e.baseline.Store(heapInUse())
	e.eviction.Store(&EvictionSettings{Policy: NoEviction, Samples: 5, LFULogFactor: 10, LFUDecayTime: 1})
	for i := range opts.Databases {
		e.dbs = append(e.dbs, newDB(e, i))
	}
	return e
}

// Clock returns the engine's clock.
func (e *Engine) Clock() Clock { return e.clock }

// NowMs returns the engine's time in Unix ms given wallMs, the time the
// caller read from the system clock; an engine with an injected clock
// ignores wallMs.
func (e *Engine) NowMs(wallMs int64) int64 {
	if _, system := e.clock.(SystemClock); system {
		return wallMs
	}
	return e.clock.NowMs()
}

// NumDBs returns the number of databases.
func (e *Engine) NumDBs() int { return len(e.dbs) }

// DB returns database i; i must be in range.
func (e *Engine) DB(i int) *DB { return e.dbs[i] }

// Stats sums the counters of every shard.
func (e *Engine) Stats() Stats {
	var s Stats
	e.eachShard(func(sh *shard) {
		s.Hits += sh.hits.Load()
		s.Misses += sh.misses.Load()
		s.ExpiredKeys += sh.expired.Load()
	})
	s.EvictedKeys = e.evicted.Load()
	s.ExpireCycleTime = time.Duration(e.expireCycleUs.Load()) * time.Microsecond
	return s
}

// ResetStats zeroes the counters (CONFIG RESETSTAT).
func (e *Engine) ResetStats() {
	e.eachShard(func(sh *shard) {
		sh.hits.Store(0)
		sh.misses.Store(0)
		sh.expired.Store(0)
	})
	e.evicted.Store(0)
	e.expireCycleUs.Store(0)
	e.exceededTotal.Store(0)
	e.exceededSince.Store(0) // as Redis's resetServerStats: a period under way starts again at the next check
}

// Dirty returns the number of changes made to the keyspace since start,
// the counter behind rdb_changes_since_last_save.
func (e *Engine) Dirty() int64 {
	var n int64
	e.eachShard(func(sh *shard) { n += sh.dirty.Load() })
	return n
}

// eachShard calls fn for every shard of every database, without locking:
// what it reads or writes must be atomics.
func (e *Engine) eachShard(fn func(*shard)) {
	for _, db := range e.dbs {
		for _, sh := range db.shards {
			fn(sh)
		}
	}
}

// DB is one logical database.
type DB struct {
	eng    *Engine
	index  int
	shards []*shard
	// avgTTL is the running estimate of the remaining TTL of expiring
	// keys, in ms, maintained by the active expiry cycle as Redis does.
	avgTTL atomic.Int64
}

// shard holds the keys of the slots whose low bits equal its index. The
// keys of local slot i (global slot i<<shardBits | index) are in slots[i].
type shard struct {
	mu sync.Mutex
	keyspace
	bits int // the engine's shardBits, to find a key's local slot
	db   int // the database's number, for WATCH
	// watch is the engine's WATCH registry, told of every change.
	watch *watchRegistry
	// drop is the engine's drop hook (effects.go).
	drop *DropHook
	// notices are the engine's key notices (notice.go).
	notices *keyNotices
	// snap is the shard's part of a running snapshot, nil when none runs:
	// writers save pre-images through it (snapshot.go).
	snap *shardSnap

	hits, misses, expired, dirty atomic.Int64
	// dataset is the engine's total of every shard's used bytes, which
	// maxmemory reads on every write.
	dataset *atomic.Int64
}

// keyspace is what a shard holds, apart from its lock and counters, so that
// SWAPDB can exchange two shards' contents in one assignment.
type keyspace struct {
	// arena holds the records and the slot tables, outside the Go heap.
	arena slab.Arena
	// slots is made on the first write, so unused databases cost nothing.
	slots []slotIndex
	keys  int
	// objs holds the aggregate values (lists, sets, ...), which stay Go
	// objects; a record names its object by number. objSize is what each
	// was accounted at (Sizer), objBytes their sum.
	objs     []any
	objSize  []int64
	objFree  []uint32
	objBytes int64
	expires  expiryIndex // keys with a TTL, by expiry time
	// shrinkable lists slots whose tables deletions left mostly empty.
	shrinkable []int32
	// compactedAt is the arena's Frees when compactTables last found
	// nothing to move.
	compactedAt uint64
	// payload is the bytes of the keys and values stored.
	payload int64
	// used is the memory accounted to the shard (memory.go).
	used int64
	// scratch encodes a record whose value overlaps its destination.
	scratch []byte
}

func newDB(e *Engine, index int) *DB {
	db := &DB{eng: e, index: index}
	for range 1 << e.shardBits {
		db.shards = append(db.shards, newShard(e, index))
	}
	return db
}

func newShard(e *Engine, db int) *shard {
	return &shard{keyspace: keyspace{expires: newExpiryIndex()}, bits: e.shardBits, db: db, watch: &e.watch, drop: &e.onDrop, notices: &e.notices, dataset: &e.dataset}
}

// changed records a change to key: the dirty counter, and WATCH. The
// caller holds the lock.
func (sh *shard) changed(key []byte) {
	sh.dirty.Add(1)
	sh.watch.touch(sh.db, key)
}

// ensureSlots makes the slot tables before the shard's first write.
func (sh *shard) ensureSlots() {
	if sh.slots == nil {
		sh.slots = make([]slotIndex, SlotCount>>sh.bits)
	}
}

// Index returns the database number.
func (db *DB) Index() int { return db.index }

func (db *DB) shardOfSlot(slot int) int { return slot & (1<<db.eng.shardBits - 1) }

func (db *DB) localSlot(slot int) int { return slot >> db.eng.shardBits }

// Size returns the number of keys, expired ones not yet reclaimed included
// (as DBSIZE counts them in Redis).
func (db *DB) Size() int {
	n := 0
	for _, sh := range db.shards {
		sh.mu.Lock()
		n += sh.keys
		sh.mu.Unlock()
	}
	return n
}

// Expires returns the number of keys with a TTL.
func (db *DB) Expires() int {
	n := 0
	for _, sh := range db.shards {
		sh.mu.Lock()
		n += sh.expires.count
		sh.mu.Unlock()
	}
	return n
}

// AvgTTL returns the estimated average remaining TTL in ms of keys with one.
func (db *DB) AvgTTL() int64 { return db.avgTTL.Load() }

// CountKeysInSlot returns the number of keys in a cluster slot.
func (db *DB) CountKeysInSlot(slot int) int {
	sh := db.shards[db.shardOfSlot(slot)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.slots == nil {
		return 0
	}
	return int(sh.slots[db.localSlot(slot)].count)
}

// ScanSlot calls fn for every key in slot, with the slot's shard locked,
// stopping early if fn returns false. Expired keys are skipped and
// reclaimed, and the drop hook hears of them (the replication stream
// carries them as DEL); a replica skips them but keeps them, for its
// primary's DEL. key and e are valid only during the call.
func (db *DB) ScanSlot(slot int, fn func(key []byte, e *Entry) bool) {
	sh := db.shards[db.shardOfSlot(slot)]
	local := db.localSlot(slot)
	now := db.eng.clock.NowMs()
	replica := db.eng.holdsExpired()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.slots == nil || sh.slots[local].count == 0 {
		return
	}
	var e Entry
	si := &sh.slots[local]
	// removeAt never moves words, and frees the table only with the last
	// key, so the walk re-reads the table after each deletion.
	for pos := 0; si.table != slab.Nil && pos < int(si.size); pos++ {
		word := sh.words(si)[pos]
		if word == wordEmpty || word == wordDeleted {
			continue
		}
		loc := wordLoc(word)
		r := decodeRecord(sh.arena.Bytes(loc))
		if r.expireAt != 0 && r.expireAt <= now {
			if !replica {
				sh.changed(r.key)
				sh.dropped(r.key, KeyExpired)
				sh.deleteAt(local, pos, loc, &r)
				sh.expired.Add(1)
			}
			continue
		}
		sh.fill(&e, loc, &r)
		if !fn(r.key, &e) {
			break
		}
	}
	sh.account()
}
