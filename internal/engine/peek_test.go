package engine_test

import (
	"testing"
	"time"

	"github.com/shoal-cache/shoal/internal/engine"
)

// TestReadNoTouch: counts a hit or a miss like Read, but leaves the access
// time alone, unlike Read.
func TestReadNoTouch(t *testing.T) {
	clock := engine.NewManualClock(1_000_000)
	eng := engine.New(engine.Options{Databases: 1, Clock: clock})
	db := eng.DB(0)
	txn := eng.NewTxn()
	key := []byte("k")

	v := txn.LockKey(db, key)
	v.Put(key, engine.NewString([]byte("v")), 0)
	txn.Unlock()
	clock.Advance(10000 * time.Second)

	v = txn.LockKey(db, key)
	e := v.ReadNoTouch(key)
	miss := v.ReadNoTouch([]byte("nokey"))
	txn.Unlock()
	if e == nil || miss != nil {
		t.Fatalf("ReadNoTouch = %v, %v", e, miss)
	}
	if e.AccessTime() != 1000 {
		t.Errorf("access time after ReadNoTouch = %d, want 1000", e.AccessTime())
	}
	if s := eng.Stats(); s.Hits != 1 || s.Misses != 1 {
		t.Errorf("stats = %+v, want 1 hit, 1 miss", s)
	}

	v = txn.LockKey(db, key)
	v.Read(key)
	txn.Unlock()
	if e.AccessTime() != 11000 {
		t.Errorf("access time after Read = %d, want 11000", e.AccessTime())
	}
}

func TestReadNoTouchExpired(t *testing.T) {
	clock := engine.NewManualClock(1_000_000)
	eng := engine.New(engine.Options{Databases: 1, Clock: clock})
	db := eng.DB(0)
	txn := eng.NewTxn()
	key := []byte("k")
	v := txn.LockKey(db, key)
	v.Put(key, engine.NewString([]byte("v")), 1_000_100)
	txn.Unlock()
	clock.Advance(100 * time.Millisecond)

	v = txn.LockKey(db, key)
	e := v.ReadNoTouch(key)
	txn.Unlock()
	if e != nil || db.Size() != 0 {
		t.Errorf("expired key: ReadNoTouch = %v, size %d", e, db.Size())
	}
	if s := eng.Stats(); s.Misses != 1 || s.ExpiredKeys != 1 {
		t.Errorf("stats = %+v", s)
	}
}
