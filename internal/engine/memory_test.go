package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAccountingTracksMemory loads keys of several shapes and checks that
// the engine's figure for its data stays within 10 % of what the process
// really grew by: its resident set, which counts both the Go heap and the
// arena's segments outside it.
func TestAccountingTracksMemory(t *testing.T) {
	if _, err := residentBytes(); err != nil {
		t.Skipf("no resident set size here: %v", err)
	}
	if raceEnabled {
		t.Skip("the race detector's shadow memory distorts the resident set")
	}
	tests := []struct {
		keys, valueSize int
		ttl             bool
	}{
		{200_000, 100, false},
		{200_000, 10, true},
		{20_000, 4000, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%dx%dB-ttl=%v", tt.keys, tt.valueSize, tt.ttl), func(t *testing.T) {
			e := New(Options{Databases: 1, Shards: 4})
			defer e.FlushAll() // unmap the segments
			txn := e.NewTxn()
			// A shard makes its slot array (16384 slot headers over the
			// shards, 393 KB) on its first write and keeps it: a fixed
			// cost of the database, not of its keys, made before the
			// measure starts.
			for i := range 64 {
				key := []byte(fmt.Sprintf("warm:%d", i))
				v := txn.LockKey(e.DB(0), key)
				v.PutString(key, nil, 0)
				v.Delete(key)
				txn.Unlock()
			}
			baseline := e.DatasetBytes()
			before := settledRSS(t)
			val := make([]byte, tt.valueSize)
			for i := range tt.keys {
				key := []byte(fmt.Sprintf("key:%010d", i))
				v := txn.LockKey(e.DB(0), key)
				var at int64
				if tt.ttl {
					at = v.Now() + 3_600_000
				}
				v.PutString(key, val, at)
				txn.Unlock()
			}
			grew := settledRSS(t) - before
			estimate := e.DatasetBytes() - baseline
			ratio := float64(estimate) / float64(grew)
			t.Logf("resident set grew %d B, estimate %d B (%.3f), %.1f B/key", grew, estimate, ratio, float64(grew)/float64(tt.keys))
			if ratio < 0.9 || ratio > 1.1 {
				t.Errorf("estimate is %.3f of the resident set's growth, want within 10 %%", ratio)
			}
			runtime.KeepAlive(e)
		})
	}
}

// TestExpiryIndexAccounting loads the same keys with and without TTLs and
// checks that what the engine accounts for the expiry index is within 10 %
// of the heap the TTLs took. Where the TTLs fall decides the cost: keys
// sharing a bucket cost a Loc each, keys spread over a day a bucket each
// (an accounting of 10 B a key counted a fifth of that).
func TestExpiryIndexAccounting(t *testing.T) {
	const keys = 100_000
	load := func(spread int64) (heapGrew, accounted int64) {
		before := heapObjects()
		e := New(Options{Databases: 1, Shards: 4})
		defer e.FlushAll()
		rng := rand.New(rand.NewPCG(7, 8))
		txn := e.NewTxn()
		for i := range keys {
			key := []byte(fmt.Sprintf("key:%010d", i))
			v := txn.LockKey(e.DB(0), key)
			var at int64
			if spread > 0 {
				at = v.Now() + 3_600_000 + rng.Int64N(spread)
			}
			v.PutString(key, []byte("0123456789"), at)
			txn.Unlock()
		}
		heapGrew = heapObjects() - before
		for _, sh := range e.DB(0).shards {
			accounted += sh.expires.sizeBytes()
		}
		runtime.KeepAlive(e)
		return heapGrew, accounted
	}
	none, _ := load(0)
	for _, spread := range []int64{1, 3_600_000, 86_400_000} {
		grew, accounted := load(spread)
		ttls := grew - none
		ratio := float64(accounted) / float64(ttls)
		t.Logf("TTLs over %d ms: heap grew %.1f B/key more than without, accounted %.1f B/key (%.3f)",
			spread, float64(ttls)/keys, float64(accounted)/keys, ratio)
		if ratio < 0.9 || ratio > 1.1 {
			t.Errorf("TTLs over %d ms: the expiry index is accounted at %.3f of the heap it took, want within 10 %%", spread, ratio)
		}
	}
}

// heapObjects is the bytes of live heap objects after a collection.
func heapObjects() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// settledRSS is the resident set after a collection that returned the
// free heap to the operating system.
func settledRSS(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	n, err := residentBytes()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// residentBytes reads the process's resident set size (Linux).
func residentBytes() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0, fmt.Errorf("statm: %q", b)
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize()), err
}

// TestEvictionStaysWithinBudget puts a keyspace far past maxmemory at once
// (50,000 keys to evict) and checks that one FreeMemory call with a 1 ms
// budget gives up before it is done, rather than stalling the command that
// called it, and that repeated calls get there.
func TestEvictionStaysWithinBudget(t *testing.T) {
	e := New(Options{Databases: 16, Shards: 4})
	txn := e.NewTxn()
	for i := range 100_000 {
		key := []byte(fmt.Sprintf("key:%d", i))
		v := txn.LockKey(e.DB(0), key)
		v.Put(key, NewString(make([]byte, 100)), 0)
		txn.Unlock()
	}
	// Half the dataset must go; the baseline (the heap when the engine was
	// made) stays.
	e.SetEviction(EvictionSettings{MaxMemory: e.UsedMemory() - e.DatasetBytes()/2, Policy: AllKeysLRU, Samples: 5})
	start := time.Now()
	if !e.FreeMemory(time.Millisecond) {
		t.Fatal("FreeMemory found nothing to evict")
	}
	t.Logf("first call: %v, %d keys evicted", time.Since(start), e.Stats().EvictedKeys)
	if e.Stats().EvictedKeys == 0 || !e.OverMaxMemory() {
		t.Fatalf("one call evicted %d keys and left memory over the limit: %v; want some, and a stop at the budget",
			e.Stats().EvictedKeys, e.OverMaxMemory())
	}
	for e.OverMaxMemory() {
		if !e.FreeMemory(time.Millisecond) {
			t.Fatalf("over maxmemory with %d keys and nothing evictable", e.DB(0).Size())
		}
	}
	if n := e.DB(0).Size(); n > 55_000 || n < 45_000 {
		t.Fatalf("%d keys left after evicting down to half the memory", n)
	}
}

// TestOverwriteKeepsMemoryBounded overwrites the same keys for 20 rounds,
// each key getting a value of a new random size every round, as a cache
// whose values change does: freed chunks must be reused and emptied
// segments unmapped, so the memory taken stays near the first rounds'
// instead of growing round after round.
func TestOverwriteKeepsMemoryBounded(t *testing.T) {
	e := New(Options{Databases: 1, Shards: 4})
	defer e.FlushAll()
	const keys = 50_000
	rng := rand.New(rand.NewPCG(5, 6))
	val := make([]byte, 2000)
	mapped := func() (n int64) {
		e.eachShard(func(sh *shard) { n += sh.arena.Mapped() })
		return n
	}
	var first, firstRSS int64
	for round := range 20 {
		txn := e.NewTxn()
		for i := range keys {
			key := []byte(fmt.Sprintf("key:%08d", i))
			v := txn.LockKey(e.DB(0), key)
			v.PutString(key, val[:16+rng.IntN(len(val)-16)], 0)
			txn.Unlock()
		}
		e.ActiveExpireCycle(time.Second) // maintenance: unmap empty segments
		m := mapped()
		rss, _ := residentBytes()
		if round == 1 {
			first, firstRSS = m, rss
		}
		if round > 1 && float64(m) > 1.15*float64(first) {
			t.Fatalf("round %d: %d B mapped, round 1 had %d B (in use now: %d B)", round, m, first, e.DatasetBytes())
		}
		if round == 19 && !raceEnabled && firstRSS > 0 && float64(rss) > 1.15*float64(firstRSS) {
			t.Fatalf("resident set grew from %d B after round 1 to %d B after round 19", firstRSS, rss)
		}
	}
	rss, _ := residentBytes()
	t.Logf("mapped after round 1: %d B, after round 19: %d B; in use %d B; resident set after round 1: %d B, now %d B", first, mapped(), e.DatasetBytes(), firstRSS, rss)
}

// TestCompactTablesEmptiesSparseSegments grows every slot's table through
// the same sizes, which leaves each shard a segment of an outgrown size
// held by the few slots behind; the active cycle moves those tables, the
// segments are unmapped, and every key still reads back.
func TestCompactTablesEmptiesSparseSegments(t *testing.T) {
	e := New(Options{Databases: 1, Shards: 2})
	defer e.FlushAll()
	db := e.DB(0)
	txn := e.NewTxn()
	val := []byte("value")
	const keys = 400_000
	for i := range keys {
		k := []byte("key:" + strconv.Itoa(i))
		txn.LockKey(db, k).Put(k, &Entry{Kind: KindString, Str: val}, 0)
		txn.Unlock()
	}
	sparse := func() (n int) {
		for _, sh := range db.shards {
			for local := range sh.slots {
				if si := &sh.slots[local]; si.table != 0 && sh.arena.Sparse(si.table) {
					n++
				}
			}
		}
		return n
	}
	if sparse() == 0 {
		t.Fatal("no table in a sparse segment after the load: the test loads too few keys")
	}
	var mapped, used int64
	for _, sh := range db.shards {
		mapped += sh.arena.Mapped()
		used += sh.arena.Used()
	}
	e.ActiveExpireCycle(time.Second)
	if n := sparse(); n != 0 {
		t.Fatalf("%d tables still in sparse segments after a cycle", n)
	}
	var after, usedAfter int64
	for _, sh := range db.shards {
		after += sh.arena.Mapped()
		usedAfter += sh.arena.Used()
	}
	// The moved tables take what they took; the outgrown segments go
	// (the segments they went to are new, but written only as far as
	// what moved).
	if usedAfter != used || after >= mapped {
		t.Fatalf("used %d -> %d, mapped %d -> %d: want used unchanged, mapped lower", used, usedAfter, mapped, after)
	}
	for i := range keys {
		k := []byte("key:" + strconv.Itoa(i))
		got := txn.LockKey(db, k).Lookup(k)
		if got == nil || string(got.Str) != "value" {
			txn.Unlock()
			t.Fatalf("key %s after the cycle: %v", k, got)
		}
		txn.Unlock()
	}
}
