package engine

// The engine's side of effect propagation (the AOF, and later the
// replication stream). A change a command makes through a [View] is
// counted in its Txn, and when the Txn unlocks with changes it calls
// OnCommit while the shard locks are still held: whoever logs the
// command's effect there logs the effects of commands on the same key in
// the order they were applied. Keys the engine removes by itself (lazy
// and active expiry, eviction) are reported to the drop hook as they go,
// under the same locks, so a log can record them as DEL.

// DropHook is told of every key the engine removes by itself: db is the
// database's number. It runs with the key's shard locked and must not
// lock shards.
type DropHook func(db int, key []byte)

// SetDropHook installs h (nil removes it). Set it before the engine
// serves commands: the hook is read without synchronisation.
func (e *Engine) SetDropHook(h DropHook) { e.onDrop = h }

// dropped reports a key the engine removed by itself: ev is KeyExpired
// or KeyEvicted.
func (sh *shard) dropped(key []byte, ev KeyEvent) {
	if h := *sh.drop; h != nil {
		h(sh.db, key)
	}
	sh.notices.notice(ev, sh.db, key)
}

// Changed counts a change made by the current command outside a View
// (FLUSHALL, SWAPDB), so that OnCommit runs at the next Unlock, or at
// Commit.
func (t *Txn) Changed() { t.changes++ }

// Commit runs OnCommit now if the command changed anything since the last
// commit: for commands that change the keyspace without holding locks
// through the Txn.
func (t *Txn) Commit() {
	if t.changes != 0 {
		t.changes = 0
		if t.OnCommit != nil {
			t.OnCommit()
		}
	}
}
