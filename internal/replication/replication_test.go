package replication_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// mixedLoad runs writers of every type against c for d: TTLs relative
// and absolute, random pops, float increments, scripts, transactions,
// expiries while it runs and, with maxmemory set, evictions.
func mixedLoad(t *testing.T, c *redis.Client, d time.Duration, workers int) {
	t.Helper()
	ctx := context.Background()
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; time.Now().Before(stop); i++ {
				k := func(p string) string { return key(p, rng.IntN(200)) }
				var err error
				switch rng.IntN(15) {
				case 0:
					err = c.Set(ctx, k("s"), strings.Repeat("v", rng.IntN(300)), time.Duration(rng.IntN(3))*time.Second).Err()
				case 1:
					err = c.Set(ctx, k("px"), i, time.Duration(1+rng.IntN(50))*time.Millisecond).Err()
				case 2:
					err = c.IncrByFloat(ctx, k("f"), rng.Float64()).Err()
				case 3:
					err = c.RPush(ctx, k("l"), i, "x", rng.IntN(1000)).Err()
				case 4:
					err = c.LPop(ctx, k("l")).Err()
				case 5:
					err = c.SAdd(ctx, k("set"), rng.IntN(50), "m"+fmt.Sprint(rng.IntN(50))).Err()
				case 6:
					err = c.SPop(ctx, k("set")).Err()
				case 7:
					err = c.HSet(ctx, k("h"), "f"+fmt.Sprint(rng.IntN(20)), i).Err()
				case 8:
					err = c.ZIncrBy(ctx, k("z"), rng.Float64()*10, "m"+fmt.Sprint(rng.IntN(30))).Err()
				case 9:
					err = c.Eval(ctx, "redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], math.random(1000)); return redis.call('SPOP', KEYS[3])",
						[]string{"{x}" + k("a"), "{x}" + k("b"), "{x}" + k("set")}).Err()
				case 10:
					_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.Incr(ctx, "{t}n")
						p.Expire(ctx, "{t}n", time.Duration(1+rng.IntN(3))*time.Second)
						p.ZPopMin(ctx, "{t}"+k("z"))
						return nil
					})
				case 11:
					err = c.PExpire(ctx, k("h"), time.Duration(1+rng.IntN(2000))*time.Millisecond).Err()
				case 12:
					err = c.Del(ctx, k("s"), k("l")).Err()
				case 13:
					err = c.SRandMemberN(ctx, k("set"), 3).Err()
				case 14: // fills memory: with maxmemory, evictions
					err = c.Set(ctx, key("big", rng.IntN(2000)), strings.Repeat("b", 8000), 0).Err()
				}
				if err != nil && !errors.Is(err, redis.Nil) && !strings.Contains(err.Error(), "WRONGTYPE") &&
					!strings.Contains(err.Error(), "OOM") && !strings.Contains(err.Error(), "not a valid float") {
					t.Errorf("write: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestReplicasFollowMixedLoad: a primary and two replicas under every
// kind of write, with evictions, end with equal digests; replicas refuse
// writes and report their role.
func TestReplicasFollowMixedLoad(t *testing.T) {
	p := start(t, "", "maxmemory 3mb", "maxmemory-policy allkeys-lru")
	p.c.Set(context.Background(), "before", "sync", 0)
	r1 := start(t, "", p.replicaOf())
	r2 := start(t, "", p.replicaOf())
	waitLinked(t, r1)
	// A slow machine (the race detector, other tests) may need more than
	// one round to fill maxmemory and see keys expire.
	for deadline := time.Now().Add(10 * time.Second); ; {
		mixedLoad(t, p.c, 1500*time.Millisecond, 4)
		if p.infoInt(t, "stats", "evicted_keys") > 0 && p.infoInt(t, "stats", "expired_keys") > 0 || time.Now().After(deadline) {
			break
		}
	}
	waitLinked(t, r2, p)
	waitCaughtUp(t, p, r1, r2)
	if p.infoInt(t, "stats", "evicted_keys") == 0 {
		t.Error("the load evicted nothing: the test does not cover evictions")
	}
	if p.infoInt(t, "stats", "expired_keys") == 0 {
		t.Error("nothing expired: the test does not cover expiry")
	}
	ctx := context.Background()
	if err := r1.c.Set(ctx, "x", 1, 0).Err(); err == nil || err.Error() != "READONLY You can't write against a read only replica." {
		t.Fatalf("write on a replica: %v", err)
	}
	role, err := r1.c.Do(ctx, "ROLE").Slice()
	if err != nil || role[0] != "slave" || role[3] != "connected" {
		t.Fatalf("ROLE on a replica: %v %v", role, err)
	}
	role, err = p.c.Do(ctx, "ROLE").Slice()
	if err != nil || role[0] != "master" || len(role[2].([]any)) != 2 {
		t.Fatalf("ROLE on the primary: %v %v", role, err)
	}
	if n := p.infoInt(t, "replication", "connected_slaves"); n != 2 {
		t.Fatalf("connected_slaves %d", n)
	}
}

// TestWaitCounts: WAIT returns how many replicas acknowledged the
// client's writes, at once when enough did, after the timeout when not.
func TestWaitCounts(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	if n, err := p.c.Wait(ctx, 1, 50*time.Millisecond).Result(); err != nil || n != 0 {
		t.Fatalf("WAIT without replicas: %d %v", n, err)
	}
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	p.c.Set(ctx, "k", "v", 0)
	if n, err := p.c.Wait(ctx, 1, 5000*time.Millisecond).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1: %d %v", n, err)
	}
	begin := time.Now()
	if n, err := p.c.Wait(ctx, 2, 300*time.Millisecond).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 2: %d %v", n, err)
	}
	if el := time.Since(begin); el < 250*time.Millisecond {
		t.Fatalf("WAIT 2 returned after %v, before its timeout", el)
	}
	if _, err := r.c.Wait(ctx, 1, 10).Result(); err == nil || !strings.HasPrefix(err.Error(), "ERR WAIT cannot be used with replica instances") {
		t.Fatalf("WAIT on a replica: %v", err)
	}
}

// TestPartialResyncAfterReplicaRestart: a replica shut down (saving its
// snapshot with the replication ID and offset) and restarted continues
// with a partial resync; once the backlog no longer holds its offset it
// gets a full sync. Both end equal to the primary.
func TestPartialResyncAfterReplicaRestart(t *testing.T) {
	ctx := context.Background()
	p := start(t, "", "repl-backlog-size 64kb")
	rdir := t.TempDir()
	r := start(t, rdir, p.replicaOf(), "save 3600 1")
	waitLinked(t, r)
	mixedLoad(t, p.c, 300*time.Millisecond, 2)
	waitCaughtUp(t, p, r)
	full := p.infoInt(t, "stats", "sync_full")

	r.shutdown(t)
	for i := range 100 {
		p.c.Set(ctx, key("gap", i), i, 0)
	}
	r = start(t, rdir, p.replicaOf(), "save 3600 1")
	waitLinked(t, r)
	waitCaughtUp(t, p, r)
	if ok := p.infoInt(t, "stats", "sync_partial_ok"); ok != 1 {
		t.Fatalf("sync_partial_ok %d after the restart, want 1\n%s", ok, r.Log())
	}
	if f := p.infoInt(t, "stats", "sync_full"); f != full {
		t.Fatalf("sync_full went from %d to %d: the restart was a full sync", full, f)
	}

	r.shutdown(t)
	big := strings.Repeat("x", 1024)
	for i := range 200 { // 200 KB past a 64 KB backlog
		p.c.Set(ctx, key("over", i), big, 0)
	}
	r = start(t, rdir, p.replicaOf(), "save 3600 1")
	waitLinked(t, r)
	waitCaughtUp(t, p, r)
	if f := p.infoInt(t, "stats", "sync_full"); f != full+1 {
		t.Fatalf("sync_full %d after the backlog overflowed, want %d", f, full+1)
	}
}

// TestLinkCutDuringFullSync: the connection drops in the middle of the
// snapshot; the replica reconnects and ends equal to the primary.
func TestLinkCutDuringFullSync(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	rng := rand.New(rand.NewPCG(1, 2))
	val := make([]byte, 1000) // random: the snapshot compresses nothing
	for b := range 20 {
		pipe := p.c.Pipeline()
		for i := range 1000 {
			for j := range val {
				val[j] = byte('a' + rng.IntN(26))
			}
			pipe.Set(ctx, key("k", b*1000+i), string(val), 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	px := newProxy(t, p.Addr)
	px.cutAfter.Store(5 << 20) // in the middle of a ~20 MB snapshot
	r := start(t, "", "replicaof 127.0.0.1 "+px.port())
	waitLinked(t, r)
	if px.cuts.Load() != 1 {
		t.Fatalf("the proxy cut %d times", px.cuts.Load())
	}
	p.c.Set(ctx, "after", "cut", 0)
	waitCaughtUp(t, p, r)
	if n := r.c.DBSize(ctx).Val(); n != 20001 {
		t.Fatalf("replica has %d keys", n)
	}
}

// TestEmptyPrimaryDoesNotWipeReplica: a primary restarted empty (no
// persistence) offers an empty full sync; its replica keeps its keys
// until an operator runs REPLICAOF again.
func TestEmptyPrimaryDoesNotWipeReplica(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	port := p.port()
	for i := range 100 {
		p.c.Set(ctx, key("k", i), i, 0)
	}
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	waitCaughtUp(t, p, r)
	p.Kill()
	p = start(t, "", "port "+port)
	eventually(t, 20*time.Second, "the replica to refuse the empty sync", func() bool {
		return strings.Contains(r.Log(), "refusing a full sync from a primary with an empty dataset")
	})
	if n := r.c.DBSize(ctx).Val(); n != 100 {
		t.Fatalf("the replica has %d keys after its primary restarted empty", n)
	}
	if err := r.c.Do(ctx, "REPLICAOF", "127.0.0.1", port).Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the operator's REPLICAOF to let the sync through", func() bool {
		return r.c.DBSize(ctx).Val() == 0 && r.info(t, "replication", "master_link_status") == "up"
	})
}

// arrival sets key to size bytes on primary p and returns how long the
// value took to show on replica r.
func arrival(t *testing.T, p, r *node, key string, size int) time.Duration {
	t.Helper()
	ctx := context.Background()
	begin := time.Now()
	if err := p.c.Set(ctx, key, strings.Repeat("v", size), 0).Err(); err != nil {
		t.Fatal(err)
	}
	for r.c.Exists(ctx, key).Val() != 1 {
		if time.Since(begin) > 5*time.Second {
			t.Fatalf("%s never reached the replica", key)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(begin)
}

// TestAsyncBatchWindow: an async replica's link sends a write that comes
// after a quiet spell at once, gathers what follows a write for
// repl-async-batch-usec, and with 0 sends every write at once.
func TestAsyncBatchWindow(t *testing.T) {
	ctx := context.Background()
	// No keepalive PING: one would open a window of its own.
	p := start(t, "", "repl-async-batch-usec 400000", "repl-ping-replica-period 3600")
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	arrival := func(key string) time.Duration { return arrival(t, p, r, key, 1) }
	time.Sleep(600 * time.Millisecond) // past the window of the sync's last write
	if d := arrival("lone"); d > 300*time.Millisecond {
		t.Fatalf("a write after a quiet spell took %v to reach the replica, want it sent at once", d)
	}
	if d := arrival("next"); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("the write after it took %v, want it held for the 400 ms window", d)
	}
	// WAIT's request for the replica's offset is not held back: within a
	// window, it still returns at once.
	if err := p.c.Set(ctx, "waited", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if n, err := p.c.Wait(ctx, 1, 5000).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 = %d, %v", n, err)
	}
	if d := time.Since(begin); d > 200*time.Millisecond {
		t.Fatalf("WAIT within a batch window took %v", d)
	}
	if err := p.c.ConfigSet(ctx, "repl-async-batch-usec", "0").Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	for _, k := range []string{"a", "b", "c"} {
		if d := arrival(k); d > 300*time.Millisecond {
			t.Fatalf("with repl-async-batch-usec 0, %s took %v to reach the replica", k, d)
		}
	}
}

// TestAsyncBatchFullSendsEarly: a link gathering effects for its window
// sends them at once when a full batch (64 KB) waits: a large value does
// not wait out the window.
func TestAsyncBatchFullSendsEarly(t *testing.T) {
	p := start(t, "", "repl-async-batch-usec 1000000", "repl-ping-replica-period 3600")
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	time.Sleep(1200 * time.Millisecond) // past the window of the sync's last write
	arrival(t, p, r, "opens-window", 1) // sent at once; the window opens after it
	if d := arrival(t, p, r, "large", 100<<10); d > 500*time.Millisecond {
		t.Fatalf("a 100 KB write within the window took %v to reach the replica, want it sent at once", d)
	}
}

// TestReplicaTimeoutCountsSilenceOnly: repl-timeout on a replica bounds
// how long its primary may stay silent, not how long a stream of large
// values may take to apply: under a continuous stream of values larger
// than the replica's read buffer the link stays up.
func TestReplicaTimeoutCountsSilenceOnly(t *testing.T) {
	ctx := context.Background()
	p := start(t, "")
	r := start(t, "", p.replicaOf(), "repl-timeout 1")
	waitLinked(t, r)
	// About 50 MB/s for 3 s: a stream that never pauses for a second,
	// and that a replica keeps up with (faster, the primary drops it at
	// its output buffer limit, as Redis does).
	value := strings.Repeat("v", 200<<10)
	for i, stop := 0, time.Now().Add(3*time.Second); time.Now().Before(stop); i++ {
		if err := p.c.Set(ctx, key("big", i%50), value, 0).Err(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(4 * time.Millisecond)
	}
	waitCaughtUp(t, p, r)
	if full, partial := p.infoInt(t, "stats", "sync_full"), p.infoInt(t, "stats", "sync_partial_ok"); full != 1 || partial != 0 {
		t.Fatalf("sync_full=%d sync_partial_ok=%d: the replica's link dropped under load\nreplica:\n%s\nprimary:\n%s", full, partial, r.Log(), p.Log())
	}
}

// TestAsyncBatchBacklogUnpaused: the batch window holds back only a
// stream that has caught up; a backlog of many megabytes goes out
// without a pause between its chunks.
func TestAsyncBatchBacklogUnpaused(t *testing.T) {
	ctx := context.Background()
	p := start(t, "", "repl-async-batch-usec 100000")
	r := start(t, "", p.replicaOf())
	waitLinked(t, r)
	value := strings.Repeat("v", 1<<20)
	pipe := p.c.Pipeline()
	for i := range 24 {
		pipe.Set(ctx, key("mb", i), value, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	// Paused 100 ms per 256 KB chunk, 24 MB would take 9.6 s.
	begin := time.Now()
	eventually(t, 5*time.Second, "the last value on the replica", func() bool {
		return r.c.Exists(ctx, key("mb", 23)).Val() == 1
	})
	t.Logf("24 MB reached the replica %v after the pipeline's reply", time.Since(begin))
}
