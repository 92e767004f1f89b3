package hash

import (
	"iter"
	"math/rand/v2"
	"strings"
	"unsafe"
)

// Hash is a Redis hash: fields and their values, held in one of Redis's
// two encodings. A new hash is a listpack; it converts to a hashtable,
// for good, once a field or value is longer than Limits.MaxValue or it
// has more than Limits.MaxEntries fields, exactly when Redis 7.0 converts.
//
// A Hash is not safe for concurrent use; the engine's shard lock guards
// it.
type Hash struct {
	lp []byte // the listpack while compact, nil once converted
	t  *table // the hashtable once converted, else nil
}

// Limits are the listpack thresholds: hash-max-listpack-entries and
// hash-max-listpack-value.
type Limits struct {
	MaxEntries, MaxValue int64
}

const hashSize = int(unsafe.Sizeof(Hash{}))

// lpExactFit is the listpack size up to which growing reallocates to fit.
const lpExactFit = 4096

// New returns an empty hash in the listpack encoding.
func New() *Hash { return &Hash{lp: lpEmpty()} }

// Encoding returns the name OBJECT ENCODING reports.
func (h *Hash) Encoding() string {
	if h.t != nil {
		return "hashtable"
	}
	return "listpack"
}

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.t != nil {
		return len(h.t.ents)
	}
	return h.lpEntries() / 2
}

// lpEntries counts the listpack's entries: the header has the count
// unless it passed 16 bits.
func (h *Hash) lpEntries() int {
	if n := lpCount(h.lp); n != lpCountUnknown {
		return n
	}
	n := 0
	for p := lpHeaderSize; h.lp[p] != lpEOF; p = lpSkip(h.lp, p) {
		n++
	}
	return n
}

// Get returns the value of field.
func (h *Hash) Get(field []byte) (Elem, bool) {
	if h.t != nil {
		i := h.t.find(field)
		if i < 0 {
			return Elem{}, false
		}
		return elem(h.t.ents[i].value()), true
	}
	p := h.lpFind(field)
	if p < 0 {
		return Elem{}, false
	}
	v, _ := lpElem(h.lp, lpSkip(h.lp, p))
	return v, true
}

// Exists reports whether field is in the hash.
func (h *Hash) Exists(field []byte) bool {
	if h.t != nil {
		return h.t.find(field) >= 0
	}
	return h.lpFind(field) >= 0
}

// lpFind returns the offset of field's entry in the listpack, or -1.
func (h *Hash) lpFind(field []byte) int {
	fv, fIsInt := parseInt64(field)
	for p := lpHeaderSize; h.lp[p] != lpEOF; {
		match, next := lpMatches(h.lp, p, field, fv, fIsInt)
		if match {
			return p
		}
		p = lpSkip(h.lp, next) // and the value
	}
	return -1
}

// Set stores value under field and reports whether the field is new. The
// hash converts to a hashtable before storing a field or value longer than
// lim.MaxValue (or one that would take the listpack past 1 GB), and after
// storing any field, new or not, when it holds more than lim.MaxEntries, as
// Redis's hashTypeSet does. The
// bytes are copied.
func (h *Hash) Set(field, value []byte, lim Limits) bool {
	if h.t == nil && (int64(len(field)) > lim.MaxValue || int64(len(value)) > lim.MaxValue ||
		len(h.lp)+len(field)+len(value) > lpMaxSafeSize) {
		h.convert()
	}
	if h.t != nil {
		return h.t.set(field, value)
	}
	isNew := true
	if p := h.lpFind(field); p >= 0 {
		vp := lpSkip(h.lp, p)
		h.splice(vp, lpSkip(h.lp, vp), 0, value)
		isNew = false
	} else {
		end := len(h.lp) - 1
		h.splice(end, end, 2, field, value)
	}
	// Checked after an update too: a listpack left past a lowered
	// hash-max-listpack-entries converts on its next write.
	if int64(h.Len()) > lim.MaxEntries {
		h.convert()
	}
	return isNew
}

// Delete removes field and reports whether it was there.
func (h *Hash) Delete(field []byte) bool {
	if h.t != nil {
		return h.t.delete(field)
	}
	p := h.lpFind(field)
	if p < 0 {
		return false
	}
	h.splice(p, lpSkip(h.lp, lpSkip(h.lp, p)), -2)
	return true
}

// splice replaces the listpack's bytes [from, to) with the entries for
// ents, and changes the entry count by delta. A small blob is reallocated
// to fit (up to its size class), as Redis reallocates its listpacks:
// copying it is cheap and spare room in every small hash adds up. Past
// lpExactFit bytes it grows by at least a quarter, so that building it
// field by field copies it a bounded number of times. It shrinks when
// more than half of it would be spare.
func (h *Hash) splice(from, to, delta int, ents ...[]byte) {
	count := h.lpEntries() + delta
	add := 0
	for _, e := range ents {
		add += lpEntrySize(e)
	}
	old := len(h.lp)
	n := old - (to - from) + add
	lp := h.lp
	switch {
	case n > cap(lp):
		grown := n
		if n > lpExactFit {
			grown = max(n, old+old/4)
		}
		lp = make([]byte, n, roundCap(grown))
		copy(lp, h.lp[:from])
		copy(lp[from+add:], h.lp[to:])
	case n < cap(lp)/2 && cap(lp) > 64:
		lp = make([]byte, n, roundCap(n))
		copy(lp, h.lp[:from])
		copy(lp[from+add:], h.lp[to:])
	default:
		lp = lp[:max(n, old)]
		copy(lp[from+add:], lp[to:old])
		lp = lp[:n]
	}
	w := lp[:from]
	for _, e := range ents {
		w = lpAppendEntry(w, e)
	}
	lpSetHeader(lp, count)
	h.lp = lp
}

// convert moves the fields into a hashtable.
func (h *Hash) convert() {
	t := newTable(h.Len())
	for f, v := range h.All() {
		var sb strings.Builder
		flen := f.Len()
		sb.Grow(flen + v.Len())
		f.writeTo(&sb)
		v.writeTo(&sb)
		t.add(sb.String(), flen)
	}
	h.t, h.lp = t, nil
}

// All returns the fields and their values: in insertion order while the
// hash is a listpack, in no particular order once a hashtable. The hash
// must not change during the iteration.
func (h *Hash) All() iter.Seq2[Elem, Elem] {
	return func(yield func(Elem, Elem) bool) {
		if h.t != nil {
			for i := range h.t.ents {
				e := &h.t.ents[i]
				if !yield(elem(e.field()), elem(e.value())) {
					return
				}
			}
			return
		}
		for p := lpHeaderSize; h.lp[p] != lpEOF; {
			f, vp := lpElem(h.lp, p)
			v, next := lpElem(h.lp, vp)
			if !yield(f, v) {
				return
			}
			p = next
		}
	}
}

// Scan is one step of HSCAN from cursor: fn gets the fields of one bucket
// of a hashtable, or every field of a listpack, and Scan returns the
// cursor to continue from, 0 when the scan is complete. Every field
// present from a scan's first call to its last is returned at least once,
// whatever changes in between (see table).
func (h *Hash) Scan(cursor uint64, fn func(f, v Elem)) uint64 {
	if h.t == nil {
		for f, v := range h.All() {
			fn(f, v)
		}
		return 0
	}
	return h.t.scan(cursor, func(i int) {
		e := &h.t.ents[i]
		fn(elem(e.field()), elem(e.value()))
	})
}

// Random returns a field picked at random, and its value. The hash must
// not be empty.
func (h *Hash) Random() (Elem, Elem) {
	i := rand.IntN(h.Len())
	if h.t != nil {
		return h.pairAt()(i)
	}
	p := lpHeaderSize
	for range i {
		p = lpSkip(h.lp, lpSkip(h.lp, p))
	}
	f, vp := lpElem(h.lp, p)
	v, _ := lpElem(h.lp, vp)
	return f, v
}

// pairAt returns a function that reads the i-th field and value: direct
// for a hashtable, through one walk's offsets for a listpack.
func (h *Hash) pairAt() func(i int) (Elem, Elem) {
	if h.t != nil {
		return func(i int) (Elem, Elem) {
			e := &h.t.ents[i]
			return elem(e.field()), elem(e.value())
		}
	}
	offsets := make([]int32, 0, h.Len())
	for p := lpHeaderSize; h.lp[p] != lpEOF; p = lpSkip(h.lp, lpSkip(h.lp, p)) {
		offsets = append(offsets, int32(p))
	}
	return func(i int) (Elem, Elem) {
		f, vp := lpElem(h.lp, int(offsets[i]))
		v, _ := lpElem(h.lp, vp)
		return f, v
	}
}

// SizeBytes returns the heap bytes the hash holds, in O(1).
func (h *Hash) SizeBytes() int64 {
	if h.t != nil {
		return allocSize(hashSize) + h.t.sizeBytes()
	}
	return allocSize(hashSize) + allocSize(cap(h.lp))
}

// Clone returns a deep copy.
func (h *Hash) Clone() *Hash {
	if h.t != nil {
		return &Hash{t: h.t.clone()}
	}
	return &Hash{lp: append(make([]byte, 0, roundCap(len(h.lp))), h.lp...)}
}
