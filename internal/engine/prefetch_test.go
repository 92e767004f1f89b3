package engine

import (
	"fmt"
	"sync"
	"testing"
)

// TestPrefetchChangesNothing: Prefetch of present, absent, repeated and
// more than maxPrefetch keys, while another goroutine writes the same
// shards (the race detector checks that Prefetch reads under the locks),
// leaves every key as it was.
func TestPrefetchChangesNothing(t *testing.T) {
	e := New(Options{Databases: 1, Shards: 4})
	db := e.DB(0)
	txn := e.NewTxn()
	const n = 2000
	for i := range n {
		k := []byte(fmt.Sprintf("key:%d", i))
		v := txn.LockKey(db, k)
		v.PutString(k, []byte(fmt.Sprint(i)), 0)
		txn.Unlock()
	}
	var keys [][]byte
	for i := range 3 * maxPrefetch {
		keys = append(keys, []byte(fmt.Sprintf("key:%d", i*37%n)), []byte(fmt.Sprintf("absent:%d", i)))
		if i%5 == 0 {
			keys = append(keys, keys[len(keys)-1]) // a repeat
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w := e.NewTxn()
		for i := range 5000 {
			k := []byte(fmt.Sprintf("other:%d", i%300))
			v := w.LockKey(db, k)
			v.PutString(k, []byte("x"), 0)
			w.Unlock()
		}
	}()
	for range 200 {
		for i := 0; i < len(keys); i += 7 {
			db.Prefetch(keys[i:])
		}
	}
	wg.Wait()
	for i := range n {
		k := []byte(fmt.Sprintf("key:%d", i))
		v := txn.LockKey(db, k)
		got := v.Peek(k)
		if got == nil || string(got.Str) != fmt.Sprint(i) {
			t.Fatalf("%s = %v after Prefetch", k, got)
		}
		txn.Unlock()
	}
	v := txn.LockKey(db, []byte("absent:1"))
	if v.Peek([]byte("absent:1")) != nil {
		t.Fatal("Prefetch created a key")
	}
	txn.Unlock()
	if got := db.Size(); got != n+300 {
		t.Fatalf("DBSIZE = %d, want %d", got, n+300)
	}
}
