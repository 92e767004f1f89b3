package engine

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Policy is a maxmemory-policy: which keys go when memory is full.
type Policy uint8

// The eight policies of Redis, named as its config names them.
const (
	NoEviction Policy = iota
	AllKeysLRU
	AllKeysLFU
	AllKeysRandom
	VolatileLRU
	VolatileLFU
	VolatileRandom
	VolatileTTL
)

// PolicyNames lists the policies in Policy order, as maxmemory-policy spells
// them.
var PolicyNames = []string{"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}

func (p Policy) volatile() bool { return p >= VolatileLRU }
func (p Policy) lfu() bool      { return p == AllKeysLFU || p == VolatileLFU }

// EvictionSettings are the maxmemory directives.
type EvictionSettings struct {
	MaxMemory    int64 // bytes; 0 is no limit
	Policy       Policy
	Samples      int // maxmemory-samples
	Tenacity     int // maxmemory-eviction-tenacity, 0..100
	LFULogFactor int // lfu-log-factor
	LFUDecayTime int // lfu-decay-time, minutes
	// ReplicaIgnore is replica-ignore-maxmemory: in replica mode the
	// engine neither evicts nor reports itself over the limit, its
	// primary's evictions arriving as DELs.
	ReplicaIgnore bool
}

type atomicEviction = atomic.Pointer[EvictionSettings]

// SetEviction applies new maxmemory settings.
func (e *Engine) SetEviction(s EvictionSettings) { e.eviction.Store(&s) }

// Eviction returns the maxmemory settings in force.
func (e *Engine) Eviction() EvictionSettings { return *e.eviction.Load() }

// maxEvictionBudget is the longest a command may spend evicting before it
// runs, whatever maxmemory-eviction-tenacity asks.
const maxEvictionBudget = time.Millisecond

// EvictionBudget is how long one command may spend evicting: Redis's
// evictionTimeLimitUs for maxmemory-eviction-tenacity (50 µs per step up
// to 10, then 15 % more per step), capped at a millisecond so that making
// room never stalls a command for longer. Where Redis would go on evicting
// in a timer, the next write evicts again.
func (s EvictionSettings) EvictionBudget() time.Duration {
	if s.Tenacity <= 10 {
		return time.Duration(max(s.Tenacity, 0)) * 50 * time.Microsecond
	}
	limit := 500 * math.Pow(1.15, float64(s.Tenacity-10)) * float64(time.Microsecond)
	return min(time.Duration(limit), maxEvictionBudget)
}

// OverMaxMemory reports whether a limit is set and used memory exceeds it.
func (e *Engine) OverMaxMemory() bool {
	s := e.eviction.Load()
	return s.MaxMemory > 0 && !e.ignoresMaxMemory(s) && e.UsedMemory() > s.MaxMemory
}

// ignoresMaxMemory reports whether maxmemory does not apply: a replica
// with replica-ignore-maxmemory.
func (e *Engine) ignoresMaxMemory(s *EvictionSettings) bool {
	return s.ReplicaIgnore && e.replica.Load()
}

// OutOfMemory makes room for a command that may grow memory, as Redis's
// performEvictions does before it: it reports whether memory stays over
// maxmemory with nothing the policy may evict (the command gets OOM).
func (e *Engine) OutOfMemory() bool {
	if !e.OverMaxMemory() {
		e.endExceeded()
		return false
	}
	return !e.FreeMemory(e.eviction.Load().EvictionBudget())
}

// FreeMemory evicts keys by the policy until used memory is back under
// maxmemory or budget has passed. It reports false when memory is over the
// limit and the policy has nothing it may evict: the caller answers OOM.
// Running out of budget with keys evicted reports true, as Redis lets the
// command through while eviction is still under way. It must be called
// without any shard lock held.
func (e *Engine) FreeMemory(budget time.Duration) bool {
	s := e.eviction.Load()
	if s.MaxMemory == 0 || e.ignoresMaxMemory(s) || e.UsedMemory() <= s.MaxMemory {
		e.endExceeded()
		return true
	}
	if e.paused.Load() {
		return true // a pause holds the dataset still: Redis evicts nothing then
	}
	if s.Policy == NoEviction {
		e.startExceeded()
		return false
	}
	deadline := time.Now().Add(budget)
	e.evictMu.Lock()
	defer e.evictMu.Unlock()
	evicted := 0
	for e.UsedMemory() > s.MaxMemory {
		if !e.evictOne(s) {
			e.startExceeded()
			return evicted > 0
		}
		evicted++
		if evicted%16 == 0 && time.Now().After(deadline) {
			e.startExceeded() // still over: eviction goes on at the next write
			return true
		}
	}
	e.endExceeded()
	return true
}

// monoBase is what the eviction-exceeded times are measured from: a
// reading with Go's monotonic clock, which wall-clock steps do not move.
var monoBase = time.Now()

// startExceeded notes that used memory is over maxmemory and eviction
// has not brought it under, unless that was already noted: Redis's
// stat_last_eviction_exceeded_time.
func (e *Engine) startExceeded() {
	if e.exceededSince.Load() == 0 {
		e.exceededSince.CompareAndSwap(0, int64(time.Since(monoBase))+1)
	}
}

// endExceeded closes a period over maxmemory, if one is open, adding it
// to the total (Redis's stat_total_eviction_exceeded_time).
func (e *Engine) endExceeded() {
	since := e.exceededSince.Load()
	if since == 0 || !e.exceededSince.CompareAndSwap(since, 0) {
		return
	}
	e.exceededTotal.Add(int64(time.Since(monoBase)) + 1 - since)
}

// EvictionExceeded returns the time used memory has spent over maxmemory
// that eviction could not bring it under: in all, and in the period under
// way (0 when none is), INFO stats' total_eviction_exceeded_time and
// current_eviction_exceeded_time. Periods end at the next command that
// checks memory, as Redis's do.
func (e *Engine) EvictionExceeded() (total, current time.Duration) {
	if since := e.exceededSince.Load(); since != 0 {
		current = time.Since(monoBase) + 1 - time.Duration(since)
	}
	return time.Duration(e.exceededTotal.Load()) + current, current
}

// evictOne deletes the best candidate the policy finds, and reports
// whether there was one.
func (e *Engine) evictOne(s *EvictionSettings) bool {
	for range 8 {
		var c candidate
		var ok bool
		if s.Policy == AllKeysRandom || s.Policy == VolatileRandom {
			c, ok = e.randomCandidate(s.Policy.volatile())
		} else {
			e.fillPool(s)
			c, ok = e.pool.best()
		}
		if !ok {
			return false
		}
		if e.evictKey(c) {
			return true
		}
		// The candidate went away since it was sampled; try another.
	}
	return false
}

func (e *Engine) evictKey(c candidate) bool {
	db := e.dbs[c.db]
	key := []byte(c.key)
	t := e.NewTxn()
	v := t.LockKey(db, key)
	defer t.Unlock()
	if v.Peek(key) == nil {
		return false
	}
	v.Delete(key)
	db.shards[db.shardOfSlot(SlotOf(key))].dropped(key, KeyEvicted)
	e.evicted.Add(1)
	return true
}

// candidate is a key the eviction pool may pick, with its score: the
// higher, the better a victim.
type candidate struct {
	db    int
	key   string
	score float64
}

// evictionPool keeps the best candidates seen across samplings, as Redis's
// EVPOOL does, so that each eviction benefits from earlier samples.
type evictionPool struct {
	mu    sync.Mutex
	cands []candidate
}

const poolSize = 16

func (p *evictionPool) offer(c candidate) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.cands {
		if p.cands[i].db == c.db && p.cands[i].key == c.key {
			p.cands[i] = c
			return
		}
	}
	if len(p.cands) == poolSize && c.score <= p.cands[0].score {
		return
	}
	p.cands = append(p.cands, c)
	sort.Slice(p.cands, func(i, j int) bool { return p.cands[i].score < p.cands[j].score })
	if len(p.cands) > poolSize {
		p.cands = p.cands[1:]
	}
}

func (p *evictionPool) best() (candidate, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.cands) == 0 {
		return candidate{}, false
	}
	c := p.cands[len(p.cands)-1]
	p.cands = p.cands[:len(p.cands)-1]
	return c, true
}

// fillPool samples maxmemory-samples keys of every database that has
// candidates and offers them to the pool.
func (e *Engine) fillPool(s *EvictionSettings) {
	now := e.clock.NowMs()
	for _, db := range e.dbs {
		for range max(s.Samples, 1) {
			found := false
			db.sampleKey(s.Policy.volatile(), func(key []byte, r *record) {
				found = true
				e.pool.offer(candidate{db: db.index, key: string(key), score: score(s, r, now)})
			})
			if !found {
				break // an empty database: nothing to sample
			}
		}
	}
}

// score rates a key as a victim under the policy.
func score(s *EvictionSettings, r *record, now int64) float64 {
	switch s.Policy {
	case VolatileTTL:
		return math.MaxInt64 - float64(r.expireAt)
	case AllKeysLFU, VolatileLFU:
		return 255 - float64(lfuCounter(r.lruField(), now, s.LFUDecayTime))
	}
	return float64(idleSeconds(r.lruField(), now))
}

func (e *Engine) randomCandidate(volatile bool) (candidate, bool) {
	n := len(e.dbs)
	start := rand.IntN(n)
	for i := range n {
		db := e.dbs[(start+i)%n]
		var c candidate
		found := false
		db.sampleKey(volatile, func(key []byte, _ *record) {
			c, found = candidate{db: db.index, key: string(key)}, true
		})
		if found {
			return c, true
		}
	}
	return candidate{}, false
}

// sampleKey calls fn with one random key of db (one with a TTL when
// volatile) and its record, if it has any, under the key's shard lock.
func (db *DB) sampleKey(volatile bool, fn func([]byte, *record)) {
	n := len(db.shards)
	start := rand.IntN(n)
	for i := range n {
		sh := db.shards[(start+i)%n]
		sh.mu.Lock()
		r, ok := sh.sample(volatile)
		if ok {
			fn(r.key, &r)
		}
		sh.mu.Unlock()
		if ok {
			return
		}
	}
}

// sample decodes a random record of the shard; the caller holds its lock.
func (sh *shard) sample(volatile bool) (record, bool) {
	if volatile {
		loc, ok := sh.expires.sample()
		if !ok {
			return record{}, false
		}
		return decodeRecord(sh.arena.Bytes(loc)), true
	}
	if sh.keys == 0 {
		return record{}, false
	}
	_, _, loc := sh.randomRecord()
	return decodeRecord(sh.arena.Bytes(loc)), true
}
