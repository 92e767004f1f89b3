package engine

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func newTestEngine(t *testing.T) (*Engine, *ManualClock) {
	t.Helper()
	clock := NewManualClock(1_700_000_000_000)
	return New(Options{Databases: 2, Shards: 4, Clock: clock}), clock
}

func put(e *Engine, db int, key, val string, expireAt int64) {
	t := e.NewTxn()
	v := t.LockKey(e.DB(db), []byte(key))
	v.Put([]byte(key), NewString([]byte(val)), expireAt)
	t.Unlock()
}

func get(e *Engine, db int, key string) *Entry {
	t := e.NewTxn()
	v := t.LockKey(e.DB(db), []byte(key))
	defer t.Unlock()
	return v.Read([]byte(key))
}

func del(e *Engine, db int, key string) bool {
	t := e.NewTxn()
	v := t.LockKey(e.DB(db), []byte(key))
	defer t.Unlock()
	return v.Delete([]byte(key))
}

func TestPutReadDelete(t *testing.T) {
	e, _ := newTestEngine(t)
	put(e, 0, "a", "1", 0)
	put(e, 0, "a", "2", 0)
	if got := get(e, 0, "a"); got == nil || string(got.Str) != "2" {
		t.Fatalf("read a = %v, want 2", got)
	}
	if get(e, 1, "a") != nil {
		t.Fatal("key leaked into db 1")
	}
	if n := e.DB(0).Size(); n != 1 {
		t.Fatalf("size = %d, want 1 after overwrite", n)
	}
	tx := e.NewTxn()
	v := tx.LockKey(e.DB(0), []byte("a"))
	if !v.Delete([]byte("a")) || v.Delete([]byte("a")) {
		t.Fatal("delete should succeed once")
	}
	tx.Unlock()
	if n := e.DB(0).Size(); n != 0 {
		t.Fatalf("size = %d after delete", n)
	}
	s := e.Stats()
	if s.Hits != 1 || s.Misses != 1 {
		t.Fatalf("hits/misses = %d/%d, want 1/1", s.Hits, s.Misses)
	}
}

func TestLazyExpiry(t *testing.T) {
	e, clock := newTestEngine(t)
	now := clock.NowMs()
	put(e, 0, "k", "v", now+100)
	if e.DB(0).Expires() != 1 {
		t.Fatal("expires index not updated")
	}
	clock.Advance(99 * time.Millisecond)
	if get(e, 0, "k") == nil {
		t.Fatal("key gone before its TTL")
	}
	clock.Advance(time.Millisecond)
	if get(e, 0, "k") != nil {
		t.Fatal("key returned at its expiry time")
	}
	if e.DB(0).Size() != 0 || e.DB(0).Expires() != 0 || e.Stats().ExpiredKeys != 1 {
		t.Fatalf("size=%d expires=%d expired=%d", e.DB(0).Size(), e.DB(0).Expires(), e.Stats().ExpiredKeys)
	}
}

func TestOverwriteClearsTTL(t *testing.T) {
	e, clock := newTestEngine(t)
	put(e, 0, "k", "v", clock.NowMs()+100)
	put(e, 0, "k", "v2", 0)
	if e.DB(0).Expires() != 0 {
		t.Fatal("overwrite without TTL kept the key in the expiry index")
	}
	clock.Advance(time.Second)
	if get(e, 0, "k") == nil {
		t.Fatal("overwritten key expired")
	}
}

func TestActiveExpiryReclaimsUnreadKeys(t *testing.T) {
	e, clock := newTestEngine(t)
	for i := range 10_000 {
		put(e, 0, fmt.Sprintf("short:%d", i), "v", clock.NowMs()+100)
	}
	for i := range 100 {
		put(e, 0, fmt.Sprintf("long:%d", i), "v", clock.NowMs()+time.Hour.Milliseconds())
	}
	clock.Advance(200 * time.Millisecond)
	// A cycle stops sampling a shard once a sample is mostly live, so the
	// last expired keys go over several cycles, as in Redis.
	for i := 0; i < 10_000 && e.DB(0).Size() > 100; i++ {
		e.ActiveExpireCycle(time.Second)
	}
	if n := e.DB(0).Size(); n != 100 {
		t.Fatalf("size = %d after active expiry, want the 100 live keys", n)
	}
	if e.DB(0).AvgTTL() <= 0 {
		t.Fatal("avg_ttl estimate not maintained")
	}
}

func TestSlotIndex(t *testing.T) {
	e, _ := newTestEngine(t)
	keys := []string{"{tag}a", "{tag}b", "{tag}c", "other"}
	for _, k := range keys {
		put(e, 0, k, "v", 0)
	}
	slot := SlotOf([]byte("{tag}"))
	if n := e.DB(0).CountKeysInSlot(slot); n != 3 {
		t.Fatalf("CountKeysInSlot = %d, want 3", n)
	}
	seen := map[string]bool{}
	e.DB(0).ScanSlot(slot, func(k []byte, _ *Entry) bool { seen[string(k)] = true; return true })
	if len(seen) != 3 || seen["other"] {
		t.Fatalf("ScanSlot saw %v", seen)
	}
}

func TestSwapAndFlush(t *testing.T) {
	e, _ := newTestEngine(t)
	put(e, 0, "a", "0", 0)
	put(e, 1, "b", "1", 0)
	e.SwapDB(0, 1)
	if get(e, 0, "b") == nil || get(e, 1, "a") == nil || get(e, 0, "a") != nil {
		t.Fatal("SWAPDB did not exchange contents")
	}
	if n := e.DB(1).Flush(); n != 1 || e.DB(1).Size() != 0 {
		t.Fatalf("flush removed %d", n)
	}
}

// TestMultiShardLocking runs transfers between keys of different shards
// concurrently; the total must be conserved and nothing may deadlock.
func TestMultiShardLocking(t *testing.T) {
	e, _ := newTestEngine(t)
	keys := [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d"), []byte("e")}
	for _, k := range keys {
		put(e, 0, string(k), "x", 0)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx := e.NewTxn()
			for i := range 2000 {
				pair := [][]byte{keys[(w+i)%5], keys[(w+2*i+1)%5]}
				v := tx.LockKeys(e.DB(0), pair)
				a, b := v.Lookup(pair[0]), v.Lookup(pair[1])
				a.Str, b.Str = b.Str, a.Str
				tx.Unlock()
			}
		}()
	}
	wg.Wait()
	if n := e.DB(0).Size(); n != 5 {
		t.Fatalf("size = %d", n)
	}
}

// Modified stores through the index position its handle's lookup found
// (recall) only while the index still holds that record there: after
// other writes to the slot moved or removed it, it must find the key
// again, and store nothing for a key that is gone.
func TestModifiedAfterIndexChanged(t *testing.T) {
	const key = "{t}key"
	longer := []byte("a value longer than the chunk the first one got")
	cases := []struct {
		name    string
		between func(e *Engine, v View) // runs between Lookup and Modified
		want    string                  // key's value afterwards; "" for gone
	}{
		{"unchanged", func(*Engine, View) {}, string(longer)},
		{"slot table rehashed", func(e *Engine, v View) {
			for i := range 300 {
				k := fmt.Sprintf("{t}%d", i)
				v.PutString([]byte(k), []byte(k), 0)
			}
		}, string(longer)},
		{"deleted, others added", func(e *Engine, v View) {
			v.Delete([]byte(key))
			for i := range 300 {
				k := fmt.Sprintf("{t}%d", i)
				v.PutString([]byte(k), []byte(k), 0)
			}
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			put(e, 0, key, "1", 0)
			tx := e.NewTxn()
			v := tx.LockKey(e.DB(0), []byte(key))
			ent := v.Lookup([]byte(key))
			tc.between(e, v)
			ent.Str = longer
			v.Modified([]byte(key), ent)
			tx.Unlock()
			got := get(e, 0, key)
			switch {
			case tc.want == "" && got != nil:
				t.Fatalf("%s = %q, want it gone", key, got.Str)
			case tc.want != "" && (got == nil || string(got.Str) != tc.want):
				t.Fatalf("%s = %v, want %q", key, got, tc.want)
			}
			for i := range 300 {
				k := fmt.Sprintf("{t}%d", i)
				if got := get(e, 0, k); tc.name != "unchanged" && (got == nil || string(got.Str) != k) {
					t.Fatalf("%s = %v, want %q: another key was written", k, got, k)
				}
			}
		})
	}
}

// TestStoreOverLapsedKeyExpiresIt: a store that replaces a key whose TTL
// passed without reading it first (SET's PutString, a *STORE's Put)
// counts the key as expired and reports it to the drop hook first, as
// Redis's lookup before the write would; on a live key it does neither.
func TestStoreOverLapsedKeyExpiresIt(t *testing.T) {
	e, clock := newTestEngine(t)
	var dropped []string
	e.SetDropHook(func(db int, key []byte) { dropped = append(dropped, fmt.Sprint(db, ":", string(key))) })
	now := clock.NowMs()
	put(e, 0, "s", "v", now+100)
	put(e, 0, "p", "v", now+100)
	put(e, 0, "live", "v", now+10_000)
	clock.Advance(200 * time.Millisecond)
	tx := e.NewTxn()
	v := tx.LockKeys(e.DB(0), [][]byte{[]byte("s"), []byte("p"), []byte("live")})
	v.PutString([]byte("s"), []byte("new"), 0)
	v.Put([]byte("p"), NewString([]byte("new")), 0)
	v.PutString([]byte("live"), []byte("new"), 0)
	tx.Unlock()
	if got := e.Stats().ExpiredKeys; got != 2 {
		t.Errorf("expired_keys = %d, want 2 (s and p)", got)
	}
	if fmt.Sprint(dropped) != "[0:s 0:p]" {
		t.Errorf("drop hook told of %q, want s and p", dropped)
	}
	for _, k := range []string{"s", "p", "live"} {
		if got := get(e, 0, k); got == nil || string(got.Str) != "new" {
			t.Errorf("%s = %v after the store", k, got)
		}
	}
}
