package zset

import (
	"strings"
	"unsafe"
)

// The large form orders its elements in a counted B+tree by (score,
// member): leaves hold up to leafCap elements in sorted arrays, inner
// nodes the counts of their subtrees, so that ranks cost O(log n) as in
// Redis's skiplist. It is a tree and not Redis's zskiplist because a
// skiplist walk of a 100,000-member set is a chain of some 25 cache
// misses, one per node, where a descent here reads three or four nodes of
// a few adjacent lines each: ZADD moving a member took half the time. A
// hash table (dict.go) maps members to their scores, to find their place.
// Every leaf but the last (which an append past the end starts with one
// element) and every inner node but the root is at least a quarter full.

const (
	// leafCap fills a leaf's size class: 36 scores and members and the
	// header are 888 bytes, in the 896-byte class.
	leafCap  = 36
	innerCap = 32
	// A node other than the root that falls below a quarter full takes
	// elements from a sibling, or merges with it.
	minLeaf  = leafCap / 4
	minInner = innerCap / 4
	// maxDepth bounds the inner levels: with at least minInner children
	// per node and minLeaf elements per leaf, 12 levels hold more elements
	// than a machine can.
	maxDepth = 12
)

// leaf holds elements in order: scores and members in separate arrays so
// that a search reads the scores, adjacent, and members only on ties.
type leaf struct {
	scores     [leafCap]float64
	members    [leafCap]string
	n          int
	prev, next *leaf
}

// inner is a node above the leaves. Child i holds elements from key i
// (score i, member i) on, and below key i+1: a lower bound, which may be
// a member deleted since. Key 0 is the bound the node's parent has for it.
type inner struct {
	scores  [innerCap]float64
	members [innerCap]string
	counts  [innerCap]int    // elements below each child
	leaves  [innerCap]*leaf  // the children, on the lowest inner level
	inners  [innerCap]*inner // the children, above it
	n       int
}

var (
	leafBytes  = int64(roundAlloc(int(unsafe.Sizeof(leaf{}))))
	innerBytes = int64(roundAlloc(int(unsafe.Sizeof(inner{}))))
)

type btree struct {
	root   *inner
	height int // inner levels: the root's children are leaves at 1
	length int
	first  *leaf
	last   *leaf
	// nodes counts the leaves and inner nodes, for SizeBytes.
	leaves, inners int
}

func newBtree() *btree {
	lf := &leaf{}
	root := &inner{n: 1}
	root.leaves[0] = lf
	return &btree{root: root, height: 1, first: lf, last: lf, leaves: 1, inners: 1}
}

func (t *btree) bytes() int64 { return int64(t.leaves)*leafBytes + int64(t.inners)*innerBytes }

// lessKey orders (s1, m1) before (s2, m2).
func lessKey(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && strings.Compare(m1, m2) < 0)
}

// child returns the child of x that holds (s, m) or would: the last one
// whose key is at most (s, m).
func (x *inner) child(s float64, m string) int {
	lo, hi := 1, x.n // the answer is in [lo-1, hi-1]
	for lo < hi {
		mid := (lo + hi) / 2
		if lessKey(s, m, x.scores[mid], x.members[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// search returns the first position of a leaf whose element is not before
// (s, m).
func (lf *leaf) search(s float64, m string) int {
	lo, hi := 0, lf.n
	for lo < hi {
		mid := (lo + hi) / 2
		if lessKey(lf.scores[mid], lf.members[mid], s, m) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// path is a descent: the inner node and the child taken at each level.
type path struct {
	in  [maxDepth]*inner
	idx [maxDepth]int
}

// descend walks to the leaf for (s, m), adding delta to the counts on
// the way.
func (t *btree) descend(s float64, m string, delta int, p *path) *leaf {
	x := t.root
	for d := 0; ; d++ {
		i := x.child(s, m)
		x.counts[i] += delta
		p.in[d], p.idx[d] = x, i
		if d == t.height-1 {
			return x.leaves[i]
		}
		x = x.inners[i]
	}
}

// insert adds (s, m), which is not in the tree.
func (t *btree) insert(s float64, m string) {
	var p path
	lf := t.descend(s, m, 1, &p)
	t.length++
	pos := lf.search(s, m)
	if lf.n < leafCap {
		lf.insertAt(pos, s, m)
		return
	}
	if t.shift(&p, lf, pos, s, m) {
		return
	}
	right := t.splitLeaf(lf, pos)
	if pos <= lf.n && lf.n < leafCap {
		lf.insertAt(pos, s, m)
	} else {
		right.insertAt(pos-lf.n, s, m)
	}
	t.addChild(&p, t.height-1, right.scores[0], right.members[0], lf.n, right.n, right, nil)
}

// shift makes room in a full leaf by moving elements to a sibling that
// has some, and inserts (s, m) at pos; it reports false when neither
// sibling has room. Leaves are split only when their neighbours are full
// too, which keeps them fuller (some 85 % against 70 % under random
// inserts) for the memory's sake.
func (t *btree) shift(p *path, lf *leaf, pos int, s float64, m string) bool {
	x, i := p.in[t.height-1], p.idx[t.height-1]
	switch {
	case i+1 < x.n && x.leaves[i+1].n < leafCap-1:
		right := x.leaves[i+1]
		k := (leafCap - right.n) / 2 // leaves room for (s, m) on either side
		copy(right.scores[k:], right.scores[:right.n])
		copy(right.members[k:], right.members[:right.n])
		copy(right.scores[:k], lf.scores[lf.n-k:lf.n])
		copy(right.members[:k], lf.members[lf.n-k:lf.n])
		clear(lf.members[lf.n-k : lf.n])
		lf.n -= k
		right.n += k
		if pos <= lf.n {
			lf.insertAt(pos, s, m)
		} else {
			right.insertAt(pos-lf.n, s, m)
		}
		x.scores[i+1], x.members[i+1] = right.scores[0], right.members[0]
		x.counts[i], x.counts[i+1] = lf.n, right.n
		return true
	case i > 0 && x.leaves[i-1].n < leafCap-1:
		left := x.leaves[i-1]
		k := (leafCap - left.n) / 2
		copy(left.scores[left.n:], lf.scores[:k])
		copy(left.members[left.n:], lf.members[:k])
		copy(lf.scores[:], lf.scores[k:lf.n])
		copy(lf.members[:], lf.members[k:lf.n])
		clear(lf.members[lf.n-k : lf.n])
		lf.n -= k
		left.n += k
		if pos < k {
			left.insertAt(left.n-k+pos, s, m)
		} else {
			lf.insertAt(pos-k, s, m)
		}
		x.scores[i], x.members[i] = lf.scores[0], lf.members[0]
		x.counts[i-1], x.counts[i] = left.n, lf.n
		return true
	}
	return false
}

func (lf *leaf) insertAt(pos int, s float64, m string) {
	copy(lf.scores[pos+1:lf.n+1], lf.scores[pos:lf.n])
	copy(lf.members[pos+1:lf.n+1], lf.members[pos:lf.n])
	lf.scores[pos], lf.members[pos] = s, m
	lf.n++
}

func (lf *leaf) removeAt(pos int) {
	copy(lf.scores[pos:lf.n-1], lf.scores[pos+1:lf.n])
	copy(lf.members[pos:lf.n-1], lf.members[pos+1:lf.n])
	lf.n--
	lf.members[lf.n] = ""
}

// splitLeaf moves the upper half of a full leaf into a new leaf after it
// (all but nothing when the insert at pos goes past the tree's last
// element: a set built in order fills its leaves) and returns it.
func (t *btree) splitLeaf(lf *leaf, pos int) *leaf {
	keep := leafCap / 2
	if pos == leafCap && lf.next == nil {
		keep = leafCap
	}
	right := &leaf{n: lf.n - keep, prev: lf, next: lf.next}
	copy(right.scores[:], lf.scores[keep:lf.n])
	copy(right.members[:], lf.members[keep:lf.n])
	clear(lf.members[keep:lf.n])
	lf.n = keep
	if lf.next != nil {
		lf.next.prev = right
	} else {
		t.last = right
	}
	lf.next = right
	t.leaves++
	return right
}

// addChild puts a new child (a leaf or an inner node), whose lower bound
// is (s, m), after child p.idx[d] of p.in[d], which now holds leftCount
// elements and the new one rightCount; a full node splits, up to the root.
func (t *btree) addChild(p *path, d int, s float64, m string, leftCount, rightCount int, lf *leaf, in *inner) {
	for {
		x, i := p.in[d], p.idx[d]
		x.counts[i] = leftCount
		if x.n < innerCap {
			x.insertChild(i+1, s, m, rightCount, lf, in)
			return
		}
		// Split x: its upper half goes to a new node after it.
		keep := innerCap / 2
		right := &inner{n: x.n - keep}
		copy(right.scores[:], x.scores[keep:x.n])
		copy(right.members[:], x.members[keep:x.n])
		copy(right.counts[:], x.counts[keep:x.n])
		copy(right.leaves[:], x.leaves[keep:x.n])
		copy(right.inners[:], x.inners[keep:x.n])
		clear(x.members[keep:x.n])
		clear(x.leaves[keep:x.n])
		clear(x.inners[keep:x.n])
		x.n = keep
		t.inners++
		if i+1 <= keep {
			x.insertChild(i+1, s, m, rightCount, lf, in)
		} else {
			right.insertChild(i+1-keep, s, m, rightCount, lf, in)
		}
		s, m, lf, in = right.scores[0], right.members[0], nil, right
		leftCount, rightCount = x.sum(), right.sum()
		if d == 0 {
			root := &inner{n: 2}
			root.scores[0], root.members[0] = x.scores[0], x.members[0]
			root.inners[0], root.inners[1] = x, right
			root.scores[1], root.members[1] = s, m
			root.counts[0], root.counts[1] = leftCount, rightCount
			t.root = root
			t.height++
			t.inners++
			return
		}
		d--
	}
}

func (x *inner) insertChild(i int, s float64, m string, count int, lf *leaf, in *inner) {
	copy(x.scores[i+1:x.n+1], x.scores[i:x.n])
	copy(x.members[i+1:x.n+1], x.members[i:x.n])
	copy(x.counts[i+1:x.n+1], x.counts[i:x.n])
	copy(x.leaves[i+1:x.n+1], x.leaves[i:x.n])
	copy(x.inners[i+1:x.n+1], x.inners[i:x.n])
	x.scores[i], x.members[i], x.counts[i], x.leaves[i], x.inners[i] = s, m, count, lf, in
	x.n++
}

func (x *inner) removeChild(i int) {
	copy(x.scores[i:x.n-1], x.scores[i+1:x.n])
	copy(x.members[i:x.n-1], x.members[i+1:x.n])
	copy(x.counts[i:x.n-1], x.counts[i+1:x.n])
	copy(x.leaves[i:x.n-1], x.leaves[i+1:x.n])
	copy(x.inners[i:x.n-1], x.inners[i+1:x.n])
	x.n--
	x.members[x.n], x.leaves[x.n], x.inners[x.n] = "", nil, nil
}

func (x *inner) sum() int {
	n := 0
	for _, c := range x.counts[:x.n] {
		n += c
	}
	return n
}

// remove deletes (s, m), which is in the tree.
func (t *btree) remove(s float64, m string) {
	var p path
	lf := t.descend(s, m, -1, &p)
	t.length--
	pos := lf.search(s, m)
	lf.removeAt(pos)
	if lf.n >= minLeaf || t.height == 1 && t.root.n == 1 {
		return
	}
	t.rebalanceLeaf(&p, t.height-1)
}

// rebalanceLeaf mends leaf p.idx[d] of p.in[d], below a quarter full,
// with a sibling: merged into one when they fit, else sharing evenly.
func (t *btree) rebalanceLeaf(p *path, d int) {
	x, i := p.in[d], p.idx[d]
	if x.n == 1 { // no sibling: x itself is below a quarter full
		t.rebalanceInner(p, d)
		return
	}
	if i == x.n-1 {
		i-- // mend the pair (i, i+1)
	}
	a, b := x.leaves[i], x.leaves[i+1]
	if a.n+b.n <= leafCap {
		copy(a.scores[a.n:], b.scores[:b.n])
		copy(a.members[a.n:], b.members[:b.n])
		a.n += b.n
		a.next = b.next
		if b.next != nil {
			b.next.prev = a
		} else {
			t.last = a
		}
		x.counts[i] = a.n
		x.removeChild(i + 1)
		t.leaves--
		t.rebalanceInner(p, d)
		return
	}
	total := a.n + b.n
	want := total / 2
	if a.n < want { // move b's first elements to a's end
		k := want - a.n
		copy(a.scores[a.n:], b.scores[:k])
		copy(a.members[a.n:], b.members[:k])
		a.n += k
		copy(b.scores[:], b.scores[k:b.n])
		copy(b.members[:], b.members[k:b.n])
		clear(b.members[b.n-k : b.n])
		b.n -= k
	} else { // move a's last elements to b's front
		k := a.n - want
		copy(b.scores[k:], b.scores[:b.n])
		copy(b.members[k:], b.members[:b.n])
		copy(b.scores[:k], a.scores[a.n-k:a.n])
		copy(b.members[:k], a.members[a.n-k:a.n])
		clear(a.members[a.n-k : a.n])
		a.n -= k
		b.n += k
	}
	x.counts[i], x.counts[i+1] = a.n, b.n
	x.scores[i+1], x.members[i+1] = b.scores[0], b.members[0]
}

// rebalanceInner mends p.in[d] when it fell below a quarter full, as
// rebalanceLeaf does leaves, and shortens the tree when the root is left
// with one child.
func (t *btree) rebalanceInner(p *path, d int) {
	for {
		x := p.in[d]
		if d == 0 {
			for t.root.n == 1 && t.height > 1 {
				t.root = t.root.inners[0]
				t.height--
				t.inners--
			}
			return
		}
		if x.n >= minInner {
			return
		}
		parent, i := p.in[d-1], p.idx[d-1]
		if parent.n == 1 {
			d--
			continue
		}
		if i == parent.n-1 {
			i--
		}
		a, b := parent.inners[i], parent.inners[i+1]
		// b's lower bound is its key in the parent; give it to b's first
		// child, which may move to a.
		b.scores[0], b.members[0] = parent.scores[i+1], parent.members[i+1]
		if a.n+b.n <= innerCap {
			for j := range b.n {
				a.insertChild(a.n, b.scores[j], b.members[j], b.counts[j], b.leaves[j], b.inners[j])
			}
			parent.counts[i] += parent.counts[i+1]
			parent.removeChild(i + 1)
			t.inners--
			d--
			continue
		}
		want := (a.n + b.n) / 2
		for a.n < want {
			a.insertChild(a.n, b.scores[0], b.members[0], b.counts[0], b.leaves[0], b.inners[0])
			b.removeChild(0)
		}
		for a.n > want {
			j := a.n - 1
			b.insertChild(0, a.scores[j], a.members[j], a.counts[j], a.leaves[j], a.inners[j])
			a.removeChild(j)
		}
		parent.counts[i], parent.counts[i+1] = a.sum(), b.sum()
		parent.scores[i+1], parent.members[i+1] = b.scores[0], b.members[0]
		return
	}
}

// rank returns the 0-based rank of (s, m), which is in the tree.
func (t *btree) rank(s float64, m string) int {
	r := 0
	x := t.root
	for d := 0; ; d++ {
		i := x.child(s, m)
		for _, c := range x.counts[:i] {
			r += c
		}
		if d == t.height-1 {
			return r + x.leaves[i].search(s, m)
		}
		x = x.inners[i]
	}
}

// cursor is a position in the tree: element i of a leaf.
type cursor struct {
	lf *leaf
	i  int
}

func (c cursor) valid() bool { return c.lf != nil }

func (c cursor) get() (string, float64) { return c.lf.members[c.i], c.lf.scores[c.i] }

func (c cursor) next() cursor {
	if c.i++; c.i == c.lf.n {
		return cursor{lf: c.lf.next}
	}
	return c
}

func (c cursor) prev() cursor {
	if c.i--; c.i < 0 {
		if c.lf.prev == nil {
			return cursor{}
		}
		return cursor{lf: c.lf.prev, i: c.lf.prev.n - 1}
	}
	return c
}

// at returns the position of 0-based rank r, which is below the length.
func (t *btree) at(r int) cursor {
	x := t.root
	for d := 0; ; d++ {
		i := 0
		for r >= x.counts[i] {
			r -= x.counts[i]
			i++
		}
		if d == t.height-1 {
			return cursor{lf: x.leaves[i], i: r}
		}
		x = x.inners[i]
	}
}

// countWhile returns how many elements from the first satisfy ok, which
// is true for a prefix of the order (a range's lower bound not reached):
// a child whose lower bound satisfies it follows elements that all do.
func (t *btree) countWhile(ok func(m string, s float64) bool) int {
	n := 0
	x := t.root
	for d := 0; ; d++ {
		i := x.n - 1
		for i > 0 && !ok(x.members[i], x.scores[i]) {
			i--
		}
		for _, c := range x.counts[:i] {
			n += c
		}
		if d == t.height-1 {
			lf := x.leaves[i]
			j := 0
			for j < lf.n && ok(lf.members[j], lf.scores[j]) {
				j++
			}
			return n + j
		}
		x = x.inners[i]
	}
}

// bytesOf views a member as bytes without copying; the bytes must not be
// changed.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
