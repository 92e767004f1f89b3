package zset

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// dict finds a member's node in the large form: a chained hash table whose
// size is a power of two, rehashed at once when it grows or shrinks. It is
// hand-rolled rather than a Go map so that ZSCAN can walk it with Redis's
// reverse-binary cursor, which returns every member present for the whole
// scan even when the table is resized between calls.
type dict struct {
	buckets []*node
	count   int
}

const minBuckets = 4

var hashSeed = maphash.MakeSeed()

func hashOf(member []byte) uint64 { return maphash.Bytes(hashSeed, member) }

func newDict(hint int) *dict {
	return &dict{buckets: make([]*node, bucketsFor(hint))}
}

// bucketsFor is the table size for n members: the power of two at least n.
func bucketsFor(n int) int {
	if n <= minBuckets {
		return minBuckets
	}
	return 1 << bits.Len(uint(n-1))
}

func (d *dict) mask() uint64 { return uint64(len(d.buckets) - 1) }

func (d *dict) find(member []byte) *node {
	h := hashOf(member)
	for n := d.buckets[h&d.mask()]; n != nil; n = n.hnext {
		if n.hash == uint32(h) && n.member == string(member) {
			return n
		}
	}
	return nil
}

// add files a node whose member is not in the table.
func (d *dict) add(n *node) {
	if d.count >= len(d.buckets) {
		d.resize(len(d.buckets) * 2)
	}
	h := hashOf(bytesOf(n.member))
	n.hash = uint32(h)
	b := h & d.mask()
	n.hnext = d.buckets[b]
	d.buckets[b] = n
	d.count++
}

// remove takes a node out of the table, shrinking it when it is less than
// a tenth full, as Redis's dictResize after a delete.
func (d *dict) remove(n *node) {
	p := &d.buckets[hashOf(bytesOf(n.member))&d.mask()]
	for *p != n {
		p = &(*p).hnext
	}
	*p = n.hnext
	n.hnext = nil
	d.count--
	if len(d.buckets) > minBuckets && d.count*10 < len(d.buckets) {
		d.resize(bucketsFor(d.count))
	}
}

func (d *dict) resize(size int) {
	old := d.buckets
	d.buckets = make([]*node, size)
	for _, n := range old {
		for n != nil {
			next := n.hnext
			b := hashOf(bytesOf(n.member)) & d.mask()
			n.hnext = d.buckets[b]
			d.buckets[b] = n
			n = next
		}
	}
}

// scan calls fn for each node of the bucket cursor names and returns the
// next cursor, 0 after the last bucket. The cursor counts with its bits
// reversed, so a bucket's members are still visited when the table
// doubles (they spread to buckets the cursor has not reached) or halves
// (they merge into one it may revisit, which only repeats members).
func (d *dict) scan(cursor uint64, fn func(*node)) uint64 {
	m := d.mask()
	for n := d.buckets[cursor&m]; n != nil; n = n.hnext {
		fn(n)
	}
	cursor |= ^m
	cursor = bits.Reverse64(cursor)
	cursor++
	return bits.Reverse64(cursor)
}

// bytes is what the table's bucket array occupies.
func (d *dict) bytes() int64 {
	return int64(roundAlloc(len(d.buckets) * int(unsafe.Sizeof((*node)(nil)))))
}
