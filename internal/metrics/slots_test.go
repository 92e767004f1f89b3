package metrics

import (
	"strconv"
	"testing"

	"github.com/shoal-cache/shoal/internal/engine"
)

func TestBalanceOf(t *testing.T) {
	eng := engine.New(engine.Options{})
	db := eng.DB(0)
	if b := balanceOf(db); b != (slotBalance{}) || b.mean() != 0 {
		t.Errorf("empty db: %+v, mean %v", b, b.mean())
	}
	// Six keys in one slot (a hash tag), one in each of two others.
	put(eng, db, "{user}1", "{user}2", "{user}3", "{user}4", "{user}5", "{user}6", "a", "b")
	b := balanceOf(db)
	if want := (slotBalance{nonEmpty: 3, max: 6, keys: 8}); b != want {
		t.Errorf("balanceOf = %+v, want %+v", b, want)
	}
	if b.mean() != 8.0/3 {
		t.Errorf("mean = %v, want 8/3", b.mean())
	}
	if other := balanceOf(eng.DB(1)); other.keys != 0 {
		t.Errorf("db 1 counted db 0's keys: %+v", other)
	}
}

func put(eng *engine.Engine, db *engine.DB, keys ...string) {
	txn := eng.NewTxn()
	for _, k := range keys {
		v := txn.LockKey(db, []byte(k))
		v.Put([]byte(k), engine.NewString([]byte("v")), 0)
		txn.Unlock()
	}
}

// BenchmarkBalanceOf measures the slot-balance walk over a million keys:
// one shard lock per slot, independent of the number of keys.
func BenchmarkBalanceOf(b *testing.B) {
	for _, n := range []int{0, 1_000_000} {
		b.Run("keys="+strconv.Itoa(n), func(b *testing.B) {
			eng := engine.New(engine.Options{})
			keys := make([]string, n)
			for i := range keys {
				keys[i] = "key:" + strconv.Itoa(i)
			}
			put(eng, eng.DB(0), keys...)
			b.ResetTimer()
			for b.Loop() {
				balanceOf(eng.DB(0))
			}
		})
	}
}
