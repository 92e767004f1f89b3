package engine

import (
	"fmt"
	"github.com/shoal-cache/shoal/internal/slab"
	"math/rand/v2"
	"testing"
	"time"
)

// TestExpiryIndexFollowsEveryChange applies random puts, TTL changes,
// persists and deletes to a few hundred keys and checks, against a model,
// that the index holds exactly the keys with a TTL, and that the active
// cycle then reclaims exactly the expired ones.
func TestExpiryIndexFollowsEveryChange(t *testing.T) {
	clock := NewManualClock(1_700_000_000_000)
	e := New(Options{Databases: 2, Shards: 4, Clock: clock})
	db := e.DB(0)
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[string]int64{} // key → expireAt (0: none)
	txn := e.NewTxn()
	for range 20_000 {
		k := fmt.Sprintf("k%d", rng.IntN(300))
		key := []byte(k)
		v := txn.LockKey(db, key)
		now := v.Now()
		switch op := rng.IntN(4); op {
		case 0: // SET with or without a TTL
			at := int64(0)
			if rng.IntN(2) == 0 {
				at = now + int64(rng.IntN(5000)) + 1
			}
			v.Put(key, NewString([]byte("v")), at)
			model[k] = at
		case 1: // EXPIRE / PERSIST
			at := int64(0)
			if rng.IntN(3) > 0 {
				at = now + int64(rng.IntN(5000)) + 1
			}
			if v.SetExpire(key, at) {
				model[k] = at
			}
		case 2:
			v.Delete(key)
			delete(model, k)
		case 3: // a read, which may expire the key lazily
			if v.Read(key) == nil {
				delete(model, k)
			}
		}
		txn.Unlock()
		if rng.IntN(50) == 0 {
			clock.Advance(time.Duration(rng.IntN(300)) * time.Millisecond)
			e.ActiveExpireCycle(time.Second)
			for k, at := range model {
				if at != 0 && at < (clock.NowMs()/expiryBucketMs)*expiryBucketMs {
					v := txn.LockKey(db, []byte(k))
					if v.DB().shards[0] != nil && db.countRaw(k) {
						t.Fatalf("%s expired at %d, still stored at %d: the cycle missed it", k, at, clock.NowMs())
					}
					txn.Unlock()
				}
			}
		}
		// Drop from the model what the cycle reclaimed.
		for k := range model {
			v := txn.LockKey(db, []byte(k))
			if v.Peek([]byte(k)) == nil {
				delete(model, k)
			}
			txn.Unlock()
		}
	}
	withTTL := 0
	for _, at := range model {
		if at != 0 {
			withTTL++
		}
	}
	if got := db.Expires(); got != withTTL {
		t.Fatalf("Expires() = %d, model has %d keys with a TTL", got, withTTL)
	}
	checkBucketBytes(t, db)
	clock.Advance(10 * time.Second)
	e.ActiveExpireCycle(time.Second)
	if got, want := db.Expires(), 0; got != want {
		t.Fatalf("after every TTL passed: Expires() = %d", got)
	}
	checkBucketBytes(t, db)
	persistent := 0
	for _, at := range model {
		if at == 0 {
			persistent++
		}
	}
	if db.Size() != persistent {
		t.Fatalf("Size() = %d, want the %d keys without TTL", db.Size(), persistent)
	}
}

// checkBucketBytes checks that the expiry index's running count of its
// buckets' bytes is what its buckets add up to now.
func checkBucketBytes(t *testing.T, db *DB) {
	t.Helper()
	for i, sh := range db.shards {
		var want int64
		for _, b := range sh.expires.buckets {
			want += bucketStructBytes + sliceBytes(cap(b.locs))
		}
		if got := sh.expires.bucketBytes; got != want {
			t.Fatalf("shard %d: expiry index counts %d B of buckets, they add up to %d B", i, got, want)
		}
	}
}

// countRaw reports whether k is stored, expired or not, without expiring
// it; the caller holds the lock.
func (db *DB) countRaw(k string) bool {
	slot := SlotOf([]byte(k))
	sh := db.shards[db.shardOfSlot(slot)]
	if sh.slots == nil {
		return false
	}
	_, loc := sh.find(db.localSlot(slot), hashKey([]byte(k)), []byte(k))
	return loc != slab.Nil
}

// TestExpiryIndexStoreThenDelete is RENAME's and MOVE's order: the entry is
// stored under the new key before the old key is deleted.
func TestExpiryIndexStoreThenDelete(t *testing.T) {
	clock := NewManualClock(1_700_000_000_000)
	e := New(Options{Databases: 2, Shards: 1, Clock: clock})
	txn := e.NewTxn()
	at := clock.NowMs() + 1000
	for i := range 10 { // neighbours in the same bucket
		k := []byte(fmt.Sprintf("other%d", i))
		v := txn.LockKey(e.DB(0), k)
		v.Put(k, NewString([]byte("v")), at)
		txn.Unlock()
	}
	src, dst := []byte("src"), []byte("dst")
	v := txn.LockKeys(e.DB(0), [][]byte{src, dst})
	v.Put(src, NewString([]byte("v")), at)
	ent := v.Lookup(src)
	v.Put(dst, ent, ent.ExpireAt()) // RENAME src dst
	v.Delete(src)
	txn.Unlock()
	if got := e.DB(0).Expires(); got != 11 {
		t.Fatalf("Expires() = %d after RENAME, want 11", got)
	}
	// MOVE dst to db 1: stored there, then deleted here.
	txn.Key(e.DB(0), dst).Key(e.DB(1), dst).Acquire()
	v0, v1 := txn.View(e.DB(0)), txn.View(e.DB(1))
	ent = v0.Lookup(dst)
	v1.Put(dst, ent, ent.ExpireAt())
	v0.Delete(dst)
	txn.Unlock()
	if a, b := e.DB(0).Expires(), e.DB(1).Expires(); a != 10 || b != 1 {
		t.Fatalf("Expires() = %d and %d after MOVE, want 10 and 1", a, b)
	}
	clock.Advance(2 * time.Second)
	e.ActiveExpireCycle(time.Second)
	if a, b := e.DB(0).Size(), e.DB(1).Size(); a != 0 || b != 0 {
		t.Fatalf("sizes %d and %d after every TTL passed", a, b)
	}
}

// TestExpiryAtTheEndOfTime: PEXPIREAT k 9223372036854775807 is a valid
// expiry that must never be reached.
func TestExpiryAtTheEndOfTime(t *testing.T) {
	clock := NewManualClock(1_700_000_000_000)
	e := New(Options{Databases: 1, Shards: 1, Clock: clock})
	txn := e.NewTxn()
	k := []byte("forever")
	v := txn.LockKey(e.DB(0), k)
	v.Put(k, NewString([]byte("v")), 1<<63-1)
	txn.Unlock()
	clock.Advance(time.Hour)
	e.ActiveExpireCycle(time.Second)
	if e.DB(0).Size() != 1 {
		t.Fatal("a key expiring at the largest time was reclaimed")
	}
}
