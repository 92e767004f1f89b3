package set

import (
	"hash/maphash"
	"math/bits"
	"strings"
	"unsafe"
)

// table is the hashtable form: the members in a dense slice, and an
// open-addressing index over it (linear probing, slots naming positions).
// The slice gives what a Go map cannot: a member at random in O(1) (SPOP,
// SRANDMEMBER) and a stable order for SSCAN's cursor. The index is
// pointer-free, 4 bytes a slot, so a member costs its string, its 16-byte
// slot in the slice and some 6 bytes of index, against Redis's 48 bytes of
// dict entry, bucket and sds header.
//
// Removing a member moves the last one into its place. SSCAN walks the
// positions downwards, so a member that moves goes from the part not yet
// visited to the same part, or from the visited part to anywhere: every
// member present for the whole scan is returned (members moved back are
// returned twice, which SSCAN allows).
type table struct {
	members []string
	// slots is a power of two long: 0 is empty, tombstone a removed
	// member, anything else a position in members plus one in the low
	// posBits bits (positions stay below len(slots)) under a tag: the
	// high bits of the member's hash, compared before the member itself,
	// whose string header and bytes are two cache misses away.
	slots   []uint32
	posBits uint
	used    int // slots not empty: members and tombstones
	// data is what the members' strings take on the heap.
	data int64
}

const (
	tombstone = ^uint32(0)
	minSlots  = 8
)

// seed is the process's hash seed: random, as Redis's siphash key is, so
// that nobody can choose members that collide.
var seed = maphash.MakeSeed()

func newTable(hint int) *table {
	t := &table{members: make([]string, 0, hint)}
	t.setSlots(slotsFor(hint))
	return t
}

// setSlots gives the table an empty index of size slots.
func (t *table) setSlots(size int) {
	t.slots = make([]uint32, size)
	t.posBits = uint(bits.TrailingZeros(uint(size)))
}

// posMask selects a slot's position bits.
func (t *table) posMask() uint32 { return uint32(1)<<t.posBits - 1 }

// tagOf is the tag of a member whose hash is h: bits the slot index
// (the low ones) does not use, shifted above the position. A table of
// 2^32 slots has no room for one: its tags are 0.
func (t *table) tagOf(h uint64) uint32 { return uint32(h>>32) &^ t.posMask() }

// pos returns the position a live slot names.
func (t *table) pos(slot uint32) int { return int(slot&t.posMask()) - 1 }

// slotsFor is the index size for n members: a power of two kept at most
// 3/4 full.
func slotsFor(n int) int {
	size := minSlots
	for size*3 < n*4 {
		size *= 2
	}
	return size
}

func (t *table) len() int { return len(t.members) }

// find returns the slot holding m, or -1, and the first free slot (empty
// or tombstone) on m's probe path, where m would go.
func (t *table) find(m string) (at, free int) { return t.findHash(m, maphash.String(seed, m)) }

// findHash is find for a member whose hash is h.
func (t *table) findHash(m string, h uint64) (at, free int) {
	mask := uint64(len(t.slots) - 1)
	free = -1
	tag, posMask := t.tagOf(h), t.posMask()
	for i := h & mask; ; i = (i + 1) & mask {
		switch s := t.slots[i]; {
		case s == 0:
			if free < 0 {
				free = int(i)
			}
			return -1, free
		case s == tombstone:
			if free < 0 {
				free = int(i)
			}
		case s&^posMask == tag && t.members[s&posMask-1] == m:
			return int(i), free
		}
	}
}

func (t *table) has(m string) bool {
	at, _ := t.find(m)
	return at >= 0
}

func (t *table) hasBytes(m []byte) bool { return t.has(view(m)) }

// view is b as a string without a copy, for lookups: the table must not
// keep it, and b must not change while it is used.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// add inserts m (which the table keeps) and reports whether it was new.
func (t *table) add(m string) bool { return t.insert(m, false) }

// addBytes inserts a copy of m, copying only when m is new.
func (t *table) addBytes(m []byte) bool { return t.insert(view(m), true) }

// insert adds m, or a copy of it when clone (m is then a view of the
// caller's bytes), with one hash and one probe when m is there already.
func (t *table) insert(m string, clone bool) bool {
	h := maphash.String(seed, m)
	at, free := t.findHash(m, h)
	if at >= 0 {
		return false
	}
	if t.slots[free] == 0 {
		if (t.used+1)*4 > len(t.slots)*3 {
			t.rehash(slotsFor(len(t.members) + 1))
			_, free = t.findHash(m, h)
		}
		t.used++
	}
	if clone {
		m = strings.Clone(m)
	}
	t.members = append(t.members, m)
	t.slots[free] = t.tagOf(h) | uint32(len(t.members))
	t.data += stringBytes(len(m))
	return true
}

// remove deletes m and reports whether it was there.
func (t *table) remove(m string) bool {
	at, _ := t.find(m)
	if at < 0 {
		return false
	}
	pos := t.pos(t.slots[at])
	t.slots[at] = tombstone
	last := len(t.members) - 1
	if pos != last {
		moved := t.members[last]
		slot, _ := t.find(moved)
		t.slots[slot] = t.slots[slot]&^t.posMask() | uint32(pos+1)
		t.members[pos] = moved
	}
	t.members[last] = ""
	t.members = t.members[:last]
	t.data -= stringBytes(len(m))
	t.shrink()
	return true
}

func (t *table) removeBytes(m []byte) bool {
	at, _ := t.find(view(m))
	if at < 0 {
		return false
	}
	return t.remove(t.members[t.pos(t.slots[at])])
}

// rehash rebuilds the index with size slots, dropping tombstones.
// Positions do not change.
func (t *table) rehash(size int) {
	t.setSlots(size)
	mask := uint64(size - 1)
	for pos, m := range t.members {
		h := maphash.String(seed, m)
		i := h & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = t.tagOf(h) | uint32(pos+1)
	}
	t.used = len(t.members)
}

// shrink gives memory back once the table is an eighth full, as Redis
// resizes a dict that is mostly empty; positions do not change, so an
// SSCAN in progress is not disturbed.
func (t *table) shrink() {
	n := len(t.members)
	if len(t.slots) <= minSlots || n*8 >= len(t.slots) {
		return
	}
	if cap(t.members) > 2*n {
		t.members = append(make([]string, 0, n+n/4), t.members...)
	}
	t.rehash(slotsFor(n))
}

func (t *table) clone() *table {
	return &table{
		members: append(make([]string, 0, len(t.members)), t.members...),
		slots:   append([]uint32(nil), t.slots...),
		posBits: t.posBits,
		used:    t.used,
		data:    t.data,
	}
}
