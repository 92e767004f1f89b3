package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// slowEntries reads SLOWLOG GET -1 as (arguments, client name) pairs,
// newest first, checking each entry's shape on the way.
func slowEntries(t *testing.T, c *redis.Client) [][]string {
	t.Helper()
	raw, err := c.Do(context.Background(), "SLOWLOG", "GET", "-1").Slice()
	if err != nil {
		t.Fatalf("SLOWLOG GET: %v", err)
	}
	var out [][]string
	lastID := int64(-1)
	for _, e := range raw {
		f := e.([]any)
		if len(f) != 6 {
			t.Fatalf("entry %v: %d fields, want 6", f, len(f))
		}
		id, at, usec := f[0].(int64), f[1].(int64), f[2].(int64)
		if lastID >= 0 && id >= lastID || at <= 0 || usec < 0 {
			t.Fatalf("entry %v: id %d after %d, time %d, duration %d", f, id, lastID, at, usec)
		}
		lastID = id
		if addr := f[4].(string); !strings.HasPrefix(addr, "127.0.0.1:") {
			t.Fatalf("entry %v: client address %q", f, addr)
		}
		var args []string
		for _, a := range f[3].([]any) {
			args = append(args, a.(string))
		}
		out = append(out, append([]string{f[5].(string)}, args...))
	}
	return out
}

// TestSlowlog: with slowlog-log-slower-than 0 every command is logged as
// Redis 7.0 logs it (newest first, long arguments and argument lists cut,
// passwords redacted, EXEC not itself logged); -1 logs nothing; the log
// keeps slowlog-max-len entries; RESET empties it.
func TestSlowlog(t *testing.T) {
	srv := testserver.Start(t, "slowlog-log-slower-than 0")
	// c reads the log (its connection's handshake comes before the
	// RESET); the commands logged go through raw connections.
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 1, DisableIdentity: true, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Do(ctx, "SLOWLOG", "RESET").Err(); err != nil {
		t.Fatal(err)
	}
	named, other := srv.Raw(t), srv.Raw(t)
	named.Do("CLIENT", "SETNAME", "nm")
	named.Do("SET", "k", strings.Repeat("a", 200))
	mset := []string{"MSET"}
	for i := range 17 {
		mset = append(mset, "k"+string(rune('a'+i)), "v")
	}
	named.Do(mset...)
	other.Do("AUTH", "secret")
	other.Do("HELLO", "3", "AUTH", "default", "secret")
	named.Do("MULTI")
	named.Do("INCR", "n")
	named.Do("EXEC")
	got := slowEntries(t, c)
	want := [][]string{
		{"nm", "INCR", "n"}, // EXEC itself is not logged, MULTI is
		{"nm", "MULTI"},
		{"", "HELLO", "3", "AUTH", "(redacted)", "(redacted)"},
		{"", "AUTH", "(redacted)"},
		append(append([]string{"nm", "MSET"}, msetArgs(30)...), "... (4 more arguments)"),
		{"nm", "SET", "k", strings.Repeat("a", 128) + "... (72 more bytes)"},
		{"nm", "CLIENT", "SETNAME", "nm"},
		{"", "SLOWLOG", "RESET"},
	}
	if len(got) != len(want) {
		t.Fatalf("SLOWLOG GET -1: %d entries %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if strings.Join(got[i], " ") != strings.Join(want[i], " ") {
			t.Errorf("entry %d: %q, want %q", i, got[i], want[i])
		}
	}
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int64(); n != int64(len(want))+1 { // and the GET
		t.Errorf("SLOWLOG LEN = %d, want %d", n, len(want)+1)
	}

	c.ConfigSet(ctx, "slowlog-max-len", "2")
	c.Ping(ctx)
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int64(); n != 2 {
		t.Errorf("SLOWLOG LEN with slowlog-max-len 2 = %d", n)
	}
	c.ConfigSet(ctx, "slowlog-log-slower-than", "-1")
	c.Do(ctx, "SLOWLOG", "RESET")
	c.Ping(ctx)
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int64(); n != 0 {
		t.Errorf("SLOWLOG LEN with slowlog-log-slower-than -1 = %d", n)
	}
	if err := c.Do(ctx, "SLOWLOG", "GET", "-2").Err(); err == nil || err.Error() != "ERR count should be greater than or equal to -1" {
		t.Errorf("SLOWLOG GET -2: %v", err)
	}
}

// msetArgs is the first n arguments after MSET in TestSlowlog.
func msetArgs(n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		out = append(out, "k"+string(rune('a'+i)), "v")
	}
	return out[:n]
}
