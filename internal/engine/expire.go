package engine

import (
	"context"
	"time"
)

const (
	// expireSample is how many keys with a TTL one pass of the cycle looks
	// at in a shard (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
	expireSample = 20
	// expireRepeatPercent: a shard is sampled again while more than this
	// share of a sample had expired.
	expireRepeatPercent = 25
	// expireCPUPercent of each tick may be spent expiring
	// (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC).
	expireCPUPercent = 25
)

// RunActiveExpiry reclaims expired keys nobody reads, hz times a second,
// until ctx is done. hz is read on every tick, so CONFIG SET hz applies.
func (e *Engine) RunActiveExpiry(ctx context.Context, hz func() int) {
	for {
		period := time.Second / time.Duration(max(1, min(hz(), 500)))
		select {
		case <-ctx.Done():
			return
		case <-time.After(period):
		}
		e.ActiveExpireCycle(period * expireCPUPercent / 100)
	}
}

// ActiveExpireCycle runs one cycle over every database and shard, for at
// most budget, and returns the number of keys it deleted.
func (e *Engine) ActiveExpireCycle(budget time.Duration) int {
	deadline := time.Now().Add(budget)
	deleted := 0
	for _, db := range e.dbs {
		for _, sh := range db.shards {
			n, timedOut := db.expireShard(sh, deadline)
			deleted += n
			if timedOut {
				return deleted
			}
		}
	}
	return deleted
}

// expireShard samples sh until a sample is mostly live or the deadline
// passes.
func (db *DB) expireShard(sh *shard, deadline time.Time) (deleted int, timedOut bool) {
	for {
		sh.mu.Lock()
		if len(sh.expires) == 0 {
			sh.mu.Unlock()
			return deleted, false
		}
		now := db.eng.clock.NowMs()
		sampled, expired := 0, 0
		var ttlSum, ttlCount int64
		// Go starts every map iteration at a random place, so the first
		// keys of a range are a random sample.
		for k := range sh.expires {
			if sampled == expireSample {
				break
			}
			sampled++
			local := db.localSlot(SlotOf([]byte(k)))
			ent := sh.slots[local][k]
			if ent.expired(now) {
				sh.remove(k, local)
				sh.expired.Add(1)
				sh.dirty.Add(1)
				expired++
				continue
			}
			ttlSum += ent.expireAt - now
			ttlCount++
		}
		sh.mu.Unlock()
		deleted += expired
		if ttlCount > 0 {
			db.updateAvgTTL(ttlSum / ttlCount)
		}
		if expired*100 <= sampled*expireRepeatPercent {
			return deleted, false
		}
		if time.Now().After(deadline) {
			return deleted, true
		}
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
