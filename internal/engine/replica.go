package engine

import "github.com/shoal-cache/shoal/internal/slab"

// Replica mode. A replica does not expire keys itself: its primary sends
// a DEL when a key expires there, and the replica must not act on its own
// clock first (an INCR the primary applied just before the key expired
// would otherwise recreate the key on the replica). So in replica mode
// the active expiry cycle is off and a logically expired key is hidden
// from clients (reads find nothing) without being deleted, while the Txn
// that applies the primary's stream sees it as the primary does.

// SetReplicaMode turns replica mode on or off.
func (e *Engine) SetReplicaMode(on bool) { e.replica.Store(on) }

// ReplicaMode reports whether replica mode is on.
func (e *Engine) ReplicaMode() bool { return e.replica.Load() }

// ApplyPrimary marks t as the Txn that applies a primary's stream.
func (t *Txn) ApplyPrimary(on bool) { t.primary = on }

// Quiet makes t's stores publish no keyspace events: a snapshot's keys
// are loaded, not created.
func (t *Txn) Quiet() { t.quiet = true }

// seesExpired reports whether t treats logically expired keys as live.
func (t *Txn) seesExpired() bool { return t.primary && t.eng.replica.Load() }

// WalkSlot calls fn for every key stored in slot, logically expired or
// not, with the slot's shard locked, deleting nothing: what DEBUG DIGEST
// sees, as Redis's digest reads the dictionary itself. key and e are
// valid only during the call.
func (db *DB) WalkSlot(slot int, fn func(key []byte, e *Entry)) {
	sh := db.shards[db.shardOfSlot(slot)]
	local := db.localSlot(slot)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.slots == nil || sh.slots[local].count == 0 {
		return
	}
	var e Entry
	si := &sh.slots[local]
	for pos := 0; si.table != slab.Nil && pos < int(si.size); pos++ {
		word := sh.words(si)[pos]
		if word == wordEmpty || word == wordDeleted {
			continue
		}
		loc := wordLoc(word)
		r := decodeRecord(sh.arena.Bytes(loc))
		sh.fill(&e, loc, &r)
		fn(r.key, &e)
	}
}

// PeekRaw returns the entry stored at key, logically expired or not,
// touching and deleting nothing (DEBUG DIGEST-VALUE).
func (v View) PeekRaw(key []byte) *Entry {
	sh, local := v.locate(key)
	if sh.slots == nil {
		return nil
	}
	_, loc := sh.find(local, hashKey(key), key)
	if loc == slab.Nil {
		return nil
	}
	r := decodeRecord(sh.arena.Bytes(loc))
	e := v.txn.handle()
	sh.fill(e, loc, &r)
	return e
}

// Paused keyspace. While clients are paused (CLIENT PAUSE) keys do not
// expire and are not evicted, as on a replica: a lapsed key reads as
// missing but stays, so the dataset holds still.

// SetPaused turns the pause's hold on expiry and eviction on or off.
func (e *Engine) SetPaused(on bool) { e.paused.Store(on) }

// holdsExpired reports whether logically expired keys stay: on a replica,
// or while clients are paused.
func (e *Engine) holdsExpired() bool { return e.replica.Load() || e.paused.Load() }
