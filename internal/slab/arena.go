package slab

import (
	"encoding/binary"
	"os"
)

// Loc names a chunk of an Arena: its segment in the high bits and its
// offset in the low ones. The zero Loc names no chunk.
type Loc uint64

// Nil is the Loc of no chunk.
const Nil Loc = 0

const (
	offsetBits = 24
	// SegmentSize is the size of the segments small chunks are cut from.
	SegmentSize = 1 << 20
	// MaxClassSize is the largest size class; larger chunks get a mapping
	// of their own.
	MaxClassSize = 64 << 10
	// MaxLocBits is how many low bits of a Loc may be set, so that
	// indexes can keep other data above them.
	MaxLocBits = 48
)

func (l Loc) segment() uint32 { return uint32(l >> offsetBits) }
func (l Loc) offset() uint32  { return uint32(l) & (1<<offsetBits - 1) }

func makeLoc(seg, off uint32) Loc { return Loc(seg)<<offsetBits | Loc(off) }

// classSizes are the chunk sizes: every 8 bytes up to 256 (small records
// are the many, and a few bytes each add up), then about 12.5 % apart,
// rounded to 8 so that chunks stay 8-byte aligned.
var classSizes = func() []int {
	var sizes []int
	for n := 16; n <= MaxClassSize; {
		sizes = append(sizes, n)
		if n < 256 {
			n += 8
		} else {
			n = (n + n/8 + 7) &^ 7
		}
	}
	if sizes[len(sizes)-1] != MaxClassSize {
		sizes = append(sizes, MaxClassSize)
	}
	return sizes
}()

// classBySize maps (n+7)/8 to the smallest class holding n bytes.
var classBySize = func() []uint8 {
	t := make([]uint8, MaxClassSize/8+1)
	c := 0
	for i := range t {
		for classSizes[c] < i*8 {
			c++
		}
		t[i] = uint8(c)
	}
	return t
}()

// ChunkSize returns the size of the chunk Alloc(n) hands out.
func ChunkSize(n int) int {
	if n > MaxClassSize {
		return pageRound(n)
	}
	return classSizes[classBySize[(n+7)>>3]]
}

var pageSize = os.Getpagesize()

func pageRound(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }

// segment is one mapping: either cut into chunks of one class, or holding
// one large chunk (class -1).
type segment struct {
	mem   []byte
	class int16
	// partial is set while the segment is listed in its class's partial
	// stack, so that it is listed once.
	partial bool
	chunk   uint32
	live    uint32 // chunks in use
	free    uint32 // offset+1 of the first free chunk; 0: none
	bump    uint32 // offset of the first chunk never handed out
}

func (s *segment) hasRoom() bool {
	return s.free != 0 || int(s.bump)+int(s.chunk) <= len(s.mem)
}

// sizeClass is the allocation state of one class.
type sizeClass struct {
	cur uint32 // the segment being filled; 0: none
	// partial lists segments of the class with free chunks. Entries may
	// be stale (released, or reused by another class); take skips them.
	partial []uint32
}

// Arena hands out chunks of memory outside the Go heap. The zero Arena is
// empty and ready for use.
type Arena struct {
	segs    []*segment // by segment number; segs[0] stays nil so Loc 0 is Nil
	freeIDs []uint32
	classes []sizeClass
	// empty lists segments that had all their chunks freed, for
	// ReleaseEmpty; it may hold stale or repeated entries.
	empty  []uint32
	used   int64
	mapped int64
	frees  uint64 // chunks of classes freed, ever (Frees)
}

// Alloc returns a chunk of at least n bytes, n > 0, and its Loc. The chunk
// is the returned slice, whose length is the chunk's size; its contents are
// undefined.
func (a *Arena) Alloc(n int) (Loc, []byte) {
	if n > MaxClassSize {
		id := a.newSegment(pageRound(n), -1, 0)
		s := a.segs[id]
		s.live = 1
		a.used += int64(len(s.mem))
		return makeLoc(id, 0), s.mem
	}
	c := int(classBySize[(n+7)>>3])
	if a.classes == nil {
		a.classes = make([]sizeClass, len(classSizes))
	}
	cl := &a.classes[c]
	var s *segment
	if cl.cur != 0 {
		s = a.segs[cl.cur]
	}
	if s == nil || !s.hasRoom() {
		id := a.takePartial(c)
		if id == 0 {
			id = a.newSegment(SegmentSize, c, classSizes[c])
		}
		cl.cur, s = id, a.segs[id]
	}
	var off uint32
	if s.free != 0 {
		off = s.free - 1
		s.free = binary.LittleEndian.Uint32(s.mem[off:])
	} else {
		off = s.bump
		s.bump += s.chunk
	}
	s.live++
	a.used += int64(s.chunk)
	return makeLoc(cl.cur, off), s.mem[off : off+s.chunk : off+s.chunk]
}

// takePartial returns a segment of class c with room, from its partial
// stack, or 0.
func (a *Arena) takePartial(c int) uint32 {
	cl := &a.classes[c]
	for len(cl.partial) > 0 {
		id := cl.partial[len(cl.partial)-1]
		cl.partial = cl.partial[:len(cl.partial)-1]
		if s := a.segs[id]; s != nil && int(s.class) == c && s.partial {
			s.partial = false
			if s.hasRoom() {
				return id
			}
		}
	}
	return 0
}

func (a *Arena) newSegment(size, class, chunk int) uint32 {
	s := &segment{mem: mapMemory(size), class: int16(class), chunk: uint32(chunk)}
	a.mapped += int64(size)
	if len(a.segs) == 0 {
		a.segs = append(a.segs, nil)
	}
	if n := len(a.freeIDs); n > 0 {
		id := a.freeIDs[n-1]
		a.freeIDs = a.freeIDs[:n-1]
		a.segs[id] = s
		return id
	}
	if len(a.segs) >= 1<<(MaxLocBits-offsetBits) {
		panic("slab: out of segment numbers")
	}
	a.segs = append(a.segs, s)
	return uint32(len(a.segs) - 1)
}

// Bytes returns the chunk at l, which must be allocated.
func (a *Arena) Bytes(l Loc) []byte {
	s := a.segs[l.segment()]
	if s.class < 0 {
		return s.mem
	}
	off := l.offset()
	return s.mem[off : off+s.chunk : off+s.chunk]
}

// Size returns the size of the chunk at l.
func (a *Arena) Size(l Loc) int {
	s := a.segs[l.segment()]
	if s.class < 0 {
		return len(s.mem)
	}
	return int(s.chunk)
}

// Free returns the chunk at l for reuse. Its first four bytes are
// overwritten at once; the rest stays readable until the chunk is handed
// out again or ReleaseEmpty runs, so a caller may free a record and then
// copy its value elsewhere.
func (a *Arena) Free(l Loc) {
	id := l.segment()
	s := a.segs[id]
	s.live--
	if s.class < 0 {
		a.used -= int64(len(s.mem))
		a.empty = append(a.empty, id)
		return
	}
	a.frees++
	off := l.offset()
	binary.LittleEndian.PutUint32(s.mem[off:], s.free)
	s.free = off + 1
	a.used -= int64(s.chunk)
	if s.live == 0 {
		a.empty = append(a.empty, id)
	}
	cl := &a.classes[s.class]
	if id != cl.cur && !s.partial {
		s.partial = true
		cl.partial = append(cl.partial, id)
	}
}

// Sparse reports whether the chunk at l lies in a segment at most an
// eighth used of what it has handed out (at least 64 KB): its freed chunks
// stay resident until the few left are moved (Evacuate) and ReleaseEmpty
// unmaps it. The slot tables of a size the slots have grown out of leave
// such segments.
func (a *Arena) Sparse(l Loc) bool { return a.sparse(a.segs[l.segment()]) }

// HasSparse reports whether some segment with chunks in use is sparse.
func (a *Arena) HasSparse() bool {
	for _, s := range a.segs {
		if s != nil && s.live > 0 && a.sparse(s) {
			return true
		}
	}
	return false
}

func (a *Arena) sparse(s *segment) bool {
	return s.class >= 0 && s.bump >= 64<<10 && int(s.live)*int(s.chunk)*8 <= int(s.bump)
}

// Evacuate returns a chunk of the class of the one at l in another
// segment, the one being filled, or a new one when that is l's, full or
// sparse itself. The caller copies what it needs and frees l.
func (a *Arena) Evacuate(l Loc) (Loc, []byte) {
	id := l.segment()
	c := int(a.segs[id].class)
	cl := &a.classes[c]
	cur := a.segs[cl.cur]
	if cl.cur == 0 || cl.cur == id || cur == nil || !cur.hasRoom() || a.sparse(cur) {
		cl.cur = a.newSegment(SegmentSize, c, classSizes[c])
	}
	return a.Alloc(classSizes[c])
}

// ReleaseEmpty unmaps the segments whose chunks are all free, giving their
// memory back to the operating system. Chunks freed before it are
// unreadable after it. Its owner calls it now and then (the active expiry
// cycle does, ten times a second), not on every free, so that a class
// whose last chunk comes and goes does not map and unmap a segment each
// time.
func (a *Arena) ReleaseEmpty() {
	for _, id := range a.empty {
		if s := a.segs[id]; s != nil && s.live == 0 {
			if s.class >= 0 && a.classes[s.class].cur == id {
				a.classes[s.class].cur = 0
			}
			a.release(id)
		}
	}
	a.empty = a.empty[:0]
}

func (a *Arena) release(id uint32) {
	s := a.segs[id]
	unmapMemory(s.mem)
	a.mapped -= int64(len(s.mem))
	a.segs[id] = nil
	a.freeIDs = append(a.freeIDs, id)
}

// Reset frees every chunk and unmaps every segment.
func (a *Arena) Reset() {
	for id, s := range a.segs {
		if s != nil {
			a.release(uint32(id))
		}
	}
	*a = Arena{}
}

// Frees counts the chunks of size classes freed so far: a segment turns
// sparse only when chunks are freed, so an unchanged count means nothing
// became sparse since it was last read.
func (a *Arena) Frees() uint64 { return a.frees }

// Used returns the bytes of the chunks in use.
func (a *Arena) Used() int64 { return a.used }

// Mapped returns the bytes of the segments mapped: the chunks in use, the
// free ones, and the parts of segments not handed out yet (which take no
// physical memory until used).
func (a *Arena) Mapped() int64 { return a.mapped }
