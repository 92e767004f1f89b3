package persist_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

var ctx = context.Background()

// keyspaceOf reads every key of databases 0-2 in a form that does not
// depend on encodings or hash order: what a client would see.
func keyspaceOf(t *testing.T, addr string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db := range 3 {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: db, DisableIdentity: true, Protocol: 2})
		defer c.Close()
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			typ := c.Type(ctx, k).Val()
			var val string
			switch typ {
			case "string":
				val = c.Get(ctx, k).Val()
			case "list":
				val = strings.Join(c.LRange(ctx, k, 0, -1).Val(), ",")
			case "set":
				m := c.SMembers(ctx, k).Val()
				slices.Sort(m)
				val = strings.Join(m, ",")
			case "hash":
				var pairs []string
				for f, v := range c.HGetAll(ctx, k).Val() {
					pairs = append(pairs, f+"="+v)
				}
				slices.Sort(pairs)
				val = strings.Join(pairs, ",")
			case "zset":
				for _, z := range c.ZRangeWithScores(ctx, k, 0, -1).Val() {
					val += fmt.Sprintf("%v:%v,", z.Member, z.Score)
				}
			}
			ttl := c.PTTL(ctx, k).Val()
			hasTTL := ttl > 0
			out[fmt.Sprintf("%d/%s", db, k)] = fmt.Sprintf("%s %s ttl=%v", typ, val, hasTTL)
		}
	}
	return out
}

// TestRestartReplaysEffects runs commands of every family, including the
// ones whose effect is not their text (relative TTLs, SPOP, INCRBYFLOAT,
// scripts, transactions, blocking pops), stops the node and starts
// another on the same directory: it must see the same keyspace.
func TestRestartReplaysEffects(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "appendonly yes")
	c := a.Client2(t)
	script := "redis.call('set', KEYS[1], ARGV[1]); redis.call('incr', KEYS[2]); return 1"
	cmds := [][]any{
		{"set", "s1", "v1"},
		{"set", "s2", "v2", "ex", "1000"},
		{"setex", "s3", "1000", "v3"},
		{"psetex", "s4", "100000", "v4"},
		{"set", "gone", "x", "px", "1"},
		{"incr", "n"}, {"incrby", "n", "41"},
		{"incrbyfloat", "f", "0.1"}, {"incrbyfloat", "f", "0.2"},
		{"append", "s1", "-more"}, {"setrange", "s1", "0", "V"},
		{"expire", "s1", "500"}, {"persist", "s1"},
		{"expire", "n", "-1"}, // deletes
		{"getex", "s3", "persist"},
		{"rpush", "l", "a", "b", "c", "d"}, {"lpop", "l"}, {"lset", "l", "0", "B"},
		{"sadd", "set", "1", "2", "3", "4", "5", "6"}, {"spop", "set"}, {"spop", "set", "2"},
		{"hset", "h", "a", "1", "b", "2"}, {"hincrbyfloat", "h", "a", "1.5"}, {"hdel", "h", "b"},
		{"zadd", "z", "1", "a", "2", "b", "3", "c"}, {"zincrby", "z", "5", "a"}, {"zpopmin", "z"},
		{"eval", script, "2", "es", "ec", "val"},
		{"select", "1"}, {"set", "db1", "one"}, {"move", "db1", "2"}, {"select", "0"},
		{"copy", "s2", "s2copy"}, {"rename", "s4", "s4new"},
		{"restore", "r", "100000", "\x00\x03abc\n\x00\xd9\xac0=Ar\xa2\xe2"},
		{"swapdb", "1", "2"},
	}
	for _, cmd := range cmds {
		if err := c.Do(ctx, cmd...).Err(); err != nil && err != redis.Nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	// A transaction and a blocking pop served by a push.
	pipe := c.TxPipeline()
	pipe.Set(ctx, "tx1", "1", 0)
	pipe.Expire(ctx, "tx1", time.Hour)
	pipe.LPush(ctx, "tl", "x")
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	popped := make(chan error, 1)
	go func() {
		b := a.Client2(t)
		popped <- b.BLPop(ctx, 10*time.Second, "bl").Err()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(c.ClientList(ctx).Val(), "cmd=blpop") {
		if time.Now().After(deadline) {
			t.Fatal("BLPOP did not block")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.RPush(ctx, "bl", "p1", "p2")
	if err := <-popped; err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // "gone" expires
	c.Get(ctx, "gone")

	before := keyspaceOf(t, a.Addr)
	if _, ok := before["0/gone"]; ok {
		t.Fatal("gone did not expire")
	}
	a.Node.Stop()

	b := testserver.Start(t, "dir "+dir, "appendonly yes")
	after := keyspaceOf(t, b.Addr)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: before restart %q, after %q", k, v, after[k])
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s appeared after restart: %q", k, v)
		}
	}
	if len(before) < 15 {
		t.Fatalf("only %d keys: the test wrote less than it meant to", len(before))
	}
}

// TestRelativeTTLIsLoggedAbsolute checks the log itself: a replay later
// must not extend a TTL.
func TestRelativeTTLIsLoggedAbsolute(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "appendonly yes")
	c := a.Client(t)
	c.Set(ctx, "k", "v", time.Hour)
	c.Expire(ctx, "k", 2*time.Hour)
	a.Node.Stop()
	data, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{"PXAT", "PEXPIREAT"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%q", want, log)
		}
	}
	if strings.Contains(strings.ToLower(log), "expire\r\n") {
		t.Errorf("log holds a relative EXPIRE:\n%q", log)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(manifest); got != "file appendonly.aof.1.incr.aof seq 1 type i\n" {
		t.Errorf("manifest = %q", got)
	}
}

// TestExpiryIsLoggedAsDel: a key the engine expires by itself leaves the
// log as DEL, so that a log replayed later does not hold it.
func TestExpiryIsLoggedAsDel(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "appendonly yes", "hz 100")
	c := a.Client(t)
	c.Set(ctx, "short", "v", 20*time.Millisecond)
	if got := c.Info(ctx, "persistence").Val(); !strings.Contains(got, "aof_enabled:1") {
		t.Errorf("INFO persistence with appendonly yes:\n%s", got)
	}
	deadline := time.Now().Add(3 * time.Second)
	for c.DBSize(ctx).Val() != 0 || a.Node.Engine().Stats().ExpiredKeys == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the key did not expire")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.Node.Stop()
	data, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "*2\r\n$3\r\nDEL\r\n$5\r\nshort\r\n") {
		t.Errorf("the log lacks the expiry's DEL:\n%q", data)
	}
}
