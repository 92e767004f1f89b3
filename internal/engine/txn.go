package engine

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"

	"github.com/shoal-cache/shoal/internal/slab"
)

// Txn takes the shard locks a command needs and hands out [View]s of the
// locked databases. Locks are always taken in ascending (database, shard)
// order, so commands that lock several shards cannot deadlock. A Txn is
// reused by one connection for all its commands; it is not safe for
// concurrent use.
type Txn struct {
	eng  *Engine
	want []int // lock ids (db<<16 | shard), collected before Acquire
	held []int
	// pinned are locks held across commands (pin.go): Acquire skips them
	// and Unlock leaves them.
	pinned []int
	now    int64
	// fixedNow, when set by Begin, is the command's time: the caller read
	// the clock already, and one read per command is enough.
	fixedNow int64
	// primary is set on the Txn that applies a primary's stream: on a
	// replica it sees logically expired keys (replica.go).
	primary bool
	// quiet is set on the Txn that loads a snapshot: its keys are loaded,
	// not created, and publish no keyspace event (Redis's dbAddRDBLoad).
	quiet bool

	// The last key located and its slot. Handlers look the same key up
	// several times per command (lock, lookup, store), so the CRC16 is
	// computed once; comparing the bytes costs far less than hashing them.
	slotKey  []byte
	slotSlot int
	slotSet  bool

	// ready are the keys that got a list or sorted set (ready.go).
	ready []ReadyKey

	// handles are the Entries the command's lookups returned; they are
	// reused by the next command.
	handles  []*Entry
	nHandles int

	// changes counts what the command changed through its views since
	// the last commit; OnCommit, when set, runs at Unlock if there were
	// any, with the locks still held (effects.go).
	changes  int
	OnCommit func()
}

// maxHandles is how many Entries a Txn keeps for reuse.
const maxHandles = 16

// handle returns a zeroed Entry for a lookup of the current command.
func (t *Txn) handle() *Entry {
	if t.nHandles >= maxHandles {
		return new(Entry) // a command looking up many keys: keep few
	}
	if t.nHandles == len(t.handles) {
		t.handles = append(t.handles, new(Entry))
	}
	e := t.handles[t.nHandles]
	*e = Entry{}
	t.nHandles++
	return e
}

// NewTxn returns a Txn for one connection.
func (e *Engine) NewTxn() *Txn { return &Txn{eng: e} }

func lockID(db, shard int) int { return db<<16 | shard }

func (t *Txn) lockOf(id int) *shard { return t.eng.dbs[id>>16].shards[id&0xffff] }

// Begin starts a command at nowMs (Unix ms): every lock it acquires sees
// that time. Without Begin, Acquire reads the engine's clock.
func (t *Txn) Begin(nowMs int64) { t.fixedNow = nowMs }

// slotOf returns SlotOf(key), remembering the last key's slot.
func (t *Txn) slotOf(key []byte) int {
	if t.slotSet && bytes.Equal(key, t.slotKey) {
		return t.slotSlot
	}
	slot := SlotOf(key)
	if len(key) <= 256 {
		t.slotKey = append(t.slotKey[:0], key...)
		t.slotSlot, t.slotSet = slot, true
	}
	return slot
}

// Key asks for the shard holding key in db.
func (t *Txn) Key(db *DB, key []byte) *Txn {
	t.want = append(t.want, lockID(db.index, db.shardOfSlot(t.slotOf(key))))
	return t
}

// Keys asks for the shards holding keys in db.
func (t *Txn) Keys(db *DB, keys [][]byte) *Txn {
	for _, k := range keys {
		t.Key(db, k)
	}
	return t
}

// All asks for every shard of db.
func (t *Txn) All(db *DB) *Txn {
	for i := range db.shards {
		t.want = append(t.want, lockID(db.index, i))
	}
	return t
}

// Acquire locks what was asked for, in order, and fixes the command's
// time: a key does not expire half-way through a command.
func (t *Txn) Acquire() {
	ids := t.want
	// Insertion sort: lock sets are small and usually sorted already.
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
	t.held = t.held[:0]
	for i, id := range ids {
		if i > 0 && id == ids[i-1] || len(t.pinned) > 0 && t.pins(id) {
			continue
		}
		t.lockOf(id).mu.Lock()
		t.held = append(t.held, id)
	}
	t.want = t.want[:0]
	t.nHandles = 0
	if t.fixedNow != 0 {
		t.now = t.fixedNow
	} else {
		t.now = t.eng.clock.NowMs()
	}
}

// Unlock releases every lock held.
func (t *Txn) Unlock() {
	if t.changes != 0 {
		t.Commit()
	}
	for i := len(t.held) - 1; i >= 0; i-- {
		t.lockOf(t.held[i]).mu.Unlock()
	}
	t.held = t.held[:0]
}

// View returns a view of db for the keys locked by Acquire.
func (t *Txn) View(db *DB) View { return View{db: db, now: t.now, txn: t} }

// LockKey locks the shard of one key and returns its view.
func (t *Txn) LockKey(db *DB, key []byte) View {
	t.Key(db, key).Acquire()
	return t.View(db)
}

// LockKeys locks the shards of keys in db and returns its view.
func (t *Txn) LockKeys(db *DB, keys [][]byte) View {
	t.Keys(db, keys).Acquire()
	return t.View(db)
}

// View reads and writes keys of one database whose shards the caller has
// locked through a [Txn]. Using it on a key whose shard is not locked is a
// data race.
type View struct {
	db  *DB
	now int64
	txn *Txn
}

// DB returns the database viewed.
func (v View) DB() *DB { return v.db }

// Now returns the command's time in Unix ms.
func (v View) Now() int64 { return v.now }

func (v View) locate(key []byte) (*shard, int) {
	slot := v.txn.slotOf(key)
	return v.db.shards[v.db.shardOfSlot(slot)], v.db.localSlot(slot)
}

// Peek returns the live entry at key or nil, without counting a hit or
// miss and without touching its access time (OBJECT, TYPE-free checks).
// An expired entry is deleted.
func (v View) Peek(key []byte) *Entry {
	e, _ := v.peek(key)
	return e
}

// peek is Peek that also returns the key's shard.
func (v View) peek(key []byte) (*Entry, *shard) {
	sh, local := v.locate(key)
	if sh.slots == nil {
		return nil, sh
	}
	pos, loc := sh.find(local, hashKey(key), key)
	if loc == slab.Nil {
		return nil, sh
	}
	r := decodeRecord(sh.arena.Bytes(loc))
	if r.expireAt != 0 && r.expireAt <= v.now && !v.txn.seesExpired() {
		if v.txn.eng.holdsExpired() {
			return nil, sh // a replica hides it (its primary deletes it), as does a pause
		}
		sh.deleteAt(local, pos, loc, &r)
		sh.expired.Add(1)
		sh.changed(key)
		sh.dropped(key, KeyExpired)
		sh.account()
		return nil, sh
	}
	e := v.txn.handle()
	sh.fill(e, loc, &r)
	e.pos = int32(pos) + 1
	return e, sh
}

// Lookup returns the live entry at key for a command that writes it, or
// nil, and marks it accessed.
func (v View) Lookup(key []byte) *Entry {
	e := v.Peek(key)
	if e != nil {
		if e.sh.snap != nil {
			v.preserveKey(key, e)
		}
		v.touch(e)
	}
	return e
}

// Read returns the live entry at key for a command that reads it, or nil,
// counting a keyspace hit or miss.
func (v View) Read(key []byte) *Entry {
	e := v.ReadNoTouch(key)
	if e != nil {
		v.touch(e)
	}
	return e
}

// Put stores e's value at key, replacing any value, with the given expiry
// time (Unix ms, 0 for none). The key and the string are copied; an
// aggregate Obj is kept. e may be the handle of another key (RENAME, MOVE
// delete the old key, then put its entry). Afterwards e is the handle of
// the stored value.
func (v View) Put(key []byte, e *Entry, expireAt int64) {
	sh, local := v.locate(key)
	sh.ensureSlots()
	h := hashKey(key)
	pos, old := sh.find(local, h, key)
	if sh.snap != nil {
		sh.preserve(local, key, old)
	}
	if e.freq == 0 {
		e.freq = lfuInitVal
	}
	e.access, e.lfu = uint32(v.now/1000), v.lfuPolicyNow()
	r := record{flags: byte(e.Kind), freq: e.freq, access: e.access, key: key}
	if e.Raw {
		r.flags |= flagRaw
	}
	if e.lfu {
		r.flags |= flagLFU
	}
	r.setTTL(expireAt)
	var id [4]byte
	if e.Kind == KindString {
		r.val = e.Str
	} else {
		r.val = sh.objectFor(e, old, id[:])
	}
	created := old == slab.Nil || v.replacesExpired(sh, old)
	loc := sh.store(local, h, pos, old, &r)
	if created && !v.txn.quiet {
		sh.notices.notice(KeyNew, sh.db, key)
	}
	sh.fill(e, loc, &r)
	v.txn.noteReady(v.db.index, key, e.Kind)
	sh.changed(key)
	v.txn.changes++
	sh.account()
}

// PutString stores a copy of val at key as a new string, replacing any
// value, with the given expiry time (Unix ms, 0 for none): Put without an
// Entry, for SET and friends. Replacing a live value counts as an access
// to it, as Redis's setKey looks the key up first.
func (v View) PutString(key, val []byte, expireAt int64) {
	sh, local := v.locate(key)
	sh.ensureSlots()
	h := hashKey(key)
	pos, old := sh.find(local, h, key)
	if sh.snap != nil {
		sh.preserve(local, key, old)
	}
	r := record{flags: byte(KindString), freq: lfuInitVal, access: uint32(v.now / 1000), key: key, val: val}
	r.setTTL(expireAt)
	created := old == slab.Nil || v.replacesExpired(sh, old)
	if s := v.db.eng.eviction.Load(); s.Policy.lfu() {
		r.flags |= flagLFU
		if !created {
			// Redis's setKey looks the key up for writing, an access
			// that counts, and dbOverwrite keeps the old value's LFU
			// data: a hot key that is rewritten stays hot.
			prev := decodeRecord(sh.arena.Bytes(old))
			r.freq = lfuIncr(lfuCounter(prev.lruField(), v.now, s.LFUDecayTime), s.LFULogFactor)
		}
	}
	sh.store(local, h, pos, old, &r)
	if created && !v.txn.quiet {
		sh.notices.notice(KeyNew, sh.db, key)
	}
	sh.changed(key)
	v.txn.changes++
	sh.account()
}

// replacesExpired reports whether the record at old, which a store
// replaces without a lookup first (SET, MSET, the *STORE commands), had
// lapsed. Redis's lookup before the write would have deleted it, so it
// counts as an expiry as a lookup's would: expired_keys, a DEL for the
// replicas and the log ahead of the store's own effect, and the expired
// event; the store then creates the key anew. A replica's lapsed keys
// wait for their primary's DEL.
func (v View) replacesExpired(sh *shard, old slab.Loc) bool {
	b := sh.arena.Bytes(old)
	if b[recFlags]&flagTTL == 0 || v.txn.eng.holdsExpired() {
		return false
	}
	if expireAt := int64(binary.LittleEndian.Uint64(b[recExpire:])); expireAt > v.now {
		return false
	}
	sh.expired.Add(1)
	sh.dropped(decodeRecord(b).key, KeyExpired)
	return true
}

// Delete removes key and reports whether it existed (and was live).
func (v View) Delete(key []byte) bool {
	sh, local := v.locate(key)
	if sh.slots == nil {
		return false
	}
	pos, loc := sh.find(local, hashKey(key), key)
	if loc == slab.Nil {
		return false
	}
	if sh.snap != nil {
		sh.preserve(local, key, loc)
	}
	r := decodeRecord(sh.arena.Bytes(loc))
	sh.deleteAt(local, pos, loc, &r)
	sh.changed(key)
	// A replica applying its primary's DEL deletes a live key, whatever
	// its own clock says of the TTL.
	if r.expireAt != 0 && r.expireAt <= v.now && !v.txn.seesExpired() {
		sh.expired.Add(1)
		sh.dropped(key, KeyExpired)
		sh.account()
		return false
	}
	v.txn.changes++
	sh.account()
	return true
}

// SetExpire sets the expiry of an existing key (0 removes it) and reports
// whether the key existed.
func (v View) SetExpire(key []byte, expireAt int64) bool {
	if v.Peek(key) == nil {
		return false
	}
	sh, local := v.locate(key)
	h := hashKey(key)
	pos, loc := sh.find(local, h, key)
	if sh.snap != nil {
		sh.preserve(local, key, loc)
	}
	b := sh.arena.Bytes(loc)
	r := decodeRecord(b)
	if r.hasTTL() && expireAt != 0 {
		// Same layout: move it between expiry buckets and rewrite the
		// time in place.
		sh.expRemove(r.expireAt, r.expPos)
		r.expireAt = expireAt
		binaryPutExpire(b, expireAt)
		sh.expAdd(loc, expireAt)
	} else {
		r.setTTL(expireAt)
		sh.store(local, h, pos, loc, &r)
	}
	sh.changed(key)
	v.txn.changes++
	sh.account()
	return true
}

// Modified records that e, the value at key, was changed: a string whose
// bytes were changed in place needs nothing more, a string that grew into
// its chunk's spare bytes (append to e.Str within its capacity) has its
// length updated, and any other change is stored, the size accounted
// again and the dirty counter (and, later, WATCH and client tracking)
// told. Call it after the change.
func (v View) Modified(key []byte, e *Entry) {
	sh, local := v.locate(key)
	pos, loc := sh.recall(local, e, key)
	if loc == slab.Nil {
		if pos, loc = sh.find(local, hashKey(key), key); loc == slab.Nil {
			return
		}
	}
	if sh.snap != nil {
		// Too late for a value changed in place, which Lookup saved.
		sh.preserve(local, key, loc)
	}
	if e.Kind == KindString {
		sh.modifiedString(local, pos, loc, e)
	} else {
		// The record holds the object's id, which stays: it is not read.
		sh.setObject(e.objID, e.Obj)
	}
	sh.changed(key)
	v.txn.changes++
	sh.account()
}

// Reencode runs convert, which changes how e, the value at key, is held
// but not what it holds (SORT turns a compact sorted set into the large
// form, as Redis does), and accounts its size again. It is not a write:
// the dirty counter, WATCH and the command's effects are not told. A
// running snapshot saves the value first, as for a write in place.
func (v View) Reencode(key []byte, e *Entry, convert func()) {
	sh, local := v.locate(key)
	if sh.snap != nil {
		sh.preserve(local, key, e.loc)
	}
	convert()
	sh.setObject(e.objID, e.Obj)
	sh.account()
}

// modifiedString stores string e, whose record is at loc (index position
// pos of slot local), as Modified says.
func (sh *shard) modifiedString(local, pos int, loc slab.Loc, e *Entry) {
	chunk := sh.arena.Bytes(loc)
	r := decodeRecord(chunk)
	raw := r.flags&flagRaw != 0
	switch {
	case sameStart(e.Str, r.val) && len(e.Str) <= cap(r.val) && setValueLen(chunk, len(e.Str)):
		// Grown or shrunk in place; the bytes are already there.
		sh.payload += int64(len(e.Str) - len(r.val))
		if e.Raw != raw {
			chunk[recFlags] ^= flagRaw
		}
	case !sameBytes(e.Str, r.val) || e.Raw != raw:
		grew := len(e.Str) > len(r.val)
		r.val = e.Str
		r.flags &^= flagRaw
		if e.Raw {
			r.flags |= flagRaw
		}
		// The key is in the index (pos), so no hash is needed to insert it.
		loc = sh.storeGrowing(local, 0, pos, loc, &r, grew)
		sh.fill(e, loc, &r)
		e.pos = int32(pos) + 1
	}
}

// lfuInitVal is the LFU counter a new key starts with (LFU_INIT_VAL), so
// that new keys are not evicted before they had a chance to be read.
const lfuInitVal = 5

// RandomKey returns a random live key of db, or false when it has none.
// A primary deletes the expired keys it draws (the drop hook hears of
// them); a replica skips them but keeps them, and when it draws nothing
// else returns one, as Redis's replicas do when every key is volatile
// (rather than loop until their primary's DELs come).
func (db *DB) RandomKey() (string, bool) {
	n := len(db.shards)
	start := rand.IntN(n)
	replica := db.eng.holdsExpired()
	expired := ""
	for i := range n {
		sh := db.shards[(start+i)%n]
		key, live, ok := sh.randomKey(db.eng.clock.NowMs(), replica)
		if ok && live {
			return key, true
		}
		if ok && expired == "" {
			expired = key
		}
	}
	return expired, expired != ""
}

// replicaRandomTries is how many expired keys a replica's RANDOMKEY
// draws from a shard before it gives up on the shard (Redis: 100).
const replicaRandomTries = 100

// randomKey draws a random key of sh: live says whether it is live (a
// replica may return an expired one after replicaRandomTries draws).
func (sh *shard) randomKey(now int64, replica bool) (key string, live, ok bool) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for tries := 1; sh.keys > 0; tries++ {
		local, pos, loc := sh.randomRecord()
		r := decodeRecord(sh.arena.Bytes(loc))
		if r.expireAt != 0 && r.expireAt <= now {
			if replica {
				if tries >= replicaRandomTries {
					return string(r.key), false, true
				}
				continue
			}
			sh.changed(r.key)
			sh.dropped(r.key, KeyExpired)
			sh.deleteAt(local, pos, loc, &r)
			sh.expired.Add(1)
			sh.account()
			continue
		}
		return string(r.key), true, true
	}
	return "", false, false
}
