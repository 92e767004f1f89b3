package command_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// redisDumps are redis-server 7.0's DUMP payloads of string values: Shoal
// must produce the same bytes and restore them.
var redisDumps = []struct{ value, payload string }{
	{"hello", "\x00\x05hello\x0a\x00cr\xdfve4 \x0a"},
	{"123", "\x00\xc0{\x0a\x00H\xe2S\xe1\x00zg\xb9"},
	{"-200", "\x00\xc18\xff\x0a\x00\";\x8f\xbb\xe8\xf4a\xf3"},
	{"70000", "\x00\xc2p\x11\x01\x00\x0a\x00\x01\xa4\x08\xfe\x950\x95\xa5"},
	{"3000000000", "\x00\x0a3000000000\x0a\x00\xe7\x07kyT\xbbyG"},
	{"012", "\x00\x03012\x0a\x00\x8fTc\xe9T~\xeb\x0c"},
	{"", "\x00\x00\x0a\x00]\x9b\\@\x0f\x7f\xa2\xda"},
	{"abcdefghijklmnopqrstuvwxyz", "\x00\x1aabcdefghijklmnopqrstuvwxyz\x0a\x00\x9e\x1b?4\xab\xfc_y"},
	{"-2147483648", "\x00\xc2\x00\x00\x00\x80\x0a\x00\xc7O\x87>3U\x81\x87"},
	{"2147483648", "\x00\x0a2147483648\x0a\x00\xe7\xb1)\xa3L\x1dv\xee"},
	{"127", "\x00\xc0\x7f\x0a\x00\x0d\xb5\xeb1RT\xc5\x14"},
	{"128", "\x00\xc1\x80\x00\x0a\x00\xebz\xb3\xb5\x10\xcfKe"},
	{"-128", "\x00\xc0\x80\x0a\x00\x99f2m/\x0c[\xd9"},
	{"-129", "\x00\xc1\x7f\xff\x0a\x00\x17`\x82(T\x80\x84\x80"},
	{"32767", "\x00\xc1\xff\x7f\x0a\x00IZ7\xda\x17\xf4\xd5+"},
	{"32768", "\x00\xc2\x00\x80\x00\x00\x0a\x00E\xd8.\xed\xd5\xbd\xa9\x10"},
	// Longer than 20 bytes and compressible: LZF.
	{strings.Repeat("a", 91), "\x00\xc3\x09@[\x01aa\xe0N\x00\x01aa\x0a\x00\xfb\xd9!r\xf1\xc7b7"},
	{strings.Repeat("hello world ", 10), "\x00\xc3\x14@x\x0chello world h\xe0`\x0b\x01d \x0a\x00\xd4\x03_Cl\x9a\x1b\xd7"},
}

func TestDumpMatchesRedis(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		for _, tc := range redisDumps {
			seedStrings(t, srv, 0, "k", tc.value)
			if got, err := c.Dump(ctx, "k").Result(); err != nil || got != tc.payload {
				t.Errorf("DUMP of %.20q = %q, %v\nwant %q", tc.value, got, err, tc.payload)
			}
			// The payload restores to the value, under any name.
			if err := c.Restore(ctx, "copy", 0, tc.payload).Err(); err != nil {
				t.Errorf("RESTORE of %.20q: %v", tc.value, err)
			}
			if got := dumpIn(t, srv, 0, "copy"); got != tc.payload {
				t.Errorf("%.20q after RESTORE dumps as %q", tc.value, got)
			}
			c.Del(ctx, "copy")
		}
		runCases(t, c, []cmdCase{
			{args: args("dump", "nokey"), want: nil},
			{args: args("dump"), err: "ERR wrong number of arguments for 'dump' command"},
		})
	})
}

const helloDump = "\x00\x05hello\x0a\x00cr\xdfve4 \x0a"

func TestRestoreErrors(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "k", "old")
		zeroCRC := "\x00\x05hello\x0a\x00" + strings.Repeat("\x00", 8)
		runCases(t, c, []cmdCase{
			{args: args("restore", "k", 0, helloDump), err: "BUSYKEY Target key name already exists."},
			// BUSYKEY comes before checking the TTL and the payload.
			{args: args("restore", "k", "abc", "bad"), err: "BUSYKEY Target key name already exists."},
			{args: args("restore", "k", -1, helloDump, "replace"), err: "ERR Invalid TTL value, must be >= 0"},
			{args: args("restore", "k", "abc", helloDump, "replace"), err: "ERR value is not an integer or out of range"},
			{args: args("restore", "n", 0, "xx"), err: "ERR DUMP payload version or checksum are wrong"},
			{args: args("restore", "n", 0, helloDump[:len(helloDump)-1]+"x"), err: "ERR DUMP payload version or checksum are wrong"},
			{args: args("restore", "n", 0, zeroCRC), err: "ERR DUMP payload version or checksum are wrong"},
			// Version 11 is newer than Redis 7.0's RDB.
			{args: args("restore", "n", 0, "\x00\x05hello\x0b\x00cr\xdfve4 \x0a"), err: "ERR DUMP payload version or checksum are wrong"},
			{args: args("restore", "n", 0, helloDump, "idletime", 5, "freq", 3), err: "ERR syntax error"},
			{args: args("restore", "n", 0, helloDump, "freq", 3, "idletime", 5), err: "ERR syntax error"},
			{args: args("restore", "n", 0, helloDump, "idletime", -1), err: "ERR Invalid IDLETIME value, must be >= 0"},
			{args: args("restore", "n", 0, helloDump, "freq", 256), err: "ERR Invalid FREQ value, must be >= 0 and <= 255"},
			{args: args("restore", "n", 0, helloDump, "freq", -1), err: "ERR Invalid FREQ value, must be >= 0 and <= 255"},
			{args: args("restore", "n", 0, helloDump, "freq", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("restore", "n", 0, helloDump, "idletime"), err: "ERR syntax error"},
			{args: args("restore", "n", 0, helloDump, "foo"), err: "ERR syntax error"},
			// Options are checked before BUSYKEY.
			{args: args("restore", "k", 0, helloDump, "foo"), err: "ERR syntax error"},
			{args: args("restore", "k", 0), err: "ERR wrong number of arguments for 'restore' command"},
			{args: args("exists", "n"), want: int64(0)},
			{args: args("dump", "k"), want: "\x00\x03old\x0a\x00\xdf>\x92\xfa\xe1\x1f\xc8\xd8"},
		})
	})
}

// TestRestoreBadData: payloads with a right checksum but a value that
// cannot be read. Redis reads the value from the whole payload, footer
// included, so some truncated values still load; we do the same.
func TestRestoreBadData(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		runCases(t, c, []cmdCase{
			// Type 7 does not exist.
			{args: args("restore", "a", 0, "\x07\x05hello\x0a\x00\x1f\xbdo\xb1\x0d\xd8FV"), err: "ERR Bad data format"},
			// Length 16, but only 5 bytes and the 10 of the footer follow.
			{args: args("restore", "a", 0, "\x00\x10hello\x0a\x00\xca\xd6A\xe5\x8e_r."), err: "ERR Bad data format"},
			// LZF claiming 92 bytes that decompress to 91.
			{args: args("restore", "a", 0, "\x00\xc3\x09@\\\x01aa\xe0N\x00\x01aa\x0a\x00H\xbaT\xec(:-E"), err: "ERR Bad data format"},
			// Length 15: the value runs into the footer, and Redis takes
			// the footer's bytes as part of it.
			{args: args("restore", "b", 0, "\x00\x0fhello\x0a\x00\xa0K\xec\xf7\xb3\x12\xab\x91"), want: "OK"},
			{args: args("dump", "b"), want: "\x00\x0fhello\x0a\x00\xa0K\xec\xf7\xb3\x12\xab\x91\x0a\x00]\x9b\\@\x0f\x7f\xa2\xda"},
			// Ten zero bytes: RDB version 0, the CRC of two zeros, and a
			// value read from the footer: type 0, length 0.
			{args: args("restore", "c", 0, strings.Repeat("\x00", 10)), want: "OK"},
			{args: args("dump", "c"), want: "\x00\x00\x0a\x00]\x9b\\@\x0f\x7f\xa2\xda"},
			{args: args("exists", "a"), want: int64(0)},
		})
	})
}

func TestRestoreTTL(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "old", "x")
		runCases(t, c, []cmdCase{
			{args: args("restore", "rel", 100000, helloDump), want: "OK"},
			{args: args("ttl", "rel"), want: int64(100)},
			{args: args("restore", "abs", far, helloDump, "absttl"), want: "OK"},
			{args: args("pexpiretime", "abs"), want: int64(far)},
			{args: args("restore", "none", 0, helloDump, "ABSTTL"), want: "OK"},
			{args: args("ttl", "none"), want: int64(-1)},
			// Already expired: OK, but no key; with REPLACE the old one goes.
			{args: args("restore", "past", 1000, helloDump, "absttl"), want: "OK"},
			{args: args("exists", "past"), want: int64(0)},
			{args: args("restore", "old", 1000, helloDump, "absttl", "replace"), want: "OK"},
			{args: args("exists", "old"), want: int64(0)},
			// A relative TTL that overflows wraps into the past, as in Redis.
			{args: args("restore", "huge", "9223372036854775807", helloDump), want: "OK"},
			{args: args("exists", "huge"), want: int64(0)},
		})
	})
}

func TestRestoreIdletime(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	runCases(t, c, []cmdCase{
		{args: args("restore", "k", 0, helloDump, "idletime", 100), want: "OK"},
		// FREQ is accepted and ignored when no LFU policy is set.
		{args: args("restore", "f", 0, helloDump, "freq", 100), want: "OK"},
		{args: args("object", "freq", "f"), err: errNoLFU},
	})
	if idle := c.ObjectIdleTime(ctx, "k").Val(); idle < 100*time.Second || idle > 101*time.Second {
		t.Errorf("OBJECT IDLETIME after RESTORE IDLETIME 100 = %v", idle)
	}
}

// TestDumpIsRead: DUMP counts as an access and a keyspace hit.
func TestDumpIsRead(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	c.Do(ctx, "restore", "k", 0, helloDump, "idletime", 100)
	before := srv.Node.Engine().Stats()
	c.Dump(ctx, "k")
	c.Dump(ctx, "nokey")
	after := srv.Node.Engine().Stats()
	if after.Hits-before.Hits != 1 || after.Misses-before.Misses != 1 {
		t.Errorf("hits +%d misses +%d, want +1 +1", after.Hits-before.Hits, after.Misses-before.Misses)
	}
	if idle := c.ObjectIdleTime(ctx, "k").Val(); idle > time.Second {
		t.Errorf("idle time after DUMP = %v", idle)
	}
}
