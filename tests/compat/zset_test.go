package compat

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// zsetCases are the sorted set edge cases, run as TestCases runs cases.
// ZRANDMEMBER and ZSCAN appear only where Redis's reply is determined (a
// count at least the set's size, a listpack-encoded set).
var zsetCases = []lineCase{
	{"zadd", []string{
		"ZADD k 1 a 2 b 3 c", "ZADD k NX XX 1 a", "ZADD k GT LT 1 a", "ZADD k NX GT 1 a", "ZADD k INCR 1 a 2 b", "ZADD k 1", "ZADD k",
		"ZADD k CH 5 a 6 new", "ZADD k XX CH 7 a 7 zz", "ZADD k GT CH 1 a 100 b", "ZADD k INCR 1.5 a", "ZADD k INCR NX 1 a",
		"ZADD k abc a", "ZADD k nan a", `ZADD k " 1" a`, `ZADD k "1 " a`, "ZADD k 1e400 a", "ZADD k 1e-400 a", "ZADD k 0x10 hex",
		"ZADD k inf x", "ZADD k INCR -inf x", "ZSCORE k x", "ZRANGE k 0 -1 WITHSCORES", "ZINCRBY k 2.5 c", "ZINCRBY k nx c",
		"ZINCRBY k abc c", "ZINCRBY nokey 1 m", "ZADD k XX 1 notthere", "ZADD nokey2 XX 1 a", "EXISTS nokey2",
		"ZADD nokey2 XX INCR 1 a", "ZADD k GT INCR -1 a", "ZADD k LT INCR -1 a", "ZADD k 0 c", "ZADD k -0 c", "ZSCORE k c",
		"SET s str", "ZADD s 1 a", "ZINCRBY s 1 a",
	}},
	{"zread", []string{
		"ZADD k 0.1 a 1e20 b -0 c inf d 3 e 1.5 f -inf g 123456789012345678 h", "ZRANGE k 0 -1 WITHSCORES", "ZSCAN k 0",
		"ZSCORE k a", "ZSCORE k nope", "ZSCORE nokey a", "ZMSCORE k a b nope", "ZMSCORE nokey a b", "ZCARD k", "ZCARD nokey",
		"ZRANK k a", "ZREVRANK k a", "ZRANK k nope", "ZRANK nokey a", "ZRANK k a WITHSCORE", "ZREM k a nope", "ZREM nokey a",
		"ZREM k b c d e f g h", "EXISTS k", "SET s str", "ZSCORE s a", "ZMSCORE s a", "ZCARD s", "ZRANK s a", "ZREM s a",
		"CONFIG SET zset-max-listpack-entries 0", "ZADD sk -0 a 1.5 b", "ZSCORE sk a", "ZRANGE sk 0 -1 WITHSCORES", "CONFIG SET zset-max-listpack-entries 128",
	}},
	{"zrange", []string{
		"ZADD k 0.1 a 1e20 b -0 c inf d 3 e 1.5 f -inf g", "ZRANGE k 0 -1 REV WITHSCORES", "ZRANGE k 2 4", "ZRANGE k -3 -1 WITHSCORES",
		"ZRANGE k 5 2", "ZRANGE k -100 100", "ZRANGE k (1 +inf BYSCORE WITHSCORES", "ZRANGE k -inf +inf BYSCORE LIMIT 1 2 WITHSCORES",
		"ZRANGE k +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES", "ZRANGE k -inf +inf BYSCORE LIMIT -1 2", "ZRANGE k -inf +inf BYSCORE LIMIT 0 -1",
		"ZRANGE k -inf +inf BYSCORE LIMIT 0 0", "ZRANGE k -inf +inf BYSCORE LIMIT 100 1", "ZRANGE k 0 1 LIMIT 0 1", "ZRANGE k - + BYLEX WITHSCORES",
		"ZRANGE k 0 1 BYLEX", "ZRANGE k 0 1 BYSCORE BYLEX", "ZRANGE k 0 1 REV REV", "ZRANGE k 0 1 WITHSCORES WITHSCORES", "ZRANGE k 0 1 LIMIT 0",
		"ZRANGE k a b", "ZRANGE k a b BYSCORE", "ZRANGE k 0 1 LIMIT x 1 BYSCORE", "ZRANGEBYSCORE k -inf +inf WITHSCORES LIMIT 0 2",
		"ZRANGEBYSCORE k -inf +inf REV", "ZRANGEBYSCORE k (0.1 (3", `ZRANGEBYSCORE k " 1" "3\x00x"`, `ZRANGEBYSCORE k "" ""`,
		`ZRANGEBYSCORE k "(" 100`, "ZRANGEBYSCORE k 1e999 -1e999", "ZRANGEBYSCORE k -1e999 1e999", "ZRANGEBYSCORE k 0x1 0x10",
		"ZRANGEBYSCORE k nan 1", "ZRANGEBYSCORE k 1 (nan", "ZRANGEBYSCORE k 1 2 BYLEX", "ZREVRANGEBYSCORE k +inf -inf WITHSCORES",
		"ZREVRANGEBYSCORE k 3 1", "ZREVRANGEBYSCORE k 3 1 LIMIT 1 1", "ZREVRANGE k 0 2 WITHSCORES", "ZREVRANGE k 0 2 LIMIT 0 1",
		"ZREVRANGE k 0 2 BYSCORE", "ZRANGE nokey 0 -1", "ZRANGE nokey a b", "SET s x", "ZRANGE s 0 -1", "ZRANGE s a b",
		"ZCOUNT k -inf +inf", "ZCOUNT k (1 3", "ZCOUNT k 3 1", "ZCOUNT k a b", "ZCOUNT nokey 1 2", "ZCOUNT s 1 2",
	}},
	{"zlex", []string{
		"ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", "ZRANGEBYLEX l - +", "ZRANGEBYLEX l [b (e", "ZRANGEBYLEX l (b [e LIMIT 1 2",
		"ZRANGEBYLEX l - + WITHSCORES", "ZRANGEBYLEX l a b", "ZRANGEBYLEX l + -", "ZRANGEBYLEX l - -", `ZRANGEBYLEX l "+\x00" -`,
		"ZRANGEBYLEX l [ +", "ZRANGEBYLEX l ( +", `ZRANGEBYLEX l "" +`, "ZRANGEBYLEX l -x +", "ZREVRANGEBYLEX l + -",
		"ZREVRANGEBYLEX l [e [b LIMIT 0 2", "ZREVRANGEBYLEX l (e - LIMIT 1 -1", "ZLEXCOUNT l - +", "ZLEXCOUNT l [b [d",
		"ZLEXCOUNT l [d [b", "ZLEXCOUNT l b d", "ZLEXCOUNT nokey - +", "ZREMRANGEBYLEX l [f +", "ZRANGE l 0 -1",
		"ZREMRANGEBYRANK l 0 0", "ZREMRANGEBYRANK l -1 -1", "ZREMRANGEBYRANK l 5 1", "ZREMRANGEBYRANK l a 1", "ZRANGE l 0 -1",
		"ZREMRANGEBYSCORE l -inf +inf", "EXISTS l", "ZREMRANGEBYSCORE l x 1", "ZREMRANGEBYSCORE nokey 1 2", "ZREMRANGEBYLEX l x y",
		// Mixed scores: what Redis's listpack walk finds.
		"ZADD m 1 z 2 a 3 b 4 y 5 c 6 d", "ZRANGEBYLEX m [a [c", "ZRANGEBYLEX m - [c", "ZRANGEBYLEX m [a +", "ZRANGEBYLEX m [a + LIMIT 2 2",
		"ZREVRANGEBYLEX m [c [a", "ZREVRANGEBYLEX m + [b", "ZREVRANGEBYLEX m [y - LIMIT 1 5", "ZLEXCOUNT m [a [c", "ZLEXCOUNT m - +",
		"ZLEXCOUNT m [b [z", "ZRANGE m [b [z BYLEX REV", "ZREMRANGEBYLEX m [a [c", "ZRANGE m 0 -1", "ZREMRANGEBYLEX m [z [z", "ZRANGE m 0 -1",
	}},
	{"zpop", []string{
		"ZADD k 1 a 2 b 3 c 4 d 5 e", "ZPOPMIN k", "ZPOPMAX k 2", "ZPOPMIN k 0", "ZPOPMIN k -1", "ZPOPMIN k abc", "ZPOPMIN k 1 2",
		"ZPOPMIN nokey", "ZPOPMIN nokey 5", "ZPOPMAX k 100", "EXISTS k", "ZADD k 1 a 2 b 3 c", "ZADD k2 5 x", "ZMPOP 2 nokey k MIN",
		"ZMPOP 2 k k2 MAX COUNT 10", "ZMPOP 1 nokey MIN", "ZMPOP 0 k MIN", "ZMPOP -1 k MIN", "ZMPOP abc k MIN", "ZMPOP 1 k",
		"ZMPOP 2 k MIN", "ZMPOP 1 k foo", "ZMPOP 1 k MIN COUNT", "ZMPOP 1 k MIN COUNT 0", "ZMPOP 1 k MIN COUNT 1 COUNT 1",
		"ZMPOP 1 k MIN foo 1", "ZMPOP 1 k2 MAX COUNT 5", "SET s x", "ZMPOP 1 s MIN", "ZPOPMIN s",
	}},
	{"zrandmember-zscan", []string{
		"ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER nokey 5 WITHSCORES", "ZADD r 1 a 2 b 3 c", "ZRANDMEMBER r 0",
		"ZRANDMEMBER r 3", "ZRANDMEMBER r 10 WITHSCORES", "ZRANDMEMBER r 10 WITHSCORE", "ZRANDMEMBER r 10 WITHSCORES x",
		"ZRANDMEMBER r -9223372036854775808", "ZRANDMEMBER r 9223372036854775807 WITHSCORES", "ZRANDMEMBER r -4611686018427387904 WITHSCORES",
		"ZRANDMEMBER r abc", "SET s x", "ZRANDMEMBER s", "ZRANDMEMBER s 1", "ZSCAN r 0", "ZSCAN r 0 COUNT 0", "ZSCAN r 0 COUNT abc",
		"ZSCAN r 0 MATCH a*", "ZSCAN r 0 MATCH", "ZSCAN r 0 TYPE zset", "ZSCAN r abc", "ZSCAN r -1", "ZSCAN nokey 0 foo", "ZSCAN s 0",
		"ZSCAN nokey abc",
	}},
	{"zsetops", []string{
		"ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 2 a b WEIGHTS 2 3 WITHSCORES",
		"ZUNION 2 a b WEIGHTS 2 WITHSCORES", "ZUNION 2 a b WEIGHTS 2 x WITHSCORES", "ZUNION 2 a b AGGREGATE MIN WITHSCORES",
		"ZUNION 2 a b AGGREGATE max WITHSCORES", "ZUNION 2 a b AGGREGATE foo", "ZUNION 2 a b AGGREGATE", "ZUNION 0 a", "ZUNION -1 a",
		"ZUNION abc a", "ZUNION 3 a b", "ZUNION 1 a WITHSCORES WITHSCORES", "ZINTER 2 a b WITHSCORES",
		"ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES", "ZINTER 2 a a WITHSCORES", "ZINTER 2 a nokey", "ZINTER 2 nokey a WITHSCORES",
		"ZDIFF 2 a b WITHSCORES", "ZDIFF 2 a a", "ZDIFF 1 a WITHSCORES", "ZDIFF 2 a b WEIGHTS 1 1", "ZDIFF 2 a b AGGREGATE SUM",
		"ZINTERCARD 2 a b", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0", "ZINTERCARD 2 a b LIMIT -1", "ZINTERCARD 2 a b LIMIT x",
		"ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 0 a", "ZINTERCARD 3 a b", "ZUNIONSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES",
		"OBJECT ENCODING d", "ZUNIONSTORE d 2 a b WITHSCORES", "ZINTERSTORE d 2 a b WEIGHTS 2 2", "ZRANGE d 0 -1 WITHSCORES",
		"ZINTERSTORE d 2 a nokey", "EXISTS d", "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 0 a",
		"ZUNIONSTORE d 1 nokey", "EXISTS d", "SET str v", "ZUNION 2 a str", "ZUNIONSTORE d 2 a str", "ZUNIONSTORE str 1 a", "TYPE str",
		"SET str v", "ZUNION 2 str a foo", "ZUNION 2 a b foo", "ZADD inf1 inf x", "ZADD inf2 -inf x", "ZUNION 2 inf1 inf2 WITHSCORES",
		"ZINTER 2 inf1 inf2 WITHSCORES", "ZUNION 2 inf1 a WEIGHTS 0 1 WITHSCORES", "ZUNION 2 a b WEIGHTS inf -inf WITHSCORES",
		"ZADD p 0.1 m", "ZADD q 0.2 m", "ZADD r 0.3 m", "ZUNION 3 p q r WITHSCORES", "ZUNION 3 r q p WITHSCORES",
	}},
	{"zset-negative-zero", []string{
		// A listpack stores -0 as 0, a skiplist keeps it; INCR by 0
		// replies 0 and keeps -0; ZRANGESTORE adds to a listpack until a
		// member does not fit.
		"CONFIG SET zset-max-listpack-entries 0", "ZADD z -0 m", "ZADD z INCR 0 m", "ZINCRBY z 0 m", "ZSCORE z m",
		"ZADD z INCR -0 m", "DUMP z", "CONFIG SET zset-max-listpack-entries 128", "ZADD big 1 mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
		"ZADD big -0 a -0 b", "ZRANGESTORE d big 0 -1", "DUMP d", "ZRANGESTORE d big 0 -1 REV", "DUMP d",
		"ZRANGESTORE d big -inf +inf BYSCORE", "ZMSCORE d a b", "ZRANGESTORE d big +inf -inf BYSCORE REV", "ZMSCORE d a b",
		"CONFIG SET zset-max-listpack-entries 1", "ZRANGESTORE d big (-inf (2 BYSCORE", "ZMSCORE d a b",
		"ZRANGESTORE d big 0 -1", "ZMSCORE d a b", "ZRANGESTORE d big [a [b BYLEX", "ZMSCORE d a b",
		"CONFIG SET zset-max-listpack-entries 128", "ZUNIONSTORE u 1 big", "DUMP u", "ZPOPMIN u",
	}},
	{"zinter-nan", []string{
		// Only the first set's NaN product (0 * inf) is 0 in an
		// intersection; a later one makes a SUM 0 and leaves MIN and MAX.
		"ZADD a 5 m", "ZADD b 0 m", "ZADD c -3 m", "ZINTER 2 a b WEIGHTS 1 inf WITHSCORES",
		"ZINTER 2 a b WEIGHTS 1 inf AGGREGATE MIN WITHSCORES", "ZINTER 2 c b WEIGHTS 1 inf AGGREGATE MAX WITHSCORES",
		"ZINTER 2 b a WEIGHTS inf 1 WITHSCORES", "ZINTER 3 a b b WEIGHTS 1 inf -inf WITHSCORES",
		"ZINTER 3 a b b WEIGHTS 1 -inf inf AGGREGATE MAX WITHSCORES", "ZINTERSTORE d 2 a b WEIGHTS 1 inf", "ZSCORE d m",
		"ZINTERSTORE d 2 c b WEIGHTS 1 inf AGGREGATE MIN", "ZSCORE d m", "ZUNION 2 a b WEIGHTS 1 inf AGGREGATE MIN WITHSCORES",
		"ZINTERCARD 2 a b",
	}},
	{"zset-blocking-argument-order", []string{
		"BZMPOP x 1 k MIN COUNT 0", "BZMPOP -1 1 k FOO", "BZMPOP x 0 k MIN", "BZMPOP inf 1 k MIN", "BZMPOP 1e400 1 k MAX COUNT -1",
		"BZPOPMIN k x", "BZPOPMAX k -1",
	}},
	{"zrangestore", []string{
		"ZADD sr 1 a 2 b 3 c 4 d 5 e", "ZRANGESTORE dst sr 0 2", "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst sr 0 2 WITHSCORES",
		"ZRANGESTORE dst sr (1 4 BYSCORE REV", "ZRANGESTORE dst sr 4 (1 BYSCORE REV", "ZRANGE dst 0 -1 WITHSCORES",
		"ZRANGESTORE dst sr 4 (1 BYSCORE REV LIMIT 1 1", "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst sr 10 20", "EXISTS dst",
		"ZRANGESTORE dst nokey 0 -1", "SET str v", "ZRANGESTORE dst str 0 -1", "ZRANGESTORE str sr 0 -1", "TYPE str",
		"ZRANGESTORE dst sr [a [c BYLEX", "ZRANGE dst 0 -1",
	}},
	{"zset-encodings", []string{
		"CONFIG SET zset-max-listpack-entries 4", "CONFIG SET zset-max-listpack-value 5", "ZADD e 1 a 2 b 3 c 4 d", "OBJECT ENCODING e",
		"ZADD e 5 e", "OBJECT ENCODING e", "ZREM e a b c d", "OBJECT ENCODING e", "ZADD f 1 abcde", "OBJECT ENCODING f",
		"ZADD f 1 abcdef", "OBJECT ENCODING f", "ZADD h 1 a 1 a 1 a 1 a 1 a 1 a", "OBJECT ENCODING h", "ZINCRBY j 1 abcdefgh",
		"OBJECT ENCODING j", "ZADD big 1 a 2 b 3 c 4 d 5 e 6 f", "ZUNIONSTORE u 1 big", "OBJECT ENCODING u", "ZRANGESTORE rs big 0 2",
		"OBJECT ENCODING rs", "ZRANGESTORE rs big 0 4", "OBJECT ENCODING rs", "ZADD lm 1 abcdef", "ZUNIONSTORE u4 2 lm e",
		"OBJECT ENCODING u4", "COPY big bigcopy", "OBJECT ENCODING bigcopy", "ZRANGE bigcopy 0 -1 WITHSCORES",
		"CONFIG SET zset-max-listpack-entries 0", "ZADD z0 1 a", "OBJECT ENCODING z0", "ZUNIONSTORE z1 1 z0", "OBJECT ENCODING z1",
		"CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 64",
	}},
	{"zset-dump", []string{
		"ZADD ld 1 a 2.5 bb 100 123 -5000 x 0.1 y inf z -inf w 5000000 m 3000000000 n 123456789012345678 o -0 p", "DUMP ld",
		"CONFIG SET zset-max-listpack-entries 2", "ZADD sk 1 a 2.5 bb 100 123 -0 z", "DUMP sk", "CONFIG SET zset-max-listpack-entries 128",
		`RESTORE r1 0 "\x11  \x00\x00\x00\b\x00\x81x\x02\xf1x\xec\x03\x81a\x02\x01\x01\x82bb\x03\x832.5\x04{\x01d\x01\xff\n\x00L]\xa3\xa3wK7@"`,
		"ZRANGE r1 0 -1 WITHSCORES", "OBJECT ENCODING r1",
		`RESTORE r2 0 "\x05\x03\xc0{\x00\x00\x00\x00\x00\x00Y@\x02bb\x00\x00\x00\x00\x00\x00\x04@\x01a\x00\x00\x00\x00\x00\x00\xf0?\n\x00\xef\xec\x86\xf1|\xd6\xc1\xdd"`,
		"ZRANGE r2 0 -1 WITHSCORES", "OBJECT ENCODING r2", `RESTORE r3 0 "\x05\x00\n\x00\x9b\x8e\x8f\xa4\xbd\xde\x8d\x1f"`,
	}},
}

// TestZSetCases runs zsetCases in RESP2 and RESP3.
func TestZSetCases(t *testing.T) {
	redisAddr := startRedis(t)
	shoal := testserver.Start(t)
	for _, proto := range protos {
		for _, c := range zsetCases {
			t.Run("resp"+strconv.Itoa(proto)+"/"+c.name, func(t *testing.T) {
				p := newPair(t, redisAddr, shoal, proto)
				p.do("FLUSHALL")
				p.run(c.lines)
			})
		}
	}
}

// TestRandom draws sorted set commands too, but for ZRANDMEMBER (random)
// and ZSCAN (a skiplist-encoded set comes back in hash order, which is
// each server's own).
func init() { generators = append(generators, zsetGenerators...) }

var zsetGenerators = []weighted{
	{"zadd", 8, genZAdd},
	{"zincrby", 2, func(g *generator) []string { return cmd("ZINCRBY", g.key(), g.score(), g.member()) }},
	{"zrem", 3, func(g *generator) []string { return cmdv("ZREM", []string{g.key()}, g.members(1, 3)...) }},
	{"zscore", 2, func(g *generator) []string { return cmd("ZSCORE", g.key(), g.member()) }},
	{"zmscore", 1, func(g *generator) []string { return cmdv("ZMSCORE", []string{g.key()}, g.members(1, 3)...) }},
	{"zcard", 2, func(g *generator) []string { return cmd("ZCARD", g.key()) }},
	{"zrank", 1, func(g *generator) []string { return cmd("ZRANK", g.key(), g.member()) }},
	{"zrevrank", 1, func(g *generator) []string { return cmd("ZREVRANK", g.key(), g.member()) }},
	{"zcount", 2, func(g *generator) []string { return cmd("ZCOUNT", g.key(), g.scoreBound(), g.scoreBound()) }},
	{"zlexcount", 1, func(g *generator) []string { return cmd("ZLEXCOUNT", g.lexKey(), g.lexBound(), g.lexBound()) }},
	{"zadd", 2, func(g *generator) []string { return cmdv("ZADD", []string{g.lexKey(), "0"}, g.members(1, 1)...) }},
	{"zrange", 5, genZRange},
	{"zrangebyscore", 2, func(g *generator) []string { return g.zrangeOld("ZRANGEBYSCORE", g.scoreBound) }},
	{"zrevrangebyscore", 1, func(g *generator) []string { return g.zrangeOld("ZREVRANGEBYSCORE", g.scoreBound) }},
	{"zrangebylex", 1, func(g *generator) []string { return g.zrangeOld("ZRANGEBYLEX", g.lexBound) }},
	{"zrevrangebylex", 1, func(g *generator) []string { return g.zrangeOld("ZREVRANGEBYLEX", g.lexBound) }},
	{"zrevrange", 1, func(g *generator) []string {
		return cmdv("ZREVRANGE", []string{g.key(), g.index(), g.index()}, g.options(40, g.words("WITHSCORES"))...)
	}},
	{"zrangestore", 2, func(g *generator) []string { return cmdv("ZRANGESTORE", []string{g.key()}, genZRange(g)[1:]...) }},
	{"zremrangebyrank", 1, func(g *generator) []string { return cmd("ZREMRANGEBYRANK", g.key(), g.index(), g.index()) }},
	{"zremrangebyscore", 1, func(g *generator) []string {
		return cmd("ZREMRANGEBYSCORE", g.key(), g.scoreBound(), g.scoreBound())
	}},
	{"zremrangebylex", 1, func(g *generator) []string { return cmd("ZREMRANGEBYLEX", g.lexKey(), g.lexBound(), g.lexBound()) }},
	{"zpopmin", 1, func(g *generator) []string {
		return cmdv("ZPOPMIN", []string{g.key()}, g.options(50, []string{g.index()})...)
	}},
	{"zpopmax", 1, func(g *generator) []string {
		return cmdv("ZPOPMAX", []string{g.key()}, g.options(50, []string{g.index()})...)
	}},
	{"zmpop", 1, genZMPop},
	{"zunion", 2, genZSetOp("ZUNION", false)},
	{"zinter", 2, genZSetOp("ZINTER", false)},
	{"zdiff", 1, genZSetOp("ZDIFF", false)},
	{"zunionstore", 1, genZSetOp("ZUNIONSTORE", true)},
	{"zinterstore", 1, genZSetOp("ZINTERSTORE", true)},
	{"zdiffstore", 1, genZSetOp("ZDIFFSTORE", true)},
	{"zintercard", 1, func(g *generator) []string {
		keys := g.keys(1, 3)
		return cmdv("ZINTERCARD", append([]string{g.numkeys(len(keys))}, keys...), g.options(40, []string{g.word("LIMIT"), g.index()})...)
	}},
}

// member is a sorted set member: a few short names so that commands meet
// the same members, integers (stored as such in a listpack), and now and
// then one past zset-max-listpack-value.
func (g *generator) member() string {
	if g.chance(3) {
		return strings.Repeat("m", 65)
	}
	return g.pick("a", "b", "c", "d", "e", "f", "1", "-1", "100", "", "x\x00y")
}

func (g *generator) members(lo, hi int) []string {
	out := make([]string, lo+g.rnd.IntN(hi-lo+1))
	for i := range out {
		out[i] = g.member()
	}
	return out
}

// score is a ZADD score: mostly small numbers (ties included), sometimes
// any float spelling or something that is not one.
func (g *generator) score() string {
	if g.chance(20) {
		return g.float()
	}
	return g.pick("0", "1", "2", "2", "3", "-1", "1.5", "inf", "-inf", "-0")
}

func (g *generator) scoreBound() string {
	if g.chance(25) {
		return "(" + g.score()
	}
	return g.pick(g.score(), "-inf", "+inf", "(1", "abc", "")
}

func (g *generator) lexBound() string {
	return g.pick("-", "+", "[", "(", "", "x") + g.pick("", "", "a", "b", "c", "d", "1")
}

// numkeys is usually the number of keys that follow, sometimes not.
func (g *generator) numkeys(n int) string {
	if g.chance(10) {
		return g.integer()
	}
	return strconv.Itoa(n)
}

func genZAdd(g *generator) []string {
	args := cmd("ZADD", g.key())
	args = append(args, g.options(15, g.words(g.pick("NX", "XX")), g.words(g.pick("GT", "LT")), g.words("CH"), g.words("INCR"))...)
	for range 1 + g.rnd.IntN(3) {
		args = append(args, g.score(), g.member())
	}
	return args
}

func genZRange(g *generator) []string {
	key := g.key()
	var min, max string
	var opts []string
	switch g.rnd.IntN(3) {
	case 0:
		min, max = g.index(), g.index()
	case 1:
		min, max = g.scoreBound(), g.scoreBound()
		opts = append(opts, g.word("BYSCORE"))
	default:
		min, max = g.lexBound(), g.lexBound()
		opts = append(opts, g.word("BYLEX"))
		key = g.lexKey()
	}
	opts = append(opts, g.options(30, g.words("REV"), []string{g.word("LIMIT"), g.index(), g.index()}, g.words("WITHSCORES"))...)
	return cmdv("ZRANGE", []string{key, min, max}, opts...)
}

func (g *generator) zrangeOld(name string, bound func() string) []string {
	opts := g.options(30, g.words("WITHSCORES"), []string{g.word("LIMIT"), g.index(), g.index()})
	key := g.key()
	if strings.HasSuffix(name, "LEX") {
		key = g.lexKey() // all scores 0 (random_list_zset_test.go)
	}
	return cmdv(name, []string{key, bound(), bound()}, opts...)
}

func genZMPop(g *generator) []string {
	keys := g.keys(1, 3)
	args := append([]string{g.numkeys(len(keys))}, keys...)
	args = append(args, g.word(g.pick("MIN", "MAX", "MIN", "MAX", "FOO")))
	return cmdv("ZMPOP", args, g.options(40, []string{g.word("COUNT"), g.index()})...)
}

func genZSetOp(name string, store bool) func(g *generator) []string {
	return func(g *generator) []string {
		var args []string
		if store {
			args = append(args, g.key())
		}
		keys := g.keys(1, 3)
		args = append(args, g.numkeys(len(keys)))
		args = append(args, keys...)
		weights := []string{g.word("WEIGHTS")}
		for range keys {
			weights = append(weights, g.pick("1", "2", "-1", "0", "inf", "0.5", "x"))
		}
		opts := g.options(30, weights, []string{g.word("AGGREGATE"), g.pick("SUM", "MIN", "MAX", "x")})
		if !store {
			opts = append(opts, g.options(40, g.words("WITHSCORES"))...)
		}
		return cmdv(name, args, opts...)
	}
}
