package zset

// Range commands work on ranks: they find where a range starts or ends
// (O(log n) in the tree, a walk in the compact form), then walk from
// there, checking the other end as they go, as Redis does.

// Ascend calls fn for the members from rank from (0-based) upwards until
// fn returns false or the set ends.
func (z *ZSet) Ascend(from int, fn func(member []byte, score float64) bool) {
	if from < 0 || from >= z.Len() {
		return
	}
	if z.big != nil {
		for c := z.big.tree.at(from); c.valid(); c = c.next() {
			if m, s := c.get(); !fn(bytesOf(m), s) {
				return
			}
		}
		return
	}
	for off := z.small.offsetOf(from); off < len(z.small.b); {
		m, s, _, next := z.small.entryAt(off)
		if !fn(m, s) {
			return
		}
		off = next
	}
}

// Descend calls fn for the members from rank from downwards until fn
// returns false or the set's first member was passed.
func (z *ZSet) Descend(from int, fn func(member []byte, score float64) bool) {
	if from < 0 || from >= z.Len() {
		return
	}
	if z.big != nil {
		for c := z.big.tree.at(from); c.valid(); c = c.prev() {
			if m, s := c.get(); !fn(bytesOf(m), s) {
				return
			}
		}
		return
	}
	offs := z.small.offsets()
	for i := from; i >= 0; i-- {
		m, s, _, _ := z.small.entryAt(offs[i])
		if !fn(m, s) {
			return
		}
	}
}

// At returns the member of 0-based rank r, which must be below Len.
func (z *ZSet) At(r int) (member []byte, score float64) {
	z.Ascend(r, func(m []byte, s float64) bool {
		member, score = m, s
		return false
	})
	return member, score
}

// countFromStart returns how many members from the first satisfy ok,
// which holds for a prefix of the set.
func (z *ZSet) countFromStart(ok func(member []byte, score float64) bool) int {
	if z.big != nil {
		return z.big.tree.countWhile(func(m string, s float64) bool { return ok(bytesOf(m), s) })
	}
	count := 0
	z.Ascend(0, func(m []byte, s float64) bool {
		if !ok(m, s) {
			return false
		}
		count++
		return true
	})
	return count
}

// ScoreStart returns the rank of the first member at or above r's start,
// Len when there is none.
func (z *ZSet) ScoreStart(r ScoreRange) int {
	return z.countFromStart(func(_ []byte, s float64) bool { return !r.GteMin(s) })
}

// ScoreEnd returns the rank of the last member at or below r's end, -1
// when there is none.
func (z *ZSet) ScoreEnd(r ScoreRange) int {
	return z.countFromStart(func(_ []byte, s float64) bool { return r.LteMax(s) }) - 1
}

// Lexicographical ranges assume that all members have the same score,
// the only case where Redis defines them. Otherwise the result is what
// Redis's walk finds: the compact form follows Redis's listpack functions
// step by step, so a mixed-score set gives Redis's answer; the large
// form answers in O(log n) as if the members were in order (Redis's own
// answer then depends on its skiplist nodes' random levels).

// inLexRange reports whether r may hold members of z: it is not empty,
// the last member is at or after its start, the first at or before its
// end (Redis's zslIsInLexRange and zzlIsInLexRange).
func (z *ZSet) inLexRange(r LexRange) bool {
	if r.Empty() || z.Len() == 0 {
		return false
	}
	last, _ := z.At(z.Len() - 1)
	if !r.GteMin(last) {
		return false
	}
	first, _ := z.At(0)
	return r.LteMax(first)
}

// LexFirst returns the rank where a forward walk of r starts, -1 when it
// selects nothing: the first member at or after r's start, which must
// also be at or before its end.
func (z *ZSet) LexFirst(r LexRange) int {
	if !z.inLexRange(r) {
		return -1
	}
	i := z.countFromStart(func(m []byte, _ float64) bool { return !r.GteMin(m) })
	if i >= z.Len() {
		return -1
	}
	if m, _ := z.At(i); !r.LteMax(m) {
		return -1
	}
	return i
}

// LexLast returns the rank where a backward walk of r starts, -1 when it
// selects nothing: the last member at or before r's end (the compact
// form looks from its tail), which must also be at or after its start.
func (z *ZSet) LexLast(r LexRange) int {
	if !z.inLexRange(r) {
		return -1
	}
	j := -1
	if z.big != nil {
		j = z.big.tree.countWhile(func(m string, _ float64) bool { return r.LteMax(bytesOf(m)) }) - 1
	} else {
		i := 0
		z.Ascend(0, func(m []byte, _ float64) bool {
			if r.LteMax(m) {
				j = i
			}
			i++
			return true
		})
	}
	if j < 0 {
		return -1
	}
	if m, _ := z.At(j); !r.GteMin(m) {
		return -1
	}
	return j
}

// LexRunUp returns how many members from rank from upwards are at or
// before r's end, stopping at the first that is not.
func (z *ZSet) LexRunUp(from int, r LexRange) int {
	if z.big != nil {
		end := z.big.tree.countWhile(func(m string, _ float64) bool { return r.LteMax(bytesOf(m)) })
		return max(end-from, 0)
	}
	n := 0
	z.Ascend(from, func(m []byte, _ float64) bool {
		if !r.LteMax(m) {
			return false
		}
		n++
		return true
	})
	return n
}

// LexRunDown returns how many members from rank from downwards are at or
// after r's start, stopping at the first that is not.
func (z *ZSet) LexRunDown(from int, r LexRange) int {
	if z.big != nil {
		start := z.big.tree.countWhile(func(m string, _ float64) bool { return !r.GteMin(bytesOf(m)) })
		return max(from-start+1, 0)
	}
	n := 0
	z.Descend(from, func(m []byte, _ float64) bool {
		if !r.GteMin(m) {
			return false
		}
		n++
		return true
	})
	return n
}

// RemoveRange deletes the members of ranks from to to, inclusive, which
// must be within the set, and returns how many it deleted.
func (z *ZSet) RemoveRange(from, to int) int {
	n := to - from + 1
	if n <= 0 {
		return 0
	}
	if z.big != nil {
		for range n {
			m, _ := z.big.tree.at(from).get()
			z.big.remove(z.big.dict.find(bytesOf(m)))
		}
		return n
	}
	start := z.small.offsetOf(from)
	end := start
	for range n {
		_, _, _, end = z.small.entryAt(end)
	}
	z.small.removeSpan(start, end, n)
	return n
}
