package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestDebugDigest: DEBUG DIGEST and DIGEST-VALUE give redis-server 7.0's
// values for the same data (taken from the reference).
func TestDebugDigest(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	digest := func() string { return c.Do(ctx, "DEBUG", "DIGEST").Val().(string) }
	if d := digest(); d != "0000000000000000000000000000000000000000" {
		t.Fatalf("empty keyspace digest %s", d)
	}
	c.Set(ctx, "s", "hello", 0)
	if d := digest(); d != "a500c6b54937da22f2ac1167da1da852479c7339" {
		t.Fatalf("digest with one string %s", d)
	}
	c.Set(ctx, "n", "12345", 0)
	c.RPush(ctx, "l", "a", 1, "b")
	c.SAdd(ctx, "st", "x", "y", 3)
	c.Do(ctx, "ZADD", "z", 1.5, "a", 2, "b", 0.1, "c")
	c.HSet(ctx, "h", "f", "v", "g", 7)
	c.Do(ctx, "SET", "e", "v", "EX", 1000)
	if d := digest(); d != "154663dfa70496068ec3095a2a1ed218c9cf69f9" {
		t.Fatalf("digest of every type %s", d)
	}
	want := []any{"36b23a1456b2dce2c3ed252c456761301dba8060", "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83",
		"d5f44352f6226abea9252dad248ef5de0d964396", "415a07507e2348d139f9fd645a024f6be569dd65",
		"2c385488a5eef8be43a6e3722a96af78cf880203", "42e8aee1f7247f7f7997132f31f0ea5085e70d29",
		"311b17018163335616e089f6b951c82c477335ac", "0000000000000000000000000000000000000000"}
	got, err := c.Do(ctx, "DEBUG", "DIGEST-VALUE", "s", "n", "l", "st", "z", "h", "e", "nokey").Slice()
	if err != nil || len(got) != len(want) {
		t.Fatalf("DIGEST-VALUE: %v %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("DIGEST-VALUE %d: %v, want %v", i, got[i], want[i])
		}
	}
	if err := c.Do(ctx, "DEBUG", "foo").Err(); err == nil || err.Error() != "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP." {
		t.Fatalf("DEBUG foo: %v", err)
	}
}

// TestDebugHelp: the unknown-subcommand error points at DEBUG HELP, which
// lists what exists in Redis's words.
func TestDebugHelp(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	err := c.Do(ctx, "DEBUG", "POPULATE", "10").Err()
	if err == nil || err.Error() != "ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP." {
		t.Fatalf("DEBUG POPULATE: %v", err)
	}
	lines, err := c.Do(ctx, "DEBUG", "HELP").StringSlice()
	if err != nil || len(lines) != 15 || lines[0] != "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
		lines[1] != "DIGEST" || lines[5] != "OBJECT <key>" || lines[7] != "SET-ACTIVE-EXPIRE <0|1>" ||
		lines[11] != "SLEEP <seconds>" || lines[13] != "HELP" {
		t.Fatalf("DEBUG HELP: %q %v", lines, err)
	}
}

// TestEnableDebugCommand: DEBUG runs by default (Shoal's default is yes);
// no refuses it with Redis's error, as a rejection that fails a
// transaction; local lets 127.0.0.1 through.
func TestEnableDebugCommand(t *testing.T) {
	ctx := context.Background()
	const refused = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`
	for _, tc := range []struct{ value, want string }{{"", ""}, {"yes", ""}, {"local", ""}, {"no", refused}} {
		var srv *testserver.Server
		if tc.value == "" {
			srv = testserver.Start(t)
		} else {
			srv = testserver.Start(t, "enable-debug-command "+tc.value)
		}
		c := srv.Client(t)
		got := ""
		if err := c.Do(ctx, "DEBUG", "SLEEP", "0").Err(); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("enable-debug-command %q: DEBUG SLEEP 0 = %q, want %q", tc.value, got, tc.want)
		}
		if tc.want == "" {
			continue
		}
		pipe := c.TxPipeline()
		pipe.Do(ctx, "DEBUG", "SLEEP", "0")
		if _, err := pipe.Exec(ctx); err == nil || !strings.HasPrefix(err.Error(), "EXECABORT") {
			t.Errorf("enable-debug-command %q: a transaction with DEBUG = %v, want EXECABORT", tc.value, err)
		}
	}
}
