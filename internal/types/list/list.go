package list

import (
	"iter"
	"slices"
	"unsafe"
)

// List is a Redis list laid out as Redis 7.0's quicklist: a deque of
// nodes, each a listpack of up to fill entries or bytes. Pushes and pops
// at either end touch one node; reaching element i walks the nodes by
// their counts, then one listpack. Nodes split, merge and fill exactly as
// Redis's do, so DUMP writes the very bytes Redis would.
//
// A List is not safe for concurrent use; the keyspace's locks guard it.
type List struct {
	buf   []node // the nodes, head first, are buf[lo:]
	lo    int
	count int
	fill  int
	lpCap int64 // capacity of every node's listpack, for SizeBytes
}

// DefaultFill is list-max-listpack-size's default: nodes of up to 8 KB.
const DefaultFill = -2

// Node limits, as Redis's quicklist has them.
const (
	maxFill = 1<<15 - 1
	minFill = -5
	// safetyLimit caps the bytes of a node limited by count.
	safetyLimit = 8192
	// insertOverhead is the most an entry adds beyond its data, as Redis
	// estimates it before an insert.
	insertOverhead = 8
	// mergeSaving is what Redis subtracts for the header and trailer one
	// listpack sheds when two merge (a figure kept from ziplists).
	mergeSaving = 11
	// largeElement is where Redis gives an element a node of its own.
	largeElement = 1 << 30
)

// sizeLimits are the node sizes of fill -1 to -5.
var sizeLimits = [...]int{4096, 8192, 16384, 32768, 65536}

// New returns an empty list whose nodes follow fill, a
// list-max-listpack-size value: n > 0 entries (at most 8 KB), or -1 to -5
// for 4 to 64 KB.
func New(fill int) *List {
	l := &List{}
	l.SetFill(fill)
	return l
}

// SetFill changes the node limit for the nodes filled from now on,
// clamped as Redis clamps it.
func (l *List) SetFill(fill int) { l.fill = min(max(fill, minFill), maxFill) }

// Fill returns the node limit.
func (l *List) Fill() int { return l.fill }

// Len returns the number of elements.
func (l *List) Len() int { return l.count }

// Encoding is the name OBJECT ENCODING gives every list in Redis 7.0.
func (l *List) Encoding() string { return "quicklist" }

func (l *List) nodes() []node { return l.buf[l.lo:] }

// Sizes for SizeBytes: the List itself and one node's slot in the deque.
var (
	listBytes = int64(unsafe.Sizeof(List{}))
	nodeBytes = int64(unsafe.Sizeof(node{}))
)

// SizeBytes estimates the memory the list holds: its header, the deque of
// nodes and the listpacks' capacity.
func (l *List) SizeBytes() int64 {
	return listBytes + int64(cap(l.buf))*nodeBytes + l.lpCap
}

// Clone returns a deep copy.
func (l *List) Clone() *List {
	c := &List{count: l.count, fill: l.fill, buf: make([]node, 0, len(l.nodes()))}
	for _, nd := range l.nodes() {
		c.buf = append(c.buf, node{lp: append(make([]byte, 0, len(nd.lp)), nd.lp...), n: nd.n})
		c.lpCap += int64(len(nd.lp))
	}
	return c
}

// allowInsert reports whether nd may take one more element of sz bytes.
func (l *List) allowInsert(nd *node, sz int) bool {
	if sz >= largeElement {
		return false
	}
	newSz := nd.size() + sz + insertOverhead
	if l.fill < 0 {
		return newSz <= sizeLimits[-l.fill-1]
	}
	return newSz <= safetyLimit && nd.n < l.fill
}

// allowMerge reports whether a and b may become one node.
func (l *List) allowMerge(a, b *node) bool {
	sz := a.size() + b.size() - mergeSaving
	if l.fill < 0 {
		return sz <= sizeLimits[-l.fill-1]
	}
	return sz <= safetyLimit && a.n+b.n <= l.fill
}

// nodeLimit is the most bytes a node of this list holds.
func (l *List) nodeLimit() int {
	if l.fill < 0 {
		return sizeLimits[-l.fill-1]
	}
	return safetyLimit
}

// insertNode puts nd at position i of the deque.
func (l *List) insertNode(i int, nd node) {
	l.lpCap += int64(cap(nd.lp))
	if i > 0 {
		l.buf = slices.Insert(l.buf, l.lo+i, nd)
		return
	}
	if l.lo == 0 {
		l.growFront()
	}
	l.lo--
	l.buf[l.lo] = nd
}

// growFront moves the nodes up to leave as much room before them as they
// take, so that pushes at the head are amortized O(1).
func (l *List) growFront() {
	live := l.nodes()
	room := max(len(live), 1)
	buf := make([]node, room+len(live), room+cap(l.buf)-l.lo)
	copy(buf[room:], live)
	l.buf, l.lo = buf, room
}

// removeNode drops node i.
func (l *List) removeNode(i int) {
	l.lpCap -= int64(cap(l.nodes()[i].lp))
	switch {
	case len(l.nodes()) == 1:
		clear(l.buf)
		l.buf, l.lo = l.buf[:0], 0
	case i == 0:
		l.buf[l.lo] = node{}
		l.lo++
		if l.lo > 16 && l.lo > len(l.buf)/2 { // reclaim the room left by pops
			n := copy(l.buf, l.buf[l.lo:])
			clear(l.buf[n:])
			l.buf, l.lo = l.buf[:n], 0
		}
	default:
		l.buf = slices.Delete(l.buf, l.lo+i, l.lo+i+1)
	}
}

// locate returns the node holding element i (0 <= i < Len) and the
// element's position in it, walking from the nearer end.
func (l *List) locate(i int) (ni, off int) {
	ns := l.nodes()
	if i < l.count/2 {
		for ni = 0; i >= ns[ni].n; ni++ {
			i -= ns[ni].n
		}
		return ni, i
	}
	back := l.count - 1 - i
	for ni = len(ns) - 1; back >= ns[ni].n; ni-- {
		back -= ns[ni].n
	}
	return ni, ns[ni].n - 1 - back
}

// index turns a possibly negative index into a position, false when it
// is out of range.
func (l *List) index(i int) (int, bool) {
	if i < 0 {
		i += l.count
	}
	return i, i >= 0 && i < l.count
}

// Push adds s at the head or the tail, into the end node while it has
// room for it, else into a new node.
func (l *List) Push(s []byte, head bool) {
	ns := l.nodes()
	end := len(ns) - 1
	if head {
		end = 0
	}
	fits := len(ns) > 0 && l.allowInsert(&ns[end], len(s))
	if fits && len(ns) > 1 {
		l.lpCap += int64(ns[end].reserve(entrySize(s), l.nodeLimit()))
	}
	switch {
	case fits && head:
		l.lpCap += int64(ns[end].insert(0, s))
	case fits:
		l.lpCap += int64(ns[end].insert(ns[end].n, s))
	case head:
		l.insertNode(0, newNode(s))
	default:
		l.insertNode(len(ns), newNode(s))
	}
	l.count++
}

// Pop removes the element at the head or the tail and appends it to dst.
// The list must not be empty.
func (l *List) Pop(head bool, dst []byte) []byte {
	i := l.count - 1
	if head {
		i = 0
	}
	ni, off := l.locate(i)
	dst = l.nodes()[ni].at(off).Append(dst)
	l.removeIn(ni, off, 1)
	return dst
}

// removeIn deletes k elements of node ni from off on, and the node when
// that empties it.
func (l *List) removeIn(ni, off, k int) {
	nd := &l.nodes()[ni]
	if k == nd.n {
		l.removeNode(ni)
	} else {
		l.lpCap += int64(nd.remove(off, k))
	}
	l.count -= k
}

// Index returns element i, counting from the tail when negative (-1 is
// the last). The Value is valid until the list changes.
func (l *List) Index(i int) (Value, bool) {
	i, ok := l.index(i)
	if !ok {
		return Value{}, false
	}
	ni, off := l.locate(i)
	return l.nodes()[ni].at(off), true
}

// Set replaces element i (negative counts from the tail) in place, even
// past the node's limit, as Redis 7.0's LSET does; false when i is out of
// range.
func (l *List) Set(i int, s []byte) bool {
	i, ok := l.index(i)
	if !ok {
		return false
	}
	ni, off := l.locate(i)
	l.lpCap += int64(l.nodes()[ni].replace(off, s))
	return true
}

// DeleteRange removes n elements from position start (0 <= start < Len)
// on, fewer when the list ends first. Emptied nodes go; nodes are not
// merged, as in Redis's quicklistDelRange.
func (l *List) DeleteRange(start, n int) {
	n = min(n, l.count-start)
	if n <= 0 {
		return
	}
	ni, off := l.locate(start)
	for n > 0 {
		k := min(l.nodes()[ni].n-off, n)
		emptied := k == l.nodes()[ni].n
		l.removeIn(ni, off, k)
		n -= k
		if !emptied {
			ni++
		}
		off = 0
	}
}

// All yields the elements with their positions from position from
// (0 <= from < Len) to the tail, or to the head when reverse. The list
// must not change during the iteration.
func (l *List) All(from int, reverse bool) iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		if from < 0 || from >= l.count {
			return
		}
		ni, off := l.locate(from)
		ns := l.nodes()
		p := ns[ni].offset(off)
		for i := from; ; {
			nd := &ns[ni]
			v, next := readEntry(nd.lp, p)
			if !yield(i, v) {
				return
			}
			if !reverse {
				if i++; i == l.count {
					return
				}
				if off++; off == nd.n {
					ni, off, next = ni+1, 0, hdrSize
				}
				p = next
				continue
			}
			if i--; i < 0 {
				return
			}
			if off--; off < 0 {
				ni--
				off, p = ns[ni].n-1, len(ns[ni].lp)-1
			}
			p = prevEntry(ns[ni].lp, p)
		}
	}
}
