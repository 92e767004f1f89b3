package command_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// The expected events below were recorded from redis-server 7.0.15 with
// the same commands: each line is "channel message", in the order a
// PSUBSCRIBE __key*@*__:* subscriber receives them.

// keyEvents subscribes to every keyspace and keyevent channel and returns
// a function that collects what arrived up to a sentinel it publishes.
func keyEvents(t *testing.T, srv *testserver.Server, proto int) func() []string {
	t.Helper()
	ctx := context.Background()
	sub := srv.ClientProto(t, proto)
	ps := sub.PSubscribe(ctx, "__key*@*__:*")
	t.Cleanup(func() { ps.Close() })
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatalf("psubscribe: %v", err)
	}
	pub := srv.Client(t)
	const sentinel = "__keysentinel@0__:end"
	return func() []string {
		t.Helper()
		if err := pub.Publish(ctx, sentinel, "x").Err(); err != nil {
			t.Fatalf("publish: %v", err)
		}
		var got []string
		for {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			m, err := ps.ReceiveMessage(rctx)
			cancel()
			if err != nil {
				t.Fatalf("receive after %q: %v", got, err)
			}
			if m.Channel == sentinel {
				return got
			}
			if m.Pattern != "__key*@*__:*" {
				t.Errorf("message %q came by pattern %q", m.Channel, m.Pattern)
			}
			got = append(got, m.Channel+" "+m.Payload)
		}
	}
}

// ev returns the two messages of event on key in db 0, keyspace first.
func ev(event, key string) []string {
	return []string{"__keyspace@0__:" + key + " " + event, "__keyevent@0__:" + event + " " + key}
}

func evs(pairs ...string) []string {
	var out []string
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, ev(pairs[i], pairs[i+1])...)
	}
	return out
}

func TestKeyspaceNotifications(t *testing.T) {
	tests := []struct {
		name  string
		flags string
		setup [][]any
		cmds  [][]any
		want  []string
	}{
		{name: "set", cmds: [][]any{{"set", "a", "1"}, {"set", "a", "2", "ex", "100"}, {"set", "a", "3", "keepttl"}, {"set", "a", "4", "nx"}},
			want: evs("set", "a", "set", "a", "expire", "a", "set", "a")},
		{name: "set-variants", cmds: [][]any{{"setnx", "a", "1"}, {"setnx", "a", "1"}, {"setex", "b", "100", "v"}, {"psetex", "c", "100000", "v"}, {"getset", "a", "2"}, {"set", "a", "3", "xx", "get"}},
			want: evs("set", "a", "set", "b", "expire", "b", "set", "c", "expire", "c", "set", "a", "set", "a")},
		{name: "mset", cmds: [][]any{{"mset", "m1", "1", "m2", "2"}, {"msetnx", "m3", "1", "m1", "2"}, {"msetnx", "m3", "1", "m4", "2"}},
			want: evs("set", "m1", "set", "m2", "set", "m3", "set", "m4")},
		{name: "counters", cmds: [][]any{{"incr", "n"}, {"incrby", "n", "5"}, {"decr", "n"}, {"decrby", "n", "2"}, {"incrbyfloat", "n", "1.5"}, {"incr", "n"}},
			want: evs("incrby", "n", "incrby", "n", "incrby", "n", "incrby", "n", "incrbyfloat", "n")},
		{name: "append-setrange", cmds: [][]any{{"append", "s", "x"}, {"append", "s", "y"}, {"setrange", "s", "0", "z"}, {"setrange", "t", "0", ""}},
			want: evs("append", "s", "append", "s", "setrange", "s")},
		{name: "getdel-getex", setup: [][]any{{"set", "a", "1"}, {"set", "b", "1"}},
			cmds: [][]any{{"getdel", "a"}, {"getdel", "a"}, {"getex", "b", "ex", "100"}, {"getex", "b", "persist"}, {"getex", "b", "persist"}, {"getex", "b"}, {"getex", "b", "exat", "1"}},
			want: evs("del", "a", "expire", "b", "persist", "b", "del", "b")},
		{name: "bits", setup: [][]any{{"set", "x", "a"}},
			cmds: [][]any{{"setbit", "bits", "3", "1"}, {"setbit", "bits", "3", "1"}, {"bitop", "and", "dest", "bits", "x"}, {"bitop", "and", "dest", "nope"},
				{"bitfield", "bf", "set", "u8", "0", "255"}, {"bitfield", "bf", "get", "u8", "0"}, {"bitfield", "bf", "overflow", "fail", "incrby", "u8", "0", "1"}},
			want: evs("setbit", "bits", "set", "dest", "del", "dest", "setbit", "bf")},
		{name: "bitfield-unchanged", setup: [][]any{{"set", "k", "a"}},
			cmds: [][]any{{"bitfield", "k", "set", "u8", "0", "97"}, {"bitfield", "k", "incrby", "u8", "0", "0"}, {"bitfield", "k", "set", "u8", "0", "98"}},
			want: evs("setbit", "k")},
		{name: "del", setup: [][]any{{"set", "a", "1"}, {"set", "b", "1"}, {"set", "c", "1"}},
			cmds: [][]any{{"del", "a", "zz", "b"}, {"unlink", "c", "zz"}, {"del", "zz"}},
			want: evs("del", "a", "del", "b", "del", "c")},
		{name: "expire", setup: [][]any{{"set", "k", "1"}, {"set", "j", "1"}},
			cmds: [][]any{{"expire", "k", "100"}, {"pexpire", "k", "100000"}, {"expireat", "k", "9999999999"}, {"pexpireat", "k", "9999999999000"},
				{"expire", "k", "100", "nx"}, {"persist", "k"}, {"persist", "k"}, {"expire", "nope", "10"}, {"expire", "k", "0"}, {"pexpire", "j", "-1"}},
			want: evs("expire", "k", "expire", "k", "expire", "k", "expire", "k", "persist", "k", "del", "k", "del", "j")},
		{name: "rename", setup: [][]any{{"set", "k", "1"}, {"set", "k4", "1"}},
			cmds: [][]any{{"rename", "k", "k2"}, {"rename", "k2", "k2"}, {"renamenx", "k2", "k3"}, {"renamenx", "k3", "k4"}, {"rename", "k3", "k4"}},
			want: evs("rename_from", "k", "rename_to", "k2", "rename_from", "k2", "rename_to", "k3", "rename_from", "k3", "rename_to", "k4")},
		{name: "copy-move", setup: [][]any{{"set", "k", "1"}},
			cmds: [][]any{{"copy", "k", "k5"}, {"copy", "k", "k5"}, {"copy", "k", "k5", "replace"}, {"move", "k5", "1"}, {"copy", "k", "k6", "db", "2"}},
			want: append(evs("copy_to", "k5", "copy_to", "k5", "move_from", "k5"),
				"__keyspace@1__:k5 move_to", "__keyevent@1__:move_to k5", "__keyspace@2__:k6 copy_to", "__keyevent@2__:copy_to k6")},
		{name: "restore", setup: [][]any{{"set", "s", "v"}},
			cmds: [][]any{{"restore", "r", "0", "\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce"}, {"restore", "r", "0", "\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce"},
				{"restore", "r", "0", "\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce", "replace"}, {"restore", "r", "1", "\x00\x01v\n\x00\x91\x08\xce\xb2\x198\x8a\xce", "replace", "absttl"}},
			want: evs("restore", "r", "restore", "r", "del", "r")},
		{name: "sort-store", setup: [][]any{{"rpush", "l", "3", "1", "2"}},
			cmds: [][]any{{"sort", "l", "store", "d"}, {"sort", "l"}, {"sort", "nope", "store", "d"}, {"sort", "nope", "store", "d"}},
			want: evs("sortstore", "d", "del", "d")},
		{name: "lists", cmds: [][]any{{"lpush", "l", "a", "b"}, {"rpush", "l", "c"}, {"lpushx", "nope", "a"}, {"rpushx", "l", "d"}, {"lpop", "l"}, {"rpop", "l"},
			{"lpop", "l", "0"}, {"lpop", "nope"}, {"linsert", "l", "before", "a", "x"}, {"linsert", "l", "before", "zz", "x"}, {"lset", "l", "0", "y"},
			{"lrem", "l", "0", "zz"}, {"lrem", "l", "0", "y"}, {"ltrim", "l", "0", "-1"}, {"ltrim", "l", "1", "0"}},
			want: evs("lpush", "l", "rpush", "l", "rpush", "l", "lpop", "l", "rpop", "l", "linsert", "l", "lset", "l", "lrem", "l", "ltrim", "l", "ltrim", "l", "del", "l")},
		{name: "list-moves", setup: [][]any{{"rpush", "l", "a", "b", "c"}},
			cmds: [][]any{{"lmove", "l", "l2", "left", "right"}, {"rpoplpush", "l", "l2"}, {"lmove", "l", "l", "left", "left"}, {"lmpop", "1", "l", "left", "count", "5"},
				{"blpop", "l2", "1"}, {"brpop", "l2", "1"}, {"rpush", "src", "x"}, {"blmove", "src", "dst", "left", "left", "0.01"}},
			want: evs("rpush", "l2", "lpop", "l", "lpush", "l2", "rpop", "l", "lpush", "l", "lpop", "l", "lpop", "l", "del", "l",
				"lpop", "l2", "rpop", "l2", "del", "l2", "rpush", "src", "lpush", "dst", "lpop", "src", "del", "src")},
		{name: "hashes", cmds: [][]any{{"hset", "h", "f", "1", "g", "2"}, {"hset", "h", "f", "1"}, {"hsetnx", "h", "f", "3"}, {"hsetnx", "h", "z", "3"},
			{"hmset", "h", "a", "1"}, {"hdel", "h", "nope"}, {"hincrby", "h", "n", "1"}, {"hincrbyfloat", "h", "n", "1.5"}, {"hdel", "h", "f", "g"}, {"hdel", "h", "a", "z", "n"}},
			want: evs("hset", "h", "hset", "h", "hset", "h", "hset", "h", "hincrby", "h", "hincrbyfloat", "h", "hdel", "h", "hdel", "h", "del", "h")},
		{name: "sets", cmds: [][]any{{"sadd", "s", "a", "b"}, {"sadd", "s", "a"}, {"srem", "s", "zz"}, {"srem", "s", "a"}, {"spop", "s"}, {"sadd", "s", "a", "b", "c"},
			{"spop", "s", "0"}, {"spop", "s", "2"}, {"spop", "s", "5"}},
			want: evs("sadd", "s", "srem", "s", "spop", "s", "del", "s", "sadd", "s", "spop", "s", "spop", "s", "del", "s")},
		{name: "smove", setup: [][]any{{"sadd", "s", "a", "b", "c"}, {"sadd", "s2", "a"}},
			cmds: [][]any{{"smove", "s", "s2", "a"}, {"smove", "s", "s2", "b"}, {"smove", "s", "s3", "c"}, {"smove", "s", "s3", "zz"}},
			want: evs("srem", "s", "srem", "s", "sadd", "s2", "srem", "s", "del", "s", "sadd", "s3")},
		{name: "set-stores", setup: [][]any{{"sadd", "t1", "a", "b"}, {"sadd", "t2", "b", "c"}},
			cmds: [][]any{{"sinterstore", "d", "t1", "t2"}, {"sinterstore", "d", "t1", "nope"}, {"sunionstore", "d", "t1", "t2"}, {"sdiffstore", "d", "t1", "t2"}, {"sdiffstore", "d", "nope", "t2"}, {"sdiffstore", "d", "nope"}},
			want: evs("sinterstore", "d", "del", "d", "sunionstore", "d", "sdiffstore", "d", "del", "d")},
		{name: "zsets", cmds: [][]any{{"zadd", "z", "1", "a", "2", "b"}, {"zadd", "z", "1", "a"}, {"zadd", "z", "5", "a"}, {"zadd", "z", "xx", "5", "zz"},
			{"zadd", "z", "incr", "1", "a"}, {"zincrby", "z", "1", "b"}, {"zincrby", "z", "0", "b"}, {"zrem", "z", "zz"}, {"zrem", "z", "b"},
			{"zremrangebyscore", "z", "100", "200"}, {"zadd", "z", "1", "b", "2", "c"}, {"zremrangebyrank", "z", "0", "0"}, {"zremrangebylex", "z", "-", "+"}},
			want: evs("zadd", "z", "zadd", "z", "zincr", "z", "zincr", "z", "zrem", "z", "zadd", "z", "zremrangebyrank", "z", "zremrangebylex", "z", "del", "z")},
		{name: "zpops", setup: [][]any{{"zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d"}},
			cmds: [][]any{{"zpopmin", "z"}, {"zpopmax", "z", "0"}, {"zmpop", "1", "z", "max", "count", "1"}, {"bzpopmin", "z", "1"}, {"bzpopmax", "z", "1"}, {"zpopmin", "z"}},
			want: evs("zpopmin", "z", "zpopmax", "z", "zpopmin", "z", "zpopmax", "z", "del", "z")},
		{name: "zset-stores", setup: [][]any{{"zadd", "z1", "1", "a", "2", "b"}, {"zadd", "z2", "1", "b"}},
			cmds: [][]any{{"zunionstore", "zd", "2", "z1", "z2"}, {"zinterstore", "zd", "2", "z1", "z2"}, {"zdiffstore", "zd", "2", "z1", "z2"}, {"zdiffstore", "zd", "2", "z2", "z1"},
				{"zinterstore", "zd", "2", "z1", "nope"}, {"zrangestore", "zr", "z1", "0", "-1"}, {"zrangestore", "zr", "z1", "5", "6"}},
			want: evs("zunionstore", "zd", "zinterstore", "zd", "zdiffstore", "zd", "del", "zd", "zrangestore", "zr", "del", "zr")},
		{name: "multi-and-script", cmds: [][]any{{"multi"}, {"set", "m", "1"}, {"incr", "m"}, {"exec"},
			{"eval", "redis.call('set', KEYS[1], 'x'); redis.call('del', KEYS[1]); return 1", "1", "ek"}},
			want: evs("set", "m", "incrby", "m", "set", "ek", "del", "ek")},
		{name: "new", flags: "KEn", setup: [][]any{{"set", "k4", "1"}},
			cmds: [][]any{{"set", "a", "1"}, {"set", "a", "2"}, {"rpush", "l", "x"}, {"hset", "h", "f", "v"}, {"rename", "a", "k4"}, {"copy", "k4", "k5"}, {"sadd", "s", "x"}},
			want: evs("new", "a", "new", "l", "new", "h", "new", "k4", "new", "k5", "new", "s")},
		{name: "keymiss", flags: "Km", setup: [][]any{{"set", "a", "1"}},
			cmds: [][]any{{"get", "nope"}, {"get", "a"}, {"mget", "a", "n1", "n2"}, {"exists", "n3"}, {"type", "n4"}, {"ttl", "n5"}, {"object", "encoding", "n6"},
				{"lpop", "n7"}, {"hget", "n8", "f"}, {"smembers", "n9"}, {"zscore", "n10", "m"}, {"sinterstore", "d", "a2", "n11"}},
			want: []string{"__keyspace@0__:nope keymiss", "__keyspace@0__:n1 keymiss", "__keyspace@0__:n2 keymiss", "__keyspace@0__:n3 keymiss",
				"__keyspace@0__:n4 keymiss", "__keyspace@0__:n5 keymiss", "__keyspace@0__:n8 keymiss", "__keyspace@0__:n9 keymiss",
				"__keyspace@0__:n10 keymiss", "__keyspace@0__:a2 keymiss", "__keyspace@0__:n11 keymiss"}},
		{name: "classes", flags: "Eg", cmds: [][]any{{"set", "a", "1", "ex", "100"}, {"lpush", "l", "x"}, {"del", "l"}},
			want: []string{"__keyevent@0__:expire a", "__keyevent@0__:del l"}},
		{name: "off", flags: "", cmds: [][]any{{"set", "a", "1"}, {"get", "nope"}, {"del", "a"}, {"lpush", "l", "x"}}},
		{name: "no-channel-type", flags: "A", cmds: [][]any{{"set", "a", "1"}, {"del", "a"}}},
	}
	ctx := context.Background()
	srv := testserver.Start(t)
	for _, proto := range []int{2, 3} {
		collect := keyEvents(t, srv, proto)
		c := srv.Client(t)
		for _, tc := range tests {
			t.Run(fmt.Sprintf("resp%d/%s", proto, tc.name), func(t *testing.T) {
				c.FlushAll(ctx)
				c.ConfigSet(ctx, "notify-keyspace-events", "")
				for _, cmd := range tc.setup {
					c.Do(ctx, cmd...)
				}
				flags := tc.flags
				if flags == "" && tc.name != "off" {
					flags = "KEA"
				}
				if err := c.ConfigSet(ctx, "notify-keyspace-events", flags).Err(); err != nil {
					t.Fatal(err)
				}
				for _, cmd := range tc.cmds {
					c.Do(ctx, cmd...)
				}
				got := collect()
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("events:\n got %q\nwant %q", got, tc.want)
				}
			})
		}
	}
}

// TestKeyspaceNotificationsExpiredEvicted: the engine's own deletions, by
// the active expiry cycle, a read of a lapsed key, and eviction.
func TestKeyspaceNotificationsExpiredEvicted(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, "notify-keyspace-events Ex")
	collect := keyEvents(t, srv, 3)
	c := srv.Client(t)
	c.Set(ctx, "e", "1", 50*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	var got []string
	for len(got) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = collect()
	}
	if want := []string{"__keyevent@0__:expired e"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("active expiry: %q, want %q", got, want)
	}

	// A lapsed key that a command finds before the cycle does: expired,
	// then what the command does (here SET creates it again).
	c.ConfigSet(ctx, "hz", "1")
	c.ConfigSet(ctx, "notify-keyspace-events", "KEA")
	c.Set(ctx, "l", "1", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	c.Set(ctx, "l", "2", 0)
	got = collect()
	want := evs("set", "l", "expire", "l", "expired", "l", "set", "l")
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("lazy expiry:\n got %q\nwant %q", got, want)
	}

	// The same for a command that stores over its destination without
	// reading it (SINTERSTORE, as BITOP, Z*STORE, SORT STORE).
	c.SAdd(ctx, "s", "x")
	c.Set(ctx, "d", "1", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	c.SInterStore(ctx, "d", "s")
	got = collect()
	want = evs("sadd", "s", "set", "d", "expire", "d", "expired", "d", "sinterstore", "d")
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("store over a lapsed key:\n got %q\nwant %q", got, want)
	}

	c.FlushAll(ctx)
	c.ConfigSet(ctx, "notify-keyspace-events", "Ee")
	c.ConfigSet(ctx, "maxmemory-policy", "allkeys-random")
	used := infoField(t, c, "memory", "used_memory")
	c.ConfigSet(ctx, "maxmemory", strconv.FormatInt(used+200_000, 10))
	val := strings.Repeat("x", 100)
	for i := range 3000 {
		c.Set(ctx, "key"+strconv.Itoa(i), val, 0)
	}
	c.ConfigSet(ctx, "maxmemory", "0")
	got = collect()
	size := c.DBSize(ctx).Val()
	if int64(len(got))+size != 3000 || len(got) == 0 {
		t.Fatalf("%d evicted events and %d keys left, want 3000 in all", len(got), size)
	}
	for _, m := range got {
		key, ok := strings.CutPrefix(m, "__keyevent@0__:evicted ")
		if !ok || c.Exists(ctx, key).Val() != 0 {
			t.Fatalf("event %q: not an evicted key", m)
		}
	}
}

// infoField reads one numeric field of an INFO section.
func infoField(t *testing.T, c *redis.Client, section, field string) int64 {
	t.Helper()
	info := c.Info(context.Background(), section).Val()
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, field)
	return 0
}

// TestNotifyKeyspaceEventsConfig: CONFIG SET and GET round trips, as
// Redis 7.0 prints the flags, and its error for a bad one.
func TestNotifyKeyspaceEventsConfig(t *testing.T) {
	ctx := context.Background()
	srv := testserver.Start(t, "notify-keyspace-events KEA")
	c := srv.Client(t)
	if got := c.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]; got != "AKE" {
		t.Errorf("from the command line: %q, want AKE", got)
	}
	for _, tc := range []struct{ set, get string }{{"KEA", "AKE"}, {"Kg", "gK"}, {"KEAmn", "AKEm"}, {"mnd", "dnm"}, {"Ex", "xE"}, {"", ""}} {
		if err := c.ConfigSet(ctx, "notify-keyspace-events", tc.set).Err(); err != nil {
			t.Fatalf("set %q: %v", tc.set, err)
		}
		if got := c.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]; got != tc.get {
			t.Errorf("set %q: got %q, want %q", tc.set, got, tc.get)
		}
	}
	err := c.ConfigSet(ctx, "notify-keyspace-events", "K!").Err()
	want := "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	if err == nil || err.Error() != want {
		t.Errorf("K!: %v, want %s", err, want)
	}
}
