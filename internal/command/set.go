package command

import (
	"bytes"
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/resp"
	settype "github.com/shoal-cache/shoal/internal/types/set"
)

// The set family (Redis's t_set.c). The value is a [settype.Set] (the
// package is imported as settype: set is the SET command's handler), an
// intset or a hashtable as in Redis 7.0. This file has the commands on one
// set, set_algebra.go SINTER/SUNION/SDIFF and their STORE and CARD forms,
// set_random.go SPOP and SRANDMEMBER, set_scan.go SSCAN and set_rdb.go
// DUMP/RESTORE. As in Redis a set is never empty: removing its last member
// deletes the key.

// setValue is a set key's Entry.Obj: the set, plus what the command
// package adds to it (COPY's Clone, DUMP's RDB encoding in set_rdb.go).
// Its size and encoding name are the set's own.
type setValue struct{ *settype.Set }

// Clone is a deep copy, for COPY.
func (v setValue) Clone() any { return setValue{v.Set.Clone()} }

// Contains reports whether m is a member. With Len and Range it is what
// ZUNION, ZINTER and ZDIFF read of a set among their sources (a member
// scores 1 there, as in Redis).
func (v setValue) Contains(m []byte) bool { return v.Has(m) }

// Range calls fn with each member until fn returns false. The bytes are
// valid only during the call.
func (v setValue) Range(fn func(member []byte) bool) {
	var buf []byte
	v.Each(func(e settype.Elem) bool {
		buf = e.AppendTo(buf[:0])
		return fn(buf)
	})
}

// asSet returns the set e holds, nil when e is nil (a missing key reads as
// an empty set). When e holds another type it replies WRONGTYPE and
// returns false.
func asSet(c *Ctx, e *engine.Entry) (*settype.Set, bool) {
	if e == nil {
		return nil, true
	}
	if e.Kind != engine.KindSet {
		c.Error(errWrongType)
		return nil, false
	}
	return e.Obj.(setValue).Set, true
}

// putSet stores s as a new value at key, without TTL.
func putSet(v engine.View, key []byte, s *settype.Set) {
	v.Put(key, &engine.Entry{Kind: engine.KindSet, Obj: setValue{s}}, 0)
}

// setShrunk records that members were removed from s, the set of e at key:
// a set left empty is deleted.
func setShrunk(v engine.View, key []byte, e *engine.Entry, s *settype.Set) {
	if s.Len() == 0 {
		v.Delete(key)
		return
	}
	v.Modified(key, e)
}

// maxIntset is set-max-intset-entries: the most integers a set holds
// before it becomes a hashtable.
func maxIntset(c *Ctx) int {
	return int(min(c.Node.hot().setIntset.Int(), math.MaxInt32))
}

// writeMember replies with one member as a bulk string.
func writeMember(w *resp.Writer, e settype.Elem) {
	if n, ok := e.Int(); ok {
		w.BulkInt(n)
		return
	}
	w.BulkString(e.String())
}

// writeSet replies with every member of s as a set (RESP3 ~, RESP2
// array), in the set's order.
func writeSet(w *resp.Writer, s *settype.Set) {
	w.Set(s.Len())
	s.Each(func(e settype.Elem) bool { writeMember(w, e); return true })
}

// writeSetReply replies with members as a set (RESP3 ~, RESP2 array).
func writeSetReply(w *resp.Writer, members []settype.Elem) {
	w.Set(len(members))
	for _, e := range members {
		writeMember(w, e)
	}
}

// sadd adds members, creating the set in the encoding its first member
// calls for, and replies with how many were new.
func sadd(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	s, ok := asSet(c, e)
	if !ok {
		return
	}
	created := s == nil
	if created {
		s = settype.NewFor(c.Args[2])
	}
	limit := maxIntset(c)
	added := 0
	for _, m := range c.Args[2:] {
		if s.Add(m, limit) {
			added++
		}
	}
	switch {
	case created:
		putSet(v, key, s)
	case added > 0:
		v.Modified(key, e)
	}
	if added > 0 {
		c.notify(notifySet, "sadd", key)
	}
	c.W.Int(int64(added))
}

// srem removes members and replies with how many were there; as Redis, it
// stops at the member that empties the set.
func srem(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	s, ok := asSet(c, e)
	if !ok || s == nil {
		if ok {
			c.W.Int(0)
		}
		return
	}
	removed := 0
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			removed++
			if s.Len() == 0 {
				break
			}
		}
	}
	if removed > 0 {
		setShrunk(v, key, e, s)
		c.notifyLeft(notifySet, "srem", key, s.Len())
	}
	c.W.Int(int64(removed))
}

// readSet looks key up for a read command: the set, nil when missing, or
// false after replying WRONGTYPE. The caller unlocks.
func readSet(c *Ctx, key []byte) (*settype.Set, bool) {
	v := c.Txn.LockKey(c.DB(), key)
	return asSet(c, v.Read(key))
}

func sismember(c *Ctx) {
	defer c.Txn.Unlock()
	if s, ok := readSet(c, c.Args[1]); ok {
		c.W.Int(int64(b2i(s != nil && s.Has(c.Args[2]))))
	}
}

// smismember replies with 1 or 0 for each member, an array in RESP3 too.
func smismember(c *Ctx) {
	defer c.Txn.Unlock()
	s, ok := readSet(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		c.W.Int(int64(b2i(s != nil && s.Has(m))))
	}
}

func scard(c *Ctx) {
	defer c.Txn.Unlock()
	if s, ok := readSet(c, c.Args[1]); ok {
		var n int
		if s != nil {
			n = s.Len()
		}
		c.W.Int(int64(n))
	}
}

// smove moves a member from one set to another. Redis's order: a missing
// source replies 0 before any type check, then both keys must be sets
// (the destination may be missing), and a move within one set only tells
// whether the member is there.
func smove(c *Ctx) {
	src, dst, m := c.Args[1], c.Args[2], c.Args[3]
	v := c.Txn.LockKeys(c.DB(), c.Args[1:3])
	defer c.Txn.Unlock()
	se, de := v.Lookup(src), v.Lookup(dst)
	if se == nil {
		c.W.Int(0)
		return
	}
	from, ok := asSet(c, se)
	if !ok {
		return
	}
	to, ok := asSet(c, de)
	if !ok {
		return
	}
	switch {
	case bytes.Equal(src, dst):
		c.W.Int(int64(b2i(from.Has(m))))
		return
	case !from.Remove(m):
		c.W.Int(0)
		return
	}
	setShrunk(v, src, se, from)
	c.notifyLeft(notifySet, "srem", src, from.Len())
	limit := maxIntset(c)
	if to == nil {
		to = settype.NewFor(m)
		to.Add(m, limit)
		putSet(v, dst, to)
		c.notify(notifySet, "sadd", dst)
	} else if to.Add(m, limit) {
		v.Modified(dst, de)
		c.notify(notifySet, "sadd", dst)
	}
	c.W.Int(1)
}

func setCommands() []*Spec {
	const group = "set"
	return []*Spec{
		{Name: "sadd", Arity: -3, Flags: Write | DenyOOM | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Add one or more members to a set", Since: "1.0.0", Handler: sadd},
		{Name: "srem", Arity: -3, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Remove one or more members from a set", Since: "1.0.0", Handler: srem},
		{Name: "smembers", Arity: 2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Get all the members in a set", Since: "1.0.0", Handler: smembers},
		{Name: "sismember", Arity: 3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Determine if a given value is a member of a set", Since: "1.0.0", Handler: sismember},
		{Name: "smismember", Arity: -3, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Returns the membership associated with the given elements for a set", Since: "6.2.0", Handler: smismember},
		{Name: "scard", Arity: 2, Flags: ReadOnly | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Get the number of members in a set", Since: "1.0.0", Handler: scard},
		{Name: "spop", Arity: -2, Flags: Write | Fast, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Remove and return one or multiple random members from a set", Since: "1.0.0", Handler: spop},
		{Name: "srandmember", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Get one or multiple random members from a set", Since: "1.0.0", Handler: srandmember},
		{Name: "smove", Arity: 4, Flags: Write | Fast, FirstKey: 1, LastKey: 2, Step: 1, Group: group, Summary: "Move a member from one set to another", Since: "1.0.0", Handler: smove},
		{Name: "sinter", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Intersect multiple sets", Since: "1.0.0", Handler: sinter},
		{Name: "sunion", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Add multiple sets", Since: "1.0.0", Handler: sunion},
		{Name: "sdiff", Arity: -2, Flags: ReadOnly, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Subtract multiple sets", Since: "1.0.0", Handler: sdiff},
		{Name: "sinterstore", Arity: -3, Flags: Write | DenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Intersect multiple sets and store the resulting set in a key", Since: "1.0.0", Handler: sinterstore},
		{Name: "sunionstore", Arity: -3, Flags: Write | DenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Add multiple sets and store the resulting set in a key", Since: "1.0.0", Handler: sunionstore},
		{Name: "sdiffstore", Arity: -3, Flags: Write | DenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Group: group, Summary: "Subtract multiple sets and store the resulting set in a key", Since: "1.0.0", Handler: sdiffstore},
		// SINTERCARD's keys follow a count (numkeys): Redis's legacy key
		// range is 0 0 0 and the command is "movablekeys".
		{Name: "sintercard", Arity: -3, Flags: ReadOnly, Group: group, Summary: "Intersect multiple sets and return the cardinality of the result", Since: "7.0.0", Handler: sintercard},
		{Name: "sscan", Arity: -3, Flags: ReadOnly, FirstKey: 1, LastKey: 1, Step: 1, Group: group, Summary: "Incrementally iterate Set elements", Since: "2.8.0", Handler: sscan},
	}
}
