package compat

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/resp"
)

// splitLine splits a case line as redis-cli does: "double quotes" with
// C escapes for binary and empty arguments.
func splitLine(t *testing.T, line string) []string {
	t.Helper()
	words, ok := resp.SplitArgs([]byte(line), nil)
	if !ok || len(words) == 0 {
		t.Fatalf("bad case line %q", line)
	}
	args := make([]string, len(words))
	for i, w := range words {
		args[i] = string(w)
	}
	return args
}

// A dump of the string "123" and of "hello", as redis-server 7.0 writes
// them.
const (
	dumpInt   = `"\x00\xc0{\n\x00H\xe2S\xe1\x00zg\xb9"`
	dumpHello = `"\x00\x05hello\n\x00cr\xdfve4 \n"`
)

// lineCase is one scenario: lines of redis-cli-style commands sent in
// order to Shoal and to redis-server, whose replies must match.
type lineCase struct {
	name  string
	lines []string
}

// cases are hand-written edge cases, per family. Each runs on fresh
// connections after FLUSHALL; every line's reply is compared. A line
// "!sleep N" waits N milliseconds (for keys to expire).
var cases = []lineCase{
	{"cluster-off", []string{"READONLY", "READWRITE", "ASKING", "READONLY x"}},
	{"set-options", []string{
		"SET k v", "SET k v NX", "SET k w XX", "GET k", "SET k v nx xx", "SET k v NX GET", "SET k v XX GET",
		"SET k v EX 0", "SET k v EX -1", "SET k v PX 0", "SET k v EX 9223372036854775807", "SET k v PX 9223372036854775807",
		"SET k v EX 9223372036854775", "SET k v EXAT 0", "SET k v EXAT 9223372036854775807", "SET k v KEEPTTL EX 10",
		"SET k v EX 10 PX 10", "SET k v EX 10 EX 10", "SET k v ex", "SET k v EX abc", "SET k v EX 1.5", "SET k v foo",
		"SET k v GET GET", "SET k v KEEPTTL KEEPTTL", "SET k v PXAT 1", "GET k", "EXISTS k", "SET k v EX 100", "SET k w KEEPTTL",
		"TTL k", "SET k x", "TTL k", "SET k v EXAT 1", "SET k", "SETNX k v", "SETNX k w", "SETEX k 0 v", "SETEX k -5 v",
		"SETEX k 10 v", "TTL k", "PSETEX k 0 v", "PSETEX k 5000 v", "PTTL k", "SETEX k x v",
	}},
	{"get-variants", []string{
		"GET missing", "GETDEL missing", "SET k v", "GETDEL k", "EXISTS k", "GETSET k a", "GETSET k b", "GET k",
		"GETEX missing", "GETEX missing EX 10", "GETEX k", "GETEX k EX 100", "TTL k", "GETEX k PERSIST", "TTL k",
		"GETEX k EX 0", "GETEX k EX -1", "GETEX k PX 9223372036854775807", "GETEX k EX 10 PERSIST", "GETEX k PERSIST PERSIST",
		"GETEX k EX 10 EX 20", "GETEX k foo", "GETEX k EXAT 1", "EXISTS k", "SET k v", "GETEX k PXAT 99999999999999", "PTTL k",
		"MSET a 1 b", "MSET a 1 b 2", "MSETNX a 1 c 3", "MSETNX c 3 d 4", "MGET a b c d missing", "MSET", "MGET",
	}},
	{"counters", []string{
		"INCR n", "INCRBY n 10", "DECR n", "DECRBY n 5", "SET n 9223372036854775806", "INCR n", "INCR n", "DECRBY n -1",
		"SET n -9223372036854775808", "DECR n", "INCRBY n -1", "DECRBY n -9223372036854775808", "DECRBY n 9223372036854775807",
		"INCRBY n abc", "INCRBY n 1.5", "INCRBY n 9223372036854775808", "SET f 1.5", "INCR f", `SET s " 1"`, "INCR s",
		"SET z 007", "INCR z", "SET z +1", "INCR z", "SET z -0", "INCR z", `SET z ""`, "INCR z", "SET z 12345678901234567890", "INCR z",
		"SET f 10.50", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -5.0e3", "INCRBYFLOAT f 1.0e200", "INCRBYFLOAT f 1e400",
		"INCRBYFLOAT f inf", "INCRBYFLOAT f nan", "INCRBYFLOAT f abc", "SET f 3", "INCRBYFLOAT f 3", "INCRBYFLOAT f 0.0000001",
		"INCRBYFLOAT missing 2.5e3", "INCRBYFLOAT missing2 -0", "INCRBYFLOAT missing3 .5", "SET f 1e3", "INCRBYFLOAT f 1",
		"SET f 1.7976931348623157e308", "INCRBYFLOAT f 1.7976931348623157e308", "SET f inf", "INCRBYFLOAT f 1",
		`SET f " 1"`, "INCRBYFLOAT f 1", "SET f 0x10", "INCRBYFLOAT f 1", "INCRBYFLOAT f 5.0000", "GET f",
	}},
	{"ranges", []string{
		"APPEND k hello", `APPEND k ""`, "APPEND k 123", "STRLEN k", "STRLEN missing", "GETRANGE k 0 -1", "GETRANGE k -100 100",
		"GETRANGE k 5 2", "GETRANGE k -3 -1", "GETRANGE k 100 200", "GETRANGE missing 0 -1", "GETRANGE k 0 9223372036854775807",
		"GETRANGE k -9223372036854775808 -1", "GETRANGE k x 1", "SUBSTR k 1 3", `SETRANGE k 0 ""`, "SETRANGE k -1 x",
		"SETRANGE k 536870912 x", `SETRANGE k 536870912 ""`, "SETRANGE k 536870911 xy", `SETRANGE missing 5 ""`, "EXISTS missing",
		"SETRANGE missing 3 abc", "GET missing", "SETRANGE k 2 XY", "GET k", "SETRANGE k 20 Z", "GET k", "SET n 123", "APPEND n 4",
		"OBJECT ENCODING n", "SETRANGE n 0 9", "OBJECT ENCODING n",
	}},
	{"lcs", []string{
		"SET a ohmytext", "SET b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN",
		"LCS a b IDX WITHMATCHLEN", "LCS a b LEN IDX", "LCS a missing", "LCS missing missing2 IDX", "LCS a b MINMATCHLEN -1 IDX",
		"LCS a b MINMATCHLEN x", "LCS a b foo", "LCS a b MINMATCHLEN", "LCS a a IDX", `SET e ""`, "LCS a e IDX WITHMATCHLEN",
	}},
	{"encodings", []string{
		"SET a 123", "OBJECT ENCODING a", "OBJECT REFCOUNT a", "SET a 12345", "OBJECT REFCOUNT a", "SET b 12345678901234567890",
		"OBJECT ENCODING b", "SET c 01", "OBJECT ENCODING c", "SET d -9223372036854775808", "OBJECT ENCODING d",
		"SET e 12345678901234567890123456789012345678901234", "OBJECT ENCODING e",
		"SET e 123456789012345678901234567890123456789012345", "OBJECT ENCODING e", "APPEND a 4", "OBJECT ENCODING a",
		"OBJECT ENCODING missing", "OBJECT FREQ a", "OBJECT FOO a", "OBJECT", "OBJECT HELP", "OBJECT ENCODING", "INCR i",
		"OBJECT ENCODING i", "SETBIT s 1 1", "OBJECT ENCODING s", "SETRANGE r 0 abc", "OBJECT ENCODING r", "INCRBYFLOAT f 1.5",
		"OBJECT ENCODING f", "GETSET a 5", "OBJECT ENCODING a",
	}},
	{"bits", []string{
		"SETBIT b 7 1", "SETBIT b 7 2", "SETBIT b -1 1", "SETBIT b 4294967296 1", "SETBIT b x 1", "GETBIT b 7", "GETBIT b 100",
		"GETBIT b -1", "SETBIT b 20 1", "BITCOUNT b", "BITCOUNT b 0 -1 BIT", "BITCOUNT b 0", "BITCOUNT b 0 -1 bits",
		"BITCOUNT b 1 1 byte", "BITCOUNT b 5 100 BIT", "BITCOUNT b -1 -2", "BITCOUNT missing 0 -1", "BITCOUNT b x 1",
		"BITPOS b 1", "BITPOS b 0", "BITPOS b 1 2", "BITPOS b 0 0 -1 BIT", "BITPOS b 1 8 30 bit", "BITPOS missing 0", "BITPOS missing 1",
		"BITPOS b 2", "SET ff \xff\xff", "BITPOS ff 0", "BITPOS ff 0 0 -1", "BITPOS ff 0 0", "BITPOS ff 1 2", "BITPOS b 0 -1 -2 foo",
		"BITOP NOT d b", "GET d", "BITOP NOT d b b", "BITOP AND d b missing", "GET d", "BITOP OR d missing", "EXISTS d",
		"BITOP XOR d", "BITOP FOO d b", "SET x ab", "SET y a", "BITOP XOR d x y", "GET d", "BITOP AND d x y", "GET d",
	}},
	{"bitfield", []string{
		"BITFIELD bf SET u8 0 255 GET u8 0 INCRBY u8 0 10", "BITFIELD bf OVERFLOW SAT INCRBY u8 0 300 INCRBY i8 0 -300",
		"BITFIELD bf OVERFLOW FAIL INCRBY u2 0 5 GET u2 0", "BITFIELD bf GET u64 0", "BITFIELD bf GET i64 0",
		"BITFIELD bf GET u63 0", "BITFIELD bf SET i64 #1 -1 GET u63 #1", "BITFIELD bf GET i0 0", "BITFIELD bf GET i65 0",
		"BITFIELD bf GET x8 0", "BITFIELD bf GET u8 -1", "BITFIELD bf GET u8 #-1", "BITFIELD bf GET u8 4294967296",
		"BITFIELD bf OVERFLOW NONE", "BITFIELD bf SET u8 0", "BITFIELD bf SET u8 0 x", "BITFIELD bf FOO", "BITFIELD bf",
		"BITFIELD missing", "BITFIELD missing GET u8 0", "BITFIELD_RO bf GET u8 0 GET i4 #3", "BITFIELD_RO bf SET u8 0 1",
		"BITFIELD_RO bf INCRBY u8 0 1", "BITFIELD_RO bf", "BITFIELD bf overflow wrap incrby i8 0 200 set u4 #2 17",
		"BITFIELD bf INCRBY i64 0 9223372036854775807 INCRBY i64 0 9223372036854775807", "GET bf",
	}},
	{"expire", []string{
		"SET k v", "TTL k", "PTTL k", "EXPIRETIME k", "PEXPIRETIME k", "TTL missing", "EXPIRETIME missing",
		"EXPIRE k 100 NX", "EXPIRE k 100 NX", "EXPIRE k 50 GT", "EXPIRE k 200 GT", "EXPIRE k 50 LT", "EXPIRE k 300 LT",
		"EXPIRE k 100 XX", "EXPIRE k 100 NX XX", "EXPIRE k 10 GT LT", "EXPIRE k 10 NX GT", "EXPIRE k 10 foo",
		"EXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775807", "EXPIRE k 9223372036854775",
		"EXPIREAT k 9223372036854775807", "PEXPIREAT k 9223372036854775807", "EXPIRE k x", "EXPIRE missing 10",
		"PERSIST k", "PERSIST k", "TTL k", "EXPIRE k 10 XX", "EXPIRE k 10 GT", "EXPIRE k 10 LT", "TTL k", "PERSIST missing",
		"EXPIREAT k 99999999999", "EXPIRETIME k", "PEXPIREAT k 99999999999999", "PEXPIRETIME k", "EXPIRE k -1", "EXISTS k",
		"SET k v", "PEXPIREAT k 1", "EXISTS k", "SET k v", "EXPIREAT k 0 NX", "EXISTS k", "SET k v", "EXPIRE k 0 GT", "EXISTS k",
		"SET k v", "EXPIRE k 10 \"a\\x00b\"", "EXPIRE k 10 \"\\xff\\x00\"", "EXPIRE k -9223372036854775808", "EXPIRE k -9223372036854775", "EXISTS k", "EXPIRE k 1.5",
	}},
	{"far-future-expiry", []string{
		"SET a v", "PEXPIREAT a 9223372036854775807", "SET b v PXAT 9223372036854775807", "SET c v",
		"EXPIREAT c 9223372036854775", "!sleep 250", "EXISTS a b c", "DBSIZE",
	}},
	{"expired", []string{
		"CONFIG RESETSTAT", "MSET a 1 b 2 c 3 d 4 e 5 f 6", "PEXPIRE a 1", "PEXPIRE b 1", "PEXPIRE c 1", "PEXPIRE d 1",
		"PEXPIRE e 1", "SET g 7 PX 1", "!sleep 20", "GET a", "EXISTS b", "TTL c", "TYPE d", "RENAME e x", "MOVE g 1",
		"COPY f a", "GET a", "KEYS *", "SCAN 0 COUNT 1000", "DBSIZE", "RANDOMKEY", "INFO stats",
	}},
	{"keyspace", []string{
		"MSET a 1 b 2 c 3 {t}x 4", "DEL a missing a", "EXISTS a b b c missing", "UNLINK b", "TOUCH c c missing", "TYPE c",
		"TYPE missing", "DBSIZE", "KEYS *", "KEYS {t}*", "KEYS [", "KEYS c\\", "KEYS *[a-", "KEYS [^a]", "SCAN 0 COUNT 1000",
		"SCAN 0 COUNT 1000 MATCH c*", "SCAN 0 COUNT 1000 TYPE string", "SCAN 0 COUNT 1000 TYPE list", "SCAN 0 COUNT 0",
		"SCAN 0 COUNT -1", "SCAN 0 COUNT x", "SCAN x", "SCAN 18446744073709551616",
		"SCAN 0 MATCH", "SCAN 0 FOO 1", "SCAN 0 TYPE", "CONFIG RESETSTAT", "SCAN 0 COUNT 1000 MATCH c* TYPE hash",
		"SCAN 0 COUNT 1000 TYPE string", "KEYS *", "INFO stats", "RANDOMKEY", "FLUSHDB", "RANDOMKEY", "SCAN 0", "KEYS *",
	}},
	{"rename-copy-move", []string{
		"RENAME missing x", "RENAMENX missing x", "SET k v", "RENAME k k", "RENAMENX k k", "SET j w", "RENAMENX k j", "RENAME k j",
		"GET j", "EXISTS k", "SET k v EX 100", "RENAME k r", "TTL r", "COPY r c", "TTL c", "COPY r c", "COPY r c REPLACE",
		"COPY r r", "COPY r c DB 1", "COPY r c DB 16", "COPY r c DB x", "COPY r c DB", "COPY r c FOO", "COPY missing c",
		"COPY r c DB 0 REPLACE", "MOVE r 0", "MOVE r 1", "MOVE r 1", "EXISTS r", "MOVE missing 1", "MOVE c 16", "MOVE c x",
		"MOVE c -1", "SELECT 1", "GET r", "TTL r", "GET c", "MOVE r 0", "SET r here", "SELECT 0", "MOVE c 1", "EXISTS c",
		"FLUSHALL", "SET k7 v EX 100", "RENAME k7 k3", "SET k3 w", "SET x1 v EX 100", "RENAME x1 y2", "SET y2 w",
		"SET m v EX 100", "MOVE m 1", "SELECT 1", "SET m w", "INFO keyspace",
	}},
	{"dump-restore", []string{
		"SET a 123", "DUMP a", "SET b hello", "DUMP b", "DUMP missing", "RESTORE a 0 " + dumpInt, "RESTORE n 0 " + dumpInt,
		"GET n", "OBJECT ENCODING n", "RESTORE a 0 " + dumpHello + " REPLACE", "GET a", "RESTORE x 0 garbage",
		"RESTORE x 0 \"\"", "RESTORE x -1 " + dumpHello, "RESTORE x x " + dumpHello, "RESTORE x 1000000 " + dumpHello,
		"PTTL x", "RESTORE y 1 " + dumpHello + " ABSTTL", "EXISTS y", "RESTORE y 0 " + dumpHello + " IDLETIME 10",
		"OBJECT IDLETIME y", "RESTORE y 0 " + dumpHello + " REPLACE IDLETIME -1", "RESTORE y 0 " + dumpHello + " REPLACE FREQ 256",
		"RESTORE y 0 " + dumpHello + " REPLACE FREQ 5", "RESTORE y 0 " + dumpHello + " REPLACE IDLETIME 5 FREQ 5",
		"RESTORE y 0 " + dumpHello + " REPLACE FOO", "RESTORE y 0 " + dumpHello + " REPLACE IDLETIME",
		"RESTORE y 99999999999999 " + dumpHello + " REPLACE ABSTTL", "PEXPIRETIME y",
	}},
	{"connection", []string{
		"PING", "PING a", "PING a b", "ECHO hi", "ECHO", `ECHO ""`, "SELECT 16", "SELECT -1", "SELECT x", "SELECT 1",
		"SET k v", "DBSIZE", "SELECT 0", "DBSIZE", "AUTH x", "AUTH default x", "AUTH user x", "AUTH", "AUTH a b c",
		"CLIENT GETNAME", "CLIENT SETNAME conn", "CLIENT GETNAME", `CLIENT SETNAME ""`, "CLIENT GETNAME", `CLIENT SETNAME "a b"`,
		`CLIENT SETNAME "a\nb"`, "CLIENT SETNAME", "CLIENT NO-EVICT on", "CLIENT NO-EVICT off", "CLIENT NO-EVICT maybe",
		"CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999", "CLIENT KILL ID x", "CLIENT KILL MAXAGE 999999", "CLIENT KILL FOO 1",
		"CLIENT KILL ID", "CLIENT KILL ADDR 1.2.3.4:5 SKIPME no", "CLIENT KILL TYPE foo", "CLIENT KILL TYPE normal SKIPME yes",
		"CLIENT HELP", "CLIENT FOO", "CLIENT", "CLIENT ID", "CLIENT INFO", "CLIENT LIST", "CLIENT LIST TYPE foo",
		"CLIENT LIST ID x", "CLIENT LIST TYPE \"a\\x00b\"", "CLIENT KILL TYPE \"a\\x00b\"", "CLIENT KILL USER \"a\\x00b\"", "WAIT 0 0", "WAIT 0 x", "WAIT -1 1", "WAIT 1 1",
	}},
	{"hello", []string{
		"HELLO", "HELLO 2", "HELLO 3", "HELLO 2", "HELLO 4", "HELLO 1", "HELLO x", "HELLO 3 AUTH default x", "HELLO 3 AUTH",
		"HELLO 3 AUTH default", "HELLO 3 SETNAME \"a b\"", "HELLO 2 SETNAME n", "CLIENT GETNAME", "HELLO 3 FOO",
		"HELLO 3 SETNAME", "HELLO 3 \"a\\x00b\"", "HELLO 2 AUTH default x SETNAME m", "CLIENT GETNAME", "RESET", "CLIENT GETNAME", "PING", "QUIT",
	}},
	{"reset", []string{
		"HELLO 3", "SELECT 2", "SET k v", "CLIENT SETNAME x", "CLIENT NO-EVICT on", "CLIENT INFO", "RESET", "CLIENT INFO",
		"GET k", "CLIENT GETNAME", "HELLO", "RESET x",
	}},
	{"config", []string{
		"CONFIG GET hz", "CONFIG GET HZ", "CONFIG GET hz timeout", "CONFIG GET nosuch", "CONFIG GET", "CONFIG GET save",
		"CONFIG GET appendonly", "CONFIG GET databases maxclients", "CONFIG GET databas*", "CONFIG GET proto*",
		"CONFIG GET tcp-k*", "CONFIG GET appendonl?", "CONFIG GET log*", "CONFIG GET timeou[t]", "CONFIG GET bind", "CONFIG GET hz hz", "CONFIG SET hz 20", "CONFIG GET hz", "CONFIG SET hz 10",
		"CONFIG SET hz abc", "CONFIG SET nosuch 1", "CONFIG SET hz 10 hz 20", "CONFIG SET hz 10 timeout", "CONFIG SET",
		"CONFIG SET timeout -1", "CONFIG SET databases 10", "CONFIG SET maxclients 0", "CONFIG SET loglevel foo",
		"CONFIG SET proto-max-bulk-len 1", "CONFIG SET hz 10",
		"CONFIG SET save \"\"", "CONFIG SET appendonly no", "CONFIG SET requirepass \"\"", "CONFIG HELP",
		"CONFIG RESETSTAT", "CONFIG RESETSTAT x", "CONFIG REWRITE", "CONFIG FOO", "CONFIG",
	}},
	{"notify-keyspace-events", []string{
		"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events KEA", "CONFIG GET notify*",
		"CONFIG SET notify-keyspace-events Kg", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events KEAmn",
		"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events mnd", "CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events zzz", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events KEtxd",
		"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events K!", "CONFIG SET notify-keyspace-events Ag$lshzxeKEtmd",
		"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events \"\"", "CONFIG GET notify-keyspace-events",
	}},
	{"config-protected", []string{
		"CONFIG SET dir /tmp", "CONFIG SET dbfilename x.rdb", "CONFIG GET enable-protected-configs",
		"CONFIG SET enable-protected-configs yes", "CONFIG SET dir /tmp nosuch 1", "CONFIG SET nosuch 1 dir /tmp",
		"CONFIG SET hz abc dir /tmp", "CONFIG SET databases 1 nosuch 1", "CONFIG SET maxmemory 1 maxmemory 2 nosuch 1",
		"CONFIG GET dbfilename",
	}},
	{"config-sizes", []string{
		"CONFIG SET hash-max-listpack-value 1kb", "CONFIG GET hash-max-listpack-value", "CONFIG SET zset-max-listpack-value 2k",
		"CONFIG GET zset-max-listpack-value", "CONFIG SET hash-max-listpack-value -1", "CONFIG SET zset-max-listpack-value x",
		"CONFIG SET hash-max-listpack-entries 1kb", "CONFIG SET hash-max-listpack-value 64", "CONFIG SET zset-max-listpack-value 64",
		"CONFIG GET *-max-listpack-value",
	}},
	{"server", []string{
		"SET a 1", "SELECT 1", "SET b 2", "DBSIZE", "SWAPDB 0 1", "DBSIZE", "GET b", "SWAPDB 0 16", "SWAPDB x 1", "SWAPDB 0 -1",
		"SWAPDB 1 1", "SELECT 0", "GET a", "FLUSHDB ASYNC", "FLUSHDB SYNC", "FLUSHDB foo", "FLUSHDB a b", "FLUSHALL foo",
		"FLUSHALL SYNC", "FLUSHALL ASYNC", "DBSIZE", "DBSIZE x", "TIME", "TIME x", "LASTSAVE2",
	}},
	{"command", []string{
		"COMMAND GETKEYS set a b", "COMMAND GETKEYS mset a 1 b 2", "COMMAND GETKEYS get", "COMMAND GETKEYS nosuch a",
		"COMMAND GETKEYS ping", "COMMAND GETKEYS", "COMMAND GETKEYSANDFLAGS mset a 1 b 2", "COMMAND GETKEYSANDFLAGS set a b",
		"COMMAND GETKEYSANDFLAGS copy a b", "COMMAND GETKEYSANDFLAGS rename a b", "COMMAND GETKEYSANDFLAGS del a b",
		"COMMAND GETKEYSANDFLAGS getdel a", "COMMAND GETKEYSANDFLAGS getex a", "COMMAND GETKEYS object encoding a",
		"COMMAND GETKEYS lcs a b", "COMMAND GETKEYS bitop and d a b", "COMMAND GETKEYS bitfield_ro a get u8 0",
		"COMMAND GETKEYSANDFLAGS set a b get", "COMMAND GETKEYSANDFLAGS set a get", "COMMAND GETKEYSANDFLAGS bitfield a get u8 0",
		"COMMAND GETKEYSANDFLAGS bitfield a get u8 0 incrby u8 0 1", "COMMAND GETKEYSANDFLAGS bitfield a get u8",
		"COMMAND GETKEYSANDFLAGS bitop or d a b", "COMMAND GETKEYSANDFLAGS renamenx a b", "COMMAND GETKEYSANDFLAGS exists a b",
		"COMMAND GETKEYSANDFLAGS object freq a", "COMMAND GETKEYSANDFLAGS append a b", "COMMAND GETKEYSANDFLAGS msetnx a 1",
		"COMMAND INFO get set", "COMMAND INFO bitop copy rename getex bitfield", "COMMAND INFO ping echo quit", "COMMAND INFO nosuch", "COMMAND INFO client|id", "COMMAND INFO GET", "COMMAND HELP", "COMMAND FOO",
	}},
	// Keys behind a numkeys that is no integer string2ll takes: Redis
	// falls back to its getkeys function, which reads numkeys with atoi,
	// lists a destination after the keys and gives them no flags.
	// CLIENT PAUSE's argument errors, and pauses that end at once (a zero
	// timeout, one that wraps the clock): the commands after them run.
	{"client-pause", []string{
		"CLIENT PAUSE 1.5", "CLIENT PAUSE -1", "CLIENT PAUSE x", "CLIENT PAUSE +5", "CLIENT PAUSE 05", "CLIENT PAUSE \" 5\"", "CLIENT PAUSE 10 reads", "CLIENT PAUSE 10 write x",
		"CLIENT PAUSE", "CLIENT UNPAUSE x", "CLIENT PAUSE 0", "SET k v", "CLIENT PAUSE 0 WRITE", "INCR n",
		"CLIENT PAUSE 9223372036854775807 write", "GET k", "CLIENT UNPAUSE", "EVAL_RO \"return redis.call('publish','c','m')\" 0",
	}},
	{"getkeys-numkeys", []string{
		"COMMAND GETKEYS zunion 1.5 a WEIGHTS 0.5", "COMMAND GETKEYS zunion 2x a b", "COMMAND GETKEYS zunion \" 2\" a b",
		"COMMAND GETKEYS zunion +1 a b", "COMMAND GETKEYS zunion 01 a", "COMMAND GETKEYS zunion 3x a b", "COMMAND GETKEYS zunion -0 a",
		"COMMAND GETKEYS zunion -1 a", "COMMAND GETKEYS zunion 0 a", "COMMAND GETKEYS zunion \"\" a", "COMMAND GETKEYS zunion 0x10 a",
		"COMMAND GETKEYS zunion 4294967297x a b", "COMMAND GETKEYS zunion 2147483649x a b", "COMMAND GETKEYS zunion 99999999999999999999 a",
		"COMMAND GETKEYSANDFLAGS zunionstore d 1.9 a b", "COMMAND GETKEYSANDFLAGS zunionstore d 1 a", "COMMAND GETKEYS zinterstore d 2. a b",
		"COMMAND GETKEYS eval s 1.5 a", "COMMAND GETKEYS eval s 3x a", "COMMAND GETKEYSANDFLAGS fcall_ro f \"1 \" a b",
		"COMMAND GETKEYS lmpop 1e0 a left", "COMMAND GETKEYS blmpop 0 +2 a b left", "COMMAND GETKEYS zmpop 1.5 a min",
		"COMMAND GETKEYSANDFLAGS bzmpop 0 01 a min", "COMMAND GETKEYS sintercard \"\t1\" a", "COMMAND GETKEYS zintercard 2.5 a b",
	}},
	{"errors", []string{
		"GET", "GET a b", "get", "SET a", "NOSUCH", "NOSUCH a \"b c\"", "\"\"", "OBJECT FOO", "object",
		"CONFIG GET", "CLIENT KILL", "MGET", "BITOP", "BITOP AND", "BITOP AND d", "PEXPIREAT k", "RENAME a",
		"SWAPDB 0", "EXISTS", "SCAN", "SETEX a 10", "LCS a", "AUTH", "ECHO a b",
	}},
}

// authCases run against servers with a password ("secret"): what a
// client may do before AUTH, and the ways to authenticate.
var authCases = []lineCase{
	{"before-auth", []string{
		"PING", "GET k", "SELECT 1", "CLIENT ID", "NOSUCH", "HELLO", "HELLO 2", "HELLO 3", "HELLO 3 SETNAME x",
		"AUTH", "AUTH wrong", "AUTH default wrong", "AUTH nobody secret", "AUTH a b c", "HELLO 3 AUTH default wrong",
		"HELLO 3 AUTH nobody secret", "HELLO 4 AUTH default secret", "ECHO x", "QUIT",
	}},
	{"exec-before-auth", []string{"EXEC", "MULTI", "EXEC a", "DISCARD", "AUTH secret", "MULTI", "EXEC a", "EXEC"}},
	{"auth", []string{"AUTH secret", "PING", "SET k v", "GET k", "AUTH default secret", "AUTH wrong", "PING", "RESET", "GET k", "AUTH default secret", "GET k"}},
	{"hello-auth", []string{"HELLO 3 AUTH default secret SETNAME conn", "CLIENT GETNAME", "GET k", "HELLO 2 AUTH default wrong", "PING"}},
}
