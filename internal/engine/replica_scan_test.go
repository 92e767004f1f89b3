package engine

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// dropRecorder installs a drop hook on e that records the keys it hears.
func dropRecorder(e *Engine) func() []string {
	var mu sync.Mutex
	var keys []string
	e.SetDropHook(func(_ int, key []byte) {
		mu.Lock()
		keys = append(keys, string(key))
		mu.Unlock()
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Sorted(slices.Values(keys))
	}
}

// scanAll returns the keys ScanSlot shows over every slot of db 0.
func scanAll(e *Engine) []string {
	var out []string
	for slot := range SlotCount {
		e.DB(0).ScanSlot(slot, func(key []byte, _ *Entry) bool {
			out = append(out, string(key))
			return true
		})
	}
	slices.Sort(out)
	return out
}

// TestScanAndRandomKeyOnExpiredKeys checks what SCAN and RANDOMKEY do to
// logically expired keys: a primary deletes them and its drop hook hears
// of each (the replication stream's DEL); a replica hides them and keeps
// them for its primary's DEL, its RANDOMKEY returning one only when every
// key it draws is expired (as Redis's replicas do).
func TestScanAndRandomKeyOnExpiredKeys(t *testing.T) {
	for _, replica := range []bool{false, true} {
		e, clock := newTestEngine(t)
		dropped := dropRecorder(e)
		e.SetReplicaMode(replica)
		now := clock.NowMs()
		put(e, 0, "live", "1", 0)
		put(e, 0, "old1", "1", now+10)
		put(e, 0, "old2", "1", now+10)
		clock.Advance(20 * time.Millisecond)

		if got, want := scanAll(e), []string{"live"}; !slices.Equal(got, want) {
			t.Errorf("replica=%v: scan = %q, want %q", replica, got, want)
		}
		for range 50 {
			if k, ok := e.DB(0).RandomKey(); !ok || k != "live" {
				t.Fatalf("replica=%v: RandomKey = %q %v, want the live key", replica, k, ok)
			}
		}
		wantSize, wantDropped := 1, []string{"old1", "old2"}
		if replica {
			wantSize, wantDropped = 3, nil
		}
		if got := e.DB(0).Size(); got != wantSize {
			t.Errorf("replica=%v: size after scan = %d, want %d", replica, got, wantSize)
		}
		if got := dropped(); !slices.Equal(got, wantDropped) {
			t.Errorf("replica=%v: drop hook heard %q, want %q", replica, got, wantDropped)
		}
	}
}

// TestRandomKeyOnlyExpired: a primary whose keys all expired has none to
// give (it deletes them, telling the drop hook); a replica returns one of
// them and deletes nothing.
func TestRandomKeyOnlyExpired(t *testing.T) {
	for _, replica := range []bool{false, true} {
		e, clock := newTestEngine(t)
		dropped := dropRecorder(e)
		e.SetReplicaMode(replica)
		put(e, 0, "old", "1", clock.NowMs()+10)
		clock.Advance(20 * time.Millisecond)
		k, ok := e.DB(0).RandomKey()
		if replica && (!ok || k != "old") || !replica && ok {
			t.Errorf("replica=%v: RandomKey = %q %v", replica, k, ok)
		}
		wantSize, wantDropped := 0, []string{"old"}
		if replica {
			wantSize, wantDropped = 1, nil
		}
		if got := e.DB(0).Size(); got != wantSize {
			t.Errorf("replica=%v: size = %d, want %d", replica, got, wantSize)
		}
		if got := dropped(); !slices.Equal(got, wantDropped) {
			t.Errorf("replica=%v: drop hook heard %q, want %q", replica, got, wantDropped)
		}
	}
}
