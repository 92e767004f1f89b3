package engine

// Blocking commands (BLPOP, BZPOPMIN, ...) wait for a list or sorted set to
// appear under a key. Such a key comes into being through a Put (a push to
// a missing key, RENAME, MOVE, COPY, RESTORE, a STORE command), so Put
// notes every list or sorted set it stores in the command's Txn; after the
// command the caller takes the notes and serves the clients waiting on
// those keys, as Redis's signalKeyAsReady and handleClientsBlockedOnKeys
// do.

// ReadyKey is a key that may now serve a blocked client.
type ReadyKey struct {
	DB  int
	Key string
}

// noteReady records that key of db now holds a value of kind k, if blocked
// clients could be waiting for one.
func (t *Txn) noteReady(db int, key []byte, k Kind) {
	if k == KindList || k == KindZSet {
		t.ready = append(t.ready, ReadyKey{db, string(key)})
	}
}

// TakeReady returns the keys noted since the last call and forgets them.
func (t *Txn) TakeReady() []ReadyKey {
	if len(t.ready) == 0 {
		return nil
	}
	r := t.ready
	t.ready = nil
	return r
}
