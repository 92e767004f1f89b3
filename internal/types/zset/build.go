package zset

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
)

// Item is one member and its score, for building a set whole.
type Item struct {
	Member string
	Score  float64
}

// Compare orders items as a sorted set does: by score, then member.
func Compare(a, b Item) int {
	if c := cmp.Compare(a.Score, b.Score); c != 0 {
		return c
	}
	return strings.Compare(a.Member, b.Member)
}

// Build returns a set of items (distinct members, in any order; the slice
// is sorted in place), compact when they fit lim, as Redis leaves the
// result of ZUNIONSTORE and friends or a restored set.
func Build(items []Item, lim Limits) *ZSet {
	maxLen := 0
	for _, it := range items {
		maxLen = max(maxLen, len(it.Member))
	}
	return build(items, lim.fits(len(items), maxLen))
}

// BuildCompact is Build for a set that was compact where it came from (a
// listpack in a DUMP payload): it stays compact unless it has more than
// lim.MaxEntries members, whatever their length, as Redis loads it.
func BuildCompact(items []Item, lim Limits) *ZSet {
	return build(items, len(items) <= lim.MaxEntries)
}

func build(items []Item, compactForm bool) *ZSet {
	slices.SortFunc(items, Compare)
	z := &ZSet{}
	if compactForm {
		size := 0
		for _, it := range items {
			size += entrySize(len(it.Member), it.Score)
		}
		z.small.b = make([]byte, 0, roundAlloc(size))
		for _, it := range items {
			z.small.appendItem(bytesOf(it.Member), it.Score)
		}
		return z
	}
	z.big = newLarge(len(items))
	for _, it := range items {
		z.big.add(it.Member, it.Score)
	}
	return z
}

// Scan calls fn for some members and returns the cursor to continue
// from, 0 when the walk is over, as Redis's ZSCAN: a compact set is
// returned whole; a large one bucket by bucket of its hash table until
// about count members (count/2 in fact: Redis counts the scores too) or
// 10*count buckets were seen. intScore tells a score the compact form
// stores as an integer, which ZSCAN prints as one.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member []byte, score float64, intScore bool)) uint64 {
	if z.big == nil {
		for off := 0; off < len(z.small.b); {
			m, s, isInt, next := z.small.entryAt(off)
			fn(m, s, isInt)
			off = next
		}
		return 0
	}
	got := 0
	visit := func(e *entry) {
		fn(bytesOf(e.member), e.score, false)
		got += 2
	}
	for budget := count * 10; ; budget-- {
		cursor = z.big.dict.scan(cursor, visit)
		if cursor == 0 || budget == 0 || got >= count {
			return cursor
		}
	}
}

// Sampler picks members at random, for ZRANDMEMBER.
type Sampler struct {
	z    *ZSet
	offs []int // the compact form's offsets, to pick in O(1)
}

// NewSampler returns a sampler of z, valid until z changes.
func (z *ZSet) NewSampler() *Sampler {
	s := &Sampler{z: z}
	if z.big == nil {
		s.offs = z.small.offsets()
	}
	return s
}

// At returns the member of rank r.
func (s *Sampler) At(r int) (member []byte, score float64) {
	if s.offs == nil {
		m, sc := s.z.big.tree.at(r).get()
		return bytesOf(m), sc
	}
	m, sc, _, _ := s.z.small.entryAt(s.offs[r])
	return m, sc
}

// Random returns a member picked uniformly.
func (s *Sampler) Random() (member []byte, score float64) { return s.At(rand.IntN(s.z.Len())) }
