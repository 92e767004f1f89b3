package command_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/command"
	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// seedStrings stores key/value pairs straight into database db of srv's
// engine, with no TTL. SET belongs to another family; these tests should
// not depend on it.
func seedStrings(t testing.TB, srv *testserver.Server, db int, kv ...string) {
	t.Helper()
	seedStringsTTL(t, srv, db, 0, kv...)
}

// seedStringsTTL is seedStrings with an absolute expiry time (Unix ms).
func seedStringsTTL(t testing.TB, srv *testserver.Server, db int, expireAt int64, kv ...string) {
	t.Helper()
	if len(kv)%2 != 0 {
		t.Fatal("seedStrings: odd key/value list")
	}
	eng := srv.Node.Engine()
	txn := eng.NewTxn()
	for i := 0; i < len(kv); i += 2 {
		k := []byte(kv[i])
		v := txn.LockKey(eng.DB(db), k)
		v.Put(k, engine.NewString([]byte(kv[i+1])), expireAt)
		txn.Unlock()
	}
}

// cmdCase is one command and the reply redis-server 7.0 gives to it: want
// is what go-redis decodes (int64, string, []any, nil for a null), or err
// the exact error text.
type cmdCase struct {
	args []any
	want any
	err  string
}

func runCases(t *testing.T, c *redis.Client, cases []cmdCase) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range cases {
		got, err := c.Do(ctx, tc.args...).Result()
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: got (%#v, %v), want error %q", tc.args, got, err, tc.err)
			}
			continue
		}
		if errors.Is(err, redis.Nil) {
			got, err = nil, nil
		}
		if err != nil {
			t.Errorf("%v: unexpected error %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: got %#v, want %#v", tc.args, got, tc.want)
		}
	}
}

// bothProtocols runs fn against a fresh node with a RESP2 and then a
// RESP3 client.
func bothProtocols(t *testing.T, fn func(t *testing.T, srv *testserver.Server, c *redis.Client)) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			srv := testserver.Start(t)
			fn(t, srv, srv.ClientProto(t, proto))
		})
	}
}

func args(a ...any) []any { return a }

func TestDelExistsTouchType(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1", "b", "2", "c", "3", "d", "4")
		runCases(t, c, []cmdCase{
			{args: args("exists", "a", "a", "b", "x"), want: int64(3)},
			{args: args("exists", "x"), want: int64(0)},
			{args: args("touch", "a", "a", "x"), want: int64(2)},
			{args: args("type", "a"), want: "string"},
			{args: args("type", "x"), want: "none"},
			{args: args("del", "a", "a", "b", "x"), want: int64(2)},
			{args: args("del", "a"), want: int64(0)},
			{args: args("unlink", "c", "c", "x"), want: int64(1)},
			{args: args("exists", "a", "b", "c", "d"), want: int64(1)},
			{args: args("type", "a"), want: "none"},
			{args: args("del"), err: "ERR wrong number of arguments for 'del' command"},
			{args: args("unlink"), err: "ERR wrong number of arguments for 'unlink' command"},
			{args: args("exists"), err: "ERR wrong number of arguments for 'exists' command"},
			{args: args("touch"), err: "ERR wrong number of arguments for 'touch' command"},
			{args: args("type"), err: "ERR wrong number of arguments for 'type' command"},
			{args: args("type", "a", "b"), err: "ERR wrong number of arguments for 'type' command"},
		})
	})
}

// TestTypeIsStatus: TYPE replies with a status, not a bulk string.
func TestTypeIsStatus(t *testing.T) {
	srv := testserver.Start(t)
	seedStrings(t, srv, 0, "a", "1")
	r := srv.Raw(t)
	if got := r.Do("TYPE", "a"); got != "+string\r\n" {
		t.Errorf("TYPE a = %q", got)
	}
	if got := r.Do("TYPE", "nokey"); got != "+none\r\n" {
		t.Errorf("TYPE nokey = %q", got)
	}
}

// TestExistsDoesNotTouch: EXISTS and TYPE leave the access time alone,
// TOUCH updates it, as OBJECT IDLETIME shows.
func TestExistsDoesNotTouch(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	seedStrings(t, srv, 0, "src", "v")
	dump := c.Dump(ctx, "src").Val()
	if err := c.Do(ctx, "restore", "k", 0, dump, "idletime", 1000).Err(); err != nil {
		t.Fatal(err)
	}
	runCases(t, c, []cmdCase{
		{args: args("exists", "k"), want: int64(1)},
		{args: args("type", "k"), want: "string"},
		{args: args("ttl", "k"), want: int64(-1)},
	})
	// Idle time has a 1 s resolution: allow for a second boundary.
	if idle := c.ObjectIdleTime(ctx, "k").Val(); idle < 1000*time.Second || idle > 1001*time.Second {
		t.Errorf("idle time after EXISTS, TYPE, TTL = %v, want 1000s", idle)
	}
	c.Touch(ctx, "k")
	if idle := c.ObjectIdleTime(ctx, "k").Val(); idle > time.Second {
		t.Errorf("idle time after TOUCH = %v, want 0", idle)
	}
}

// dumpOf1 is redis-server 7.0's DUMP of the string "1".
const dumpOf1 = "\x00\xc0\x01\x0a\x00&x\xe7\xb6\xd1\x01\x11\xfc"

func TestRename(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1", "b", "2", "c", "3")
		runCases(t, c, []cmdCase{
			{args: args("rename", "nokey", "x"), err: "ERR no such key"},
			{args: args("rename", "nokey", "nokey"), err: "ERR no such key"},
			{args: args("renamenx", "nokey", "nokey"), err: "ERR no such key"},
			{args: args("rename", "a", "a"), want: "OK"},
			{args: args("renamenx", "a", "a"), want: int64(0)},
			{args: args("renamenx", "a", "b"), want: int64(0)},
			{args: args("pexpire", "a", 100000), want: int64(1)},
			{args: args("rename", "a", "b"), want: "OK"},
			{args: args("exists", "a"), want: int64(0)},
			{args: args("dump", "b"), want: dumpOf1},
			{args: args("renamenx", "b", "d"), want: int64(1)},
			{args: args("exists", "b", "d"), want: int64(1)},
			{args: args("rename", "c", "d"), want: "OK"},
			{args: args("ttl", "d"), want: int64(-1)},
			{args: args("rename", "a"), err: "ERR wrong number of arguments for 'rename' command"},
			{args: args("renamenx", "a", "b", "c"), err: "ERR wrong number of arguments for 'renamenx' command"},
		})
	})
}

// TestRenameKeepsTTL: the TTL moves with the value.
func TestRenameKeepsTTL(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	seedStrings(t, srv, 0, "a", "1", "b", "2")
	c.Do(ctx, "pexpireat", "a", 4102444800000)
	if err := c.Rename(ctx, "a", "b").Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.Do(ctx, "pexpiretime", "b").Val(); got != int64(4102444800000) {
		t.Errorf("PEXPIRETIME b = %v", got)
	}
	if got := c.Do(ctx, "pexpiretime", "a").Val(); got != int64(-2) {
		t.Errorf("PEXPIRETIME a = %v", got)
	}
}

func TestCopy(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "b", "hello")
		seedStrings(t, srv, 1, "b", "x")
		runCases(t, c, []cmdCase{
			{args: args("copy", "b", "b"), err: "ERR source and destination objects are the same"},
			{args: args("copy", "b", "b", "db", 0), err: "ERR source and destination objects are the same"},
			{args: args("copy", "nokey", "nokey"), err: "ERR source and destination objects are the same"},
			{args: args("copy", "b", "b", "db", 1), want: int64(0)},
			{args: args("copy", "b", "b", "db", 16), err: "ERR DB index is out of range"},
			{args: args("copy", "b", "b", "db", -1), err: "ERR DB index is out of range"},
			{args: args("copy", "b", "b", "db", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("copy", "b", "b", "db", "4294967296"), err: "ERR value is out of range, value must between -2147483648 and 2147483647"},
			{args: args("copy", "b", "c", "foo"), err: "ERR syntax error"},
			{args: args("copy", "b", "c", "db"), err: "ERR syntax error"},
			{args: args("copy", "nokey", "c"), want: int64(0)},
			{args: args("copy", "b", "c", "replace", "REPLACE"), want: int64(1)},
			{args: args("copy", "b", "c"), want: int64(0)},
			{args: args("copy", "b", "c", "replace"), want: int64(1)},
			{args: args("copy", "b", "c", "DB", 1, "replace"), want: int64(1)},
			{args: args("copy", "b", "c", "db", 1), want: int64(0)},
			{args: args("copy", "b", "b", "db", 1, "replace"), want: int64(1)},
			{args: args("copy", "b"), err: "ERR wrong number of arguments for 'copy' command"},
		})
		// Both databases now hold copies of db 0's "b".
		want := c.Dump(context.Background(), "b").Val()
		for _, db := range []int{0, 1} {
			for _, k := range []string{"b", "c"} {
				if got := srv.Node.Engine().DB(db); got.Size() != 2 {
					t.Errorf("db %d has %d keys", db, got.Size())
				}
				if got := dumpIn(t, srv, db, k); got != want {
					t.Errorf("db %d %s = %q, want %q", db, k, got, want)
				}
			}
		}
	})
}

// dumpIn returns DUMP key in database db.
func dumpIn(t *testing.T, srv *testserver.Server, db int, key string) string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, DB: db, DisableIdentity: true})
	defer c.Close()
	v, err := c.Dump(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("DUMP %s in db %d: %v", key, db, err)
	}
	return v
}

// TestCopyIsDeepAndKeepsTTL: the copy has the TTL and its own bytes.
func TestCopyIsDeepAndKeepsTTL(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	ctx := context.Background()
	seedStringsTTL(t, srv, 0, 4102444800000, "src", "value")
	if n := c.Copy(ctx, "src", "dst", 0, false).Val(); n != 1 {
		t.Fatalf("COPY = %d", n)
	}
	if got := c.Do(ctx, "pexpiretime", "dst").Val(); got != int64(4102444800000) {
		t.Errorf("PEXPIRETIME dst = %v", got)
	}
	eng := srv.Node.Engine()
	txn := eng.NewTxn()
	v := txn.LockKeys(eng.DB(0), [][]byte{[]byte("src"), []byte("dst")})
	src, dst := v.Peek([]byte("src")), v.Peek([]byte("dst"))
	dst.Str[0] = 'V'
	got := string(src.Str)
	txn.Unlock()
	if got != "value" {
		t.Errorf("changing the copy changed the source: %q", got)
	}
}

func TestMove(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		seedStrings(t, srv, 0, "a", "1", "b", "2")
		seedStrings(t, srv, 1, "b", "x")
		runCases(t, c, []cmdCase{
			{args: args("move", "a", 0), err: "ERR source and destination objects are the same"},
			{args: args("move", "a", 16), err: "ERR DB index is out of range"},
			{args: args("move", "a", -1), err: "ERR DB index is out of range"},
			{args: args("move", "a", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("move", "a", "4294967296"), err: "ERR value is out of range, value must between -2147483648 and 2147483647"},
			{args: args("move", "nokey", 1), want: int64(0)},
			{args: args("move", "b", 1), want: int64(0)},
			{args: args("pexpireat", "a", 4102444800000), want: int64(1)},
			{args: args("move", "a", 1), want: int64(1)},
			{args: args("exists", "a"), want: int64(0)},
			{args: args("move", "a", 1), want: int64(0)},
			{args: args("move", "a"), err: "ERR wrong number of arguments for 'move' command"},
		})
		c1 := redis.NewClient(&redis.Options{Addr: srv.Addr, DB: 1, DisableIdentity: true})
		defer c1.Close()
		runCases(t, c1, []cmdCase{
			{args: args("pexpiretime", "a"), want: int64(4102444800000)},
			{args: args("move", "a", 0), want: int64(1)},
			{args: args("exists", "a"), want: int64(0)},
		})
	})
}

func TestRandomKey(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		runCases(t, c, []cmdCase{
			{args: args("randomkey"), want: nil},
			{args: args("randomkey", "x"), err: "ERR wrong number of arguments for 'randomkey' command"},
		})
		seedStrings(t, srv, 0, "a", "1", "b", "2", "c", "3")
		seen := map[string]bool{}
		for range 200 {
			k, err := c.RandomKey(context.Background()).Result()
			if err != nil {
				t.Fatal(err)
			}
			seen[k] = true
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range seen {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"a", "b", "c"}) {
			t.Errorf("RANDOMKEY returned %v over 200 calls", keys)
		}
	})
}

// TestRandomKeyNull: an empty database answers a null of the protocol's
// kind.
func TestRandomKeyNull(t *testing.T) {
	srv := testserver.Start(t)
	r := srv.Raw(t)
	if got := r.Do("RANDOMKEY"); got != "$-1\r\n" {
		t.Errorf("RESP2 RANDOMKEY = %q", got)
	}
	r.Do("HELLO", "3")
	if got := r.Do("RANDOMKEY"); got != "_\r\n" {
		t.Errorf("RESP3 RANDOMKEY = %q", got)
	}
}

func TestWait(t *testing.T) {
	bothProtocols(t, func(t *testing.T, srv *testserver.Server, c *redis.Client) {
		runCases(t, c, []cmdCase{
			{args: args("wait", 0, 0), want: int64(0)},
			{args: args("wait", 1, 10), want: int64(0)},
			{args: args("wait", -1, 0), want: int64(0)},
			{args: args("wait", 1, "abc"), err: "ERR timeout is not an integer or out of range"},
			{args: args("wait", 1, "1.5"), err: "ERR timeout is not an integer or out of range"},
			{args: args("wait", "abc", "abc"), err: "ERR value is not an integer or out of range"},
			{args: args("wait", 0, -1), err: "ERR timeout is negative"},
			{args: args("wait", "9223372036854775808", 0), err: "ERR value is not an integer or out of range"},
			{args: args("wait"), err: "ERR wrong number of arguments for 'wait' command"},
		})
	})
}

// TestDelIsAtomic: DEL of many keys takes all their locks at once, so it
// never sees half of a group that another client writes as a whole.
func TestDelIsAtomic(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.Client(t)
	eng := srv.Node.Engine()
	var keys [][]byte
	var names []string
	for i := range 16 {
		k := fmt.Sprintf("group:%d", i) // spread over many slots and shards
		keys = append(keys, []byte(k))
		names = append(names, k)
	}
	writeGroup := func(txn *engine.Txn) {
		v := txn.LockKeys(eng.DB(0), keys)
		for _, k := range keys {
			v.Put(k, engine.NewString([]byte("v")), 0)
		}
		txn.Unlock()
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		txn := eng.NewTxn()
		for !stop.Load() {
			writeGroup(txn)
		}
	}()
	defer func() { stop.Store(true); wg.Wait() }()
	ctx := context.Background()
	for range 300 {
		n, err := c.Del(ctx, names...).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 && n != int64(len(keys)) {
			t.Fatalf("DEL deleted %d of a group of %d", n, len(keys))
		}
		e, err := c.Exists(ctx, names...).Result()
		if err != nil {
			t.Fatal(err)
		}
		if e != 0 && e != int64(len(keys)) {
			t.Fatalf("EXISTS saw %d of a group of %d", e, len(keys))
		}
	}
}

func TestKeyCommandSpecs(t *testing.T) {
	cases := []struct {
		name                    string
		arity, first, last, stp int
		flags                   []string
	}{
		{"del", -2, 1, -1, 1, []string{"write"}},
		{"unlink", -2, 1, -1, 1, []string{"write", "fast"}},
		{"exists", -2, 1, -1, 1, []string{"readonly", "fast"}},
		{"touch", -2, 1, -1, 1, []string{"readonly", "fast"}},
		{"type", 2, 1, 1, 1, []string{"readonly", "fast"}},
		{"expire", -3, 1, 1, 1, []string{"write", "fast"}},
		{"pexpireat", -3, 1, 1, 1, []string{"write", "fast"}},
		{"ttl", 2, 1, 1, 1, []string{"readonly", "fast"}},
		{"pexpiretime", 2, 1, 1, 1, []string{"readonly", "fast"}},
		{"persist", 2, 1, 1, 1, []string{"write", "fast"}},
		{"keys", 2, 0, 0, 0, []string{"readonly"}},
		{"scan", -2, 0, 0, 0, []string{"readonly"}},
		{"randomkey", 1, 0, 0, 0, []string{"readonly"}},
		{"rename", 3, 1, 2, 1, []string{"write"}},
		{"renamenx", 3, 1, 2, 1, []string{"write", "fast"}},
		{"copy", -3, 1, 2, 1, []string{"write", "denyoom"}},
		{"move", 3, 1, 1, 1, []string{"write", "fast"}},
		{"object", -2, 0, 0, 0, nil},
		{"dump", 2, 1, 1, 1, []string{"readonly"}},
		{"restore", -4, 1, 1, 1, []string{"write", "denyoom"}},
		{"wait", 3, 0, 0, 0, []string{"noscript"}},
	}
	tbl := command.NewTable()
	for _, tc := range cases {
		s := tbl.Lookup([]byte(tc.name))
		if s == nil {
			t.Errorf("%s: not in the command table", tc.name)
			continue
		}
		got := []int{s.Arity, s.FirstKey, s.LastKey, s.Step}
		if want := []int{tc.arity, tc.first, tc.last, tc.stp}; !slices.Equal(got, want) {
			t.Errorf("%s: arity/keys %v, want %v", tc.name, got, want)
		}
		if got := s.Flags.Names(); !slices.Equal(got, tc.flags) {
			t.Errorf("%s: flags %v, want %v", tc.name, got, tc.flags)
		}
		if s.Group != "generic" {
			t.Errorf("%s: group %q", tc.name, s.Group)
		}
	}
}

// TestRenameAndMoveTTLBookkeeping: a key renamed or moved with its TTL and
// then overwritten without one leaves no TTL behind, in INFO keyspace's
// expires count as in Redis (an entry must be indexed under one key at a
// time).
func TestRenameAndMoveTTLBookkeeping(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	// Several pairs, so that some cross shards.
	for _, p := range [][2]string{{"k7", "k3"}, {"a", "b"}, {"x1", "y2"}, {"{t}1", "{t}2"}} {
		for _, cmd := range [][]string{
			{"SET", p[0], "v", "EX", "3600"}, {"RENAME", p[0], p[1]}, {"SET", p[1], "w"},
			{"SET", p[0], "v", "EX", "3600"}, {"MOVE", p[0], "1"}, {"SELECT", "1"}, {"SET", p[0], "w"}, {"SELECT", "0"},
		} {
			r.Do(cmd...)
		}
	}
	got := r.Do("INFO", "keyspace")
	for _, want := range []string{"db0:keys=4,expires=0,", "db1:keys=4,expires=0,"} {
		if !strings.Contains(got, want) {
			t.Errorf("INFO keyspace = %q, want %q", got, want)
		}
	}
}
