package command

import (
	"math"
	"math/rand/v2"

	"github.com/shoal-cache/shoal/internal/engine"
	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// SPOP and SRANDMEMBER follow Redis 7.0's strategies, not only its
// replies: which one runs decides the reply's order (members taken from an
// intset in one sweep come sorted) and the encoding of what is left.

const (
	errRandomRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"

	// spopMoveMul is Redis's SPOP_MOVE_STRATEGY_MUL: SPOP pops one member
	// at a time while what stays is more than 1/5 of what goes.
	spopMoveMul = 5
	// srandSubMul is SRANDMEMBER_SUB_STRATEGY_MUL: SRANDMEMBER picks the
	// members to leave out once it wants more than a third of the set.
	srandSubMul = 3
)

func spop(c *Ctx) {
	switch len(c.Args) {
	case 2:
		spopOne(c)
	case 3:
		spopCount(c)
	default:
		c.Error(errSyntax)
	}
}

// spopOne removes a random member and replies with it, or with a null.
func spopOne(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	s, ok := asSet(c, e)
	switch {
	case !ok:
		return
	case s == nil:
		c.W.Null()
		return
	}
	// Redis notifies spop before it replies, and del after.
	c.notify(notifySet, "spop", key)
	m := s.At(rand.IntN(s.Len()))
	writeMember(c.W, m)
	effect := c.spopEffect(key)
	effect.add(m)
	effect.done()
	s.RemoveElem(m)
	setShrunk(v, key, e, s)
	if s.Len() == 0 {
		c.notifyDel(key)
	}
}

// spopCount removes count random members and replies with them as a set.
func spopCount(c *Ctx) {
	count, ok := parseInt(c.Args[2])
	if !ok || count < 0 {
		c.Error(errNotPositive)
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	s, ok := asSet(c, e)
	switch {
	case !ok:
		return
	case s == nil || count == 0:
		c.W.Set(0)
		return
	}
	size := int64(s.Len())
	c.notify(notifySet, "spop", key) // before the reply, as Redis's; del after it
	switch remaining := size - count; {
	case remaining <= 0:
		// All of it: Redis replies with SUNION of the set, so the order
		// is that of a fresh set.
		all := settype.New()
		unionInto(all, []*settype.Set{s}, maxIntset(c))
		writeSet(c.W, all)
		v.Delete(key)
		c.propagateDel(key)
	case remaining*spopMoveMul > count:
		c.W.Set(int(count))
		effect := c.spopEffect(key)
		for range count {
			m := s.At(rand.IntN(s.Len()))
			writeMember(c.W, m)
			effect.add(m)
			s.RemoveElem(m)
		}
		effect.done()
		v.Modified(key, e)
	default:
		spopKeeping(c, v, key, e, s, int(remaining))
	}
	if size <= count {
		c.notifyDel(key)
	}
}

// spopKeeping pops all but keep members, as Redis does when few stay: it
// picks the members that stay, replies with the others in the set's order
// and makes what stays a new set, which is an intset again when it holds
// only integers within the limit. A hashtable that stays one loses the
// popped members in place instead, which keeps an SSCAN in progress valid.
func spopKeeping(c *Ctx, v engine.View, key []byte, e *engine.Entry, s *settype.Set, keep int) {
	stay := randomPositions(s.Len(), keep)
	popped := make([]settype.Elem, 0, s.Len()-keep)
	for i := range s.Len() {
		if _, ok := stay[i]; !ok {
			popped = append(popped, s.At(i))
		}
	}
	writeSetReply(c.W, popped)
	effect := c.spopEffect(key)
	for _, m := range popped {
		effect.add(m)
	}
	effect.done()

	limit := maxIntset(c)
	var kept *settype.Set
	for i := range stay {
		m := s.At(i)
		if kept == nil {
			var buf [20]byte
			kept = settype.NewFor(m.AppendTo(buf[:0]))
		}
		kept.AddElem(m, limit)
	}
	if kept.IsIntset() || s.IsIntset() {
		e.Obj = setValue{kept}
	} else {
		for _, m := range popped {
			s.RemoveElem(m)
		}
	}
	v.Modified(key, e)
}

// randomPositions picks k distinct positions out of n at random.
func randomPositions(n, k int) map[int]struct{} {
	picked := make(map[int]struct{}, k)
	for len(picked) < k {
		picked[rand.IntN(n)] = struct{}{}
	}
	return picked
}

func srandmember(c *Ctx) {
	switch len(c.Args) {
	case 2:
		srandmemberOne(c)
	case 3:
		srandmemberCount(c)
	default:
		c.Error(errSyntax)
	}
}

func srandmemberOne(c *Ctx) {
	defer c.Txn.Unlock()
	s, ok := readSet(c, c.Args[1])
	switch {
	case !ok:
	case s == nil:
		c.W.Null()
	default:
		writeMember(c.W, s.At(rand.IntN(s.Len())))
	}
}

// srandmemberCount replies with count distinct random members, or with
// -count members that may repeat when count is negative: always an array,
// in RESP3 too, as Redis 7.0 does.
func srandmemberCount(c *Ctx) {
	count, ok := parseInt(c.Args[2])
	switch {
	case !ok:
		c.Error(errNotInteger)
		return
	case count == math.MinInt64:
		c.Error(errRandomRange)
		return
	}
	defer c.Txn.Unlock()
	s, ok := readSet(c, c.Args[1])
	switch {
	case !ok:
	case s == nil || count == 0:
		c.W.Array(0)
	case count < 0 || count == 1:
		n := max(count, -count)
		c.W.Array(int(n))
		for range n {
			writeMember(c.W, s.At(rand.IntN(s.Len())))
		}
	case count >= int64(s.Len()):
		c.W.Array(s.Len())
		s.Each(func(e settype.Elem) bool { writeMember(c.W, e); return true })
	default:
		writeDistinct(c, s, int(count))
	}
}

// writeDistinct replies with k distinct random members (k < Len) in
// random order: Redis's answer comes out of a dict, in no set order.
func writeDistinct(c *Ctx, s *settype.Set, k int) {
	n := s.Len()
	c.W.Array(k)
	if k*srandSubMul > n {
		// Most of the set: shuffle the positions part way.
		pos := make([]int32, n)
		for i := range pos {
			pos[i] = int32(i)
		}
		for i := range k {
			j := i + rand.IntN(n-i)
			pos[i], pos[j] = pos[j], pos[i]
			writeMember(c.W, s.At(int(pos[i])))
		}
		return
	}
	for i := range randomPositions(n, k) {
		writeMember(c.W, s.At(i))
	}
}
