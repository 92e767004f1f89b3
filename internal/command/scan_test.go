package command_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// scanAll runs a whole SCAN with the given options and returns the keys
// it returned (with repeats) and the number of calls it took.
func scanAll(t *testing.T, c *redis.Client, opts ...any) ([]string, int) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	cursor, calls := "0", 0
	for {
		res, err := c.Do(ctx, append([]any{"scan", cursor}, opts...)...).Slice()
		if err != nil {
			t.Fatalf("SCAN %s: %v", cursor, err)
		}
		calls++
		next := res[0].(string)
		for _, k := range res[1].([]any) {
			keys = append(keys, k.(string))
		}
		if next == "0" {
			return keys, calls
		}
		if n, _ := strconv.Atoi(next); n <= atoiOr(cursor, 0) || n >= engine.SlotCount {
			t.Fatalf("cursor went from %s to %s", cursor, next)
		}
		cursor = next
	}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

func seedNumbered(t *testing.T, srv *testserver.Server, prefix string, n int) []string {
	t.Helper()
	var keys, kv []string
	for i := range n {
		k := fmt.Sprintf("%s%d", prefix, i)
		keys = append(keys, k)
		kv = append(kv, k, "v")
	}
	seedStrings(t, srv, 0, kv...)
	slices.Sort(keys)
	return keys
}

func TestScanReturnsEveryKey(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		want := seedNumbered(t, srv, "key:", 1000)
		for _, count := range []int{1, 10, 100, 5000} {
			got, calls := scanAll(t, c, "count", count)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("COUNT %d: got %d keys, want %d", count, len(got), len(want))
			}
			// Each call returns at least COUNT keys but the last.
			if max := (1000+count-1)/count + 1; calls > max {
				t.Errorf("COUNT %d: %d calls, want at most %d", count, calls, max)
			}
		}
	})
}

func TestScanEmpty(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		runCases(t, c, []cmdCase{
			{args: args("scan", 0), want: []any{"0", []any{}}},
			// A cursor past the last slot has nothing left to return.
			{args: args("scan", 16384), want: []any{"0", []any{}}},
			{args: args("scan", "18446744073709551615"), want: []any{"0", []any{}}},
			{args: args("scan", -1), want: []any{"0", []any{}}},
			{args: args("keys", "*"), want: []any{}},
		})
	})
}

func TestScanMatchAndType(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedNumbered(t, srv, "user:", 100)
		seedNumbered(t, srv, "item:", 100)
		seedStrings(t, srv, 0, "", "empty")
		cases := []struct {
			opts []any
			want int
		}{
			{args("match", "user:*"), 100},
			{args("match", "user:1?"), 10},
			{args("MATCH", "*:[0-4]"), 10},
			{args("match", "nothing*"), 0},
			{args("match", "*"), 201},  // MATCH * skips matching, so the empty key is in
			{args("match", "**"), 200}, // but no pattern matches the empty key
			{args("type", "string"), 201},
			{args("TYPE", "STRING"), 201},
			{args("type", "hash"), 0},
			{args("type", "strin"), 0},
			{args("type", "string", "match", "item:*", "count", 7), 100},
		}
		for _, tc := range cases {
			got, _ := scanAll(t, c, tc.opts...)
			if len(got) != tc.want {
				t.Errorf("SCAN %v returned %d keys, want %d", tc.opts, len(got), tc.want)
			}
		}
	})
}

func TestScanCursorAndOptionErrors(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1")
		one := []any{"0", []any{"a"}}
		runCases(t, c, []cmdCase{
			// The cursor is read as C's strtoul reads it.
			{args: args("scan", ""), want: one},
			{args: args("scan", "+0"), want: one},
			{args: args("scan", "-0"), want: one},
			{args: args("scan", "00"), want: one},
			{args: args("scan", "0x1"), err: "ERR invalid cursor"},
			{args: args("scan", " 0"), err: "ERR invalid cursor"},
			{args: args("scan", "0 "), err: "ERR invalid cursor"},
			{args: args("scan", "+"), err: "ERR invalid cursor"},
			{args: args("scan", "-"), err: "ERR invalid cursor"},
			{args: args("scan", "abc"), err: "ERR invalid cursor"},
			{args: args("scan", "18446744073709551616"), err: "ERR invalid cursor"},
			{args: args("scan", "abc", "count", 0), err: "ERR invalid cursor"},
			{args: args("scan", 0, "count", 0), err: "ERR syntax error"},
			{args: args("scan", 0, "count", -1), err: "ERR syntax error"},
			{args: args("scan", 0, "count", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("scan", 0, "count", "9223372036854775808"), err: "ERR value is not an integer or out of range"},
			{args: args("scan", 0, "count", 10, "count", 0), err: "ERR syntax error"},
			{args: args("scan", 0, "match"), err: "ERR syntax error"},
			{args: args("scan", 0, "type"), err: "ERR syntax error"},
			{args: args("scan", 0, "foo", "bar"), err: "ERR syntax error"},
			{args: args("scan", 0, "count", "9223372036854775807"), want: one},
			{args: args("scan"), err: "ERR wrong number of arguments for 'scan' command"},
		})
	})
}

// TestScanGuarantee: every key present for the whole scan is returned,
// while other keys are added and deleted all the time.
func TestScanGuarantee(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	want := seedNumbered(t, srv, "stable:", 5000)
	var stop atomic.Bool
	var churned atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	other := srv.Client(t)
	go func() {
		defer wg.Done()
		ctx := context.Background()
		for i := 0; !stop.Load(); i++ {
			k := fmt.Sprintf("churn:%d", i%3000)
			seedStrings(t, srv, 0, k, "v")
			if i%2 == 0 {
				other.Del(ctx, fmt.Sprintf("churn:%d", (i+1500)%3000))
			}
			churned.Add(1)
		}
	}()
	for round := range 3 {
		got, _ := scanAll(t, c, "count", 20)
		seen := map[string]bool{}
		for _, k := range got {
			seen[k] = true
		}
		for _, k := range want {
			if !seen[k] {
				t.Errorf("round %d: %s was never returned", round, k)
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	if churned.Load() == 0 {
		t.Error("nothing changed during the scans")
	}
}

func TestKeys(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "", "1", "a*b", "1", "{tag}x", "1")
		cases := []struct {
			pattern string
			want    []string
		}{
			{"*", []string{"", "a*b", "hallo", "heeeello", "hello", "hllo", "hxllo", "{tag}x"}},
			{"h?llo", []string{"hallo", "hello", "hxllo"}},
			{"h*llo", []string{"hallo", "heeeello", "hello", "hllo", "hxllo"}},
			{"h[ae]llo", []string{"hallo", "hello"}},
			{"h[^e]llo", []string{"hallo", "hxllo"}},
			{"h[a-b]llo", []string{"hallo"}},
			{"a\\*b", []string{"a*b"}},
			{"{tag}*", []string{"{tag}x"}},
			{"nothing", []string{}},
			{"**", []string{"a*b", "hallo", "heeeello", "hello", "hllo", "hxllo", "{tag}x"}},
		}
		for _, tc := range cases {
			got, err := c.Keys(context.Background(), tc.pattern).Result()
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("KEYS %q = %q, want %q", tc.pattern, got, tc.want)
			}
		}
		runCases(t, c, []cmdCase{
			{args: args("keys"), err: "ERR wrong number of arguments for 'keys' command"},
			{args: args("keys", "a", "b"), err: "ERR wrong number of arguments for 'keys' command"},
		})
	})
}

// TestKeysAndScanSkipExpired: keys past their TTL are never listed.
func TestKeysAndScanSkipExpired(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	seedStrings(t, srv, 0, "live", "1")
	seedStringsTTL(t, srv, 0, 1, "dead1", "1", "dead2", "1") // expired in 1970
	runCases(t, c, []cmdCase{
		{args: args("keys", "*"), want: []any{"live"}},
		{args: args("scan", 0), want: []any{"0", []any{"live"}}},
	})
}

// TestScanRawShape: the cursor is a bulk string, the keys an array, in
// both protocols.
func TestScanRawShape(t *testing.T) {
	srv := testserver.Start(t)
	seedStrings(t, srv, 0, "a", "1")
	r := srv.Raw(t)
	want := "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"
	if got := r.Do("SCAN", "0"); got != want {
		t.Errorf("RESP2 SCAN = %q", got)
	}
	r.Do("HELLO", "3")
	if got := r.Do("SCAN", "0"); got != want {
		t.Errorf("RESP3 SCAN = %q", got)
	}
	if got := r.Do("KEYS", "*"); got != "*1\r\n$1\r\na\r\n" {
		t.Errorf("RESP3 KEYS = %q", got)
	}
}

// TestScanIterator: go-redis's iterator, which parses the cursor as an
// unsigned number, walks the whole keyspace.
func TestScanIterator(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	want := seedNumbered(t, srv, "it:", 300)
	ctx := context.Background()
	var got []string
	it := c.Scan(ctx, 0, "it:*", 7).Iterator()
	for it.Next(ctx) {
		got = append(got, it.Val())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("iterator returned %d keys, want %d", len(got), len(want))
	}
}

// TestScanTypeCountsHits: Redis reads each key's type for SCAN's TYPE
// filter with a key lookup, a keyspace hit, but only for keys that passed
// MATCH; SCAN without TYPE, and KEYS, count nothing.
func TestScanTypeCountsHits(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	seedStrings(t, srv, 0, "a1", "v", "a2", "v", "b1", "v")
	hits := func() string {
		info := c.Info(ctx, "stats").Val()
		i := strings.Index(info, "keyspace_hits:")
		return strings.Fields(info[i:])[0]
	}
	c.ConfigResetStat(ctx)
	for _, cmd := range [][]any{
		{"scan", 0, "count", 100},
		{"scan", 0, "count", 100, "match", "a*"},
		{"keys", "*"},
	} {
		c.Do(ctx, cmd...)
	}
	if got := hits(); got != "keyspace_hits:0" {
		t.Errorf("after SCAN without TYPE and KEYS: %s, want 0", got)
	}
	c.Do(ctx, "scan", 0, "count", 100, "match", "a*", "type", "hash")
	if got := hits(); got != "keyspace_hits:2" {
		t.Errorf("after SCAN MATCH a* TYPE hash: %s, want 2", got)
	}
}
