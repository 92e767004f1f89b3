package set

import (
	"encoding/binary"
	"errors"
	"math"
)

// intset is Redis's integer set: distinct integers kept sorted and packed
// little-endian, each in the same width (2, 4 or 8 bytes), the narrowest
// that fits every integer the set ever held. Like Redis's, the width only
// grows: removing the one wide integer keeps the others wide, which DUMP
// shows. One allocation and no pointers, whatever the count.
//
// The first byte is the width, the integers follow; nil is the empty
// intset that never held anything. Keeping the width in the bytes keeps a
// Set at 32 bytes, a size class below what a separate field would cost.
type intset []byte

// widthOf is the narrowest intset width that holds n.
func widthOf(n int64) int {
	switch {
	case n >= math.MinInt16 && n <= math.MaxInt16:
		return 2
	case n >= math.MinInt32 && n <= math.MaxInt32:
		return 4
	}
	return 8
}

// width is the integers' width, 0 before the first one.
func (s intset) width() int {
	if len(s) == 0 {
		return 0
	}
	return int(s[0])
}

func (s intset) len() int {
	if len(s) == 0 {
		return 0
	}
	return (len(s) - 1) / int(s[0])
}

// get returns the integer at position i.
func (s intset) get(i int) int64 { return getAt(s[1:], int(s[0]), i) }

func getAt(b []byte, width, i int) int64 {
	switch width {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b[i*2:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b[i*4:])))
	}
	return int64(binary.LittleEndian.Uint64(b[i*8:]))
}

func putAt(b []byte, width, i int, n int64) {
	switch width {
	case 2:
		binary.LittleEndian.PutUint16(b[i*2:], uint16(n))
	case 4:
		binary.LittleEndian.PutUint32(b[i*4:], uint32(n))
	default:
		binary.LittleEndian.PutUint64(b[i*8:], uint64(n))
	}
}

// search returns the position of n, or where it would be inserted.
func (s intset) search(n int64) (int, bool) {
	lo, hi := 0, s.len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch v := s.get(mid); {
		case v == n:
			return mid, true
		case v < n:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}

func (s intset) has(n int64) bool {
	if widthOf(n) > s.width() {
		return false
	}
	_, ok := s.search(n)
	return ok
}

// add inserts n and reports whether it was not there yet.
func (s *intset) add(n int64) bool {
	if w := widthOf(n); w > s.width() {
		s.widen(w)
	}
	i, found := s.search(n)
	if found {
		return false
	}
	w := s.width()
	s.grow(w)
	b := (*s)[1:]
	copy(b[(i+1)*w:], b[i*w:])
	putAt(b, w, i, n)
	return true
}

// grow lengthens the intset by n bytes. Like Redis's, which is reallocated
// to its exact size on each insert, it keeps little spare room: an eighth
// more (at least four integers), where append would double a small slice.
func (s *intset) grow(n int) {
	l := len(*s)
	if l+n > cap(*s) {
		b := make(intset, l, l+max(l/8, 4*s.width(), n))
		copy(b, *s)
		*s = b
	}
	*s = (*s)[:l+n]
}

// widen re-encodes every integer in width w.
func (s *intset) widen(w int) {
	n := s.len()
	b := make(intset, 1+n*w, 1+(n+1)*w)
	b[0] = byte(w)
	for i := range n {
		putAt(b[1:], w, i, s.get(i))
	}
	*s = b
}

// remove deletes n and reports whether it was there.
func (s *intset) remove(n int64) bool {
	if widthOf(n) > s.width() {
		return false
	}
	i, found := s.search(n)
	if !found {
		return false
	}
	w, b := s.width(), (*s)[1:]
	copy(b[i*w:], b[(i+1)*w:])
	*s = (*s)[:len(*s)-w]
	if cap(*s) >= 64 && len(*s) < cap(*s)/4 {
		*s = append(make(intset, 0, 2*len(*s)), *s...)
	}
	return true
}

func (s intset) clone() intset { return append(intset(nil), s...) }

// intsetHeader is the size of Redis's intset header: the width and the
// count, 32-bit little-endian each.
const intsetHeader = 8

// blob returns the set in Redis's intset layout, as RDB_TYPE_SET_INTSET
// stores it.
func (s intset) blob() []byte {
	out := make([]byte, intsetHeader, intsetHeader+len(s))
	binary.LittleEndian.PutUint32(out, uint32(max(s.width(), 2)))
	binary.LittleEndian.PutUint32(out[4:], uint32(s.len()))
	if len(s) > 0 {
		out = append(out, s[1:]...)
	}
	return out
}

var errBadIntset = errors.New("set: malformed intset")

// intsetFromBlob reads Redis's intset layout. It refuses what Redis's
// intsetValidateIntegrity refuses (a bad width, a size that does not match
// the count, no integers) and also integers out of order or repeated,
// which Redis only checks with sanitize-dump-payload: a binary search over
// them would go wrong.
func intsetFromBlob(b []byte) (intset, error) {
	if len(b) < intsetHeader {
		return nil, errBadIntset
	}
	w := binary.LittleEndian.Uint32(b)
	n := uint64(binary.LittleEndian.Uint32(b[4:]))
	if (w != 2 && w != 4 && w != 8) || n == 0 || uint64(len(b)-intsetHeader) != n*uint64(w) {
		return nil, errBadIntset
	}
	s := append(intset{byte(w)}, b[intsetHeader:]...)
	for i := 1; i < int(n); i++ {
		if s.get(i) <= s.get(i-1) {
			return nil, errBadIntset
		}
	}
	return s, nil
}
