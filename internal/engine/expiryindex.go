package engine

import (
	"container/heap"
	"math/rand/v2"
	"unsafe"

	"github.com/shoal-cache/shoal/internal/slab"
)

// expiryBucketMs is the width of an expiry bucket. The active cycle runs
// every 1000/hz ms (100 at the default hz), so a key is reclaimed at most
// about one bucket and one cycle after it expired.
const expiryBucketMs = 100

// expiryIndex holds the records of one shard that have a TTL, in buckets by
// expiry time. The active cycle empties the buckets whose time has passed,
// so it finds every expired key at a constant cost each, where sampling a
// hash table slows down as the table empties and misses keys by chance.
// Each record remembers its place in its bucket (recExpPos), so a key whose
// TTL changes or that is deleted leaves its bucket at once and nothing
// stale piles up. Buckets hold Locs, not pointers: the collector does not
// scan them.
type expiryIndex struct {
	buckets map[int64]*expiryBucket
	due     bucketHeap // ids of buckets, earliest first; may hold ids of emptied buckets
	count   int
	// bucketBytes is the heap the buckets take, their structs and slices;
	// it is kept up to date here, as the shard's accounting reads it on
	// every write. peakBuckets is the most buckets the map has held: a Go
	// map never shrinks, and buckets come and go as time passes.
	bucketBytes int64
	peakBuckets int
	mapSize     int64 // mapBytes(peakBuckets), kept: account reads it per write
}

type expiryBucket struct {
	id   int64
	locs []slab.Loc
}

const (
	bucketStructBytes = int64(unsafe.Sizeof(expiryBucket{}))
	locBytes          = int64(unsafe.Sizeof(slab.Loc(0)))
	// mapSlotBytes is what a slot of the map of buckets takes: 16 bytes of
	// key and pointer, a control byte, and about 6 % for the tables'
	// headers and directory (measured with Go 1.26: 590,520 B for maps of
	// 18,000 to 27,000 int64 keys, which have 32,768 slots).
	mapSlotBytes = 18
)

// sizeBytes returns the heap the index takes: its buckets, the map's slots
// and the heap of bucket ids, stale ids included. The keys of a bucket
// share its fixed cost, so a key costs from about 9 bytes (many keys a
// bucket: a Loc and append's slack) to about 90 (a bucket of its own, as
// TTLs spread over hours or days give).
func (x *expiryIndex) sizeBytes() int64 {
	return x.bucketBytes + x.mapSize + int64(cap(x.due))*8
}

// mapBytes is what a Go map that has held n entries at most takes: its
// slots are a power of two kept at most 7/8 full, and none until the first
// entry.
func mapBytes(n int) int64 {
	if n == 0 {
		return 0
	}
	slots := 8
	for slots*7/8 < n {
		slots *= 2
	}
	return int64(slots) * mapSlotBytes
}

// sliceBytes is the heap a bucket's slice of capacity c takes: one Loc
// alone is a tiny allocation, in a 16-byte block that stays as long as
// either of its halves does.
func sliceBytes(c int) int64 {
	if c == 1 {
		return 16
	}
	return int64(c) * locBytes
}

func newExpiryIndex() expiryIndex {
	return expiryIndex{buckets: map[int64]*expiryBucket{}}
}

func bucketOf(expireAt int64) int64 { return expireAt / expiryBucketMs }

// expAdd indexes the record at loc, which expires at expireAt, writing its
// place into the record.
func (sh *shard) expAdd(loc slab.Loc, expireAt int64) {
	x := &sh.expires
	id := bucketOf(expireAt)
	b := x.buckets[id]
	if b == nil {
		b = &expiryBucket{id: id}
		x.buckets[id] = b
		heap.Push(&x.due, id)
		x.bucketBytes += bucketStructBytes
		if len(x.buckets) > x.peakBuckets {
			x.peakBuckets = len(x.buckets)
			x.mapSize = mapBytes(x.peakBuckets)
		}
	}
	setExpPos(sh.arena.Bytes(loc), uint32(len(b.locs)))
	x.bucketBytes -= sliceBytes(cap(b.locs))
	b.locs = append(b.locs, loc)
	x.bucketBytes += sliceBytes(cap(b.locs))
	x.count++
}

// expRemove takes the record indexed at expireAt, place pos, out of the
// index; the record that fills the place learns its new place.
func (sh *shard) expRemove(expireAt int64, pos uint32) {
	x := &sh.expires
	b := x.buckets[bucketOf(expireAt)]
	if b == nil || int(pos) >= len(b.locs) {
		return // not indexed: a guard, not a path
	}
	last := len(b.locs) - 1
	if int(pos) != last {
		moved := b.locs[last]
		b.locs[pos] = moved
		setExpPos(sh.arena.Bytes(moved), pos)
	}
	b.locs = b.locs[:last]
	if len(b.locs) == 0 {
		delete(x.buckets, b.id)
		x.bucketBytes -= bucketStructBytes + sliceBytes(cap(b.locs))
	} else if cap(b.locs) > 64 && len(b.locs) < cap(b.locs)/4 {
		x.bucketBytes -= sliceBytes(cap(b.locs))
		b.locs = append([]slab.Loc(nil), b.locs...)
		x.bucketBytes += sliceBytes(cap(b.locs))
	}
	x.count--
}

// dueBucket returns the earliest bucket entirely in the past at now, whose
// keys have therefore all expired, or nil.
func (x *expiryIndex) dueBucket(now int64) *expiryBucket {
	for x.due.Len() > 0 {
		// Bucket id holds [id×width, (id+1)×width): entirely past when id
		// is below now's bucket. Comparing ids never overflows, where
		// (id+1)×width would for an expiry near the end of time.
		id := x.due[0]
		if id >= now/expiryBucketMs {
			return nil
		}
		if b := x.buckets[id]; b != nil {
			return b
		}
		heap.Pop(&x.due)
	}
	return nil
}

// sample returns a random indexed record, or false when there is none. Go
// starts every map iteration at a random place.
func (x *expiryIndex) sample() (slab.Loc, bool) {
	for _, b := range x.buckets {
		return b.locs[rand.IntN(len(b.locs))], true
	}
	return slab.Nil, false
}

// bucketHeap is a min-heap of bucket ids.
type bucketHeap []int64

func (h bucketHeap) Len() int           { return len(h) }
func (h bucketHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h bucketHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *bucketHeap) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *bucketHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
