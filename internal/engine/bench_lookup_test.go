package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// lookupBenchKeys is an engine holding 100,000 keys, the keyspace of
// redis-benchmark -r 100000.
func lookupBenchKeys() (*DB, *Txn, [][]byte) {
	e := New(Options{Databases: 1, Shards: 4})
	db := e.DB(0)
	t := e.NewTxn()
	keys := make([][]byte, 100_000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("counter:%012d", i))
		v := t.LockKey(db, keys[i])
		v.Put(keys[i], NewString([]byte("1")), 0)
		t.Unlock()
	}
	return db, t, keys
}

// BenchmarkLookupRandom reads 100,000 keys in random order, the access
// pattern of redis-benchmark -r 100000.
func BenchmarkLookupRandom(b *testing.B) {
	db, t, keys := lookupBenchKeys()
	order := rand.Perm(len(keys))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[order[i%len(order)]]
		v := t.LockKey(db, k)
		if v.Lookup(k) == nil {
			b.Fatal("missing")
		}
		t.Unlock()
	}
}

// BenchmarkLookupPrefetched is BenchmarkLookupRandom with each batch of
// 16 keys prefetched first, as a pipelined batch is.
func BenchmarkLookupPrefetched(b *testing.B) {
	db, t, keys := lookupBenchKeys()
	order := rand.Perm(len(keys))
	batch := make([][]byte, 16)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		for j := range batch {
			batch[j] = keys[order[(i+j)%len(order)]]
		}
		db.Prefetch(batch)
		for _, k := range batch {
			v := t.LockKey(db, k)
			if v.Lookup(k) == nil {
				b.Fatal("missing")
			}
			t.Unlock()
		}
	}
}

func BenchmarkGoMapRandom(b *testing.B) {
	m := map[string]*Entry{}
	keys := make([][]byte, 100_000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("counter:%012d", i))
		m[string(keys[i])] = NewString([]byte("1"))
	}
	order := rand.Perm(len(keys))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m[string(keys[order[i%len(order)]])] == nil {
			b.Fatal("missing")
		}
	}
}
