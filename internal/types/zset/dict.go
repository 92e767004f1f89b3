package zset

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// dict finds a member's entry (its score) in the large form: a chained
// hash table whose size is a power of two, rehashed at once when it grows or shrinks. It is
// hand-rolled rather than a Go map so that ZSCAN can walk it with Redis's
// reverse-binary cursor, which returns every member present for the whole
// scan even when the table is resized between calls.
type dict struct {
	buckets []*entry
	count   int
}

// entry is a member and its score, chained in its bucket: 32 bytes, a
// size class of its own (a copy of the member's hash to compare first
// would take it to 48).
type entry struct {
	member string
	score  float64
	next   *entry
}

var entryBytes = int64(roundAlloc(int(unsafe.Sizeof(entry{}))))

const minBuckets = 4

var hashSeed = maphash.MakeSeed()

func hashOf(member []byte) uint64 { return maphash.Bytes(hashSeed, member) }

func newDict(hint int) *dict {
	return &dict{buckets: make([]*entry, bucketsFor(hint))}
}

// bucketsFor is the table size for n members: the power of two at least n.
func bucketsFor(n int) int {
	if n <= minBuckets {
		return minBuckets
	}
	return 1 << bits.Len(uint(n-1))
}

func (d *dict) mask() uint64 { return uint64(len(d.buckets) - 1) }

func (d *dict) find(member []byte) *entry {
	for n := d.buckets[hashOf(member)&d.mask()]; n != nil; n = n.next {
		if n.member == string(member) {
			return n
		}
	}
	return nil
}

// add files an entry whose member is not in the table.
func (d *dict) add(n *entry) {
	if d.count >= len(d.buckets) {
		d.resize(len(d.buckets) * 2)
	}
	b := hashOf(bytesOf(n.member)) & d.mask()
	n.next = d.buckets[b]
	d.buckets[b] = n
	d.count++
}

// remove takes an entry out of the table, shrinking it when it is less than
// a tenth full, as Redis's dictResize after a delete.
func (d *dict) remove(n *entry) {
	p := &d.buckets[hashOf(bytesOf(n.member))&d.mask()]
	for *p != n {
		p = &(*p).next
	}
	*p = n.next
	n.next = nil
	d.count--
	if len(d.buckets) > minBuckets && d.count*10 < len(d.buckets) {
		d.resize(bucketsFor(d.count))
	}
}

func (d *dict) resize(size int) {
	old := d.buckets
	d.buckets = make([]*entry, size)
	for _, n := range old {
		for n != nil {
			next := n.next
			b := hashOf(bytesOf(n.member)) & d.mask()
			n.next = d.buckets[b]
			d.buckets[b] = n
			n = next
		}
	}
}

// scan calls fn for each entry of the bucket cursor names and returns the
// next cursor, 0 after the last bucket. The cursor counts with its bits
// reversed, so a bucket's members are still visited when the table
// doubles (they spread to buckets the cursor has not reached) or halves
// (they merge into one it may revisit, which only repeats members).
func (d *dict) scan(cursor uint64, fn func(*entry)) uint64 {
	m := d.mask()
	for n := d.buckets[cursor&m]; n != nil; n = n.next {
		fn(n)
	}
	cursor |= ^m
	cursor = bits.Reverse64(cursor)
	cursor++
	return bits.Reverse64(cursor)
}

// bytes is what the table's bucket array occupies.
func (d *dict) bytes() int64 {
	return int64(roundAlloc(len(d.buckets) * int(unsafe.Sizeof((*entry)(nil)))))
}
