package hash

import (
	"hash/maphash"
	"math/bits"
	"strings"
	"unsafe"
)

// table is the large encoding ("hashtable"): a chained hash table whose
// bucket count is a power of two, walked by HSCAN with Redis's
// reverse-binary cursor. A Go map would be simpler, but its iteration
// order cannot be resumed from a cursor, and Redis promises that a scan
// returns every field present from its start to its end even when the
// hash changes (and resizes) between calls. Reverse-binary order keeps
// that promise: a bucket split or merged by a resize is covered by the
// cursors still to come.
//
// Entries live in one dense slice, chained by index (0 ends a chain), so
// the table holds two slices and one string per field: the field and its
// value concatenated, one allocation. Dense entries also make a random
// field one random index (HRANDFIELD).
type table struct {
	buckets []int32 // per bucket, 1 + the index of its first entry, 0 if empty
	ents    []tentry
	// strBytes is what the entries' strings take on the heap, for
	// SizeBytes.
	strBytes int64
}

type tentry struct {
	kv   string // field, then value
	klen uint32
	next int32 // 1 + the index of the next entry in the chain, 0 at its end
	// hash is the field's hash (its low 32 bits, which pick the bucket):
	// a chain walk compares it before the field, whose bytes are another
	// allocation and so another cache miss, and a resize needs no rehash.
	hash uint32
}

const (
	tableMinBuckets = 4
	tentrySize      = int64(unsafe.Sizeof(tentry{}))
	tableSize       = int64(unsafe.Sizeof(table{}))
)

// seed keys the field hash of every table: a clone keeps its buckets
// valid.
var seed = maphash.MakeSeed()

func (e *tentry) field() string { return e.kv[:e.klen] }
func (e *tentry) value() string { return e.kv[e.klen:] }

// newTable returns a table sized for n entries.
func newTable(n int) *table {
	return &table{buckets: make([]int32, bucketsFor(n)), ents: make([]tentry, 0, n)}
}

// bucketsFor is the bucket count for n entries: the smallest power of two
// not below n, as Redis sizes its dicts.
func bucketsFor(n int) int {
	if n <= tableMinBuckets {
		return tableMinBuckets
	}
	return 1 << bits.Len(uint(n-1))
}

func hashOf(field string) uint32 { return uint32(maphash.String(seed, field)) }

func (t *table) bucketOfHash(h uint32) int { return int(h & uint32(len(t.buckets)-1)) }

// find returns the index of field's entry, or -1.
func (t *table) find(field []byte) int {
	h := uint32(maphash.Bytes(seed, field))
	for i := t.buckets[t.bucketOfHash(h)]; i != 0; i = t.ents[i-1].next {
		if e := &t.ents[i-1]; e.hash == h && e.field() == string(field) {
			return int(i - 1)
		}
	}
	return -1
}

// set stores value under field and reports whether the field is new.
func (t *table) set(field, value []byte) bool {
	if i := t.find(field); i >= 0 {
		e := &t.ents[i]
		if len(e.kv)-int(e.klen) == len(value) {
			// A value of the same length is written over the old one:
			// no allocation, and the bytes are those the field's
			// comparison just brought into the cache. The table owns
			// its strings (clone copies them) and no Elem outlives a
			// change, so nobody sees them change.
			copy(unsafe.Slice(unsafe.StringData(e.kv), len(e.kv))[e.klen:], value)
			return false
		}
		t.strBytes -= allocSize(len(e.kv))
		e.kv = join(field, value)
		t.strBytes += allocSize(len(e.kv))
		return false
	}
	t.add(join(field, value), len(field))
	return true
}

// add appends an entry for a field known to be absent.
func (t *table) add(kv string, klen int) {
	t.ents = append(t.ents, tentry{kv: kv, klen: uint32(klen), hash: hashOf(kv[:klen])})
	t.strBytes += allocSize(len(kv))
	if len(t.ents) > len(t.buckets) {
		t.rehash(len(t.buckets) * 2)
		return
	}
	t.link(len(t.ents) - 1)
}

func (t *table) link(i int) {
	b := t.bucketOfHash(t.ents[i].hash)
	t.ents[i].next = t.buckets[b]
	t.buckets[b] = int32(i + 1)
}

// join returns field and value as one string, in one allocation.
func join(field, value []byte) string {
	var sb strings.Builder
	sb.Grow(len(field) + len(value))
	sb.Write(field)
	sb.Write(value)
	return sb.String()
}

// delete removes field and reports whether it was there. The last entry
// moves into the hole, so the entries stay dense; a table left less than
// a tenth full shrinks, as Redis's dicts do after a delete.
func (t *table) delete(field []byte) bool {
	i := t.find(field)
	if i < 0 {
		return false
	}
	t.unlink(i)
	t.strBytes -= allocSize(len(t.ents[i].kv))
	last := len(t.ents) - 1
	if i != last {
		t.unlink(last)
		t.ents[i] = t.ents[last]
		t.link(i)
	}
	t.ents[last] = tentry{}
	t.ents = t.ents[:last]
	if len(t.buckets) > tableMinBuckets && len(t.ents)*10 < len(t.buckets) {
		t.rehash(bucketsFor(len(t.ents)))
	}
	return true
}

// unlink takes entry i out of its bucket's chain.
func (t *table) unlink(i int) {
	link := &t.buckets[t.bucketOfHash(t.ents[i].hash)]
	for *link != int32(i+1) {
		link = &t.ents[*link-1].next
	}
	*link = t.ents[i].next
}

// rehash rebuilds the chains over n buckets. When shrinking, it also gives
// back the entry slice's spare capacity.
func (t *table) rehash(n int) {
	if n < len(t.buckets) && cap(t.ents) > 2*len(t.ents) {
		t.ents = append(make([]tentry, 0, len(t.ents)+len(t.ents)/4), t.ents...)
	}
	t.buckets = make([]int32, n)
	for i := range t.ents {
		t.link(i)
	}
}

// scan visits the entries of the bucket cursor names and returns the next
// cursor, 0 after the last bucket: Redis's dictScan on a single table. The
// cursor's low bits are the bucket; it is advanced by incrementing its
// reversed bits, so that the buckets a resize splits or merges are all
// visited whatever the size at the next call.
func (t *table) scan(cursor uint64, fn func(i int)) uint64 {
	mask := uint64(len(t.buckets) - 1)
	for i := t.buckets[cursor&mask]; i != 0; i = t.ents[i-1].next {
		fn(int(i - 1))
	}
	cursor |= ^mask
	return bits.Reverse64(bits.Reverse64(cursor) + 1)
}

func (t *table) clone() *table {
	c := *t
	c.buckets = append([]int32(nil), t.buckets...)
	c.ents = append([]tentry(nil), t.ents...)
	for i := range c.ents {
		// Copied, not shared: set overwrites a value in place.
		c.ents[i].kv = strings.Clone(c.ents[i].kv)
	}
	return &c
}

func (t *table) sizeBytes() int64 {
	return tableSize + allocSize(4*cap(t.buckets)) + allocSize(int(tentrySize)*cap(t.ents)) + t.strBytes
}

// elem returns a string of the table as an Elem, without copying: Elem's
// bytes are read-only.
func elem(s string) Elem { return Elem{b: unsafe.Slice(unsafe.StringData(s), len(s))} }
