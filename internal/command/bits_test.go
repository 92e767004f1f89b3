package command_test

import (
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

const strBitOffset = "-ERR bit offset is not an integer or out of range\r\n"

func TestBitSetGet(t *testing.T) {
	srv := testserver.Start(t, "proto-max-bulk-len 1mb")
	strRun(t, srv, []strStep{
		st("SETBIT b 7 1", strInt(0)),
		st("SETBIT b 7 1", strInt(1)),
		st("GET b", strBulk("\x01")),
		st("SETBIT b 0 1", strInt(0)),
		st("SETBIT b 7 0", strInt(1)),
		st("GET b", strBulk("\x80")),
		st("SETBIT b 20 1", strInt(0)),
		st("GET b", strBulk("\x80\x00\x08")),
		st("GETBIT b 0", strInt(1)),
		st("GETBIT b 1", strInt(0)),
		st("GETBIT b 20", strInt(1)),
		st("GETBIT b 100", strInt(0)),
		st("GETBIT nokey 1", strInt(0)),
		// An integer value is read as its digits.
		st("SET n 1", strOK),
		st("GETBIT n 2", strInt(1)),
		st("GETBIT n 7", strInt(1)),
		st("GETBIT n 6", strInt(0)),
		st("SETBIT b 7 2", "-ERR bit is not an integer or out of range\r\n"),
		st("SETBIT b 7 -1", "-ERR bit is not an integer or out of range\r\n"),
		st("SETBIT b 1 abc", "-ERR bit is not an integer or out of range\r\n"),
		st("SETBIT b -1 1", strBitOffset),
		st("SETBIT b abc 1", strBitOffset),
		st("GETBIT b -1", strBitOffset),
		st("GETBIT nokey abc", strBitOffset),
		// The offset must address a byte below proto-max-bulk-len (1 MB).
		st("SETBIT big 8388607 1", strInt(0)),
		st("STRLEN big", strInt(1048576)),
		st("SETBIT big 8388608 1", strBitOffset),
		st("GETBIT big 8388608", strBitOffset),
		st("SETBIT list 0 1", strWrong),
		st("GETBIT list 0", strWrong),
	})
}

func TestBitCount(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("SET s foobar", strOK),
		st("BITCOUNT s", strInt(26)),
		st("BITCOUNT s 0 0", strInt(4)),
		st("BITCOUNT s 1 1", strInt(6)),
		st("BITCOUNT s 1 1 BYTE", strInt(6)),
		st("BITCOUNT s 1 1 bit", strInt(1)),
		st("BITCOUNT s 5 30 BIT", strInt(17)),
		st("BITCOUNT s -2 -1", strInt(7)),
		st("BITCOUNT s -3 -1 bit", strInt(1)),
		st("BITCOUNT s 4 2", strInt(0)),
		st("BITCOUNT s -100 100", strInt(26)),
		st("BITCOUNT s -1 -5 foo", strInt(0)), // two reversed negatives: 0 before the unit is read
		st("BITCOUNT s 0 -9223372036854775808", strInt(4)),
		st("BITCOUNT s 1", strSyntax),
		st("BITCOUNT s 0 1 foo", strSyntax),
		st("BITCOUNT s 0 1 bit x", strSyntax),
		st("BITCOUNT s a b", strNotInt),
		// Redis 7.0 looks the key up first: a missing key is 0 whatever
		// follows.
		st("BITCOUNT nokey", strInt(0)),
		st("BITCOUNT nokey 1", strInt(0)),
		st("BITCOUNT nokey a b", strInt(0)),
		st("SET e ''", strOK),
		st("BITCOUNT e", strInt(0)),
		st("BITCOUNT e 0 -1", strInt(0)),
		st("BITCOUNT list", strWrong),
	})
}

func TestBitPos(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("SET s foobar", strOK),
		st("BITPOS s 1", strInt(1)),
		st("BITPOS s 0", strInt(0)),
		st("BITPOS s 1 2 -1 bit", strInt(2)),
		st("BITPOS s 1 7 15 BIT", strInt(9)),
		st("BITPOS s 1 1", strInt(9)),
		st("BITPOS s 1 10 20", strInt(-1)),
		{args: []string{"SET", "ff", "\xff\xff\xf0"}, resp2: strOK},
		// Looking for a 0 without an end, the string is zero-padded...
		st("SET f2 \xff\xff", strOK),
		st("BITPOS f2 0", strInt(16)),
		st("BITPOS f2 0 1", strInt(16)),
		st("BITPOS f2 0 3 bit", strNotInt),
		// ...with an end, the range has no 0.
		st("BITPOS f2 0 0 -1", strInt(-1)),
		st("BITPOS f2 0 3 15 bit", strInt(-1)),
		st("BITPOS ff 0", strInt(20)),
		st("BITPOS ff 0 2 2", strInt(20)),
		st("BITPOS ff 1 -1", strInt(16)),
		st("BITPOS ff 1 20", strInt(-1)),
		st("BITPOS ff 0 18 19 bit", strInt(-1)),
		st("BITPOS ff 0 18 21 bit", strInt(20)),
		st("BITPOS ff 1 5 3", strInt(-1)),
		st("SET e ''", strOK),
		st("BITPOS e 0", strInt(-1)),
		st("BITPOS e 1", strInt(-1)),
		// A missing key is an endless run of zeros, whatever the range.
		st("BITPOS nokey 1", strInt(-1)),
		st("BITPOS nokey 0", strInt(0)),
		st("BITPOS nokey 0 a", strInt(0)),
		st("BITPOS s 2", "-ERR The bit argument must be 1 or 0.\r\n"),
		st("BITPOS nokey -1", "-ERR The bit argument must be 1 or 0.\r\n"),
		st("BITPOS s a", strNotInt),
		st("BITPOS s 1 a", strNotInt),
		st("BITPOS s 1 0 a", strNotInt),
		st("BITPOS s 0 0 0 foo", strSyntax),
		st("BITPOS s 0 0 a foo", strSyntax),
		st("BITPOS s 1 0 1 bit x", strSyntax),
		st("BITPOS list 1", strWrong),
	})
}

func TestBitOp(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		{args: []string{"SET", "a", "\xff\x0f\xaa"}, resp2: strOK},
		{args: []string{"SET", "b", "\x0f\xff"}, resp2: strOK},
		st("BITOP AND d a b", strInt(3)),
		st("GET d", strBulk("\x0f\x0f\x00")),
		st("BITOP or d a b", strInt(3)),
		st("GET d", strBulk("\xff\xff\xaa")),
		st("BITOP Xor d a b nokey", strInt(3)),
		st("GET d", strBulk("\xf0\xf0\xaa")),
		st("BITOP NOT d b", strInt(2)),
		st("GET d", strBulk("\xf0\x00")),
		// The destination may be a source.
		st("BITOP AND d d a", strInt(3)),
		st("GET d", strBulk("\xf0\x00\x00")),
		// Only missing sources: the destination is deleted.
		st("BITOP OR d nokey nokey2", strInt(0)),
		st3("GET d", strNull2, strNull3),
		st("BITOP NOT list a", strInt(3)),
		st("GET list", strBulk("\x00\xf0\x55")),
		st("BITOP foo d a", strSyntax),
		st("BITOP NOT d a b", "-ERR BITOP NOT must be called with a single source key.\r\n"),
		st("BITOP AND d", "-ERR wrong number of arguments for 'bitop' command\r\n"),
		st("SET l2 x", strOK),
		st("BITOP AND d a l2", strInt(3)),
	})
	// A source holding another type.
	strPutList(t, srv, 0, "notstring")
	raw := srv.Raw(t)
	if got := raw.Do("BITOP", "AND", "dest", "notstring"); got != strWrong {
		t.Errorf("BITOP over a list: %q", got)
	}
}

func TestBitfield(t *testing.T) {
	srv := testserver.Start(t)
	strRun(t, srv, []strStep{
		st("BITFIELD bf SET i8 0 200 GET u4 0 OVERFLOW SAT SET i8 0 200 OVERFLOW FAIL INCRBY u2 100 1",
			"*4\r\n:0\r\n:12\r\n:-56\r\n:1\r\n"),
		st("BITFIELD bf GET i8 0 GET u8 0 GET i8 #1", "*3\r\n:127\r\n:127\r\n:0\r\n"),
		st("BITFIELD bf INCRBY u8 0 200 INCRBY i8 8 -129", "*2\r\n:71\r\n:127\r\n"),
		st("BITFIELD bf OVERFLOW SAT INCRBY u8 0 200 INCRBY i8 8 -300", "*2\r\n:255\r\n:-128\r\n"),
		st3("BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1 INCRBY u8 0 -1", "*2\r\n$-1\r\n:254\r\n", "*2\r\n_\r\n:254\r\n"),
		st("BITFIELD bf SET u63 0 -1 GET u63 0 INCRBY i64 0 -9223372036854775808",
			"*3\r\n:9169328841326329856\r\n:9223372036854775807\r\n:9223372036854775806\r\n"),
		st("BITFIELD bf SET i64 0 -1 OVERFLOW SAT INCRBY i64 0 -9223372036854775808", "*2\r\n:9223372036854775806\r\n:-9223372036854775808\r\n"),
		st("BITFIELD bf", "*0\r\n"),
		st("BITFIELD_RO bf GET u8 0", "*1\r\n:128\r\n"),
		st("BITFIELD_RO bf", "*0\r\n"),
		st("BITFIELD_RO bf GET i8 0 SET i8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
		st("BITFIELD_RO bf INCRBY i8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
		// Reads do not create the key; writes do, even when they fail.
		st("BITFIELD nokey GET u8 100", "*1\r\n:0\r\n"),
		st3("GET nokey", strNull2, strNull3),
		st3("BITFIELD new OVERFLOW FAIL SET u2 9 10", "*1\r\n$-1\r\n", "*1\r\n_\r\n"),
		st("GET new", strBulk("\x00\x00")),
		// Errors.
		st("BITFIELD bf GET i8", strSyntax),
		st("BITFIELD bf foo", strSyntax),
		st("BITFIELD bf OVERFLOW", strSyntax),
		st("BITFIELD bf GET i8 0 OVERFLOW", strSyntax),
		st("BITFIELD bf OVERFLOW foo", "-ERR Invalid OVERFLOW type specified\r\n"),
		st("BITFIELD bf GET x8 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET u64 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET i65 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET i0 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET I8 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET i8 -1", strBitOffset),
		st("BITFIELD bf GET i8 #-1", strBitOffset),
		st("BITFIELD bf GET i8 ##1", strBitOffset),
		st("BITFIELD bf GET u8 4294967289", "*1\r\n:0\r\n"),
		st("BITFIELD bf GET u8 #536870912", strBitOffset),
		st("BITFIELD bf SET i8 0 abc", strNotInt),
		// Parsing comes first: nothing is set when an operation is bad.
		st("BITFIELD bf SET u8 0 1 GET x8 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
		st("BITFIELD bf GET u8 0", "*1\r\n:128\r\n"),
		st("BITFIELD list GET i8 0", strWrong),
		st("BITFIELD list SET i8 0 1", strWrong),
		st("BITFIELD_RO list GET i8 0", strWrong),
	})
}
