package zset

import (
	"bytes"
	"encoding/binary"
	"math"
)

// compact is the small form of a sorted set, Shoal's counterpart of
// Redis's listpack: its elements in one pointer-free byte slice, in
// (score, member) order, each
//
//	uvarint(len(member)<<1 | isInt) | member | score
//
// where the score is a zigzag varint when it is an integer Redis's listpack
// would store as one (see asInt), else the 8 bytes of the float64, little
// endian. Lookups and inserts walk the slice: the form is only used while
// the set is small (zset-max-listpack-entries), as in Redis.
type compact struct {
	b []byte
	n int
}

// asInt reports whether a score is stored as an integer, as Redis's
// double2ll decides for listpack entries: integral and within ±2^62.
// Such a score loses the sign of a zero, as in Redis.
func asInt(score float64) (int64, bool) {
	const lim = float64(math.MaxInt64 / 2)
	if score < -lim || score > lim || score != score {
		return 0, false
	}
	i := int64(score)
	return i, float64(i) == score
}

// entrySize is the encoded size of an element.
func entrySize(memberLen int, score float64) int {
	n := uvarintLen(uint64(memberLen)<<1) + memberLen
	if i, ok := asInt(score); ok {
		return n + uvarintLen(zigzag(i))
	}
	return n + 8
}

func zigzag(i int64) uint64   { return uint64(i<<1) ^ uint64(i>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func uvarintLen(u uint64) int {
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}

// putEntry writes an element at dst, which has room for it.
func putEntry(dst []byte, member []byte, score float64) {
	i, isInt := asInt(score)
	h := uint64(len(member)) << 1
	if isInt {
		h |= 1
	}
	n := binary.PutUvarint(dst, h)
	n += copy(dst[n:], member)
	if isInt {
		binary.PutUvarint(dst[n:], zigzag(i))
		return
	}
	binary.LittleEndian.PutUint64(dst[n:], math.Float64bits(score))
}

// entryAt decodes the element at off and returns where the next starts.
// intScore says how its score is stored (ZSCAN and DUMP show it as
// Redis's listpack does).
func (c *compact) entryAt(off int) (member []byte, score float64, intScore bool, next int) {
	h, n := binary.Uvarint(c.b[off:])
	off += n
	l := int(h >> 1)
	member = c.b[off : off+l]
	off += l
	if h&1 != 0 {
		u, n := binary.Uvarint(c.b[off:])
		return member, float64(unzigzag(u)), true, off + n
	}
	score = math.Float64frombits(binary.LittleEndian.Uint64(c.b[off:]))
	return member, score, false, off + 8
}

// find returns the offset of member's element and its score.
func (c *compact) find(member []byte) (off int, score float64, ok bool) {
	for off := 0; off < len(c.b); {
		m, s, _, next := c.entryAt(off)
		if bytes.Equal(m, member) {
			return off, s, true
		}
		off = next
	}
	return 0, 0, false
}

// less orders elements by score, then member bytes.
func less(s1 float64, m1 []byte, s2 float64, m2 []byte) bool {
	return s1 < s2 || (s1 == s2 && bytes.Compare(m1, m2) < 0)
}

// insert adds an element that is not there yet, in order.
func (c *compact) insert(member []byte, score float64) {
	off := 0
	for off < len(c.b) {
		m, s, _, next := c.entryAt(off)
		if less(score, member, s, m) {
			break
		}
		off = next
	}
	size := entrySize(len(member), score)
	c.b = growBytes(c.b, size)
	c.b = c.b[:len(c.b)+size]
	copy(c.b[off+size:], c.b[off:len(c.b)-size])
	putEntry(c.b[off:], member, score)
	c.n++
}

// growBytes makes room for extra more bytes, growing by a quarter rather
// than Go's doubling: small sets are many, and their slack adds up.
func growBytes(b []byte, extra int) []byte {
	need := len(b) + extra
	if need <= cap(b) {
		return b
	}
	nb := make([]byte, len(b), roundAlloc(need+need/4))
	copy(nb, b)
	return nb
}

// removeSpan deletes the bytes [from, to), n elements, shrinking the
// slice when it became mostly slack.
func (c *compact) removeSpan(from, to, n int) {
	c.b = append(c.b[:from], c.b[to:]...)
	c.n -= n
	if cap(c.b) > 64 && len(c.b) < cap(c.b)/2 {
		c.b = append(make([]byte, 0, roundAlloc(len(c.b)+len(c.b)/4)), c.b...)
	}
}

// offsetOf returns the offset of the element of rank r (0-based), or the
// end of the slice for r == n.
func (c *compact) offsetOf(r int) int {
	off := 0
	for ; r > 0; r-- {
		_, _, _, off = c.entryAt(off)
	}
	return off
}

// offsets returns the offset of every element, for walking backwards.
func (c *compact) offsets() []int {
	out := make([]int, 0, c.n)
	for off := 0; off < len(c.b); {
		out = append(out, off)
		_, _, _, off = c.entryAt(off)
	}
	return out
}

// appendItem appends an element that sorts after every element present
// (building from sorted input).
func (c *compact) appendItem(member []byte, score float64) {
	size := entrySize(len(member), score)
	c.b = growBytes(c.b, size)
	putEntry(c.b[len(c.b):len(c.b)+size], member, score)
	c.b = c.b[:len(c.b)+size]
	c.n++
}
