package command_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/shoal-cache/shoal/internal/testserver"
)

// How scripts run: atomically with respect to every other client, the
// common cache scripts under concurrency, their writes seen by WATCH and
// blocked clients, and busy scripts told apart and killed.

// tokenBucket takes ARGV[3] tokens from the bucket in KEYS[1] (tokens
// left) and KEYS[2] (when it was last refilled), refilling ARGV[2] tokens
// a second up to ARGV[1]; ARGV[4] is the time now in ms. It replies
// {allowed (1 or 0), tokens left}.
const tokenBucket = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local requested = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local tokens = tonumber(redis.call('get', KEYS[1]) or capacity)
local last = tonumber(redis.call('get', KEYS[2]) or now)
tokens = math.min(capacity, tokens + (now - last) * rate / 1000)
local allowed = 0
if tokens >= requested then
  tokens = tokens - requested
  allowed = 1
end
redis.call('set', KEYS[1], tokens)
redis.call('set', KEYS[2], now)
return {allowed, tokens}
`

// releaseLock deletes the lock KEYS[1] only if it still holds the
// owner's token ARGV[1].
const releaseLock = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
`

// TestScriptRateLimiter runs a token bucket of 20 tokens from 8 clients
// at once: at a fixed time exactly 20 requests pass, whatever the
// interleaving, and half a second later the bucket refilled by 5.
func TestScriptRateLimiter(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	script := redis.NewScript(tokenBucket)
	keys := []string{"bucket:tokens", "bucket:ts"}
	take := func(c *redis.Client, now int) int64 {
		res, err := script.Run(ctx, c, keys, 20, 10, 1, now).Int64Slice()
		if err != nil {
			t.Error(err)
			return 0
		}
		return res[0]
	}
	var allowed sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for i := range 8 {
		c := srv.ClientProto(t, 2+i%2)
		allowed.Add(1)
		go func() {
			defer allowed.Done()
			for range 10 {
				n := take(c, 1_000_000)
				mu.Lock()
				passed += int(n)
				mu.Unlock()
			}
		}()
	}
	allowed.Wait()
	if passed != 20 {
		t.Fatalf("%d of 80 requests passed a bucket of 20", passed)
	}
	c := srv.Client(t)
	later := 0
	for range 10 {
		later += int(take(c, 1_000_500))
	}
	if later != 5 {
		t.Fatalf("after 500 ms at 10 tokens/s, %d requests passed, want 5", later)
	}
}

// TestScriptLockRelease: workers take a lock with SET NX PX, do an
// unprotected read-modify-write of a counter under it, and release it
// with the owner-checking script. No update is lost, and a release with
// another owner's token leaves the lock alone.
func TestScriptLockRelease(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	release := redis.NewScript(releaseLock)
	const workers, rounds = 6, 25
	var wg sync.WaitGroup
	for w := range workers {
		c := srv.Client(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				token := strconv.Itoa(w) + ":" + strconv.Itoa(r)
				for !c.SetNX(ctx, "lock", token, 10*time.Second).Val() {
					time.Sleep(50 * time.Microsecond)
				}
				n, _ := c.Get(ctx, "counter").Int()
				c.Set(ctx, "counter", n+1, 0)
				if got, err := release.Run(ctx, c, []string{"lock"}, token).Int(); err != nil || got != 1 {
					t.Errorf("release by the owner: %d, %v", got, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c := srv.Client(t)
	if n, _ := c.Get(ctx, "counter").Int(); n != workers*rounds {
		t.Fatalf("counter %d, want %d", n, workers*rounds)
	}
	c.Set(ctx, "lock", "owner", 0)
	if got, _ := release.Run(ctx, c, []string{"lock"}, "intruder").Int(); got != 0 {
		t.Fatalf("release by another token: %d, want 0", got)
	}
	if c.Get(ctx, "lock").Val() != "owner" {
		t.Fatal("a release with the wrong token deleted the lock")
	}
}

// TestScriptIsAtomic: scripts that read and write two keys run with no
// other command between their steps, against plain commands on the same
// keys from other clients.
func TestScriptIsAtomic(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	const moveOne = `
local a = tonumber(redis.call('get', KEYS[1]))
local b = tonumber(redis.call('get', KEYS[2]))
redis.call('set', KEYS[1], a - 1)
redis.call('set', KEYS[2], b + 1)
return a + b`
	c := srv.Client(t)
	c.MSet(ctx, "a", 1000, "b", 0)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		r := srv.Client(t)
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				vals, err := r.MGet(ctx, "a", "b").Result()
				if err != nil {
					t.Error(err)
					return
				}
				a, _ := strconv.Atoi(vals[0].(string))
				b, _ := strconv.Atoi(vals[1].(string))
				if a+b != 1000 {
					t.Errorf("saw a=%d b=%d between a script's steps", a, b)
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for range 4 {
		w := srv.Client(t)
		writers.Add(1)
		go func() {
			defer writers.Done()
			for range 100 {
				if sum, err := w.Eval(ctx, moveOne, []string{"a", "b"}).Int(); err != nil || sum != 1000 {
					t.Errorf("script saw a+b=%d (%v)", sum, err)
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	if a, b := c.Get(ctx, "a").Val(), c.Get(ctx, "b").Val(); a != "600" || b != "400" {
		t.Fatalf("a=%s b=%s, want 600 and 400", a, b)
	}
}

// TestScriptWritesWakeAndWatch: a script's push serves a client blocked
// on the list, and its write breaks another client's WATCH.
func TestScriptWritesWakeAndWatch(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	blocked := srv.Client(t)
	got := make(chan []string, 1)
	go func() {
		res, err := blocked.BLPop(ctx, 5*time.Second, "queue").Result()
		if err != nil {
			t.Error(err)
		}
		got <- res
	}()
	c := srv.Client(t)
	waitScript(t, func() bool { return strings.Contains(c.Info(ctx, "clients").Val(), "blocked_clients:1") })
	if err := c.Eval(ctx, "return redis.call('rpush', KEYS[1], ARGV[1])", []string{"queue"}, "job").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case res := <-got:
		if strings.Join(res, " ") != "queue job" {
			t.Fatalf("BLPOP got %q", res)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the script's RPUSH did not serve the blocked client")
	}

	watcher := srv.Client(t)
	err := watcher.Watch(ctx, func(tx *redis.Tx) error {
		c.Eval(ctx, "return redis.call('set', KEYS[1], 'changed')", []string{"watched"})
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "watched", "mine", 0)
			return nil
		})
		return err
	}, "watched")
	if !errors.Is(err, redis.TxFailedErr) {
		t.Fatalf("EXEC after a script changed the watched key: %v, want a failed transaction", err)
	}
}

// TestScriptErrorStats checks INFO errorstats and commandstats after
// scripts fail, as redis-server 7.0 counts them: an error a command in the
// script replied counts once, whether the script raised it or returned
// it, and makes EVAL's call failed.
func TestScriptErrorStats(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	c.Set(ctx, "s", "x", 0)
	for _, step := range []struct {
		script string
		stats  []string // lines INFO errorstats and commandstats must hold
	}{
		{"return redis.call('lpush','s','x')", []string{"errorstat_WRONGTYPE:count=1", "cmdstat_lpush:calls=1,", "rejected_calls=0,failed_calls=1", "cmdstat_eval:calls=1,"}},
		{"return redis.pcall('lpush','s','x')", []string{"errorstat_WRONGTYPE:count=1", "cmdstat_eval:calls=1,"}},
		{"return redis.call('nosuch')", []string{"errorstat_ERR:count=1"}},
		{"error('x')", []string{"errorstat_ERR:count=1"}},
		{"return {err='FOO bar'}", []string{"errorstat_FOO:count=1"}},
	} {
		c.ConfigResetStat(ctx)
		c.Eval(ctx, step.script, nil)
		info := c.Info(ctx, "errorstats", "commandstats").Val()
		for _, want := range step.stats {
			if !strings.Contains(info, want) {
				t.Errorf("after %q INFO lacks %q:\n%s", step.script, want, info)
			}
		}
		if evalLine := infoLine(info, "cmdstat_eval:"); !strings.HasSuffix(evalLine, "failed_calls=1") {
			t.Errorf("after %q: %s, want EVAL failed", step.script, evalLine)
		}
	}
}

func infoLine(info, prefix string) string {
	for _, l := range strings.Split(info, "\r\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// runBusy sets busy-reply-threshold to 100 ms through admin, has looper
// EVAL script (one that never ends) and returns once admin is told BUSY;
// the script's reply comes on the channel.
func runBusy(t *testing.T, admin, looper *redis.Client, script string) <-chan error {
	t.Helper()
	ctx := context.Background()
	if err := admin.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	loopErr := make(chan error, 1)
	go func() { loopErr <- looper.Eval(ctx, script, nil).Err() }()
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == scrBusy })
	return loopErr
}

// waitScript polls cond for up to 3 s.
func waitScript(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const (
	scrBusy   = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	scrKilled = "ERR Script killed by user with SCRIPT KILL... script: 694a5fe1ddb97a4c6a1bf299d9537c7d3d0f84e7, on @user_script:1."
)

// TestScriptKill runs a script that never ends with busy-reply-threshold
// at 100 ms: until then other clients wait; past it every client (some on
// the looping script's event loop) gets BUSY but for the commands Redis
// allows, a transaction is aborted, and SCRIPT KILL stops the script,
// whose caller gets Redis's error; then everyone is served again.
func TestScriptKill(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	looper := srv.Client(t)
	others := make([]*redis.Client, 4)
	for i := range others {
		others[i] = srv.Client(t)
	}
	raw := srv.Raw(t)
	loopErr := runBusy(t, admin, looper, "while true do end")
	for i, c := range others {
		if got := redisErr(c.Get(ctx, "k").Err()); got != scrBusy {
			t.Errorf("client %d GET while busy: %q", i, got)
		}
	}
	for _, step := range []struct{ cmd, want string }{
		{"MULTI", "+OK\r\n"},
		{"SET k v", "-" + scrBusy + "\r\n"},
		{"EXEC", "-EXECABORT Transaction discarded because of: " + scrBusy + "\r\n"},
		{"SHUTDOWN", "-" + scrBusy + "\r\n"},
	} {
		if got := raw.Do(strings.Fields(step.cmd)...); got != step.want {
			t.Errorf("%s while busy: %q, want %q", step.cmd, got, step.want)
		}
	}
	if err := admin.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	select {
	case err := <-loopErr:
		if redisErr(err) != scrKilled {
			t.Fatalf("killed script's reply: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the script did not stop")
	}
	for i, c := range append(others, looper, admin) {
		if got, err := c.Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Errorf("client %d after the kill: %q %v", i, got, err)
		}
	}
	if got := redisErr(admin.ScriptKill(ctx).Err()); got != "NOTBUSY No scripts in execution right now." {
		t.Fatalf("SCRIPT KILL with no script: %q", got)
	}
}

// TestScriptUnkillable: a busy script that wrote cannot be killed; it runs
// to its end and replies, and meanwhile others get BUSY.
func TestScriptUnkillable(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	admin.ConfigSet(ctx, "busy-reply-threshold", "50")
	const writeThenSpin = `
redis.call('set', KEYS[1], 'written')
local t = redis.call('time')
local start = t[1] * 1000000 + t[2]
repeat
  t = redis.call('time')
until t[1] * 1000000 + t[2] - start > 1000000
return 'done'`
	c := srv.Client(t)
	done := make(chan string, 1)
	go func() { s, _ := c.Eval(ctx, writeThenSpin, []string{"w"}).Text(); done <- s }()
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == scrBusy })
	want := "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	if got := redisErr(admin.ScriptKill(ctx).Err()); got != want {
		t.Fatalf("SCRIPT KILL of a script that wrote: %q", got)
	}
	select {
	case got := <-done:
		if got != "done" {
			t.Fatalf("script replied %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the script did not end")
	}
	if got := admin.Get(ctx, "w").Val(); got != "written" {
		t.Fatalf("w = %q", got)
	}
}

// redisErr is an error's text, "" for none.
func redisErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// BenchmarkEvalSHA runs a one-GET script by its SHA1, 16 to a pipeline,
// from 4 clients.
func BenchmarkEvalSHA(b *testing.B) {
	srv := testserver.Start(b)
	ctx := context.Background()
	c := srv.Client(b)
	c.Set(ctx, "foo", "bar", 0)
	sha := c.ScriptLoad(ctx, "return redis.call('get', KEYS[1])").Val()
	b.SetParallelism(2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for range 16 {
					p.EvalSha(ctx, sha, []string{"foo"})
				}
				return nil
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// TestScriptCallerGone: the client of a busy script disconnects; the
// script can still be killed, and the node serves everyone after it.
func TestScriptCallerGone(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	admin.ConfigSet(ctx, "busy-reply-threshold", "50")
	raw := srv.Raw(t)
	raw.Send("*3\r\n$4\r\nEVAL\r\n$17\r\nwhile true do end\r\n$1\r\n0\r\n")
	waitScript(t, func() bool { return redisErr(admin.Ping(ctx).Err()) == scrBusy })
	raw.Conn.Close()
	if err := admin.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	waitScript(t, func() bool { return admin.Ping(ctx).Err() == nil })
	if got, err := admin.Eval(ctx, "return redis.call('set', KEYS[1], 'after')", []string{"k"}).Result(); err != nil || got != "OK" {
		t.Fatalf("a script after: %v %v", got, err)
	}
}

// TestScriptRerunFromStart: scripts start on their client's event loop
// and, when they write or run long, run again from their start on a
// goroutine of their own; nothing of the first start shows. math.random
// gives Redis's sequence from a fresh node (397, 841, 354, 447 for
// math.random(1000)) whether or not a script was run again.
func TestScriptRerunFromStart(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	c := srv.Client(t)
	const drawAndWrite = `
local before = redis.call('get', KEYS[1])
local n = math.random(1000)
redis.log(redis.LOG_NOTICE, 'drew', n)
redis.call('set', KEYS[1], n)
return {before or 'none', tostring(n)}`
	for i, want := range []string{"none 397", "397 841"} {
		res, err := c.Eval(ctx, drawAndWrite, []string{"drawn"}).StringSlice()
		if err != nil || strings.Join(res, " ") != want {
			t.Fatalf("run %d: %q %v, want %q", i, res, err, want)
		}
	}
	if got, _ := c.Eval(ctx, "return math.random(1000)", nil).Int(); got != 354 {
		t.Fatalf("a read-only script drew %d, want 354", got)
	}
	const long = "local n = 0 for i = 1, 2000000 do n = n + 1 end return {n, math.random(1000)}"
	if res, err := c.Eval(ctx, long, nil).Int64Slice(); err != nil || res[0] != 2000000 || res[1] != 447 {
		t.Fatalf("a script past the first millisecond: %v %v", res, err)
	}
}

// TestScriptPublishesOnce: scripts start on the event loop and run again
// when they call a command with an effect; the subscriber gets each
// message once, whether the PUBLISH came before a write or after a read.
func TestScriptPublishesOnce(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	sub := srv.Client(t).Subscribe(ctx, "news")
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	c := srv.Client(t)
	scripts := []string{
		"redis.call('publish', 'news', ARGV[1]) return redis.call('incr', KEYS[1])",
		"return redis.call('get', 'nothing') or redis.call('publish', 'news', ARGV[1])",
	}
	var want []string
	for i := range 4 {
		msg := "message " + strconv.Itoa(i)
		want = append(want, msg)
		if err := c.Eval(ctx, scripts[i%2], []string{"n"}, msg).Err(); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for range want {
		msg, err := sub.ReceiveTimeout(ctx, 2*time.Second)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, msg.(*redis.Message).Payload)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("messages %q, want %q", got, want)
	}
	if msg, err := sub.ReceiveTimeout(ctx, 50*time.Millisecond); err == nil {
		t.Fatalf("one message more: %v", msg)
	}
}

// TestScriptCoroutineThenWrite: a script seen for the first time is
// attempted, and stopped and run again when it writes; one that made a
// coroutine before its write has the coroutine's context cancelled by the
// stop. The cancel must be done before the run starts again (it reads the
// run's error, which the restart clears): it crashed the server.
func TestScriptCoroutineThenWrite(t *testing.T) {
	s := testserver.Start(t)
	ctx := context.Background()
	c := s.Client(t)
	const runs = 1000
	for i := range runs {
		script := "local co = coroutine.create(function() end) redis.call('INCR', KEYS[1]) return " + strconv.Itoa(i)
		if n, err := c.Eval(ctx, script, []string{"n"}).Int(); err != nil || n != i {
			t.Fatalf("run %d: %d %v", i, n, err)
		}
	}
	if n := c.Get(ctx, "n").Val(); n != strconv.Itoa(runs) {
		t.Fatalf("n is %s after %d runs", n, runs)
	}
}

// TestScriptKillInCoroutine: a script looping inside a coroutine turns
// busy and is killed like any other (Lua's coroutines run under the
// script's limits), with Redis's error.
func TestScriptKillInCoroutine(t *testing.T) {
	srv := testserver.Start(t)
	ctx := context.Background()
	admin := srv.Client(t)
	loopErr := runBusy(t, admin, srv.Client(t), "coroutine.wrap(function() while true do end end)()")
	if err := admin.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	const want = "ERR Script killed by user with SCRIPT KILL... script: a32d4cbb154d5e749f99a8a4aa272b921bd624bf, on @user_script:1."
	select {
	case err := <-loopErr:
		if redisErr(err) != want {
			t.Fatalf("killed script's reply: %v, want %s", err, want)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the script did not stop")
	}
	if got, err := admin.Ping(ctx).Result(); err != nil || got != "PONG" {
		t.Errorf("PING after the kill: %q %v", got, err)
	}
}
