package command_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// strStep is one command and the raw reply redis-server 7.0 gives to it,
// under RESP2 and, where the shape differs, RESP3.
type strStep struct {
	args  []string
	resp2 string
	resp3 string // "" when RESP3's reply is RESP2's
}

// st builds a step from a command line split on spaces; ” stands for an
// empty argument.
func st(line, resp2 string) strStep { return strStep{args: strArgs(line), resp2: resp2} }

// st3 is st for a reply whose RESP3 shape differs.
func st3(line, resp2, resp3 string) strStep {
	return strStep{args: strArgs(line), resp2: resp2, resp3: resp3}
}

func strArgs(line string) []string {
	args := strings.Fields(line)
	for i, a := range args {
		if a == "''" {
			args[i] = ""
		}
	}
	return args
}

// Replies used often.
const (
	strOK       = "+OK\r\n"
	strNull2    = "$-1\r\n"
	strNull3    = "_\r\n"
	strEmpty    = "$0\r\n\r\n"
	strSyntax   = "-ERR syntax error\r\n"
	strNotInt   = "-ERR value is not an integer or out of range\r\n"
	strNotFloat = "-ERR value is not a valid float\r\n"
	strWrong    = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
)

func strBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func strInt(n int64) string { return ":" + strconv.FormatInt(n, 10) + "\r\n" }

// strRun runs steps in order on a fresh connection, once speaking RESP2
// in database 2 and once speaking RESP3 in database 3, where the key
// "list" holds a non-string value.
func strRun(t *testing.T, srv *testserver.Server, steps []strStep) {
	t.Helper()
	for _, proto := range []int{2, 3} {
		strPutList(t, srv, proto, "list")
		raw := srv.Raw(t)
		if proto == 3 {
			raw.Do("HELLO", "3")
		}
		if got := raw.Do("SELECT", strconv.Itoa(proto)); got != strOK {
			t.Fatalf("SELECT: %q", got)
		}
		for i, s := range steps {
			want := s.resp2
			if proto == 3 && s.resp3 != "" {
				want = s.resp3
			}
			if got := raw.Do(s.args...); got != want {
				t.Errorf("RESP%d step %d %q:\n got %q\nwant %q", proto, i, s.args, got, want)
			}
		}
	}
}

// strPutList stores a value of another type than string at key, for the
// WRONGTYPE checks (no list command exists in this package).
func strPutList(t *testing.T, srv *testserver.Server, db int, key string) {
	t.Helper()
	eng := srv.Node.Engine()
	txn := eng.NewTxn()
	v := txn.LockKey(eng.DB(db), []byte(key))
	v.Put([]byte(key), &engine.Entry{Kind: engine.KindList}, 0)
	txn.Unlock()
}

// strExpireAt returns the expiry time (Unix ms) of key in db 0, 0 when
// it has none and -2 when the key does not exist.
func strExpireAt(t *testing.T, srv *testserver.Server, key string) int64 {
	t.Helper()
	eng := srv.Node.Engine()
	txn := eng.NewTxn()
	defer txn.Unlock()
	e := txn.LockKey(eng.DB(0), []byte(key)).Peek([]byte(key))
	if e == nil {
		return -2
	}
	return e.ExpireAt()
}

func TestStringGetSet(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st3("GET k", strNull2, strNull3),
		st("SET k hello", strOK),
		st("GET k", strBulk("hello")),
		st("set k hello2", strOK),
		st("GET k", strBulk("hello2")),
		st("SET k", "-ERR wrong number of arguments for 'set' command\r\n"),
		st("GET", "-ERR wrong number of arguments for 'get' command\r\n"),
		st("GET list", strWrong),
		// NX and XX.
		st3("SET k v NX", strNull2, strNull3),
		st("SET n v NX", strOK),
		st3("SET x v XX", strNull2, strNull3),
		st("SET n v2 xx", strOK),
		st("GET n", strBulk("v2")),
		st3("SET k v nx nx", strNull2, strNull3),
		// GET returns the old value; with NX/XX it replies it even when
		// nothing is set (Redis 7.0 allows SET NX GET).
		st("SET k v3 GET", strBulk("hello2")),
		st("SET k v4 get get", strBulk("v3")),
		st3("SET g1 v GET", strNull2, strNull3),
		st("SET g1 w GET NX", strBulk("v")),
		st("GET g1", strBulk("v")),
		st3("SET g2 w GET XX", strNull2, strNull3),
		st3("GET g2", strNull2, strNull3),
		st3("SET g3 w NX GET", strNull2, strNull3),
		st("GET g3", strBulk("w")),
		st("SET list v GET", strWrong),
		st("SET list v", strOK),
		st("GET list", strBulk("v")),
		// Option conflicts and bad values.
		st("SET k v NX XX", strSyntax),
		st("SET k v xx nx", strSyntax),
		st("SET k v EX 10 PX 100", strSyntax),
		st("SET k v KEEPTTL EX 10", strSyntax),
		st("SET k v EX 10 KEEPTTL", strSyntax),
		st("SET k v EXAT 10 PXAT 100", strSyntax),
		st("SET k v PERSIST", strSyntax),
		st("SET k v EX", strSyntax),
		st("SET k v foo", strSyntax),
		st("SET k v EX abc", strNotInt),
		st("SET k v EX 1.5", strNotInt),
		st("SET k v EX 0", "-ERR invalid expire time in 'set' command\r\n"),
		st("SET k v PX -1", "-ERR invalid expire time in 'set' command\r\n"),
		st("SET k v EXAT 0", "-ERR invalid expire time in 'set' command\r\n"),
		st("SET k v PX 9223372036854775807", "-ERR invalid expire time in 'set' command\r\n"),
		st("SET k v EX 9223372036854775", "-ERR invalid expire time in 'set' command\r\n"),
		st("SET k v EX 9223372036854776", "-ERR invalid expire time in 'set' command\r\n"),
		st("GET k", strBulk("v4")),
		// The expiry is checked before GET's reply.
		st("SET k v5 GET EX 0", "-ERR invalid expire time in 'set' command\r\n"),
		// A time in the past stores a key that is already gone.
		st("SET k v EXAT 1", strOK),
		st3("GET k", strNull2, strNull3),
		st3("SET k v PXAT 1 GET", strNull2, strNull3),
	})
}

func TestStringSetVariants(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("SETNX k a", strInt(1)),
		st("SETNX k b", strInt(0)),
		st("GET k", strBulk("a")),
		st("SETNX list b", strInt(0)),
		st("SETEX k 100 v", strOK),
		st("GET k", strBulk("v")),
		st("SETEX k 0 v", "-ERR invalid expire time in 'setex' command\r\n"),
		st("SETEX k abc v", strNotInt),
		st("SETEX k 9223372036854775807 v", "-ERR invalid expire time in 'setex' command\r\n"),
		st("PSETEX k 100000 w", strOK),
		st("PSETEX k -5 v", "-ERR invalid expire time in 'psetex' command\r\n"),
		st("PSETEX k 1.5 v", strNotInt),
		st("GET k", strBulk("w")),
		st("SETEX k 10", "-ERR wrong number of arguments for 'setex' command\r\n"),
		st3("GETSET gs 1", strNull2, strNull3),
		st("GETSET gs 2", strBulk("1")),
		st("GET gs", strBulk("2")),
		st("GETSET list x", strWrong),
		st("GETDEL gs", strBulk("2")),
		st3("GETDEL gs", strNull2, strNull3),
		st3("GET gs", strNull2, strNull3),
		st("GETDEL list", strWrong),
	})
}

func TestStringGetEx(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// A missing key is null before the expiry is even parsed.
		st3("GETEX nokey EX abc", strNull2, strNull3),
		st("GETEX nokey foo", strSyntax),
		st("SET k v", strOK),
		st("GETEX k", strBulk("v")),
		st("GETEX k EX abc", strNotInt),
		st("GETEX k EX 0", "-ERR invalid expire time in 'getex' command\r\n"),
		st("GETEX k PERSIST EX 10", strSyntax),
		st("GETEX k EX 10 PERSIST", strSyntax),
		st("GETEX k EX 10 PX 10", strSyntax),
		st("GETEX k KEEPTTL", strSyntax),
		st("GETEX k NX", strSyntax),
		st("GETEX k GET", strSyntax),
		st("GETEX k EX", strSyntax),
		st("GETEX k EX 100", strBulk("v")),
		st("GETEX k PX 100000", strBulk("v")),
		st("GETEX k PERSIST persist", strBulk("v")),
		st("GETEX list", strWrong),
		st("GETEX list EX 10", strWrong),
		// EXAT in the past deletes the key after replying.
		st("GETEX k EXAT 1", strBulk("v")),
		st3("GET k", strNull2, strNull3),
	})
}

func TestStringTTL(t *testing.T) {
	srv := testserver.Start(t)
	raw := srv.Raw(t)
	now := time.Now().UnixMilli()
	near := func(key string, want int64) {
		t.Helper()
		got := strExpireAt(t, srv, key)
		if got < want-2000 || got > want+2000 {
			t.Errorf("%s expires at %d, want about %d", key, got, want)
		}
	}
	none := func(key string) {
		t.Helper()
		if got := strExpireAt(t, srv, key); got != 0 {
			t.Errorf("%s expires at %d, want no TTL", key, got)
		}
	}
	steps := []struct {
		args  string
		reply string
		check func()
	}{
		{"SET k v EX 100", strOK, func() { near("k", now+100_000) }},
		{"SET k v PX 5000", strOK, func() { near("k", now+5_000) }},
		{"SET k v KEEPTTL", strOK, func() { near("k", now+5_000) }},
		{"SET k v", strOK, func() { none("k") }},
		{"SET k v EXAT 99999999999", strOK, func() { near("k", 99999999999_000) }},
		{"SET k v PXAT 99999999999999", strOK, func() { near("k", 99999999999999) }},
		{"SET k v XX KEEPTTL", strOK, func() { near("k", 99999999999999) }},
		{"SETEX k 100 v", strOK, func() { near("k", now+100_000) }},
		{"PSETEX k 3000 v", strOK, func() { near("k", now+3_000) }},
		{"SETNX k2 v", strInt(1), func() { none("k2") }},
		// In-place changes keep the TTL.
		{"APPEND k w", strInt(2), func() { near("k", now+3_000) }},
		{"SETRANGE k 0 xy", strInt(2), func() { near("k", now+3_000) }},
		{"SET n 1 EX 100", strOK, func() { near("n", now+100_000) }},
		{"INCR n", strInt(2), func() { near("n", now+100_000) }},
		{"DECRBY n 5", strInt(-3), func() { near("n", now+100_000) }},
		{"INCRBYFLOAT n 0.5", strBulk("-2.5"), func() { near("n", now+100_000) }},
		{"SETBIT n 0 1", strInt(0), func() { near("n", now+100_000) }},
		{"BITFIELD n SET u8 0 65", "*1\r\n:173\r\n", func() { near("n", now+100_000) }},
		// GETSET and MSET replace the value and its TTL.
		{"GETSET n x", strBulk("A2.5"), func() { none("n") }},
		{"SET m v EX 100", strOK, func() { near("m", now+100_000) }},
		{"MSET m w", strOK, func() { none("m") }},
		// GETEX sets, replaces and removes it.
		{"GETEX m EX 50", strBulk("w"), func() { near("m", now+50_000) }},
		{"GETEX m PXAT 99999999999999", strBulk("w"), func() { near("m", 99999999999999) }},
		{"GETEX m", strBulk("w"), func() { near("m", 99999999999999) }},
		{"GETEX m PERSIST", strBulk("w"), func() { none("m") }},
		{"GETEX m PXAT 1", strBulk("w"), func() {
			if got := strExpireAt(t, srv, "m"); got != -2 {
				t.Errorf("m still exists after GETEX PXAT 1 (expiry %d)", got)
			}
		}},
		// BITOP's destination is a new value without TTL.
		{"SET d x EX 100", strOK, func() { near("d", now+100_000) }},
		{"BITOP NOT d k", strInt(2), func() { none("d") }},
	}
	for _, s := range steps {
		if got := raw.Do(strArgs(s.args)...); got != s.reply {
			t.Errorf("%s: got %q, want %q", s.args, got, s.reply)
		}
		s.check()
	}
}

func TestStringMulti(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("MSET a", "-ERR wrong number of arguments for 'mset' command\r\n"),
		st("MSET a 1 b", "-ERR wrong number of arguments for 'mset' command\r\n"),
		st("MSETNX a 1 b", "-ERR wrong number of arguments for 'msetnx' command\r\n"),
		st("MSET a 1 b 2 a 3", strOK),
		st3("MGET a b c list", "*4\r\n$1\r\n3\r\n$1\r\n2\r\n$-1\r\n$-1\r\n", "*4\r\n$1\r\n3\r\n$1\r\n2\r\n_\r\n_\r\n"),
		st("MSETNX a 9 c 9", strInt(0)),
		st("MSETNX c 9 list 9", strInt(0)),
		st3("GET c", strNull2, strNull3),
		st("MSETNX c 1 d 2 c 3", strInt(1)),
		st("MGET c d", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
		st("MSET list v", strOK),
		st("MGET list", "*1\r\n$1\r\nv\r\n"),
	})
}

func TestStringCounters(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("INCR n", strInt(1)),
		st("INCR n", strInt(2)),
		st("DECR n", strInt(1)),
		st("INCRBY n 10", strInt(11)),
		st("DECRBY n 20", strInt(-9)),
		st("GET n", strBulk("-9")),
		st("DECR m", strInt(-1)),
		st("INCRBY n 1.5", strNotInt),
		st("INCRBY n abc", strNotInt),
		st("INCRBY n +1", strNotInt),
		st("INCRBY n 01", strNotInt),
		st("DECRBY n -9223372036854775808", "-ERR decrement would overflow\r\n"),
		st("SET n 9223372036854775807", strOK),
		st("INCR n", "-ERR increment or decrement would overflow\r\n"),
		st("INCRBY n -1", strInt(9223372036854775806)),
		st("SET n -9223372036854775808", strOK),
		st("DECR n", "-ERR increment or decrement would overflow\r\n"),
		st("INCRBY n -1", "-ERR increment or decrement would overflow\r\n"),
		st("SET n 1.5", strOK),
		st("INCR n", strNotInt),
		st("SET n 01", strOK),
		st("INCR n", strNotInt),
		st("SET n ''", strOK),
		st("INCR n", strNotInt),
		st("SET n 99999999999999999999", strOK),
		st("INCR n", strNotInt),
		st("INCR list", strWrong),
		st("DECRBY list 1", strWrong),
		// Long double arithmetic, printed with 17 decimals and trailing
		// zeros trimmed.
		st("INCRBYFLOAT f 10.5", strBulk("10.5")),
		st("INCRBYFLOAT f 0.1", strBulk("10.6")),
		st("INCRBYFLOAT g 3.0e3", strBulk("3000")),
		st("INCRBYFLOAT z 0.1", strBulk("0.1")),
		st("INCRBYFLOAT z 0.1", strBulk("0.2")),
		st("INCRBYFLOAT z 0.1", strBulk("0.3")),
		st("INCRBYFLOAT z -0.3", strBulk("0")),
		st("INCRBYFLOAT h 1e20", strBulk("100000000000000000000")),
		st("INCRBYFLOAT h 1e-20", strBulk("100000000000000000000")),
		st("INCRBYFLOAT s 1e-20", strBulk("0")),
		st("INCRBYFLOAT s 5.0e-3", strBulk("0.005")),
		st("INCRBYFLOAT x 0x10", strBulk("16")),
		st("INCRBYFLOAT x -0.0", strBulk("16")),
		st("INCRBYFLOAT y -0.0", strBulk("0")),
		// 10^27 is exact in a long double's 64-bit mantissa, not in a
		// float64's 53 bits.
		st("INCRBYFLOAT y 1e27", strBulk("1"+strings.Repeat("0", 27))),
		st("SET y3 1e4932", strOK),
		st("INCRBYFLOAT y3 1e4932", "-ERR increment would produce NaN or Infinity\r\n"),
		st("INCRBYFLOAT y3 -1e4932", strBulk("0")),
		st("INCRBYFLOAT y 1.2e4932", strNotFloat),
		st("INCRBYFLOAT y inf", "-ERR increment would produce NaN or Infinity\r\n"),
		st("INCRBYFLOAT y -Infinity", "-ERR increment would produce NaN or Infinity\r\n"),
		st("INCRBYFLOAT y nan", strNotFloat),
		st("INCRBYFLOAT y abc", strNotFloat),
		st("INCRBYFLOAT y 1e", strNotFloat),
		st("INCRBYFLOAT y 1_0", strNotFloat),
		st("INCRBYFLOAT y 0b1", strNotFloat),
		st("INCRBYFLOAT y 1e5000", strNotFloat),
		st("INCRBYFLOAT y 1e-5000", strNotFloat),
		st("INCRBYFLOAT y ''", strNotFloat),
		{args: []string{"INCRBYFLOAT", "y", " 1"}, resp2: strNotFloat},
		{args: []string{"INCRBYFLOAT", "y", "1\x002"}, resp2: strNotFloat},
		st("SET t abc", strOK),
		st("INCRBYFLOAT t 1", strNotFloat),
		st("SET t 7", strOK),
		st("INCRBYFLOAT t 1", strBulk("8")),
		st("INCR t", strInt(9)),
		st("INCRBYFLOAT list 1", strWrong),
		st("INCRBYFLOAT list abc", strWrong),
	})
}

func TestStringRanges(t *testing.T) {
	srv := testserver.Start(t, "proto-max-bulk-len 1mb")
	steps := []strStep{
		{args: []string{"SET", "s", "Hello World"}, resp2: strOK},
		st("GETRANGE s 0 -1", strBulk("Hello World")),
		st("GETRANGE s 0 4", strBulk("Hello")),
		st("GETRANGE s -5 -1", strBulk("World")),
		st("GETRANGE s -3 -5", strEmpty),
		st("GETRANGE s 5 2", strEmpty),
		st("GETRANGE s -100 100", strBulk("Hello World")),
		st("GETRANGE s 9223372036854775807 -9223372036854775808", strEmpty),
		st("GETRANGE s a 1", strNotInt),
		st("GETRANGE nokey 0 a", strNotInt),
		st("GETRANGE nokey 0 1", strEmpty),
		st("GETRANGE list 0 1", strWrong),
		st("SUBSTR s 0 3", strBulk("Hell")),
		st("STRLEN s", strInt(11)),
		st("STRLEN nokey", strInt(0)),
		st("STRLEN list", strWrong),
		st("APPEND a 12", strInt(2)),
		st("APPEND a 34", strInt(4)),
		st("GET a", strBulk("1234")),
		st("APPEND list x", strWrong),
		st("SETRANGE s -1 x", "-ERR offset is out of range\r\n"),
		st("SETRANGE s abc x", strNotInt),
		st("SETRANGE s 6 Redis", strInt(11)),
		st("GET s", strBulk("Hello Redis")),
		st("SETRANGE s 13 !", strInt(14)),
		st("GET s", strBulk("Hello Redis\x00\x00!")),
		// Nothing to write creates nothing.
		st("SETRANGE new 5 ''", strInt(0)),
		st3("GET new", strNull2, strNull3),
		st("SETRANGE s 1 ''", strInt(14)),
		st("SETRANGE new 3 ab", strInt(5)),
		st("GET new", strBulk("\x00\x00\x00ab")),
		st("SETRANGE list 0 ''", strWrong),
		st("SETRANGE list 0 x", strWrong),
		// proto-max-bulk-len is 1 MB here.
		st("SETRANGE s 1048575 x", strInt(1048576)),
		st("SETRANGE s 1048576 x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"),
		st("SETRANGE s 9223372036854775807 x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"),
		st("APPEND s x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"),
		st("STRLEN s", strInt(1048576)),
	}
	strRun(t, srv, steps)
}

func TestStringLCS(t *testing.T) {
	srv := testserver.Start(t, "proto-max-bulk-len 1mb")
	idx2 := "*4\r\n$7\r\nmatches\r\n*2\r\n" +
		"*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n" +
		"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n" +
		"$3\r\nlen\r\n:6\r\n"
	idx3 := "%2\r\n" + strings.TrimPrefix(idx2, "*4\r\n")
	long := strings.Repeat("a", 600)
	strRun(t, srv, []strStep{
		st("SET x1 ohmytext", strOK),
		st("SET x2 mynewtext", strOK),
		st("LCS x1 x2", strBulk("mytext")),
		st("LCS x1 x2 LEN", strInt(6)),
		st3("LCS x1 x2 IDX", idx2, idx3),
		st3("LCS x1 x2 idx minmatchlen -5", idx2, idx3),
		st3("LCS x1 x2 IDX MINMATCHLEN 4 WITHMATCHLEN",
			"*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
			"%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"),
		st3("LCS nokey x2 IDX", "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"),
		st("LCS nokey nokey2", strEmpty),
		st("LCS x1 x2 LEN IDX", "-ERR If you want both the length and indexes, please just use IDX.\r\n"),
		st("LCS x1 x2 MINMATCHLEN", strSyntax),
		st("LCS x1 x2 MINMATCHLEN a", strNotInt),
		st("LCS x1 x2 foo", strSyntax),
		st("LCS x1 list", "-ERR The specified keys must contain string values\r\n"),
		// The type error comes before the options are looked at.
		st("LCS list x1 foo", "-ERR The specified keys must contain string values\r\n"),
		st("SET l1 "+long, strOK),
		st("SET l2 "+long, strOK),
		st("LCS l1 l2 LEN", "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"),
		st("LCS l1 x1 LEN", strInt(0)),
	})
}

// TestStringKeyspaceStats checks that reads count hits and misses and
// writes do not.
func TestStringKeyspaceStats(t *testing.T) {
	srv := testserver.Start(t)
	raw := srv.Raw(t)
	stats := func() (int64, int64) {
		s := srv.Node.Engine().Stats()
		return s.Hits, s.Misses
	}
	for _, c := range []struct {
		cmd          string
		hits, misses int64
	}{
		{"SET a 1", 0, 0},
		{"GET a", 1, 0},
		{"GET b", 0, 1},
		{"MGET a b a", 2, 1},
		{"INCR a", 0, 0},
		{"APPEND a 1", 0, 0},
		{"STRLEN a", 1, 0},
		{"GETRANGE b 0 1", 0, 1},
		{"SET a 2 GET", 1, 0},
		{"GETEX a", 1, 0},
		{"GETBIT a 0", 1, 0},
		{"BITCOUNT b", 0, 1},
		{"SETBIT a 0 1", 0, 0},
		{"LCS a b", 1, 1},
		{"BITFIELD a GET u8 0", 1, 0},
		{"BITFIELD a SET u8 0 1", 0, 0},
	} {
		h0, m0 := stats()
		raw.Do(strArgs(c.cmd)...)
		h1, m1 := stats()
		if h1-h0 != c.hits || m1-m0 != c.misses {
			t.Errorf("%s: %d hits, %d misses; want %d, %d", c.cmd, h1-h0, m1-m0, c.hits, c.misses)
		}
	}
}

// TestStringSpecs checks the command table entries against Redis 7.0's
// COMMAND INFO.
func TestStringSpecs(t *testing.T) {
	table := command.NewTable()
	for _, c := range []struct {
		name              string
		arity             int
		flags             string
		first, last, step int
		group             string
	}{
		{"get", 2, "readonly fast", 1, 1, 1, "string"},
		{"set", -3, "write denyoom", 1, 1, 1, "string"},
		{"setnx", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"setex", 4, "write denyoom", 1, 1, 1, "string"},
		{"psetex", 4, "write denyoom", 1, 1, 1, "string"},
		{"mget", -2, "readonly fast", 1, -1, 1, "string"},
		{"mset", -3, "write denyoom", 1, -1, 2, "string"},
		{"msetnx", -3, "write denyoom", 1, -1, 2, "string"},
		{"getset", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"getdel", 2, "write fast", 1, 1, 1, "string"},
		{"getex", -2, "write fast", 1, 1, 1, "string"},
		{"append", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"strlen", 2, "readonly fast", 1, 1, 1, "string"},
		{"incr", 2, "write denyoom fast", 1, 1, 1, "string"},
		{"decr", 2, "write denyoom fast", 1, 1, 1, "string"},
		{"incrby", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"decrby", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "string"},
		{"getrange", 4, "readonly", 1, 1, 1, "string"},
		{"substr", 4, "readonly", 1, 1, 1, "string"},
		{"setrange", 4, "write denyoom", 1, 1, 1, "string"},
		{"lcs", -3, "readonly", 1, 2, 1, "string"},
		{"setbit", 4, "write denyoom", 1, 1, 1, "bitmap"},
		{"getbit", 3, "readonly fast", 1, 1, 1, "bitmap"},
		{"bitcount", -2, "readonly", 1, 1, 1, "bitmap"},
		{"bitpos", -3, "readonly", 1, 1, 1, "bitmap"},
		{"bitop", -4, "write denyoom", 2, -1, 1, "bitmap"},
		{"bitfield", -2, "write denyoom", 1, 1, 1, "bitmap"},
		{"bitfield_ro", -2, "readonly fast", 1, 1, 1, "bitmap"},
	} {
		s := table.Lookup([]byte(c.name))
		if s == nil {
			t.Errorf("%s: not in the table", c.name)
			continue
		}
		got := fmt.Sprint(s.Arity, " ", strings.Join(s.Flags.Names(), " "), " ", s.FirstKey, s.LastKey, s.Step, " ", s.Group)
		want := fmt.Sprint(c.arity, " ", c.flags, " ", c.first, c.last, c.step, " ", c.group)
		if got != want {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
		if s.Summary == "" || s.Since == "" {
			t.Errorf("%s: missing summary or since", c.name)
		}
	}
}

// TestStringConcurrentIncr checks that INCR is atomic: 50 clients adding
// 10,000 each, pipelined in batches of 100, end at 500,000.
func TestStringConcurrentIncr(t *testing.T) {
	srv := testserver.Start(t)
	const clients, perClient, batch = 50, 10_000, 100
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for range clients {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 1, DisableIdentity: true})
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < perClient; done += batch {
				p := c.Pipeline()
				for range batch {
					p.Incr(ctx, "counter")
				}
				if _, err := p.Exec(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := srv.Client(t).Get(ctx, "counter").Int64()
	if err != nil || got != clients*perClient {
		t.Fatalf("counter = %d (%v), want %d", got, err, clients*perClient)
	}
}

// TestStringMSetAtomic checks that MSET and MGET over keys of many hash
// slots (so many shards) are atomic: while writers set every key to one
// value per MSET, no MGET sees two different values.
func TestStringMSetAtomic(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	keys := make([]string, 32)
	for i := range keys {
		keys[i] = "atomic:" + strconv.Itoa(i) // different slots
	}
	const writers, readers, rounds = 4, 4, 300
	var wg sync.WaitGroup
	torn := make(chan string, readers)
	for w := range writers {
		c := srv.Client(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			pairs := make([]any, 0, 2*len(keys))
			for r := range rounds {
				pairs = pairs[:0]
				val := strconv.Itoa(w*rounds + r)
				for _, k := range keys {
					pairs = append(pairs, k, val)
				}
				if err := c.MSet(ctx, pairs...).Err(); err != nil {
					torn <- err.Error()
					return
				}
			}
		}()
	}
	for range readers {
		c := srv.Client2(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				vals, err := c.MGet(ctx, keys...).Result()
				if err != nil {
					torn <- err.Error()
					return
				}
				for _, v := range vals[1:] {
					if v != vals[0] {
						torn <- fmt.Sprintf("MGET saw %v", vals)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(torn)
	for msg := range torn {
		t.Fatal(msg)
	}
}

// TestAppendGrowsInPlace appends to one key many times, as a log kept in a
// string is built: every byte must be there in order, and the memory the
// key takes must stay within what Redis's greedy growth allows (about
// twice the value, up to 1 MB spare).
func TestAppendGrowsInPlace(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	var want strings.Builder
	pipe := c.Pipeline()
	for i := range 20_000 {
		piece := fmt.Sprintf("%d,", i)
		want.WriteString(piece)
		pipe.Append(ctx, "log", piece)
		if i%1000 == 999 {
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := c.Get(ctx, "log").Result()
	if err != nil || got != want.String() {
		t.Fatalf("after 20,000 APPENDs: %d bytes (%v), want %d", len(got), err, want.Len())
	}
	if n := c.StrLen(ctx, "log").Val(); n != int64(want.Len()) {
		t.Fatalf("STRLEN = %d, want %d", n, want.Len())
	}
	if n := c.MemoryUsage(ctx, "log").Val(); n < int64(want.Len()) || n > 2*int64(want.Len())+4096 {
		t.Fatalf("MEMORY USAGE = %d for a %d-byte value", n, want.Len())
	}
	// SETRANGE past the end and SETBIT grow it in place too, zero-filled.
	c.SetRange(ctx, "log", int64(want.Len())+10, "end")
	c.SetBit(ctx, "log", int64(want.Len()+20)*8+7, 1)
	tail := c.GetRange(ctx, "log", int64(want.Len()), -1).Val()
	if tail != "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00end\x00\x00\x00\x00\x00\x00\x00\x01" {
		t.Fatalf("tail after SETRANGE and SETBIT = %q", tail)
	}
}
