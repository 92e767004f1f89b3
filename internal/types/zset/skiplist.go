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

type node struct {
	member string
	score  float64
	hnext  *node // the next node in its hash bucket
	back   *node // the previous node at level 0; nil for the first
	lv     []link
}

// bytesOf views a member as bytes without copying; the bytes must not be
// changed.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// nodeSize is what a node and its member occupy on the heap.
func nodeSize(n *node) int64 {
	nodeBytes, lvBytes := int(unsafe.Sizeof(node{})), len(n.lv)*int(unsafe.Sizeof(link{}))
	if len(n.lv) <= 4 { // one allocation (newNode)
		return int64(roundAlloc(nodeBytes+lvBytes) + roundAlloc(len(n.member)))
	}
	return int64(roundAlloc(nodeBytes) + roundAlloc(lvBytes) + roundAlloc(len(n.member)))
}

type skiplist struct {
	head   node // its links are the list's first links at each level
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

// nodeWith is a node allocated together with its levels, so that a step
// through the list touches one allocation, not the node and then its
// level slice: skiplist walks are chains of cache misses.
type nodeWith[L any] struct {
	n  node
	lv L
}

// newNode returns a node of the given level. Levels up to four (all but
// 0.4 % of nodes, at p = 1/4) share the node's allocation.
func newNode(level int) *node {
	switch level {
	case 1:
		a := &nodeWith[[1]link]{}
		a.n.lv = a.lv[:]
		return &a.n
	case 2:
		a := &nodeWith[[2]link]{}
		a.n.lv = a.lv[:]
		return &a.n
	case 3:
		a := &nodeWith[[3]link]{}
		a.n.lv = a.lv[:]
		return &a.n
	case 4:
		a := &nodeWith[[4]link]{}
		a.n.lv = a.lv[:]
		return &a.n
	}
	return &node{lv: make([]link, level)}
}

// link puts n, unlinked, in its place; its level is len(n.lv).
func (sl *skiplist) link(n *node) {
	var update [maxLevel]*node
	var rank [maxLevel]int
	x := &sl.head
	for i := sl.level - 1; i >= 0; i-- {
		if i < sl.level-1 {
			rank[i] = rank[i+1]
		}
		for x.lv[i].next != nil && x.lv[i].next.before(n.score, n.member) {
			rank[i] += x.lv[i].span
			x = x.lv[i].next
		}
		update[i] = x
	}
	level := len(n.lv)
	for i := sl.level; i < level; i++ {
		rank[i] = 0
		update[i] = &sl.head
		update[i].lv[i].span = sl.length
	}
	sl.level = max(sl.level, level)
	for i := range level {
		n.lv[i].next = update[i].lv[i].next
		update[i].lv[i].next = n
		n.lv[i].span = update[i].lv[i].span - (rank[0] - rank[i])
		update[i].lv[i].span = rank[0] - rank[i] + 1
	}
	for i := level; i < sl.level; i++ {
		update[i].lv[i].span++
	}
	n.back = nil
	if update[0] != &sl.head {
		n.back = update[0]
	}
	if n.lv[0].next != nil {
		n.lv[0].next.back = n
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
	next := n.lv[0].next
	nextOK := next == nil || !next.before(score, n.member)
	if prevOK && nextOK {
		n.score = score
		return
	}
	sl.remove(n)
	n.score = score
	sl.link(n)
}

// remove unlinks n, which is in the list.
func (sl *skiplist) remove(n *node) {
	var update [maxLevel]*node
	x := &sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for x.lv[i].next != nil && x.lv[i].next != n && x.lv[i].next.before(n.score, n.member) {
			x = x.lv[i].next
		}
		update[i] = x
	}
	for i := range sl.level {
		if update[i].lv[i].next == n {
			update[i].lv[i].span += n.lv[i].span - 1
			update[i].lv[i].next = n.lv[i].next
		} else {
			update[i].lv[i].span--
		}
	}
	if n.lv[0].next != nil {
		n.lv[0].next.back = n.back
	} else {
		sl.tail = n.back
	}
	for sl.level > 1 && sl.head.lv[sl.level-1].next == nil {
		sl.level--
	}
	sl.length--
}

// rankOf returns the 0-based rank of n, which is in the list.
func (sl *skiplist) rankOf(n *node) int {
	rank := 0
	x := &sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for x.lv[i].next != nil && (x.lv[i].next == n || x.lv[i].next.before(n.score, n.member)) {
			rank += x.lv[i].span
			x = x.lv[i].next
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
	x := &sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for x.lv[i].next != nil && traversed+x.lv[i].span <= r {
			traversed += x.lv[i].span
			x = x.lv[i].next
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
	x := &sl.head
	for i := sl.level - 1; i >= 0; i-- {
		for x.lv[i].next != nil && ok(x.lv[i].next) {
			rank += x.lv[i].span
			x = x.lv[i].next
		}
	}
	return rank
}
