package compat

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestRandomLists runs seeded random sequences of list commands, with the
// key and string commands that meet lists, on both servers.
func TestRandomLists(t *testing.T) { randomRun(t, randomListGens) }

// TestRandomZsets does the same for sorted sets.
func TestRandomZsets(t *testing.T) { randomRun(t, randomZsetGens) }

// lzKeyNames is a keyspace smaller than keyNames, so that pushes, pops,
// moves and set operations keep meeting each other's keys; the empty key
// and a binary one are in it.
var lzKeyNames = []string{"k0", "k1", "k2", "k3", "k0", "k1", "{k}a", "", "k\x00\xff"}

func (g *generator) lzKey() string { return lzKeyNames[g.rnd.IntN(len(lzKeyNames))] }

func (g *generator) lzKeys(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.lzKey()
	}
	return out
}

// lzIndex is an index or a rank: mostly within a few elements of either
// end, sometimes at the ends of int64 or not an integer.
func (g *generator) lzIndex() string {
	if g.chance(8) {
		return g.pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "x", "1.5", "", "+1", "-0", "01")
	}
	return strconv.Itoa(g.rnd.IntN(25) - 12)
}

// lzCount is a COUNT or LIMIT argument: small, zero, negative or wrong.
func (g *generator) lzCount() string {
	if g.chance(15) {
		return g.pick("-1", "-5", "x", "1.5", "9223372036854775807", "-9223372036854775808", "100000", "")
	}
	return strconv.Itoa(g.rnd.IntN(6))
}

// timeout is a blocking command's timeout that Redis 7.0 takes: used only
// where a key is sure to be non-empty, so nothing blocks.
func (g *generator) timeout() string {
	return g.pick("0", "0.1", "1", "10", "0.0", "1e1", ".5", "3")
}

// badTimeout is a timeout Redis 7.0 refuses before it looks at the keys
// (checked with redis-cli): "inf" and the huge ones overflow to "timeout is
// negative".
func (g *generator) badTimeout() string {
	return g.pick("-1", "x", "", "nan", "inf", "1e400", "9223372036854775807", " 1", "1 ")
}

// elem is a list element: a few short values so commands find what others
// pushed, and integers that a listpack stores as such (of each integer
// width), floats, binary, the empty string and strings long enough to fill
// an 8 KB quicklist node or pass zset-max-listpack-value.
func (g *generator) elem() string {
	if g.chance(60) {
		return g.pick("a", "b", "c", "1", "2", "-3", "0", "01", "100000")
	}
	switch g.rnd.IntN(6) {
	case 0:
		return g.pick("", "-0", "+1", " 1", "1.5", "-1.5", "1e3", "inf", "-inf", "nan", "\x00\xff", "x\x00y", "A")
	case 1:
		return g.pick("127", "-128", "4095", "-4096", "4096", "32767", "-32769", "8388607", "-8388609", "2147483648",
			"9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551616")
	case 2:
		return strings.Repeat(g.pick("x", "yz"), 30+g.rnd.IntN(50))
	case 3:
		if g.chance(30) {
			return strings.Repeat(g.pick("p", "q"), g.pick2(3000, 9000))
		}
	}
	return g.text(1 + g.rnd.IntN(6))
}

// pick2 returns a or b.
func (g *generator) pick2(a, b int) int {
	if g.chance(50) {
		return a
	}
	return b
}

func (g *generator) elems(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.elem()
	}
	return out
}

func (g *generator) side() string {
	if g.chance(4) {
		return g.word(g.pick("UP", "MIDDLE", ""))
	}
	return g.word(g.pick("LEFT", "RIGHT"))
}

// lzCommon are the key and string commands both families meet: deletes,
// renames and copies between list, sorted set and string keys, TTLs long enough
// not to end in a run, encodings, DUMP byte for byte, and string writes
// for WRONGTYPE.
var lzCommon = []weighted{
	{"del", 2, func(g *generator) []string { return cmdv("DEL", g.lzKeys(1, 2)) }},
	{"exists", 1, func(g *generator) []string { return cmdv("EXISTS", g.lzKeys(1, 3)) }},
	{"type", 1, func(g *generator) []string { return cmd("TYPE", g.lzKey()) }},
	{"expire", 1, func(g *generator) []string {
		return cmdv("EXPIRE", []string{g.lzKey(), g.ttl(false)}, g.options(15, g.words("NX"), g.words("XX"), g.words("GT"))...)
	}},
	{"ttl", 1, func(g *generator) []string { return cmd("TTL", g.lzKey()) }},
	{"persist", 1, func(g *generator) []string { return cmd("PERSIST", g.lzKey()) }},
	{"rename", 1, func(g *generator) []string { return cmd("RENAME", g.lzKey(), g.lzKey()) }},
	{"renamenx", 1, func(g *generator) []string { return cmd("RENAMENX", g.lzKey(), g.lzKey()) }},
	{"copy", 1, func(g *generator) []string {
		return cmdv("COPY", []string{g.lzKey(), g.lzKey()}, g.options(40, g.words("REPLACE"))...)
	}},
	{"object|encoding", 2, func(g *generator) []string { return cmd("OBJECT", g.word("ENCODING"), g.lzKey()) }},
	{"dump", 1, func(g *generator) []string { return cmd("DUMP", g.lzKey()) }},
	{"restore", 1, func(g *generator) []string {
		if len(g.payloads) == 0 {
			return cmd("RESTORE", g.lzKey(), "0", "garbage")
		}
		return cmdv("RESTORE", []string{g.lzKey(), "0", g.payloads[g.rnd.IntN(len(g.payloads))]}, g.options(50, g.words("REPLACE"))...)
	}},
	{"set", 1, func(g *generator) []string { return cmd("SET", g.lzKey(), g.elem()) }},
	{"append", 1, func(g *generator) []string { return cmd("APPEND", g.lzKey(), g.elem()) }},
	{"incr", 1, func(g *generator) []string { return cmd("INCR", g.lzKey()) }},
}

// genLzSort sorts a list or sorted set: by value (which fails when an
// element is not a number), ALPHA, with LIMIT, DESC, and BY nosort, and
// with STORE for SORT.
//
// Without numeric, every SORT is ALPHA or does not sort: Redis 7.0 reads
// a numeric weight with strtod but does not clear errno first, so once
// some earlier command left errno at ERANGE (a ZADD of 1e400 does), a
// SORT of elements that are not integers fails with "One or more scores
// can't be converted into double" until something else sets errno. No
// server can match a hidden errno, so TestRandomZsets, which parses
// out-of-range floats all the time, sorts only ALPHA; the list family
// parses no floats.
func genLzSort(name string, numeric bool) func(g *generator) []string {
	return func(g *generator) []string {
		// BY a pattern of missing keys ties every element; with ALPHA the
		// ties stay in the order read, which for a skiplist-encoded set is
		// its hash table's, each server's own. Without ALPHA, ties are
		// broken by the elements.
		by := []string{g.word("BY"), g.pick("nosort", "w_*", "k0")}
		alpha := !numeric || g.chance(30)
		if alpha && by[1] == "w_*" {
			by[1] = "nosort"
		}
		opts := g.options(30, g.words("DESC"), []string{g.word("LIMIT"), g.lzCount(), g.lzCount()}, by)
		if alpha {
			// First, where next's dropping of the last argument
			// cannot take it.
			if !numeric && len(opts) == 0 {
				// Unless it is the only option: then an ASC after
				// it is what a dropped argument takes, as a
				// SORT without ALPHA is what TestRandomZsets
				// cannot compare (above).
				opts = g.words("ASC")
			}
			opts = append([]string{g.word("ALPHA")}, opts...)
		}
		if name == "SORT" && g.chance(20) {
			opts = append(opts, g.word("STORE"), g.lzKey())
		}
		return cmdv(name, []string{g.lzKey()}, opts...)
	}
}

// lzConfig changes the encoding limits of both families now and then, so
// that encodings convert in both directions, and how deep inside a list
// nodes are compressed.
func lzConfig(g *generator) []string {
	switch g.rnd.IntN(4) {
	case 0:
		return cmd("CONFIG", g.word("SET"), "list-max-listpack-size", g.pick("-2", "-2", "-1", "-3", "-5", "1", "2", "3", "5", "128"))
	case 3:
		// The nodes a DUMP compresses.
		return cmd("CONFIG", g.word("SET"), "list-compress-depth", g.pick("0", "0", "1", "2"))
	case 1:
		return cmd("CONFIG", g.word("SET"), "zset-max-listpack-entries", g.pick("128", "128", "0", "1", "2", "4", "8"))
	}
	return cmd("CONFIG", g.word("SET"), "zset-max-listpack-value", g.pick("64", "64", "0", "1", "3", "8", "100"))
}

// randomListGens are TestRandomLists's commands.
var randomListGens = append([]weighted{
	{"lpush", 8, func(g *generator) []string { return cmdv("LPUSH", []string{g.lzKey()}, g.elems(1, 5)...) }},
	{"rpush", 8, func(g *generator) []string { return cmdv("RPUSH", []string{g.lzKey()}, g.elems(1, 5)...) }},
	{"lpushx", 2, func(g *generator) []string { return cmdv("LPUSHX", []string{g.lzKey()}, g.elems(1, 3)...) }},
	{"rpushx", 2, func(g *generator) []string { return cmdv("RPUSHX", []string{g.lzKey()}, g.elems(1, 3)...) }},
	{"lpop", 3, func(g *generator) []string {
		return cmdv("LPOP", []string{g.lzKey()}, g.options(50, []string{g.lzCount()})...)
	}},
	{"rpop", 3, func(g *generator) []string {
		return cmdv("RPOP", []string{g.lzKey()}, g.options(50, []string{g.lzCount()})...)
	}},
	{"llen", 2, func(g *generator) []string { return cmd("LLEN", g.lzKey()) }},
	{"lrange", 4, func(g *generator) []string { return cmd("LRANGE", g.lzKey(), g.lzIndex(), g.lzIndex()) }},
	{"lindex", 3, func(g *generator) []string { return cmd("LINDEX", g.lzKey(), g.lzIndex()) }},
	{"lset", 3, func(g *generator) []string { return cmd("LSET", g.lzKey(), g.lzIndex(), g.elem()) }},
	{"linsert", 3, func(g *generator) []string {
		where := g.word(g.pick("BEFORE", "AFTER", "BEFORE", "AFTER", "MIDDLE"))
		return cmd("LINSERT", g.lzKey(), where, g.elem(), g.elem())
	}},
	{"lrem", 3, func(g *generator) []string { return cmd("LREM", g.lzKey(), g.lzIndex(), g.elem()) }},
	{"ltrim", 2, func(g *generator) []string { return cmd("LTRIM", g.lzKey(), g.lzIndex(), g.lzIndex()) }},
	{"lpos", 4, genLzPos},
	{"lmove", 3, func(g *generator) []string { return cmd("LMOVE", g.lzKey(), g.lzKey(), g.side(), g.side()) }},
	{"rpoplpush", 2, func(g *generator) []string { return cmd("RPOPLPUSH", g.lzKey(), g.lzKey()) }},
	{"lmpop", 3, func(g *generator) []string { return genLzMPop(g, "LMPOP", nil) }},
	{"blpop", 2, genBPop("BLPOP", (*generator).pushFirst)},
	{"brpop", 2, genBPop("BRPOP", (*generator).pushFirst)},
	{"brpoplpush", 1, genBMove("BRPOPLPUSH")},
	{"blmove", 1, genBMove("BLMOVE")},
	{"blmpop", 2, genBLMPop},
	{"config|set", 1, lzConfig},
	{"sort", 1, genLzSort("SORT", true)},
	{"sort_ro", 1, genLzSort("SORT_RO", true)},
}, lzCommon...)

func genLzPos(g *generator) []string {
	rank := []string{g.word("RANK"), g.pick("1", "2", "-1", "-2", "3", "0", "x", "-9223372036854775808", "9223372036854775807")}
	count := []string{g.word("COUNT"), g.pick("0", "1", "2", "3", "-1", "x")}
	maxlen := []string{g.word("MAXLEN"), g.pick("0", "1", "2", "5", "-1", "x")}
	opts := g.options(40, rank, count, maxlen)
	if g.chance(5) {
		opts = append(opts, g.word(g.pick("RANK", "COUNT", "FOO")))
	}
	return cmdv("LPOS", []string{g.lzKey(), g.elem()}, opts...)
}

// genLzMPop returns LMPOP's arguments (after timeout, for BLMPOP), with
// numkeys sometimes wrong. A key in must is put among the keys.
func genLzMPop(g *generator, name string, must []string) []string {
	keys := append(g.lzKeys(1, 3), must...)
	g.rnd.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	numkeys := strconv.Itoa(len(keys))
	if must == nil && g.chance(8) {
		numkeys = g.pick("0", "-1", "x", "9", "1")
	}
	args := cmdv(name, append([]string{numkeys}, keys...), g.side())
	if g.chance(50) {
		args = append(args, g.word("COUNT"), g.lzCount())
	}
	return args
}

// pushFirst returns a push onto key that generation goes on with (it may
// come out mangled) and queues the same push unmangled, so that key is a
// non-empty list afterwards or holds another type: a blocking command on it
// then answers at once.
func (g *generator) pushFirst(key string) []string {
	push := cmdv(g.pick("RPUSH", "LPUSH"), []string{key}, g.elems(1, 2)...)
	g.queue(push...)
	return slices.Clone(push)
}

// unmangled queues args to be sent as they are, and returns instead to be
// sent before them. next mangles what a generator returns, and one
// argument more or less can turn a blocking command's bad timeout into a
// key and the value after it into a good timeout, or drop the COUNT or
// WITHSCORES that keeps a ZSCAN or ZRANDMEMBER reply determined.
func (g *generator) unmangled(args, instead []string) []string {
	g.queue(args...)
	return instead
}

// genBPop is a blocking pop (BLPOP, BRPOP, BZPOPMIN, BZPOPMAX) on keys
// one of which fill (pushFirst, zaddFirst) was just given an element, or
// a form that fails before it could block.
func genBPop(name string, fill func(g *generator, key string) []string) func(g *generator) []string {
	return func(g *generator) []string {
		if g.chance(15) {
			pop := cmd(name[1:], g.lzKey())
			if g.chance(30) {
				return g.unmangled(cmd(g.word(name), pop[1]), pop)
			}
			return g.unmangled(cmdv(g.word(name), g.lzKeys(1, 2), g.badTimeout()), pop)
		}
		sure := g.lzKey()
		first := fill(g, sure)
		keys := append(g.lzKeys(0, 2), sure)
		g.rnd.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		g.queue(cmdv(g.word(name), keys, g.timeout())...)
		return first
	}
}

// genBMove is BRPOPLPUSH or BLMOVE from a key just pushed to.
func genBMove(name string) func(g *generator) []string {
	return func(g *generator) []string {
		args := []string{g.lzKey(), g.lzKey()}
		if name == "BLMOVE" {
			args = append(args, g.side(), g.side())
		}
		if g.chance(15) {
			return g.unmangled(cmdv(g.word(name), args, g.badTimeout()), cmd("LLEN", args[0]))
		}
		first := g.pushFirst(args[0])
		g.queue(cmdv(g.word(name), args, g.timeout())...)
		return first
	}
}

func genBLMPop(g *generator) []string {
	if g.chance(15) {
		mpop := genLzMPop(g, "LMPOP", nil)
		return g.unmangled(cmdv(g.word("BLMPOP"), []string{g.badTimeout()}, mpop[1:]...), mpop)
	}
	sure := g.lzKey()
	first := g.pushFirst(sure)
	mpop := genLzMPop(g, "LMPOP", []string{sure})
	g.queue(cmdv(g.word("BLMPOP"), []string{g.timeout()}, mpop[1:]...)...)
	return first
}

// randomZsetGens are TestRandomZsets's commands.
var randomZsetGens = append([]weighted{
	{"zadd", 10, genLzZAdd},
	{"zincrby", 2, func(g *generator) []string { return cmd("ZINCRBY", g.lzKey(), g.zScore(), g.zMember()) }},
	{"zrem", 3, func(g *generator) []string { return cmdv("ZREM", []string{g.lzKey()}, g.zMembers(1, 3)...) }},
	{"zscore", 2, func(g *generator) []string { return cmd("ZSCORE", g.lzKey(), g.zMember()) }},
	{"zmscore", 2, func(g *generator) []string { return cmdv("ZMSCORE", []string{g.lzKey()}, g.zMembers(1, 3)...) }},
	{"zcard", 1, func(g *generator) []string { return cmd("ZCARD", g.lzKey()) }},
	{"zcount", 2, func(g *generator) []string { return cmd("ZCOUNT", g.lzKey(), g.zScoreBound(), g.zScoreBound()) }},
	{"zlexcount", 2, func(g *generator) []string { return cmd("ZLEXCOUNT", g.lexKey(), g.zLexBound(), g.zLexBound()) }},
	{"zrank", 2, func(g *generator) []string { return g.zRank("ZRANK") }},
	{"zrevrank", 1, func(g *generator) []string { return g.zRank("ZREVRANK") }},
	{"zrange", 8, func(g *generator) []string {
		src, args := g.zRangeArgs()
		return cmdv("ZRANGE", []string{src}, args...)
	}},
	{"zrangestore", 3, func(g *generator) []string {
		src, args := g.zRangeArgs()
		dst := g.lzKey()
		if isLexKey(src) && g.chance(50) {
			dst = g.lexKey()
		}
		return cmdv("ZRANGESTORE", []string{dst, src}, args...)
	}},
	{"zrangebyscore", 3, func(g *generator) []string { return g.zRangeBy("ZRANGEBYSCORE", g.anyZKey(), g.zScoreBound) }},
	{"zrevrangebyscore", 2, func(g *generator) []string {
		return g.zRangeBy("ZREVRANGEBYSCORE", g.anyZKey(), g.zScoreBound)
	}},
	{"zrangebylex", 2, func(g *generator) []string { return g.zRangeBy("ZRANGEBYLEX", g.lexKey(), g.zLexBound) }},
	{"zrevrangebylex", 2, func(g *generator) []string { return g.zRangeBy("ZREVRANGEBYLEX", g.lexKey(), g.zLexBound) }},
	{"zrevrange", 2, func(g *generator) []string {
		return cmdv("ZREVRANGE", []string{g.lzKey(), g.lzIndex(), g.lzIndex()}, g.options(40, g.words("WITHSCORES"))...)
	}},
	{"zremrangebyrank", 1, func(g *generator) []string { return cmd("ZREMRANGEBYRANK", g.lzKey(), g.lzIndex(), g.lzIndex()) }},
	{"zremrangebyscore", 1, func(g *generator) []string {
		return cmd("ZREMRANGEBYSCORE", g.lzKey(), g.zScoreBound(), g.zScoreBound())
	}},
	{"zremrangebylex", 1, func(g *generator) []string {
		return cmd("ZREMRANGEBYLEX", g.lexKey(), g.zLexBound(), g.zLexBound())
	}},
	{"zpopmin", 2, func(g *generator) []string {
		return cmdv("ZPOPMIN", []string{g.lzKey()}, g.options(50, []string{g.lzCount()})...)
	}},
	{"zpopmax", 2, func(g *generator) []string {
		return cmdv("ZPOPMAX", []string{g.lzKey()}, g.options(50, []string{g.lzCount()})...)
	}},
	{"zmpop", 2, func(g *generator) []string { return genLzZMPop(g, "ZMPOP", nil) }},
	{"bzpopmin", 1, genBPop("BZPOPMIN", (*generator).zaddFirst)},
	{"bzpopmax", 1, genBPop("BZPOPMAX", (*generator).zaddFirst)},
	{"bzmpop", 1, genBZMPop},
	{"zunion", 2, genLzZSetOp("ZUNION", false)},
	{"zinter", 2, genLzZSetOp("ZINTER", false)},
	{"zdiff", 2, genLzZSetOp("ZDIFF", false)},
	{"zunionstore", 2, genLzZSetOp("ZUNIONSTORE", true)},
	{"zinterstore", 2, genLzZSetOp("ZINTERSTORE", true)},
	{"zdiffstore", 1, genLzZSetOp("ZDIFFSTORE", true)},
	{"zintercard", 2, func(g *generator) []string {
		keys := g.lzKeys(1, 3)
		numkeys := strconv.Itoa(len(keys))
		if g.chance(8) {
			numkeys = g.pick("0", "-1", "x", "9", "1")
		}
		return cmdv("ZINTERCARD", append([]string{numkeys}, keys...), g.options(40, []string{g.word("LIMIT"), g.lzCount()})...)
	}},
	{"zscan", 2, genLzZScan},
	{"zrandmember", 2, genLzZRandMember},
	{"config|set", 1, lzConfig},
	{"rpush", 1, func(g *generator) []string { return cmdv("RPUSH", []string{g.lzKey()}, g.elems(1, 2)...) }},
	{"sort", 1, genLzSort("SORT", false)},
	{"sort_ro", 1, genLzSort("SORT_RO", false)},
}, append(lexGens, lzCommon...)...)

// zMember is a member: a few short names so commands meet the same
// members, integers and floats (a listpack stores integers as such), the
// empty string, binary, and members past zset-max-listpack-value. No
// member is another one's prefix up to a NUL byte: SORT ALPHA compares
// with strcoll, which stops there, and a tie keeps the order read, which
// for a skiplist-encoded set is its hash table's.
func (g *generator) zMember() string {
	if g.chance(70) {
		return g.pick("a", "b", "c", "d", "e", "1", "-1", "100")
	}
	switch g.rnd.IntN(3) {
	case 0:
		return g.pick("", "x\x00y", "\xff", "A", "aa", "ab", "q\x00", "9223372036854775808", "-9223372036854775808", "1.5", "-0", "01")
	case 1:
		return strings.Repeat(g.pick("m", "n"), g.pick2(65, 200))
	}
	return g.text(1 + g.rnd.IntN(4))
}

func (g *generator) zMembers(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.zMember()
	}
	return out
}

// zScore is a score: small ones with ties, the infinities, the extremes of
// a double and their spellings, or not a number.
func (g *generator) zScore() string {
	switch g.rnd.IntN(10) {
	case 0:
		return g.float()
	case 1:
		return g.pick("nan", "abc", "", " 1", "1 ", "0x10", "1e400", "-1e400", "1e-400", "+inf", "-INF", "Infinity", "1_0")
	case 2:
		return g.pick("1e20", "123456789012345678", "4.9e-324", "1.7976931348623157e308", "-1.7976931348623157e308",
			"0.1", "0.30000000000000004", "1e-7", "12345.678", "-2.5", "1e15", "1e17", "3.0", "+2", "-0.0")
	}
	return g.pick("0", "1", "2", "2", "3", "-1", "1.5", "inf", "-inf", "-0", "10")
}

// zValidScore is a score ZADD takes, for the ZADD that keeps a blocking pop
// from blocking.
func (g *generator) zValidScore() string {
	return g.pick("0", "1", "2", "-1", "1.5", "inf", "-inf", "1e20")
}

func (g *generator) zScoreBound() string {
	switch g.rnd.IntN(6) {
	case 0:
		return "(" + g.zScore()
	case 1:
		return g.pick("-inf", "+inf", "(-inf", "(+inf", "inf", "[1", "((1", "(", "", "abc", "nan", "(nan")
	}
	return g.zScore()
}

func (g *generator) zLexBound() string {
	switch g.rnd.IntN(6) {
	case 0:
		return g.pick("-", "+", "-", "+", "", "a", "1", "-a", "+a", "[", "(")
	case 1:
		return "(" + g.zMember()
	}
	return "[" + g.zMember()
}

// zRank is ZRANK or ZREVRANK, now and then with Redis 7.2's WITHSCORE,
// which 7.0 refuses.
func (g *generator) zRank(name string) []string {
	return cmdv(name, []string{g.lzKey(), g.zMember()}, g.options(10, g.words("WITHSCORE"))...)
}

// zRangeArgs returns the source key of a ZRANGE or ZRANGESTORE and the
// arguments after it: by rank, score or lex (a lex key's), with REV,
// LIMIT and WITHSCORES in random order, and sometimes a repeated or
// misplaced option.
func (g *generator) zRangeArgs() (string, []string) {
	var lo, hi string
	var opts []string
	key := g.anyZKey()
	switch g.rnd.IntN(3) {
	case 0:
		lo, hi = g.lzIndex(), g.lzIndex()
	case 1:
		lo, hi = g.zScoreBound(), g.zScoreBound()
		opts = append(opts, g.word("BYSCORE"))
	default:
		key = g.lexKey()
		lo, hi = g.zLexBound(), g.zLexBound()
		opts = append(opts, g.word("BYLEX"))
	}
	opts = append(opts, g.options(35, g.words("REV"), []string{g.word("LIMIT"), g.lzCount(), g.lzCount()}, g.words("WITHSCORES"))...)
	if g.chance(5) {
		opts = append(opts, g.word(g.pick("BYSCORE", "BYLEX", "REV", "LIMIT", "WITHSCORES", "FOO")))
	}
	return key, append([]string{lo, hi}, opts...)
}

func (g *generator) zRangeBy(name, key string, bound func() string) []string {
	opts := g.options(35, g.words("WITHSCORES"), []string{g.word("LIMIT"), g.lzCount(), g.lzCount()})
	return cmdv(name, []string{key, bound(), bound()}, opts...)
}

func genLzZAdd(g *generator) []string {
	args := cmd("ZADD", g.lzKey())
	args = append(args, g.options(20, g.words(g.pick("NX", "XX", "NX")), g.words(g.pick("GT", "LT")), g.words("CH"), g.words("INCR"))...)
	if g.chance(3) {
		args = append(args, g.words(g.pick("NX", "XX", "GT", "LT", "CH", "INCR"))...)
	}
	for range 1 + g.rnd.IntN(3) {
		args = append(args, g.zScore(), g.zMember())
	}
	return args
}

// genLzZMPop is ZMPOP's arguments (after timeout, for BZMPOP), as
// genLzMPop.
func genLzZMPop(g *generator, name string, must []string) []string {
	keys := append(g.lzKeys(1, 3), must...)
	g.rnd.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	numkeys := strconv.Itoa(len(keys))
	if must == nil && g.chance(8) {
		numkeys = g.pick("0", "-1", "x", "9", "1")
	}
	where := g.word(g.pick("MIN", "MAX"))
	if must == nil && g.chance(5) {
		where = g.word(g.pick("LEFT", "FOO", ""))
	}
	args := cmdv(name, append([]string{numkeys}, keys...), where)
	if g.chance(50) {
		args = append(args, g.word("COUNT"), g.lzCount())
	}
	return args
}

// zaddFirst is pushFirst for sorted sets.
func (g *generator) zaddFirst(key string) []string {
	add := cmd("ZADD", key, g.zValidScore(), g.zMember())
	g.queue(add...)
	return slices.Clone(add)
}

func genBZMPop(g *generator) []string {
	if g.chance(15) {
		mpop := genLzZMPop(g, "ZMPOP", nil)
		return g.unmangled(cmdv(g.word("BZMPOP"), []string{g.badTimeout()}, mpop[1:]...), mpop)
	}
	sure := g.lzKey()
	first := g.zaddFirst(sure)
	mpop := genLzZMPop(g, "ZMPOP", []string{sure})
	g.queue(cmdv(g.word("BZMPOP"), []string{g.timeout()}, mpop[1:]...)...)
	return first
}

func genLzZSetOp(name string, store bool) func(g *generator) []string {
	return func(g *generator) []string {
		var args []string
		keys := g.lzKeys(1, 3)
		if g.chance(20) {
			keys = g.lexKeys(1, 3)
		}
		if store {
			dst := g.lzKey()
			if isLexKey(keys[0]) && g.chance(50) {
				dst = g.lexKey() // scores stay 0 (NaN becomes 0)
			}
			args = append(args, dst)
		}
		numkeys := strconv.Itoa(len(keys))
		if g.chance(8) {
			numkeys = g.pick("0", "-1", "x", "9", "1")
		}
		args = append(append(args, numkeys), keys...)
		weights := []string{g.word("WEIGHTS")}
		for range len(keys) + g.rnd.IntN(2) - boolInt(g.chance(10)) {
			weights = append(weights, g.pick("1", "2", "-1", "0", "inf", "-inf", "0.5", "1e308", "x", "nan"))
		}
		agg := []string{g.word("AGGREGATE"), g.word(g.pick("SUM", "MIN", "MAX", "SUM", "x"))}
		opts := g.options(35, weights, agg, g.words("WITHSCORES"))
		return cmdv(name, args, opts...)
	}
}

// genLzZScan scans a whole set in one call (COUNT past any set's size, so
// the cursor comes back 0), with a MATCH pattern, or with a bad argument.
// The whole scan is queued, not mangled by next: without its COUNT, Redis
// scans a skiplist-encoded set of more than a few members bucket by
// bucket of a hash table seeded at random, and stops where it happens to.
func genLzZScan(g *generator) []string {
	key := g.lzKey()
	if g.chance(10) {
		// Errors only: a cursor but 0 into a skiplist-encoded set
		// finds what that server's hash table holds there ("" and -1
		// are cursors to strtoul).
		if g.chance(50) {
			return cmd("ZSCAN", key, g.pick("x", "18446744073709551616", "1.5", " 0"), g.word(g.pick("COUNT", "MATCH")), g.pick("10", "*"))
		}
		return cmd("ZSCAN", key, "0", g.word(g.pick("COUNT", "TYPE")), g.pick("0", "x", "-1"))
	}
	opts := []string{g.word("COUNT"), "1000"}
	opts = append(opts, g.options(40, []string{g.word("MATCH"), g.pick("*", "a*", "?", "[a-c]", "m*", "*0*", "", "[")})...)
	g.rnd.Shuffle(len(opts)/2, func(i, j int) {
		opts[2*i], opts[2*i+1], opts[2*j], opts[2*j+1] = opts[2*j], opts[2*j+1], opts[2*i], opts[2*i+1]
	})
	return g.unmangled(cmdv(g.word("ZSCAN"), []string{key, "0"}, opts...), cmd("ZCARD", key))
}

// genLzZRandMember asks for counts whose answer is determined or whose
// shape is (see zrandmembers). It is queued, not mangled by next: without
// its WITHSCORES, a count of -4611686018427387904 is no error but asks
// Redis for that many members.
func genLzZRandMember(g *generator) []string {
	key := g.lzKey()
	var args []string
	switch g.rnd.IntN(4) {
	case 0:
		args = cmd("ZRANDMEMBER", key)
	case 1:
		count := g.pick("0", "x", "1.5", "-9223372036854775808", "9223372036854775807", "-4611686018427387904")
		args = cmd("ZRANDMEMBER", key, count, g.word("WITHSCORES"))
	default:
		args = cmd("ZRANDMEMBER", key, g.pick("1000", "1000", "3", "1", "-3", "-1"))
		args = append(args, g.options(50, g.words("WITHSCORES"))...)
	}
	args[0] = g.word(args[0])
	return g.unmangled(args, cmd("ZCARD", key))
}

// zscanned compares a whole-set ZSCAN: the cursor exactly, the member and
// score pairs as a set. A listpack-encoded set comes back in order, but a
// skiplist-encoded one in the order of its hash table, which is each
// server's own.
func zscanned(a, b reply) bool {
	if a.kind != '*' || b.kind != '*' || len(a.elems) != 2 || len(b.elems) != 2 {
		return exact(a, b)
	}
	return exact(a.elems[0], b.elems[0]) && pairsUnordered(a.elems[1], b.elems[1])
}

// zrandmembers compares ZRANDMEMBER replies. Without a count, or with a
// positive count the set has at least as many members as, Redis picks at
// random: the replies need only be of the same kind and length. With a
// positive count the set has fewer members than, both must return the
// whole set, in any order (RESP2 flat member, score pairs; RESP3 pairs as
// arrays). A negative count picks with repeats: again only the shape.
func zrandmembers(args []string) comparer {
	if len(args) < 3 {
		return sameKind
	}
	count, err := strconv.ParseInt(args[2], 10, 64)
	withScores := len(args) > 3 && strings.EqualFold(args[3], "withscores")
	return func(a, b reply) bool {
		if err != nil || a.kind == '-' || b.kind == '-' || !a.isAggregate() || !b.isAggregate() {
			return exact(a, b)
		}
		n := int64(len(a.elems))
		if withScores && a.kind == '*' && n > 0 && a.elems[0].kind != '*' {
			n /= 2 // RESP2: member, score, member, score
		}
		if count > 0 && n < count {
			if withScores && (n == 0 || a.elems[0].kind != '*') {
				return pairsUnordered(a, b)
			}
			return unordered(a, b)
		}
		return a.kind == b.kind && len(a.elems) == len(b.elems)
	}
}

// lexKeyNames hold sorted sets whose members all score 0 (or -0): the lex
// range commands go to them only. Redis finds a lex range in a skiplist
// by descending its random levels, so on a set whose members are not in
// lex order where the scores order them, the answer depends on the levels
// each server drew. Only commands that keep every score 0 write them.
var lexKeyNames = []string{"x0", "x1"}

func (g *generator) lexKey() string { return lexKeyNames[g.rnd.IntN(len(lexKeyNames))] }

func (g *generator) lexKeys(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.lexKey()
	}
	return out
}

func isLexKey(k string) bool { return k == "x0" || k == "x1" }

// anyZKey is a key for a command that does not write: now and then a lex
// key.
func (g *generator) anyZKey() string {
	if g.chance(20) {
		return g.lexKey()
	}
	return g.lzKey()
}

// lexGens write the lex keys without giving a member a score but 0.
var lexGens = []weighted{
	{"zadd", 5, func(g *generator) []string {
		args := cmd("ZADD", g.lexKey())
		args = append(args, g.options(20, g.words(g.pick("NX", "XX", "NX")), g.words(g.pick("GT", "LT")), g.words("CH"), g.words("INCR"))...)
		for range 1 + g.rnd.IntN(3) {
			args = append(args, g.pick("0", "0", "0", "-0"), g.zMember())
		}
		return args
	}},
	{"zrem", 1, func(g *generator) []string { return cmdv("ZREM", []string{g.lexKey()}, g.zMembers(1, 3)...) }},
	{"zremrangebyrank", 1, func(g *generator) []string {
		return cmd("ZREMRANGEBYRANK", g.lexKey(), g.lzIndex(), g.lzIndex())
	}},
	{"zpopmin", 1, func(g *generator) []string {
		return cmdv("ZPOPMIN", []string{g.lexKey()}, g.options(50, []string{g.lzCount()})...)
	}},
	{"del", 1, func(g *generator) []string { return cmd("DEL", g.lexKey()) }},
	{"rename", 1, func(g *generator) []string { return cmd("RENAME", g.lexKey(), g.lexKey()) }},
	{"copy", 1, func(g *generator) []string {
		return cmdv("COPY", []string{g.lexKey(), g.lexKey()}, g.options(40, g.words("REPLACE"))...)
	}},
	{"object|encoding", 1, func(g *generator) []string { return cmd("OBJECT", g.word("ENCODING"), g.lexKey()) }},
	{"dump", 1, func(g *generator) []string { return cmd("DUMP", g.lexKey()) }},
}
