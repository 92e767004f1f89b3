package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkLookupRandom reads 100,000 keys in random order, the access
// pattern of redis-benchmark -r 100000.
func BenchmarkLookupRandom(b *testing.B) {
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
