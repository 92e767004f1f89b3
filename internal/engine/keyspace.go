package engine

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/shoal-cache/shoal/internal/slab"
)

// The record operations of a shard: storing, deleting and reading records
// and the aggregate objects they name. The caller holds the shard's lock.

// fill makes e the handle of the record r stored at loc.
func (sh *shard) fill(e *Entry, loc slab.Loc, r *record) {
	e.Kind = r.kind()
	e.Raw = r.flags&flagRaw != 0
	e.lfu = r.flags&flagLFU != 0
	e.expireAt, e.access, e.freq = r.expireAt, r.access, r.freq
	e.sh, e.loc, e.pos = sh, loc, 0
	if e.Kind == KindString {
		e.Str, e.Obj = r.val, nil
	} else {
		e.objID = binary.LittleEndian.Uint32(r.val)
		e.Obj, e.Str = sh.objs[e.objID], nil
	}
}

// store writes r as the record of its key, whose index position is pos
// and whose current record is old (-1 and Nil for a new key), and returns
// where it went. r.key and r.val may alias old's chunk, or a chunk freed
// during this command: the record is built aside when it would overwrite
// them.
func (sh *shard) store(local int, h uint64, pos int, old slab.Loc, r *record) slab.Loc {
	return sh.storeGrowing(local, h, pos, old, r, false)
}

// storeGrowing is store for a value that may keep growing (it grew in
// place and outgrew its chunk): the new chunk gets spare room, as much
// again as the record up to 1 MB more, as Redis's strings grow greedily,
// so that appending byte by byte does not copy the value each time.
func (sh *shard) storeGrowing(local int, h uint64, pos int, old slab.Loc, r *record, grow bool) slab.Loc {
	if old != slab.Nil {
		prev := decodeRecord(sh.arena.Bytes(old))
		sh.payload -= int64(len(prev.key) + len(prev.val))
		if prev.hasTTL() {
			sh.expRemove(prev.expireAt, prev.expPos)
		}
		if prev.kind() != KindString && (r.kind() == KindString || !sameObject(prev.val, r.val)) {
			sh.freeObject(binary.LittleEndian.Uint32(prev.val))
		}
	}
	sh.payload += int64(len(r.key) + len(r.val))
	size := r.size()
	var loc slab.Loc
	var dst []byte
	switch {
	case old != slab.Nil && sh.arena.Size(old) == slab.ChunkSize(size):
		loc, dst = old, sh.arena.Bytes(old)
	case grow:
		loc, dst = sh.arena.Alloc(size + min(size, 1<<20))
	default:
		loc, dst = sh.arena.Alloc(size)
	}
	if overlaps(dst, r.val) || overlaps(dst, r.key) {
		if cap(sh.scratch) < size {
			sh.scratch = make([]byte, size)
		}
		buf := sh.scratch[:size]
		r.encode(buf)
		copy(dst, buf)
		if size > 64<<10 {
			sh.scratch = nil // do not keep a large buffer for one record
		}
	} else {
		r.encode(dst)
	}
	if old != slab.Nil && loc != old {
		sh.arena.Free(old)
	}
	if pos < 0 {
		sh.insert(local, h, loc)
		sh.keys++
	} else if loc != old {
		sh.setAt(local, pos, loc)
	}
	if r.hasTTL() {
		sh.expAdd(loc, r.expireAt)
	}
	// Let r describe the stored record, for the caller's handle.
	*r = decodeRecord(sh.arena.Bytes(loc))
	return loc
}

func sameObject(a, b []byte) bool {
	return binary.LittleEndian.Uint32(a) == binary.LittleEndian.Uint32(b)
}

// deleteAt removes the record at loc, r, whose index position is pos.
func (sh *shard) deleteAt(local, pos int, loc slab.Loc, r *record) {
	if r.hasTTL() {
		sh.expRemove(r.expireAt, r.expPos)
	}
	if r.kind() != KindString {
		sh.freeObject(binary.LittleEndian.Uint32(r.val))
	}
	sh.payload -= int64(len(r.key) + len(r.val))
	sh.removeAt(local, pos)
	sh.arena.Free(loc)
	sh.keys--
}

// objectFor returns the 4-byte value of a record naming e.Obj: e's own
// object number when e is the handle of old, the record being replaced,
// else a new number.
func (sh *shard) objectFor(e *Entry, old slab.Loc, buf []byte) []byte {
	id := e.objID
	if e.sh != sh || e.loc != old || old == slab.Nil {
		if n := len(sh.objFree); n > 0 {
			id = sh.objFree[n-1]
			sh.objFree = sh.objFree[:n-1]
		} else {
			id = uint32(len(sh.objs))
			sh.objs = append(sh.objs, nil)
			sh.objSize = append(sh.objSize, 0)
		}
	}
	sh.setObject(id, e.Obj)
	binary.LittleEndian.PutUint32(buf, id)
	return buf
}

// setObject stores obj as object id and accounts its size.
func (sh *shard) setObject(id uint32, obj any) {
	sh.objs[id] = obj
	var size int64
	if s, ok := obj.(Sizer); ok {
		size = s.SizeBytes()
	}
	sh.objBytes += size - sh.objSize[id]
	sh.objSize[id] = size
}

func (sh *shard) freeObject(id uint32) {
	sh.objBytes -= sh.objSize[id]
	sh.objs[id], sh.objSize[id] = nil, 0
	sh.objFree = append(sh.objFree, id)
}

// binaryPutExpire rewrites the expiry of the record in chunk b, which has
// the TTL flag.
func binaryPutExpire(b []byte, at int64) {
	binary.LittleEndian.PutUint64(b[recExpire:], uint64(at))
}

// randomRecord returns a random key's slot, index position and record;
// the shard must have keys. Slots are picked uniformly among those with
// keys, then a key within the slot.
func (sh *shard) randomRecord() (local, pos int, loc slab.Loc) {
	n := len(sh.slots)
	for start := rand.IntN(n); ; start++ {
		local = start % n
		si := &sh.slots[local]
		if si.count == 0 {
			continue
		}
		w := sh.words(si)
		for p := rand.IntN(len(w)); ; p = si.next(p) {
			if w[p] != wordEmpty && w[p] != wordDeleted {
				return local, p, wordLoc(w[p])
			}
		}
	}
}
