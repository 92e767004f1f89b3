package list

// node is one listpack of a list and its number of entries (kept apart
// from the listpack's 16-bit count, which saturates).
type node struct {
	lp []byte
	n  int
}

// size is the listpack's size in bytes, Redis's node->sz.
func (nd *node) size() int { return len(nd.lp) }

// offset returns the byte offset of entry i (0 <= i <= n; n gives the EOF
// byte), walking from the nearer end as Redis's lpSeek does.
func (nd *node) offset(i int) int {
	if i <= nd.n/2 {
		p := hdrSize
		for range i {
			p = nd.next(p)
		}
		return p
	}
	p := len(nd.lp) - 1
	for range nd.n - i {
		p = prevEntry(nd.lp, p)
	}
	return p
}

// next returns the offset of the entry after the one at p.
func (nd *node) next(p int) int {
	l, _ := encodingLen(nd.lp[p:])
	return p + l + backlenSize(l)
}

// at returns entry i.
func (nd *node) at(i int) Value {
	v, _ := readEntry(nd.lp, nd.offset(i))
	return v
}

// resize makes room for delta more bytes at byte offset p (or removes
// -delta bytes there), keeping the rest in place, and returns the change
// in the listpack's capacity. A listpack that shrank to a quarter of its
// capacity is copied into a smaller one, as Redis's realloc would give
// the memory back.
func (nd *node) resize(p, delta int) (capDelta int) {
	old := cap(nd.lp)
	switch {
	case delta > 0:
		nd.lp = append(nd.lp, make([]byte, delta)...)
		copy(nd.lp[p+delta:], nd.lp[p:len(nd.lp)-delta])
	case delta < 0:
		nd.lp = append(nd.lp[:p], nd.lp[p-delta:]...)
		if cap(nd.lp) > 64 && len(nd.lp) < cap(nd.lp)/4 {
			nd.lp = append(make([]byte, 0, len(nd.lp)*2), nd.lp...)
		}
	}
	return cap(nd.lp) - old
}

// reserve makes room for delta more bytes without a further allocation,
// doubling the listpack's capacity (at most to limit) when it has to
// grow, and returns the change in capacity. Pushes to a long list land
// on its end nodes one after another: append's growth by a quarter
// would copy a node about four times over on its way to the limit and
// leave the copies as garbage, which the heap then faults back in as
// fresh pages.
func (nd *node) reserve(delta, limit int) (capDelta int) {
	need := len(nd.lp) + delta
	if need <= cap(nd.lp) {
		return 0
	}
	old := cap(nd.lp)
	grown := make([]byte, len(nd.lp), max(need, min(2*old, limit)))
	copy(grown, nd.lp)
	nd.lp = grown
	return cap(nd.lp) - old
}

// insert puts s before entry i (i == n appends).
func (nd *node) insert(i int, s []byte) int {
	p := nd.offset(i)
	d := nd.resize(p, entrySize(s))
	putEntry(nd.lp[p:], s)
	nd.n++
	setHeader(nd.lp, nd.n)
	return d
}

// replace sets entry i to s.
func (nd *node) replace(i int, s []byte) int {
	p := nd.offset(i)
	d := nd.resize(p, entrySize(s)-(nd.next(p)-p))
	putEntry(nd.lp[p:], s)
	setHeader(nd.lp, nd.n)
	return d
}

// remove deletes k entries from entry i on.
func (nd *node) remove(i, k int) int {
	p := nd.offset(i)
	q := p
	for range k {
		q = nd.next(q)
	}
	d := nd.resize(p, p-q)
	nd.n -= k
	setHeader(nd.lp, nd.n)
	return d
}

// newNode returns a node holding s alone.
func newNode(s []byte) node {
	nd := node{lp: newListpack(entrySize(s))}
	nd.insert(0, s)
	return nd
}

// split cuts nd around entry i as Redis's _quicklistSplitNode: after,
// nd keeps entries up to i and the new node gets the rest; otherwise the
// new node gets the entries before i and nd keeps i on.
func (nd *node) split(i int, after bool) node {
	cut := i
	if after {
		cut = i + 1
	}
	p := nd.offset(cut)
	head := append(newListpack(p - hdrSize)[:hdrSize], nd.lp[hdrSize:p]...)
	head = append(head, eofByte)
	tail := append(newListpack(len(nd.lp) - p)[:hdrSize], nd.lp[p:]...)
	first := node{lp: head, n: cut}
	second := node{lp: tail, n: nd.n - cut}
	setHeader(first.lp, first.n)
	setHeader(second.lp, second.n)
	if after {
		*nd = first
		return second
	}
	*nd = second
	return first
}

// merge returns the concatenation of a and b.
func merge(a, b node) node {
	lp := append(make([]byte, 0, len(a.lp)+len(b.lp)-emptySize), a.lp[:len(a.lp)-1]...)
	lp = append(lp, b.lp[hdrSize:]...)
	m := node{lp: lp, n: a.n + b.n}
	setHeader(m.lp, m.n)
	return m
}
