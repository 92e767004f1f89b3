package command_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

func TestMemoryReplies(t *testing.T) {
	s := testserver.Start(t)
	srvPut(t, s, 0, 0, "foo")
	const (
		syntax = "-ERR syntax error\r\n"
		notInt = "-ERR value is not an integer or out of range\r\n"
	)
	help := "*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n" +
		"+    Return memory problems reports.\r\n+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n" +
		"+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n+STATS\r\n" +
		"+    Return information about the memory usage of the server.\r\n+USAGE <key> [SAMPLES <count>]\r\n" +
		"+    Return memory in bytes used by <key> and its value. Nested values are\r\n" +
		"+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n"
	srvCheck(t, s, []srvCase{
		{[]string{"MEMORY"}, "-ERR wrong number of arguments for 'memory' command\r\n", ""},
		{[]string{"MEMORY", "foo"}, "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n", ""},
		{[]string{"MEMORY", "USAGE"}, "-ERR wrong number of arguments for 'memory|usage' command\r\n", ""},
		{[]string{"MEMORY", "STATS", "x"}, "-ERR wrong number of arguments for 'memory|stats' command\r\n", ""},
		{[]string{"MEMORY", "DOCTOR", "x"}, "-ERR wrong number of arguments for 'memory|doctor' command\r\n", ""},
		{[]string{"MEMORY", "MALLOC-STATS", "x"}, "-ERR wrong number of arguments for 'memory|malloc-stats' command\r\n", ""},
		{[]string{"MEMORY", "PURGE", "x"}, "-ERR wrong number of arguments for 'memory|purge' command\r\n", ""},
		{[]string{"MEMORY", "HELP", "x"}, "-ERR wrong number of arguments for 'memory|help' command\r\n", ""},
		{[]string{"MEMORY", "USAGE", "nokey"}, "$-1\r\n", "_\r\n"},
		{[]string{"MEMORY", "USAGE", "foo", "samples"}, syntax, ""},
		{[]string{"MEMORY", "USAGE", "foo", "bar"}, syntax, ""},
		{[]string{"MEMORY", "USAGE", "foo", "SAMPLES", "-1"}, syntax, ""},
		{[]string{"MEMORY", "USAGE", "foo", "SAMPLES", "5", "x"}, syntax, ""},
		{[]string{"MEMORY", "USAGE", "foo", "samples", "x"}, notInt, ""},
		{[]string{"MEMORY", "USAGE", "foo", "samples", "99999999999999999999"}, notInt, ""},
		// Options are checked before the key is looked up.
		{[]string{"MEMORY", "USAGE", "nokey", "SAMPLES", "x"}, notInt, ""},
		{[]string{"MEMORY", "USAGE", "nokey", "SAMPLES", "0", "samples", "7"}, "$-1\r\n", "_\r\n"},
		{[]string{"MEMORY", "PURGE"}, "+OK\r\n", ""},
		{[]string{"memory", "help"}, help, ""},
		{[]string{"COMMAND", "GETKEYS", "MEMORY", "USAGE", "foo", "SAMPLES", "5"}, "*1\r\n$3\r\nfoo\r\n", ""},
	})
}

// TestMemoryUsage checks that MEMORY USAGE grows with the value, counts a
// TTL, ignores SAMPLES, leaves the keyspace counters alone, and agrees
// with the engine's accounting that used_memory and maxmemory rest on.
func TestMemoryUsage(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	rdb := s.Client(t)
	usage := func(key string, samples ...int) int64 {
		t.Helper()
		n, err := rdb.MemoryUsage(ctx, key, samples...).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE %s: %v", key, err)
		}
		return n
	}
	var last int64
	for _, size := range []int{1, 100, 1000, 10_000, 100_000} {
		key := fmt.Sprintf("v%d", size)
		rdb.Set(ctx, key, strings.Repeat("x", size), 0)
		n := usage(key)
		if n <= last || n < int64(size) || n > int64(size)+int64(size)/8+64 {
			t.Errorf("MEMORY USAGE of a %d-byte value = %d (previous size: %d)", size, n, last)
		}
		last = n
	}
	before := usage("v1000")
	if got := usage("v1000", 0); got != before {
		t.Errorf("SAMPLES 0 changed the size: %d, want %d", got, before)
	}
	rdb.Expire(ctx, "v1000", time.Hour)
	// A TTL adds its fields to the record (which may then need the next
	// size class) and its share of the expiry index: here the whole of it,
	// about 200 B (a bucket, and the first group of the map of buckets),
	// as it is the shard's only key with a TTL.
	if got := usage("v1000"); got <= before || got > before+before/8+256 {
		t.Errorf("with a TTL: %d, want a little more than %d", got, before)
	}
	stats, _ := rdb.Info(ctx, "stats").Result()
	if !strings.Contains(stats, "keyspace_hits:0\r\n") || !strings.Contains(stats, "keyspace_misses:0\r\n") {
		t.Errorf("MEMORY USAGE counted keyspace hits or misses:\n%s", stats)
	}

	// The sum of MEMORY USAGE over a load is what used_memory grew by.
	rdb.FlushAll(ctx)
	used0 := infoMemoryInt(t, rdb, "used_memory")
	const keys, size = 2000, 500
	pipe := rdb.Pipeline()
	for i := range keys {
		pipe.Set(ctx, fmt.Sprintf("key:%06d", i), strings.Repeat("v", size), 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for i := range keys {
		sum += usage(fmt.Sprintf("key:%06d", i))
	}
	grew := infoMemoryInt(t, rdb, "used_memory") - used0
	if r := float64(sum) / float64(grew); r < 0.9 || r > 1.1 {
		t.Errorf("MEMORY USAGE sums to %d B, used_memory grew by %d B (%.3f); want within 10 %%", sum, grew, r)
	}
	// MEMORY USAGE counts a key's share of its slot table as an average
	// word; the engine counts the tables themselves.
	if eng := s.Node.Engine().DatasetBytes(); float64(sum) < 0.9*float64(eng) || float64(sum) > 1.1*float64(eng) {
		t.Errorf("MEMORY USAGE sums to %d B, the engine accounts %d B", sum, eng)
	}
}

// infoMemoryInt reads an integer field of INFO memory.
func infoMemoryInt(t *testing.T, rdb *redis.Client, name string) int64 {
	t.Helper()
	m, err := rdb.InfoMap(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(m["Memory"][name], 10, 64)
	if err != nil {
		t.Fatalf("INFO memory %s: %v", name, err)
	}
	return n
}

// memoryStatsNames are MEMORY STATS's keys in Redis 7.0's order, with the
// db.N entries going where dbs stands; the allocator entries are the Go
// heap's.
var memoryStatsNames = []string{"peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
	"clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches", "functions.caches", "dbs",
	"overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes", "dataset.percentage", "peak.percentage",
	"allocator.allocated", "allocator.active", "allocator.resident", "allocator-fragmentation.ratio",
	"allocator-fragmentation.bytes", "allocator-rss.ratio", "allocator-rss.bytes", "rss-overhead.ratio",
	"rss-overhead.bytes", "fragmentation", "fragmentation.bytes"}

func TestMemoryStats(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	srvPut(t, s, 0, 0, "a", "b")
	srvPut(t, s, 0, time.Hour, "c")
	srvPut(t, s, 3, time.Hour, "x", "y")
	var want []string
	for _, n := range memoryStatsNames {
		if n == "dbs" {
			want = append(want, "db.0", "db.3")
		} else {
			want = append(want, n)
		}
	}
	// Each database's bookkeeping is the engine's: its index and record
	// headers for every key (at least a table word and a header each),
	// and the expiry index and TTL fields for keys with a TTL.
	eng := s.Node.Engine()
	main0, expires0 := eng.DB(0).Overhead()
	main3, expires3 := eng.DB(3).Overhead()
	if main0 < 3*16 || main3 < 2*16 || expires0 < 1*12 || expires3 < 2*12 || expires3 <= expires0 {
		t.Errorf("overheads: db0 %d+%d for 3 keys (1 with a TTL), db3 %d+%d for 2 keys with a TTL", main0, expires0, main3, expires3)
	}
	dbWant := map[string][]any{
		"db.0": {"overhead.hashtable.main", main0, "overhead.hashtable.expires", expires0,
			"overhead.hashtable.slot-to-keys", int64(0)},
		"db.3": {"overhead.hashtable.main", main3, "overhead.hashtable.expires", expires3,
			"overhead.hashtable.slot-to-keys", int64(0)},
	}

	// RESP2: a flat array, doubles as bulk strings, db.N as nested arrays.
	flat, err := s.Client2(t).Do(ctx, "MEMORY", "STATS").Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(flat) != 2*len(want) {
		t.Fatalf("MEMORY STATS has %d elements, want %d: %v", len(flat), 2*len(want), flat)
	}
	stats := map[string]any{}
	for i, name := range want {
		if flat[2*i] != name {
			t.Errorf("MEMORY STATS key %d = %v, want %q", i, flat[2*i], name)
		}
		stats[name] = flat[2*i+1]
	}
	for db, w := range dbWant {
		if fmt.Sprint(stats[db]) != fmt.Sprint(w) {
			t.Errorf("RESP2 %s = %v, want %v", db, stats[db], w)
		}
	}
	for _, name := range []string{"dataset.percentage", "peak.percentage", "fragmentation"} {
		v, ok := stats[name].(string)
		if _, err := strconv.ParseFloat(v, 64); !ok || err != nil {
			t.Errorf("RESP2 %s = %#v, want a bulk string holding a double", name, stats[name])
		}
	}
	n := func(name string) int64 {
		v, ok := stats[name].(int64)
		if !ok {
			t.Fatalf("%s = %#v, want an integer", name, stats[name])
		}
		return v
	}
	if n("keys.count") != 5 || n("total.allocated") != eng.UsedMemory() || n("startup.allocated") != eng.BaselineMemory() ||
		n("peak.allocated") < n("total.allocated") || n("overhead.total")+n("dataset.bytes") != n("total.allocated") ||
		n("keys.bytes-per-key") != (n("total.allocated")-n("startup.allocated"))/5 || n("clients.normal") <= 0 ||
		n("allocator.allocated") <= 0 || n("allocator.active") < n("allocator.allocated") ||
		n("allocator-fragmentation.bytes") != n("allocator.active")-n("allocator.allocated") {
		t.Errorf("MEMORY STATS figures do not add up: %v", stats)
	}
	for _, name := range []string{"replication.backlog", "clients.slaves", "cluster.links", "aof.buffer", "lua.caches", "functions.caches"} {
		if n(name) != 0 {
			t.Errorf("%s = %d, want 0", name, n(name))
		}
	}

	// RESP3: a map, doubles as doubles, db.N as nested maps.
	m, err := s.Client(t).Do(ctx, "MEMORY", "STATS").Result()
	if err != nil {
		t.Fatal(err)
	}
	mm, ok := m.(map[any]any)
	if !ok || len(mm) != len(want) {
		t.Fatalf("RESP3 MEMORY STATS = %#v, want a map of %d", m, len(want))
	}
	if db0, ok := mm["db.0"].(map[any]any); !ok || db0["overhead.hashtable.main"] != main0 {
		t.Errorf("RESP3 db.0 = %#v, want a map", mm["db.0"])
	}
	for _, name := range []string{"dataset.percentage", "peak.percentage", "fragmentation"} {
		if _, ok := mm[name].(float64); !ok {
			t.Errorf("RESP3 %s = %#v, want a double", name, mm[name])
		}
	}
	if p := mm["peak.percentage"].(float64); p <= 0 || p > 100 {
		t.Errorf("peak.percentage = %v", p)
	}
}

// TestMemoryDoctorEmpty runs its node in a process of its own:
// used_memory starts from the heap in use when the node is built, which
// in this test binary holds what earlier tests left.
func TestMemoryDoctorEmpty(t *testing.T) {
	p := testserver.StartProcess(t)
	const text = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
		"Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: p.Addr, Protocol: proto})
		defer c.Close()
		ctx := context.Background()
		if err := c.Set(ctx, "a", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Do(ctx, "MEMORY", "DOCTOR").Text(); err != nil || got != text {
			t.Errorf("RESP%d MEMORY DOCTOR = %q, %v; want %q", proto, got, err, text)
		}
	}
}

func TestMemoryMallocStats(t *testing.T) {
	s := testserver.Start(t)
	r := s.Raw(t)
	r.Do("HELLO", "3")
	got := r.Do("MEMORY", "MALLOC-STATS")
	if !regexp.MustCompile(`^=\d+\r\ntxt:___ Begin Go runtime memory statistics ___\n`).MatchString(got) ||
		!regexp.MustCompile(`\nnum_gc: +\d+ `).MatchString(got) || !strings.HasSuffix(got, "--- End Go runtime memory statistics ---\n\r\n") {
		t.Errorf("MEMORY MALLOC-STATS = %q", got)
	}
}

func TestInfoMemory(t *testing.T) {
	s := testserver.Start(t)
	rdb := s.Client(t)
	ctx := context.Background()
	rdb.Set(ctx, "k", strings.Repeat("v", 5000), 0)
	if err := rdb.ConfigSet(ctx, "maxmemory", "100mb").Err(); err != nil {
		t.Fatal(err)
	}
	rdb.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru")
	info := srvInfo(t, s.Raw(t), "memory")
	human := `^\d+(B|\.\d\d[KMGTP])$`
	formats := map[string]string{
		"used_memory": `^\d+$`, "used_memory_human": human, "used_memory_rss": `^\d+$`, "used_memory_rss_human": human,
		"used_memory_peak": `^\d+$`, "used_memory_peak_human": human, "used_memory_peak_perc": `^\d+\.\d\d%$`,
		"used_memory_overhead": `^\d+$`, "used_memory_startup": `^\d+$`, "used_memory_dataset": `^\d+$`,
		"used_memory_dataset_perc": `^\d+\.\d\d%$`, "maxmemory": `^104857600$`, "maxmemory_human": `^100\.00M$`,
		"maxmemory_policy": `^allkeys-lru$`, "mem_fragmentation_ratio": `^\d+\.\d\d$`, "mem_fragmentation_bytes": `^-?\d+$`,
		"mem_clients_normal": `^[1-9]\d*$`, "used_memory_lua_human": `^0B$`, "mem_allocator": `^go-`,
	}
	for name, re := range formats {
		if v := srvInfoField(info, name); !regexp.MustCompile(re).MatchString(v) {
			t.Errorf("%s = %q, want %s", name, v, re)
		}
	}
	used, overhead := srvInfoInt(t, info, "used_memory"), srvInfoInt(t, info, "used_memory_overhead")
	if dataset := srvInfoInt(t, info, "used_memory_dataset"); overhead+dataset != used || dataset < 5000 {
		t.Errorf("used_memory %d, overhead %d, dataset %d: want dataset ≥ 5000 and overhead + dataset = used", used, overhead, dataset)
	}
	if rss, frag := srvInfoInt(t, info, "used_memory_rss"), srvInfoInt(t, info, "mem_fragmentation_bytes"); rss-used != frag {
		t.Errorf("rss %d - used %d != fragmentation bytes %d", rss, used, frag)
	}
}
