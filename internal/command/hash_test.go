package command_test

import (
	"context"
	"encoding/binary"
	"hash/crc64"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The hash commands' replies, RESP2 and RESP3, are the ones redis-server
// 7.0 gave to the same steps (strRun, strings_test.go; the key "list"
// holds another type).

// hBulks is bulk strings one after the other.
func hBulks(elems ...string) string {
	var b strings.Builder
	for _, e := range elems {
		b.WriteString(strBulk(e))
	}
	return b.String()
}

// hArr is an array of bulk strings.
func hArr(elems ...string) string { return "*" + strconv.Itoa(len(elems)) + "\r\n" + hBulks(elems...) }

// hMap is a RESP3 map of bulk strings, given as key, value, ...
func hMap(kv ...string) string { return "%" + strconv.Itoa(len(kv)/2) + "\r\n" + hBulks(kv...) }

// hPairs is RESP3's HRANDFIELD WITHVALUES: an array of field-value arrays.
func hPairs(kv ...string) string {
	out := "*" + strconv.Itoa(len(kv)/2) + "\r\n"
	for i := 0; i < len(kv); i += 2 {
		out += hArr(kv[i], kv[i+1])
	}
	return out
}

// hScan is a SCAN-family reply: the cursor and the elements.
func hScan(cursor string, elems ...string) string { return "*2\r\n" + strBulk(cursor) + hArr(elems...) }

func TestHashSetGet(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// Arity: HSET and HMSET take whole pairs.
		st("hset h", "-ERR wrong number of arguments for 'hset' command\r\n"),
		st("hset h f", "-ERR wrong number of arguments for 'hset' command\r\n"),
		st("hset h f v x", "-ERR wrong number of arguments for 'hset' command\r\n"),
		st("hmset h f", "-ERR wrong number of arguments for 'hmset' command\r\n"),
		st("hmset h f v x", "-ERR wrong number of arguments for 'hmset' command\r\n"),
		st("hsetnx h f", "-ERR wrong number of arguments for 'hsetnx' command\r\n"),
		st("hget h", "-ERR wrong number of arguments for 'hget' command\r\n"),
		st("hmget h", "-ERR wrong number of arguments for 'hmget' command\r\n"),
		st("hdel h", "-ERR wrong number of arguments for 'hdel' command\r\n"),
		st("hstrlen h", "-ERR wrong number of arguments for 'hstrlen' command\r\n"),
		st("hexists h", "-ERR wrong number of arguments for 'hexists' command\r\n"),
		st("hgetall h x", "-ERR wrong number of arguments for 'hgetall' command\r\n"),
		// Missing keys.
		st3("hget h a", strNull2, strNull3),
		st3("hmget h a b", "*2\r\n$-1\r\n$-1\r\n", "*2\r\n_\r\n_\r\n"),
		st3("hgetall h", "*0\r\n", "%0\r\n"),
		st("hkeys h", "*0\r\n"),
		st("hvals h", "*0\r\n"),
		st("hlen h", strInt(0)),
		st("hexists h a", strInt(0)),
		st("hstrlen h a", strInt(0)),
		st("hdel h a", strInt(0)),
		st("exists h", strInt(0)),
		// Setting: HSET counts new fields, updates keep their place.
		st("hset h a 1 b 2", strInt(2)),
		st("hset h a 10 c 3 c 4", strInt(1)),
		st("hmset h d 5 e ''", strOK),
		st("hsetnx h a 99", strInt(0)),
		st("hsetnx h f 6", strInt(1)),
		st("hget h a", strBulk("10")),
		st("hget h c", strBulk("4")),
		st("hget h e", strEmpty),
		st3("hget h zz", strNull2, strNull3),
		st3("hmget h a zz f", "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n6\r\n", "*3\r\n$2\r\n10\r\n_\r\n$1\r\n6\r\n"),
		st3("hgetall h", hArr("a", "10", "b", "2", "c", "4", "d", "5", "e", "", "f", "6"), hMap("a", "10", "b", "2", "c", "4", "d", "5", "e", "", "f", "6")),
		st("hkeys h", hArr("a", "b", "c", "d", "e", "f")),
		st("hvals h", hArr("10", "2", "4", "5", "", "6")),
		st("hlen h", strInt(6)),
		st("hexists h f", strInt(1)),
		st("hexists h zz", strInt(0)),
		st("hstrlen h a", strInt(2)),
		st("hstrlen h e", strInt(0)),
		st("hstrlen h zz", strInt(0)),
		st("type h", "+hash\r\n"),
		st("object encoding h", strBulk("listpack")),
		// Integers and strings that only look like them.
		st("hset n 0 zero -1 m 9223372036854775807 max -9223372036854775808 min 007 a -0 b 1.5 c", strInt(7)),
		st("hget n 0", strBulk("zero")),
		st("hget n -9223372036854775808", strBulk("min")),
		st("hget n 007", strBulk("a")),
		st3("hget n 7", strNull2, strNull3),
		st("hget n -0", strBulk("b")),
		st3("hgetall n", hArr("0", "zero", "-1", "m", "9223372036854775807", "max", "-9223372036854775808", "min", "007", "a", "-0", "b", "1.5", "c"), hMap("0", "zero", "-1", "m", "9223372036854775807", "max", "-9223372036854775808", "min", "007", "a", "-0", "b", "1.5", "c")),
		st("hset n v1 12 v2 -12 v3 012 v4 123456789012345678901", strInt(4)),
		st("hmget n v1 v2 v3 v4", hArr("12", "-12", "012", "123456789012345678901")),
		st("hstrlen n v2", strInt(3)),
		st("hstrlen n v4", strInt(21)),
		// Wrong type.
		st("hset list a 1", strWrong),
		st("hmset list a 1", strWrong),
		st("hsetnx list a 1", strWrong),
		st("hget list a", strWrong),
		st("hmget list a", strWrong),
		st("hgetall list", strWrong),
		st("hkeys list", strWrong),
		st("hvals list", strWrong),
		st("hlen list", strWrong),
		st("hexists list a", strWrong),
		st("hstrlen list a", strWrong),
		st("hdel list a", strWrong),
	})
}

func TestHashDel(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("hset h a 1 b 2 c 3", strInt(3)),
		st("hdel h zz", strInt(0)),
		st("hdel h a zz a", strInt(1)),
		st3("hgetall h", hArr("b", "2", "c", "3"), hMap("b", "2", "c", "3")),
		st("hdel h b c a", strInt(2)),
		st("exists h", strInt(0)),
		st("hset h a 1 b 2", strInt(2)),
		st("hdel h a b a b", strInt(2)),
		st("exists h", strInt(0)),
		st("hset h x 1", strInt(1)),
		st("hdel h x", strInt(1)),
		st("type h", "+none\r\n"),
		st3("hget h x", strNull2, strNull3),
		// A change keeps the key's TTL; deleting the last field deletes the key.
		st("hset h a 1", strInt(1)),
		st("expire h 100", strInt(1)),
		st("hset h b 2", strInt(1)),
		st("hincrby h c 1", strInt(1)),
		st("hdel h a", strInt(1)),
		st("ttl h", strInt(100)),
		st("hdel h b c", strInt(2)),
		st("ttl h", strInt(-2)),
		st("exists h", strInt(0)),
	})
}

func TestHashIncr(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// HINCRBY: integers only, from zero, with overflow checks.
		st("hset h a 1 b x c 1.5 d 9223372036854775807 e -9223372036854775808 f 010 g -0", strInt(7)),
		st("hincrby h a 1", strInt(2)),
		st("hincrby h a -3", strInt(-1)),
		st("hincrby h new 5", strInt(5)),
		st("hincrby h b 1", "-ERR hash value is not an integer\r\n"),
		st("hincrby h c 1", "-ERR hash value is not an integer\r\n"),
		st("hincrby h f 1", "-ERR hash value is not an integer\r\n"),
		st("hincrby h g 1", "-ERR hash value is not an integer\r\n"),
		st("hincrby h d 1", "-ERR increment or decrement would overflow\r\n"),
		st("hincrby h d 0", strInt(9223372036854775807)),
		st("hincrby h e -1", "-ERR increment or decrement would overflow\r\n"),
		st("hincrby h e 0", strInt(-9223372036854775808)),
		st("hincrby h a 9223372036854775807", strInt(9223372036854775806)),
		st("hincrby h a x", strNotInt),
		st("hincrby h a 1.0", strNotInt),
		st("hincrby h a ''", strNotInt),
		st("hincrby h a 01", strNotInt),
		st("hincrby h2 a x", strNotInt),
		st("exists h2", strInt(0)),
		st("hincrby list a 1", strWrong),
		st("hincrby list a x", strNotInt),
		// HINCRBYFLOAT: long double arithmetic, Redis's formatting.
		st("hincrbyfloat h a 0.1", strBulk("9223372036854775806")),
		st("hincrbyfloat h t 0.1", strBulk("0.1")),
		st("hincrbyfloat h t 0.2", strBulk("0.3")),
		st("hincrbyfloat h t -0.3", strBulk("0")),
		st("hincrbyfloat h c 1", strBulk("2.5")),
		st("hincrbyfloat h f 1", strBulk("11")),
		st("hincrbyfloat h g 1", strBulk("1")),
		st("hincrbyfloat h x 3.0e3", strBulk("3000")),
		st("hincrbyfloat h w 0x10", strBulk("16")),
		st("hincrbyfloat h v 5e-324", strBulk("0")),
		st("hincrbyfloat h u 1.23456789012345678901", strBulk("1.23456789012345679")),
		st("hincrbyfloat h z -0", strBulk("0")),
		st("hincrbyfloat h d 1", strBulk("9223372036854775808")),
		st("hincrby h x 1", strInt(3001)),
		st("hincrbyfloat h b 1", "-ERR hash value is not a float\r\n"),
		st("hincrbyfloat h a inf", "-ERR value is NaN or Infinity\r\n"),
		st("hincrbyfloat h a -inf", "-ERR value is NaN or Infinity\r\n"),
		st("hincrbyfloat h a infinity", "-ERR value is NaN or Infinity\r\n"),
		st("hincrbyfloat h a nan", strNotFloat),
		st("hincrbyfloat h a x", strNotFloat),
		st("hincrbyfloat h a ''", strNotFloat),
		st("hincrbyfloat h a 1e5000", strNotFloat),
		st("hset h i inf big 1.7976931348623157e308", strInt(2)),
		st("hincrbyfloat h i 1", "-ERR increment would produce NaN or Infinity\r\n"),
		st("hincrbyfloat h big 1.7976931348623157e308", strBulk("359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768")),
		st("hstrlen h big", strInt(309)),
		st("hincrbyfloat h3 a inf", "-ERR value is NaN or Infinity\r\n"),
		st("exists h3", strInt(0)),
		st("hincrbyfloat list a 1", strWrong),
		st("hincrbyfloat list a x", strNotFloat),
	})
}

func TestHashScanListpack(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// A listpack comes whole, cursor 0, whatever the cursor and COUNT.
		st("hset h a 1 b 2 c 3 10 x -5 y", strInt(5)),
		st("hscan h 0", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h 0 count 1", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h 5 count 1", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h 0 match a*", hScan("0", "a", "1")),
		st("hscan h 0 match 1*", hScan("0", "10", "x")),
		st("hscan h 0 match -*", hScan("0", "-5", "y")),
		st("hscan h 0 MATCH [ab] COUNT 1", hScan("0", "a", "1", "b", "2")),
		st("hscan h 0 match * count 100", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h 0 count 1 count 2 match a match b", hScan("0", "b", "2")),
		st("hscan h -1", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h 18446744073709551615", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h ''", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		st("hscan h +1", hScan("0", "a", "1", "b", "2", "c", "3", "10", "x", "-5", "y")),
		// Errors: the cursor first, then the key, then the options.
		st("hscan h x", "-ERR invalid cursor\r\n"),
		st("hscan h 18446744073709551616", "-ERR invalid cursor\r\n"),
		{args: []string{"hscan", "h", " 1"}, resp2: "-ERR invalid cursor\r\n", resp3: ""},
		st("hscan h 0 foo", strSyntax),
		st("hscan h 0 count", strSyntax),
		st("hscan h 0 count 0", strSyntax),
		st("hscan h 0 count -1", strSyntax),
		st("hscan h 0 count x", strNotInt),
		st("hscan h 0 match", strSyntax),
		st("hscan h 0 type string", strSyntax),
		st("hscan h 0 novalues", strSyntax),
		st("hscan nokey x", "-ERR invalid cursor\r\n"),
		st("hscan nokey 0 foo", hScan("0")),
		st("hscan nokey 0 count 0", hScan("0")),
		st("hscan list x", "-ERR invalid cursor\r\n"),
		st("hscan list 0 foo", strWrong),
		st("hscan list 0", strWrong),
	})
}

func TestHashRandFieldReplies(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// The parts of HRANDFIELD that are not random.
		st("hset h a 1 b 2 c 3", strInt(3)),
		st("hrandfield h 3", hArr("a", "b", "c")),
		st3("hrandfield h 3 WITHVALUES", hArr("a", "1", "b", "2", "c", "3"), hPairs("a", "1", "b", "2", "c", "3")),
		st3("hrandfield h 100 withvalues", hArr("a", "1", "b", "2", "c", "3"), hPairs("a", "1", "b", "2", "c", "3")),
		st("hrandfield h 9223372036854775807", hArr("a", "b", "c")),
		st3("hrandfield h 4611686018427387903 withvalues", hArr("a", "1", "b", "2", "c", "3"), hPairs("a", "1", "b", "2", "c", "3")),
		st("hrandfield h 0", "*0\r\n"),
		st("hrandfield h 0 withvalues", "*0\r\n"),
		st3("hrandfield nokey", strNull2, strNull3),
		st("hrandfield nokey 5", "*0\r\n"),
		st("hrandfield nokey -5 withvalues", "*0\r\n"),
		st("hrandfield list", strWrong),
		st("hrandfield list 0", strWrong),
		st("hrandfield list -1 withvalues", strWrong),
		st("hrandfield h x", strNotInt),
		st("hrandfield h 1.5", strNotInt),
		st("hrandfield h ''", strNotInt),
		st("hrandfield h 1 foo", strSyntax),
		st("hrandfield h 1 withvalues x", strSyntax),
		st("hrandfield h 0 foo", strSyntax),
		st("hrandfield nokey 1 foo", strSyntax),
		st("hrandfield nokey x", strNotInt),
		st("hrandfield h -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
		st("hrandfield h -4611686018427387904 withvalues", "-ERR value is out of range\r\n"),
		st("hrandfield h 4611686018427387904 withvalues", "-ERR value is out of range\r\n"),
		st("hset one f v", strInt(1)),
		st("hrandfield one", strBulk("f")),
		st("hrandfield one -3", hArr("f", "f", "f")),
		st3("hrandfield one -2 withvalues", hArr("f", "v", "f", "v"), hPairs("f", "v", "f", "v")),
		st3("hrandfield one 1 withvalues", hArr("f", "v"), hPairs("f", "v")),
	})
}

// TestHashEncoding checks OBJECT ENCODING around the thresholds, which
// Redis 7.0 applies in hashTypeSet: a field or value longer than
// hash-max-listpack-value, or one field more than
// hash-max-listpack-entries, converts the hash, for good.
func TestHashEncoding(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		// Thresholds 3 entries, 4 bytes, as CONFIG SET makes them.
		st("config set hash-max-listpack-entries 3", strOK),
		st("config set hash-max-listpack-value 4", strOK),
		st("hset e1 a 1 b 2 c 3", strInt(3)),
		st("object encoding e1", strBulk("listpack")),
		st("hset e1 a 2", strInt(0)),
		st("object encoding e1", strBulk("listpack")),
		st("hset e1 d 4", strInt(1)),
		st("object encoding e1", strBulk("hashtable")),
		st("hdel e1 a b c", strInt(3)),
		st("object encoding e1", strBulk("hashtable")),
		st("hset e2 a 1 a 2 a 3 a 4", strInt(1)),
		st("object encoding e2", strBulk("listpack")),
		st("hmset e3 a 1 b 2 c 3 d 4", strOK),
		st("object encoding e3", strBulk("hashtable")),
		st("hset e4 abcd abcd", strInt(1)),
		st("object encoding e4", strBulk("listpack")),
		st("hset e4 abcde 1", strInt(1)),
		st("object encoding e4", strBulk("hashtable")),
		st("hset e5 a 1", strInt(1)),
		st("hset e5 a 12345", strInt(0)),
		st("object encoding e5", strBulk("hashtable")),
		st("hset e6 a 1", strInt(1)),
		st("hsetnx e6 a longvalue", strInt(0)),
		st("object encoding e6", strBulk("listpack")),
		st("hsetnx e6 b longvalue", strInt(1)),
		st("object encoding e6", strBulk("hashtable")),
		st("hincrby e7 f 1234", strInt(1234)),
		st("object encoding e7", strBulk("listpack")),
		st("hincrby e7 f 1", strInt(1235)),
		st("object encoding e7", strBulk("listpack")),
		st("hincrby e8 longfield 1", strInt(1)),
		st("object encoding e8", strBulk("hashtable")),
		st("hincrbyfloat e9 f 1.5", strBulk("1.5")),
		st("hincrbyfloat e9 f 0.25", strBulk("1.75")),
		st("object encoding e9", strBulk("listpack")),
		st("hset e10 '' ''", strInt(1)),
		st("object encoding e10", strBulk("listpack")),
		st("config set hash-max-listpack-entries 0", strOK),
		st("hset e11 a 1", strInt(1)),
		st("object encoding e11", strBulk("hashtable")),
		st("config set hash-max-listpack-entries 3", strOK),
		st("config set hash-max-listpack-value 0", strOK),
		st("hset e12 '' ''", strInt(1)),
		st("object encoding e12", strBulk("listpack")),
		st("hset e12 a ''", strInt(1)),
		st("object encoding e12", strBulk("hashtable")),
		st("config set hash-max-ziplist-entries 512", strOK),
		st("config set hash-max-ziplist-value 64", strOK),
		st("hset e13 a 1", strInt(1)),
		st("object encoding e13", strBulk("listpack")),
	})
}

// hashFields reads a hash with go-redis.
func hashFields(t *testing.T, c *redis.Client, key string) map[string]string {
	t.Helper()
	m, err := c.HGetAll(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("HGETALL %s: %v", key, err)
	}
	return m
}

// TestHashGoRedis drives the commands through go-redis's typed API, in
// both protocols: HGETALL's map, HRANDFIELD WITHVALUES's pairs and
// HINCRBYFLOAT's number must parse as go-redis expects them.
func TestHashGoRedis(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		c := srv.ClientProto(t, proto)
		key := "gh" + strconv.Itoa(proto)
		if n, err := c.HSet(ctx, key, map[string]any{"a": "1", "b": "two", "c": 3}).Result(); err != nil || n != 3 {
			t.Fatalf("RESP%d HSET = %d, %v", proto, n, err)
		}
		if got := hashFields(t, c, key); !maps.Equal(got, map[string]string{"a": "1", "b": "two", "c": "3"}) {
			t.Errorf("RESP%d HGETALL = %v", proto, got)
		}
		if got, err := c.HMGet(ctx, key, "a", "zz").Result(); err != nil || got[0] != "1" || got[1] != nil {
			t.Errorf("RESP%d HMGET = %v, %v", proto, got, err)
		}
		if f, err := c.HIncrByFloat(ctx, key, "c", 0.5).Result(); err != nil || f != 3.5 {
			t.Errorf("RESP%d HINCRBYFLOAT = %v, %v", proto, f, err)
		}
		if ok, err := c.HExists(ctx, key, "b").Result(); err != nil || !ok {
			t.Errorf("RESP%d HEXISTS = %v, %v", proto, ok, err)
		}
		kvs, err := c.HRandFieldWithValues(ctx, key, -5).Result()
		if err != nil || len(kvs) != 5 {
			t.Fatalf("RESP%d HRANDFIELD -5 WITHVALUES = %v, %v", proto, kvs, err)
		}
		for _, kv := range kvs {
			if want := map[string]string{"a": "1", "b": "two", "c": "3.5"}[kv.Key]; kv.Value != want {
				t.Errorf("RESP%d HRANDFIELD pair %s=%s", proto, kv.Key, kv.Value)
			}
		}
		keys, cursor, err := c.HScan(ctx, key, 0, "", 0).Result()
		if err != nil || cursor != 0 || len(keys) != 6 {
			t.Errorf("RESP%d HSCAN = %v, %d, %v", proto, keys, cursor, err)
		}
	}
}

// TestHashScanTable walks hashtables with HSCAN: everything comes back
// exactly once when nothing changes, and a field present for a whole scan
// comes back even when the hash grows and shrinks (and its table resizes)
// between calls.
func TestHashScanTable(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	for i := range 1000 {
		c.HSet(ctx, "big", "f"+strconv.Itoa(i), i)
	}
	if enc := c.ObjectEncoding(ctx, "big").Val(); enc != "hashtable" {
		t.Fatalf("encoding %s", enc)
	}
	seen := map[string]int{}
	cursor, calls := uint64(0), 0
	for {
		keys, next, err := c.HScan(ctx, "big", cursor, "", 20).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(keys); i += 2 {
			seen[keys[i]]++
			if keys[i+1] != keys[i][1:] {
				t.Fatalf("pair %s=%s", keys[i], keys[i+1])
			}
		}
		calls++
		if cursor = next; cursor == 0 {
			break
		}
		// As in Redis 7.0, COUNT counts fields: whole buckets are
		// taken until there are that many.
		if len(keys) < 2*20 {
			t.Errorf("HSCAN COUNT 20 returned %d fields and cursor %d", len(keys)/2, next)
		}
	}
	if len(seen) != 1000 || calls < 10 {
		t.Errorf("scan gave %d fields in %d calls", len(seen), calls)
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("field %s returned %d times", f, n)
		}
	}
	// MATCH filters; a COUNT as large as the table takes it in one call.
	keys, next, err := c.HScan(ctx, "big", 0, "f99*", 5000).Result()
	if err != nil || next != 0 || len(keys) != 2*11 {
		t.Errorf("HSCAN MATCH f99* COUNT 5000 = %d elements, cursor %d, %v", len(keys), next, err)
	}

	// Churn between calls.
	for i := range 100 {
		c.HSet(ctx, "churn", "stable"+strconv.Itoa(i), "v")
	}
	got := map[string]bool{}
	extra := 0
	cursor = 0
	for step := 0; ; step++ {
		keys, next, err := c.HScan(ctx, "churn", cursor, "", 10).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(keys); i += 2 {
			got[keys[i]] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
		if step%2 == 0 {
			for range 500 {
				c.HSet(ctx, "churn", "x"+strconv.Itoa(extra), "v")
				extra++
			}
		} else {
			for i := range extra {
				c.HDel(ctx, "churn", "x"+strconv.Itoa(i))
			}
		}
	}
	for i := range 100 {
		if !got["stable"+strconv.Itoa(i)] {
			t.Errorf("stable%d was in the hash throughout but not returned", i)
		}
	}
}

// TestHashRandField checks HRANDFIELD's random replies by their
// properties, in both encodings: distinct fields for a positive count,
// repeats allowed for a negative one, values matching fields, and every
// field reachable.
func TestHashRandField(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	for _, n := range []int{5, 700} { // listpack, hashtable
		key := "r" + strconv.Itoa(n)
		for i := range n {
			c.HSet(ctx, key, "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
		}
		for _, count := range []int{1, 2, n - 1, n / 4, n / 2} {
			if count < 1 {
				continue
			}
			fields := c.HRandField(ctx, key, count).Val()
			if len(fields) != count || len(slices.Compact(slices.Sorted(slices.Values(fields)))) != count {
				t.Errorf("%d fields: HRANDFIELD %d gave %d, or repeats: %v", n, count, len(fields), fields)
			}
		}
		picks := c.HRandFieldWithValues(ctx, key, -3*n).Val()
		if len(picks) != 3*n {
			t.Errorf("%d fields: HRANDFIELD %d WITHVALUES gave %d", n, -3*n, len(picks))
		}
		for _, kv := range picks {
			if kv.Value != "v"+kv.Key[1:] {
				t.Fatalf("pair %s=%s", kv.Key, kv.Value)
			}
		}
		if n == 5 {
			seen := map[string]bool{}
			for range 200 {
				seen[c.Do(ctx, "HRANDFIELD", key).Val().(string)] = true
			}
			if len(seen) != 5 {
				t.Errorf("200 HRANDFIELD calls reached %d of 5 fields", len(seen))
			}
		}
	}
	if err := c.Do(ctx, "HRANDFIELD", "r5", strconv.Itoa(-(1<<27)-1)).Err(); err == nil || err.Error() != "ERR value is out of range" {
		t.Errorf("HRANDFIELD with a count too large for any reply: %v", err)
	}
}

// hashPayload appends DUMP's footer (RDB version 10, Redis's CRC-64) to
// a value, to RESTORE hand-made payloads.
func hashPayload(body string) string {
	b := binary.LittleEndian.AppendUint16([]byte(body), 10)
	crc := ^crc64.Update(^uint64(0), crc64.MakeTable(0x95ac9329ac4bc9b5), b)
	return string(binary.LittleEndian.AppendUint64(b, crc))
}

// TestHashDumpRestore checks payloads both ways with the ones
// redis-server 7.0 gave: a listpack is dumped byte for byte as Redis
// dumps it (LZF included), Redis's payloads of both encodings restore,
// and bad ones are refused.
func TestHashDumpRestore(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	redisDumps := []struct {
		key, enc, payload string
		fields            map[string]string
		cmd               []any
	}{
		{"small", "listpack",
			"\x10\x3f\x3f\x00\x00\x00\x0e\x00\x81\x61\x02\x01\x01\x81\x62\x02\x85\x68\x65\x6c\x6c\x6f\x06\x81\x63\x02\xdf\xfb\x02\x81\x64\x02\xc1\x2c\x02\x81\x65\x02\xf2\x70\x11\x01\x04\x81\x66\x02\xf4\x00\x1a\x71\x18\x02\x00\x00\x00\x09\x81\x67\x02\x83\x30\x31\x30\x04\xff\x0a\x00\x4c\x50\x55\x33\x83\x2a\xb8\xbc",
			map[string]string{"a": "1", "b": "hello", "c": "-5", "d": "300", "e": "70000", "f": "9000000000", "g": "010"},
			[]any{"HSET", "small", "a", "1", "b", "hello", "c", "-5", "d", "300", "e", "70000", "f", "9000000000", "g", "010"}},
		{"lzf", "listpack",
			"\x10\xc3\x40\x52\x40\x97\x14\x97\x00\x00\x00\x10\x00\x87\x66\x69\x65\x6c\x64\x3a\x30\x08\x87\x76\x61\x6c\x75\x65\x40\x08\x80\x11\x00\x31\xc0\x11\x20\x08\x80\x11\x00\x32\xc0\x11\x20\x08\x80\x11\x00\x33\xc0\x11\x20\x08\x80\x11\x00\x34\xc0\x11\x20\x08\x80\x11\x00\x35\xc0\x11\x20\x08\x80\x11\x00\x36\xc0\x11\x20\x08\x80\x11\x00\x37\xc0\x11\x02\x37\x08\xff\x0a\x00\x47\xcc\x41\x4d\x4d\x93\xeb\x33",
			nil, nil},
		{"ht", "hashtable",
			"\x04\x03\x01\x63\xc0\xfd\x01\x62\xc0\x02\x01\x61\xc3\x09\x40\x46\x01\x78\x78\xe0\x39\x00\x01\x78\x78\x0a\x00\xcf\x32\xf4\x5d\x2c\xaf\xbc\x24",
			map[string]string{"a": strings.Repeat("x", 70), "b": "2", "c": "-3"}, nil},
	}
	redisDumps[1].fields, redisDumps[1].cmd = map[string]string{}, []any{"HSET", "lzf"}
	for i := range 8 {
		f, v := "field:"+strconv.Itoa(i), "value:"+strconv.Itoa(i)
		redisDumps[1].fields[f] = v
		redisDumps[1].cmd = append(redisDumps[1].cmd, f, v)
	}
	for _, d := range redisDumps {
		restored := d.key + ":restored"
		if err := c.Restore(ctx, restored, 0, d.payload).Err(); err != nil {
			t.Fatalf("RESTORE Redis's %s: %v", d.key, err)
		}
		if got := hashFields(t, c, restored); !maps.Equal(got, d.fields) {
			t.Errorf("restored %s = %v, want %v", d.key, got, d.fields)
		}
		if enc := c.ObjectEncoding(ctx, restored).Val(); enc != d.enc {
			t.Errorf("restored %s: encoding %s, want %s", d.key, enc, d.enc)
		}
		if d.enc == "listpack" {
			c.Do(ctx, d.cmd...)
			if got := c.Dump(ctx, d.key).Val(); got != d.payload {
				t.Errorf("DUMP %s = %q, Redis's %q", d.key, got, d.payload)
			}
		}
	}

	// Redis 6's ziplist (hand-made, as redis-server 7.0 restores it): it
	// becomes the listpack Redis 7.0 makes of it, dumped as Redis does.
	ziplist := "\x0d\x2e\x2e\x00\x00\x00\x2a\x00\x00\x00\x08\x00\x00\x01\x61\x03\xf8\x02\x01\x62\x03\xc0\xd0\x8a\x04\x01\x63\x03\x05\x68\x65\x6c\x6c\x6f\x07\xe0\x00\x1a\x71\x18\x02\x00\x00\x00\x0a\x01\x78\xff\x0a\x00\xd9\x7b\x10\xf1\x92\x78\x53\xb2"
	redisRedump := "\x10\x2a\x2a\x00\x00\x00\x08\x00\x81\x61\x02\x07\x01\x81\x62\x02\xf1\xd0\x8a\x03\x81\x63\x02\x85\x68\x65\x6c\x6c\x6f\x06\xf4\x00\x1a\x71\x18\x02\x00\x00\x00\x09\x81\x78\x02\xff\x0a\x00\x1d\xbc\x25\x2d\x5a\x8e\x1c\xb6"
	if err := c.Restore(ctx, "zl", 0, ziplist).Err(); err != nil {
		t.Fatalf("RESTORE of a ziplist: %v", err)
	}
	if got := hashFields(t, c, "zl"); !maps.Equal(got, map[string]string{"a": "7", "b": "-30000", "c": "hello", "9000000000": "x"}) {
		t.Errorf("restored ziplist = %v", got)
	}
	if got := c.Dump(ctx, "zl").Val(); got != redisRedump {
		t.Errorf("DUMP of a restored ziplist = %q, Redis's %q", got, redisRedump)
	}

	// A hashtable goes round.
	for i := range 600 {
		c.HSet(ctx, "table", "f"+strconv.Itoa(i), i)
	}
	p := c.Dump(ctx, "table").Val()
	if err := c.Restore(ctx, "table2", 0, p).Err(); err != nil {
		t.Fatalf("RESTORE of a dumped hashtable: %v", err)
	}
	if a, b := hashFields(t, c, "table"), hashFields(t, c, "table2"); !maps.Equal(a, b) || len(b) != 600 {
		t.Errorf("restored hashtable differs: %d fields", len(b))
	}
	if enc := c.ObjectEncoding(ctx, "table2").Val(); enc != "hashtable" {
		t.Errorf("restored 600-field hash: encoding %s", enc)
	}

	for name, body := range map[string]string{
		"empty hash":          "\x04\x00",
		"truncated":           "\x04\x02\x01a\x01b",
		"duplicate field":     "\x04\x02\x01a\x01b\x01a\x01c",
		"empty listpack":      "\x10\x07\x07\x00\x00\x00\x00\x00\xff",
		"odd listpack":        "\x10\x09\x09\x00\x00\x00\x01\x00\x01\x01\xff",
		"listpack bad count":  "\x10\x0d\x0d\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\xff",
		"listpack duplicates": "\x10\x13\x13\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x81a\x02\x81c\x02\xff",
	} {
		if err := c.Restore(ctx, "bad", 0, hashPayload(body)).Err(); err == nil || err.Error() != "ERR Bad data format" {
			t.Errorf("RESTORE of a payload with %s: %v", name, err)
		}
	}
	if err := c.Restore(ctx, "good", 0, hashPayload("\x10\x0d\x0d\x00\x00\x00\x02\x00\x81a\x02\x81b\x02\xff")).Err(); err != nil {
		t.Errorf("RESTORE of a hand-made listpack: %v", err)
	}
}

// TestHashCopyAndMemory: COPY makes an independent hash in the same
// encoding, and MEMORY USAGE follows the hash's size.
func TestHashCopyAndMemory(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	for _, n := range []int{3, 1000} {
		src, dst := "src"+strconv.Itoa(n), "dst"+strconv.Itoa(n)
		for i := range n {
			c.HSet(ctx, src, "f"+strconv.Itoa(i), "v")
		}
		if c.Copy(ctx, src, dst, 0, false).Val() != 1 {
			t.Fatalf("COPY %s failed", src)
		}
		c.HSet(ctx, src, "f0", "changed", "new", "x")
		if v := c.HGet(ctx, dst, "f0").Val(); v != "v" || c.HLen(ctx, dst).Val() != int64(n) {
			t.Errorf("copy changed with its source: f0=%s, %d fields", v, c.HLen(ctx, dst).Val())
		}
		if a, b := c.ObjectEncoding(ctx, src).Val(), c.ObjectEncoding(ctx, dst).Val(); a != b {
			t.Errorf("copy's encoding %s, source's %s", b, a)
		}
	}
	small, big := c.MemoryUsage(ctx, "dst3").Val(), c.MemoryUsage(ctx, "dst1000").Val()
	// 1000 fields of about 6 bytes in a hashtable: tens of kilobytes.
	if small <= 0 || small > 300 || big < 30_000 || big > 150_000 {
		t.Errorf("MEMORY USAGE: %d for 3 fields, %d for 1000", small, big)
	}
	before := c.MemoryUsage(ctx, "dst3").Val()
	c.HSet(ctx, "dst3", "long", strings.Repeat("y", 50))
	if after := c.MemoryUsage(ctx, "dst3").Val(); after < before+50 {
		t.Errorf("MEMORY USAGE did not follow a 50-byte value: %d, then %d", before, after)
	}
}
