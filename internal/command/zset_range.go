package command

import (
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// The range commands: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT,
// ZLEXCOUNT and ZREMRANGEBY*. A range by rank, score or member becomes an
// interval of ranks (zset.ZSet finds a range's ends in O(log n)), which
// is then walked up or down.

type rangeKind uint8

const (
	byAuto rangeKind = iota // ZRANGE: by rank unless BYSCORE or BYLEX
	byRank
	byScore
	byLex
)

type rangeDir uint8

const (
	dirAuto rangeDir = iota // ZRANGE: forward unless REV
	dirForward
	dirReverse
)

const (
	errScoreRange = "ERR min or max is not a float"
	errLexRange   = "ERR min or max not valid string range item"
)

// zrangeArgs is a parsed range command.
type zrangeArgs struct {
	kind          rangeKind
	rev           bool
	withScores    bool
	offset, limit int64 // limit -1: no LIMIT
	start, end    int64 // byRank
	score         zset.ScoreRange
	lex           zset.LexRange
}

// parseZRange reads "min max [options]" as Redis's zrangeGenericCommand:
// the options first, then their conflicts, then the range itself. A
// command that fixes the kind or the direction refuses the option that
// would set it; STORE refuses WITHSCORES.
// parseLimit reads LIMIT's offset and count, replying Redis's error for
// one that is not an integer.
func parseLimit(c *Ctx, offset, count []byte) (int64, int64, bool) {
	off, ok := parseInt(offset)
	n, ok2 := parseInt(count)
	if !ok || !ok2 {
		c.Error(errNotInteger)
		return 0, 0, false
	}
	return off, n, true
}

func parseZRange(c *Ctx, args [][]byte, store bool, kind rangeKind, dir rangeDir) (zrangeArgs, bool) {
	a := zrangeArgs{limit: -1}
	for i := 2; i < len(args); i++ {
		switch {
		case !store && is(args[i], "withscores"):
			a.withScores = true
		case is(args[i], "limit") && i+2 < len(args):
			var ok bool
			if a.offset, a.limit, ok = parseLimit(c, args[i+1], args[i+2]); !ok {
				return a, false
			}
			i += 2
		case dir == dirAuto && is(args[i], "rev"):
			dir = dirReverse
		case kind == byAuto && is(args[i], "bylex"):
			kind = byLex
		case kind == byAuto && is(args[i], "byscore"):
			kind = byScore
		default:
			c.Error(errSyntax)
			return a, false
		}
	}
	a.kind, a.rev = max(kind, byRank), dir == dirReverse
	if msg := a.conflict(); msg != "" {
		c.Error(msg)
		return a, false
	}
	return a, a.parseBounds(c, args[0], args[1])
}

func (a *zrangeArgs) conflict() string {
	switch {
	case a.limit != -1 && a.kind == byRank:
		return "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	case a.withScores && a.kind == byLex:
		return "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	}
	return ""
}

// parseBounds reads the range; reversed score and lex ranges are given
// as max, min.
func (a *zrangeArgs) parseBounds(c *Ctx, min, max []byte) bool {
	if a.rev && a.kind != byRank {
		min, max = max, min
	}
	var ok bool
	switch a.kind {
	case byRank:
		if a.start, ok = parseInt(min); ok {
			a.end, ok = parseInt(max)
		}
		if !ok {
			c.Error(errNotInteger)
		}
	case byScore:
		if a.score, ok = zset.ParseScoreRange(min, max); !ok {
			c.Error(errScoreRange)
		}
	case byLex:
		if a.lex, ok = zset.ParseLexRange(min, max); !ok {
			c.Error(errLexRange)
		}
	}
	return ok
}

// ranks returns the interval of ranks, lo to hi ascending, that the
// range selects in z; lo > hi when it is empty.
func (a *zrangeArgs) ranks(z *zset.ZSet) (lo, hi int) {
	if a.kind == byRank {
		return rankInterval(a.start, a.end, z.Len(), a.rev)
	}
	if a.offset < 0 || a.offset >= int64(z.Len()) {
		return 0, -1
	}
	if a.kind == byLex {
		return a.lexRanks(z)
	}
	first, last := z.ScoreStart(a.score), z.ScoreEnd(a.score)
	off := int(a.offset)
	if a.rev {
		last -= off
	} else {
		first += off
	}
	if a.limit >= 0 && a.limit < int64(last-first+1) {
		n := int(a.limit)
		if a.rev {
			first = last - n + 1
		} else {
			last = first + n - 1
		}
	}
	return first, last
}

// lexRanks is ranks for a lexicographical range, found as Redis walks
// it: from the first (or last) member in range, past the offset, then on
// while members stay within the range's other end.
func (a *zrangeArgs) lexRanks(z *zset.ZSet) (lo, hi int) {
	off := int(a.offset)
	if !a.rev {
		first := z.LexFirst(a.lex)
		if first < 0 || first+off >= z.Len() {
			return 0, -1
		}
		lo = first + off
		return lo, lo + a.limited(z.LexRunUp(lo, a.lex)) - 1
	}
	last := z.LexLast(a.lex)
	if last < 0 || last-off < 0 {
		return 0, -1
	}
	hi = last - off
	return hi - a.limited(z.LexRunDown(hi, a.lex)) + 1, hi
}

// limited caps a count at LIMIT's.
func (a *zrangeArgs) limited(n int) int {
	if a.limit >= 0 && a.limit < int64(n) {
		return int(a.limit)
	}
	return n
}

// rankInterval turns start and end indexes (negative from the end) into
// ranks as Redis sanitizes them; reversed, they count from the highest.
func rankInterval(start, end int64, n int, rev bool) (lo, hi int) {
	size := int64(n)
	if start < 0 {
		start += size
	}
	if end < 0 {
		end += size
	}
	start = max(start, 0)
	if start > end || start >= size {
		return 0, -1
	}
	end = min(end, size-1)
	if rev {
		return n - 1 - int(end), n - 1 - int(start)
	}
	return int(start), int(end)
}

// walkRange calls fn for the members of ranks lo..hi, in the range's
// order.
func walkRange(z *zset.ZSet, lo, hi int, rev bool, fn func(m []byte, s float64)) {
	n := hi - lo + 1
	visit := func(m []byte, s float64) bool {
		fn(m, s)
		n--
		return n > 0
	}
	if n <= 0 {
		return
	}
	if rev {
		z.Descend(hi, visit)
	} else {
		z.Ascend(lo, visit)
	}
}

func zrange(c *Ctx)           { zrangeGeneric(c, byAuto, dirAuto) }
func zrevrange(c *Ctx)        { zrangeGeneric(c, byRank, dirReverse) }
func zrangebyscore(c *Ctx)    { zrangeGeneric(c, byScore, dirForward) }
func zrevrangebyscore(c *Ctx) { zrangeGeneric(c, byScore, dirReverse) }
func zrangebylex(c *Ctx)      { zrangeGeneric(c, byLex, dirForward) }
func zrevrangebylex(c *Ctx)   { zrangeGeneric(c, byLex, dirReverse) }

func zrangeGeneric(c *Ctx, kind rangeKind, dir rangeDir) {
	a, ok := parseZRange(c, c.Args[2:], false, kind, dir)
	if !ok {
		return
	}
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Array(0)
		return
	}
	lo, hi := a.ranks(z)
	n := max(hi-lo+1, 0)
	nested := a.withScores && c.W.Proto >= 3
	if a.withScores && !nested {
		c.W.Array(2 * n)
	} else {
		c.W.Array(n)
	}
	walkRange(z, lo, hi, a.rev, func(m []byte, s float64) {
		if a.withScores {
			writeScored(c, m, s, nested)
		} else {
			c.W.Bulk(m)
		}
	})
}

// zrangestore is ZRANGESTORE dst src min max [options]: the range, stored.
func zrangestore(c *Ctx) {
	a, ok := parseZRange(c, c.Args[3:], true, byAuto, dirAuto)
	if !ok {
		return
	}
	dst, src := c.Args[1], c.Args[2]
	v := c.Txn.LockKeys(c.DB(), c.Args[1:3])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, src)
	if !ok {
		return
	}
	var items []zset.Item
	if z != nil {
		lo, hi := a.ranks(z)
		walkRange(z, lo, hi, a.rev, func(m []byte, s float64) {
			items = append(items, zset.Item{Member: string(m), Score: s})
		})
	}
	unsignListpackZeros(items, a.kind == byRank, zsetLimits(c))
	storeZSet(c, v, dst, items)
}

// unsignListpackZeros turns the scores of -0 into 0 where Redis's
// ZRANGESTORE loses the sign. Redis adds the range to the destination one
// member at a time, in the order read; the destination starts as a
// listpack (but for a range by rank longer than zset-max-listpack-entries)
// and turns into a skiplist at the first member that does not fit. A
// listpack stores a score of -0 as the integer 0, so the members added
// before that point come out with 0, those after with -0.
func unsignListpackZeros(items []zset.Item, byRank bool, lim zset.Limits) {
	if byRank && len(items) > lim.MaxEntries {
		return
	}
	for i := range items {
		if i+1 > lim.MaxEntries || len(items[i].Member) > lim.MaxValue {
			return
		}
		if items[i].Score == 0 {
			items[i].Score = 0 // -0 == 0: this clears the sign
		}
	}
}

// storeZSet makes dst a sorted set of items, or deletes it when there are
// none, and replies with the count, as the STORE commands do.
func storeZSet(c *Ctx, v engine.View, dst []byte, items []zset.Item) {
	if len(items) == 0 {
		if v.Delete(dst) {
			c.notifyDel(dst)
		}
		c.W.Int(0)
		return
	}
	v.Put(dst, newZSetEntry(zset.Build(items, zsetLimits(c))), 0)
	c.notify(notifyZset, c.Spec().Name, dst) // the event is the command's name
	c.W.Int(int64(len(items)))
}

func zcount(c *Ctx) {
	r, ok := zset.ParseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errScoreRange)
		return
	}
	zcountGeneric(c, func(z *zset.ZSet) (int, int) { return z.ScoreStart(r), z.ScoreEnd(r) })
}

func zlexcount(c *Ctx) {
	r, ok := zset.ParseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errLexRange)
		return
	}
	zcountGeneric(c, func(z *zset.ZSet) (int, int) { return lexWalk(z, r) })
}

// lexWalk returns the ranks ZLEXCOUNT and ZREMRANGEBYLEX cover: from the
// first member in range on while members stay within its end.
func lexWalk(z *zset.ZSet, r zset.LexRange) (lo, hi int) {
	first := z.LexFirst(r)
	if first < 0 {
		return 0, -1
	}
	return first, first + z.LexRunUp(first, r) - 1
}

func zcountGeneric(c *Ctx, ends func(*zset.ZSet) (int, int)) {
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
	lo, hi := ends(z)
	c.W.Int(int64(max(hi-lo+1, 0)))
}

func zremrangebyrank(c *Ctx) {
	start, ok1 := parseInt(c.Args[2])
	end, ok2 := parseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Error(errNotInteger)
		return
	}
	zremrangeGeneric(c, func(z *zset.ZSet) (int, int) { return rankInterval(start, end, z.Len(), false) })
}

func zremrangebyscore(c *Ctx) {
	r, ok := zset.ParseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errScoreRange)
		return
	}
	zremrangeGeneric(c, func(z *zset.ZSet) (int, int) { return z.ScoreStart(r), z.ScoreEnd(r) })
}

func zremrangebylex(c *Ctx) {
	r, ok := zset.ParseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errLexRange)
		return
	}
	zremrangeGeneric(c, func(z *zset.ZSet) (int, int) { return lexWalk(z, r) })
}

func zremrangeGeneric(c *Ctx, ends func(*zset.ZSet) (int, int)) {
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
	lo, hi := ends(z)
	n := z.RemoveRange(lo, hi)
	zsetChanged(v, key, e, z, n > 0)
	if n > 0 {
		c.notifyLeft(notifyZset, c.Spec().Name, key, z.Len()) // the event is the command's name
	}
	c.W.Int(int64(n))
}

func zsetRangeCommands() []*Spec {
	return []*Spec{
		{Name: "zrange", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set", Since: "1.2.0", Handler: zrange},
		{Name: "zrangestore", Arity: -5, Flags: Write | DenyOOM, FirstKey: 1, LastKey: 2, Step: 1, Summary: "Store a range of members from sorted set into another key", Since: "6.2.0", Handler: zrangestore},
		{Name: "zrevrange", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low", Since: "1.2.0", Handler: zrevrange},
		{Name: "zrangebyscore", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set, by score", Since: "1.0.5", Handler: zrangebyscore},
		{Name: "zrevrangebyscore", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low", Since: "2.2.0", Handler: zrevrangebyscore},
		{Name: "zrangebylex", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set, by lexicographical range", Since: "2.8.9", Handler: zrangebylex},
		{Name: "zrevrangebylex", Arity: -4, Flags: ReadOnly, Summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", Since: "2.8.9", Handler: zrevrangebylex},
		{Name: "zcount", Arity: 4, Flags: ReadOnly | Fast, Summary: "Count the members in a sorted set with scores within the given values", Since: "2.0.0", Handler: zcount},
		{Name: "zlexcount", Arity: 4, Flags: ReadOnly | Fast, Summary: "Count the number of members in a sorted set between a given lexicographical range", Since: "2.8.9", Handler: zlexcount},
		{Name: "zremrangebyrank", Arity: 4, Flags: Write, Summary: "Remove all members in a sorted set within the given indexes", Since: "2.0.0", Handler: zremrangebyrank},
		{Name: "zremrangebyscore", Arity: 4, Flags: Write, Summary: "Remove all members in a sorted set within the given scores", Since: "1.2.0", Handler: zremrangebyscore},
		{Name: "zremrangebylex", Arity: 4, Flags: Write, Summary: "Remove all members in a sorted set between the given lexicographical range", Since: "2.8.9", Handler: zremrangebylex},
	}
}
