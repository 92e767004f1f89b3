package list

import "slices"

// Edits in the middle of a list: LINSERT, LREM.

// Insert puts s before or after the first element equal to pivot, as
// LINSERT does, and reports whether pivot was found.
func (l *List) Insert(pivot, s []byte, after bool) bool {
	for i, v := range l.All(0, false) {
		if v.Equal(pivot) {
			ni, off := l.locate(i)
			l.insertAt(ni, off, s, after)
			l.count++
			return true
		}
	}
	return false
}

// insertAt puts s next to element off of node ni as Redis's
// _quicklistInsert does: into that node while it has room, else into the
// neighbour the element borders if it has room, else into a new node of
// its own next to it when the element is at the node's edge (also at the
// list's ends: Redis 7.0 does not split there), else by splitting the node
// there.
func (l *List) insertAt(ni, off int, s []byte, after bool) {
	ns := l.nodes()
	nd := &ns[ni]
	atTail := after && off == nd.n-1
	atHead := !after && off == 0
	hasNext, hasPrev := ni+1 < len(ns), ni > 0
	switch {
	case l.allowInsert(nd, len(s)) && after:
		l.lpCap += int64(nd.insert(off+1, s))
	case l.allowInsert(nd, len(s)):
		l.lpCap += int64(nd.insert(off, s))
	case atTail && hasNext && l.allowInsert(&ns[ni+1], len(s)):
		l.lpCap += int64(ns[ni+1].insert(0, s))
	case atHead && hasPrev && l.allowInsert(&ns[ni-1], len(s)):
		l.lpCap += int64(ns[ni-1].insert(ns[ni-1].n, s))
	case atTail:
		l.insertNode(ni+1, newNode(s))
	case atHead:
		l.insertNode(ni, newNode(s))
	default:
		l.splitInsert(ni, off, s, after)
	}
}

// splitInsert splits node ni around element off, puts s on the split's
// side of the new half, and merges what the split left small.
func (l *List) splitInsert(ni, off int, s []byte, after bool) {
	nd := &l.nodes()[ni]
	old := cap(nd.lp)
	half := nd.split(off, after)
	l.lpCap += int64(cap(nd.lp) - old)
	if after {
		half.insert(0, s)
		l.insertNode(ni+1, half)
		l.mergeAround(ni)
		return
	}
	half.insert(half.n, s)
	l.insertNode(ni, half)
	l.mergeAround(ni + 1)
}

// mergeAround merges, where they fit in one node, the two nodes before
// node c, the two after it, then c with the one before and the result with
// the one after, in Redis's order (_quicklistMergeNodes).
func (l *List) mergeAround(c int) {
	ns := l.nodes()
	if c >= 2 && l.allowMerge(&ns[c-1], &ns[c-2]) {
		l.mergeNodes(c - 2)
		c--
	}
	ns = l.nodes()
	if c+2 < len(ns) && l.allowMerge(&ns[c+1], &ns[c+2]) {
		l.mergeNodes(c + 1)
	}
	ns = l.nodes()
	if c >= 1 && l.allowMerge(&ns[c], &ns[c-1]) {
		l.mergeNodes(c - 1)
		c--
	}
	ns = l.nodes()
	if c+1 < len(ns) && l.allowMerge(&ns[c], &ns[c+1]) {
		l.mergeNodes(c)
	}
}

// mergeNodes replaces nodes i and i+1 with one holding both.
func (l *List) mergeNodes(i int) {
	ns := l.nodes()
	m := merge(ns[i], ns[i+1])
	l.lpCap += int64(cap(m.lp) - cap(ns[i].lp) - cap(ns[i+1].lp))
	ns[i] = m
	l.buf = slices.Delete(l.buf, l.lo+i+1, l.lo+i+2)
}

// Remove deletes elements equal to s, as LREM does: the first count from
// the head when count > 0, the last -count from the tail when count < 0,
// all when 0. It returns how many went. Emptied nodes go; nodes are not
// merged.
func (l *List) Remove(s []byte, count int) int {
	limit := count
	switch {
	case count == 0:
		limit = l.count
	case count < 0:
		limit = -count
	}
	removed := 0
	if count >= 0 {
		for ni := 0; ni < len(l.nodes()) && removed < limit; {
			k, gone := l.removeInNode(ni, s, limit-removed, false)
			removed += k
			if !gone {
				ni++
			}
		}
		return removed
	}
	for ni := len(l.nodes()) - 1; ni >= 0 && removed < limit; ni-- {
		k, _ := l.removeInNode(ni, s, limit-removed, true)
		removed += k
	}
	return removed
}

// removeInNode deletes up to limit elements equal to s from node ni,
// scanning from its head or its tail, and the node if that empties it. It
// returns how many went and whether the node did.
func (l *List) removeInNode(ni int, s []byte, limit int, fromTail bool) (removed int, gone bool) {
	nd := &l.nodes()[ni]
	drop := func(p, next int) {
		l.lpCap += int64(nd.resize(p, p-next))
		nd.n--
		removed++
	}
	if fromTail {
		p := len(nd.lp) - 1
		for k := nd.n; k > 0 && removed < limit; k-- {
			p = prevEntry(nd.lp, p)
			if v, next := readEntry(nd.lp, p); v.Equal(s) {
				drop(p, next)
			}
		}
	} else {
		p := hdrSize
		for k := nd.n; k > 0 && removed < limit; k-- {
			v, next := readEntry(nd.lp, p)
			if v.Equal(s) {
				drop(p, next)
			} else {
				p = next
			}
		}
	}
	l.count -= removed
	if nd.n == 0 {
		l.removeNode(ni)
		return removed, true
	}
	setHeader(nd.lp, nd.n)
	return removed, false
}
