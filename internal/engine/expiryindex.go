package engine

import (
	"container/heap"
	"math/rand/v2"
	"slices"
)

// expiryBucketMs is the width of an expiry bucket. The active cycle runs
// every 1000/hz ms (100 at the default hz), so a key is reclaimed at most
// about one bucket and one cycle after it expired.
const expiryBucketMs = 100

// expiryIndex holds the keys of one shard that have a TTL, in buckets by
// expiry time. The active cycle empties the buckets whose time has passed,
// so it finds every expired key at a constant cost each, where sampling a
// hash table slows down as the table empties and misses keys by chance.
// Each entry remembers its place in its bucket, so a key whose TTL changes
// or that is deleted leaves its bucket at once and nothing stale piles up.
type expiryIndex struct {
	buckets map[int64]*expiryBucket
	due     bucketHeap // ids of buckets, earliest first; may hold ids of emptied buckets
	count   int
}

type expiryBucket struct {
	id   int64
	keys []string
}

func newExpiryIndex() expiryIndex {
	return expiryIndex{buckets: map[int64]*expiryBucket{}}
}

func bucketOf(expireAt int64) int64 { return expireAt / expiryBucketMs }

// add indexes key k of entry e, whose expireAt is set.
func (x *expiryIndex) add(k string, e *Entry) {
	id := bucketOf(e.expireAt)
	b := x.buckets[id]
	if b == nil {
		b = &expiryBucket{id: id}
		x.buckets[id] = b
		heap.Push(&x.due, id)
	}
	e.expPos = int32(len(b.keys))
	b.keys = append(b.keys, k)
	x.count++
}

// remove takes key k of entry e out of the index; e.expireAt must still be
// the time it was indexed under. entryOf finds the entry of the key moved
// into k's place.
//
// e's remembered place is checked against k: an entry can be stored under a
// second key before leaving the first (RENAME and MOVE store, then delete),
// and then it remembers only its newer place. The bucket is then searched.
func (x *expiryIndex) remove(k string, e *Entry, entryOf func(string) *Entry) {
	id := bucketOf(e.expireAt)
	b := x.buckets[id]
	if b == nil {
		return
	}
	i, last := int(e.expPos), len(b.keys)-1
	if i > last || b.keys[i] != k {
		if i = slices.Index(b.keys, k); i < 0 {
			return
		}
	}
	if i != last {
		moved := b.keys[last]
		b.keys[i] = moved
		if m := entryOf(moved); m != nil {
			m.expPos = int32(i)
		}
	}
	b.keys[last] = ""
	b.keys = b.keys[:last]
	if len(b.keys) == 0 {
		delete(x.buckets, id)
	}
	x.count--
}

// dropLast removes the last key of bucket b, whatever it is.
func (x *expiryIndex) dropLast(b *expiryBucket) {
	b.keys[len(b.keys)-1] = ""
	b.keys = b.keys[:len(b.keys)-1]
	if len(b.keys) == 0 {
		delete(x.buckets, b.id)
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

// sample returns a random indexed key, or false when there is none. Go
// starts every map iteration at a random place.
func (x *expiryIndex) sample() (string, bool) {
	for _, b := range x.buckets {
		return b.keys[rand.IntN(len(b.keys))], true
	}
	return "", false
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
