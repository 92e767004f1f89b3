package command

import (
	"math"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// Sorted set commands, as Redis 7.0's t_zset.c. The data structure is
// internal/types/zset; this file has the single-member commands, ZADD and
// the pops, zset_range.go the range commands, zset_store.go ZUNION, ZINTER,
// ZDIFF and their STORE forms, zset_rdb.go DUMP and RESTORE.
//
// A score is a float64, replied as a RESP3 double or, under RESP2, a bulk
// string in "%.17g" form. An empty sorted set does not exist: the command
// that removes the last member deletes the key.

// zsetValue is a sorted set as the keyspace holds it (engine.Entry.Obj):
// the zset.ZSet under a type of this package, so that it can also be
// DUMPed with the RDB encoder that lives here.
type zsetValue zset.ZSet

func (z *zsetValue) set() *zset.ZSet { return (*zset.ZSet)(z) }

// SizeBytes implements engine.Sizer.
func (z *zsetValue) SizeBytes() int64 { return z.set().SizeBytes() }

// Clone implements engine.Cloner.
func (z *zsetValue) Clone() any { return (*zsetValue)(z.set().Clone().(*zset.ZSet)) }

// Encoding names the form as OBJECT ENCODING does.
func (z *zsetValue) Encoding() string { return z.set().Encoding() }

func newZSetEntry(z *zset.ZSet) *engine.Entry {
	return &engine.Entry{Kind: engine.KindZSet, Obj: (*zsetValue)(z)}
}

// zsetLimits are the thresholds of the compact form.
func zsetLimits(c *Ctx) zset.Limits {
	return zset.Limits{
		MaxEntries: int(min(c.Node.hot().zsetEntries.Int(), math.MaxInt32)),
		MaxValue:   int(min(c.Node.hot().zsetValue.Int(), math.MaxInt32)),
	}
}

// checkZSet returns the sorted set in e (nil when e is nil); when e holds
// another type it replies WRONGTYPE and reports false.
func checkZSet(c *Ctx, e *engine.Entry) (*zset.ZSet, bool) {
	if e == nil {
		return nil, true
	}
	if e.Kind != engine.KindZSet {
		c.Error(errWrongType)
		return nil, false
	}
	return e.Obj.(*zsetValue).set(), true
}

// readZSet looks key up for a command that reads it (a keyspace hit or
// miss).
func readZSet(c *Ctx, v engine.View, key []byte) (*zset.ZSet, bool) {
	return checkZSet(c, v.Read(key))
}

// zsetChanged stores what a command did to the set at key: nothing when
// it changed nothing, a delete when it emptied the set.
func zsetChanged(v engine.View, key []byte, e *engine.Entry, z *zset.ZSet, changed bool) {
	switch {
	case !changed:
	case z.Len() == 0:
		v.Delete(key)
	default:
		v.Modified(key, e)
	}
}

// zaddArgs is a parsed ZADD (or ZINCRBY, which is ZADD INCR).
type zaddArgs struct {
	flags  zset.AddFlags
	ch     bool
	scores []float64
	// pairs are the score-member arguments (aliasing c.Args): member i
	// is pairs[2*i+1].
	pairs [][]byte
}

const errNaNScore = "ERR resulting score is not a number (NaN)"

// parseZAdd reads the options and score-member pairs, with Redis's errors
// in Redis's order: the pairs' count, conflicting options, then scores.
func parseZAdd(c *Ctx, flags zset.AddFlags) (zaddArgs, bool) {
	a := zaddArgs{flags: flags}
	i := 2
	for ; i < len(c.Args); i++ {
		f, ok := zaddOption(c.Args[i])
		if !ok {
			break
		}
		if f == 0 {
			a.ch = true
		}
		a.flags |= f
	}
	pairs := c.Args[i:]
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		c.Error(errSyntax)
		return a, false
	}
	if msg := zaddConflict(a.flags, len(pairs)/2); msg != "" {
		c.Error(msg)
		return a, false
	}
	a.pairs, a.scores = pairs, make([]float64, len(pairs)/2)
	for j := range a.scores {
		s, ok := zset.ParseScore(pairs[2*j])
		if !ok {
			c.Error(errNotFloat)
			return a, false
		}
		a.scores[j] = s
	}
	return a, true
}

// zaddOption names ZADD's options; CH is 0.
func zaddOption(arg []byte) (zset.AddFlags, bool) {
	switch {
	case is(arg, "nx"):
		return zset.NX, true
	case is(arg, "xx"):
		return zset.XX, true
	case is(arg, "gt"):
		return zset.GT, true
	case is(arg, "lt"):
		return zset.LT, true
	case is(arg, "incr"):
		return zset.Incr, true
	case is(arg, "ch"):
		return 0, true
	}
	return 0, false
}

func zaddConflict(f zset.AddFlags, pairs int) string {
	switch {
	case f&zset.NX != 0 && f&zset.XX != 0:
		return "ERR XX and NX options at the same time are not compatible"
	case f&zset.NX != 0 && f&(zset.GT|zset.LT) != 0, f&zset.GT != 0 && f&zset.LT != 0:
		return "ERR GT, LT, and/or NX options at the same time are not compatible"
	case f&zset.Incr != 0 && pairs > 1:
		return "ERR INCR option supports a single increment-element pair"
	}
	return ""
}

func zadd(c *Ctx) { zaddGeneric(c, 0) }

func zincrby(c *Ctx) { zaddGeneric(c, zset.Incr) }

// zaddCounts are what ZADD did, for its reply.
type zaddCounts struct {
	added, updated, processed int
	score                     float64
}

func zaddGeneric(c *Ctx, flags zset.AddFlags) {
	a, ok := parseZAdd(c, flags)
	if !ok {
		return
	}
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	z, ok := checkZSet(c, e)
	if !ok {
		return
	}
	if z == nil && a.flags&zset.XX != 0 {
		replyZAdd(c, a, zaddCounts{})
		return
	}
	if z == nil {
		z = zset.New()
		defer func() {
			if z.Len() > 0 {
				v.Put(key, newZSetEntry(z), 0)
				c.notify(notifyZset, zaddEvent(a.flags), key)
			}
		}()
	}
	n, ok := applyZAdd(c, z, a)
	if e != nil {
		zsetChanged(v, key, e, z, n.added+n.updated > 0)
		if n.added+n.updated > 0 {
			c.notify(notifyZset, zaddEvent(a.flags), key)
		}
	}
	if ok {
		replyZAdd(c, a, n)
	}
}

// applyZAdd adds the pairs; it replies the NaN error and stops when an
// increment makes a score NaN.
func applyZAdd(c *Ctx, z *zset.ZSet, a zaddArgs) (zaddCounts, bool) {
	var n zaddCounts
	lim := zsetLimits(c)
	for i, s := range a.scores {
		res, score := z.Add(a.pairs[2*i+1], s, a.flags, lim)
		switch res {
		case zset.NaN:
			c.Error(errNaNScore)
			return n, false
		case zset.Added:
			n.added++
		case zset.Updated:
			n.updated++
		}
		if res != zset.Skipped {
			n.processed++
		}
		n.score = score
	}
	return n, true
}

func replyZAdd(c *Ctx, a zaddArgs, n zaddCounts) {
	switch {
	case a.flags&zset.Incr != 0 && n.processed > 0:
		c.W.Double(n.score)
	case a.flags&zset.Incr != 0:
		c.W.Null()
	case a.ch:
		c.W.Int(int64(n.added + n.updated))
	default:
		c.W.Int(int64(n.added))
	}
}

func zrem(c *Ctx) {
	key := c.Args[1]
	v := c.Txn.LockKey(c.DB(), key)
	defer c.Txn.Unlock()
	e := v.Lookup(key)
	z, ok := checkZSet(c, e)
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	for _, m := range c.Args[2:] {
		if z.Remove(m) {
			deleted++
			if z.Len() == 0 {
				break
			}
		}
	}
	zsetChanged(v, key, e, z, deleted > 0)
	if deleted > 0 {
		c.notifyLeft(notifyZset, "zrem", key, z.Len())
	}
	c.W.Int(int64(deleted))
}

func zscore(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	replyScore(c, z, c.Args[2])
}

// replyScore replies with member's score, or null.
func replyScore(c *Ctx, z *zset.ZSet, member []byte) {
	if z == nil {
		c.W.Null()
		return
	}
	if s, ok := z.Score(member); ok {
		c.W.Double(s)
		return
	}
	c.W.Null()
}

func zmscore(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		replyScore(c, z, m)
	}
}

func zcard(c *Ctx) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(z.Len()))
}

func zrank(c *Ctx) { zrankGeneric(c, false) }

func zrevrank(c *Ctx) { zrankGeneric(c, true) }

func zrankGeneric(c *Ctx, rev bool) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	r, found := z.Rank(c.Args[2])
	switch {
	case !found:
		c.W.Null()
	case rev:
		c.W.Int(int64(z.Len() - 1 - r))
	default:
		c.W.Int(int64(r))
	}
}

// writeScored writes one member of a reply that carries scores: a pair
// array under RESP3 when nested, else the member and score in line.
func writeScored(c *Ctx, member []byte, score float64, nested bool) {
	if nested {
		c.W.Array(2)
	}
	c.W.Bulk(member)
	c.W.Double(score)
}

// numkeysFirst are the commands whose keys all follow a count: Redis gives
// them no first key (their keynum key specs say where the keys are).
var numkeysFirst = map[string]bool{"zunion": true, "zinter": true, "zdiff": true, "zintercard": true, "zmpop": true, "bzmpop": true}

func zsetCommands() []*Spec {
	specs := []*Spec{
		{Name: "zadd", Arity: -4, Flags: Write | DenyOOM | Fast, Summary: "Add one or more members to a sorted set, or update its score if it already exists", Since: "1.2.0", Handler: zadd},
		{Name: "zincrby", Arity: 4, Flags: Write | DenyOOM | Fast, Summary: "Increment the score of a member in a sorted set", Since: "1.2.0", Handler: zincrby},
		{Name: "zrem", Arity: -3, Flags: Write | Fast, Summary: "Remove one or more members from a sorted set", Since: "1.2.0", Handler: zrem},
		{Name: "zscore", Arity: 3, Flags: ReadOnly | Fast, Summary: "Get the score associated with the given member in a sorted set", Since: "1.2.0", Handler: zscore},
		{Name: "zmscore", Arity: -3, Flags: ReadOnly | Fast, Summary: "Get the score associated with the given members in a sorted set", Since: "6.2.0", Handler: zmscore},
		{Name: "zcard", Arity: 2, Flags: ReadOnly | Fast, Summary: "Get the number of members in a sorted set", Since: "1.2.0", Handler: zcard},
		{Name: "zrank", Arity: 3, Flags: ReadOnly | Fast, Summary: "Determine the index of a member in a sorted set", Since: "2.0.0", Handler: zrank},
		{Name: "zrevrank", Arity: 3, Flags: ReadOnly | Fast, Summary: "Determine the index of a member in a sorted set, with scores ordered from high to low", Since: "2.0.0", Handler: zrevrank},
		{Name: "zpopmin", Arity: -2, Flags: Write | Fast, Summary: "Remove and return members with the lowest scores in a sorted set", Since: "5.0.0", Handler: zpopmin},
		{Name: "zpopmax", Arity: -2, Flags: Write | Fast, Summary: "Remove and return members with the highest scores in a sorted set", Since: "5.0.0", Handler: zpopmax},
		{Name: "zrandmember", Arity: -2, Flags: ReadOnly, Summary: "Get one or multiple random elements from a sorted set", Since: "6.2.0", Handler: zrandmember},
		{Name: "zscan", Arity: -3, Flags: ReadOnly, Summary: "Incrementally iterate sorted sets elements and associated scores", Since: "2.8.0", Handler: zscan},
		// The blocking pops (zset_block.go).
		{Name: "bzpopmin", Arity: -3, Flags: Write | NoScript | Blocking | Fast, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", Since: "5.0.0", Handler: bzpopmin},
		{Name: "bzpopmax", Arity: -3, Flags: Write | NoScript | Blocking | Fast, FirstKey: 1, LastKey: -2, Step: 1, Summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", Since: "5.0.0", Handler: bzpopmax},
		{Name: "bzmpop", Arity: -5, Flags: Write | Blocking, Summary: "Remove and return members with scores in a sorted set or block until one is available", Since: "7.0.0", Handler: bzmpop},
	}
	specs = append(specs, zsetRangeCommands()...)
	specs = append(specs, zsetStoreCommands()...)
	for _, s := range specs {
		s.Group = "sorted-set"
		if s.FirstKey == 0 && !numkeysFirst[s.Name] {
			s.FirstKey, s.LastKey, s.Step = 1, 1, 1
		}
	}
	return specs
}
