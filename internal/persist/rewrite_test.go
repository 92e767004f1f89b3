package persist_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// waitRewrite waits until no rewrite runs or is scheduled and returns
// INFO persistence.
func waitRewrite(t *testing.T, c *redis.Client) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		info := c.Info(ctx, "persistence").Val()
		if strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			return info
		}
		if time.Now().After(deadline) {
			t.Fatalf("the rewrite did not end:\n%s", info)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func logFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "appendonlydir"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestRewriteCompacts overwrites keys many times, rewrites the log and
// restarts: the log is a snapshot base and a new incremental file, the
// old files are gone, and the keyspace and the function libraries are
// back whole.
func TestRewriteCompacts(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "appendonly yes", "save ")
	c := a.Client(t)
	for round := range 10 {
		pipe := c.Pipeline()
		for i := range 500 {
			pipe.Set(ctx, fmt.Sprintf("k%d", i), fmt.Sprintf("round %d", round), 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c.HSet(ctx, "h", "f", "v")
	c.Set(ctx, "ttl", "v", time.Hour)
	lib := "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)"
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	before := keyspaceOf(t, a.Addr)
	sizeBefore := infoInt(c, "aof_current_size")

	if got := c.Do(ctx, "bgrewriteaof").Val(); got != "Background append only file rewriting started" {
		t.Fatalf("BGREWRITEAOF = %v", got)
	}
	info := waitRewrite(t, c)
	if !strings.Contains(info, "aof_last_bgrewrite_status:ok") || !strings.Contains(info, "aof_rewrites:1") {
		t.Fatalf("after the rewrite:\n%s", info)
	}
	if after := infoInt(c, "aof_current_size"); after >= sizeBefore/2 {
		t.Errorf("aof_current_size %d after the rewrite, %d before: not compacted", after, sizeBefore)
	}
	c.Set(ctx, "after", "rewrite", 0)
	a.Node.Stop()

	manifest, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	want := "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
	if string(manifest) != want {
		t.Errorf("manifest after the rewrite:\n%s\nwant\n%s", manifest, want)
	}
	if files := logFiles(t, dir); len(files) != 3 {
		t.Errorf("files after the rewrite: %v (old ones left behind?)", files)
	}

	b := testserver.Start(t, "dir "+dir, "appendonly yes", "save ")
	before["0/after"] = "string rewrite ttl=false"
	after := keyspaceOf(t, b.Addr)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %q before, %q after the restart", k, v, after[k])
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d keys after the restart, want %d", len(after), len(before))
	}
	if got, err := b.Client(t).FCall(ctx, "myfunc", nil, "hi").Result(); err != nil || got != "hi" {
		t.Errorf("the function library after rewrite and restart: %v, %v", got, err)
	}
}

func infoInt(c *redis.Client, field string) int64 {
	for _, line := range strings.Split(c.Info(ctx, "persistence").Val(), "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n
		}
	}
	return -1
}

// TestRewriteUnderWritesLosesNothing rewrites the log again and again
// while writers run, kills the node (SIGKILL, so some rewrite may be cut
// short) and restarts it: every acknowledged write is there, no INCR
// twice.
func TestRewriteUnderWritesLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	dir := t.TempDir()
	p := testserver.StartProcess(t, "dir "+dir, "appendonly yes", "appendfsync always", "save ")
	a := writeUntilDead(p, 8, 1<<40)
	admin := p.Client(t)
	rewrites := 0
	for start := time.Now(); time.Since(start) < 2*time.Second; {
		if err := admin.Do(ctx, "bgrewriteaof").Err(); err == nil {
			rewrites++
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.Kill()
	a.wait()
	keys, ctrs := a.snapshot()

	q := testserver.StartProcess(t, "dir "+dir, "appendonly yes", "save ")
	c := q.Client(t)
	missing := 0
	for k, v := range keys {
		if got, err := c.Get(ctx, k).Result(); err != nil || got != v {
			missing++
		}
	}
	for k, v := range ctrs {
		if got, _ := c.Get(ctx, k).Int64(); got < v || got > v+1 {
			t.Errorf("%s acknowledged at %d, after restart %d", k, v, got)
		}
	}
	t.Logf("%d rewrites started, %d acknowledged writes, %d missing after SIGKILL and restart", rewrites, a.n.Load(), missing)
	if missing > 0 || rewrites < 2 {
		t.Errorf("%d acknowledged writes missing; %d rewrites ran", missing, rewrites)
	}
}

// TestConfigSetAppendonly turns the log on at run time: it starts with a
// base holding the keys written before, and a restart with appendonly
// yes has them all. Turning it off stops the logging.
func TestConfigSetAppendonly(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "save ")
	c := a.Client(t)
	c.Set(ctx, "before", "1", 0)
	if err := c.ConfigSet(ctx, "appendonly", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.Info(ctx, "persistence").Val(), "aof_enabled:1") {
		if time.Now().After(deadline) {
			t.Fatal("aof_enabled did not turn 1")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.Set(ctx, "after", "2", 0)
	a.Node.Stop()

	b := testserver.Start(t, "dir "+dir, "appendonly yes", "save ")
	cb := b.Client(t)
	if got := cb.MGet(ctx, "before", "after").Val(); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("after turning the log on at run time and restarting: %v", got)
	}
	if err := cb.ConfigSet(ctx, "appendonly", "no").Err(); err != nil {
		t.Fatal(err)
	}
	for strings.Contains(cb.Info(ctx, "persistence").Val(), "aof_enabled:1") {
		time.Sleep(5 * time.Millisecond)
	}
	cb.Set(ctx, "unlogged", "3", 0)
	b.Node.Stop()
	d := testserver.Start(t, "dir "+dir, "appendonly yes", "save ")
	if n := d.Client(t).Exists(ctx, "unlogged").Val(); n != 0 {
		t.Error("a write made with appendonly no came back from the log")
	}
}

// TestAutoRewrite: past auto-aof-rewrite-min-size and the growth
// percentage, the log rewrites itself.
func TestAutoRewrite(t *testing.T) {
	dir := t.TempDir()
	a := testserver.Start(t, "dir "+dir, "appendonly yes", "save ", "auto-aof-rewrite-min-size 65536",
		"auto-aof-rewrite-percentage 100")
	c := a.Client(t)
	val := strings.Repeat("x", 1000)
	deadline := time.Now().Add(15 * time.Second)
	for infoInt(c, "aof_rewrites") < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no automatic rewrite; aof_current_size %d", infoInt(c, "aof_current_size"))
		}
		pipe := c.Pipeline()
		for i := range 100 {
			pipe.Set(ctx, fmt.Sprintf("k%d", i), val, 0)
		}
		pipe.Exec(ctx)
		time.Sleep(20 * time.Millisecond)
	}
}
