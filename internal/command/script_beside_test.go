package command_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/engine"
	"github.com/shoal-cache/shoal/internal/testserver"
)

// Scripts that have shown they are quick and touch only their KEYS run
// beside other commands, with their keys' shards locked instead of the
// node's gate (script_beside.go). These tests hold them to what a script
// promises: atomic, and run once.

// TestScriptBesideLocksItsKeys: a script that has shown it is quick and
// touches only its KEYS runs beside other commands. While one such run
// lasts (300 ms), a client on the other event loop is served at once for
// a key in another shard, and waits for a key of the script, whose final
// value it then reads: the script is atomic, and not alone.
func TestScriptBesideLocksItsKeys(t *testing.T) {
	const script = `redis.call('set', KEYS[1], 'started')
` + slowIfAsked + `
redis.call('set', KEYS[1], 'done')
return 1`
	b, key, slowRun := startSlowBesideRun(t, script, "", ":1\r\n")
	if got := b.Do("GET", key); got != "$4\r\ndone\r\n" {
		t.Fatalf("GET of the script's key while it ran: %q, want the value it ended with", got)
	}
	if got := slowRun(); got != ":1\r\n" {
		t.Fatalf("slow run: %q", got)
	}
}

// slowIfAsked makes a test script run 300 ms when ARGV[1] is "slow".
const slowIfAsked = `if ARGV[1] == 'slow' then
  local t0 = redis.call('time')
  repeat local t = redis.call('time') until (t[1] - t0[1]) * 1000000 + t[2] - t0[2] > 300000
end`

// startSlowBesideRun loads script on a node with two event loops and
// four shards, sets its key to before (unless empty), runs it until it
// runs beside other commands (each run replying warm), then starts a slow
// run from one loop and checks that a client on the other loop writes a
// key of another shard at once. It returns that client, the script's key
// and a function that reads the slow run's reply.
func startSlowBesideRun(t *testing.T, script, before, warm string) (*testserver.Raw, string, func() string) {
	t.Helper()
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no", "shards 4", "busy-reply-threshold 5000")
	a, b := srv.Raw(t), srv.Raw(t) // one on each event loop
	key, other := "{k}held", otherShardKey(t, "{k}held", 4)
	if before != "" {
		a.Do("SET", key, before)
	}
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", script), "$40\r\n"))
	for range warmRuns {
		if got := a.Do("EVALSHA", sha, "1", key, "fast"); got != warm {
			t.Fatalf("warm-up run: %q, want %q", got, warm)
		}
	}
	a.Send(evalshaCmd(sha, key, "slow"))
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if got := b.Do("SET", other, "x"); got != "+OK\r\n" {
		t.Fatalf("SET of a key in another shard: %q", got)
	}
	if took := time.Since(start); took > 150*time.Millisecond {
		t.Fatalf("a key in another shard waited %v for the script", took)
	}
	return b, key, a.ReadReply
}

// otherShardKey returns a key whose slot is in another of shards shards
// than key's.
func otherShardKey(t *testing.T, key string, shards int) string {
	t.Helper()
	for i := range 1000 {
		k := "other" + strconv.Itoa(i)
		if engine.SlotOf([]byte(k))%shards != engine.SlotOf([]byte(key))%shards {
			return k
		}
	}
	t.Fatal("no key in another shard")
	return ""
}

// TestScriptBesideUndeclaredKey: a script that touched only its KEYS for
// many runs then touches another key, before and after its first write:
// each run's writes happen once, and the replies are the script's.
func TestScriptBesideUndeclaredKey(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no")
	ctx := context.Background()
	rdb := srv.Client(t)
	const script = `if ARGV[1] == 'before' then redis.call('incr', ARGV[2]) end
local n = redis.call('incr', KEYS[1])
if ARGV[1] == 'after' then redis.call('incr', ARGV[2]) end
return n`
	sha, err := rdb.ScriptLoad(ctx, script).Result()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	run := func(argv ...any) {
		t.Helper()
		n++
		got, err := rdb.EvalSha(ctx, sha, []string{"counter"}, argv...).Int()
		if err != nil || got != n {
			t.Fatalf("run %d: %d, %v", n, got, err)
		}
	}
	for range warmRuns {
		run("none")
	}
	// Keys far apart in slots, so that some lie in another shard.
	others := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, k := range others {
		run("before", "before:"+k)
	}
	for range warmRuns {
		run("none")
	}
	for _, k := range others {
		run("after", "after:"+k)
	}
	for _, k := range others {
		for _, key := range []string{"before:" + k, "after:" + k} {
			if got, err := rdb.Get(ctx, key).Int(); err != nil || got != 1 {
				t.Fatalf("%s = %d, %v: want 1", key, got, err)
			}
		}
	}
}

// TestScriptBesideLogsWholeBlocks: scripts running beside each other on
// both event loops, each writing two keys, and INCRs from other clients,
// with the append-only log on: the node restarted from its log holds what
// it held (each script's writes went into the log as one MULTI ... EXEC
// block, which no other command's effect came into).
func TestScriptBesideLogsWholeBlocks(t *testing.T) {
	dir := t.TempDir()
	directives := []string{"dir " + dir, "appendonly yes", "io-threads 2", "io-threads-adaptive no", "save "}
	p := testserver.StartProcess(t, directives...)
	ctx := context.Background()
	const script = `redis.call('incr', KEYS[1])
for i = 1, 200 do end
return redis.call('incrby', KEYS[2], 2)`
	const clients, batches, batch = 4, 40, 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*clients)
	// pipelined sends batches of batch commands, which queue adds, on a
	// connection of its own.
	pipelined := func(queue func(pipe redis.Pipeliner, n int)) {
		defer wg.Done()
		c := redis.NewClient(&redis.Options{Addr: p.Addr, PoolSize: 1})
		defer c.Close()
		for b := range batches {
			pipe := c.Pipeline()
			for j := range batch {
				queue(pipe, b*batch+j)
			}
			if _, err := pipe.Exec(ctx); err != nil {
				errs <- err
				return
			}
		}
	}
	for i := range clients {
		wg.Add(2)
		go pipelined(func(pipe redis.Pipeliner, n int) {
			k := strconv.Itoa(i) + ":" + strconv.Itoa(n%7)
			pipe.Eval(ctx, script, []string{"a" + k, "b" + k})
		})
		go pipelined(func(pipe redis.Pipeliner, n int) {
			pipe.Incr(ctx, "c"+strconv.Itoa(i)+":"+strconv.Itoa(n%5))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	before, err := p.Client(t).Do(ctx, "DEBUG", "DIGEST").Text()
	if err != nil {
		t.Fatal(err)
	}
	p.Stop()
	q := testserver.StartProcess(t, directives...)
	c := q.Client(t)
	after, err := c.Do(ctx, "DEBUG", "DIGEST").Text()
	if err != nil || after != before {
		t.Fatalf("digest after restart from the log: %q, %v; before: %q\n%s", after, err, before, q.Log())
	}
	if n, err := c.Get(ctx, "b0:0").Int(); err != nil || n == 0 {
		t.Fatalf("b0:0 after restart: %d, %v", n, err)
	}
}

// TestScriptBesidePublishesOnce: a script beside others that published,
// and wrote nothing yet, then reaches a key it did not declare is not run
// again (the message would go out twice): the key is locked for it, and
// the subscriber gets one message.
func TestScriptBesidePublishesOnce(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no")
	ctx := context.Background()
	rdb := srv.Client(t)
	sub := rdb.Subscribe(ctx, "news")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	const script = `if ARGV[1] == 'tell' then
  redis.call('publish', 'news', 'n=' .. (redis.call('get', KEYS[1]) + 1))
  redis.call('set', ARGV[2], 'told')
end
return redis.call('incr', KEYS[1])`
	sha, err := rdb.ScriptLoad(ctx, script).Result()
	if err != nil {
		t.Fatal(err)
	}
	for range warmRuns {
		if err := rdb.EvalSha(ctx, sha, []string{"n"}, "quiet").Err(); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := rdb.EvalSha(ctx, sha, []string{"n"}, "tell", "undeclared").Int(); err != nil || got != warmRuns+1 {
		t.Fatalf("run that publishes: %d, %v", got, err)
	}
	msg, err := sub.ReceiveTimeout(ctx, time.Second)
	if m, ok := msg.(*redis.Message); err != nil || !ok || m.Payload != "n="+strconv.Itoa(warmRuns+1) {
		t.Fatalf("message: %v, %v", msg, err)
	}
	if msg, err := sub.ReceiveTimeout(ctx, 100*time.Millisecond); err == nil {
		t.Fatalf("a second message: %v", msg)
	}
	if got, _ := rdb.Get(ctx, "undeclared").Result(); got != "told" {
		t.Fatalf("undeclared = %q", got)
	}
}

// TestScriptBesideReadOnly: a script that only reads, shown quick and
// keeping to its KEYS, also runs beside other commands: while a run lasts
// (300 ms) a client on the other event loop writes a key of another
// shard at once, and its write to the script's key waits for the run,
// which read the value from before.
func TestScriptBesideReadOnly(t *testing.T) {
	const script = `local v = redis.call('get', KEYS[1])
` + slowIfAsked + `
return {v, redis.call('get', KEYS[1])}`
	const unchanged = "*2\r\n$6\r\nbefore\r\n$6\r\nbefore\r\n"
	b, key, slowRun := startSlowBesideRun(t, script, "before", unchanged)
	if got := b.Do("SET", key, "after"); got != "+OK\r\n" {
		t.Fatalf("SET of the script's key: %q", got)
	}
	if got := slowRun(); got != unchanged {
		t.Fatalf("slow run: %q: the write to its key came in while it ran", got)
	}
}

// TestScriptBesideCallsInfo: INFO locks every shard for its keyspace
// figures, so a script that calls it stays behind the gate; its runs end
// (they would wait forever on a shard the script itself holds).
func TestScriptBesideCallsInfo(t *testing.T) {
	srv := testserver.Start(t, "io-threads 2", "io-threads-adaptive no", "shards 4")
	ctx := context.Background()
	rdb := srv.Client(t)
	const script = `redis.call('info', 'keyspace')
return redis.call('incr', KEYS[1])`
	for i := 1; i <= warmRuns; i++ {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		got, err := rdb.Eval(c, script, []string{"n"}).Int()
		cancel()
		if err != nil || got != i {
			t.Fatalf("run %d: %d, %v", i, got, err)
		}
	}
}

// TestScriptBesideBusyWithScriptWaiting: a run beside others that loops
// past busy-reply-threshold while a script behind the gate waits for it
// is still the busy script: other clients are told BUSY, and SCRIPT KILL
// stops it, after which the waiting script runs.
func TestScriptBesideBusyWithScriptWaiting(t *testing.T) {
	srv := testserver.Start(t, "io-threads 3", "io-threads-adaptive no", "busy-reply-threshold 50")
	a, b, c := srv.Raw(t), srv.Raw(t), srv.Raw(t) // one on each event loop
	sha := strings.TrimSpace(strings.TrimPrefix(a.Do("SCRIPT", "LOAD", inlineScript), "$40\r\n"))
	warmInline(t, a, sha, 0)
	a.Send(evalshaCmd(sha, "n", "spin"))
	time.Sleep(10 * time.Millisecond)
	b.Send("*3\r\n$4\r\nEVAL\r\n$8\r\nreturn 7\r\n$1\r\n0\r\n") // waits for the gate
	waitBusy(t, c)
	start := time.Now()
	if got := c.Do("SCRIPT", "KILL"); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Fatalf("SCRIPT KILL took %v", took)
	}
	if got := a.ReadReply(); !strings.HasPrefix(got, "-ERR Script killed by user") {
		t.Fatalf("killed run: %q", got)
	}
	if got := b.ReadReply(); got != ":7\r\n" && got != "-"+scrBusy+"\r\n" {
		t.Fatalf("the script that waited: %q", got)
	}
	if got := c.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after: %q", got)
	}
}
