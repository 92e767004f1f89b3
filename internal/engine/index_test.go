package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestCollidingKeys stores keys whose hashes collide in the table: the same
// tag and the same starting word. Each must keep its own value, and
// deleting one must leave the other.
func TestCollidingKeys(t *testing.T) {
	e, _ := newTestEngine(t)
	// All keys share a hash tag, so one slot table holds them all; with
	// 16-bit tags, 2,000 keys are enough to find same-tag pairs, and a
	// table of 8 words makes them start at the same word too.
	probe := slotIndex{size: minTable}
	seen := map[[2]uint64]string{}
	var a, b string
	for i := 0; a == ""; i++ {
		k := fmt.Sprintf("{c}%d", i)
		h := hashKey([]byte(k))
		id := [2]uint64{h &^ locMask, uint64(probe.home(h))}
		if other, ok := seen[id]; ok {
			a, b = other, k
		}
		seen[id] = k
	}
	put(e, 0, a, "value of a", 0)
	put(e, 0, b, "value of b", 0)
	if got := string(get(e, 0, a).Str); got != "value of a" {
		t.Fatalf("%s = %q after storing its colliding twin", a, got)
	}
	if got := string(get(e, 0, b).Str); got != "value of b" {
		t.Fatalf("%s = %q", b, got)
	}
	del(e, 0, a)
	if get(e, 0, a) != nil || get(e, 0, b) == nil || string(get(e, 0, b).Str) != "value of b" {
		t.Fatalf("deleting %s disturbed %s", a, b)
	}
	put(e, 0, a, "again", 0)
	del(e, 0, b)
	if got := get(e, 0, a); got == nil || string(got.Str) != "again" || get(e, 0, b) != nil {
		t.Fatalf("deleting %s disturbed %s", b, a)
	}
}

// TestOneSlotManyKeys fills one slot's table far beyond the 16-bit tags'
// range, deletes and rewrites keys at random against a map, and checks
// every key after each phase.
func TestOneSlotManyKeys(t *testing.T) {
	e, _ := newTestEngine(t)
	want := map[string]string{}
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(phase string) {
		t.Helper()
		for k, v := range want {
			got := get(e, 0, k)
			if got == nil || string(got.Str) != v {
				t.Fatalf("%s: %s = %v, want %q", phase, k, got, v)
			}
		}
		slot := SlotOf([]byte("{one}"))
		if n := e.DB(0).CountKeysInSlot(slot); n != len(want) {
			t.Fatalf("%s: %d keys in the slot, want %d", phase, n, len(want))
		}
	}
	for i := range 100_000 {
		k := fmt.Sprintf("{one}%d", i)
		want[k] = fmt.Sprint(i)
		put(e, 0, k, want[k], 0)
	}
	check("filled")
	for range 100_000 {
		k := fmt.Sprintf("{one}%d", rng.IntN(150_000))
		if rng.IntN(2) == 0 {
			delete(want, k)
			del(e, 0, k)
		} else {
			want[k] = fmt.Sprint(rng.Uint64())
			put(e, 0, k, want[k], 0)
		}
	}
	check("churned")
	for k := range want {
		delete(want, k)
		del(e, 0, k)
		if len(want)%10_000 == 0 {
			e.ActiveExpireCycle(time.Second) // shrinks the table
			check("emptying")
		}
	}
}

// TestHandleOutlivesDelete is RENAME's order: look the key up, delete it,
// store its entry under the new name. The new record takes the chunk the
// old one freed (same shard, same size class), so the value must be copied
// out of it before it is overwritten.
func TestHandleOutlivesDelete(t *testing.T) {
	e, _ := newTestEngine(t)
	val := strings.Repeat("v", 100)
	for i := range 50 {
		src, dst := fmt.Sprintf("{s}src%d", i), fmt.Sprintf("{s}dst%d", i)
		put(e, 0, src, val+fmt.Sprint(i), 0)
		txn := e.NewTxn()
		v := txn.LockKeys(e.DB(0), [][]byte{[]byte(src), []byte(dst)})
		h := v.Lookup([]byte(src))
		v.Delete([]byte(src))
		v.Put([]byte(dst), h, 0)
		txn.Unlock()
		if got := get(e, 0, dst); got == nil || string(got.Str) != val+fmt.Sprint(i) {
			t.Fatalf("after moving %s to %s: %v", src, dst, got)
		}
		if get(e, 0, src) != nil {
			t.Fatalf("%s still there", src)
		}
	}
}
