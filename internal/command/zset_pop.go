package command

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/types/zset"
)

// ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN.

// popArgs is a parsed pop: where from and how many. count is -1 when not
// given (one member, and a flat reply even in RESP3).
type popArgs struct {
	keys  [][]byte
	max   bool
	count int64
}

func zpopmin(c *Ctx) { zpopMinMax(c, false) }

func zpopmax(c *Ctx) { zpopMinMax(c, true) }

func zpopMinMax(c *Ctx, max bool) {
	if len(c.Args) > 3 {
		c.Error(errSyntax)
		return
	}
	a := popArgs{keys: c.Args[1:2], max: max, count: -1}
	if len(c.Args) == 3 {
		n, ok := parseInt(c.Args[2])
		if !ok || n < 0 {
			c.Error("ERR value is out of range, must be positive")
			return
		}
		a.count = n
	}
	zpopGeneric(c, a, false)
}

// zpopGeneric pops from the first of a.keys holding a sorted set, as
// Redis's genericZpopCommand: ZMPOP (withKey) names the key and nests the
// pairs, ZPOPMIN/MAX nest them only under RESP3 with a count.
func zpopGeneric(c *Ctx, a popArgs, withKey bool) {
	v := c.Txn.LockKeys(c.DB(), a.keys)
	defer c.Txn.Unlock()
	var key []byte
	var e *engine.Entry
	for _, k := range a.keys {
		if e = v.Lookup(k); e != nil {
			key = k
			break
		}
	}
	z, ok := checkZSet(c, e)
	switch {
	case !ok:
		return
	case z == nil && withKey:
		c.W.NullArray()
		return
	case z == nil || a.count == 0:
		c.W.Array(0)
		return
	}
	n := int(min(max(a.count, 1), int64(z.Len())))
	nested := withKey || (c.W.Proto >= 3 && a.count != -1)
	writePopHeader(c, key, n, nested, withKey)
	popNotifying(c, v, key, e, z, n, a.max, nested)
}

// popNotifying pops n members of z, replying with them after the reply's
// header the caller wrote, and publishes the events where Redis does:
// the pop's between the header and the members, "del" after them.
func popNotifying(c *Ctx, v engine.View, key []byte, e *engine.Entry, z *zset.ZSet, n int, max, nested bool) {
	c.notify(notifyZset, zpopEvent(max), key)
	popMembers(c, z, n, max, nested)
	zsetChanged(v, key, e, z, true)
	if z.Len() == 0 {
		c.notifyDel(key)
	}
}

func writePopHeader(c *Ctx, key []byte, n int, nested, withKey bool) {
	switch {
	case withKey:
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(n)
	case nested:
		c.W.Array(n)
	default:
		c.W.Array(2 * n)
	}
}

// popMembers replies with the n lowest (or highest) members, then removes
// them.
func popMembers(c *Ctx, z *zset.ZSet, n int, max, nested bool) {
	emit := func(m []byte, s float64) bool {
		writeScored(c, m, s, nested)
		n--
		return n > 0
	}
	count := n
	if max {
		z.Descend(z.Len()-1, emit)
		z.RemoveRange(z.Len()-count, z.Len()-1)
		return
	}
	z.Ascend(0, emit)
	z.RemoveRange(0, count-1)
}

// zmpop is ZMPOP numkeys key [key ...] MIN|MAX [COUNT count].
func zmpop(c *Ctx) {
	a, ok := parseZMPop(c, c.Args[1:])
	if ok {
		zpopGeneric(c, a, true)
	}
}

func parseZMPop(c *Ctx, args [][]byte) (popArgs, bool) {
	a := popArgs{count: -1}
	numkeys, ok := parseInt(args[0])
	if !ok || numkeys < 1 {
		c.Error("ERR numkeys should be greater than 0")
		return a, false
	}
	if numkeys >= int64(len(args)-1) {
		c.Error(errSyntax)
		return a, false
	}
	a.keys = args[1 : 1+numkeys]
	rest := args[1+numkeys:]
	switch {
	case is(rest[0], "min"):
	case is(rest[0], "max"):
		a.max = true
	default:
		c.Error(errSyntax)
		return a, false
	}
	for i := 1; i < len(rest); i++ {
		if a.count != -1 || !is(rest[i], "count") || i+1 >= len(rest) {
			c.Error(errSyntax)
			return a, false
		}
		i++
		n, ok := parseInt(rest[i])
		if !ok || n < 1 {
			c.Error("ERR count should be greater than 0")
			return a, false
		}
		a.count = n
	}
	if a.count == -1 {
		a.count = 1
	}
	return a, true
}

// zrandmember is ZRANDMEMBER key [count [WITHSCORES]].
func zrandmember(c *Ctx) {
	if len(c.Args) == 2 {
		zrandmemberOne(c)
		return
	}
	count, ok := parseInt(c.Args[2])
	if !ok {
		c.Error(errNotInteger)
		return
	}
	if count == math.MinInt64 {
		c.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return
	}
	withScores := len(c.Args) == 4
	if len(c.Args) > 4 || (withScores && !is(c.Args[3], "withscores")) {
		c.Error(errSyntax)
		return
	}
	if withScores && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		c.Error("ERR value is out of range")
		return
	}
	zrandmemberCount(c, count, withScores)
}

func zrandmemberOne(c *Ctx) {
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
	m, _ := z.NewSampler().Random()
	c.W.Bulk(m)
}

// zrandmemberCount replies with count distinct members, or with -count
// members picked independently when count is negative, as Redis's
// zrandmemberWithCountCommand.
func zrandmemberCount(c *Ctx, count int64, withScores bool) {
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	if z == nil || count == 0 {
		c.W.Array(0)
		return
	}
	nested := withScores && c.W.Proto >= 3
	s := z.NewSampler()
	switch {
	case count < 0 || count == 1:
		n := int(min(abs64(count), math.MaxInt32))
		writeRandomHeader(c, n, withScores)
		for range n {
			m, sc := s.Random()
			writeRandom(c, m, sc, withScores, nested)
		}
	case count >= int64(z.Len()):
		// The whole set, highest first: Redis's iterator over a sorted
		// set walks it backwards.
		writeRandomHeader(c, z.Len(), withScores)
		z.Descend(z.Len()-1, func(m []byte, sc float64) bool {
			writeRandom(c, m, sc, withScores, nested)
			return true
		})
	default:
		writeRandomHeader(c, int(count), withScores)
		for _, r := range sampleRanks(z, int(count)) {
			m, sc := s.At(r)
			writeRandom(c, m, sc, withScores, nested)
		}
	}
}

// sampleRanks picks n distinct ranks. Like Redis, a compact set gives
// them in order (its listpack walk), a large one in random order.
func sampleRanks(z *zset.ZSet, n int) []int {
	size := z.Len()
	var ranks []int
	if n*3 > size {
		ranks = rand.Perm(size)[:n]
	} else {
		seen := make(map[int]struct{}, n)
		for len(ranks) < n {
			r := rand.IntN(size)
			if _, dup := seen[r]; !dup {
				seen[r] = struct{}{}
				ranks = append(ranks, r)
			}
		}
	}
	if z.Encoding() == "listpack" {
		slices.Sort(ranks)
	}
	return ranks
}

func writeRandomHeader(c *Ctx, n int, withScores bool) {
	if withScores && c.W.Proto < 3 {
		n *= 2
	}
	c.W.Array(n)
}

func writeRandom(c *Ctx, m []byte, score float64, withScores, nested bool) {
	if !withScores {
		c.W.Bulk(m)
		return
	}
	writeScored(c, m, score, nested)
}

// zscanArgs is a parsed ZSCAN.
type zscanArgs struct {
	cursor  uint64
	count   int
	pattern []byte // nil: no MATCH, or MATCH *
}

// zscan is ZSCAN key cursor [MATCH pattern] [COUNT count]. Redis checks
// the cursor, then the key, then the options.
func zscan(c *Ctx) {
	var a zscanArgs
	cursor, ok := parseCursor(c.Args[2])
	if !ok {
		c.Error(errInvalidCursor)
		return
	}
	a.cursor = cursor
	v := c.Txn.LockKey(c.DB(), c.Args[1])
	defer c.Txn.Unlock()
	z, ok := readZSet(c, v, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Array(2)
		c.W.BulkString("0")
		c.W.Array(0)
		return
	}
	opts, ok := parseElementScan(c, c.Args[3:])
	if !ok {
		return
	}
	a.count, a.pattern = int(min(opts.count, math.MaxInt32)), opts.pattern
	replyZScan(c, z, a)
}

func replyZScan(c *Ctx, z *zset.ZSet, a zscanArgs) {
	var out [][]byte
	next := z.Scan(a.cursor, a.count, func(m []byte, s float64, intScore bool) {
		if a.pattern != nil && !matchGlob(a.pattern, m, false) {
			return
		}
		var score []byte
		if intScore {
			score = strconv.AppendInt(nil, int64(s), 10)
		} else {
			score = zset.FormatScore(nil, s)
		}
		out = append(out, m, score)
	})
	c.W.Array(2)
	c.W.Bulk(strconv.AppendUint(nil, next, 10))
	c.W.Array(len(out))
	for _, b := range out {
		c.W.Bulk(b)
	}
}
