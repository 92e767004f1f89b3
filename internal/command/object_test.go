package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

const errNoLFU = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."

func TestObjectEncoding(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		cases := []struct{ value, want string }{
			{"123", "int"},
			{"-5", "int"},
			{"0", "int"},
			{"9223372036854775807", "int"},
			{"-9223372036854775808", "int"},
			{"9223372036854775808", "embstr"}, // beyond int64
			{"012", "embstr"},                 // not canonical
			{"-0", "embstr"},
			{"+1", "embstr"},
			{" 1", "embstr"},
			{"1.5", "embstr"},
			{"hello", "embstr"},
			{"", "embstr"},
			{strings.Repeat("x", 44), "embstr"},
			{strings.Repeat("x", 45), "raw"},
			{strings.Repeat("1", 45), "raw"},
		}
		for _, tc := range cases {
			seedStrings(t, srv, 0, "k", tc.value)
			if got, err := c.ObjectEncoding(context.Background(), "k").Result(); err != nil || got != tc.want {
				t.Errorf("OBJECT ENCODING of %q = %q, %v; want %q", tc.value, got, err, tc.want)
			}
		}
		// A string changed in place (APPEND, SETRANGE) is raw whatever it holds.
		eng := srv.Node.Engine()
		txn := eng.NewTxn()
		v := txn.LockKey(eng.DB(0), []byte("r"))
		e := engine.NewString([]byte("12"))
		e.Raw = true
		v.Put([]byte("r"), e, 0)
		txn.Unlock()
		runCases(t, c, []cmdCase{
			{args: args("object", "encoding", "r"), want: "raw"},
			{args: args("object", "encoding", "nokey"), want: nil},
		})
	})
}

func TestObjectRefcount(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "shared", "5", "zero", "0", "big", "10000", "neg", "-1", "s", "hello", "pad", "0005")
		runCases(t, c, []cmdCase{
			{args: args("object", "refcount", "shared"), want: int64(2147483647)},
			{args: args("object", "refcount", "zero"), want: int64(2147483647)},
			{args: args("object", "refcount", "big"), want: int64(1)},
			{args: args("object", "refcount", "neg"), want: int64(1)},
			{args: args("object", "refcount", "s"), want: int64(1)},
			{args: args("object", "refcount", "pad"), want: int64(1)},
			{args: args("object", "refcount", "nokey"), want: nil},
		})
	})
}

func TestObjectIdletimeAndFreq(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "k", "v")
		runCases(t, c, []cmdCase{
			{args: args("object", "idletime", "k"), want: int64(0)},
			{args: args("object", "idletime", "nokey"), want: nil},
			{args: args("object", "freq", "k"), err: errNoLFU},
			// The key is looked up first: a missing key is a null, not an error.
			{args: args("object", "freq", "nokey"), want: nil},
		})
	})
}

func TestObjectHelpAndErrors(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		runCases(t, c, []cmdCase{
			{args: args("object"), err: "ERR wrong number of arguments for 'object' command"},
			{args: args("object", "encoding"), err: "ERR wrong number of arguments for 'object|encoding' command"},
			{args: args("object", "encoding", "a", "b"), err: "ERR wrong number of arguments for 'object|encoding' command"},
			{args: args("object", "freq"), err: "ERR wrong number of arguments for 'object|freq' command"},
			{args: args("object", "help", "x"), err: "ERR wrong number of arguments for 'object|help' command"},
			{args: args("object", "foo"), err: "ERR unknown subcommand 'foo'. Try OBJECT HELP."},
			{args: args("object", "foo", "bar", "baz"), err: "ERR unknown subcommand 'foo'. Try OBJECT HELP."},
		})
	})
}

// TestObjectHelp: the text and shape (status strings) of redis-server 7.0.
func TestObjectHelp(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	want := "*15\r\n" +
		"+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
		"+ENCODING <key>\r\n" +
		"+    Return the kind of internal representation used in order to store the value\r\n" +
		"+    associated with a <key>.\r\n" +
		"+FREQ <key>\r\n" +
		"+    Return the access frequency index of the <key>. The returned integer is\r\n" +
		"+    proportional to the logarithm of the recent access frequency of the key.\r\n" +
		"+IDLETIME <key>\r\n" +
		"+    Return the idle time of the <key>, that is the approximated number of\r\n" +
		"+    seconds elapsed since the last access to the key.\r\n" +
		"+REFCOUNT <key>\r\n" +
		"+    Return the number of references of the value associated with the specified\r\n" +
		"+    <key>.\r\n" +
		"+HELP\r\n" +
		"+    Prints this help.\r\n"
	if got := r.Do("OBJECT", "HELP"); got != want {
		t.Errorf("RESP2 OBJECT HELP =\n%s", got)
	}
	r.Do("HELLO", "3")
	if got := r.Do("object", "help"); got != want {
		t.Errorf("RESP3 OBJECT HELP =\n%s", got)
	}
}

// TestObjectNullShape: a missing key is $-1 in RESP2 and _ in RESP3.
func TestObjectNullShape(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	for _, sub := range []string{"ENCODING", "IDLETIME", "REFCOUNT", "FREQ"} {
		if got := r.Do("OBJECT", sub, "nokey"); got != "$-1\r\n" {
			t.Errorf("RESP2 OBJECT %s nokey = %q", sub, got)
		}
	}
	r.Do("HELLO", "3")
	if got := r.Do("OBJECT", "ENCODING", "nokey"); got != "_\r\n" {
		t.Errorf("RESP3 OBJECT ENCODING nokey = %q", got)
	}
}

// TestObjectCountsKeyspaceStats: OBJECT counts a hit or a miss, as
// Redis's lookup does, but is not an access.
func TestObjectCountsKeyspaceStats(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	seedStrings(t, srv, 0, "k", "v")
	before := srv.Node.Engine().Stats()
	runCases(t, c, []cmdCase{
		{args: args("object", "encoding", "k"), want: "embstr"},
		{args: args("object", "encoding", "nokey"), want: nil},
	})
	after := srv.Node.Engine().Stats()
	if after.Hits-before.Hits != 1 || after.Misses-before.Misses != 1 {
		t.Errorf("hits +%d misses +%d, want +1 +1", after.Hits-before.Hits, after.Misses-before.Misses)
	}
}
