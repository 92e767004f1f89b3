package command_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// TestZSetGoRedis drives the sorted set commands through go-redis's typed
// API, which decodes RESP2 and RESP3 replies differently (scores as bulk
// strings or doubles, pairs flat or nested).
func TestZSetGoRedis(t *testing.T) {
	bothProtocols(t, func(t *testing.T, _ *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"}).Err())
		if n := c.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, Ch: true, Members: []redis.Z{{Score: 0, Member: "a"}, {Score: 5, Member: "b"}}}).Val(); n != 1 {
			t.Errorf("ZADD GT CH: %d, want 1", n)
		}
		if s := c.ZIncrBy(ctx, "z", 0.5, "c").Val(); s != 3.5 {
			t.Errorf("ZINCRBY: %v", s)
		}
		if got := c.ZMScore(ctx, "z", "a", "x", "b").Val(); !slices.Equal(got, []float64{1, 0, 5}) {
			t.Errorf("ZMSCORE: %v", got)
		}
		want := []redis.Z{{Score: 1, Member: "a"}, {Score: 3.5, Member: "c"}, {Score: 5, Member: "b"}}
		if got := c.ZRangeWithScores(ctx, "z", 0, -1).Val(); !slices.Equal(got, want) {
			t.Errorf("ZRANGE WITHSCORES: %v", got)
		}
		byScore := c.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "z", Start: "(1", Stop: "+inf", ByScore: true, Rev: false, Count: 1}).Val()
		if !slices.Equal(byScore, want[1:2]) {
			t.Errorf("ZRANGE BYSCORE LIMIT 0 1: %v", byScore)
		}
		if got := c.ZRevRangeByScore(ctx, "z", &redis.ZRangeBy{Min: "-inf", Max: "+inf", Offset: 1, Count: 5}).Val(); !slices.Equal(got, []string{"c", "a"}) {
			t.Errorf("ZREVRANGEBYSCORE LIMIT: %v", got)
		}
		if r := c.ZRank(ctx, "z", "b").Val(); r != 2 {
			t.Errorf("ZRANK: %d", r)
		}
		if _, err := c.ZRank(ctx, "z", "nope").Result(); err != redis.Nil {
			t.Errorf("ZRANK of a missing member: %v", err)
		}
		if n := c.ZCount(ctx, "z", "1", "(5").Val(); n != 2 {
			t.Errorf("ZCOUNT: %d", n)
		}
		must(c.ZAdd(ctx, "y", redis.Z{Score: 10, Member: "b"}, redis.Z{Score: 20, Member: "d"}).Err())
		if got := c.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"z", "y"}, Aggregate: "MAX"}).Val(); !slices.Equal(got, []redis.Z{{Score: 1, Member: "a"}, {Score: 3.5, Member: "c"}, {Score: 10, Member: "b"}, {Score: 20, Member: "d"}}) {
			t.Errorf("ZUNION AGGREGATE MAX: %v", got)
		}
		if n := c.ZInterStore(ctx, "i", &redis.ZStore{Keys: []string{"z", "y"}, Weights: []float64{2, 1}}).Val(); n != 1 {
			t.Errorf("ZINTERSTORE: %d", n)
		}
		if s := c.ZScore(ctx, "i", "b").Val(); s != 20 {
			t.Errorf("ZINTERSTORE score: %v", s)
		}
		if n := c.ZInterCard(ctx, 0, "z", "y").Val(); n != 1 {
			t.Errorf("ZINTERCARD: %d", n)
		}
		if got := c.ZDiff(ctx, "z", "y").Val(); !slices.Equal(got, []string{"a", "c"}) {
			t.Errorf("ZDIFF: %v", got)
		}
		if got := c.ZPopMin(ctx, "z", 2).Val(); !slices.Equal(got, want[:2]) {
			t.Errorf("ZPOPMIN 2: %v", got)
		}
		key, popped, err := c.ZMPop(ctx, "max", 5, "nokey", "y").Result()
		if err != nil || key != "y" || !slices.Equal(popped, []redis.Z{{Score: 20, Member: "d"}, {Score: 10, Member: "b"}}) {
			t.Errorf("ZMPOP: %q %v %v", key, popped, err)
		}
		if c.Exists(ctx, "y").Val() != 0 {
			t.Error("ZMPOP left an empty set")
		}
		pairs := c.ZRandMemberWithScores(ctx, "z", 5).Val()
		if !slices.Equal(pairs, want[2:]) {
			t.Errorf("ZRANDMEMBER 5 WITHSCORES of a one-member set: %v", pairs)
		}
	})
}

// TestZSetLarge checks a skiplist-encoded set against what its members
// must give: ranks, ranges by rank, score and member, counts, pops.
func TestZSetLarge(t *testing.T) {
	bothProtocols(t, func(t *testing.T, _ *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		const n = 2000
		var zs []redis.Z
		for i := range n {
			zs = append(zs, redis.Z{Score: float64(i / 2), Member: fmt.Sprintf("m%05d", i)})
		}
		if err := c.ZAdd(ctx, "big", zs...).Err(); err != nil {
			t.Fatal(err)
		}
		if enc := c.ObjectEncoding(ctx, "big").Val(); enc != "skiplist" {
			t.Fatalf("encoding %s", enc)
		}
		for _, i := range []int{0, 1, 2, 999, 1000, 1998, 1999} {
			m := fmt.Sprintf("m%05d", i)
			if r := c.ZRank(ctx, "big", m).Val(); r != int64(i) {
				t.Errorf("ZRANK %s = %d", m, r)
			}
			if r := c.ZRevRank(ctx, "big", m).Val(); r != int64(n-1-i) {
				t.Errorf("ZREVRANK %s = %d", m, r)
			}
		}
		if got := c.ZRange(ctx, "big", 1500, 1502).Val(); !slices.Equal(got, []string{"m01500", "m01501", "m01502"}) {
			t.Errorf("ZRANGE 1500 1502: %v", got)
		}
		if got := c.ZRangeByScore(ctx, "big", &redis.ZRangeBy{Min: "(700", Max: "702", Offset: 1, Count: 2}).Val(); !slices.Equal(got, []string{"m01403", "m01404"}) {
			t.Errorf("ZRANGEBYSCORE (700 702 LIMIT 1 2: %v", got)
		}
		if got := c.ZRevRangeByScore(ctx, "big", &redis.ZRangeBy{Min: "10", Max: "(12", Offset: 3, Count: 5}).Val(); !slices.Equal(got, []string{"m00020"}) {
			t.Errorf("ZREVRANGEBYSCORE (12 10 LIMIT 3 5: %v", got)
		}
		if got := c.ZCount(ctx, "big", "100", "(200").Val(); got != 200 {
			t.Errorf("ZCOUNT 100 (200: %d", got)
		}
		if got := c.ZLexCount(ctx, "big", "[m00000", "(m00010").Val(); got != 10 {
			t.Errorf("ZLEXCOUNT: %d", got)
		}
		if got := c.ZRemRangeByScore(ctx, "big", "-inf", "(500").Val(); got != 1000 {
			t.Errorf("ZREMRANGEBYSCORE: %d", got)
		}
		if got := c.ZPopMax(ctx, "big").Val(); len(got) != 1 || got[0].Member != "m01999" {
			t.Errorf("ZPOPMAX: %v", got)
		}
		if got := c.ZRemRangeByRank(ctx, "big", 0, -1).Val(); got != 999 {
			t.Errorf("ZREMRANGEBYRANK 0 -1: %d", got)
		}
		if c.Exists(ctx, "big").Val() != 0 {
			t.Error("the emptied set still exists")
		}
	})
}

// TestZScanLarge walks a skiplist-encoded set with ZSCAN while members
// come and go: every member there for the whole walk is returned, and
// the table grows and shrinks meanwhile.
func TestZScanLarge(t *testing.T) {
	bothProtocols(t, func(t *testing.T, _ *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		var stay []redis.Z
		for i := range 1000 {
			stay = append(stay, redis.Z{Score: float64(i), Member: fmt.Sprintf("s%d", i)})
		}
		c.ZAdd(ctx, "z", stay...)
		seen := map[string]bool{}
		var cursor uint64
		for round := 0; ; round++ {
			keys, next, err := c.ZScan(ctx, "z", cursor, "", 10).Result()
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < len(keys); i += 2 {
				seen[keys[i]] = true
			}
			// Grow the table, then shrink it, between calls.
			if round < 20 {
				c.ZAdd(ctx, "z", redis.Z{Score: -1, Member: fmt.Sprintf("tmp%d-a", round)}, redis.Z{Score: -1, Member: fmt.Sprintf("tmp%d-b", round)})
			}
			if round == 30 {
				c.ZRemRangeByScore(ctx, "z", "-inf", "(0")
			}
			if cursor = next; cursor == 0 {
				break
			}
			if round > 10000 {
				t.Fatal("ZSCAN does not end")
			}
		}
		for _, z := range stay {
			if !seen[z.Member.(string)] {
				t.Fatalf("%s was not returned", z.Member)
			}
		}
		got, next := c.ZScan(ctx, "z", 0, "s99*", 100000).Val()
		if next != 0 || len(got) != 22 {
			t.Errorf("ZSCAN MATCH s99* COUNT 100000: cursor %d, %d elements", next, len(got))
		}
	})
}

// TestZRandMemberCounts checks ZRANDMEMBER's counts: distinct members up
// to the set's size, repeats with a negative count, the whole set
// highest first when the count covers it.
func TestZRandMemberCounts(t *testing.T) {
	bothProtocols(t, func(t *testing.T, _ *testserver.Server, c *redis.Client) {
		ctx := context.Background()
		for _, size := range []int{10, 300} {
			key := fmt.Sprintf("z%d", size)
			var zs []redis.Z
			var all []string
			for i := range size {
				m := fmt.Sprintf("m%03d", i)
				zs = append(zs, redis.Z{Score: float64(i), Member: m})
				all = append(all, m)
			}
			c.ZAdd(ctx, key, zs...)
			for _, count := range []int{1, size / 4, size/2 + 1, size - 1} {
				got := c.ZRandMember(ctx, key, count).Val()
				uniq := slices.Compact(slices.Sorted(slices.Values(got)))
				if len(got) != count || len(uniq) != count {
					t.Errorf("%s: ZRANDMEMBER %d gave %d members, %d distinct", key, count, len(got), len(uniq))
				}
				for _, m := range got {
					if !slices.Contains(all, m) {
						t.Errorf("%s: %q is not a member", key, m)
					}
				}
			}
			if got := c.ZRandMember(ctx, key, -3*size).Val(); len(got) != 3*size {
				t.Errorf("%s: ZRANDMEMBER -%d gave %d", key, 3*size, len(got))
			}
			desc := slices.Clone(all)
			slices.Reverse(desc)
			if got := c.ZRandMember(ctx, key, size+5).Val(); !slices.Equal(got, desc) {
				t.Errorf("%s: ZRANDMEMBER %d is not the whole set highest first", key, size+5)
			}
		}
	})
}

// TestZSetDumpRestore checks DUMP against payloads redis-server 7.0 wrote
// and RESTOREs them: a listpack (RDB type 17) and a skiplist (type 5).
func TestZSetDumpRestore(t *testing.T) {
	const (
		listpack = "\x11  \x00\x00\x00\b\x00\x81x\x02\xf1x\xec\x03\x81a\x02\x01\x01\x82bb\x03\x832.5\x04{\x01d\x01\xff\n\x00L]\xa3\xa3wK7@"
		skiplist = "\x05\x04\xc0{\x00\x00\x00\x00\x00\x00Y@\x02bb\x00\x00\x00\x00\x00\x00\x04@\x01a\x00\x00\x00\x00\x00\x00\xf0?\x01z\x00\x00\x00\x00\x00\x00\x00\x80\n\x00\x0c\x85D F\x94\xaa\xb5"
	)
	srv := testserver.Start(t)
	raw := srv.Raw(t)
	steps := []strStep{
		st("ZADD lp 1 a 2.5 bb 100 123 -5000 x", ":4\r\n"),
		st("DUMP lp", strBulk(listpack)),
		st("CONFIG SET zset-max-listpack-entries 2", strOK),
		st("ZADD sl 1 a 2.5 bb 100 123 -0 z", ":4\r\n"),
		st("DUMP sl", strBulk(skiplist)),
		st("CONFIG SET zset-max-listpack-entries 128", strOK),
	}
	for i, s := range steps {
		if got := raw.Do(s.args...); got != s.resp2 {
			t.Fatalf("step %d %q: got %q, want %q", i, s.args, got, s.resp2)
		}
	}
	for _, tc := range []struct{ key, payload, enc, members string }{
		{"r1", listpack, "listpack", "*8\r\n$1\r\nx\r\n$5\r\n-5000\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nbb\r\n$3\r\n2.5\r\n$3\r\n123\r\n$3\r\n100\r\n"},
		{"r2", skiplist, "listpack", "*8\r\n$1\r\nz\r\n$1\r\n0\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nbb\r\n$3\r\n2.5\r\n$3\r\n123\r\n$3\r\n100\r\n"},
	} {
		if got := raw.Do("RESTORE", tc.key, "0", tc.payload); got != strOK {
			t.Fatalf("RESTORE %s: %q", tc.key, got)
		}
		if got := raw.Do("OBJECT", "ENCODING", tc.key); got != strBulk(tc.enc) {
			t.Errorf("%s: encoding %q", tc.key, got)
		}
		if got := raw.Do("ZRANGE", tc.key, "0", "-1", "WITHSCORES"); got != tc.members {
			t.Errorf("%s: members %q", tc.key, got)
		}
	}
}

// TestZSetWatch checks that a sorted set command that changes the key
// makes a WATCHing EXEC fail and one that changes nothing does not, as in
// Redis (the replies were recorded from redis-server 7.0).
func TestZSetWatch(t *testing.T) {
	srv := testserver.Start(t)
	a, b := srv.Raw(t), srv.Raw(t)
	for _, tc := range []struct {
		cmd  []string
		exec string
	}{
		{[]string{"ZADD", "k", "NX", "5", "x"}, "*1\r\n+PONG\r\n"},
		{[]string{"ZADD", "k", "2", "x"}, "*-1\r\n"},
		{[]string{"ZREM", "k", "nope"}, "*1\r\n+PONG\r\n"},
		{[]string{"ZREM", "k", "x"}, "*-1\r\n"},
		{[]string{"ZINCRBY", "k", "0", "x"}, "*1\r\n+PONG\r\n"},
		{[]string{"ZUNIONSTORE", "k", "1", "nokey"}, "*-1\r\n"},
		{[]string{"ZPOPMIN", "k", "0"}, "*1\r\n+PONG\r\n"},
		{[]string{"ZREMRANGEBYSCORE", "k", "5", "6"}, "*1\r\n+PONG\r\n"},
		{[]string{"ZPOPMAX", "k"}, "*-1\r\n"},
	} {
		a.Do("DEL", "k")
		a.Do("ZADD", "k", "1", "x")
		a.Do("WATCH", "k")
		b.Do(tc.cmd...)
		a.Do("MULTI")
		a.Do("PING")
		if got := a.Do("EXEC"); got != tc.exec {
			t.Errorf("after %v: EXEC = %q, want %q", tc.cmd, got, tc.exec)
		}
	}
}
