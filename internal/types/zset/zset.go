package zset

import "unsafe"

// Limits are the thresholds of the compact form: Redis's
// zset-max-listpack-entries and zset-max-listpack-value.
type Limits struct {
	MaxEntries, MaxValue int
}

// fits reports whether n members, the longest maxLen bytes long, may be
// stored compactly.
func (l Limits) fits(n, maxLen int) bool { return n <= l.MaxEntries && maxLen <= l.MaxValue }

// ZSet is a sorted set: members (byte strings) ordered by score, then by
// member. It starts compact and turns into a B+tree plus a hash table
// when it outgrows its Limits, never back (Redis 7.0 does the same; only
// a set built whole, as a STORE result or a RESTORE, is compact again).
//
// Members passed in are copied; members handed to callbacks alias the
// set's storage and are valid until the set changes.
type ZSet struct {
	small compact
	big   *large
}

// large is the skiplist form (so OBJECT ENCODING calls it, as Redis): the
// tree for order and ranks, the table for finding members, and the
// running size of the entries and members.
type large struct {
	tree       *btree
	dict       *dict
	entryBytes int64
}

// New returns an empty, compact sorted set.
func New() *ZSet { return &ZSet{} }

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.big != nil {
		return z.big.tree.length
	}
	return z.small.n
}

// Encoding names the form as Redis's OBJECT ENCODING does.
func (z *ZSet) Encoding() string {
	if z.big != nil {
		return "skiplist"
	}
	return "listpack"
}

var (
	zsetBytes  = int64(roundAlloc(int(unsafe.Sizeof(ZSet{}))))
	largeBytes = int64(roundAlloc(int(unsafe.Sizeof(large{}))) + roundAlloc(int(unsafe.Sizeof(btree{}))) +
		roundAlloc(int(unsafe.Sizeof(dict{}))))
)

// SizeBytes estimates the heap bytes the set occupies, in O(1).
func (z *ZSet) SizeBytes() int64 {
	if z.big != nil {
		return zsetBytes + largeBytes + z.big.entryBytes + z.big.tree.bytes() + z.big.dict.bytes()
	}
	return zsetBytes + int64(cap(z.small.b))
}

// Clone returns a deep copy in the same form (COPY).
func (z *ZSet) Clone() any {
	c := &ZSet{}
	if z.big == nil {
		c.small = compact{b: append(make([]byte, 0, len(z.small.b)), z.small.b...), n: z.small.n}
		return c
	}
	c.big = newLarge(z.Len())
	for cur := (cursor{lf: z.big.tree.first}); cur.valid() && cur.i < cur.lf.n; cur = cur.next() {
		c.big.add(cur.get())
	}
	return c
}

func newLarge(hint int) *large { return &large{tree: newBtree(), dict: newDict(hint)} }

// add inserts a member that is not in the set.
func (l *large) add(member string, score float64) {
	e := &entry{member: member, score: score}
	l.dict.add(e)
	l.tree.insert(score, member)
	l.entryBytes += entryBytes + int64(roundAlloc(len(member)))
}

func (l *large) remove(e *entry) {
	l.tree.remove(e.score, e.member)
	l.dict.remove(e)
	l.entryBytes -= entryBytes + int64(roundAlloc(len(e.member)))
}

// setScore moves a member to a new score.
func (l *large) setScore(e *entry, score float64) {
	l.tree.remove(e.score, e.member)
	e.score = score
	l.tree.insert(score, e.member)
}

// Expand turns a compact set into the large form, whatever its size, as
// Redis's SORT turns a listpack sorted set into a skiplist before reading
// it. A large set stays as it is.
func (z *ZSet) Expand() {
	if z.big == nil {
		z.toLarge()
	}
}

// toLarge converts the compact form.
func (z *ZSet) toLarge() {
	l := newLarge(z.small.n)
	for off := 0; off < len(z.small.b); {
		m, s, _, next := z.small.entryAt(off)
		l.add(string(m), s)
		off = next
	}
	z.big, z.small = l, compact{}
}

// Score returns member's score.
func (z *ZSet) Score(member []byte) (float64, bool) {
	if z.big != nil {
		if e := z.big.dict.find(member); e != nil {
			return e.score, true
		}
		return 0, false
	}
	_, s, ok := z.small.find(member)
	return s, ok
}

// Rank returns member's 0-based rank in ascending order.
func (z *ZSet) Rank(member []byte) (int, bool) {
	if z.big != nil {
		e := z.big.dict.find(member)
		if e == nil {
			return 0, false
		}
		return z.big.tree.rank(e.score, e.member), true
	}
	r := 0
	for off := 0; off < len(z.small.b); r++ {
		m, _, _, next := z.small.entryAt(off)
		if string(m) == string(member) {
			return r, true
		}
		off = next
	}
	return 0, false
}

// Remove deletes member and reports whether it was there.
func (z *ZSet) Remove(member []byte) bool {
	if z.big != nil {
		e := z.big.dict.find(member)
		if e == nil {
			return false
		}
		z.big.remove(e)
		return true
	}
	off, _, ok := z.small.find(member)
	if !ok {
		return false
	}
	_, _, _, end := z.small.entryAt(off)
	z.small.removeSpan(off, end, 1)
	return true
}
