package command_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// far is an expiry time in ms far enough in the future (2100-01-01) for
// tests to compare absolute times exactly.
const far = 4102444800000

func TestExpireConditions(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1")
		runCases(t, c, []cmdCase{
			{args: args("expire", "nokey", 100), want: int64(0)},
			{args: args("expire", "a", 100, "xx"), want: int64(0)}, // no TTL yet
			{args: args("expire", "a", 100, "gt"), want: int64(0)}, // no TTL counts as infinite
			{args: args("ttl", "a"), want: int64(-1)},
			{args: args("expire", "a", 100, "nx"), want: int64(1)},
			{args: args("expire", "a", 200, "NX"), want: int64(0)},
			{args: args("ttl", "a"), want: int64(100)},
			{args: args("expire", "a", 50, "gt"), want: int64(0)},
			{args: args("expire", "a", 500, "gt"), want: int64(1)},
			{args: args("expire", "a", 600, "lt"), want: int64(0)},
			{args: args("expire", "a", 50, "lt"), want: int64(1)},
			{args: args("ttl", "a"), want: int64(50)},
			{args: args("expire", "a", 70, "xx", "gt"), want: int64(1)},
			{args: args("expire", "a", 80, "xx", "lt"), want: int64(0)},
			{args: args("ttl", "a"), want: int64(70)},
			{args: args("persist", "a"), want: int64(1)},
			{args: args("persist", "a"), want: int64(0)},
			{args: args("persist", "nokey"), want: int64(0)},
			{args: args("expire", "a", 50, "lt"), want: int64(1)}, // any TTL is less than none
			{args: args("ttl", "a"), want: int64(50)},
		})
	})
}

func TestExpireAbsolute(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1", "b", "2")
		runCases(t, c, []cmdCase{
			{args: args("pexpireat", "a", far+499), want: int64(1)},
			{args: args("pexpiretime", "a"), want: int64(far + 499)},
			{args: args("expiretime", "a"), want: int64(far / 1000)}, // rounded down
			{args: args("pexpireat", "a", far+500), want: int64(1)},
			{args: args("expiretime", "a"), want: int64(far/1000 + 1)}, // rounded up
			{args: args("expireat", "a", far/1000), want: int64(1)},
			{args: args("pexpiretime", "a"), want: int64(far)},
			{args: args("pexpireat", "a", far+1, "gt"), want: int64(1)},
			{args: args("pexpireat", "a", far, "gt"), want: int64(0)},
			{args: args("pexpireat", "a", far+1, "lt"), want: int64(0)},
			// The end of time: PEXPIREAT takes it, and the rounding of
			// EXPIRETIME does not overflow.
			{args: args("pexpireat", "a", "9223372036854775807"), want: int64(1)},
			{args: args("pexpiretime", "a"), want: int64(9223372036854775807)},
			{args: args("expiretime", "a"), want: int64(9223372036854776)},
			{args: args("expireat", "a", "9223372036854775"), want: int64(1)},
			{args: args("expiretime", "a"), want: int64(9223372036854775)},
			{args: args("expiretime", "b"), want: int64(-1)},
			{args: args("pexpiretime", "b"), want: int64(-1)},
			{args: args("expiretime", "nokey"), want: int64(-2)},
			{args: args("pexpiretime", "nokey"), want: int64(-2)},
			{args: args("ttl", "nokey"), want: int64(-2)},
			{args: args("pttl", "nokey"), want: int64(-2)},
			{args: args("pttl", "b"), want: int64(-1)},
		})
	})
}

func TestExpireErrors(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1")
		runCases(t, c, []cmdCase{
			{args: args("expire", "a", 100, "nx", "xx"), err: "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{args: args("expire", "a", 100, "nx", "gt"), err: "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{args: args("pexpire", "a", 100, "lt", "nx"), err: "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{args: args("expire", "a", 100, "gt", "lt"), err: "ERR GT and LT options at the same time are not compatible"},
			{args: args("expire", "a", 100, "Gt", "LT"), err: "ERR GT and LT options at the same time are not compatible"},
			{args: args("expire", "a", 100, "foo"), err: "ERR Unsupported option foo"},
			// Options are checked before the time.
			{args: args("expire", "a", "abc", "foo"), err: "ERR Unsupported option foo"},
			{args: args("expire", "a", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("expire", "a", "1.5"), err: "ERR value is not an integer or out of range"},
			{args: args("expire", "a", "9223372036854775807"), err: "ERR invalid expire time in 'expire' command"},
			{args: args("expire", "a", "9223372036854770"), err: "ERR invalid expire time in 'expire' command"},
			{args: args("expire", "a", "-9223372036854775808"), err: "ERR invalid expire time in 'expire' command"},
			{args: args("pexpire", "a", "9223372036854775807"), err: "ERR invalid expire time in 'pexpire' command"},
			{args: args("expireat", "a", "9223372036854775807"), err: "ERR invalid expire time in 'expireat' command"},
			{args: args("expire", "nokey", "9223372036854775807"), err: "ERR invalid expire time in 'expire' command"},
			{args: args("expire", "a"), err: "ERR wrong number of arguments for 'expire' command"},
			{args: args("ttl"), err: "ERR wrong number of arguments for 'ttl' command"},
			{args: args("pttl", "a", "b"), err: "ERR wrong number of arguments for 'pttl' command"},
			{args: args("expiretime"), err: "ERR wrong number of arguments for 'expiretime' command"},
			{args: args("persist"), err: "ERR wrong number of arguments for 'persist' command"},
			{args: args("ttl", "a"), want: int64(-1)}, // untouched by all of the above
		})
	})
}

// TestExpireInThePastDeletes: a time already past deletes the key, and
// the command still replies 1.
func TestExpireInThePastDeletes(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		for i, cmd := range [][]any{
			{"expire", "k", -1}, {"pexpire", "k", 0}, {"expireat", "k", 0},
			{"pexpireat", "k", -5}, {"expireat", "k", 1}, {"pexpire", "k", "-9223372036854775808"},
		} {
			seedStrings(t, srv, 0, "k", "v")
			runCases(t, c, []cmdCase{
				{args: cmd, want: int64(1)},
				{args: args("exists", "k"), want: int64(0)},
			})
			if n := srv.Node.Engine().DB(0).Size(); n != 0 {
				t.Errorf("case %d: %d keys left", i, n)
			}
		}
	})
}

func TestTTLRounding(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	seedStrings(t, srv, 0, "a", "1", "b", "2")
	// Up to a few hundred ms may pass between PEXPIRE and TTL: the cases
	// are chosen so that the answer is the same anyway.
	runCases(t, c, []cmdCase{
		{args: args("pexpire", "a", 100000400), want: int64(1)},
		{args: args("ttl", "a"), want: int64(100000)},
		{args: args("pexpire", "b", 100000900), want: int64(1)},
		{args: args("ttl", "b"), want: int64(100001)},
	})
	ms, err := c.Do(context.Background(), "pttl", "b").Int64()
	if err != nil || ms > 100000900 || ms < 100000400 {
		t.Errorf("PTTL b = %d, %v", ms, err)
	}
}

// TestExpiredKeysAreReclaimed: 100,000 keys with a 100 ms TTL that nobody
// reads are gone within 2 s of the last one's TTL being set: the active
// expiry cycle deletes them.
// TestExpiredKeysAreReclaimed: 100,000 keys set with a 100 ms TTL that
// nobody reads again must be gone from DBSIZE within 2 s: only the active
// expiry cycle can reclaim them.
func TestExpiredKeysAreReclaimed(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	for batch := range 100 {
		pipe := c.Pipeline()
		for i := range 1000 {
			pipe.Set(ctx, fmt.Sprintf("exp:%d:%d", batch, i), "v", 100*time.Millisecond)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	set := time.Now()
	if n := c.DBSize(ctx).Val(); n == 0 {
		t.Fatal("every key was gone before the last one was set; the test proves nothing")
	}
	for {
		n, err := c.DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Since(set) > 2*time.Second {
			t.Fatalf("%d of 100000 expired keys still there after 2s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("all reclaimed %v after the last TTL was set", time.Since(set))
	if expired := srv.Node.Engine().Stats().ExpiredKeys; expired != 100000 {
		t.Fatalf("expired_keys = %d, want 100000", expired)
	}
}

// TestExpiredKeyIsNeverRead: keys given a 50 ms TTL with PEXPIRE are read
// in a loop; once the TTL has passed, no read may return the value.
func TestExpiredKeyIsNeverRead(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	const n = 200
	var keys []string
	pipe := c.Pipeline()
	for i := range n {
		k := fmt.Sprintf("px:%d", i)
		keys = append(keys, k)
		if i%2 == 0 {
			pipe.Set(ctx, k, "value", 50*time.Millisecond)
		} else {
			pipe.Set(ctx, k, "value", 0)
			pipe.PExpire(ctx, k, 50*time.Millisecond)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	// The server stamped each expiry at most 50 ms after now (ms
	// resolution): any read sent from the next millisecond on is late.
	deadline := time.UnixMilli(time.Now().UnixMilli() + 51)
	late := 0
	for time.Now().Before(deadline.Add(150 * time.Millisecond)) {
		for i, k := range keys {
			sent := time.Now()
			read := c.Get
			if i%3 == 0 {
				read = c.Dump
			}
			v, err := read(ctx, k).Result()
			if sent.After(deadline) {
				late++
				if err != redis.Nil {
					t.Fatalf("%s read %v after its TTL: %q, %v", k, sent.Sub(deadline), v, err)
				}
			}
		}
	}
	if late == 0 {
		t.Fatal("no read happened after the deadline")
	}
	runCases(t, c, []cmdCase{
		{args: append(args("exists"), anySlice(keys)...), want: int64(0)},
	})
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TestFarFutureExpiryIsKept: a key whose expiry is the largest time there
// is (PEXPIREAT or SET PXAT 9223372036854775807, which Redis accepts)
// never expires, active expiry cycles included.
func TestFarFutureExpiryIsKept(t *testing.T) {
	srv := testserver.Start(t, "hz 100")
	r := srv.Raw(t)
	for _, cmd := range [][]string{
		{"SET", "a", "v"}, {"PEXPIREAT", "a", "9223372036854775807"},
		{"SET", "b", "v", "PXAT", "9223372036854775807"},
		{"SET", "c", "v"}, {"PEXPIREAT", "c", "9223372036854775700"},
	} {
		r.Do(cmd...)
	}
	time.Sleep(150 * time.Millisecond) // more than ten cycles at hz 100
	if got := r.Do("EXISTS", "a", "b", "c"); got != ":3\r\n" {
		t.Errorf("EXISTS a b c = %q after active expiry cycles, want :3", got)
	}
}
