package command_test

import (
	"context"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The list family's tests. The raw replies in the tables are redis-server
// 7.0's to the same commands, in RESP2 and (st3) RESP3.

// lstNullArr2 is RESP2's null array, RESP3's being strNull3.
const lstNullArr2 = "*-1\r\n"

// lstRun runs steps on a fresh server, once in RESP2 in database 9 and
// once in RESP3 in database 10.
func lstRun(t *testing.T, steps []strStep) {
	t.Helper()
	srv := testserver.Start(t)
	for _, proto := range []int{2, 3} {
		raw := srv.Raw(t)
		if proto == 3 {
			raw.Do("HELLO", "3")
		}
		if got := raw.Do("SELECT", strconv.Itoa(proto+7)); got != strOK {
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

// lstHex decodes a DUMP payload written in hex.
func lstHex(t *testing.T, s string) string {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestListDumpRestore checks that DUMP writes the payload redis-server 7.0
// writes for the same commands (node for node: listpacks of 8 KB), and
// that RESTORE reads Redis's payloads: RDB_TYPE_LIST_QUICKLIST_2 and the
// older RDB_TYPE_LIST.
func TestListDumpRestore(t *testing.T) {
	srv := testserver.Start(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		values []string
		dump   string // hex, from redis-server 7.0
	}{
		{"small", []string{"a", "1"}, "1201020c0c00000002008161020101ff0a0094962b23ac17aa85"},
		{"integers", []string{"-5000", "70000", "-9000000", "3000000000"}, lstRedisIntegers},
		{"two nodes", slices.Repeat([]string{"a"}, 2730), lstRedisTwoNodes},
	}
	for _, tt := range tests {
		key := "dump:" + tt.name
		args := make([]any, len(tt.values))
		for i, v := range tt.values {
			args[i] = v
		}
		rdb.RPush(ctx, key, args...)
		got, err := rdb.Dump(ctx, key).Result()
		if err != nil || got != lstHex(t, tt.dump) {
			t.Errorf("%s: DUMP = %x, %v; want %s", tt.name, got, err, tt.dump)
		}
		if err := rdb.Restore(ctx, key+":copy", 0, lstHex(t, tt.dump)).Err(); err != nil {
			t.Fatalf("%s: RESTORE: %v", tt.name, err)
		}
		if back := rdb.LRange(ctx, key+":copy", 0, -1).Val(); !slices.Equal(back, tt.values) {
			t.Errorf("%s: restored %d elements, want %d", tt.name, len(back), len(tt.values))
		}
	}
	// RDB_TYPE_LIST, as Redis 6 and older wrote small lists: "a", 5.
	if err := rdb.Restore(ctx, "old", 0, lstHex(t, "01020161c0050a0047a37789f0cfbb97")).Err(); err != nil {
		t.Fatalf("RESTORE RDB_TYPE_LIST: %v", err)
	}
	if got := rdb.LRange(ctx, "old", 0, -1).Val(); !slices.Equal(got, []string{"a", "5"}) {
		t.Errorf("RDB_TYPE_LIST restored as %q", got)
	}
	// An empty list does not exist: Redis refuses a payload of one.
	err := rdb.Restore(ctx, "empty", 0, lstHex(t, "12010207070000000000ff0a00e4b021a107436c1a")).Err()
	if err == nil || err.Error() != "ERR Bad data format" {
		t.Errorf("RESTORE of an empty list: %v", err)
	}
	if enc := rdb.ObjectEncoding(ctx, "old").Val(); enc != "quicklist" {
		t.Errorf("OBJECT ENCODING = %q, want quicklist", enc)
	}
}

// DUMP payloads redis-server 7.0 gives: RPUSH of four integers of 16 to
// 64 bits, and of 2730 "a" (two nodes: 2726 fill the first 8 KB).
const (
	lstRedisIntegers = "12010220200000000400f178ec03f270110104f3c0ab76ff05f4005ed0b20000000009ff0a00597bdd92f0d5f02f"
	lstRedisTwoNodes = "120202c3406a5ff908f91f0000a60a816102e0ff02e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07" +
		"e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07e1ff07" +
		"e1ff07e1f5070102ff0213130000000400816102816102816102816102ff0a00d4d7cc312f6963da"
)

// TestListGoRedis drives the family with go-redis, as an application
// would, in RESP2 and RESP3.
func TestListGoRedis(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	for _, rdb := range []*redis.Client{srv.Client2(t), srv.Client(t)} {
		rdb.FlushDB(ctx)
		if n := rdb.RPush(ctx, "q", "j1", "j2", "j3", "j4").Val(); n != 4 {
			t.Fatalf("RPUSH = %d", n)
		}
		if got := rdb.LPopCount(ctx, "q", 2).Val(); !slices.Equal(got, []string{"j1", "j2"}) {
			t.Errorf("LPOP q 2 = %q", got)
		}
		if got := rdb.LMove(ctx, "q", "done", "RIGHT", "LEFT").Val(); got != "j4" {
			t.Errorf("LMOVE = %q", got)
		}
		key, vals, err := rdb.LMPop(ctx, "left", 5, "nokey", "q").Result()
		if err != nil || key != "q" || !slices.Equal(vals, []string{"j3"}) {
			t.Errorf("LMPOP = %q %q %v", key, vals, err)
		}
		if _, _, err := rdb.LMPop(ctx, "left", 1, "nokey", "q").Result(); err != redis.Nil {
			t.Errorf("LMPOP on nothing: %v, want redis.Nil", err)
		}
		rdb.RPush(ctx, "l", "a", "b", "a", "c", "a")
		if got := rdb.LPosCount(ctx, "l", "a", 0, redis.LPosArgs{Rank: -1}).Val(); !slices.Equal(got, []int64{4, 2, 0}) {
			t.Errorf("LPOS COUNT 0 RANK -1 = %v", got)
		}
		if got := rdb.LPos(ctx, "l", "c", redis.LPosArgs{}).Val(); got != 3 {
			t.Errorf("LPOS = %d", got)
		}
		if _, err := rdb.LPos(ctx, "l", "z", redis.LPosArgs{}).Result(); err != redis.Nil {
			t.Errorf("LPOS of a missing element: %v, want redis.Nil", err)
		}
		if got := rdb.LInsertBefore(ctx, "l", "c", "x").Val(); got != 6 {
			t.Errorf("LINSERT = %d", got)
		}
		if got := rdb.LRem(ctx, "l", 0, "a").Val(); got != 3 {
			t.Errorf("LREM = %d", got)
		}
		if got := rdb.LRange(ctx, "l", 0, -1).Val(); !slices.Equal(got, []string{"b", "x", "c"}) {
			t.Errorf("LRANGE = %q", got)
		}
		if got := rdb.Type(ctx, "l").Val(); got != "list" {
			t.Errorf("TYPE = %q", got)
		}
	}
}

// TestListKeyspaceHits checks that reads count hits and misses and writes
// do not, as Redis's lookupKeyRead and lookupKeyWrite.
func TestListKeyspaceHits(t *testing.T) {
	srv := testserver.Start(t)
	raw := srv.Raw(t)
	stat := func(name string) string {
		info := raw.Do("INFO", "stats")
		_, rest, _ := strings.Cut(info, name+":")
		v, _, _ := strings.Cut(rest, "\r\n")
		return v
	}
	for _, line := range []string{"RPUSH l a", "LPUSH l b", "LPOP nokey", "LRANGE l 0 -1", "LINDEX nokey 0", "LLEN l", "LPOS l a", "LSET l 0 c", "LMOVE nokey l LEFT LEFT"} {
		raw.Do(strings.Fields(line)...)
	}
	if hits, misses := stat("keyspace_hits"), stat("keyspace_misses"); hits != "3" || misses != "1" {
		t.Errorf("keyspace_hits %s, keyspace_misses %s; want 3 and 1", hits, misses)
	}
}

// TestListPushPop checks LPUSH, RPUSH, their X forms, LPOP and RPOP with and
// without a count: a list that loses its last element is gone, and integers
// are stored as integers but read back as written.
func TestListPushPop(t *testing.T) {
	lstRun(t, []strStep{
		st("LPUSH l a b c", ":3\r\n"),
		st("RPUSH l d 1 -1", ":6\r\n"),
		st("LRANGE l 0 -1", "*6\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\n1\r\n$2\r\n-1\r\n"),
		st("LLEN l", ":6\r\n"),
		st("LPUSHX l x", ":7\r\n"),
		st("RPUSHX l y z", ":9\r\n"),
		st("LPUSHX nokey x", ":0\r\n"),
		st("RPUSHX nokey x", ":0\r\n"),
		st("EXISTS nokey", ":0\r\n"),
		st("LPOP l", "$1\r\nx\r\n"),
		st("RPOP l", "$1\r\nz\r\n"),
		st("LPOP l 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n"),
		st("RPOP l 2", "*2\r\n$1\r\ny\r\n$2\r\n-1\r\n"),
		st("LPOP l 0", "*0\r\n"),
		st3("LPOP nokey 0", lstNullArr2, strNull3),
		st3("LPOP nokey 2", lstNullArr2, strNull3),
		st3("LPOP nokey", strNull2, strNull3),
		st3("RPOP nokey", strNull2, strNull3),
		st("LPOP l -1", "-ERR value is out of range, must be positive\r\n"),
		st("LPOP l abc", "-ERR value is out of range, must be positive\r\n"),
		st("LPOP nokey abc", "-ERR value is out of range, must be positive\r\n"),
		st("LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n"),
		st("RPOP l 100", "*3\r\n$1\r\n1\r\n$1\r\nd\r\n$1\r\na\r\n"),
		st("EXISTS l", ":0\r\n"),
		st("RPUSH l a", ":1\r\n"),
		st("LPOP l 1", "*1\r\n$1\r\na\r\n"),
		st("EXISTS l", ":0\r\n"),
		st("RPUSH l a", ":1\r\n"),
		st("RPOP l", "$1\r\na\r\n"),
		st("EXISTS l", ":0\r\n"),
		st("SET s v", strOK),
		st("LPUSH s a", strWrong),
		st("RPUSHX s a", strWrong),
		st("LPOP s", strWrong),
		st("RPOP s 2", strWrong),
		st("LPOP s -1", "-ERR value is out of range, must be positive\r\n"),
		st("LPUSH", "-ERR wrong number of arguments for 'lpush' command\r\n"),
		st("LPUSH l", "-ERR wrong number of arguments for 'lpush' command\r\n"),
		st("RPUSH n 007 -0 +1 '' 4096 -4097 9223372036854775807 -9223372036854775808 9223372036854775808", ":9\r\n"),
		st("LRANGE n 0 -1", "*9\r\n$3\r\n007\r\n$2\r\n-0\r\n$2\r\n+1\r\n$0\r\n\r\n$4\r\n4096\r\n$5\r\n-4097\r\n$19\r\n9223372036854775807\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775808\r\n"),
		st("TYPE n", "+list\r\n"),
		st("OBJECT ENCODING n", "$9\r\nquicklist\r\n"),
	})
}

// TestListRangeIndex checks LRANGE's clipping, and LINDEX looking the key up
// before it parses the index.
func TestListRangeIndex(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH l a b c d e", ":5\r\n"),
		st("LRANGE l 0 -1", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("LRANGE l -3 -1", "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("LRANGE l -100 100", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("LRANGE l 3 1", "*0\r\n"),
		st("LRANGE l 5 10", "*0\r\n"),
		st("LRANGE l -1 -3", "*0\r\n"),
		st("LRANGE l 0 0", "*1\r\n$1\r\na\r\n"),
		st("LRANGE l -9223372036854775808 9223372036854775807", "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"),
		st("LRANGE l a 1", strNotInt),
		st("LRANGE l 0 b", strNotInt),
		st("LRANGE nokey 0 -1", "*0\r\n"),
		st("LRANGE nokey a b", strNotInt),
		st("SET s v", strOK),
		st("LRANGE s 0 -1", strWrong),
		st("LRANGE s a 1", strNotInt),
		st("LINDEX l 0", "$1\r\na\r\n"),
		st("LINDEX l -1", "$1\r\ne\r\n"),
		st("LINDEX l 4", "$1\r\ne\r\n"),
		st3("LINDEX l 5", strNull2, strNull3),
		st("LINDEX l -5", "$1\r\na\r\n"),
		st3("LINDEX l -6", strNull2, strNull3),
		st("LINDEX l abc", strNotInt),
		st3("LINDEX nokey abc", strNull2, strNull3),
		st3("LINDEX nokey 0", strNull2, strNull3),
		st("LINDEX s 0", strWrong),
		st("LINDEX s abc", strWrong),
		st("LLEN nokey", ":0\r\n"),
		st("LLEN s", strWrong),
		st("LLEN l", ":5\r\n"),
	})
}

// TestListSetInsert checks LSET and LINSERT: out of range, missing keys and
// pivots, integer elements compared by their spelling.
func TestListSetInsert(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH l a b c", ":3\r\n"),
		st("LSET l 0 x", strOK),
		st("LSET l -1 y", strOK),
		st("LSET l 3 z", "-ERR index out of range\r\n"),
		st("LSET l -4 z", "-ERR index out of range\r\n"),
		st("LSET l abc z", strNotInt),
		st("LSET nokey 0 z", "-ERR no such key\r\n"),
		st("LSET nokey abc z", "-ERR no such key\r\n"),
		st("LRANGE l 0 -1", "*3\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\ny\r\n"),
		st("SET s v", strOK),
		st("LSET s 0 x", strWrong),
		st("LSET l 1 12345", strOK),
		st("LINDEX l 1", "$5\r\n12345\r\n"),
		st("LINSERT l BEFORE b n", ":-1\r\n"),
		st("LINSERT l before x n", ":4\r\n"),
		st("LINSERT l after y m", ":5\r\n"),
		st("LINSERT l AFTER 12345 k", ":6\r\n"),
		st("LINSERT l after nosuch m", ":-1\r\n"),
		st("LINSERT l middle x m", strSyntax),
		st("LINSERT nokey before x m", ":0\r\n"),
		st("LINSERT nokey foo x m", strSyntax),
		st("LINSERT s before x m", strWrong),
		st("LINSERT s foo x m", strSyntax),
		st("LINSERT l before 012345 q", ":-1\r\n"),
		st("LRANGE l 0 -1", "*6\r\n$1\r\nn\r\n$1\r\nx\r\n$5\r\n12345\r\n$1\r\nk\r\n$1\r\ny\r\n$1\r\nm\r\n"),
	})
}

// TestListRemTrim checks LREM from either end or everywhere and LTRIM to any
// range, the key deleted when emptied.
func TestListRemTrim(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH l a b a c a d a", ":7\r\n"),
		st("LREM l 2 a", ":2\r\n"),
		st("LRANGE l 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n"),
		st("LREM l -1 a", ":1\r\n"),
		st("LRANGE l 0 -1", "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n"),
		st("LREM l 0 a", ":1\r\n"),
		st("LRANGE l 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
		st("LREM l 0 zz", ":0\r\n"),
		st("LREM l abc a", strNotInt),
		st("LREM nokey 1 a", ":0\r\n"),
		st("LREM nokey x a", strNotInt),
		st("RPUSH n 1 01 1 1", ":4\r\n"),
		st("LREM n 0 1", ":3\r\n"),
		st("LRANGE n 0 -1", "*1\r\n$2\r\n01\r\n"),
		st("LREM n 1 01", ":1\r\n"),
		st("EXISTS n", ":0\r\n"),
		st("RPUSH m x x", ":2\r\n"),
		st("LREM m -9223372036854775808 x", ":2\r\n"),
		st("EXISTS m", ":0\r\n"),
		st("SET s v", strOK),
		st("LREM s 0 a", strWrong),
		st("RPUSH t 1 2 3 4 5 6", ":6\r\n"),
		st("LTRIM t 1 -2", strOK),
		st("LRANGE t 0 -1", "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"),
		st("LTRIM t -100 100", strOK),
		st("LRANGE t 0 -1", "*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"),
		st("LTRIM t 2 1", strOK),
		st("EXISTS t", ":0\r\n"),
		st("RPUSH t 1 2 3", ":3\r\n"),
		st("LTRIM t 5 10", strOK),
		st("EXISTS t", ":0\r\n"),
		st("LTRIM nokey 0 1", strOK),
		st("LTRIM nokey a 1", strNotInt),
		st("LTRIM s 0 1", strWrong),
		st("LTRIM s a 1", strNotInt),
		st("RPUSH t 1 2 3", ":3\r\n"),
		st("LTRIM t -1 -1", strOK),
		st("LRANGE t 0 -1", "*1\r\n$1\r\n3\r\n"),
	})
}

// TestListPos checks LPOS with RANK, COUNT and MAXLEN, their errors, and
// Redis's arithmetic on RANK -9223372036854775808.
func TestListPos(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH l a b a c a", ":5\r\n"),
		st("LPOS l a", ":0\r\n"),
		st("LPOS l a RANK 2", ":2\r\n"),
		st("LPOS l a RANK -1", ":4\r\n"),
		st("LPOS l a RANK -2", ":2\r\n"),
		st3("LPOS l a RANK 4", strNull2, strNull3),
		st("LPOS l a COUNT 0", "*3\r\n:0\r\n:2\r\n:4\r\n"),
		st("LPOS l a COUNT 2", "*2\r\n:0\r\n:2\r\n"),
		st("LPOS l a COUNT 2 RANK 2", "*2\r\n:2\r\n:4\r\n"),
		st("LPOS l a COUNT 0 RANK -1", "*3\r\n:4\r\n:2\r\n:0\r\n"),
		st("LPOS l a MAXLEN 1", ":0\r\n"),
		st("LPOS l a MAXLEN 2 COUNT 0", "*1\r\n:0\r\n"),
		st("LPOS l a RANK -1 MAXLEN 1", ":4\r\n"),
		st("LPOS l a RANK -1 MAXLEN 2", ":4\r\n"),
		st3("LPOS l z", strNull2, strNull3),
		st("LPOS l z COUNT 0", "*0\r\n"),
		st3("LPOS nokey a", strNull2, strNull3),
		st("LPOS nokey a COUNT 1", "*0\r\n"),
		st("LPOS l a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
		st("LPOS l a RANK x", strNotInt),
		st("LPOS l a COUNT -1", "-ERR COUNT can't be negative\r\n"),
		st("LPOS l a COUNT x", "-ERR COUNT can't be negative\r\n"),
		st("LPOS l a MAXLEN -1", "-ERR MAXLEN can't be negative\r\n"),
		st("LPOS l a MAXLEN x", "-ERR MAXLEN can't be negative\r\n"),
		st("LPOS l a RANK", strSyntax),
		st("LPOS l a FOO 1", strSyntax),
		st("LPOS l a COUNT 1 COUNT 2", "*2\r\n:0\r\n:2\r\n"),
		st("LPOS l a RANK -9223372036854775808", ":4\r\n"),
		st("LPOS l a RANK -9223372036854775808 COUNT 2", "*3\r\n:4\r\n:2\r\n:0\r\n"),
		st("LPOS l a RANK 9223372036854775807 COUNT 0", "*0\r\n"),
		st("SET s v", strOK),
		st("LPOS s a", strWrong),
		st("LPOS s a RANK 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"),
		st("RPUSH n 1 2 1", ":3\r\n"),
		st("LPOS n 1 COUNT 0", "*2\r\n:0\r\n:2\r\n"),
		st3("LPOS n 01", strNull2, strNull3),
	})
}

// TestListMove checks LMOVE and RPOPLPUSH: between lists, onto a new one,
// rotating one list, WRONGTYPE on either key.
func TestListMove(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH a 1 2 3", ":3\r\n"),
		st("LMOVE a b LEFT RIGHT", "$1\r\n1\r\n"),
		st("LMOVE a b RIGHT LEFT", "$1\r\n3\r\n"),
		st("LRANGE a 0 -1", "*1\r\n$1\r\n2\r\n"),
		st("LRANGE b 0 -1", "*2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
		st("LMOVE a a LEFT RIGHT", "$1\r\n2\r\n"),
		st("LRANGE a 0 -1", "*1\r\n$1\r\n2\r\n"),
		st("LMOVE a a RIGHT LEFT", "$1\r\n2\r\n"),
		st("LMOVE a b left left", "$1\r\n2\r\n"),
		st("EXISTS a", ":0\r\n"),
		st3("LMOVE a b LEFT LEFT", strNull2, strNull3),
		st3("LMOVE nokey b LEFT LEFT", strNull2, strNull3),
		st("LMOVE a b UP LEFT", strSyntax),
		st("LMOVE a b LEFT UP", strSyntax),
		st("SET s v", strOK),
		st("LMOVE b s LEFT LEFT", strWrong),
		st("LMOVE s b LEFT LEFT", strWrong),
		st3("LMOVE nokey s LEFT LEFT", strNull2, strNull3),
		st("LRANGE b 0 -1", "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"),
		st("RPOPLPUSH b c", "$1\r\n1\r\n"),
		st("RPOPLPUSH b b", "$1\r\n3\r\n"),
		st("LRANGE b 0 -1", "*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
		st3("RPOPLPUSH nokey c", strNull2, strNull3),
		st("RPOPLPUSH b s", strWrong),
		st("RPOPLPUSH s b", strWrong),
		st("RPUSH one x", ":1\r\n"),
		st("RPOPLPUSH one one", "$1\r\nx\r\n"),
		st("LRANGE one 0 -1", "*1\r\n$1\r\nx\r\n"),
		st("LMOVE one one LEFT LEFT", "$1\r\nx\r\n"),
		st("LRANGE one 0 -1", "*1\r\n$1\r\nx\r\n"),
	})
}

// TestListMpop checks LMPOP: the first key holding a list, COUNT, and the
// argument errors in Redis's order.
func TestListMpop(t *testing.T) {
	lstRun(t, []strStep{
		st("RPUSH a 1 2 3", ":3\r\n"),
		st("RPUSH b 4 5", ":2\r\n"),
		st("LMPOP 2 nokey a LEFT", "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"),
		st("LMPOP 2 nokey a RIGHT COUNT 5", "*2\r\n$1\r\na\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"),
		st("EXISTS a", ":0\r\n"),
		st("LMPOP 2 a b left COUNT 1", "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n4\r\n"),
		st("LMPOP 1 b RIGHT count 1", "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n5\r\n"),
		st3("LMPOP 2 nokey a LEFT", lstNullArr2, strNull3),
		st("LMPOP 0 a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		st("LMPOP x a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		st("LMPOP -1 a LEFT", "-ERR numkeys should be greater than 0\r\n"),
		st("LMPOP 1 a", "-ERR wrong number of arguments for 'lmpop' command\r\n"),
		st("LMPOP 1 a UP", strSyntax),
		st("LMPOP 2 a LEFT", strSyntax),
		st("LMPOP 1 a LEFT COUNT 0", "-ERR count should be greater than 0\r\n"),
		st("LMPOP 1 a LEFT COUNT -1", "-ERR count should be greater than 0\r\n"),
		st("LMPOP 1 a LEFT COUNT x", "-ERR count should be greater than 0\r\n"),
		st("LMPOP 1 a LEFT COUNT 1 COUNT 1", strSyntax),
		st("LMPOP 1 a LEFT COUNT", strSyntax),
		st("LMPOP 1 a LEFT FOO", strSyntax),
		st("LMPOP 9223372036854775807 a LEFT", strSyntax),
		st("SET s v", strOK),
		st("RPUSH c 1", ":1\r\n"),
		st("LMPOP 2 s c LEFT", strWrong),
		st("LMPOP 2 c s LEFT", "*2\r\n$1\r\nc\r\n*1\r\n$1\r\n1\r\n"),
		st("LMPOP 2 nokey s LEFT", strWrong),
		st3("LMPOP 1 nokey LEFT", lstNullArr2, strNull3),
	})
}

// TestListRestoreFill: a restored list takes list-max-listpack-size as it
// is when RESTORE runs, as Redis sets it when it loads the value, not when
// the list is next written. DUMPs recorded from redis-server 7.0.
func TestListRestoreFill(t *testing.T) {
	abc := "\x12\x01\x02\x10\x10\x00\x00\x00\x03\x00\x81a\x02\x81b\x02\x81c\x02\xff\n\x00\xc8\x18\xb9\x0c\x953R\x9e"
	// RDB_TYPE_LIST: "a", 5, pushed one by one into nodes of one.
	old := "\x01\x02\x01a\xc0\x05\x0a\x00G\xa3w\x89\xf0\xcf\xbb\x97"
	strRun(t, testserver.Start(t), []strStep{
		st("CONFIG SET list-max-listpack-size -2", strOK),
		{args: []string{"RESTORE", "r", "0", abc}, resp2: strOK},
		st("CONFIG SET list-max-listpack-size 1", strOK),
		st("RPUSH r d", ":4\r\n"),
		st("DUMP r", "$33\r\n\x12\x01\x02\x13\x13\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x81c\x02\x81d\x02\xff\n\x00\xda\xf0,\x17\rR\xf7\xdf\r\n"),
		{args: []string{"RESTORE", "old", "0", old}, resp2: strOK},
		st("DUMP old", "$35\r\n\x12\x02\x02\n\n\x00\x00\x00\x01\x00\x81a\x02\xff\x02\x09\x09\x00\x00\x00\x01\x00\x05\x01\xff\n\x00g\x06S0^\xec\xa6\x03\r\n"),
		st("CONFIG SET list-max-listpack-size -2", strOK),
	})
}
