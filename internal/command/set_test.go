package command_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The set family. The step tables hold the raw replies redis-server 7.0
// gave to the same commands (with "list" a key of another type), in RESP2
// and RESP3. They only ask for orders Redis fixes: members of an intset,
// or of a result built as one, come sorted; a hashtable's order is its
// own, and the tests further down compare those as sets.

func TestSetBasics(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SADD s 3 1 2", ":3\r\n"),
		st("SADD s 2 4", ":1\r\n"),
		st("SCARD s", ":4\r\n"),
		st3("SMEMBERS s", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("SISMEMBER s 4", ":1\r\n"),
		st("SISMEMBER s 5", ":0\r\n"),
		st("SISMEMBER s 04", ":0\r\n"),
		st("SMISMEMBER s 1 9 4", "*3\r\n:1\r\n:0\r\n:1\r\n"),
		st("SREM s 9", ":0\r\n"),
		st("SREM s 4 1 9", ":2\r\n"),
		st3("SMEMBERS s", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n", "~2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SREM s 2 3 2", ":2\r\n"),
		st("EXISTS s", ":0\r\n"),
		st("SCARD s", ":0\r\n"),
		st3("SMEMBERS s", "*0\r\n", "~0\r\n"),
		st("SISMEMBER s 1", ":0\r\n"),
		st("SMISMEMBER s 1", "*1\r\n:0\r\n"),
		st("SREM s 1", ":0\r\n"),
		st("TYPE s", "+none\r\n"),
		st("SADD h a b", ":2\r\n"),
		st("SADD h a c 1", ":2\r\n"),
		st("SCARD h", ":4\r\n"),
		st("SISMEMBER h 1", ":1\r\n"),
		st("SISMEMBER h a", ":1\r\n"),
		st("SMISMEMBER h a z 1", "*3\r\n:1\r\n:0\r\n:1\r\n"),
		st("SREM h a z", ":1\r\n"),
		st("SCARD h", ":3\r\n"),
		st("SREM h b c 1", ":3\r\n"),
		st("EXISTS h", ":0\r\n"),
		st("SADD n 9223372036854775807 -9223372036854775808 0 -1", ":4\r\n"),
		st3("SMEMBERS n", "*4\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$19\r\n9223372036854775807\r\n", "~4\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$1\r\n0\r\n$19\r\n9223372036854775807\r\n"),
		st("OBJECT ENCODING n", "$6\r\nintset\r\n"),
		{args: []string{"SADD", "m", "-0", "+1", "01", " 1", "", "1"}, resp2: ":6\r\n"},
		st("SCARD m", ":6\r\n"),
		st("OBJECT ENCODING m", "$9\r\nhashtable\r\n"),
		{args: []string{"SISMEMBER", "m", ""}, resp2: ":1\r\n"},
		st("SISMEMBER m 1", ":1\r\n"),
		st("SADD list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SREM list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMEMBERS list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SISMEMBER list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMISMEMBER list a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SCARD list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SPOP list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SRANDMEMBER list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SSCAN list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTER list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMOVE list s a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SADD s", "-ERR wrong number of arguments for 'sadd' command\r\n"),
		st("SREM s", "-ERR wrong number of arguments for 'srem' command\r\n"),
		st("SMEMBERS", "-ERR wrong number of arguments for 'smembers' command\r\n"),
		st("SMEMBERS a b", "-ERR wrong number of arguments for 'smembers' command\r\n"),
		st("SISMEMBER s", "-ERR wrong number of arguments for 'sismember' command\r\n"),
		st("SISMEMBER s a b", "-ERR wrong number of arguments for 'sismember' command\r\n"),
		st("SMISMEMBER s", "-ERR wrong number of arguments for 'smismember' command\r\n"),
		st("SCARD", "-ERR wrong number of arguments for 'scard' command\r\n"),
		st("SCARD a b", "-ERR wrong number of arguments for 'scard' command\r\n"),
		st("SPOP", "-ERR wrong number of arguments for 'spop' command\r\n"),
		st("SRANDMEMBER", "-ERR wrong number of arguments for 'srandmember' command\r\n"),
		st("SMOVE a b", "-ERR wrong number of arguments for 'smove' command\r\n"),
		st("SINTER", "-ERR wrong number of arguments for 'sinter' command\r\n"),
		st("SUNION", "-ERR wrong number of arguments for 'sunion' command\r\n"),
		st("SDIFF", "-ERR wrong number of arguments for 'sdiff' command\r\n"),
		st("SINTERSTORE d", "-ERR wrong number of arguments for 'sinterstore' command\r\n"),
		st("SUNIONSTORE d", "-ERR wrong number of arguments for 'sunionstore' command\r\n"),
		st("SDIFFSTORE d", "-ERR wrong number of arguments for 'sdiffstore' command\r\n"),
		st("SINTERCARD 1", "-ERR wrong number of arguments for 'sintercard' command\r\n"),
		st("SSCAN s", "-ERR wrong number of arguments for 'sscan' command\r\n"),
	})
}

// TestSetEncoding follows OBJECT ENCODING through conversions, the
// encodings of STORE results (SDIFF's second algorithm passes the limit on
// the way) and DUMP of intsets, whose integer width only grows.
func TestSetEncoding(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("CONFIG SET set-max-intset-entries 4", "+OK\r\n"),
		st("SADD a 1 2 3 4", ":4\r\n"),
		st("OBJECT ENCODING a", "$6\r\nintset\r\n"),
		st("SADD a 4", ":0\r\n"),
		st("OBJECT ENCODING a", "$6\r\nintset\r\n"),
		st("SADD a 5", ":1\r\n"),
		st("OBJECT ENCODING a", "$9\r\nhashtable\r\n"),
		st("SREM a 5 4 3", ":3\r\n"),
		st("OBJECT ENCODING a", "$9\r\nhashtable\r\n"),
		st("SCARD a", ":2\r\n"),
		st("SADD b 1 2 3 4 5", ":5\r\n"),
		st("OBJECT ENCODING b", "$9\r\nhashtable\r\n"),
		st("SADD c 1 x", ":2\r\n"),
		st("OBJECT ENCODING c", "$9\r\nhashtable\r\n"),
		st("SADD d -0", ":1\r\n"),
		st("OBJECT ENCODING d", "$9\r\nhashtable\r\n"),
		st("SADD e 9223372036854775808", ":1\r\n"),
		st("OBJECT ENCODING e", "$9\r\nhashtable\r\n"),
		st("CONFIG SET set-max-intset-entries 8", "+OK\r\n"),
		st("SADD x 1 2 3 4 5 6 7 8 9 10", ":10\r\n"),
		st("SADD y 1", ":1\r\n"),
		st("SADD z 2", ":1\r\n"),
		st("SADD yz 1 2", ":2\r\n"),
		st("SDIFFSTORE r x y z", ":8\r\n"),
		st("OBJECT ENCODING r", "$9\r\nhashtable\r\n"),
		st("SDIFFSTORE r2 x yz", ":8\r\n"),
		st("OBJECT ENCODING r2", "$6\r\nintset\r\n"),
		st3("SMEMBERS r2", "*8\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n", "~8\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n"),
		st3("SDIFF x yz", "*8\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n", "~8\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n"),
		st("SUNIONSTORE u y z", ":2\r\n"),
		st("OBJECT ENCODING u", "$6\r\nintset\r\n"),
		st3("SMEMBERS u", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("SINTERSTORE i x yz", ":2\r\n"),
		st("OBJECT ENCODING i", "$6\r\nintset\r\n"),
		st3("SMEMBERS i", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st3("SINTER x yz", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("SUNIONSTORE big x y", ":10\r\n"),
		st("OBJECT ENCODING big", "$9\r\nhashtable\r\n"),
		st("SADD m a 3 4", ":3\r\n"),
		st("SINTERSTORE d2 m x", ":2\r\n"),
		st("OBJECT ENCODING d2", "$6\r\nintset\r\n"),
		st3("SMEMBERS d2", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("SDIFFSTORE d3 m yz", ":3\r\n"),
		st("OBJECT ENCODING d3", "$9\r\nhashtable\r\n"),
		st("CONFIG SET set-max-intset-entries 0", "+OK\r\n"),
		st("SADD z0 1", ":1\r\n"),
		st("OBJECT ENCODING z0", "$9\r\nhashtable\r\n"),
		st("SUNIONSTORE z1 yz", ":2\r\n"),
		st("OBJECT ENCODING z1", "$9\r\nhashtable\r\n"),
		st("CONFIG SET set-max-intset-entries 512", "+OK\r\n"),
		st("SADD w 1 5000000000", ":2\r\n"),
		st("DUMP w", "$36\r\n\x0b\x18\x08\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\xf2\x05*\x01\x00\x00\x00\n\x00T\xf5\xa2j\xe7\x07\xb5\xfc\r\n"),
		st("SREM w 5000000000", ":1\r\n"),
		st("DUMP w", "$28\r\n\x0b\x10\x08\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\n\x00i\xc13}y\x9a\xc7\x0f\r\n"),
		st("OBJECT ENCODING w", "$6\r\nintset\r\n"),
		st("SADD v -70000 1", ":2\r\n"),
		st("DUMP v", "$28\r\n\x0b\x10\x04\x00\x00\x00\x02\x00\x00\x00\x90\xee\xfe\xff\x01\x00\x00\x00\n\x00\x94\xa1\x05\xe9Y\xef\xec\x05\r\n"),
		st("SADD one x", ":1\r\n"),
		st("DUMP one", "$14\r\n\x02\x01\x01x\n\x00\xff\xe8\x80\xbav\x0c/\x09\r\n"),
	})
}

func TestSetAlgebra(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SADD a 1 2 3 4", ":4\r\n"),
		st("SADD b 3 4 5", ":3\r\n"),
		st("SADD c 4 5 6", ":3\r\n"),
		st3("SINTER a b", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st3("SINTER a b c", "*1\r\n$1\r\n4\r\n", "~1\r\n$1\r\n4\r\n"),
		st3("SINTER a missing", "*0\r\n", "~0\r\n"),
		st3("SINTER missing a", "*0\r\n", "~0\r\n"),
		st3("SINTER a a", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st3("SINTER b a", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st3("SUNION a b c", "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n", "~6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"),
		st3("SUNION missing", "*0\r\n", "~0\r\n"),
		st3("SUNION a missing", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st3("SDIFF a b", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st3("SDIFF a b c", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st3("SDIFF a a", "*0\r\n", "~0\r\n"),
		st3("SDIFF b a missing", "*1\r\n$1\r\n5\r\n", "~1\r\n$1\r\n5\r\n"),
		st3("SDIFF missing a", "*0\r\n", "~0\r\n"),
		st3("SDIFF a missing", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st3("SDIFF a b a", "*0\r\n", "~0\r\n"),
		st3("SDIFF c missing a", "*2\r\n$1\r\n5\r\n$1\r\n6\r\n", "~2\r\n$1\r\n5\r\n$1\r\n6\r\n"),
		st("SINTERSTORE d a b", ":2\r\n"),
		st3("SMEMBERS d", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("TYPE d", "+set\r\n"),
		st("SUNIONSTORE d a b", ":5\r\n"),
		st3("SMEMBERS d", "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n", "~5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"),
		st("SDIFFSTORE d a b", ":2\r\n"),
		st3("SMEMBERS d", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n", "~2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("SDIFFSTORE d a a", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SET d x", "+OK\r\n"),
		st("SINTERSTORE d a missing", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SET d x", "+OK\r\n"),
		st("SUNIONSTORE d missing", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SET d x", "+OK\r\n"),
		st("SDIFFSTORE d missing a", ":0\r\n"),
		st("EXISTS d", ":0\r\n"),
		st("SDIFFSTORE d missing a", ":0\r\n"),
		st("SET str v", "+OK\r\n"),
		st("EXPIRE str 100", ":1\r\n"),
		st("SUNIONSTORE str a", ":4\r\n"),
		st("TTL str", ":-1\r\n"),
		st("TYPE str", "+set\r\n"),
		st3("SMEMBERS str", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("SINTERSTORE b b a", ":2\r\n"),
		st3("SMEMBERS b", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("SUNIONSTORE b b c", ":4\r\n"),
		st3("SMEMBERS b", "*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n", "~4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"),
		st("SINTERCARD 2 a b", ":2\r\n"),
		st("SINTERCARD 2 a c LIMIT 1", ":1\r\n"),
		st("SINTERCARD 2 a b limit 0", ":2\r\n"),
		st("SINTERCARD 1 a LIMIT 3", ":3\r\n"),
		st("SINTERCARD 1 missing", ":0\r\n"),
		st("SINTERCARD 2 a missing", ":0\r\n"),
		st("SINTERCARD 0 a", "-ERR numkeys should be greater than 0\r\n"),
		st("SINTERCARD x a", "-ERR numkeys should be greater than 0\r\n"),
		st("SINTERCARD -1 a", "-ERR numkeys should be greater than 0\r\n"),
		st("SINTERCARD 3 a b", "-ERR Number of keys can't be greater than number of args\r\n"),
		st("SINTERCARD 1 a LIMIT", "-ERR syntax error\r\n"),
		st("SINTERCARD 1 a LIMIT -1", "-ERR LIMIT can't be negative\r\n"),
		st("SINTERCARD 1 a LIMIT x", "-ERR LIMIT can't be negative\r\n"),
		st("SINTERCARD 1 a FOO 1", "-ERR syntax error\r\n"),
		st("SINTERCARD 1 a LIMIT 1 LIMIT 2", ":2\r\n"),
		st("SADD m a 3 4", ":3\r\n"),
		st("SINTERSTORE d2 m a", ":2\r\n"),
		st("OBJECT ENCODING d2", "$6\r\nintset\r\n"),
		st3("SMEMBERS d2", "*2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("SINTERCARD 2 m a", ":2\r\n"),
		st("SUNIONSTORE d3 m a", ":5\r\n"),
		st("OBJECT ENCODING d3", "$9\r\nhashtable\r\n"),
		st("SCARD d3", ":5\r\n"),
		st("SDIFFSTORE d4 m a", ":1\r\n"),
		st3("SMEMBERS d4", "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"),
		st("OBJECT ENCODING d4", "$9\r\nhashtable\r\n"),
		st("SINTER missing list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTER list missing", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTER a list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SUNION a list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SUNION missing list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SDIFF missing list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SDIFF list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SDIFFSTORE d missing list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTERSTORE d list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTERCARD 2 missing list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SINTERCARD 1 list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SUNIONSTORE list a", ":4\r\n"),
		st("TYPE list", "+set\r\n"),
		st3("SMEMBERS list", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
	})
}

func TestSetMove(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SADD a 1 2 3", ":3\r\n"),
		st("SMOVE a b 1", ":1\r\n"),
		st3("SMEMBERS a", "*2\r\n$1\r\n2\r\n$1\r\n3\r\n", "~2\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st3("SMEMBERS b", "*1\r\n$1\r\n1\r\n", "~1\r\n$1\r\n1\r\n"),
		st("OBJECT ENCODING b", "$6\r\nintset\r\n"),
		st("SMOVE a b 9", ":0\r\n"),
		st("SMOVE a a 2", ":1\r\n"),
		st("SMOVE a a 9", ":0\r\n"),
		st("SMOVE missing b 1", ":0\r\n"),
		st("SMOVE missing list 1", ":0\r\n"),
		st("SMOVE missing missing 1", ":0\r\n"),
		st("SMOVE list b 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMOVE a list 2", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMOVE a list 9", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SMOVE a b 2", ":1\r\n"),
		st("SMOVE a b 3", ":1\r\n"),
		st("EXISTS a", ":0\r\n"),
		st3("SMEMBERS b", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SADD c x", ":1\r\n"),
		st("SMOVE c b x", ":1\r\n"),
		st("OBJECT ENCODING b", "$9\r\nhashtable\r\n"),
		st("EXISTS c", ":0\r\n"),
		st("SADD e 1", ":1\r\n"),
		st("EXPIRE e 100", ":1\r\n"),
		st("SMOVE b e 1", ":1\r\n"),
		st3("SMEMBERS e", "*1\r\n$1\r\n1\r\n", "~1\r\n$1\r\n1\r\n"),
		st("TTL e", ":100\r\n"),
		st("SISMEMBER b 1", ":0\r\n"),
		st("SCARD b", ":3\r\n"),
		st("SMOVE b f x", ":1\r\n"),
		st("OBJECT ENCODING f", "$9\r\nhashtable\r\n"),
		st3("SMEMBERS f", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
		st("SMOVE b b 2", ":1\r\n"),
	})
}

// TestSetPopRandomReplies has the SPOP and SRANDMEMBER replies that are
// not random: errors, empty and missing sets, whole sets.
func TestSetPopRandomReplies(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SPOP s 1 2", "-ERR syntax error\r\n"),
		st("SPOP s -1", "-ERR value is out of range, must be positive\r\n"),
		st("SPOP s abc", "-ERR value is out of range, must be positive\r\n"),
		st("SPOP s 1.5", "-ERR value is out of range, must be positive\r\n"),
		st3("SPOP missing", "$-1\r\n", "_\r\n"),
		st3("SPOP missing 0", "*0\r\n", "~0\r\n"),
		st3("SPOP missing 3", "*0\r\n", "~0\r\n"),
		st("SPOP missing abc", "-ERR value is out of range, must be positive\r\n"),
		st("SPOP list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SPOP list -1", "-ERR value is out of range, must be positive\r\n"),
		st("SPOP list 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SADD s 1 2 3", ":3\r\n"),
		st3("SPOP s 0", "*0\r\n", "~0\r\n"),
		st3("SPOP s 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("EXISTS s", ":0\r\n"),
		st("SADD s 5", ":1\r\n"),
		st("SPOP s", "$1\r\n5\r\n"),
		st("EXISTS s", ":0\r\n"),
		st("SADD s 7", ":1\r\n"),
		st3("SPOP s 1", "*1\r\n$1\r\n7\r\n", "~1\r\n$1\r\n7\r\n"),
		st("EXISTS s", ":0\r\n"),
		st("SADD s 7 8", ":2\r\n"),
		st3("SPOP s 9223372036854775807", "*2\r\n$1\r\n7\r\n$1\r\n8\r\n", "~2\r\n$1\r\n7\r\n$1\r\n8\r\n"),
		st("EXISTS s", ":0\r\n"),
		st3("SRANDMEMBER missing", "$-1\r\n", "_\r\n"),
		st("SRANDMEMBER missing 3", "*0\r\n"),
		st("SRANDMEMBER missing -3", "*0\r\n"),
		st("SRANDMEMBER missing 0", "*0\r\n"),
		st("SRANDMEMBER s 1 2", "-ERR syntax error\r\n"),
		st("SRANDMEMBER s abc", "-ERR value is not an integer or out of range\r\n"),
		st("SRANDMEMBER missing abc", "-ERR value is not an integer or out of range\r\n"),
		st("SRANDMEMBER s -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"),
		st("SRANDMEMBER s 9223372036854775808", "-ERR value is not an integer or out of range\r\n"),
		st("SADD r 3 1 2", ":3\r\n"),
		st("SRANDMEMBER r 0", "*0\r\n"),
		st("SRANDMEMBER r 3", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SRANDMEMBER r 5", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SRANDMEMBER r 9223372036854775807", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SADD one x", ":1\r\n"),
		st("SRANDMEMBER one", "$1\r\nx\r\n"),
		st("SRANDMEMBER one -3", "*3\r\n$1\r\nx\r\n$1\r\nx\r\n$1\r\nx\r\n"),
		st("SRANDMEMBER one 1", "*1\r\n$1\r\nx\r\n"),
		st("SRANDMEMBER one 2", "*1\r\n$1\r\nx\r\n"),
		st3("SPOP one 1", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
		st("EXISTS one", ":0\r\n"),
		st("SRANDMEMBER list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SRANDMEMBER list", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SRANDMEMBER list -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SRANDMEMBER list x", "-ERR value is not an integer or out of range\r\n"),
	})
}

func TestSetScanReplies(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SADD s 3 1 2", ":3\r\n"),
		st("SSCAN s 0", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SSCAN s 7 COUNT 1", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SSCAN s 0 MATCH 1", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n"),
		st("SSCAN s 0 MATCH [12] COUNT 1", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n"),
		st("SSCAN s -1", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SSCAN s x", "-ERR invalid cursor\r\n"),
		st("SSCAN s 0 TYPE string", "-ERR syntax error\r\n"),
		st("SSCAN s 0 COUNT 0", "-ERR syntax error\r\n"),
		st("SSCAN s 0 COUNT -1", "-ERR syntax error\r\n"),
		st("SSCAN s 0 COUNT x", "-ERR value is not an integer or out of range\r\n"),
		st("SSCAN s 0 MATCH", "-ERR syntax error\r\n"),
		st("SSCAN s 0 FOO bar", "-ERR syntax error\r\n"),
		st("SSCAN s 0 count 2 match * COUNT 5", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SSCAN missing 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
		st("SSCAN missing 0 FOO", "*2\r\n$1\r\n0\r\n*0\r\n"),
		st("SSCAN missing x", "-ERR invalid cursor\r\n"),
		st("SSCAN list 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SSCAN list 0 FOO", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
		st("SSCAN list x", "-ERR invalid cursor\r\n"),
		st("SSCAN s 18446744073709551615", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SSCAN s 18446744073709551616", "-ERR invalid cursor\r\n"),
		st("SSCAN s ''", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("SADD h a b c", ":3\r\n"),
		st("SSCAN h 0 MATCH z", "*2\r\n$1\r\n0\r\n*0\r\n"),
		st("SSCAN h 0 MATCH a", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"),
		st("SSCAN h 0 MATCH A", "*2\r\n$1\r\n0\r\n*0\r\n"),
		st("SSCAN s +5", "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
	})
}

// TestSetDumpRestore restores payloads redis-server 7.0 dumped (an
// intset as RDB_TYPE_SET_INTSET, integers and a string as RDB_TYPE_SET)
// and checks Shoal's DUMP gives Redis's bytes back.
func TestSetDumpRestore(t *testing.T) {
	strRun(t, testserver.Start(t), []strStep{
		st("SADD a 1 2 3", ":3\r\n"),
		{args: []string{"RESTORE", "a", "0", "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\x5c\xe2mnM\x1b"}, resp2: "-BUSYKEY Target key name already exists.\r\n"},
		{args: []string{"RESTORE", "x", "0", "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\x5c\xe2mnM\x1b"}, resp2: "+OK\r\n"},
		st3("SMEMBERS x", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st("OBJECT ENCODING x", "$6\r\nintset\r\n"),
		st("DUMP x", "$26\r\n\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\x5c\xe2mnM\x1b\r\n"),
		{args: []string{"RESTORE", "p", "0", "\x02\x01\xc0\x07\n\x00\xa9\xa5NGHO\xa9K"}, resp2: "+OK\r\n"},
		st("OBJECT ENCODING p", "$6\r\nintset\r\n"),
		st3("SMEMBERS p", "*1\r\n$1\r\n7\r\n", "~1\r\n$1\r\n7\r\n"),
		st("DUMP p", "$22\r\n\x0b\n\x02\x00\x00\x00\x01\x00\x00\x00\x07\x00\n\x00\xac\x90\xce\xe9\xb0R\xa9c\r\n"),
		{args: []string{"RESTORE", "o", "0", "\x02\x01\x01x\n\x00\xff\xe8\x80\xbav\x0c/\x09"}, resp2: "+OK\r\n"},
		st3("SMEMBERS o", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
		st("OBJECT ENCODING o", "$9\r\nhashtable\r\n"),
		st("TYPE o", "+set\r\n"),
		st("COPY x y", ":1\r\n"),
		st("SADD y 4", ":1\r\n"),
		st3("SMEMBERS x", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"),
		st3("SMEMBERS y", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n", "~4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n"),
		st("COPY o o2", ":1\r\n"),
		st3("SMEMBERS o2", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
		st("OBJECT ENCODING o2", "$9\r\nhashtable\r\n"),
	})
}

// setSeed fills key with members through SADD.
func setSeed(t *testing.T, c *redis.Client, key string, members ...string) {
	t.Helper()
	if err := c.SAdd(context.Background(), key, anySlice(members)...).Err(); err != nil {
		t.Fatalf("SADD %s: %v", key, err)
	}
}

func numbered(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// sameMembers fails unless got and want hold the same strings, in any
// order.
func sameMembers(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("%s: got %q, want %q (any order)", what, got, want)
	}
}

// TestSetHashtableReplies compares replies on hashtable sets, whose
// order is the table's, as sets: SMEMBERS, SINTER, SUNION, SDIFF and the
// STORE forms over strings and integers.
func TestSetHashtableReplies(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		setSeed(t, c, "a", "x", "y", "z", "1", "2")
		setSeed(t, c, "b", "y", "z", "3", "2")
		setSeed(t, c, "c", "z", "w")
		for _, tc := range []struct {
			cmd  []any
			want []string
		}{
			{args("smembers", "a"), []string{"x", "y", "z", "1", "2"}},
			{args("sinter", "a", "b"), []string{"y", "z", "2"}},
			{args("sinter", "a", "b", "c"), []string{"z"}},
			{args("sunion", "a", "b", "c"), []string{"x", "y", "z", "1", "2", "3", "w"}},
			{args("sdiff", "a", "b"), []string{"x", "1"}},
			{args("sdiff", "a", "b", "c", "missing"), []string{"x", "1"}},
			{args("sdiff", "b", "a"), []string{"3"}},
		} {
			got, err := c.Do(ctx, tc.cmd...).StringSlice()
			if err != nil {
				t.Fatalf("%v: %v", tc.cmd, err)
			}
			sameMembers(t, fmt.Sprint(tc.cmd), got, tc.want)
		}
		if n := c.SUnionStore(ctx, "u", "a", "b").Val(); n != 6 {
			t.Errorf("SUNIONSTORE: %d", n)
		}
		sameMembers(t, "stored union", c.SMembers(ctx, "u").Val(), []string{"x", "y", "z", "1", "2", "3"})
		if n := c.SInterCard(ctx, 0, "a", "b").Val(); n != 3 {
			t.Errorf("SINTERCARD: %d", n)
		}
		if got := c.SMembersMap(ctx, "c").Val(); len(got) != 2 {
			t.Errorf("SMEMBERS as map: %v", got)
		}
	})
}

// TestSetPop checks SPOP with a count in each of Redis's three cases (the
// whole set, one at a time, picking what stays) on intsets and
// hashtables: the right number of distinct members, taken from the set,
// and what is left.
func TestSetPop(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		for _, tc := range []struct {
			name    string
			members []string
			count   int64
			enc     string // encoding after, "" when the key is gone
			sorted  bool   // Redis replies in intset order
		}{
			{"intset whole", numbered("", 0, 20), 25, "", true},
			{"intset one at a time", numbered("", 0, 20), 3, "intset", false},
			{"intset keeping few", numbered("", 0, 20), 18, "intset", true},
			{"hashtable whole", numbered("m", 0, 20), 20, "", false},
			{"hashtable one at a time", numbered("m", 0, 20), 5, "hashtable", false},
			{"hashtable keeping few", numbered("m", 0, 20), 19, "hashtable", false},
			{"integers past the limit keeping few", numbered("", 0, 600), 590, "intset", false},
		} {
			c.Del(ctx, "s")
			setSeed(t, c, "s", tc.members...)
			popped := c.SPopN(ctx, "s", tc.count).Val()
			left := c.SMembers(ctx, "s").Val()
			want := min(int(tc.count), len(tc.members))
			if len(popped) != want || len(left) != len(tc.members)-want {
				t.Errorf("%s: popped %d, left %d", tc.name, len(popped), len(left))
			}
			sameMembers(t, tc.name+": popped and left", append(popped, left...), tc.members)
			if enc := c.ObjectEncoding(ctx, "s").Val(); enc != tc.enc {
				t.Errorf("%s: encoding %q, want %q", tc.name, enc, tc.enc)
			}
			if tc.sorted && !slices.IsSortedFunc(popped, func(a, b string) int { return atoiOr(a, 0) - atoiOr(b, 0) }) {
				t.Errorf("%s: popped %q, want ascending", tc.name, popped)
			}
		}
		// One at a time until the set is gone.
		setSeed(t, c, "one", "a", "1")
		got := []string{c.SPop(ctx, "one").Val(), c.SPop(ctx, "one").Val()}
		sameMembers(t, "SPOP", got, []string{"a", "1"})
		if c.Exists(ctx, "one").Val() != 0 {
			t.Error("empty set not deleted")
		}
	})
}

// TestSetPopKeepsTTL: SPOP that rebuilds what stays keeps the key's TTL,
// as Redis's dbOverwrite does.
func TestSetPopKeepsTTL(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	setSeed(t, c, "s", numbered("", 0, 12)...)
	c.Expire(ctx, "s", 1000*1e9)
	c.SPopN(ctx, "s", 11)
	if ttl := c.TTL(ctx, "s").Val(); ttl <= 0 {
		t.Errorf("TTL after SPOP: %v", ttl)
	}
}

func TestSetRandMember(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		for _, members := range [][]string{numbered("", 0, 30), numbered("m", 0, 30)} {
			c.Del(ctx, "s")
			setSeed(t, c, "s", members...)
			for _, count := range []int64{1, 5, 11, 29, 30, 31} {
				got := c.SRandMemberN(ctx, "s", count).Val()
				if len(got) != int(min(count, 30)) || len(slices.Compact(sorted(got))) != len(got) {
					t.Errorf("count %d: %d members, or repeated: %q", count, len(got), got)
				}
				for _, m := range got {
					if !slices.Contains(members, m) {
						t.Errorf("count %d: %q is no member", count, m)
					}
				}
			}
			// Negative: exactly -count members, repeats allowed, every
			// member drawn sooner or later.
			got := c.SRandMemberN(ctx, "s", -3000).Val()
			if len(got) != 3000 {
				t.Errorf("count -3000: %d members", len(got))
			}
			sameMembers(t, "negative count draws", slices.Compact(sorted(got)), members)
			if c.SCard(ctx, "s").Val() != 30 {
				t.Error("SRANDMEMBER changed the set")
			}
		}
	})
}

// TestSetScanHashtable walks large hashtables with SSCAN while members
// come and go between calls: every member there from start to end must
// come back, and MATCH filters.
func TestSetScanHashtable(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		stay := numbered("m", 0, 1000)
		setSeed(t, c, "s", stay...)
		setSeed(t, c, "s", numbered("gone", 0, 200)...)
		seen := map[string]bool{}
		var cursor uint64
		for i := 0; ; i++ {
			keys, next, err := c.SScan(ctx, "s", cursor, "", int64(1+i%40)).Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				seen[k] = true
			}
			if cursor = next; cursor == 0 {
				break
			}
			c.SRem(ctx, "s", "gone"+strconv.Itoa(i))
			c.SAdd(ctx, "s", "new"+strconv.Itoa(i))
		}
		for _, m := range stay {
			if !seen[m] {
				t.Fatalf("%s was in the set throughout but not returned", m)
			}
		}
		var matched []string
		iter := c.SScan(ctx, "s", 0, "m99*", 7).Iterator()
		for iter.Next(ctx) {
			matched = append(matched, iter.Val())
		}
		sameMembers(t, "MATCH m99*", slices.Compact(sorted(matched)), []string{"m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998", "m999"})
	})
}

// TestSetDumpHashtable round-trips a hashtable through DUMP and RESTORE
// (Redis's member order differs, so not its bytes) and COPY.
func TestSetDumpHashtable(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	members := append(numbered("member-with-a-long-enough-name-", 0, 600), "1", "-5", "70000")
	setSeed(t, c, "s", members...)
	payload := c.Dump(ctx, "s").Val()
	if err := c.Restore(ctx, "r", 0, payload).Err(); err != nil {
		t.Fatal(err)
	}
	sameMembers(t, "restored", c.SMembers(ctx, "r").Val(), members)
	if enc := c.ObjectEncoding(ctx, "r").Val(); enc != "hashtable" {
		t.Errorf("restored encoding %q", enc)
	}
	c.Copy(ctx, "s", "copy", 0, false)
	c.SRem(ctx, "copy", "1")
	if !c.SIsMember(ctx, "s", "1").Val() || c.SIsMember(ctx, "copy", "1").Val() {
		t.Error("COPY shares the set")
	}
}

// TestSetMemoryUsage checks that MEMORY USAGE follows the set's size as
// it grows, converts and shrinks.
func TestSetMemoryUsage(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	setSeed(t, c, "s", numbered("", 0, 500)...)
	small := c.MemoryUsage(ctx, "s").Val()
	setSeed(t, c, "s", numbered("member:", 0, 5000)...)
	big := c.MemoryUsage(ctx, "s").Val()
	c.SRem(ctx, "s", anySlice(numbered("member:", 0, 4900))...)
	shrunk := c.MemoryUsage(ctx, "s").Val()
	// 500 16-bit integers take about 1 KB; 5500 members some 200 KB
	// (Redis: 300 KB).
	t.Logf("MEMORY USAGE: intset %d, hashtable %d, shrunk %d", small, big, shrunk)
	if small < 1000 || small > 3000 || big < 120_000 || big > 400_000 || shrunk > big/4 {
		t.Errorf("MEMORY USAGE: intset %d, hashtable %d, shrunk %d", small, big, shrunk)
	}
}

// TestSetWatch checks which set commands break a WATCH: those that change
// the watched key, and not the no-ops (a member already there or not
// there, SMOVE within a set or to a set that has the member, a STORE of
// nothing over a missing key), as redis-server 7.0 decides.
func TestSetWatch(t *testing.T) {
	srv := testserver.Start(t)
	for _, tc := range []struct {
		watch   string
		cmd     string
		aborted bool
	}{
		{"a", "SADD a 1", false},
		{"a", "SADD a 9", true},
		{"a", "SREM a 9", false},
		{"a", "SREM a 1", true},
		{"a", "SMOVE a a 1", false},
		{"b", "SMOVE a b 1", false},
		{"b", "SMOVE a b 2", true},
		{"a", "SMOVE a b 2", true},
		{"a", "SPOP a 0", false},
		{"a", "SRANDMEMBER a", false},
		{"d", "SINTERSTORE d a missing", false},
		{"d", "SUNIONSTORE d a", true},
		{"a", "SINTERSTORE x a", false},
		{"s", "SPOP s", true},
		{"s", "SPOP s 3", true},
		{"h", "SPOP h 11", true},
	} {
		a, b := srv.Raw(t), srv.Raw(t)
		a.Do("FLUSHALL")
		a.Do("SADD", "a", "1", "2", "3")
		a.Do("SADD", "b", "1")
		a.Do("SADD", "s", "1", "2", "3", "4", "5")
		a.Do(append([]string{"SADD", "h"}, numbered("m", 0, 12)...)...)
		a.Do("WATCH", tc.watch)
		b.Do(strArgs(tc.cmd)...)
		a.Do("MULTI")
		a.Do("PING")
		if got := a.Do("EXEC") == "*-1\r\n"; got != tc.aborted {
			t.Errorf("WATCH %s, %s: aborted %v, want %v", tc.watch, tc.cmd, got, tc.aborted)
		}
	}
}
