package engine

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/shoal-cache/shoal/internal/slab"
)

// Point-in-time snapshots without fork and without pausing writers.
//
// BeginSnapshot fixes the moment T: with every shard locked it gives each
// shard that holds keys a snapshot state (shardSnap), then unlocks. Walk
// then visits the keyspace database by database, shard by shard, slot by
// slot: per batch of slots it takes the shard's lock, encodes the slots'
// keys into a buffer, marks them visited and unlocks, and hands the buffer
// to the caller (who writes it to a file) outside the lock.
//
// Between T and the visit of a slot, its keys must keep their T value for
// the walk. So the first write-intent touch of a key in a slot not yet
// visited (View.Lookup, Put, PutString, Delete, SetExpire, Modified, and
// through Delete eviction) saves the key's pre-image, already encoded, in
// the shard's side map, or a tombstone when the key did not exist at T.
// The visit emits the side version of such a key instead of the live one,
// skips keys that are tombstones, and emits the side versions of keys
// deleted since T. Expiry deletes a key without saving it: the key was
// past its TTL, so loading would drop it anyway. A write to a visited slot
// costs nothing more, and with no snapshot running each hook is one
// branch on a field the writer's shard lock already covers.
//
// Extra memory is the side maps: one encoded pre-image per distinct key
// written ahead of the walk, freed slot by slot as the walk passes. A
// FLUSHALL, FLUSHDB or SWAPDB of a database with keys at T aborts the
// snapshot, which would otherwise have to copy the whole database.

// EncodeFunc appends key, with e's value and expiry, in the snapshot's
// format to dst. It runs under the key's shard lock, from the walk and
// from writers saving a pre-image, so it must be safe for concurrent use.
type EncodeFunc func(dst, key []byte, e *Entry) []byte

// ErrSnapshotRunning is returned by BeginSnapshot while another snapshot
// runs: the engine keeps one at a time.
var ErrSnapshotRunning = errors.New("a snapshot is already in progress")

// ErrSnapshotAborted is the error of a snapshot that a FLUSHALL, FLUSHDB
// or SWAPDB cut short.
var ErrSnapshotAborted = errors.New("snapshot aborted: the keyspace was flushed or swapped")

// DBSize is the number of keys, and of keys with a TTL, of a database at
// the snapshot's start (expired keys not yet reclaimed included).
type DBSize struct{ Keys, Expires int }

// Snapshot is a point-in-time image of every database being walked.
type Snapshot struct {
	eng    *Engine
	encode EncodeFunc
	start  int64 // Unix ms at T
	sizes  []DBSize
	keys   atomic.Int64

	aborted atomic.Bool
	// side is the bytes the side maps hold now, peak their maximum.
	side, peak atomic.Int64
	buf        []byte
	// raw and strs hold a batch's strings copied under the shard's lock,
	// encoded (compressed) after it is released.
	raw  []byte
	strs []rawString
}

// rawString is a string record copied out of the arena: its key and value
// at raw[off:], and its expiry.
type rawString struct {
	off, klen, vlen int
	expireAt        int64
}

// shardSnap is a shard's part of a running snapshot. It is read and
// changed only under the shard's lock.
type shardSnap struct {
	snap    *Snapshot
	visited []bool // by local slot
	// side holds, by local slot, the pre-images of the keys written since
	// T in slots not yet visited; a nil pre-image is a key absent at T.
	side map[int32]map[string][]byte
}

// sideOverhead is what a side-map entry costs beyond its key and value
// bytes: the map's slot and the string and slice headers.
const sideOverhead = 64

// BeginSnapshot starts a snapshot of the whole keyspace as it is now. The
// caller must make sure no multi-command unit (EXEC, a script) is half
// applied, by holding the command gate exclusively; the engine locks every
// shard for the moment it takes to mark them. atStart, if not nil, runs at
// that moment, with every shard locked. Only one snapshot runs at a time.
func (e *Engine) BeginSnapshot(encode EncodeFunc, atStart func()) (*Snapshot, error) {
	s := &Snapshot{eng: e, encode: encode, sizes: make([]DBSize, len(e.dbs))}
	if !e.snapshot.CompareAndSwap(nil, s) {
		return nil, ErrSnapshotRunning
	}
	e.lockAll()
	s.start = e.clock.NowMs()
	for i, db := range e.dbs {
		for _, sh := range db.shards {
			if sh.keys == 0 {
				continue // nothing to keep; keys added later are not walked
			}
			sh.snap = &shardSnap{snap: s, visited: make([]bool, len(sh.slots)), side: map[int32]map[string][]byte{}}
			s.sizes[i].Keys += sh.keys
			s.sizes[i].Expires += sh.expires.count
		}
	}
	if atStart != nil {
		atStart()
	}
	e.unlockAll()
	return s, nil
}

// SnapshotRunning reports whether a snapshot is being taken.
func (e *Engine) SnapshotRunning() bool { return e.snapshot.Load() != nil }

func (e *Engine) lockAll() {
	for _, db := range e.dbs {
		for _, sh := range db.shards {
			sh.mu.Lock()
		}
	}
}

func (e *Engine) unlockAll() {
	for i := len(e.dbs) - 1; i >= 0; i-- {
		sh := e.dbs[i].shards
		for j := len(sh) - 1; j >= 0; j-- {
			sh[j].mu.Unlock()
		}
	}
}

// Start returns the snapshot's time, T, in Unix ms.
func (s *Snapshot) Start() int64 { return s.start }

// Sizes returns each database's key counts at T, by database number.
func (s *Snapshot) Sizes() []DBSize { return s.sizes }

// Keys returns the number of keys walked so far.
func (s *Snapshot) Keys() int64 { return s.keys.Load() }

// PeakSideBytes is the most memory the pre-images held at once.
func (s *Snapshot) PeakSideBytes() int64 { return s.peak.Load() }

// Abort stops the snapshot: its Walk returns ErrSnapshotAborted at the
// next batch (SHUTDOWN stops a background save to save in the foreground).
func (s *Snapshot) Abort() { s.aborted.Store(true) }

// Aborted reports whether a flush or swap cut the snapshot short.
func (s *Snapshot) Aborted() bool { return s.aborted.Load() }

// walkBatch bounds one hold of a shard's lock by the walk: the slots
// encoded under it stop at this many bytes or this much time, whichever
// comes first, so a writer waits for the walk at most about that long.
const (
	walkBatchBytes = 256 << 10
	walkBatchTime  = 200 * time.Microsecond
)

// Walk visits the snapshot and calls fn with the encoded keys of database
// db, batch by batch, outside any lock; chunk is reused after fn returns.
// It ends the snapshot, whatever happens: on fn's error, on an abort
// (ErrSnapshotAborted), or when done. It must be called once.
func (s *Snapshot) Walk(fn func(db int, chunk []byte) error) error {
	defer s.end()
	for i, db := range s.eng.dbs {
		for _, sh := range db.shards {
			if err := s.walkShard(sh, func(chunk []byte) error { return fn(i, chunk) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkShard visits the slots of one shard.
func (s *Snapshot) walkShard(sh *shard, fn func([]byte) error) error {
	sh.mu.Lock()
	ss := sh.snap
	sh.mu.Unlock()
	if ss == nil || ss.snap != s {
		if s.aborted.Load() {
			return ErrSnapshotAborted
		}
		return nil // the shard had no keys at T
	}
	for local := 0; local < len(ss.visited); {
		sh.mu.Lock()
		if sh.snap != ss {
			sh.mu.Unlock()
			return ErrSnapshotAborted
		}
		began := time.Now()
		buf := s.buf[:0]
		s.raw, s.strs = s.raw[:0], s.strs[:0]
		for local < len(ss.visited) && len(buf)+len(s.raw) < walkBatchBytes && time.Since(began) < walkBatchTime {
			buf = s.visitSlot(sh, ss, local, buf)
			local++
		}
		sh.mu.Unlock()
		buf = s.encodeStrings(buf)
		s.buf = buf
		if len(buf) > 0 {
			if err := fn(buf); err != nil {
				return err
			}
		}
		// Pace the walk: it rests as long as the batch took it (lock,
		// encoding, writing), so it takes at most half a core from the
		// event loops, whose tail latency is the point of a forkless
		// snapshot; on a machine with few cores an unpaced walk would
		// hold a P until preempted and the loops' commands would wait.
		time.Sleep(time.Since(began))
		if s.aborted.Load() {
			return ErrSnapshotAborted
		}
	}
	return nil
}

// visitSlot encodes slot local's keys as they were at T and marks it
// visited; the caller holds the shard's lock.
func (s *Snapshot) visitSlot(sh *shard, ss *shardSnap, local int, buf []byte) []byte {
	ss.visited[local] = true
	side := ss.side[int32(local)]
	si := &sh.slots[local]
	var e Entry
	for pos := 0; si.table != slab.Nil && pos < int(si.size); pos++ {
		word := sh.words(si)[pos]
		if word == wordEmpty || word == wordDeleted {
			continue
		}
		loc := wordLoc(word)
		r := decodeRecord(sh.arena.Bytes(loc))
		if pre, saved := side[string(r.key)]; saved {
			buf = s.appendPre(buf, pre)
			continue
		}
		s.keys.Add(1)
		if r.kind() == KindString {
			// Copied now, encoded once the lock is released: compressing
			// is the walk's slow part, and writers wait for the lock.
			s.strs = append(s.strs, rawString{off: len(s.raw), klen: len(r.key), vlen: len(r.val), expireAt: r.expireAt})
			s.raw = append(append(s.raw, r.key...), r.val...)
			continue
		}
		sh.fill(&e, loc, &r)
		buf = s.encode(buf, r.key, &e)
	}
	if side == nil {
		return buf
	}
	// Keys deleted (or renamed away) since T: only their pre-image is left.
	var freed int64
	for k, pre := range side {
		freed += int64(len(k)+len(pre)) + sideOverhead
		if _, loc := sh.find(local, hashKey([]byte(k)), []byte(k)); loc == slab.Nil {
			buf = s.appendPre(buf, pre)
		}
	}
	delete(ss.side, int32(local))
	s.side.Add(-freed)
	return buf
}

// encodeStrings encodes the strings the batch copied, after buf.
func (s *Snapshot) encodeStrings(buf []byte) []byte {
	var e Entry
	for _, r := range s.strs {
		key := s.raw[r.off : r.off+r.klen]
		e = Entry{Kind: KindString, Str: s.raw[r.off+r.klen : r.off+r.klen+r.vlen], expireAt: r.expireAt}
		buf = s.encode(buf, key, &e)
	}
	return buf
}

func (s *Snapshot) appendPre(buf, pre []byte) []byte {
	if pre == nil {
		return buf // the key did not exist at T
	}
	s.keys.Add(1)
	return append(buf, pre...)
}

// end detaches the snapshot from every shard and lets another begin.
func (s *Snapshot) end() {
	for _, db := range s.eng.dbs {
		for _, sh := range db.shards {
			sh.mu.Lock()
			if sh.snap != nil && sh.snap.snap == s {
				sh.snap = nil
			}
			sh.mu.Unlock()
		}
	}
	s.buf = nil
	s.eng.snapshot.CompareAndSwap(s, nil)
}

// preserve saves the pre-image of key, stored at loc (Nil when absent), in
// slot local, before a write changes it, unless the slot was visited or
// the key saved already. The caller holds the lock and checked sh.snap.
func (sh *shard) preserve(local int, key []byte, loc slab.Loc) {
	ss := sh.snap
	if ss.visited[local] {
		return
	}
	m := ss.side[int32(local)]
	if m == nil {
		m = map[string][]byte{}
		ss.side[int32(local)] = m
	} else if _, saved := m[string(key)]; saved {
		return
	}
	var pre []byte
	if loc != slab.Nil {
		r := decodeRecord(sh.arena.Bytes(loc))
		var e Entry
		sh.fill(&e, loc, &r)
		pre = ss.snap.encode(nil, r.key, &e)
	}
	m[string(key)] = pre
	ss.snap.grow(int64(len(key)+len(pre)) + sideOverhead)
}

func (s *Snapshot) grow(n int64) {
	now := s.side.Add(n)
	for {
		peak := s.peak.Load()
		if now <= peak || s.peak.CompareAndSwap(peak, now) {
			return
		}
	}
}

// preserveKey is preserve for a View's key, located again; cheap, as the
// Txn remembers the last key's slot.
func (v View) preserveKey(key []byte, e *Entry) {
	sh, local := v.locate(key)
	sh.preserve(local, key, e.loc)
}

// abortSnapshot ends the shard's part in a running snapshot, which fails:
// its contents are about to be flushed or swapped. The caller holds the
// lock.
func (sh *shard) abortSnapshot() {
	if sh.snap != nil {
		sh.snap.snap.aborted.Store(true)
		sh.snap = nil
	}
}

// SideBytes is the memory the pre-images hold now.
func (s *Snapshot) SideBytes() int64 { return s.side.Load() }
