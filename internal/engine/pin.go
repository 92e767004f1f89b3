package engine

import (
	"runtime"
	"time"
)

// Pinned locks. A script that runs beside other commands, rather than
// alone behind the node's gate, holds the shards of its keys for its
// whole run, while each command it calls locks and unlocks through the
// same Txn as usual. Pin turns the locks held into such locks: Acquire
// skips them, Unlock leaves them, and Unpin releases them. A command of
// the script that needs a shard not pinned takes it with TryPin, which
// never waits on a lock in the wrong order: two scripts that each hold
// what the other wants give up instead of deadlocking.

// Pin keeps the locks held until Unpin. The Txn must hold no pinned
// locks already.
func (t *Txn) Pin() {
	t.pinned = append(t.pinned[:0], t.held...)
	t.held = t.held[:0]
}

// Pinned reports whether the Txn holds pinned locks.
func (t *Txn) Pinned() bool { return len(t.pinned) > 0 }

// Covers reports whether the pinned locks include the shard of key in db.
func (t *Txn) Covers(db *DB, key []byte) bool {
	return t.pins(lockID(db.index, db.shardOfSlot(t.slotOf(key))))
}

func (t *Txn) pins(id int) bool {
	for _, p := range t.pinned {
		if p == id {
			return true
		}
	}
	return false
}

// TryPin adds the shard of key in db to the pinned locks, trying for at
// most wait while another command holds it; it reports whether it got
// it.
func (t *Txn) TryPin(db *DB, key []byte, wait time.Duration) bool {
	id := lockID(db.index, db.shardOfSlot(t.slotOf(key)))
	if t.pins(id) {
		return true
	}
	mu := &t.lockOf(id).mu
	deadline := time.Now().Add(wait)
	for !mu.TryLock() {
		if time.Now().After(deadline) {
			return false
		}
		runtime.Gosched()
	}
	t.pinned = append(t.pinned, id)
	return true
}

// Unpin releases the pinned locks, committing what was changed under
// them.
func (t *Txn) Unpin() {
	if t.changes != 0 {
		t.Commit()
	}
	for i := len(t.pinned) - 1; i >= 0; i-- {
		t.lockOf(t.pinned[i]).mu.Unlock()
	}
	t.pinned = t.pinned[:0]
}
