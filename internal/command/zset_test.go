package command_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The sorted set commands' replies, raw, as redis-server 7.0 gives them
// (recorded from it), under RESP2 and, where they differ, RESP3. strRun
// puts a list at "list" for the WRONGTYPE cases.

// TestZAdd checks ZADD's options, their conflicts and error texts, INCR and NaN.
func TestZAdd(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 1 a 2 b 3 c", ":3\r\n"),
		st("ZADD k NX XX 1 a", "-ERR XX and NX options at the same time are not compatible\r\n"),
		st("ZADD k GT LT 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
		st("ZADD k NX GT 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
		st("ZADD k NX LT 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
		st("ZADD k INCR 1 a 2 b", "-ERR INCR option supports a single increment-element pair\r\n"),
		st("ZADD k 1", "-ERR wrong number of arguments for 'zadd' command\r\n"),
		st("ZADD k", "-ERR wrong number of arguments for 'zadd' command\r\n"),
		st("ZADD k CH 5 a 6 new", ":2\r\n"),
		st("ZADD k XX CH 7 a 7 zz", ":1\r\n"),
		st("ZADD k GT CH 1 a 100 b", ":1\r\n"),
		st("ZADD k LT CH 1 a 100 b", ":1\r\n"),
		st3("ZADD k INCR 1.5 a", "$3\r\n2.5\r\n", ",2.5\r\n"),
		st3("ZADD k INCR NX 1 a", "$-1\r\n", "_\r\n"),
		st3("ZADD k INCR XX 1 zz", "$-1\r\n", "_\r\n"),
		st3("ZADD k GT INCR -1 a", "$-1\r\n", "_\r\n"),
		st("ZADD k abc a", "-ERR value is not a valid float\r\n"),
		st("ZADD k nan a", "-ERR value is not a valid float\r\n"),
		st("ZADD k 1e400 a", "-ERR value is not a valid float\r\n"),
		st("ZADD k 1e-400 a", "-ERR value is not a valid float\r\n"),
		st("ZADD k '' a", "-ERR value is not a valid float\r\n"),
		st("ZADD k 0x10 hex", ":1\r\n"),
		st3("ZSCORE k hex", "$2\r\n16\r\n", ",16\r\n"),
		st("ZADD k inf x", ":1\r\n"),
		st("ZADD k INCR -inf x", "-ERR resulting score is not a number (NaN)\r\n"),
		st3("ZSCORE k x", "$3\r\ninf\r\n", ",inf\r\n"),
		st("ZADD k 1 a nan b", "-ERR value is not a valid float\r\n"),
		st3("ZSCORE k b", "$3\r\n100\r\n", ",100\r\n"),
		st("ZADD k xx 1 a", ":0\r\n"),
		st3("ZRANGE k 0 -1 WITHSCORES", "*12\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n$3\r\nnew\r\n$1\r\n6\r\n$3\r\nhex\r\n$2\r\n16\r\n$1\r\nb\r\n$3\r\n100\r\n$1\r\nx\r\n$3\r\ninf\r\n", "*6\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$3\r\nnew\r\n,6\r\n*2\r\n$3\r\nhex\r\n,16\r\n*2\r\n$1\r\nb\r\n,100\r\n*2\r\n$1\r\nx\r\n,inf\r\n"),
		st("ZADD nokey XX 1 a", ":0\r\n"),
		st("EXISTS nokey", ":0\r\n"),
		st3("ZADD nokey XX INCR 1 a", "$-1\r\n", "_\r\n"),
		st("ZADD list 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZADD k -0 c", ":0\r\n"),
		st3("ZSCORE k c", "$1\r\n0\r\n", ",0\r\n"),
	})
}

// TestZIncrBy checks ZINCRBY, whose increment may be an option word to Redis's parser.
func TestZIncrBy(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st3("ZINCRBY k 2.5 c", "$3\r\n2.5\r\n", ",2.5\r\n"),
		st3("ZINCRBY k 2.5 c", "$1\r\n5\r\n", ",5\r\n"),
		st3("ZINCRBY k -5 c", "$1\r\n0\r\n", ",0\r\n"),
		st("ZINCRBY k nx c", "-ERR syntax error\r\n"),
		st("ZINCRBY k abc c", "-ERR value is not a valid float\r\n"),
		st3("ZINCRBY k 0.1 d", "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"),
		st3("ZINCRBY k 0.2 d", "$19\r\n0.30000000000000004\r\n", ",0.30000000000000004\r\n"),
		st3("ZINCRBY k inf e", "$3\r\ninf\r\n", ",inf\r\n"),
		st("ZINCRBY k -inf e", "-ERR resulting score is not a number (NaN)\r\n"),
		st3("ZSCORE k e", "$3\r\ninf\r\n", ",inf\r\n"),
		st("ZINCRBY list 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZINCRBY k 1", "-ERR wrong number of arguments for 'zincrby' command\r\n"),
	})
}

// TestZSetRead checks ZSCORE, ZMSCORE, ZCARD, ZRANK and ZREVRANK (no WITHSCORE in 7.0).
func TestZSetRead(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 0.1 a 1e20 b -1.5 c inf d 3 e -inf g", ":6\r\n"),
		st3("ZSCORE k a", "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"),
		st3("ZSCORE k b", "$5\r\n1e+20\r\n", ",1e+20\r\n"),
		st3("ZSCORE k d", "$3\r\ninf\r\n", ",inf\r\n"),
		st3("ZSCORE k g", "$4\r\n-inf\r\n", ",-inf\r\n"),
		st3("ZSCORE k nope", "$-1\r\n", "_\r\n"),
		st3("ZSCORE nokey a", "$-1\r\n", "_\r\n"),
		st3("ZMSCORE k a b nope", "*3\r\n$19\r\n0.10000000000000001\r\n$5\r\n1e+20\r\n$-1\r\n", "*3\r\n,0.10000000000000001\r\n,1e+20\r\n_\r\n"),
		st3("ZMSCORE nokey a b", "*2\r\n$-1\r\n$-1\r\n", "*2\r\n_\r\n_\r\n"),
		st("ZMSCORE k", "-ERR wrong number of arguments for 'zmscore' command\r\n"),
		st("ZCARD k", ":6\r\n"),
		st("ZCARD nokey", ":0\r\n"),
		st("ZRANK k a", ":2\r\n"),
		st("ZREVRANK k a", ":3\r\n"),
		st("ZRANK k g", ":0\r\n"),
		st("ZREVRANK k g", ":5\r\n"),
		st3("ZRANK k nope", "$-1\r\n", "_\r\n"),
		st3("ZRANK nokey a", "$-1\r\n", "_\r\n"),
		st("ZRANK k a WITHSCORE", "-ERR wrong number of arguments for 'zrank' command\r\n"),
		st("ZSCORE list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZMSCORE list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZCARD list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZRANK list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZREVRANK list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
	})
}

// TestZRem checks ZREM, which deletes the key with its last member.
func TestZRem(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 1 a 2 b 3 c", ":3\r\n"),
		st("ZREM k a nope", ":1\r\n"),
		st("ZREM k a", ":0\r\n"),
		st("ZREM nokey a", ":0\r\n"),
		st("ZREM k b c a", ":2\r\n"),
		st("EXISTS k", ":0\r\n"),
		st("ZREM list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZREM k", "-ERR wrong number of arguments for 'zrem' command\r\n"),
	})
}

// TestZRange checks ZRANGE by rank, score and member, REV, LIMIT, WITHSCORES and their conflicts; ZREVRANGE.
func TestZRange(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 0.1 a 1e20 b -0.5 c inf d 3 e 1.5 f -inf g", ":7\r\n"),
		st("ZRANGE k 0 -1", "*7\r\n$1\r\ng\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nb\r\n$1\r\nd\r\n"),
		st3("ZRANGE k 0 -1 WITHSCORES", "*14\r\n$1\r\ng\r\n$4\r\n-inf\r\n$1\r\nc\r\n$4\r\n-0.5\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nf\r\n$3\r\n1.5\r\n$1\r\ne\r\n$1\r\n3\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\nd\r\n$3\r\ninf\r\n", "*7\r\n*2\r\n$1\r\ng\r\n,-inf\r\n*2\r\n$1\r\nc\r\n,-0.5\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nf\r\n,1.5\r\n*2\r\n$1\r\ne\r\n,3\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\nd\r\n,inf\r\n"),
		st3("ZRANGE k 0 -1 REV WITHSCORES", "*14\r\n$1\r\nd\r\n$3\r\ninf\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\ne\r\n$1\r\n3\r\n$1\r\nf\r\n$3\r\n1.5\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$4\r\n-0.5\r\n$1\r\ng\r\n$4\r\n-inf\r\n", "*7\r\n*2\r\n$1\r\nd\r\n,inf\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\ne\r\n,3\r\n*2\r\n$1\r\nf\r\n,1.5\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nc\r\n,-0.5\r\n*2\r\n$1\r\ng\r\n,-inf\r\n"),
		st("ZRANGE k 2 4", "*3\r\n$1\r\na\r\n$1\r\nf\r\n$1\r\ne\r\n"),
		st3("ZRANGE k -3 -1 WITHSCORES", "*6\r\n$1\r\ne\r\n$1\r\n3\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\nd\r\n$3\r\ninf\r\n", "*3\r\n*2\r\n$1\r\ne\r\n,3\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\nd\r\n,inf\r\n"),
		st("ZRANGE k 5 2", "*0\r\n"),
		st("ZRANGE k -100 100", "*7\r\n$1\r\ng\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nb\r\n$1\r\nd\r\n"),
		st("ZRANGE k 7 10", "*0\r\n"),
		st3("ZRANGE k (1 +inf BYSCORE WITHSCORES", "*8\r\n$1\r\nf\r\n$3\r\n1.5\r\n$1\r\ne\r\n$1\r\n3\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\nd\r\n$3\r\ninf\r\n", "*4\r\n*2\r\n$1\r\nf\r\n,1.5\r\n*2\r\n$1\r\ne\r\n,3\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\nd\r\n,inf\r\n"),
		st3("ZRANGE k -inf +inf BYSCORE LIMIT 1 2 WITHSCORES", "*4\r\n$1\r\nc\r\n$4\r\n-0.5\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n", "*2\r\n*2\r\n$1\r\nc\r\n,-0.5\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"),
		st3("ZRANGE k +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES", "*4\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\ne\r\n$1\r\n3\r\n", "*2\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\ne\r\n,3\r\n"),
		st("ZRANGE k -inf +inf BYSCORE LIMIT -1 2", "*0\r\n"),
		st("ZRANGE k -inf +inf BYSCORE LIMIT 0 -1", "*7\r\n$1\r\ng\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nb\r\n$1\r\nd\r\n"),
		st("ZRANGE k -inf +inf BYSCORE LIMIT 0 0", "*0\r\n"),
		st("ZRANGE k -inf +inf BYSCORE LIMIT 100 1", "*0\r\n"),
		st("ZRANGE k 0 1 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
		st("ZRANGE k - + BYLEX WITHSCORES", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
		st("ZRANGE k 0 1 BYLEX", "-ERR min or max not valid string range item\r\n"),
		st("ZRANGE k 0 1 BYSCORE BYLEX", "-ERR syntax error\r\n"),
		st("ZRANGE k 0 1 REV REV", "-ERR syntax error\r\n"),
		st3("ZRANGE k 0 1 WITHSCORES WITHSCORES", "*4\r\n$1\r\ng\r\n$4\r\n-inf\r\n$1\r\nc\r\n$4\r\n-0.5\r\n", "*2\r\n*2\r\n$1\r\ng\r\n,-inf\r\n*2\r\n$1\r\nc\r\n,-0.5\r\n"),
		st("ZRANGE k 0 1 LIMIT 0", "-ERR syntax error\r\n"),
		st("ZRANGE k a b", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANGE k a b BYSCORE", "-ERR min or max is not a float\r\n"),
		st("ZRANGE k 0 1 LIMIT x 1 BYSCORE", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANGE nokey 0 -1", "*0\r\n"),
		st("ZRANGE nokey a b", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANGE list 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZRANGE list a b", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANGE k 0", "-ERR wrong number of arguments for 'zrange' command\r\n"),
		st3("ZREVRANGE k 0 2 WITHSCORES", "*6\r\n$1\r\nd\r\n$3\r\ninf\r\n$1\r\nb\r\n$5\r\n1e+20\r\n$1\r\ne\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\nd\r\n,inf\r\n*2\r\n$1\r\nb\r\n,1e+20\r\n*2\r\n$1\r\ne\r\n,3\r\n"),
		st("ZREVRANGE k 0 2 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
		st("ZREVRANGE k 0 2 BYSCORE", "-ERR syntax error\r\n"),
		st("ZREVRANGE k 0 2 REV", "-ERR syntax error\r\n"),
	})
}

// TestZRangeByScore checks score ranges: exclusive and infinite bounds, C strtod's syntax, LIMIT; ZCOUNT.
func TestZRangeByScore(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 1 a 2 b 3 c 4 d 5 e", ":5\r\n"),
		st3("ZRANGEBYSCORE k -inf +inf WITHSCORES LIMIT 0 2", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
		st("ZRANGEBYSCORE k -inf +inf REV", "-ERR syntax error\r\n"),
		st("ZRANGEBYSCORE k (1 (3", "*1\r\n$1\r\nb\r\n"),
		st("ZRANGEBYSCORE k 2 4", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("ZRANGEBYSCORE k (2 4", "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("ZRANGEBYSCORE k 2 (4", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
		st("ZRANGEBYSCORE k (2 (2", "*0\r\n"),
		st("ZRANGEBYSCORE k 2 2", "*1\r\n$1\r\nb\r\n"),
		st("ZRANGEBYSCORE k 4 2", "*0\r\n"),
		st("ZRANGEBYSCORE k '' ''", "*0\r\n"),
		st("ZRANGEBYSCORE k ( 100", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("ZRANGEBYSCORE k 1e999 -1e999", "*0\r\n"),
		st("ZRANGEBYSCORE k -1e999 1e999", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("ZRANGEBYSCORE k 0x1 0x2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
		st("ZRANGEBYSCORE k 1.5 3.", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"),
		st("ZRANGEBYSCORE k nan 1", "-ERR min or max is not a float\r\n"),
		st("ZRANGEBYSCORE k 1 (nan", "-ERR min or max is not a float\r\n"),
		st("ZRANGEBYSCORE k x 1", "-ERR min or max is not a float\r\n"),
		st("ZRANGEBYSCORE k 1 2 BYLEX", "-ERR syntax error\r\n"),
		st("ZRANGEBYSCORE k 1 2 LIMIT 1", "-ERR syntax error\r\n"),
		st("ZRANGEBYSCORE k 1 5 LIMIT 1 -5", "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st3("ZREVRANGEBYSCORE k +inf -inf WITHSCORES", "*10\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n", "*5\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"),
		st("ZREVRANGEBYSCORE k 3 1", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
		st("ZREVRANGEBYSCORE k 3 1 LIMIT 1 1", "*1\r\n$1\r\nb\r\n"),
		st("ZREVRANGEBYSCORE k (3 (1", "*1\r\n$1\r\nb\r\n"),
		st("ZREVRANGEBYSCORE k 1 3", "*0\r\n"),
		st("ZCOUNT k -inf +inf", ":5\r\n"),
		st("ZCOUNT k (1 3", ":2\r\n"),
		st("ZCOUNT k 3 1", ":0\r\n"),
		st("ZCOUNT k a b", "-ERR min or max is not a float\r\n"),
		st("ZCOUNT nokey 1 2", ":0\r\n"),
		st("ZCOUNT list 1 2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZCOUNT k (3 (3", ":0\r\n"),
	})
}

// TestZRangeByLex checks member ranges: [ ( - +, and what a mixed-score listpack gives.
func TestZRangeByLex(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", ":7\r\n"),
		st("ZRANGEBYLEX l - +", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
		st("ZRANGEBYLEX l [b (e", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("ZRANGEBYLEX l (b [e LIMIT 1 2", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("ZRANGEBYLEX l - + WITHSCORES", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
		st("ZRANGEBYLEX l a b", "-ERR min or max not valid string range item\r\n"),
		st("ZRANGEBYLEX l + -", "*0\r\n"),
		st("ZRANGEBYLEX l - -", "*0\r\n"),
		st("ZRANGEBYLEX l + +", "*0\r\n"),
		st("ZRANGEBYLEX l [ +", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
		st("ZRANGEBYLEX l ( +", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
		st("ZRANGEBYLEX l '' +", "-ERR min or max not valid string range item\r\n"),
		st("ZRANGEBYLEX l -x +", "-ERR min or max not valid string range item\r\n"),
		st("ZRANGEBYLEX l [c [c", "*1\r\n$1\r\nc\r\n"),
		st("ZRANGEBYLEX l (c [c", "*0\r\n"),
		st("ZRANGEBYLEX l [bb [dd", "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("ZREVRANGEBYLEX l + -", "*7\r\n$1\r\ng\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
		st("ZREVRANGEBYLEX l [e [b LIMIT 0 2", "*2\r\n$1\r\ne\r\n$1\r\nd\r\n"),
		st("ZREVRANGEBYLEX l (e - LIMIT 1 -1", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
		st("ZLEXCOUNT l - +", ":7\r\n"),
		st("ZLEXCOUNT l [b [d", ":3\r\n"),
		st("ZLEXCOUNT l [d [b", ":0\r\n"),
		st("ZLEXCOUNT l b d", "-ERR min or max not valid string range item\r\n"),
		st("ZLEXCOUNT nokey - +", ":0\r\n"),
		st("ZLEXCOUNT list - +", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZADD m 1 z 2 a 3 b 4 y 5 c 6 d", ":6\r\n"),
		st("ZRANGEBYLEX m [a [c", "*0\r\n"),
		st("ZRANGEBYLEX m - [c", "*0\r\n"),
		st("ZRANGEBYLEX m [a + LIMIT 2 2", "*2\r\n$1\r\nb\r\n$1\r\ny\r\n"),
		st("ZREVRANGEBYLEX m [c [a", "*0\r\n"),
		st("ZREVRANGEBYLEX m + [b", "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\ny\r\n$1\r\nb\r\n"),
		st("ZLEXCOUNT m [a [c", ":0\r\n"),
		st("ZLEXCOUNT m [b [z", ":6\r\n"),
	})
}

// TestZRemRange checks ZREMRANGEBYLEX, ZREMRANGEBYRANK and ZREMRANGEBYSCORE.
func TestZRemRange(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", ":7\r\n"),
		st("ZREMRANGEBYLEX l [f +", ":2\r\n"),
		st("ZRANGE l 0 -1", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("ZREMRANGEBYLEX l x y", "-ERR min or max not valid string range item\r\n"),
		st("ZREMRANGEBYRANK l 0 0", ":1\r\n"),
		st("ZREMRANGEBYRANK l -1 -1", ":1\r\n"),
		st("ZREMRANGEBYRANK l 5 1", ":0\r\n"),
		st("ZREMRANGEBYRANK l a 1", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANGE l 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("ZREMRANGEBYSCORE l (0 +inf", ":0\r\n"),
		st("ZREMRANGEBYSCORE l -inf +inf", ":3\r\n"),
		st("EXISTS l", ":0\r\n"),
		st("ZREMRANGEBYSCORE l x 1", "-ERR min or max is not a float\r\n"),
		st("ZREMRANGEBYSCORE nokey 1 2", ":0\r\n"),
		st("ZREMRANGEBYRANK nokey 0 -1", ":0\r\n"),
		st("ZREMRANGEBYLEX nokey - +", ":0\r\n"),
		st("ZREMRANGEBYSCORE list 1 2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZADD s 1 a 2 b 3 c 4 d", ":4\r\n"),
		st("ZREMRANGEBYSCORE s (1 3", ":2\r\n"),
		st("ZRANGE s 0 -1", "*2\r\n$1\r\na\r\n$1\r\nd\r\n"),
		st("ZREMRANGEBYRANK s 0 -1", ":2\r\n"),
		st("EXISTS s", ":0\r\n"),
	})
}

// TestZPop checks ZPOPMIN and ZPOPMAX: flat pairs, nested under RESP3 with a count.
func TestZPop(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 1 a 2 b 3 c 4 d 5 e", ":5\r\n"),
		st3("ZPOPMIN k", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$1\r\na\r\n,1\r\n"),
		st3("ZPOPMAX k 2", "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n", "*2\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nd\r\n,4\r\n"),
		st("ZPOPMIN k 0", "*0\r\n"),
		st("ZPOPMIN k -1", "-ERR value is out of range, must be positive\r\n"),
		st("ZPOPMIN k abc", "-ERR value is out of range, must be positive\r\n"),
		st("ZPOPMIN k 1 2", "-ERR syntax error\r\n"),
		st("ZPOPMIN nokey", "*0\r\n"),
		st("ZPOPMIN nokey 5", "*0\r\n"),
		st("ZPOPMAX nokey", "*0\r\n"),
		st3("ZPOPMAX k 100", "*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
		st("EXISTS k", ":0\r\n"),
		st("ZPOPMIN list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZPOPMAX list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
	})
}

// TestZMPop checks ZMPOP: the first non-empty key, its name and nested pairs.
func TestZMPop(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k 1 a 2 b 3 c", ":3\r\n"),
		st("ZADD k2 5 x", ":1\r\n"),
		st3("ZMPOP 2 nokey k MIN", "*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$1\r\nk\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
		st3("ZMPOP 2 k k2 MAX COUNT 10", "*2\r\n$1\r\nk\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n$1\r\nk\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
		st3("ZMPOP 1 nokey MIN", "*-1\r\n", "_\r\n"),
		st("ZMPOP 0 k MIN", "-ERR numkeys should be greater than 0\r\n"),
		st("ZMPOP -1 k MIN", "-ERR numkeys should be greater than 0\r\n"),
		st("ZMPOP abc k MIN", "-ERR numkeys should be greater than 0\r\n"),
		st("ZMPOP 1 k", "-ERR wrong number of arguments for 'zmpop' command\r\n"),
		st("ZMPOP 2 k MIN", "-ERR syntax error\r\n"),
		st("ZMPOP 1 k foo", "-ERR syntax error\r\n"),
		st("ZMPOP 1 k MIN COUNT", "-ERR syntax error\r\n"),
		st("ZMPOP 1 k MIN COUNT 0", "-ERR count should be greater than 0\r\n"),
		st("ZMPOP 1 k MIN COUNT 1 COUNT 1", "-ERR syntax error\r\n"),
		st("ZMPOP 1 k MIN foo 1", "-ERR syntax error\r\n"),
		st3("ZMPOP 1 k2 max count 5", "*2\r\n$2\r\nk2\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n5\r\n", "*2\r\n$2\r\nk2\r\n*1\r\n*2\r\n$1\r\nx\r\n,5\r\n"),
		st("EXISTS k2", ":0\r\n"),
		st("ZMPOP 1 list MIN", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZMPOP 2 nokey list MIN", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st3("ZMPOP 2 k2 nokey MIN", "*-1\r\n", "_\r\n"),
	})
}

// TestZRandMember checks ZRANDMEMBER where its reply is determined, and its errors.
func TestZRandMember(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st3("ZRANDMEMBER nokey", "$-1\r\n", "_\r\n"),
		st("ZRANDMEMBER nokey 5", "*0\r\n"),
		st("ZRANDMEMBER nokey 5 WITHSCORES", "*0\r\n"),
		st("ZADD r 1 a 2 b 3 c", ":3\r\n"),
		st("ZRANDMEMBER r 0", "*0\r\n"),
		st("ZRANDMEMBER r 3", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
		st3("ZRANDMEMBER r 10 WITHSCORES", "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n", "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,1\r\n"),
		st("ZRANDMEMBER r 10 WITHSCORE", "-ERR syntax error\r\n"),
		st("ZRANDMEMBER r 10 WITHSCORES x", "-ERR syntax error\r\n"),
		st("ZRANDMEMBER r -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
		st("ZRANDMEMBER r 9223372036854775807 WITHSCORES", "-ERR value is out of range\r\n"),
		st("ZRANDMEMBER r -4611686018427387904 WITHSCORES", "-ERR value is out of range\r\n"),
		st("ZRANDMEMBER r abc", "-ERR value is not an integer or out of range\r\n"),
		st("ZRANDMEMBER list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZRANDMEMBER list 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZADD one 5 solo", ":1\r\n"),
		st("ZRANDMEMBER one", "$4\r\nsolo\r\n"),
		st3("ZRANDMEMBER one -3 WITHSCORES", "*6\r\n$4\r\nsolo\r\n$1\r\n5\r\n$4\r\nsolo\r\n$1\r\n5\r\n$4\r\nsolo\r\n$1\r\n5\r\n", "*3\r\n*2\r\n$4\r\nsolo\r\n,5\r\n*2\r\n$4\r\nsolo\r\n,5\r\n*2\r\n$4\r\nsolo\r\n,5\r\n"),
		st3("ZRANDMEMBER one 1 WITHSCORES", "*2\r\n$4\r\nsolo\r\n$1\r\n5\r\n", "*1\r\n*2\r\n$4\r\nsolo\r\n,5\r\n"),
	})
}

// TestZScan checks ZSCAN of a listpack-encoded set (all at once, integer scores as integers).
func TestZScan(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD r 1 a 2 b 3 c 0.5 d 123456789012345678 e", ":5\r\n"),
		st("ZSCAN r 0", "*2\r\n$1\r\n0\r\n*10\r\n$1\r\nd\r\n$3\r\n0.5\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\ne\r\n$18\r\n123456789012345680\r\n"),
		st("ZSCAN r 0 COUNT 0", "-ERR syntax error\r\n"),
		st("ZSCAN r 0 COUNT abc", "-ERR value is not an integer or out of range\r\n"),
		st("ZSCAN r 0 MATCH a*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
		st("ZSCAN r 0 MATCH [bc] COUNT 1", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
		st("ZSCAN r 0 MATCH", "-ERR syntax error\r\n"),
		st("ZSCAN r 0 TYPE zset", "-ERR syntax error\r\n"),
		st("ZSCAN r abc", "-ERR invalid cursor\r\n"),
		st("ZSCAN r -1", "*2\r\n$1\r\n0\r\n*10\r\n$1\r\nd\r\n$3\r\n0.5\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\ne\r\n$18\r\n123456789012345680\r\n"),
		st("ZSCAN nokey 0 foo", "*2\r\n$1\r\n0\r\n*0\r\n"),
		st("ZSCAN list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZSCAN nokey abc", "-ERR invalid cursor\r\n"),
	})
}

// TestZSetOps checks ZUNION, ZINTER, ZDIFF and ZINTERCARD: WEIGHTS, AGGREGATE, infinities, summing order.
func TestZSetOps(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD a 1 x 2 y 3 z", ":3\r\n"),
		st("ZADD b 10 y 20 z 30 w", ":3\r\n"),
		st("ZUNION 2 a b", "*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n"),
		st3("ZUNION 2 a b WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n"),
		st3("ZUNION 2 a b WEIGHTS 2 3 WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$2\r\n34\r\n$1\r\nz\r\n$2\r\n66\r\n$1\r\nw\r\n$2\r\n90\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,2\r\n*2\r\n$1\r\ny\r\n,34\r\n*2\r\n$1\r\nz\r\n,66\r\n*2\r\n$1\r\nw\r\n,90\r\n"),
		st("ZUNION 2 a b WEIGHTS 2 WITHSCORES", "-ERR weight value is not a float\r\n"),
		st("ZUNION 2 a b WEIGHTS 2 x WITHSCORES", "-ERR weight value is not a float\r\n"),
		st3("ZUNION 2 a b AGGREGATE MIN WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n*2\r\n$1\r\nw\r\n,30\r\n"),
		st3("ZUNION 2 a b AGGREGATE max WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\nw\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,10\r\n*2\r\n$1\r\nz\r\n,20\r\n*2\r\n$1\r\nw\r\n,30\r\n"),
		st("ZUNION 2 a b AGGREGATE foo", "-ERR syntax error\r\n"),
		st("ZUNION 2 a b AGGREGATE", "-ERR syntax error\r\n"),
		st("ZUNION 0 a", "-ERR at least 1 input key is needed for 'zunion' command\r\n"),
		st("ZUNION -1 a", "-ERR at least 1 input key is needed for 'zunion' command\r\n"),
		st("ZUNION abc a", "-ERR value is not an integer or out of range\r\n"),
		st("ZUNION 3 a b", "-ERR syntax error\r\n"),
		st3("ZUNION 1 a WITHSCORES WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n"),
		st3("ZINTER 2 a b WITHSCORES", "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n", "*2\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n"),
		st3("ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES", "*4\r\n$1\r\nz\r\n$3\r\n-17\r\n$1\r\ny\r\n$2\r\n-8\r\n", "*2\r\n*2\r\n$1\r\nz\r\n,-17\r\n*2\r\n$1\r\ny\r\n,-8\r\n"),
		st3("ZINTER 2 a a WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n", "*3\r\n*2\r\n$1\r\nx\r\n,2\r\n*2\r\n$1\r\ny\r\n,4\r\n*2\r\n$1\r\nz\r\n,6\r\n"),
		st("ZINTER 2 a nokey", "*0\r\n"),
		st("ZINTER 2 nokey a WITHSCORES", "*0\r\n"),
		st3("ZDIFF 2 a b WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\nx\r\n,1\r\n"),
		st("ZDIFF 2 a a", "*0\r\n"),
		st3("ZDIFF 1 a WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n"),
		st("ZDIFF 2 a b WEIGHTS 1 1", "-ERR syntax error\r\n"),
		st("ZDIFF 2 a b AGGREGATE SUM", "-ERR syntax error\r\n"),
		st("ZDIFF 2 nokey a", "*0\r\n"),
		st("ZINTERCARD 2 a b", ":2\r\n"),
		st("ZINTERCARD 2 a b LIMIT 1", ":1\r\n"),
		st("ZINTERCARD 2 a b LIMIT 0", ":2\r\n"),
		st("ZINTERCARD 2 a b LIMIT -1", "-ERR LIMIT can't be negative\r\n"),
		st("ZINTERCARD 2 a b LIMIT x", "-ERR LIMIT can't be negative\r\n"),
		st("ZINTERCARD 2 a b WITHSCORES", "-ERR syntax error\r\n"),
		st("ZINTERCARD 2 a b WEIGHTS 1 1", "-ERR syntax error\r\n"),
		st("ZINTERCARD 0 a", "-ERR at least 1 input key is needed for 'zintercard' command\r\n"),
		st("ZINTERCARD 3 a b", "-ERR syntax error\r\n"),
		st("ZUNION 2 a list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZUNION 2 list a foo", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZUNION 2 a b foo", "-ERR syntax error\r\n"),
		st("ZINTERCARD 2 a list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZADD inf1 inf x", ":1\r\n"),
		st("ZADD inf2 -inf x", ":1\r\n"),
		st3("ZUNION 2 inf1 inf2 WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nx\r\n,0\r\n"),
		st3("ZINTER 2 inf1 inf2 WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nx\r\n,0\r\n"),
		st3("ZUNION 2 inf1 a WEIGHTS 0 1 WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n"),
		st3("ZUNION 2 a b WEIGHTS inf -inf WITHSCORES", "*8\r\n$1\r\nw\r\n$4\r\n-inf\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n$1\r\nx\r\n$3\r\ninf\r\n", "*4\r\n*2\r\n$1\r\nw\r\n,-inf\r\n*2\r\n$1\r\ny\r\n,0\r\n*2\r\n$1\r\nz\r\n,0\r\n*2\r\n$1\r\nx\r\n,inf\r\n"),
		st("ZADD p 0.1 m", ":1\r\n"),
		st("ZADD q 0.2 m", ":1\r\n"),
		st("ZADD r 0.3 m", ":1\r\n"),
		st3("ZUNION 3 p q r WITHSCORES", "*2\r\n$1\r\nm\r\n$19\r\n0.60000000000000009\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,0.60000000000000009\r\n"),
		st3("ZUNION 3 r q p WITHSCORES", "*2\r\n$1\r\nm\r\n$19\r\n0.59999999999999998\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,0.59999999999999998\r\n"),
	})
}

// TestZSetStore checks the STORE forms and ZRANGESTORE: an empty result deletes the destination, which loses its TTL.
func TestZSetStore(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD a 1 x 2 y 3 z", ":3\r\n"),
		st("ZADD b 10 y 20 z 30 w", ":3\r\n"),
		st("ZUNIONSTORE d 2 a b", ":4\r\n"),
		st3("ZRANGE d 0 -1 WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n"),
		st("OBJECT ENCODING d", "$8\r\nlistpack\r\n"),
		st("ZUNIONSTORE d 2 a b WITHSCORES", "-ERR syntax error\r\n"),
		st("ZINTERSTORE d 2 a b WEIGHTS 2 2", ":2\r\n"),
		st3("ZRANGE d 0 -1 WITHSCORES", "*4\r\n$1\r\ny\r\n$2\r\n24\r\n$1\r\nz\r\n$2\r\n46\r\n", "*2\r\n*2\r\n$1\r\ny\r\n,24\r\n*2\r\n$1\r\nz\r\n,46\r\n"),
		st("ZINTERSTORE d 2 a nokey", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("ZDIFFSTORE d 2 a b", ":1\r\n"),
		st3("ZRANGE d 0 -1 WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\nx\r\n,1\r\n"),
		st("ZDIFFSTORE d 0 a", "-ERR at least 1 input key is needed for 'zdiffstore' command\r\n"),
		st("ZUNIONSTORE d 1 nokey", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SET str v", "+OK\r\n"),
		st("EXPIRE str 100", ":1\r\n"),
		st("ZUNIONSTORE str 1 a", ":3\r\n"),
		st("TYPE str", "+zset\r\n"),
		st("TTL str", ":-1\r\n"),
		st("ZUNIONSTORE d 2 a list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZUNIONSTORE a 2 a b", ":4\r\n"),
		st3("ZRANGE a 0 -1 WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n"),
		st("ZADD sr 1 a 2 b 3 c 4 d 5 e", ":5\r\n"),
		st("ZRANGESTORE dst sr 0 2", ":3\r\n"),
		st3("ZRANGE dst 0 -1 WITHSCORES", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"),
		st("ZRANGESTORE dst sr 0 2 WITHSCORES", "-ERR syntax error\r\n"),
		st("ZRANGESTORE dst sr (1 4 BYSCORE REV", ":0\r\n"),
		st("ZRANGESTORE dst sr 4 (1 BYSCORE REV", ":3\r\n"),
		st3("ZRANGE dst 0 -1 WITHSCORES", "*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n", "*3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nd\r\n,4\r\n"),
		st("ZRANGESTORE dst sr 4 (1 BYSCORE REV LIMIT 1 1", ":1\r\n"),
		st3("ZRANGE dst 0 -1 WITHSCORES", "*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n"),
		st("ZRANGESTORE dst sr 10 20", ":0\r\n"),
		st("EXISTS dst", ":0\r\n"),
		st("ZRANGESTORE dst nokey 0 -1", ":0\r\n"),
		st("ZRANGESTORE dst list 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("ZRANGESTORE str sr 0 -1", ":5\r\n"),
		st("TYPE str", "+zset\r\n"),
		st("ZRANGESTORE dst sr [a [c BYLEX", ":3\r\n"),
		st("ZRANGE dst 0 -1", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"),
		st("ZRANGESTORE dst sr 0 -1 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
	})
}

// TestZSetEncoding checks OBJECT ENCODING around zset-max-listpack-entries and -value.
func TestZSetEncoding(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("CONFIG SET zset-max-listpack-entries 4", "+OK\r\n"),
		st("CONFIG SET zset-max-listpack-value 5", "+OK\r\n"),
		st("ZADD e 1 a 2 b 3 c 4 d", ":4\r\n"),
		st("OBJECT ENCODING e", "$8\r\nlistpack\r\n"),
		st("ZADD e 5 e", ":1\r\n"),
		st("OBJECT ENCODING e", "$8\r\nskiplist\r\n"),
		st("ZREM e a b c d", ":4\r\n"),
		st("OBJECT ENCODING e", "$8\r\nskiplist\r\n"),
		st("ZADD f 1 abcde", ":1\r\n"),
		st("OBJECT ENCODING f", "$8\r\nlistpack\r\n"),
		st("ZADD f 1 abcdef", ":1\r\n"),
		st("OBJECT ENCODING f", "$8\r\nskiplist\r\n"),
		st("ZADD h 1 a 1 a 1 a 1 a 1 a 1 a", ":1\r\n"),
		st("OBJECT ENCODING h", "$8\r\nlistpack\r\n"),
		st3("ZINCRBY j 1 abcdefgh", "$1\r\n1\r\n", ",1\r\n"),
		st("OBJECT ENCODING j", "$8\r\nskiplist\r\n"),
		st("ZADD big 1 a 2 b 3 c 4 d 5 e 6 f", ":6\r\n"),
		st("ZUNIONSTORE u 1 big", ":6\r\n"),
		st("OBJECT ENCODING u", "$8\r\nskiplist\r\n"),
		st("ZRANGESTORE rs big 0 2", ":3\r\n"),
		st("OBJECT ENCODING rs", "$8\r\nlistpack\r\n"),
		st("ZRANGESTORE rs big 0 4", ":5\r\n"),
		st("OBJECT ENCODING rs", "$8\r\nskiplist\r\n"),
		st("ZADD lm 1 abcdef", ":1\r\n"),
		st("ZUNIONSTORE u4 2 lm e", ":2\r\n"),
		st("OBJECT ENCODING u4", "$8\r\nskiplist\r\n"),
		st("COPY big bigcopy", ":1\r\n"),
		st("OBJECT ENCODING bigcopy", "$8\r\nskiplist\r\n"),
		st3("ZRANGE bigcopy 0 -1 WITHSCORES", "*12\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n", "*6\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\ne\r\n,5\r\n*2\r\n$1\r\nf\r\n,6\r\n"),
		st("CONFIG SET zset-max-listpack-entries 0", "+OK\r\n"),
		st("ZADD z0 1 a", ":1\r\n"),
		st("OBJECT ENCODING z0", "$8\r\nskiplist\r\n"),
		st("ZUNIONSTORE z1 1 z0", ":1\r\n"),
		st("OBJECT ENCODING z1", "$8\r\nskiplist\r\n"),
		st("CONFIG SET zset-max-listpack-entries 128", "+OK\r\n"),
		st("CONFIG SET zset-max-listpack-value 64", "+OK\r\n"),
		st("ZADD neg -0 a", ":1\r\n"),
		st3("ZSCORE neg a", "$1\r\n0\r\n", ",0\r\n"),
		st("TYPE neg", "+zset\r\n"),
	})
}

// TestZSetArity checks arity errors.
func TestZSetArity(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("ZADD k", "-ERR wrong number of arguments for 'zadd' command\r\n"),
		st("ZCARD", "-ERR wrong number of arguments for 'zcard' command\r\n"),
		st("ZSCORE k", "-ERR wrong number of arguments for 'zscore' command\r\n"),
		st("ZRANGE k 0", "-ERR wrong number of arguments for 'zrange' command\r\n"),
		st("ZRANGESTORE d s 0", "-ERR wrong number of arguments for 'zrangestore' command\r\n"),
		st("ZUNIONSTORE d 1", "-ERR wrong number of arguments for 'zunionstore' command\r\n"),
		st("ZMPOP 1 k", "-ERR wrong number of arguments for 'zmpop' command\r\n"),
		st("ZPOPMIN", "-ERR wrong number of arguments for 'zpopmin' command\r\n"),
		st("ZINTERCARD 1", "-ERR wrong number of arguments for 'zintercard' command\r\n"),
		st("ZRANK k a b", "-ERR wrong number of arguments for 'zrank' command\r\n"),
		st("ZLEXCOUNT k -", "-ERR wrong number of arguments for 'zlexcount' command\r\n"),
	})
}

// TestZSetNegativeZero: where Redis keeps a score of -0 and where it
// loses the sign. A listpack stores -0 as the integer 0; a skiplist keeps
// it, and INCR by 0 replies the sum (0) but keeps -0, which compares
// equal. ZRANGESTORE adds to a listpack until a member does not fit (a
// range by rank longer than zset-max-listpack-entries starts as a
// skiplist), so the members added before that lose the sign.
func TestZSetNegativeZero(t *testing.T) {
	m := strings.Repeat("m", 65)
	// scores is ZMSCORE d a b answering a's and b's scores.
	scores := func(a, b string) strStep {
		return st3("ZMSCORE d a b", fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(a), a, len(b), b),
			"*2\r\n,"+a+"\r\n,"+b+"\r\n")
	}
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("CONFIG SET zset-max-listpack-entries 0", "+OK\r\n"),
		st("ZADD z -0 m", ":1\r\n"),
		st3("ZADD z INCR 0 m", "$1\r\n0\r\n", ",0\r\n"),
		st3("ZINCRBY z 0 m", "$1\r\n0\r\n", ",0\r\n"),
		st3("ZSCORE z m", "$2\r\n-0\r\n", ",-0\r\n"),
		st("CONFIG SET zset-max-listpack-entries 128", "+OK\r\n"),
		st("ZADD big 1 "+m, ":1\r\n"),
		st("ZADD big -0 a -0 b", ":2\r\n"),
		st("ZRANGESTORE d big 0 -1", ":3\r\n"),
		scores("0", "0"),
		st("ZRANGESTORE d big 0 -1 REV", ":3\r\n"),
		scores("-0", "-0"),
		st("CONFIG SET zset-max-listpack-entries 1", "+OK\r\n"),
		st("ZRANGESTORE d big (-inf (2 BYSCORE", ":3\r\n"),
		scores("0", "-0"),
		st("ZRANGESTORE d big 0 -1", ":3\r\n"),
		scores("-0", "-0"),
		st("CONFIG SET zset-max-listpack-entries 128", "+OK\r\n"),
	})
}

// TestZInterNaN: in an intersection Redis turns only the first set's
// product of score and weight into 0 when it is NaN (0 * inf); the later
// ones reach the aggregate as NaN, so a SUM becomes NaN, which it turns
// into 0, and MIN and MAX keep what they had. A union zeroes every NaN
// product. Replies recorded from redis-server 7.0.
func TestZInterNaN(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("ZADD a 5 m", ":1\r\n"),
		st("ZADD b 0 m", ":1\r\n"),
		st("ZADD c -3 m", ":1\r\n"),
		st3("ZINTER 2 a b WEIGHTS 1 inf WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,0\r\n"),
		st3("ZINTER 2 a b WEIGHTS 1 inf AGGREGATE MIN WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n5\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,5\r\n"),
		st3("ZINTER 2 c b WEIGHTS 1 inf AGGREGATE MAX WITHSCORES", "*2\r\n$1\r\nm\r\n$2\r\n-3\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,-3\r\n"),
		st3("ZINTER 2 b a WEIGHTS inf 1 WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n5\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,5\r\n"),
		st3("ZINTER 3 a b b WEIGHTS 1 inf -inf WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,0\r\n"),
		st("ZINTERSTORE d 2 a b WEIGHTS 1 inf", ":1\r\n"),
		st3("ZSCORE d m", "$1\r\n0\r\n", ",0\r\n"),
		st3("ZUNION 2 a b WEIGHTS 1 inf AGGREGATE MIN WITHSCORES", "*2\r\n$1\r\nm\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nm\r\n,0\r\n"),
	})
}
