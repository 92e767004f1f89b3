package engine

import (
	"context"
	"runtime"
	"time"
)

const (
	// expireSample is how many keys with a TTL the cycle samples per shard
	// for the avg_ttl estimate.
	expireSample = 20
	// expireCPUPercent of each tick may be spent expiring
	// (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC).
	expireCPUPercent = 25
)

// RunActiveExpiry reclaims expired keys nobody reads, hz times a second,
// until ctx is done. hz is read on every tick, so CONFIG SET hz applies.
// A cycle that runs out of time leaves a backlog; the next one then comes
// after a quarter of the period (Redis runs its fast cycle then), so the
// cycle may take half the time of a core until the backlog is gone.
func (e *Engine) RunActiveExpiry(ctx context.Context, hz func() int) {
	backlog := false
	for {
		period := time.Second / time.Duration(max(1, min(hz(), 500)))
		wait := period
		if backlog {
			wait = period / 4
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if e.holdsExpired() || e.activeExpiryOff.Load() {
			// A replica's keys expire by its primary's DEL; a pause holds
			// them; DEBUG SET-ACTIVE-EXPIRE 0 leaves them to be read.
			continue
		}
		start := time.Now()
		_, backlog = e.activeExpireCycle(period * expireCPUPercent / 100)
		e.expireCycleUs.Add(time.Since(start).Microseconds())
	}
}

// SetActiveExpiry turns the active expiry cycle on or off (DEBUG
// SET-ACTIVE-EXPIRE); keys still expire when they are read.
func (e *Engine) SetActiveExpiry(on bool) { e.activeExpiryOff.Store(!on) }

// ActiveExpireCycle runs one cycle over every database and shard, for at
// most budget, and returns the number of keys it deleted. It must not be
// called concurrently with itself.
func (e *Engine) ActiveExpireCycle(budget time.Duration) int {
	n, _ := e.activeExpireCycle(budget)
	return n
}

// activeExpireCycle also reports whether it ran out of time. A cycle that
// did resumes where it stopped next time, so no shard waits behind a
// backlog in another.
func (e *Engine) activeExpireCycle(budget time.Duration) (deleted int, timedOut bool) {
	left := budget
	perDB := len(e.dbs[0].shards)
	total := len(e.dbs) * perDB
	for i := range total {
		at := (e.expireNext + i) % total
		db := e.dbs[at/perDB]
		n, out := db.expireShard(db.shards[at%perDB], &left)
		deleted += n
		if out {
			e.expireNext = at
			return deleted, true
		}
	}
	return deleted, false
}

// expireChunk is how many keys the cycle deletes under one hold of a
// shard's lock (about 40 µs), so commands waiting on it are delayed by
// microseconds.
const expireChunk = 64

// expireShard deletes the keys of the shard's expiry buckets that are
// entirely in the past, until none is left or the time left is spent, then
// gives memory that deletions freed back (maintain).
//
// The time left counts only the time spent deleting, not the time given to
// the event loops between chunks: yielding makes the cycle gentler on the
// commands, not slower at reclaiming.
func (db *DB) expireShard(sh *shard, left *time.Duration) (deleted int, timedOut bool) {
	db.sampleTTL(sh)
	defer db.maintain(sh)
	for {
		start := time.Now()
		sh.mu.Lock()
		now := db.eng.clock.NowMs()
		n := 0
		for n < expireChunk {
			b := sh.expires.dueBucket(now)
			if b == nil {
				break
			}
			sh.expireLast(b)
			n++
		}
		sh.dirty.Add(int64(n))
		sh.account()
		sh.mu.Unlock()
		deleted += n
		if n < expireChunk {
			return deleted, false
		}
		if *left -= time.Since(start); *left <= 0 {
			return deleted, true
		}
		// Let the event loops in between chunks: on a machine with few
		// cores this goroutine would otherwise keep a P for its whole
		// budget, and the commands of one loop would wait that long.
		runtime.Gosched()
	}
}

// expireLast deletes the record of the last entry of b, a due bucket.
func (sh *shard) expireLast(b *expiryBucket) {
	loc := b.locs[len(b.locs)-1]
	r := decodeRecord(sh.arena.Bytes(loc))
	local := SlotOf(r.key) >> sh.bits
	pos, found := sh.find(local, hashKey(r.key), r.key)
	if found != loc || !r.hasTTL() || bucketOf(r.expireAt) != b.id {
		// The index and the bucket disagree: drop the bucket's entry
		// rather than spin on it. This is a guard, not a path.
		sh.expRemove(b.id*expiryBucketMs, uint32(len(b.locs)-1))
		return
	}
	sh.watch.touch(sh.db, r.key)
	sh.dropped(r.key, KeyExpired)
	sh.deleteAt(local, pos, loc, &r)
	sh.expired.Add(1)
}

// maintain shrinks the slot tables deletions emptied, moves the tables
// left in sparse arena segments, and unmaps the segments freed. It runs
// in the active cycle, between commands: a command may read a record it
// deleted until it unlocks.
func (db *DB) maintain(sh *shard) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.shrinkable) > 0 {
		sh.shrinkTables()
	}
	// A sparse segment of records stays sparse (records are not moved):
	// the slots are looked at again only once chunks were freed.
	if sh.arena.Frees() != sh.compactedAt && sh.arena.HasSparse() &&
		sh.compactTables() == 0 {
		sh.compactedAt = sh.arena.Frees()
	}
	sh.arena.ReleaseEmpty()
	sh.account()
}

// sampleTTL folds the remaining TTL of a few random keys of the shard
// into the database's avg_ttl estimate, as Redis's cycle does with the
// keys it samples.
func (db *DB) sampleTTL(sh *shard) {
	sh.mu.Lock()
	now := db.eng.clock.NowMs()
	var sum, count int64
	for range expireSample {
		loc, ok := sh.expires.sample()
		if !ok {
			break
		}
		if at := recordExpireAt(sh.arena.Bytes(loc)); at > now {
			sum += at - now
			count++
		}
	}
	sh.mu.Unlock()
	if count > 0 {
		db.updateAvgTTL(sum / count)
	}
}

// updateAvgTTL folds a sample's average into the running estimate, giving
// the new sample 2 % weight as Redis does.
func (db *DB) updateAvgTTL(sample int64) {
	old := db.avgTTL.Load()
	if old == 0 {
		db.avgTTL.Store(sample)
		return
	}
	db.avgTTL.Store(old/50*49 + sample/50)
}
