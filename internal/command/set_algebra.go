package command

import (
	"slices"

	"github.com/shoal-cache/shoal/internal/engine"
	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// Set algebra: SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD,
// done as Redis 7.0 does them, because the way shows: a result is built
// in a new set that starts as an intset, so it comes out sorted while it
// holds only integers within set-max-intset-entries and as a hashtable
// otherwise (OBJECT ENCODING of a STORE's destination tells), and SDIFF
// picks between Redis's two algorithms by the same cost estimate, which
// decides whether a result passed the limit on the way.
//
// Every source key is looked up and type-checked before anything is done,
// a missing key being an empty set; a STORE of an empty result deletes the
// destination, and a STORE replaces the destination's value and TTL
// whatever its type.

// loadSets reads keys as sets (nil for a missing key), or replies
// WRONGTYPE and returns false at the first key holding another type.
func loadSets(c *Ctx, v engine.View, keys [][]byte) ([]*settype.Set, bool) {
	sets := make([]*settype.Set, len(keys))
	for i, k := range keys {
		s, ok := asSet(c, v.Read(k))
		if !ok {
			return nil, false
		}
		sets[i] = s
	}
	return sets, true
}

// lockSetKeys locks the sources and, for a STORE, the destination.
func lockSetKeys(c *Ctx, dst []byte, keys [][]byte) engine.View {
	db := c.DB()
	if dst != nil {
		c.Txn.Key(db, dst)
	}
	c.Txn.Keys(db, keys).Acquire()
	return c.Txn.View(db)
}

// storeSetResult stores s at dst, replacing whatever is there, or deletes
// dst when s is empty, and replies with the count.
func storeSetResult(c *Ctx, v engine.View, dst []byte, s *settype.Set) {
	if s.Len() == 0 {
		if v.Delete(dst) {
			c.notifyDel(dst)
		}
	} else {
		putSet(v, dst, s)
		c.notify(notifySet, c.Spec().Name, dst) // the event is the command's name
	}
	c.W.Int(int64(s.Len()))
}

// interArgs is a parsed SINTER, SINTERSTORE or SINTERCARD.
type interArgs struct {
	keys  [][]byte
	dst   []byte // SINTERSTORE's destination
	card  bool   // SINTERCARD: count only
	limit int64  // SINTERCARD's LIMIT, 0 for none
}

func smembers(c *Ctx)    { interGeneric(c, interArgs{keys: c.Args[1:2]}) }
func sinter(c *Ctx)      { interGeneric(c, interArgs{keys: c.Args[1:]}) }
func sinterstore(c *Ctx) { interGeneric(c, interArgs{keys: c.Args[2:], dst: c.Args[1]}) }

func sintercard(c *Ctx) {
	if a, ok := parseSinterCard(c); ok {
		interGeneric(c, a)
	}
}

func parseSinterCard(c *Ctx) (interArgs, bool) {
	n, ok := parseInt(c.Args[1])
	if !ok || n < 1 {
		c.Error("ERR numkeys should be greater than 0")
		return interArgs{}, false
	}
	if n > int64(len(c.Args)-2) {
		c.Error("ERR Number of keys can't be greater than number of args")
		return interArgs{}, false
	}
	a := interArgs{keys: c.Args[2 : 2+n], card: true}
	opts := c.Args[2+n:]
	for i := 0; i < len(opts); i++ {
		if !is(opts[i], "limit") || i+1 == len(opts) {
			c.Error(errSyntax)
			return a, false
		}
		i++
		if a.limit, ok = parseInt(opts[i]); !ok || a.limit < 0 {
			c.Error("ERR LIMIT can't be negative")
			return a, false
		}
	}
	return a, true
}

// interGeneric is SMEMBERS (SINTER of one key, as in Redis), SINTER,
// SINTERSTORE and SINTERCARD.
func interGeneric(c *Ctx, a interArgs) {
	v := lockSetKeys(c, a.dst, a.keys)
	defer c.Txn.Unlock()
	sets, ok := loadSets(c, v, a.keys)
	if !ok {
		return
	}
	if slices.Contains(sets, nil) {
		sets = nil // an empty set empties the intersection
	}
	switch {
	case a.dst != nil:
		dst, limit := settype.New(), maxIntset(c)
		intersect(sets, func(e settype.Elem) bool { dst.AddElem(e, limit); return true })
		storeSetResult(c, v, a.dst, dst)
	case a.card:
		var n int64
		intersect(sets, func(settype.Elem) bool { n++; return n != a.limit })
		c.W.Int(n)
	case len(sets) == 1:
		writeSet(c.W, sets[0]) // SMEMBERS
	default:
		var out []settype.Elem
		intersect(sets, func(e settype.Elem) bool { out = append(out, e); return true })
		writeSetReply(c.W, out)
	}
}

// intersect calls fn with each member common to all sets, in the order of
// the smallest set, until fn returns false. No sets is the empty set.
func intersect(sets []*settype.Set, fn func(settype.Elem) bool) {
	if len(sets) == 0 {
		return
	}
	sets = slices.Clone(sets)
	slices.SortStableFunc(sets, func(a, b *settype.Set) int { return a.Len() - b.Len() })
	first, others := sets[0], sets[1:]
	for i := range first.Len() {
		e := first.At(i)
		if inAll(others, first, e) && !fn(e) {
			return
		}
	}
}

// inAll reports whether every set but first itself (the same key given
// twice) has e.
func inAll(sets []*settype.Set, first *settype.Set, e settype.Elem) bool {
	for _, s := range sets {
		if s != first && !s.HasElem(e) {
			return false
		}
	}
	return true
}

func sunion(c *Ctx)      { unionDiffGeneric(c, c.Args[1:], nil, unionInto) }
func sunionstore(c *Ctx) { unionDiffGeneric(c, c.Args[2:], c.Args[1], unionInto) }
func sdiff(c *Ctx)       { unionDiffGeneric(c, c.Args[1:], nil, diffInto) }
func sdiffstore(c *Ctx)  { unionDiffGeneric(c, c.Args[2:], c.Args[1], diffInto) }

// unionDiffGeneric is SUNION, SDIFF and their STORE forms: op builds the
// result into a new set, which is replied with or stored at dst.
func unionDiffGeneric(c *Ctx, keys [][]byte, dst []byte, op func(dst *settype.Set, sets []*settype.Set, limit int)) {
	v := lockSetKeys(c, dst, keys)
	defer c.Txn.Unlock()
	sets, ok := loadSets(c, v, keys)
	if !ok {
		return
	}
	result := settype.New()
	op(result, sets, maxIntset(c))
	if dst != nil {
		storeSetResult(c, v, dst, result)
		return
	}
	writeSet(c.W, result)
}

// unionInto adds every member of every set to dst.
func unionInto(dst *settype.Set, sets []*settype.Set, limit int) {
	for _, s := range sets {
		if s != nil {
			addAll(dst, s, limit)
		}
	}
}

func addAll(dst, s *settype.Set, limit int) {
	for i := range s.Len() {
		dst.AddElem(s.At(i), limit)
	}
}

// diffInto adds to dst the members of the first set that no other has.
// Like Redis it either checks each member of the first set against the
// others (algorithm 1) or adds the first set and removes the others
// (algorithm 2), whichever its estimate finds cheaper: the second can
// pass the intset limit on the way and leave a hashtable.
func diffInto(dst *settype.Set, sets []*settype.Set, limit int) {
	first := sets[0]
	if first == nil || slices.Contains(sets[1:], first) {
		return // nothing to subtract from, or a set minus itself
	}
	var work1, work2 int
	for _, s := range sets {
		if s != nil {
			work1 += first.Len()
			work2 += s.Len()
		}
	}
	if work1/2 <= work2 {
		for i := range first.Len() {
			if e := first.At(i); !inAny(sets[1:], e) {
				dst.AddElem(e, limit)
			}
		}
		return
	}
	addAll(dst, first, limit)
	for _, s := range sets[1:] {
		for i := 0; s != nil && i < s.Len() && dst.Len() > 0; i++ {
			dst.RemoveElem(s.At(i))
		}
	}
}

// inAny reports whether a set has e.
func inAny(sets []*settype.Set, e settype.Elem) bool {
	for _, s := range sets {
		if s != nil && s.HasElem(e) {
			return true
		}
	}
	return false
}
