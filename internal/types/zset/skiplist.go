package zset

import (
	"math/rand/v2"
	"strings"
	"unsafe"
)

// The large form orders elements in a skiplist by (score, member), with
// the span of every link so that ranks cost O(log n), as Redis's zskiplist;
// a hash table (dict.go) finds a member's node. Each node is in both.

const (
	maxLevel = 32
	// levelP is the chance that a node has one more level: 1/4, as Redis.
	levelP = 0x4000 // of 0x10000
)

type link struct {
	next *node
	span int // how many nodes the link skips, itself included
}

// node is one element. Its links follow it in the same allocation (see
// newNode), as the flexible array of Redis's zskiplistNode: a walk is a
// chain of cache misses, one per node it looks at, and a node of level 1
// is one 64-byte cache line, score and links together, where a slice of
// links would add a header to read and often a second line.
type node struct {
	member string
	score  float64
	hnext  *node // the next node in its hash bucket
	back   *node // the previous node at level 0; nil for the first
	level  int32 // how many links follow
	// hash is the low half of the member's hash: the hash table compares
	// it before the member, whose bytes are another cache miss away.
	hash uint32
}

const (
	nodeHeader = unsafe.Sizeof(node{})
	linkSize   = unsafe.Sizeof(link{})
)

// lv returns the node's link at level i, which is below n.level. The
// pointer stays within the node's allocation, which newNode made with
// room for the links.
func (n *node) lv(i int) *link {
	return (*link)(unsafe.Add(unsafe.Pointer(n), nodeHeader+uintptr(i)*linkSize))
}

// next is the node after n at level 0.
func (n *node) next() *node { return n.lv(0).next }

// bytesOf views a member as bytes without copying; the bytes must not be
// changed.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// nodeSize is what a node and its member occupy on the heap.
func nodeSize(n *node) int64 {
	return int64(roundAlloc(int(nodeHeader)+linkRoom(int(n.level))*int(linkSize)) + roundAlloc(len(n.member)))
}

type skiplist struct {
	head   *node // its links are the list's first links at each level
	tail   *node
	length int
	level  int
}

func randomLevel() int {
	l := 1
	for l < maxLevel && rand.Uint32()&0xffff < levelP {
		l++
	}
	return l
}

// before reports whether a node sorts before (score, member).
func (n *node) before(score float64, member string) bool {
	return n.score < score || (n.score == score && strings.Compare(n.member, member) < 0)
}

// insert adds a node for a member that is not in the list.
func (sl *skiplist) insert(member string, score float64) *node {
	n := newNode(randomLevel())
	n.member, n.score = member, score
	sl.link(n)
	return n
}

// nodeWith is a node allocated together with room for its links.
type nodeWith[L any] struct {
	n  node
	lv L
}

// linkRoom is the number of links newNode allocates for a level: the
// level itself up to 4 (all but 0.4 % of nodes, at p = 1/4), then 8, 16
// or 32, so that a few types cover every level.
func linkRoom(level int) int {
	switch {
	case level <= 4:
		return level
	case level <= 8:
		return 8
	case level <= 16:
		return 16
	}
	return maxLevel
}

// newNode returns a node of the given level, its links zero.
func newNode(level int) *node {
	var n *node
	switch linkRoom(level) {
	case 1:
		n = &new(nodeWith[[1]link]).n
	case 2:
		n = &new(nodeWith[[2]link]).n
	case 3:
		n = &new(nodeWith[[3]link]).n
	case 4:
		n = &new(nodeWith[[4]link]).n
	case 8:
		n = &new(nodeWith[[8]link]).n
	case 16:
		n = &new(nodeWith[[16]link]).n
	default:
		n = &new(nodeWith[[maxLevel]link]).n
	}
	n.level = int32(level)
	return n
}

// link puts n, unlinked, in its place; its level is n.level.
func (sl *skiplist) link(n *node) {
	var update [maxLevel]*node
	var rank [maxLevel]int
	x := sl.head
	for i := sl.level - 1; i >= 0; i-- {
		if i < sl.level-1 {
			rank[i] = rank[i+1]
		}
		for {
			l := x.lv(i)
			if l.next == nil || !l.next.before(n.score, n.member) {
				break
			}
			rank[i] += l.span
			x = l.next
		}
		update[i] = x
	}
	sl.linkAt(n, &update, &rank)
}

// linkAt links n after update[i] at each level i, where rank[i] is the
// rank of update[i] counted from 1 (0 for the head).
func (sl *skiplist) linkAt(n *node, update *[maxLevel]*node, rank *[maxLevel]int) {
	level := int(n.level)
	for i := sl.level; i < level; i++ {
		rank[i] = 0
		update[i] = sl.head
		update[i].lv(i).span = sl.length
	}
	sl.level = max(sl.level, level)
	for i := range level {
		ul, nl := update[i].lv(i), n.lv(i)
		nl.next = ul.next
		ul.next = n
		nl.span = ul.span - (rank[0] - rank[i])
		ul.span = rank[0] - rank[i] + 1
	}
	for i := level; i < sl.level; i++ {
		update[i].lv(i).span++
	}
	n.back = nil
	if update[0] != sl.head {
		n.back = update[0]
	}
	if next := n.next(); next != nil {
		next.back = n
	} else {
		sl.tail = n
	}
	sl.length++
}

// setScore moves n to the place of its new score: in place when its
// neighbours still surround it, as Redis's zslUpdateScore, else by
// unlinking and linking it again at the same level.
func (sl *skiplist) setScore(n *node, score float64) {
	prevOK := n.back == nil || n.back.before(score, n.member)
	next := n.next()
	nextOK := next == nil || !next.before(score, n.member)
	if prevOK && nextOK {
		n.score = score
		return
	}
	sl.move(n, score)
}

// move gives n a score that changes its place. The walk to n (to unlink
// it) and the walk to its new place (to link it again) are independent
// chains of cache misses, so they run side by side, a step of each per
// turn of one loop, and the processor overlaps their misses: together
// they take about the time of the longer one. The second walk sees n at
// its old place; its positions are then corrected for n's removal.
func (sl *skiplist) move(n *node, score float64) {
	var updA, updB [maxLevel]*node
	var rankA, rankB [maxLevel]int
	a, b := sl.head, sl.head
	ra, rb := 0, 0
	for i := sl.level - 1; i >= 0; i-- {
		doneA, doneB := false, false
		for !doneA || !doneB {
			if !doneA {
				if l := a.lv(i); l.next == nil || l.next == n || !l.next.before(n.score, n.member) {
					doneA = true
				} else {
					ra += l.span
					a = l.next
				}
			}
			if !doneB {
				if l := b.lv(i); l.next == nil || !l.next.before(score, n.member) {
					doneB = true
				} else {
					rb += l.span
					b = l.next
				}
			}
		}
		updA[i], rankA[i], updB[i], rankB[i] = a, ra, b, rb
	}
	rn := rankA[0] + 1 // n's rank, from 1
	for i := range sl.level {
		switch {
		case updB[i] == n: // the new place follows n: it follows n's predecessor
			updB[i], rankB[i] = updA[i], rankA[i]
		case rankB[i] > rn: // n, before it, is gone
			rankB[i]--
		}
	}
	sl.unlinkAt(n, &updA)
	n.score = score
	sl.linkAt(n, &updB, &rankB)
}

// remove unlinks n, which is in the list.
func (sl *skiplist) remove(n *node) {
	var update [maxLevel]*node
	x := sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for {
			l := x.lv(i)
			if l.next == nil || l.next == n || !l.next.before(n.score, n.member) {
				break
			}
			x = l.next
		}
		update[i] = x
	}
	sl.unlinkAt(n, &update)
}

// unlinkAt unlinks n, whose predecessor at each level i is update[i].
func (sl *skiplist) unlinkAt(n *node, update *[maxLevel]*node) {
	for i := range sl.level {
		if ul := update[i].lv(i); ul.next == n {
			nl := n.lv(i)
			ul.span += nl.span - 1
			ul.next = nl.next
		} else {
			ul.span--
		}
	}
	if next := n.next(); next != nil {
		next.back = n.back
	} else {
		sl.tail = n.back
	}
	for sl.level > 1 && sl.head.lv(sl.level-1).next == nil {
		sl.level--
	}
	sl.length--
}

// rankOf returns the 0-based rank of n, which is in the list.
func (sl *skiplist) rankOf(n *node) int {
	rank := 0
	x := sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for {
			l := x.lv(i)
			if l.next == nil || (l.next != n && !l.next.before(n.score, n.member)) {
				break
			}
			rank += l.span
			x = l.next
		}
		if x == n {
			return rank - 1
		}
	}
	return rank - 1
}

// at returns the node of 0-based rank r, which is below the length.
func (sl *skiplist) at(r int) *node {
	r++ // spans count from 1
	traversed := 0
	x := sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for {
			l := x.lv(i)
			if l.next == nil || traversed+l.span > r {
				break
			}
			traversed += l.span
			x = l.next
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// countWhile returns how many nodes from the first satisfy ok, which is
// true for a prefix of the list (a range's lower bound not reached).
func (sl *skiplist) countWhile(ok func(*node) bool) int {
	rank := 0
	x := sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for {
			l := x.lv(i)
			if l.next == nil || !ok(l.next) {
				break
			}
			rank += l.span
			x = l.next
		}
	}
	return rank
}
