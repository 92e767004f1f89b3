package engine

import (
	"bytes"
	"hash/maphash"
	"unsafe"

	"github.com/shoal-cache/shoal/internal/slab"
)

// The index of a slot maps its keys to their records: an open-addressing
// table of 64-bit words kept in the shard's arena, so it holds no Go
// pointer either. A word is the top 16 bits of the key's hash (its tag)
// above the record's Loc; 0 is an empty word and 1 a deleted one. A lookup
// starts at the word the hash's low bits name and probes forward; words
// whose tag differs are skipped without reading their record, and a tag
// match is confirmed by comparing the key itself, so two keys whose hashes
// collide (in tag, position or both) are never confused.
const (
	wordEmpty   = 0
	wordDeleted = 1
	locMask     = 1<<slab.MaxLocBits - 1
	minTable    = 8
)

// slotIndex is one slot's table.
type slotIndex struct {
	table slab.Loc // 8×size bytes; Nil while the slot has no keys
	size  uint32   // words, a multiple of 8
	count uint32   // keys
	used  uint32   // words not empty: keys and deleted words
}

// home is the word where a lookup of hash h starts: the hash's low 32
// bits scaled to the table's size (Lemire's multiply-shift), so that
// tables need not be powers of two and can grow by half rather than
// double, which keeps them fuller on average.
func (si *slotIndex) home(h uint64) int { return int(uint64(uint32(h)) * uint64(si.size) >> 32) }

// next is the word after i, wrapping at the end of the table.
func (si *slotIndex) next(i int) int {
	if i++; i == int(si.size) {
		return 0
	}
	return i
}

func (si *slotIndex) prev(i int) int {
	if i == 0 {
		return int(si.size) - 1
	}
	return i - 1
}

var hashSeed = maphash.MakeSeed()

func hashKey(key []byte) uint64 { return maphash.Bytes(hashSeed, key) }

func makeWord(h uint64, loc slab.Loc) uint64 { return h&^locMask | uint64(loc) }

func wordLoc(w uint64) slab.Loc { return slab.Loc(w & locMask) }

// words returns the table of si as words.
func (sh *shard) words(si *slotIndex) []uint64 {
	b := sh.arena.Bytes(si.table)
	return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), int(si.size))
}

// find returns the position and record of key (hash h) in slot local, or
// -1 and Nil.
func (sh *shard) find(local int, h uint64, key []byte) (int, slab.Loc) {
	si := &sh.slots[local]
	if si.count == 0 {
		return -1, slab.Nil
	}
	w := sh.words(si)
	tag := h &^ locMask
	for i := si.home(h); ; i = si.next(i) {
		switch word := w[i]; {
		case word == wordEmpty:
			return -1, slab.Nil
		case word&^locMask == tag && word != wordDeleted:
			loc := wordLoc(word)
			if bytes.Equal(recordKey(sh.arena.Bytes(loc)), key) {
				return i, loc
			}
		}
	}
}

// recall returns the position and record of key in slot local when e is
// the handle a lookup of key returned and the index still holds that
// record there: what find would return, without hashing the key or
// probing. Otherwise (another key's handle, the key moved, deleted or
// stored anew since) it returns -1 and Nil.
func (sh *shard) recall(local int, e *Entry, key []byte) (int, slab.Loc) {
	if e.sh != sh || e.pos == 0 || e.loc == slab.Nil || sh.slots == nil {
		return -1, slab.Nil
	}
	si := &sh.slots[local]
	pos := int(e.pos) - 1
	if si.table == slab.Nil || pos < 0 || pos >= int(si.size) {
		return -1, slab.Nil
	}
	word := sh.words(si)[pos]
	if word == wordEmpty || word == wordDeleted || wordLoc(word) != e.loc ||
		!bytes.Equal(recordKey(sh.arena.Bytes(e.loc)), key) {
		return -1, slab.Nil
	}
	return pos, e.loc
}

// insert adds a key known to be absent, growing the table as needed.
func (sh *shard) insert(local int, h uint64, loc slab.Loc) {
	si := &sh.slots[local]
	// Keep at most 13/16 of the words in use, so that a miss probes a few
	// words, mostly within one cache line.
	if si.table == slab.Nil || (si.used+1)*16 > si.size*13 {
		sh.rehash(local, int(si.count)+1)
	}
	w := sh.words(si)
	for i := si.home(h); ; i = si.next(i) {
		if w[i] == wordEmpty || w[i] == wordDeleted {
			if w[i] == wordEmpty {
				si.used++
			}
			w[i] = makeWord(h, loc)
			si.count++
			return
		}
	}
}

// removeAt deletes the word at pos. It never moves other words, so a walk
// over the table (ScanSlot) may delete as it goes.
func (sh *shard) removeAt(local, pos int) {
	si := &sh.slots[local]
	w := sh.words(si)
	if w[si.next(pos)] == wordEmpty {
		// The end of a probe run: this word and the deleted ones just
		// before it can become empty, as no lookup needs to pass them.
		w[pos] = wordEmpty
		si.used--
		for p := si.prev(pos); w[p] == wordDeleted; p = si.prev(p) {
			w[p] = wordEmpty
			si.used--
		}
	} else {
		w[pos] = wordDeleted
	}
	si.count--
	if si.count == 0 {
		sh.arena.Free(si.table)
		*si = slotIndex{}
	} else if si.count*4 < si.size && si.size > minTable {
		sh.shrinkable = append(sh.shrinkable, int32(local))
	}
}

// setAt points the word at pos to a record that moved.
func (sh *shard) setAt(local, pos int, loc slab.Loc) {
	w := sh.words(&sh.slots[local])
	w[pos] = w[pos]&^locMask | uint64(loc)
}

// rehash rebuilds slot local's table for n keys, rehashing each key from
// its record (the words keep only the hash's tag).
func (sh *shard) rehash(local, n int) {
	si := &sh.slots[local]
	// Half full after a rebuild: growing by half again before the next.
	size := max(minTable, (2*n+7)&^7)
	loc, _ := sh.arena.Alloc(size * 8)
	fresh := slotIndex{table: loc, size: uint32(size)}
	nw := sh.words(&fresh)
	clear(nw)
	if si.table != slab.Nil {
		for _, word := range sh.words(si) {
			if word == wordEmpty || word == wordDeleted {
				continue
			}
			h := hashKey(recordKey(sh.arena.Bytes(wordLoc(word))))
			i := fresh.home(h)
			for nw[i] != wordEmpty {
				i = fresh.next(i)
			}
			nw[i] = word
			fresh.count++
			fresh.used++
		}
		sh.arena.Free(si.table)
	}
	*si = fresh
}

// shrinkTables rebuilds the tables that deletions left mostly empty, so
// that a slot emptied by expiry or eviction gives its memory back.
func (sh *shard) shrinkTables() {
	for _, local := range sh.shrinkable {
		si := &sh.slots[local]
		if si.count > 0 && si.count*4 < si.size && si.size > minTable {
			sh.rehash(int(local), int(si.count))
		}
	}
	sh.shrinkable = sh.shrinkable[:0]
}

// compactTables moves the slot tables that sit in sparse arena segments
// (slab.Arena.Sparse) to the segment being filled, so that the sparse
// ones empty and are unmapped when only tables remain there. As a
// keyspace grows every slot's table passes through the same sizes, and
// the few slots behind keep a segment of a size the others left: at
// 1,000,000 keys, 8.4 MB of 480-byte tables with 0.3 MB in use. A table
// keeps its size and its words their positions. It returns how many it
// moved.
func (sh *shard) compactTables() int {
	moved := 0
	for local := range sh.slots {
		si := &sh.slots[local]
		if si.table == slab.Nil || !sh.arena.Sparse(si.table) {
			continue
		}
		n := int(si.size) * 8
		loc, b := sh.arena.Evacuate(si.table)
		copy(b, sh.arena.Bytes(si.table)[:n])
		sh.arena.Free(si.table)
		si.table = loc
		moved++
	}
	return moved
}
