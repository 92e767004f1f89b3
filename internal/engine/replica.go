package engine

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

// seesExpired reports whether t treats logically expired keys as live.
func (t *Txn) seesExpired() bool { return t.primary && t.eng.replica.Load() }
