package engine

// ReadNoTouch returns the live entry at key or nil, counting a keyspace hit
// or miss as [View.Read] does but leaving the key's access time alone. It
// is Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH), which TYPE, EXISTS,
// TTL and OBJECT use: looking at a key's metadata counts as a hit but does
// not make the key look recently used to the eviction policy.
func (v View) ReadNoTouch(key []byte) *Entry {
	e, sh := v.peek(key)
	if e == nil {
		sh.misses.Add(1)
		sh.notices.notice(KeyMiss, sh.db, key)
	} else {
		sh.hits.Add(1)
	}
	return e
}

// ReadNoNotify is ReadNoTouch for OBJECT: a miss counts, but is not a
// keymiss notification (Redis's LOOKUP_NONOTIFY).
func (v View) ReadNoNotify(key []byte) *Entry {
	e, sh := v.peek(key)
	if e == nil {
		sh.misses.Add(1)
	} else {
		sh.hits.Add(1)
	}
	return e
}
